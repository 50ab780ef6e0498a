# Two commands set up a fresh machine and do the work:
#   make synth   install everything, then `cdktf synth` all stacks into cdktf.out/
#   make test    install everything, then run the whole test suite
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
NODE_BIN := $(CURDIR)/node_modules/.bin
TF_CLI_CONFIG := $(CURDIR)/.terraform.d/platform.tfrc

# Node 22 from node_modules first: the jsii kernel and the cdktf CLI run on it.
export PATH := $(NODE_BIN):$(CURDIR)/$(BIN):$(PATH)
export TF_CLI_CONFIG_FILE := $(TF_CLI_CONFIG)
export CHECKPOINT_DISABLE := 1

.PHONY: help install synth test bench report clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 22

$(BIN)/.installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# --compile: without bytecode every process pays ~30 s more to import the provider bindings
	$(BIN)/python -m pip install --quiet --compile -c constraints.txt -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(BIN)/.installed node_modules/.installed  ## create .venv and node_modules (only when missing or stale)
	@$(BIN)/python -m platform_constructs.tooling.terraform $(TF_CLI_CONFIG) >/dev/null

synth: install  ## synthesize every stack into cdktf.out/ (cdktf synth)
	cdktf synth

test: install  ## run the whole test suite
	$(BIN)/python -m pytest

report: $(BIN)/.installed  ## print the effective settings of every environment side by side
	$(BIN)/python -m platform_constructs.report environments

bench: install  ## measure full synth against the import floor
	$(BIN)/python bench/synth.py

clean:  ## remove build output (keeps .venv and node_modules)
	rm -rf cdktf.out .cdktf.out.* .pytest_cache reports
