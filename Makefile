# intelpool: `make demo` sets up and runs the demo pool; `make test` sets up and runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench clean system system-test

$(BIN)/intelpool: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/intelpool

system:
	bash system/install-debian.sh system/debian-run.txt

system-test:
	bash system/install-debian.sh system/debian-run.txt system/debian-test.txt

demo: system $(BIN)/intelpool
	$(BIN)/intelpool demo

test: system-test $(BIN)/intelpool
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest

bench: $(BIN)/intelpool
	$(BIN)/pip install --quiet -e '.[bench]'

clean:
	rm -rf $(VENV) intelpool.db*
