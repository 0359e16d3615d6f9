# Two commands: `make demo` and `make test`. Both build .venv from scratch when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# ydata-profiling (the HTML report) pins pandas below 3, so it gets an environment of its own.
REPORT_VENV := .venv-report
REPORT_STAMP := $(REPORT_VENV)/.installed-stamp
PYTEST := $(BIN)/python -m pytest -q

.PHONY: demo test install report-env java lint test-fast test-connect clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Workbench needs Python 3.10 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

$(REPORT_STAMP): pyproject.toml
	$(PYTHON) -m venv $(REPORT_VENV)
	$(REPORT_VENV)/bin/python -m pip install -q --upgrade pip
	$(REPORT_VENV)/bin/python -m pip install -q -e '.[report]' pytest pytest-timeout jsonschema
	@touch $(REPORT_STAMP)

report-env: $(REPORT_STAMP)

java: install
	@$(BIN)/python -m workbench.engines.java

lint: install
	$(BIN)/ruff check workbench tests bench
	$(BIN)/mypy workbench

demo: java
	@mkdir -p out
	$(BIN)/workbench run recipes/sales-clean.json --input data/sales.csv --output out/sales-clean-pandas.parquet --engine pandas --overwrite
	$(BIN)/workbench run recipes/sales-clean.json --input data/sales.csv --output out/sales-clean-spark.parquet --engine spark --overwrite

test: java lint report-env
	$(PYTEST) -m "not report" --engines=pandas,spark
	$(PYTEST) -m "not report" tests/unit tests/conformance tests/golden --engines=connect
	$(REPORT_VENV)/bin/python -m pytest -q -m report tests/report --engines=pandas

test-fast: install
	$(PYTEST) -m "not report" --engines=pandas

clean:
	rm -rf $(VENV) $(REPORT_VENV) out
