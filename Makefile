# Upright: `make run` and `make test` set up everything on a fresh machine.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Python 3.12 or newer: on PATH, or under pyenv.
PYTHON ?= $(shell for c in python3.13 python3.12 python3; do \
	  if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then command -v $$c; exit 0; fi; \
	done; \
	for d in $$(pyenv root 2>/dev/null || echo $$HOME/.pyenv)/versions/3.1[2-9]*; do \
	  if [ -x $$d/bin/python3 ]; then echo $$d/bin/python3; exit 0; fi; \
	done)

export DEBUG ?= 1

.PHONY: run test lint format bench venv demo demo-code clean

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON)" ]; then echo "Python 3.12 or newer is needed (on PATH or under pyenv)."; exit 1; fi
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/python -m accounts.dev_keys
	$(BIN)/python manage.py migrate --no-input -v 0
	$(BIN)/python manage.py load_demo_data
	$(BIN)/python -m notify.vapid_dev
	$(BIN)/python -m config.devrun

demo-code: $(STAMP)
	@$(BIN)/python manage.py demo_code

# The browser tests need Chromium: tools/provide-chromium finds one or installs it.
test: $(STAMP)
	@chromium="$$(PYTHON=$(BIN)/python tools/provide-chromium)" || exit 1; \
	echo "Browser tests use: $$chromium"; \
	UPRIGHT_CHROMIUM="$$chromium" $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache
