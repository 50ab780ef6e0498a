#!/usr/bin/env bash
# The newcomer's first hour, in a fresh `git clone`: the README's quick start and its "Adding an
# application" and "Adding an environment" walkthroughs, run verbatim. The commands are the lines of the
# fenced block marked `<!-- snippet: runs in tests/walkthrough/fresh_clone.sh: NAME -->` (tests/snippets.py),
# so editing the README changes what runs. Each command must exit 0 and print what the step promises; the
# files it should produce are checked. `make test` and `make e2e` in the quick start are the suites this
# script runs inside (make test) or beside (.ci/run runs make e2e after it), so they are skipped here.
#
#   tests/walkthrough/fresh_clone.sh [CHECKOUT]     # default: the checkout holding this script
#
# The clone holds the checkout's last commit. It reuses the checkout's installation (.venv, .venv-tools,
# node_modules, as symbolic links) instead of reinstalling: minutes, not a reinstall. Run by
# tests/walkthrough/test_fresh_clone.py (marked slow), so `make test` runs it.
set -euo pipefail

checkout=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/fresh-clone.XXXXXX")
trap 'rm -rf "$work"' EXIT

fail() { echo "walkthrough: FAILED: $*" >&2; exit 1; }

git clone --quiet "$checkout" "$work/repo"
cd "$work/repo"
for installed in .venv .venv-tools node_modules; do
    [[ -e "$checkout/$installed" ]] || fail "$checkout/$installed is missing: run make install in the checkout first"
    ln -s "$(readlink -f "$checkout/$installed")" "$installed"
done
# git gives every file the clone's time, which would make `make` reinstall into the shared .venv; the
# checkout's installation was made from these very files.
touch -d "2000-01-01" pyproject.toml constraints.txt requirements-tools.txt package.json package-lock.json
# Never install through the links: a stale or stamp-less installation would be rebuilt inside the checkout.
make -q .venv/bin/.installed node_modules/.installed \
    || fail "make would reinstall $checkout/.venv or node_modules (stale or no stamp): run make install there first"
# The clone's code, not the checkout's, is what runs (the .venv's path file names the checkout's constructs/).
export PYTHONPATH="$PWD/constructs"
export PLATFORM_SYNTH_CACHE_DIR="$work/cache"

# The lines of the fenced block marked `<!-- snippet: $1 -->`, without blank lines.
block() {
    awk -v marker="<!-- snippet: $1 -->" '
        index($0, marker) == 1 { found = 1; next }
        found && /^```/ { if (inside) exit; inside = 1; next }
        inside && NF { print }
    ' README.md
}

# What a command must print (grep -E), by what it runs.
promise() {
    case "$1" in
        *"platformctl new-app "*) echo "^added application [a-z0-9-]+; wrote:" ;;
        *"platformctl new-env "*) echo "^added environment [a-z0-9]+; wrote:" ;;
        *"platformctl synth"*|"make synth"*) echo "^synthesized: " ;;
        *) echo "" ;;
    esac
}

# Runs the block marked `<!-- snippet: $1 -->`, logging each step under the marker's last part (quick-start, ...).
run_block() {
    local marker=$1 name=${1##*: } commands
    commands=$(block "$marker")
    [[ -n "$commands" ]] || fail "README.md has no fenced block marked <!-- snippet: $marker -->"
    while IFS= read -r command; do
        if [[ "$command" == "make test"* || "$command" == "make e2e"* ]]; then
            echo "[$name] skipped: $command (a suite of its own: this walkthrough runs in make test, beside make e2e)"
            continue
        fi
        local started=$SECONDS log="$work/step.log" expected
        set +e
        bash -euo pipefail -c "$command" >"$log" 2>&1
        local code=$?
        set -e
        echo "[$name] exit $code in $((SECONDS - started)) s: $command"
        [[ $code -eq 0 ]] || { cat "$log" >&2; fail "$command exited $code"; }
        expected=$(promise "$command")
        if [[ -n "$expected" ]] && ! grep -Eq "$expected" "$log"; then
            cat "$log" >&2
            fail "$command did not print /$expected/"
        fi
    done <<<"$commands"
}

# The stack's synthesized JSON holds every given string.
stack_holds() {
    local file="cdktf.out/stacks/$1/cdk.tf.json"
    [[ -s "$file" ]] || fail "$file was not written"
    shift
    for text in "$@"; do
        grep -q -- "$text" "$file" || fail "$file does not hold $text"
    done
}

run_block "runs in tests/walkthrough/fresh_clone.sh: quick-start"
for stack in bootstrap shared dev dev-cluster-config dev-app-api staging staging-cluster-config staging-app-api \
             prod prod-cluster-config prod-app-api; do
    stack_holds "$stack"
done

run_block "runs in tests/walkthrough/fresh_clone.sh: add-app"
grep -q '"billing"' environments/shared.toml || fail "shared.toml's repositories do not list billing"
grep -q '^\[ci.applications.billing\]' environments/shared.toml || fail "shared.toml names no source of billing"
stack_holds dev-app-billing acme-shared-billing

run_block "runs in tests/walkthrough/fresh_clone.sh: add-env"
grep -q 'environment = "qa"' environments/accounts.toml || fail "accounts.toml does not register qa"
stack_holds qa 10.40.0.0/16
stack_holds qa-app-reports acme-shared-reports
stack_holds qa-cluster-config amazon-vpc-cni

echo "walkthrough: quick start, add-app and add-env passed in $SECONDS s"
