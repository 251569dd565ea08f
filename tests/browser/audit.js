#!/usr/bin/env node
// Accessibility audit of a built negdocs site: every *.html under FOLDER (recursively) is
// opened in headless Debian Chromium (/usr/bin/chromium) through playwright-core, with every
// request that is not a local file blocked, and checked with axe-core (WCAG 2.0/2.1 A and AA
// plus best practices). Prints one JSON object on stdout:
//   {"pages": N, "violations": [{"page", "id", "impact", "help", "nodes": [target, ...]}]}
// and exits 0 whatever axe found (tests/test_browser.py asserts). Exits 2 on usage errors and
// 1 when the browser cannot be started or a page cannot be audited.
//
// usage: node audit.js FOLDER [--chromium PATH]
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { pathToFileURL } = require('url');
const { chromium } = require('playwright-core');

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

function htmlFiles(dir) {
  const found = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...htmlFiles(full));
    else if (entry.isFile() && entry.name.endsWith('.html')) found.push(full);
  }
  return found.sort();
}

async function main(argv) {
  let folder = null;
  let executablePath = '/usr/bin/chromium';
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--chromium') executablePath = argv[++i];
    else if (folder === null) folder = argv[i];
    else folder = undefined;
  }
  if (!folder || !fs.statSync(folder, { throwIfNoEntry: false })?.isDirectory()) {
    process.stderr.write('usage: node audit.js FOLDER [--chromium PATH]\n');
    return 2;
  }
  if (!fs.existsSync(executablePath)) {
    process.stderr.write(`audit.js: no browser at ${executablePath}; run \`make browser-deps\`\n`);
    return 1;
  }
  const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  const root = path.resolve(folder);
  const pages = htmlFiles(root);

  const browser = await chromium.launch({ executablePath, headless: true, args: ARGS });
  const violations = [];
  const blocked = [];
  try {
    // A few pages at a time, each in its own context (so its own renderer process): axe's
    // work is CPU-bound, so one per core, at most 4.
    const queue = pages.slice();
    const results = new Map();
    const worker = async () => {
      const context = await browser.newContext({ serviceWorkers: 'block', bypassCSP: true });
      await context.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith('file://')) return route.continue();
        blocked.push(url);
        return route.abort('blockedbyclient');
      });
      const page = await context.newPage();
      for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
        await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
        await page.addScriptTag({ content: axeSource });
        const result = await page.evaluate(
          (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
          TAGS,
        );
        results.set(file, result.violations);
      }
      await context.close();
    };
    const tabs = Math.max(1, Math.min(4, os.availableParallelism ? os.availableParallelism() : os.cpus().length));
    await Promise.all(Array.from({ length: Math.min(tabs, pages.length) }, worker));
    for (const file of pages) {
      const rel = path.relative(root, file).split(path.sep).join('/');
      for (const v of results.get(file)) {
        violations.push({
          page: rel,
          id: v.id,
          impact: v.impact,
          help: v.help,
          nodes: v.nodes.map((n) => n.target.map(String).join(' ')),
        });
      }
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify({ pages: pages.length, violations, blocked }) + '\n');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`audit.js: ${err && err.stack ? err.stack : err}\n`);
    process.exit(1);
  },
);
