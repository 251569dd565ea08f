#!/usr/bin/env node
// The portfolio table of the internal index in headless Debian Chromium, from file:// with
// every other request blocked, driven by the keyboard only: filter with the selects, sort
// with the column buttons. Prints one JSON object; the Python test asserts.
//
// usage: node portfolio.js SITE_FOLDER
'use strict';

const path = require('path');
const { pathToFileURL } = require('url');
const { offline } = require('./offline');

async function main([folder]) {
  const { browser, context, blocked } = await offline();
  const page = await context.newPage();
  await page.goto(pathToFileURL(path.join(path.resolve(folder), 'index.html')).href);
  const visible = () => page.$$eval('table.portfolio tbody tr', (rows) => rows.filter((r) => !r.hidden)
    .map((r) => r.querySelector('th a').textContent));
  const status = () => page.textContent('.portfolio-count');
  const out = { filtersVisible: await page.isVisible('form.portfolio-filters'), all: await visible() };

  // Tab from the last search control into the filters: the selects are in the tab order.
  await page.focus('#search-q');
  const order = [];
  for (let i = 0; i < 6; i += 1) {
    await page.keyboard.press('Tab');
    order.push(await page.evaluate(() => document.activeElement.id || document.activeElement.tagName));
  }
  out.tabOrder = order;

  // Filter by sign-off state with the keyboard: focus the select, arrow down to an option.
  await page.focus('#filter-approvals');
  await page.keyboard.press('ArrowDown');  // first option after "All"
  out.approvalsValue = await page.$eval('#filter-approvals', (s) => s.value);
  out.afterApprovals = await visible();
  out.afterApprovalsStatus = await status();
  await page.keyboard.press('Home');  // back to "All"
  await page.focus('#filter-owner');
  await page.keyboard.press('ArrowDown');
  out.ownerValue = await page.$eval('#filter-owner', (s) => s.value);
  out.afterOwner = await visible();
  await page.keyboard.press('Home');
  out.afterReset = await visible();

  // Sort by value with Enter, then again (descending) with Space.
  await page.focus('table.portfolio thead th:nth-child(6) button');
  await page.keyboard.press('Enter');
  out.ascending = await visible();
  out.ariaSort = await page.$eval('table.portfolio thead th:nth-child(6)', (th) => th.getAttribute('aria-sort'));
  await page.keyboard.press('Space');
  out.descending = await visible();
  out.ariaSortAgain = await page.$eval('table.portfolio thead th:nth-child(6)', (th) => th.getAttribute('aria-sort'));
  out.sortStatus = await status();
  out.focusKept = await page.evaluate(() => document.activeElement.className);
  out.blocked = blocked;
  await browser.close();
  process.stdout.write(JSON.stringify(out) + '\n');
}

main(process.argv.slice(2)).catch((error) => { process.stderr.write(String(error.stack || error) + '\n'); process.exit(1); });
