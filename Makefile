# Oversight: `make run` (demo on SQLite at http://127.0.0.1:8000) and `make test` (every test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: venv static system-packages run test test-sqlite test-postgres lint bench conformance clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,postgres,bench]'
	touch $(STAMP)

# GOV.UK Frontend and htmx from npm into src/oversight/static/ (needs Node 20+; a no-op when up to date).
static:
	$(PYTHON) scripts/build_static.py

# Debian packages for the tests (Chromium, the libraries WeasyPrint needs); a no-op when present.
system-packages:
	bash scripts/install_system_packages.sh

run: venv static
	OVERSIGHT_DEBUG=1 $(BIN)/oversight migrate --noinput
	OVERSIGHT_DEBUG=1 $(BIN)/oversight load_demo
	OVERSIGHT_DEBUG=1 $(BIN)/oversight remind --schedule
	# The task worker (daily reminders, calendar invitations) runs beside the server and stops with it.
	OVERSIGHT_DEBUG=1 $(BIN)/oversight db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	OVERSIGHT_DEBUG=1 $(BIN)/oversight runserver 127.0.0.1:8000

# The suite on SQLite, then again on PostgreSQL (skipped, saying so, where no server answers).
test: venv static system-packages
	$(BIN)/pytest
	BIN=$(BIN) bash scripts/test_postgres.sh

test-sqlite: venv static system-packages
	$(BIN)/pytest

test-postgres: venv static system-packages
	BIN=$(BIN) bash scripts/test_postgres.sh

conformance: venv
	OVERSIGHT_CMD=$(BIN)/oversight ../shared/conformance/run ../shared/conformance/cases

lint: venv
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check bench

bench: venv
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/run.py
	$(BIN)/python bench/national.py
	$(BIN)/python bench/load.py
	$(BIN)/python bench/crash.py
	$(BIN)/python bench/store.py
	$(BIN)/python bench/guard.py
	$(BIN)/python bench/records.py

# Issue 7, Scale: each part of `make bench` alone (bench/README.md, "Scale").
.PHONY: bench-national bench-load bench-crash
bench-national: venv
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/national.py

bench-load: venv
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/load.py

bench-crash: venv
	$(BIN)/python bench/crash.py

# Issue 9: the child-data guard's precision and recall on its labelled sentences (bench/guard/labelled.yaml).
.PHONY: bench-guard
bench-guard: venv
	$(BIN)/python bench/guard.py

clean:
	rm -rf $(VENV) oversight.sqlite3 staticfiles .pytest_cache
