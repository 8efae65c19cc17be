# intelpool: `make demo` sets up and runs the demo pool; `make test` sets up and runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench clean

$(BIN)/intelpool: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/intelpool

demo: $(BIN)/intelpool
	$(BIN)/intelpool demo

test: $(BIN)/intelpool
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest

bench: $(BIN)/intelpool
	$(BIN)/pip install --quiet -e '.[bench]'

clean:
	rm -rf $(VENV) intelpool.db*
