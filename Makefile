# Tremplin — one command to run the app, one to test it. Both are idempotent.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1:8000
PYTEST_ARGS ?=

.PHONY: run test e2e lint format setup db demo demo-codes system-deps clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

## Debian packages the tests need (Chromium for end-to-end tests); installed only when missing.
## Without root, the end-to-end tests are skipped (with the reason) until chromium is installed.
CHROMIUM := /usr/bin/chromium
system-deps:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installation de chromium (paquet Debian) pour les tests de bout en bout..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	    test -x $(CHROMIUM); \
	  else echo "Chromium manque : les tests de bout en bout seront ignorés (sudo apt-get install chromium)." >&2; fi; }

db: $(STAMP)
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput -v 0

## Demo data (refused when PRODUCTION=1); loaded once, skipped while an operator exists.
demo: db
	$(BIN)/python manage.py load_demo --if-empty

## The current 6-digit code of each demo account, to sign in without a phone.
demo-codes: $(STAMP)
	@$(BIN)/python manage.py demo_codes

run: demo
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST)

test: $(STAMP) system-deps
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

e2e: $(STAMP) system-deps
	$(BIN)/pytest -n 2 -m e2e $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run -v 1

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var/*.sqlite3
