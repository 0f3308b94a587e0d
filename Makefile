# Two commands on a fresh machine: `make run` (install, import, index, serve) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export ANONYMIZED_TELEMETRY := False

.PHONY: install dev run index test bench bench-quality lint clean-index

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(PIP) install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

dev: $(VENV)/.installed-dev

## Import the corpus if missing, bring the index up to date (progress bar; cached in indexes/), serve.
run: install
	$(BIN)/assistant corpus import --if-missing
	$(BIN)/assistant index update
	$(BIN)/assistant serve --host $(HOST) --port $(PORT)

index: install
	$(BIN)/assistant index update

test: dev
	$(BIN)/pytest -q

## Benchmarks print numbers; they are not tests. See bench/README.md.
bench: dev
	$(PY) -m bench.retrieval_quality

lint: dev
	$(BIN)/ruff check assistant bots tests bench

clean-index:
	rm -rf indexes/generations indexes/CURRENT indexes/build.lock
