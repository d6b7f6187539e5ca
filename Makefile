# Frontline: `make demo` maps the seed articles, `make test` runs the linters and the test suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test test-all bench screenshot browser-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,bench,cluster]'
	touch $@ $(VENV)/.installed

# Byte-compiled once: where PYTHONDONTWRITEBYTECODE is set (as in many containers), every run would otherwise
# compile the modules again (60-70 ms of each start).
$(VENV)/.bytecode: $(wildcard frontline/*.py geo/*.py geo/*/*.py gazetteer/*.py maps/*.py) | $(BIN)/python
	$(BIN)/python -m compileall -q frontline geo gazetteer maps
	touch $@

# Leaflet and the Natural Earth outline for `map --offline`, pinned by package-lock.json.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

demo: $(VENV)/.installed $(VENV)/.bytecode
	$(BIN)/frontline map seeds/ -o out/

test: $(VENV)/.installed-test $(VENV)/.bytecode node_modules/.installed
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest -q -m "not slow"

test-all: $(VENV)/.installed-test $(VENV)/.bytecode node_modules/.installed
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest -q

bench: $(VENV)/.installed-test $(VENV)/.bytecode node_modules/.installed
	$(BIN)/python bench/gazetteer.py
	$(BIN)/python bench/throughput.py
	$(BIN)/python bench/maps.py

# The README's picture, from the real demo (`frontline map seeds/ --offline`) in headless Debian Chromium.
screenshot: $(VENV)/.installed-test $(VENV)/.bytecode node_modules/.installed
	$(BIN)/python bench/screenshot.py

clean:
	rm -rf $(VENV) node_modules out
