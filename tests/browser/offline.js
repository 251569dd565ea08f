// Headless Debian Chromium that may read file:// URLs only: every other request is aborted
// and listed in `blocked`, so a test can assert that a page fetched nothing from outside.
'use strict';

const { chromium } = require('playwright-core');

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

async function offline() {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ARGS });
  const context = await browser.newContext();
  const blocked = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file://')) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  return { browser, context, blocked };
}

module.exports = { offline };
