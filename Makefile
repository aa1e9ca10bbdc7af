# The two commands of the README: `make demo` and `make test`. Both create .venv if needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install install-dev demo test lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# A stamp per install so `make test` after `make demo` only adds the dev extras.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

# The demo store is rebuilt each time, so the demo shows a first ingest.
DEMO_DB := saidwhat.db

demo: install
	$(BIN)/saidwhat extract samples/articles --format table
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/saidwhat ingest samples/corpus --db $(DEMO_DB)
	$(BIN)/saidwhat stats --db $(DEMO_DB) --format table
	$(BIN)/saidwhat speakers --db $(DEMO_DB) --limit 8 --format table
	$(BIN)/saidwhat clusters --db $(DEMO_DB) --limit 2 --format table
	$(BIN)/saidwhat quotes --db $(DEMO_DB) --speaker Brask --limit 6 --format table

test: install-dev
	$(BIN)/pytest -q

lint: install-dev
	$(BIN)/ruff check src tests benchmarks training
	$(BIN)/ruff format --check src tests benchmarks training

clean:
	rm -rf $(VENV) build src/*.egg-info
