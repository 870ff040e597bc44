// Accessibility of the viewer (www/), checked by axe-core (Deque's rule engine: the WCAG 2.x A and
// AA rules plus its best practices) in Chromium, in each state a user meets — the read-key form,
// the session list, a session playing beside its analysis, opened files with one that fails —
// at 1280×720 and 1920×1080; and the keyboard: Tab reaches every control in reading order, each
// with a visible focus indicator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { axeViolations, browserSkipReason, launch, newPage, root } from './support.mjs';
import { KEYS, collectorSkipReason, ingest, startCollector } from './collector.mjs';

const skip = browserSkipReason() ?? collectorSkipReason() ?? false;
const WWW = fileURLToPath(new URL('www/', root));
const fixtureText = (name) => readFileSync(new URL(`fixtures/${name}.json`, root), 'utf8');
const SIZES = [{ width: 1280, height: 720 }, { width: 1920, height: 1080 }];

const violations = axeViolations;

async function setup(t) {
  const collector = await startCollector({ www: WWW });
  for (const name of ['console-error', 'dead-button', 'login-form']) {
    const events = JSON.parse(fixtureText(name));
    assert.equal(await ingest(collector.origin, { session_id: crypto.randomUUID(), distinct_id: 'ada.l', events }), 200);
  }
  const dir = mkdtempSync(join(tmpdir(), 'rewind-a11y-'));
  writeFileSync(join(dir, 'login-form.json'), fixtureText('login-form'));
  writeFileSync(join(dir, 'not-a-recording.json'), '{"hello": "world"}');
  const browser = await launch();
  t.after(async () => {
    await browser.close();
    await collector.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return { collector, browser, files: [join(dir, 'login-form.json'), join(dir, 'not-a-recording.json')] };
}

/** With a session open below 1440 px the list is a drawer: opens it with its button. */
async function openList(page) {
  const toggle = page.getByRole('button', { name: 'Sessions', exact: true });
  if (!(await toggle.isVisible()) || (await toggle.getAttribute('aria-expanded')) === 'true') return;
  await toggle.click();
  await page.waitForFunction(() => { const s = getComputedStyle(document.querySelector('.rw-sidebar')); return s.visibility === 'visible' && s.opacity === '1'; });
}

/** Opens the viewer, connects with the read key and selects the first session. */
async function sessionOpen(browser, origin, size) {
  const page = await newPage(browser);
  await page.setViewportSize(size);
  await page.goto(`${origin}/`);
  await page.getByLabel('Read key').waitFor();
  const states = { 'read-key form': await violations(page) };
  await page.getByLabel('Read key').fill(KEYS.read);
  await page.keyboard.press('Enter');
  await page.locator('.rw-list [role=option]').first().waitFor();
  states['session list'] = await violations(page);
  await page.locator('.rw-list [role=option]').first().click();
  await page.locator('.rw-actions [role=option]').first().waitFor();
  // The player's controls are enabled once its recording has loaded (disabled ones are not
  // Tab stops), which can be after the analysis panel shows.
  await page.waitForFunction(() => document.querySelector('.rw-player__play')?.disabled === false);
  return { page, states };
}

test('axe finds no violation in any state of the viewer, at both sizes', { skip, timeout: 120_000 }, async (t) => {
  const { collector, browser, files } = await setup(t);
  for (const size of SIZES) {
    const { page, states } = await sessionOpen(browser, collector.origin, size);
    await page.getByRole('button', { name: 'Play' }).click();
    await page.waitForFunction(() => document.querySelector('[role=slider]')?.getAttribute('aria-valuenow') > 0);
    states['session playing'] = await violations(page);
    for (const tab of ['Console', 'Network']) {
      await page.getByRole('tab', { name: new RegExp(`^${tab}`) }).click();
      await page.locator('.rw-tabpanel:not([hidden]) .rw-panel-tools').waitFor();
      states[`${tab.toLowerCase()} tab`] = await violations(page);
    }
    await page.getByRole('button', { name: 'Theatre mode' }).click();
    states['theatre mode'] = await violations(page);
    await page.getByRole('button', { name: 'Theatre mode' }).click();
    await openList(page);
    states['list drawer'] = await violations(page);
    await page.setInputFiles('input[type=file]', files);
    await page.locator('.rw-session h2', { hasText: 'login-form.json' }).waitFor();
    states['opened file'] = await violations(page);
    await openList(page);
    await page.locator('.rw-group', { hasText: 'Opened files' }).locator('[role=option]').nth(1).click();
    await page.getByRole('alert').filter({ hasText: 'Cannot open not-a-recording.json' }).waitFor();
    states['file that fails'] = await violations(page);
    for (const [state, found] of Object.entries(states)) {
      assert.deepEqual(found, [], `${size.width}×${size.height}, ${state}`);
    }
    await page.close();
  }
});

test('Tab reaches every control in reading order, each with a visible focus indicator', { skip, timeout: 60_000 }, async (t) => {
  const { collector, browser } = await setup(t);
  const { page } = await sessionOpen(browser, collector.origin, SIZES[0]);
  // The list's drawer open (at 1280 px a session leaves the replay the width), so its controls
  // are on the way too.
  await openList(page);
  // Start from the top of the document, as a keyboard user arriving on the page does.
  await page.evaluate(() => {
    document.body.tabIndex = -1;
    document.body.focus();
    document.body.removeAttribute('tabindex');
  });
  const stops = [];
  for (let i = 0; i < 200; i++) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const all = [...document.querySelectorAll('*')];
      const style = getComputedStyle(el);
      const name = el.getAttribute('aria-label') || el.labels?.[0]?.textContent || el.textContent || el.getAttribute('title') || '';
      return {
        index: all.indexOf(el),
        what: `${el.tagName.toLowerCase()}${el.getAttribute('role') ? `[role=${el.getAttribute('role')}]` : ''} "${name.trim().slice(0, 30)}"`,
        indicator: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 || style.boxShadow !== 'none',
        tabindex: el.tabIndex,
      };
    });
    if (!stop || stops.some((s) => s.index === stop.index)) break; // wrapped around
    stops.push(stop);
  }
  const list = stops.map((s) => s.what).join('\n');
  // Reading order: no positive tabindex, each stop after the previous one in the document.
  assert.ok(stops.every((s) => s.tabindex <= 0), list);
  assert.ok(stops.every((s, i) => i === 0 || s.index > stops[i - 1].index), `out of reading order:\n${list}`);
  assert.deepEqual(stops.filter((s) => !s.indicator).map((s) => s.what), [], 'stops without a visible focus indicator');
  // The controls a viewer user needs are all on the way; each list is one stop (its selected
  // option; arrow keys move within it).
  const wanted = [/^input "Search"/, /^div\[role=option\]/, /^button "Play"/, /^button "2×"/, /^div\[role=slider\]/, /^li\[role=option\]/];
  for (const want of wanted) {
    assert.ok(stops.some((s) => want.test(s.what)), `${want} reached with Tab:\n${list}`);
  }
});
