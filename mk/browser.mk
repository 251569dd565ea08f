# Browser checks (tests/test_browser.py): Debian's Chromium, and axe-core, playwright-core and
# vnu-jar from npm as pinned in tests/browser/package-lock.json (install scripts off, so npm
# never downloads a browser). `make browser-deps` is a no-op once both are in place.
BROWSER_DIR   := tests/browser
BROWSER_STAMP := $(BROWSER_DIR)/node_modules/.negdocs-installed
CHROMIUM      := /usr/bin/chromium

.PHONY: browser-deps
browser-deps: $(BROWSER_STAMP)
	@:

$(BROWSER_STAMP): $(BROWSER_DIR)/package.json $(BROWSER_DIR)/package-lock.json | $(CHROMIUM)
	@command -v npm >/dev/null || { echo "negdocs: the browser tests need Node.js 20+ and npm: sudo apt-get install -y nodejs npm"; exit 1; }
	cd $(BROWSER_DIR) && npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "negdocs: installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
	  echo "negdocs: the browser tests need Debian's Chromium at $(CHROMIUM); run: sudo apt-get install -y chromium"; \
	  exit 1; \
	fi
	@test -x $(CHROMIUM) || { echo "negdocs: apt-get installed chromium but $(CHROMIUM) is missing"; exit 1; }
