# goodgov: `make run` serves the platform with demo data, `make test` runs every test.
#
# Variables you may set: VENV (where the virtualenv lives, default .venv), PYTHON
# (the interpreter that creates it, 3.11 or newer), PYTEST_ARGS (extra pytest
# arguments), HOST/PORT (where `make run` serves), BENCH (one benchmark, e.g. ledger) and
# BENCH_ARGS (its arguments) for `make bench`.
# GOODGOV_* variables configure the platform itself (README.md).

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
PYTEST_ARGS ?=
BENCH_ARGS ?=

BIN := $(VENV)/bin
GOODGOV := $(BIN)/goodgov
VENV_STAMP := $(VENV)/.goodgov-installed
STATIC_OUT := src/goodgov/web/static/goodgov
ASSETS_STAMP := $(STATIC_OUT)/.built
ASSET_SOURCES := $(shell find src/goodgov/web/static_src -type f 2>/dev/null)

.PHONY: help .venv venv assets messages run test lint bench clean

help:
	@echo "make run     the platform with demo data at http://$(HOST):$(PORT)"
	@echo "make test    the whole suite: unit, integration and browser tests"
	@echo "make lint    ruff (lint and format check) and mypy"
	@echo "make bench   the benchmarks (BENCH=submit|ledger|pages|... for one); results into docs/benchmarks.md"
	@echo "make .venv | assets | messages | clean"

# --- Python environment ----------------------------------------------------------
# Re-installed when pyproject.toml changes (the stamp lives inside the venv).
.venv venv: $(VENV_STAMP)

$(VENV_STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "no python3 found: install Python 3.11 or newer" >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
	  || { echo "$(PYTHON) is older than 3.11: install python3.11" >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

# --- Front end: GOV.UK Frontend with our brand and Sarabun -----------------------
# `npm ci` when the lock file changes; `npm run build` when a source changes.
assets: $(ASSETS_STAMP)

node_modules/.goodgov-installed: package.json $(wildcard package-lock.json)
	@command -v npm >/dev/null || { echo "npm not found: install Node.js 18 or newer" >&2; exit 1; }
	if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
	@touch $@

$(ASSETS_STAMP): node_modules/.goodgov-installed $(ASSET_SOURCES)
	npm run build
	@test -d $(STATIC_OUT) || { echo "npm run build did not produce $(STATIC_OUT)" >&2; exit 1; }
	@touch $@

# --- Translations: .po (in git) -> .mo (built, gitignored) -----------------------
messages: .venv
	@if find src -name '*.po' -not -path '*/node_modules/*' | grep -q .; then \
	  $(GOODGOV) compilemessages --ignore=.venv --ignore=node_modules -v 0; \
	else \
	  echo "messages: no .po files yet, nothing to compile"; \
	fi

# --- Run ------------------------------------------------------------------------
# Not in DEBUG (GOODGOV_DEBUG unset), so gunicorn serves the app and whitenoise the
# collected static files, as in production. Every step is idempotent: run it again.
# The demo node serves the population registry as `ddg` (the name the demo services'
# fetched evidence names) and calls itself for it, so gunicorn runs threads too.
run: export GOODGOV_EXCHANGE_NODE ?= ddg
run: export GOODGOV_EXCHANGE_AGENCY ?= DDG
run: .venv assets messages
	$(GOODGOV) migrate --noinput
	$(GOODGOV) createcachetable
	$(GOODGOV) collectstatic --noinput -v 0
	$(GOODGOV) demo
	@echo "goodgov at http://$(HOST):$(PORT)/ (English at /en/); Ctrl-C stops it"
	@# The ledger sequencer and the analytics export run beside the web server and stop with it.
	$(GOODGOV) ledger sequence --follow & sequencer=$$!; \
	$(GOODGOV) analytics export --follow & analytics=$$!; \
	trap 'kill $$sequencer $$analytics 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn goodgov.wsgi -b $(HOST):$(PORT) --workers $(WORKERS) --threads 4 --access-logfile -

# --- Checks -----------------------------------------------------------------------
# With GOODGOV_DATABASE_URL set the suite runs on that database (scripts/pg-start).
test: .venv assets messages
	$(BIN)/pytest $(PYTEST_ARGS)

# All three run; any failure fails the target.
lint: .venv
	@status=0; \
	echo "+ ruff check"; $(BIN)/ruff check . || status=1; \
	echo "+ ruff format --check"; $(BIN)/ruff format --check . || status=1; \
	echo "+ mypy"; $(BIN)/mypy || status=1; \
	exit $$status

# Every benchmark in turn, or one: `make bench BENCH=ledger BENCH_ARGS="--events 100000"`.
# Those with --write-docs write their own section of docs/benchmarks.md; BENCH_ARGS go to
# each one run (so mostly with BENCH=).
BENCH ?=
BENCHES := $(or $(BENCH),submit ledger documents exchange analytics pages)

bench: .venv
	@set -e; for name in $(BENCHES); do \
	  test -f bench/$$name.py || { echo "no benchmark bench/$$name.py" >&2; exit 1; }; \
	  docs=; if grep -q -e '"--write-docs"' bench/$$name.py; then docs=--write-docs; fi; \
	  echo "+ bench/$$name.py $$docs $(BENCH_ARGS)"; \
	  $(BIN)/python bench/$$name.py $$docs $(BENCH_ARGS); \
	done

# Build outputs only; the venv and node_modules stay (other checkouts may share them).
clean:
	rm -rf $(STATIC_OUT) node_modules/.goodgov-installed var/static test-results
	find src -name '*.mo' -delete
	find . -name __pycache__ -not -path './.venv/*' -not -path './node_modules/*' -prune -exec rm -rf {} +
	rm -rf .mypy_cache .ruff_cache .pytest_cache
