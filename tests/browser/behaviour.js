#!/usr/bin/env node
// Behaviour of the site script in headless Debian Chromium, from file:// with every other
// request blocked: the offline search finds a section and is keyboard reachable, and a
// checklist tick survives a reload. Prints one JSON object; the Python test asserts.
//
// usage: node behaviour.js SITE_FOLDER DEAL_PAGE QUERY
'use strict';

const path = require('path');
const { pathToFileURL } = require('url');
const { offline } = require('./offline');

async function main([folder, dealPage, query]) {
  const { browser, context, blocked } = await offline();
  const page = await context.newPage();
  const index = pathToFileURL(path.join(path.resolve(folder), 'index.html')).href;
  await page.goto(index);
  const searchVisible = await page.isVisible('form.search');
  await page.focus('#search-q');
  await page.keyboard.type(query);
  await page.waitForSelector('form.search ul.search-results a', { timeout: 5000 });
  const results = await page.$$eval('form.search ul.search-results a', (as) => as.map((a) => [a.textContent, a.getAttribute('href')]));
  const status = await page.textContent('#search-status');
  await page.keyboard.press('ArrowDown');
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.getAttribute('href'));

  const deal = pathToFileURL(path.join(path.resolve(folder), dealPage)).href;
  await page.goto(deal);
  const box = '#checklist input[type=checkbox]';
  const before = await page.isChecked(box);
  await page.check(box);
  await page.reload();
  const afterReload = await page.isChecked(box);
  await browser.close();
  process.stdout.write(JSON.stringify({ searchVisible, results, status, focused, before, afterReload, blocked }) + '\n');
}

main(process.argv.slice(2)).catch((error) => { process.stderr.write(String(error.stack || error) + '\n'); process.exit(1); });
