# Cairn: the two Quick start commands are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
CAIRN := $(BIN)/cairn
DEMO_ENV := var/demo.env
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: demo test check install install-dev frontend worker serve lint types migrations-check browsers clean

$(UV):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check "uv>=0.5"

install: $(UV) frontend
	$(UV) sync --frozen --no-dev --quiet

install-dev: $(UV) frontend
	$(UV) sync --frozen --extra dev --quiet

frontend: node_modules/.package-lock.json frontend/build/cairn.css

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

frontend/build/cairn.css: frontend/cairn.scss frontend/js/init.mjs node_modules/.package-lock.json
	npm run --silent build

# Demo keys are generated here, once, and never committed (var/ is ignored by git).
$(DEMO_ENV):
	@mkdir -p var
	@{ echo "CAIRN_DEMO=1"; \
	   echo "CAIRN_SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')"; \
	   echo "CAIRN_FIELD_KEYS=$$($(BIN)/python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"; \
	 } > $(DEMO_ENV)
	@chmod 600 $(DEMO_ENV)

demo: install $(DEMO_ENV)
	set -a && . ./$(DEMO_ENV) && set +a && \
	$(CAIRN) migrate --no-input -v 0 && \
	$(CAIRN) demo setup && \
	$(CAIRN) world demo && \
	echo "Cairn demo: http://127.0.0.1:8000 (synthetic data only)" && \
	$(CAIRN) runserver 127.0.0.1:8000

serve: install $(DEMO_ENV)
	set -a && . ./$(DEMO_ENV) && set +a && $(CAIRN) runserver 127.0.0.1:8000

worker: install $(DEMO_ENV)
	set -a && . ./$(DEMO_ENV) && set +a && $(CAIRN) db_worker

# Debian packages the tests need: Chromium for the browser tests, Pango for WeasyPrint's PDFs.
APT_PACKAGES := chromium libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core

browsers:
	@{ command -v chromium >/dev/null && /sbin/ldconfig -p | grep -q libpangoft2-1.0; } || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $(APT_PACKAGES) >/dev/null; \
	  else echo "The tests need Debian packages: sudo apt-get install $(APT_PACKAGES)"; fi; }

lint: install-dev
	$(BIN)/ruff check src benchmarks
	$(BIN)/ruff format --check src benchmarks

types: install-dev
	CAIRN_DEBUG=1 $(BIN)/mypy

migrations-check: install-dev
	CAIRN_DEBUG=1 $(CAIRN) makemigrations --check --dry-run

check: lint types migrations-check

test: install-dev browsers check
	$(BIN)/pytest

clean:
	rm -rf $(VENV) node_modules frontend/build var
