# Fundhouse: `make demo` runs the app with demo data; `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CHROMIUM ?= /usr/bin/chromium
export FUNDHOUSE_DATA_DIR ?= $(CURDIR)/var

.PHONY: help install web web-deps demo serve migrate test lint typecheck test-python \
        test-postgres fuzz-quick fuzz web-test e2e chromium benchmark clean

help:
	@echo "make demo   install, build the web app, migrate, load demo data, serve on :8000"
	@echo "make test   lint, type check, Python tests (SQLite, and PostgreSQL when"
	@echo "            FUNDHOUSE_TEST_DATABASE_URL is set), API fuzzing, web build and tests,"
	@echo "            browser tests"
	@echo "make fuzz   fuzz the API longer: FUZZ_EXAMPLES per operation (default 200), a random"
	@echo "            seed or FUZZ_SEED; with FUZZ_MAX_TIME it goes on that many seconds a user"

$(VENV)/.installed: pyproject.toml requirements.lock src/fundhouse/finance/_xirr.pyx
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	@touch $@

install: $(VENV)/.installed

web/node_modules/.installed: web/package.json web/package-lock.json
	@command -v npm >/dev/null || { echo "Node.js 20+ and npm are needed: https://nodejs.org"; exit 1; }
	npm --prefix web ci --no-audit --no-fund
	@touch $@

web-deps: web/node_modules/.installed

web: install web-deps
	$(BIN)/fundhouse openapi > web/openapi.json
	npm --prefix web run gen:api
	npm --prefix web run build

migrate: install
	$(BIN)/fundhouse migrate

demo: web migrate
	$(BIN)/fundhouse demo
	$(BIN)/fundhouse serve

serve: install
	$(BIN)/fundhouse serve

lint: install
	$(BIN)/ruff check src tests benchmarks migrations/env.py
	$(BIN)/ruff format --check src tests benchmarks

typecheck: install
	$(BIN)/mypy

test-python: install
	$(BIN)/pytest -m "not e2e" -n 2 --dist loadfile

test-postgres: install
	@if [ -n "$$FUNDHOUSE_TEST_DATABASE_URL" ]; then \
	  FUNDHOUSE_TEST_BACKEND=postgres $(BIN)/pytest -m "not e2e" -n 2 --dist loadfile --ignore=tests/finance; \
	else echo "FUNDHOUSE_TEST_DATABASE_URL is not set: PostgreSQL run skipped"; fi

# Schemathesis against the served app with the demo data, as an LP and as an admin
# (tests/fuzz/run.py). The quick run has a fixed seed and few examples, to stay within a few
# minutes in `make test`; `make fuzz` searches longer.
FUZZ_QUICK_SEED := 20261207
FUZZ_EXAMPLES ?= 200

fuzz-quick: install
	$(BIN)/python -m tests.fuzz.run --examples 5 --seed $(FUZZ_QUICK_SEED)

fuzz: install
	$(BIN)/python -m tests.fuzz.run --examples $(FUZZ_EXAMPLES) \
	  $(if $(FUZZ_SEED),--seed $(FUZZ_SEED)) $(if $(FUZZ_MAX_TIME),--max-time $(FUZZ_MAX_TIME))

web-test: web
	npm --prefix web run lint
	npm --prefix web test

chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Browser tests need Chromium at $(CHROMIUM): install it (Debian/Ubuntu: sudo apt-get install chromium) or set CHROMIUM=/path/to/chromium"; \
	    exit 1; \
	  fi; \
	fi

e2e: web chromium
	FUNDHOUSE_CHROMIUM=$(CHROMIUM) $(BIN)/pytest -m e2e tests/e2e

test: lint typecheck test-python test-postgres fuzz-quick web-test e2e
	@echo "all checks passed"

benchmark: install
	$(BIN)/python -m benchmarks.finance
	$(BIN)/python -m benchmarks.ledger_balances
	$(BIN)/python -m benchmarks.lp_statements
	$(BIN)/python -m benchmarks.fund_dashboard

clean:
	rm -rf $(VENV) web/node_modules web/dist var
