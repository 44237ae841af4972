# Two commands: `make run` and `make test`. Everything else is a step they use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
NOFU := $(BIN)/nofu
STAMP := $(VENV)/.installed

.PHONY: run test setup system-deps db demo serve check lint fmt bench clean

run: setup db demo serve

# A file, not :memory:, so the live server's threads in browser tests never share one
# SQLite connection (that gave rare "database table is locked" errors).
test: setup system-deps
	mkdir -p var
	NOFU_TEST_SQLITE=$(CURDIR)/var/test.sqlite3 $(BIN)/pytest

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Debian's chromium for browser tests, CJK fonts and poppler for looking at reports.
system-deps:
	bash scripts/install-system-deps.sh

db: setup
	$(NOFU) migrate --noinput

demo: db
	$(NOFU) demo_setup

serve:
	$(NOFU) runserver 127.0.0.1:8000

lint: setup
	$(BIN)/ruff check nofu tests bench
	$(BIN)/ruff format --check nofu tests bench
	$(BIN)/mypy

fmt: setup
	$(BIN)/ruff format nofu tests bench
	$(BIN)/ruff check --fix nofu tests bench

clean:
	rm -rf $(VENV) var
