# The two commands a newcomer needs: `make build` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.negdocs-installed

.PHONY: build test test-fast bench golden clean system-deps

build: system-deps $(STAMP)
	$(BIN)/negdocs build playbooks --out build

test: system-deps $(STAMP)
	$(BIN)/python -m pytest

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not pdf"

golden: $(STAMP)
	$(BIN)/python -m pytest tests/test_golden.py --update-golden

bench: $(STAMP)
	$(BIN)/python bench/run.py

system-deps:
	@scripts/system-deps.sh

$(STAMP): pyproject.toml scripts/system-deps.sh
	@scripts/system-deps.sh
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "negdocs needs Python 3.10 or newer; set PYTHON=python3.x")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

clean:
	rm -rf build .venv .pytest_cache
