# Two commands: `make run` (set up, load demo data, serve on 127.0.0.1:8000) and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test setup lint typecheck bench clean messages fuzz

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

run: setup
	$(BIN)/kalibar db upgrade
	$(BIN)/kalibar demo
	$(BIN)/kalibar serve

test: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy src
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

# Schemathesis over the whole API, 200 cases per operation and mode (make test runs 10).
fuzz: setup
	$(BIN)/python bench/fuzz_api.py --examples $(or $(FUZZ_EXAMPLES),200)

lint: setup
	$(BIN)/ruff check src tests bench

typecheck: setup
	$(BIN)/mypy src

messages: setup
	$(BIN)/python scripts/i18n.py update

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
