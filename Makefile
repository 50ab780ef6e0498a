# Two commands set up a fresh machine and do the work:
#   make synth   install what synthesizing needs, then synthesize every stack into cdktf.out/ (platformctl synth)
#   make test    install everything, then run the test suite (all but the whole-environment drill: make e2e)
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Scanners (checkov) live in their own venv: they pin boto3/packaging versions the library cannot use.
TOOLS_VENV := .venv-tools
NODE_BIN := $(CURDIR)/node_modules/.bin
TF_CLI_CONFIG := $(CURDIR)/.terraform.d/platform.tfrc
# The cdktf CLI writes its log here instead of echoing every line the app prints on stderr (README, Deploying).
CDKTF_LOG_DIR := $(CURDIR)/.cdktf-log

# Node 22 from node_modules first: the jsii kernel and the cdktf CLI run on it.
export PATH := $(NODE_BIN):$(CURDIR)/$(BIN):$(PATH)
export TF_CLI_CONFIG_FILE := $(TF_CLI_CONFIG)
export CHECKPOINT_DISABLE := 1

.PHONY: help install runtime synth test unit e2e bench report clean tools scan deploy-local deploy-local-down local-env lint-jenkins drill postgres-server docs-rto

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 22

$(BIN)/.installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# --compile: without bytecode every process pays ~30 s more to import the provider bindings
	$(BIN)/python -m pip install --quiet --compile -c constraints.txt -e '.[test]'
	touch $@

$(TOOLS_VENV)/.installed: requirements-tools.txt
	test -x $(TOOLS_VENV)/bin/python || $(PYTHON) -m venv $(TOOLS_VENV)
	$(TOOLS_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(TOOLS_VENV)/bin/python -m pip install --quiet -r requirements-tools.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The grant tests run the PostgreSQL grants against a real local server: Debian's postgresql package (psql, initdb).
postgres-server:  ## install Debian's postgresql package when no PostgreSQL server is installed
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && command -v psql >/dev/null || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null)

install: runtime $(TOOLS_VENV)/.installed postgres-server  ## create .venv, .venv-tools and node_modules (only when missing or stale)

runtime: $(BIN)/.installed node_modules/.installed  ## .venv and node_modules only (no scanners), the Terraform CLI configuration and the cdktf log directory
	@$(BIN)/python -m platformctl.terraform.cli $(TF_CLI_CONFIG) >/dev/null
	@mkdir -p $(CDKTF_LOG_DIR)

# platformctl synth is what `cdktf synth` runs (main.py), without the CLI around it: each problem is printed
# once and the exit code is the app's, which make reports as "Error 2" (configuration) or "Error 1" (synth).
synth: runtime  ## synthesize into cdktf.out/ (platformctl synth); PLATFORM_STACKS=dev,dev-app-api for some stacks
	$(BIN)/platformctl synth

tools: $(TOOLS_VENV)/.installed  ## install the scanners (checkov 3.3.30) into .venv-tools

scan: synth tools  ## checkov gate over every synthesized stack (skips: checkov-skips.toml)
	$(BIN)/platformctl scan

# Where the emulator keeps its state, certificate authority, logs and AWS CLI config.
LOCAL_AWS_DIR ?= .local-aws

# `platformctl local up` reads PLATFORM_ENV itself (unset: dev; set but empty: an error).
deploy-local: install  ## deploy bootstrap, shared and $PLATFORM_ENV (default dev) into a local AWS emulator; stays up
	$(BIN)/platformctl local up --run-dir $(LOCAL_AWS_DIR)

deploy-local-down:  ## stop the local AWS emulator and delete its state (.local-aws/)
	$(BIN)/platformctl local down --run-dir $(LOCAL_AWS_DIR)

local-env:  ## print exports pointing cdktf, platformctl, boto3 and the AWS CLI at the emulator: eval "$(make -s local-env)"
	@$(BIN)/platformctl local env --run-dir $(LOCAL_AWS_DIR)

drill: install  ## time the steps of an application and an infrastructure rollback against the local emulator
	$(BIN)/python bench/rollback_drill.py

docs-rto: install  ## docs/rollback.md: regenerate the recovery-time budget table from the configuration
	$(BIN)/python -m platformctl.rto_doc

lint-jenkins: node_modules/.installed  ## npm-groovy-lint (Node 22, Java 17) over cicd/Jenkinsfile-* and cicd/jobs.groovy: no error, no warning
	cd cicd && npm-groovy-lint --noserver --config $(CURDIR)/cicd/.groovylintrc.js --failon warning Jenkinsfile-* jobs.groovy

# ruff over every Python file (rules in pyproject.toml), then mypy --strict over the three packages
lint: $(BIN)/.installed  ## ruff (the documented rule set) and mypy --strict: zero findings (about 10 s)
	$(BIN)/python -m ruff check .
	$(BIN)/python -m mypy

# Four workers on two cores: they fill the time Terraform spends polling the emulators; measured
# 14 min against 19 min with two, in fresh clones (README, "Tests").
test: install lint  ## lint, then every test but the whole-environment drill, on four workers (about 14 min)
	$(BIN)/python -m pytest -n 4 --dist worksteal -m "not e2e"

unit: install  ## the unit tier alone: one process, no Terraform CLI, no emulator (about 1 min)
	$(BIN)/python -m pytest tests/unit

e2e: install  ## the full-lifecycle dev drill in the local AWS emulator: deploy, re-plan, destroy (about 25 min)
	$(BIN)/python -m pytest -m e2e

report: synth  ## reports/: every environment's settings side by side (environments.md, .html) and diagram-<env>.svg
	@$(BIN)/platformctl diagram
	@$(BIN)/platformctl report --format md --output reports/environments.md
	@$(BIN)/platformctl report --format html --output reports/environments.html

bench: install  ## synth times (repository, scale scenario: full, one environment, unchanged) against the import floor
	$(BIN)/python bench/synth.py

clean:  ## remove build output, the synth cache and the cdktf log (keeps .venv and node_modules)
	rm -rf cdktf.out .cdktf.out.* .cdktf-cache .pytest_cache reports $(CDKTF_LOG_DIR)/cdktf.log
