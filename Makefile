# The two commands a newcomer needs: `make build` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.negdocs-installed
# The SARIF 2.1.0 JSON Schema, from Microsoft's MIT-licensed npm package (tests validate against it).
SARIF_SCHEMA := tests/.cache/sarif-schema-2.1.0.json

.PHONY: build test test-fast bench golden clean system-deps i18n mutate

.DEFAULT_GOAL := build
include mk/browser.mk

# Both editions by default: the playbooks and, in build/proposal/, the packages a deal desk sends.
EDITION ?= all

build: system-deps $(STAMP)
	$(BIN)/negdocs build playbooks --out build --edition $(EDITION)

# The suite runs on every core (pytest-xdist); TEST_JOBS=0 runs it in one process.
TEST_JOBS ?= auto

test: system-deps $(STAMP) $(SARIF_SCHEMA) browser-deps
	$(BIN)/python -m pytest -n $(TEST_JOBS)

# Needs nothing beyond the venv: no WeasyPrint PDFs, no browser, SARIF schema test skipped if not fetched.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_JOBS) -m "not pdf and not browser"

golden: $(STAMP)
	$(BIN)/python -m pytest tests/test_golden.py --update-golden

# Catalogs: extract every message of the code and templates, update each language's .po (new
# entries arrive empty or fuzzy: translate them, then run this again) and compile the .mo files
# (committed, so a fresh clone and the wheel work without a compile step). tests/test_i18n.py
# fails while any entry is untranslated, fuzzy or obsolete. TEMPLATES=dir also checks a
# project's templates for text outside {{ _("...") }} and {% trans %}.
i18n: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k n_:1,2 --no-location --omit-header --sort-output \
		--project negdocs -o $(VENV)/negdocs.pot negdocs templates
	for lang in de fr es; do \
		po=negdocs/locale/$$lang/LC_MESSAGES/negdocs.po; \
		if [ -f $$po ]; then $(BIN)/pybabel update --ignore-obsolete --ignore-pot-creation-date \
			-i $(VENV)/negdocs.pot -D negdocs -d negdocs/locale -l $$lang; \
		else $(BIN)/pybabel init -i $(VENV)/negdocs.pot -D negdocs -d negdocs/locale -l $$lang; fi; \
	done
	$(BIN)/pybabel compile -D negdocs -d negdocs/locale --statistics
	$(BIN)/python -m negdocs.render.literals templates $(TEMPLATES)

# Mutation testing of one module: make mutate MODULE=negdocs/load/loader.py (scores: tests/MUTATION.md);
# MUTATE_JOBS=1 runs one mutant at a time (default: one per core); MUTATE_SURVIVORS=1 only last run's survivors.
mutate: $(STAMP)
	@test -n "$(MODULE)" || { echo "usage: make mutate MODULE=negdocs/<stage>/<module>.py (one module at a time)"; exit 2; }
	MUTATE_JOBS=$(MUTATE_JOBS) MUTATE_SURVIVORS=$(MUTATE_SURVIVORS) $(BIN)/python scripts/mutate.py $(MODULE)

bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/pdfcost.py

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
