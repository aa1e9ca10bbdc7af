# The two commands of the README: `make demo` and `make test`. Both create .venv if needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install install-dev browser postgresql demo serve test lint clean

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

# The browser tests (tests/test_browser.py) drive Debian's chromium through Playwright
# (`playwright install` cannot download browsers everywhere). Installed only when missing:
# as root with apt-get, otherwise through sudo if there is one.
CHROMIUM := /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,$(shell command -v sudo))

$(CHROMIUM):
	@if [ "$$(id -u)" != 0 ] && [ -z "$(SUDO)" ]; then \
	  echo "chromium is missing: install it as root (apt-get install chromium), then rerun make" >&2; \
	  exit 1; \
	fi
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

browser: $(CHROMIUM)

# The PostgreSQL backend's tests (tests/test_store_postgres.py and the backend-parametrized
# store tests) start a throwaway cluster with Debian's PostgreSQL 15 programs; installed,
# like chromium, only when missing.
INITDB := /usr/lib/postgresql/15/bin/initdb

$(INITDB):
	@if [ "$$(id -u)" != 0 ] && [ -z "$(SUDO)" ]; then \
	  echo "PostgreSQL is missing: install it as root (apt-get install postgresql), then rerun make" >&2; \
	  exit 1; \
	fi
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql

postgresql: $(INITDB)

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
	@echo
	@echo "Explore the demo corpus in a browser: make serve, then open http://127.0.0.1:8000/"

# The web app over the demo store (built by `make demo`).
serve: install
	@test -f $(DEMO_DB) || $(MAKE) demo
	$(BIN)/saidwhat serve --db $(DEMO_DB)

test: install-dev $(CHROMIUM) $(INITDB)
	$(BIN)/pytest -q

lint: install-dev
	$(BIN)/ruff check src tests benchmarks training
	$(BIN)/ruff format --check src tests benchmarks training

clean:
	rm -rf $(VENV) build src/*.egg-info
