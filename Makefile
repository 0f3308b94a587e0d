# Two commands on a fresh machine: `make run` (install, import, index, serve) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export ANONYMIZED_TELEMETRY := False

.PHONY: install dev run index test bench lint clean-index browser bot demo telegram-test-api topology

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

## Import the corpus if missing, bring the index up to date (progress bar; cached in indexes/),
## load the synthetic demo province and its demo accounts into SQLite, serve API + web pages.
run: install
	$(BIN)/assistant corpus import --if-missing
	$(BIN)/assistant index update
	$(BIN)/assistant demo load
	$(BIN)/assistant serve --host $(HOST) --port $(PORT)

demo: install
	$(BIN)/assistant demo load

## The Telegram bot: long polling (a webhook if TELEGRAM_WEBHOOK_URL is set). Needs TELEGRAM_BOT_TOKEN and
## ASSISTANT_API_KEY (`assistant users api-key telegram-bot`); ASSISTANT_API_URL if the API is not local.
bot: install
	$(PY) -m bots.telegram

## The several-machines topology on this one (PostgreSQL must run): Chroma server, 2 API processes, 1 worker.
topology: install
	$(BIN)/assistant topology --apis 2 --workers 1

index: install
	$(BIN)/assistant index update

## The browser tests drive Debian's chromium (never Playwright's own download, which fails offline).
browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium; fi; }

## The third-party Bot API emulator of the bot's e2e suite (npm `telegram-test-api`, pinned by its lock file).
TTAPI := tests/e2e/telegram_test_api
$(TTAPI)/node_modules/.package-lock.json: $(TTAPI)/package-lock.json $(TTAPI)/package.json
	@command -v npm >/dev/null || { echo "npm (Node 18+) is needed for the telegram-test-api e2e suite"; exit 1; }
	cd $(TTAPI) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

telegram-test-api: $(TTAPI)/node_modules/.package-lock.json

test: dev browser telegram-test-api
	$(BIN)/pytest -q

## Benchmarks print numbers; they are not tests. See bench/README.md.
bench: dev
	$(PY) -m bench.retrieval_quality

lint: dev
	$(BIN)/ruff check assistant bots
	$(BIN)/mypy assistant

clean-index:
	rm -rf indexes/generations indexes/CURRENT indexes/build.lock
