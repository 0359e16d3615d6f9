# Two commands: `make demo` and `make test`. Both build .venv from scratch when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# ydata-profiling (the HTML report) pins pandas below 3, so it gets an environment of its own.
REPORT_VENV := .venv-report
REPORT_STAMP := $(REPORT_VENV)/.installed-stamp
PYTEST := $(BIN)/python -m pytest -q

# The notebook widget's frontend: extension/ (TypeScript, esbuild) -> workbench/widget/static/widget.js.
NODE_MODULES := extension/node_modules/.package-lock.json
WIDGET_JS := workbench/widget/static/widget.js
FRONTEND_SOURCES := $(shell find extension/src -type f 2>/dev/null) extension/package.json extension/tsconfig.json
# The JupyterLab extension: extension/lab/ (TypeScript, JupyterLab's builder) -> workbench/labextension/.
LAB_NODE_MODULES := extension/lab/node_modules/.package-lock.json
LABEXTENSION := workbench/labextension/static/style.js
LAB_SOURCES := $(shell find extension/lab/src extension/lab/style extension/lab/schema -type f 2>/dev/null) \
	extension/lab/package.json extension/lab/tsconfig.json extension/lab/install.json
LAB_INSTALLED := $(VENV)/share/jupyter/labextensions/workbench
# The browser tests drive Debian's Chromium through Playwright (never a downloaded browser).
CHROMIUM := /usr/bin/chromium

# make demo: JupyterLab on loopback only, with a fresh token unless DEMO_TOKEN is given.
DEMO_PORT ?= 8888
DEMO_NOTEBOOK := notebooks/quickstart.ipynb

.PHONY: demo demo-batch test install report-env java lint test-fast test-connect clean \
	node frontend test-frontend chromium test-e2e

$(STAMP): pyproject.toml | $(WIDGET_JS)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Workbench needs Python 3.10 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

$(REPORT_STAMP): pyproject.toml | $(WIDGET_JS)
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

# --- frontend ---------------------------------------------------------------------------------

node:
	@command -v node >/dev/null && command -v npm >/dev/null || { \
	  echo "make: Node.js 20+ with npm is needed to build the notebook widget (Debian: apt-get install -y nodejs npm; or https://nodejs.org)" >&2; exit 1; }
	@node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' || { \
	  echo "make: Node.js 20 or newer is needed to build the notebook widget; found $$(node --version)" >&2; exit 1; }

$(NODE_MODULES): extension/package.json extension/package-lock.json | node
	cd extension && npm ci --no-audit --no-fund

$(WIDGET_JS): $(NODE_MODULES) $(FRONTEND_SOURCES)
	cd extension && npm run build:prod

$(LAB_NODE_MODULES): extension/lab/package.json extension/lab/package-lock.json | node
	cd extension/lab && npm ci --no-audit --no-fund

# JupyterLab's builder comes from the venv (jupyter_builder). After a rebuild the venv's copy of the
# extension becomes a link to the build output, as `jupyter labextension develop` makes it.
$(LABEXTENSION): $(LAB_NODE_MODULES) $(LAB_SOURCES) | $(STAMP)
	cd extension/lab && PATH="$(CURDIR)/$(BIN):$$PATH" npm run build:prod
	@if [ ! -L $(LAB_INSTALLED) ]; then rm -rf $(LAB_INSTALLED); ln -s $(CURDIR)/workbench/labextension $(LAB_INSTALLED); fi

frontend: $(WIDGET_JS) $(LABEXTENSION)

test-frontend: frontend
	cd extension && npm run typecheck
	cd extension && npm test
	cd extension/lab && npm run typecheck

chromium:
	@if [ -x $(CHROMIUM) ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "make: installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
	  echo "make: the browser tests need Chromium at $(CHROMIUM); install it as root: apt-get install -y chromium" >&2; exit 1; \
	fi

test-e2e: install frontend chromium
	$(PYTEST) -m e2e tests/e2e

# --- the two commands ----------------------------------------------------------------------------

demo: install frontend
	@token="$${DEMO_TOKEN:-$$($(BIN)/python -c 'import secrets; print(secrets.token_hex(16))')}"; \
	root_flag=$$([ "$$(id -u)" = 0 ] && echo --allow-root); \
	echo; \
	echo "  Workbench quickstart: open this address in a browser on this machine"; \
	echo; \
	echo "    http://127.0.0.1:$(DEMO_PORT)/lab/tree/$(DEMO_NOTEBOOK)?token=$$token"; \
	echo; \
	echo "  token: $$token    (stop with Ctrl+C)"; \
	echo; \
	exec $(BIN)/jupyter lab --no-browser --ServerApp.ip=127.0.0.1 --port=$(DEMO_PORT) --port-retries=0 \
	  --IdentityProvider.token="$$token" --ServerApp.root_dir="$(CURDIR)" --ServerApp.log_level=WARN $$root_flag

demo-batch: java
	@mkdir -p out
	$(BIN)/workbench run recipes/sales-clean.json --input data/sales.csv --output out/sales-clean-pandas.parquet --engine pandas --overwrite
	$(BIN)/workbench run recipes/sales-clean.json --input data/sales.csv --output out/sales-clean-spark.parquet --engine spark --overwrite

test: java lint test-frontend chromium report-env
	$(PYTEST) -m "not report and not e2e" --engines=pandas,spark --durations=25
	$(PYTEST) -m "not report and not e2e" tests/unit tests/conformance tests/golden --engines=connect --durations=15
	$(REPORT_VENV)/bin/python -m pytest -q -m report tests/report --engines=pandas
	$(PYTEST) -m e2e tests/e2e --durations=10

test-fast: install
	$(PYTEST) -m "not report and not e2e" --engines=pandas

clean:
	rm -rf $(VENV) $(REPORT_VENV) out extension/node_modules workbench/widget/static test-artifacts \
	  extension/lab/node_modules extension/lab/lib extension/lab/tsconfig.tsbuildinfo workbench/labextension
