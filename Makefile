# deskhand's front door. Every target creates .venv and installs on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
PYTEST_WORKERS ?= 2

.PHONY: install run test lint format eval-ci bench browser-deps clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

## run: start the local Slack sandbox with deskhand in it (offline defaults) and print the URL
run: install
	$(BIN)/deskhand run

## test: lint, type-check, the test suite, and the fast offline eval gate
test: install browser-deps
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) --dist loadfile
	@if [ -f evals/thresholds.json ]; then $(MAKE) --no-print-directory eval-ci; fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check bot graph integrations evals sandbox tests bench
	$(BIN)/mypy

format: install
	$(BIN)/ruff format bot graph integrations evals sandbox tests bench
	$(BIN)/ruff check --fix .

## eval-ci: the fast offline eval subset with the regression thresholds in evals/thresholds.json
eval-ci: install
	$(BIN)/deskhand eval --ci

bench: install
	$(BIN)/python bench/ack_latency.py
	$(BIN)/python bench/turn_latency.py

## browser-deps: Debian's Chromium for the Playwright end-to-end tests (installed only when missing)
browser-deps:
	@bash scripts/ensure-chromium.sh

clean:
	rm -rf $(VENV) .deskhand .mypy_cache .ruff_cache .pytest_cache
