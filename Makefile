# The two commands a newcomer needs: `make build` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.negdocs-installed
# The SARIF 2.1.0 JSON Schema, from Microsoft's MIT-licensed npm package (tests validate against it).
SARIF_SCHEMA := tests/.cache/sarif-schema-2.1.0.json

.PHONY: build test test-fast bench golden clean system-deps mutate

.DEFAULT_GOAL := build
include mk/browser.mk

build: system-deps $(STAMP)
	$(BIN)/negdocs build playbooks --out build

test: system-deps $(STAMP) $(SARIF_SCHEMA) browser-deps
	$(BIN)/python -m pytest

# Needs nothing beyond the venv: no WeasyPrint PDFs, no browser, SARIF schema test skipped if not fetched.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not pdf and not browser"

golden: $(STAMP)
	$(BIN)/python -m pytest tests/test_golden.py --update-golden

# Mutation testing of one module: make mutate MODULE=negdocs/load/loader.py (scores: tests/MUTATION.md).
mutate: $(STAMP)
	@test -n "$(MODULE)" || { echo "usage: make mutate MODULE=negdocs/<stage>/<module>.py (one module at a time)"; exit 2; }
	$(BIN)/python scripts/mutate.py $(MODULE)

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

$(SARIF_SCHEMA):
	@command -v npm >/dev/null || { echo "negdocs: the SARIF test needs npm (Node.js) to fetch the SARIF schema: sudo apt-get install -y npm"; exit 1; }
	@mkdir -p tests/.cache/npm
	cd tests/.cache/npm && npm pack --silent --ignore-scripts @microsoft/jest-sarif@1.0.0-beta.0 >/dev/null && tar xzf microsoft-jest-sarif-1.0.0-beta.0.tgz package/lib/schemas/sarif-2.1.0-rtm.5.json
	mv tests/.cache/npm/package/lib/schemas/sarif-2.1.0-rtm.5.json $(SARIF_SCHEMA)
	rm -rf tests/.cache/npm
