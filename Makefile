# Tremplin — one command to run the app, one to test it. Both are idempotent.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1:8000
PYTEST_ARGS ?=

.PHONY: run test e2e lint format messages setup db demo demo-codes system-deps pdf-deps clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

## Debian packages, installed only when missing: Pango for WeasyPrint's PDF reports (the app needs it),
## Chromium for the end-to-end tests. Without root, say what is missing: the e2e tests are then skipped.
CHROMIUM := /usr/bin/chromium
APT_INSTALL := apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq
pdf-deps:
	@ldconfig -p | grep -q libpangoft2-1.0 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installation de pango (paquet Debian) pour les PDF..."; \
	    $(APT_INSTALL) libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; \
	  else echo "Pango manque : les PDF ne pourront pas être produits (sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0)." >&2; fi; }

system-deps: pdf-deps
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installation de chromium (paquet Debian) pour les tests de bout en bout..."; \
	    $(APT_INSTALL) chromium >/dev/null; \
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

## The web server, and beside it the worker that runs background tasks (reminders, large exports).
run: demo pdf-deps
	DEBUG=1 $(BIN)/python manage.py db_worker --no-reload -v 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
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

## The French catalogue of plural forms (« 0 personne », « 2 personnes »), after changing a counted string.
## Needs xgettext (Debian's gettext), installed when missing and run as root.
messages: $(STAMP)
	@command -v xgettext >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then $(APT_INSTALL) gettext >/dev/null; \
	  else echo "xgettext manque : sudo apt-get install gettext" >&2; exit 1; fi; }
	$(BIN)/python manage.py makemessages -l fr --no-location --no-obsolete -v 0 \
	  -i '.venv/*' -i 'bench/*' -i 'docs/*' -i 'var/*' -i 'staticfiles/*' -i 'build/*'
	$(BIN)/python manage.py french_plurals

clean:
	rm -rf $(VENV) var/*.sqlite3
