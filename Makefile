# Two commands: `make demo` and `make test`. Both build .venv from scratch when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST := $(BIN)/python -m pytest -q

.PHONY: demo test install java lint test-fast test-connect clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Workbench needs Python 3.10 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

java: install
	@$(BIN)/python -m workbench.engines.java

lint: install
	$(BIN)/ruff check workbench tests bench
	$(BIN)/mypy workbench

demo: java
	@mkdir -p out
	$(BIN)/workbench run recipes/sales-clean.json --input data/sales.csv --output out/sales-clean-pandas.parquet --engine pandas --overwrite
	$(BIN)/workbench run recipes/sales-clean.json --input data/sales.csv --output out/sales-clean-spark.parquet --engine spark --overwrite

test: java lint
	$(PYTEST) --engines=pandas,spark
	$(PYTEST) tests/conformance tests/golden --engines=connect

test-fast: install
	$(PYTEST) --engines=pandas

clean:
	rm -rf $(VENV) out
