// The viewer as a product, in Chromium against the real collector (`rewind serve` serving www/):
// the replay's size at 390, 1024, 1280 and 1920 px with nothing drawn over the page, theatre
// mode; playback (visible skip-inactivity and its toggle, 0.5×, Space after picking a session or
// an action, previous/next problem); the timeline (one colour per kind shared with the list, the
// legend, a rage burst as one row and one tick, clicks without response flagged, consent said
// once); the console and network tabs synced to playback; states (an empty recording, filters
// on opened files, an unreachable collector); and live data (the list refreshes itself, an open
// session that is still recording grows). Writes tests/screenshots/viewer-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserSkipReason, launch, newPage, root, until } from './support.mjs';
import { KEYS, collectorSkipReason, ingest, startCollector } from './collector.mjs';

const wasmReady = existsSync(new URL('pkg/rewind.js', root)) && /setLabels/.test(readFileSync(new URL('pkg/rewind.js', root), 'utf8'));
const skip = browserSkipReason() ?? collectorSkipReason() ?? (wasmReady ? false : 'pkg/rewind.js is older than the player: run `npm run build:wasm-analyze`');
const WWW = fileURLToPath(new URL('www/', root));
const SCREENSHOTS = new URL('tests/screenshots/', root);
const events = (name) => JSON.parse(readFileSync(new URL(`fixtures/${name}.json`, root), 'utf8'));

/** login-form with everything from its third second on moved 40 s later: one long idle span. */
function withGap(gapMs = 40_000) {
  const all = events('login-form');
  const cut = all[0].timestamp + 2_000;
  return all.map((e) => (e.timestamp >= cut ? { ...e, timestamp: e.timestamp + gapMs } : e));
}

/** login-form with two requests the recorder captured (one failed) and consent / identify re-sent on a second page. */
function withNetworkAndConsent() {
  const all = events('login-form');
  const t0 = all[0].timestamp;
  const extra = [
    { type: 5, timestamp: t0 + 100, data: { tag: 'rewind.consent', payload: { granted: true, source: 'banner' } } },
    { type: 5, timestamp: t0 + 110, data: { tag: 'rewind.identify', payload: { userId: 'ada.l' } } },
    { type: 6, timestamp: t0 + 900, data: { plugin: 'rrweb/network@1', payload: { requests: [{ name: 'https://shop.rewind.test/api/config', method: 'GET', initiatorType: 'fetch', status: 200, startTime: 700, duration: 200 }] } } },
    { type: 6, timestamp: t0 + 4_000, data: { plugin: 'rrweb/network@1', payload: { requests: [{ name: 'https://shop.rewind.test/api/login', method: 'POST', initiatorType: 'fetch', status: 500, startTime: 3_600, duration: 400 }] } } },
    { type: 5, timestamp: t0 + 4_100, data: { tag: 'rewind.consent', payload: { granted: true, source: 'banner' } } },
    { type: 5, timestamp: t0 + 4_110, data: { tag: 'rewind.identify', payload: { userId: 'ada.l' } } },
  ];
  return [...all, ...extra].sort((a, b) => a.timestamp - b.timestamp);
}

async function setup(t) {
  const collector = await startCollector({ www: WWW });
  const browser = await launch();
  const dir = mkdtempSync(join(tmpdir(), 'rewind-viewer-product-'));
  t.after(async () => {
    await browser.close();
    await collector.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const file = (name, body) => {
    writeFileSync(join(dir, name), typeof body === 'string' ? body : JSON.stringify(body));
    return join(dir, name);
  };
  return { collector, browser, file };
}

async function open(browser, url, size) {
  const page = await newPage(browser);
  await page.setViewportSize(size);
  await page.goto(url);
  return page;
}

const playerState = (page) => page.evaluate(() => {
  const p = window.rewindViewer.player();
  return p && { time: p.currentTime(), duration: p.duration(), playing: p.isPlaying(), speed: p.speed() };
});
const ready = (page) => page.waitForFunction(() => document.querySelector('.rw-player__play')?.disabled === false && document.querySelector('.rw-tick'));

async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.mouse.move(0, 0);
  await page.screenshot({ path: fileURLToPath(new URL(name, SCREENSHOTS)) });
}

/** Whether two boxes overlap. */
const overlap = (a, b) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

test('the replay takes the space at 390–1920 px, nothing covers the page, theatre mode', { skip, timeout: 120_000 }, async (t) => {
  const { collector, browser } = await setup(t);
  const id = crypto.randomUUID();
  assert.equal(await ingest(collector.origin, { session_id: id, distinct_id: 'ada.l', events: events('console-error') }), 200);
  // The share of the window's width the page view must have (the 60 %; a phone's whole width but its margins).
  const SIZES = [[390, 844, 0.9], [1024, 768, 0.6], [1280, 720, 0.6], [1920, 1080, 0.6]];
  for (const [width, height, share] of SIZES) {
    const page = await open(browser, `${collector.origin}/#readKey=${KEYS.read}`, { width, height });
    await page.locator(`[data-key="c:${id}"]`).click();
    await ready(page);
    // An action whose caption is long: the caption is cut with "…", in the chrome.
    await page.locator('.rw-actions [role=option]').nth(2).click();
    const screen = await page.locator('.player-slot__screen').boundingBox();
    assert.ok(screen.width >= width * share, `${width}×${height}: the page view is ${screen.width.toFixed(0)} px wide, ${(100 * screen.width / width).toFixed(1)} %`);
    assert.ok(screen.y + screen.height <= height, `${width}×${height}: the page view is in the window`);
    for (const chrome of ['.player-slot__url', '.player-slot__caption', '.player-slot__controls', '.rw-legend']) {
      assert.ok(!overlap(screen, await page.locator(chrome).boundingBox()), `${width}: ${chrome} is outside the page view`);
    }
    assert.equal(await page.locator('.player-slot__url').count(), 1, 'the URL once');
    assert.equal(await page.locator('.player-slot__caption').evaluate((e) => getComputedStyle(e).textOverflow), 'ellipsis');
    // The overlay canvas draws no URL or caption chip: its bottom strip is empty (the pointer is elsewhere).
    const drawn = await page.evaluate(() => {
      const c = window.rewindViewer.player().canvas;
      const d = c.getContext('2d').getImageData(0, c.height - Math.round(c.height * 0.12), c.width, Math.round(c.height * 0.12)).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
      return n;
    });
    assert.equal(drawn, 0, `${width}: nothing drawn over the bottom of the page`);
    assert.ok(await page.evaluate(() => document.scrollingElement.scrollWidth) <= width, `${width}: no horizontal scrolling`);
    await screenshot(page, `viewer-session-${width}.png`);
    if (width === 1280) {
      await page.getByRole('button', { name: 'Theatre mode' }).click();
      assert.equal(await page.locator('.rw-panel').isVisible(), false, 'theatre hides the panel');
      const big = await page.locator('.player-slot__screen').boundingBox();
      assert.ok(big.width > screen.width, `theatre makes it bigger (${big.width} > ${screen.width})`);
      await screenshot(page, 'viewer-theatre-1280.png');
      await page.keyboard.press('t');
      assert.equal(await page.locator('.rw-panel').isVisible(), true, 'T leaves theatre mode');
      // Fullscreen: the Fullscreen API on the player (page, controls and caption), F or the button.
      await page.getByRole('button', { name: 'Fullscreen' }).click();
      await page.waitForFunction(() => document.fullscreenElement?.classList.contains('player-slot'));
      // The button follows `fullscreenchange`, which may come a task after fullscreenElement.
      await page.getByRole('button', { name: 'Fullscreen', pressed: true }).waitFor();
      const full = await page.locator('.player-slot__screen').boundingBox();
      assert.ok(full.width > screen.width, `fullscreen makes it bigger (${full.width} > ${screen.width})`);
      await page.keyboard.press('f');
      await page.waitForFunction(() => !document.fullscreenElement);
      // The list is a drawer: the Sessions button opens it, Escape closes it.
      await page.getByRole('button', { name: 'Sessions', exact: true }).click();
      assert.equal(await page.locator(`[data-key="c:${id}"]`).isVisible(), true);
      await screenshot(page, 'viewer-drawer-1280.png');
      await page.keyboard.press('Escape');
      assert.equal(await page.locator(`[data-key="c:${id}"]`).isVisible(), false);
    }
    if (width === 390) {
      await page.locator('.player-slot').evaluate((e) => e.scrollIntoView());
      assert.ok(await page.locator('.rw-panel').evaluate((e) => e.getBoundingClientRect().top) >= screen.y + screen.height, 'stacked: the panel under the replay');
    }
    assert.deepEqual(page.errors, []);
    await page.close();
  }
});

test('playback: visible skip and its toggle, 0.5×, Space after a click, previous/next problem', { skip, timeout: 120_000 }, async (t) => {
  const { collector, browser, file } = await setup(t);
  const page = await open(browser, `${collector.origin}/`, { width: 1280, height: 720 });
  await page.getByLabel('Read key').waitFor();
  await page.setInputFiles('input[type=file]', file('idle.json', withGap()));
  await ready(page);
  const slot = page.locator('.player-slot');
  const skipToggle = slot.getByRole('button', { name: 'Skip inactivity' });
  assert.equal(await skipToggle.getAttribute('aria-pressed'), 'true', 'skipping is on by default');
  assert.equal(await slot.locator('.rw-scrubber__inactive').count(), 1, 'the idle span is shaded');

  // Playing into the 40 s span: a notice while it fast-forwards, then playback goes on after it.
  await slot.getByRole('button', { name: 'Play' }).click();
  const notice = slot.locator('.player-slot__notice');
  await notice.waitFor({ timeout: 10_000 });
  assert.match(await notice.textContent(), /^Skipping (3\d|40) s of inactivity$/);
  assert.equal(await slot.locator('.rw-scrubber__inactive.is-skipping').count(), 1, 'the span skipped is marked');
  const during = await playerState(page);
  await notice.waitFor({ state: 'hidden', timeout: 5_000 });
  const after = await playerState(page);
  assert.ok(after.time > 40_000 && after.time > during.time, `fast-forwarded past the gap (${during.time} → ${after.time})`);
  await screenshot(page, 'viewer-skip-1280.png');

  // Off: the gap plays at the clock's pace.
  await page.keyboard.press('Space');
  await skipToggle.click();
  assert.equal(await skipToggle.getAttribute('aria-pressed'), 'false');
  await page.evaluate(() => window.rewindViewer.player().seek(5_000));
  await page.keyboard.press('Space');
  await page.waitForTimeout(1_500);
  const slow = await playerState(page);
  assert.ok(slow.playing && slow.time < 8_000, `no skip with the toggle off (${slow.time})`);
  assert.equal(await notice.isHidden(), true);

  // 0.5×: half the wall clock.
  await slot.getByRole('button', { name: '0.5×' }).click();
  assert.equal((await playerState(page)).speed, 0.5);
  assert.equal(await slot.getByRole('button', { name: '0.5×' }).getAttribute('aria-pressed'), 'true');
  const a = await page.evaluate(() => [window.rewindViewer.player().currentTime(), performance.now()]);
  await page.waitForTimeout(1_200);
  const b = await page.evaluate(() => [window.rewindViewer.player().currentTime(), performance.now()]);
  const rate = (b[0] - a[0]) / (b[1] - a[1]);
  assert.ok(rate > 0.35 && rate < 0.65, `0.5× plays at half speed (${rate.toFixed(2)})`);
  await page.keyboard.press('Space');

  // Space after clicking an action: plays and pauses, does not seek again.
  const action = page.locator('.rw-actions [role=option]').nth(3);
  await action.click();
  const at = (await playerState(page)).time;
  await page.keyboard.press('Space');
  assert.equal((await playerState(page)).playing, true, 'Space plays after an action is clicked');
  await page.waitForTimeout(400);
  await page.keyboard.press('Space');
  const paused = await playerState(page);
  assert.equal(paused.playing, false, 'and pauses');
  assert.ok(paused.time > at, `it played on from the action (${at} → ${paused.time})`);
  // …and after clicking a control of the player (its Enter still works).
  await slot.getByRole('button', { name: '2×' }).click();
  await page.keyboard.press('Space');
  assert.equal((await playerState(page)).playing, true, 'Space plays after a speed was clicked');
  assert.equal((await playerState(page)).speed, 2);
  await page.keyboard.press('Space');

  // Space after clicking a session in the list: plays, does not reload it.
  await page.setInputFiles('input[type=file]', file('console-error.json', events('console-error')));
  await page.locator('.rw-session h2', { hasText: 'console-error.json' }).waitFor();
  await ready(page);
  await page.getByRole('button', { name: 'Sessions', exact: true }).click();
  await page.locator('.rw-row', { hasText: 'idle.json' }).click();
  await page.locator('.rw-session h2', { hasText: 'idle.json' }).waitFor();
  await ready(page);
  await page.getByRole('button', { name: 'Sessions', exact: true }).click();
  const row = page.locator('.rw-row', { hasText: 'console-error.json' });
  await row.click();
  await page.locator('.rw-session h2', { hasText: 'console-error.json' }).waitFor();
  await ready(page);
  await page.evaluate(() => {
    window.firstPlayer = window.rewindViewer.player();
  });
  await row.focus(); // as after a click on it, in the closed drawer
  await page.keyboard.press('Space');
  assert.equal((await playerState(page)).playing, true, 'Space plays after a session is picked');
  assert.equal(await page.evaluate(() => window.firstPlayer === window.rewindViewer.player()), true, 'the session was not reloaded');
  await page.keyboard.press('Space');

  // ] and [: the next and previous error, rage or dead click.
  await page.evaluate(() => window.rewindViewer.player().seek(0));
  const problems = await page.evaluate(() => {
    const p = window.rewindViewer.player();
    const start = p.info().start_time;
    return p.actions().filter((x) => x.action === 'console_error' || x.metadata?.outcome?.kind === 'nothing').map((x) => x.t_ms - start).sort((x, y) => x - y);
  });
  assert.ok(problems.length >= 2);
  await page.locator('.rw-session h2').click();
  await page.keyboard.press(']');
  assert.ok(Math.abs((await playerState(page)).time - problems.find((x) => x > 1)) < 2, '] goes to the first problem');
  await slot.getByRole('button', { name: 'Next problem' }).click();
  const second = (await playerState(page)).time;
  assert.ok(second > problems[0], 'the next one');
  await page.keyboard.press('[');
  assert.ok((await playerState(page)).time < second, '[ goes back');
  assert.deepEqual(page.errors, []);
});

test('timeline: kinds in one colour each with a legend, a rage burst once, no-response clicks, consent once', { skip, timeout: 90_000 }, async (t) => {
  const { collector, browser, file } = await setup(t);
  const page = await open(browser, `${collector.origin}/`, { width: 1280, height: 720 });
  await page.getByLabel('Read key').waitFor();

  // dead-button: five quick clicks on "Apply coupon" — one row "Rage × 5" and one rage tick.
  await page.setInputFiles('input[type=file]', file('dead-button.json', events('dead-button')));
  await ready(page);
  const rage = page.locator('.rw-actions .rw-kind--rage');
  assert.equal(await rage.count(), 1, 'one row for the burst');
  assert.match(await rage.textContent(), /Rage × 5/);
  const clicks = await page.evaluate(() => window.rewindViewer.player().actions().filter((a) => a.action === 'click').length);
  assert.ok(clicks >= 5);
  assert.equal(await page.locator('.rw-tick.rw-kind--rage').count(), 1, 'one rage tick');
  assert.equal(await page.locator('.rw-tick.rw-kind--click').count(), clicks - 5, 'the burst\'s clicks are not ticked again');
  const colour = async (selector, prop = 'backgroundColor') => page.locator(selector).first().evaluate((e, p) => getComputedStyle(e)[p], prop);
  // Each kind one colour: the tick, the legend mark and the list's icon agree; the kinds differ.
  const kinds = {};
  for (const kind of ['page', 'click', 'rage']) {
    kinds[kind] = await colour(`.rw-tick.rw-kind--${kind}`);
    assert.equal(await colour(`.rw-legend__item.rw-kind--${kind} .rw-legend__mark`), kinds[kind], `${kind}: legend`);
    assert.equal(await colour(`.rw-action.rw-kind--${kind} .rw-action__icon`, 'color'), kinds[kind], `${kind}: list`);
  }
  assert.equal(new Set(Object.values(kinds)).size, 3, JSON.stringify(kinds));
  // Hovering a tick says what it marks.
  const tick = await page.locator('.rw-tick.rw-kind--rage').boundingBox();
  await page.mouse.move(tick.x + tick.width / 2, tick.y + tick.height / 2);
  assert.match(await page.locator('.rw-scrubber__tip').textContent(), /Rage click × 5: /);

  // console-error: clicks the page did not answer are flagged in the list and on the scrubber.
  await page.setInputFiles('input[type=file]', file('console-error.json', events('console-error')));
  await page.locator('.rw-session h2', { hasText: 'console-error.json' }).waitFor();
  await ready(page);
  assert.ok(await page.locator('.rw-actions .rw-chip--dead').count() >= 1, 'a No response chip');
  assert.equal(await page.locator('.rw-tick.rw-kind--dead').count(), await page.locator('.rw-actions .rw-chip--dead').count());
  assert.equal(await colour('.rw-tick.rw-kind--error'), await colour('.rw-legend__item.rw-kind--error .rw-legend__mark'));
  assert.deepEqual(await page.locator('.rw-legend__item').allTextContents(), ['Page view', 'Click', 'Error', 'No response']);
  // The error row's stack trace opens when the row is picked (the whole trace, not one cut line).
  const error = page.locator('.rw-actions .rw-action--console_error').first();
  await error.click();
  assert.equal(await error.locator('.rw-action__trace').evaluate((e) => getComputedStyle(e).whiteSpace), 'pre-wrap');
  await screenshot(page, 'viewer-timeline-1280.png');

  // Consent and identify re-sent on a second page: said once each.
  await page.setInputFiles('input[type=file]', file('consent.json', withNetworkAndConsent()));
  await page.locator('.rw-session h2', { hasText: 'consent.json' }).waitFor();
  await ready(page);
  assert.equal(await page.locator('.rw-actions [role=option]', { hasText: 'Recording consent given via banner' }).count(), 1);
  assert.equal(await page.locator('.rw-actions [role=option]', { hasText: 'Visitor identified as ada.l' }).count(), 1);
  // The event search: actions, custom events and errors by their text.
  await page.getByLabel('Search events').fill('consent');
  assert.deepEqual(await page.locator('.rw-actions [role=option]:visible .rw-action__desc').allTextContents(), ['Recording consent given via banner']);
  assert.deepEqual(page.errors, []);
});

test('console and network tabs follow playback and seek on click', { skip, timeout: 90_000 }, async (t) => {
  const { collector, browser } = await setup(t);
  const console_ = crypto.randomUUID();
  const network = crypto.randomUUID();
  assert.equal(await ingest(collector.origin, { session_id: console_, events: events('console-error') }), 200);
  assert.equal(await ingest(collector.origin, { session_id: network, events: withNetworkAndConsent() }), 200);
  const page = await open(browser, `${collector.origin}/#readKey=${KEYS.read}`, { width: 1280, height: 720 });
  await page.locator(`[data-key="c:${console_}"]`).click();
  await ready(page);
  const panel = page.locator('.rw-panel');
  await panel.getByRole('tab', { name: /^Console/ }).click();
  const logs = panel.locator('.rw-log');
  assert.equal(await logs.count(), 5);
  assert.deepEqual(await panel.locator('.rw-log__level').allTextContents(), ['log', 'info', 'error', 'warn', 'error']);
  assert.equal(await panel.getByRole('tab', { name: /^Console/ }).locator('.rw-count').textContent(), '5');
  // Levels and the text filter.
  await panel.getByRole('button', { name: /^Errors/ }).click();
  assert.equal(await logs.locator('visible=true').count(), 2);
  await panel.getByRole('button', { name: /^All/ }).click();
  await panel.getByLabel('Filter console messages').fill('deprecated');
  assert.deepEqual(await logs.locator('visible=true').locator('.rw-log__message').allTextContents(), ['Legacy export is deprecated and will be removed']);
  await panel.getByLabel('Filter console messages').fill('');
  // At the start, every message is still to come; a row's time seeks to it and it becomes current.
  await page.evaluate(() => window.rewindViewer.player().seek(0));
  assert.equal(await panel.locator('.rw-log.is-future').count(), 5);
  const start = await page.evaluate(() => window.rewindViewer.player().info().start_time);
  const t4 = Number(await logs.nth(3).getAttribute('data-t'));
  await logs.nth(3).getByRole('button').click();
  assert.ok(Math.abs((await playerState(page)).time - (t4 - start)) < 2, 'seeked to the message');
  await page.waitForFunction(() => document.querySelectorAll('.rw-log')[3].classList.contains('is-current'));
  assert.equal(await panel.locator('.rw-log.is-future').count(), 1, 'the last one is still to come');
  // Playing on moves the current row.
  await page.locator('.rw-session h2').click();
  await page.keyboard.press('Space');
  await page.waitForFunction(() => document.querySelectorAll('.rw-log')[4].classList.contains('is-current'), null, { timeout: 10_000 });
  await page.keyboard.press('Space');
  // Stack traces expand.
  const trace = logs.nth(2).locator('details.rw-trace, .rw-trace__line').first();
  assert.equal(await trace.count(), 1);
  await screenshot(page, 'viewer-console-1280.png');

  // Network: method, URL, status, duration, a waterfall; the failed one marked; a row seeks.
  await page.getByRole('button', { name: 'Sessions', exact: true }).click();
  await page.locator(`[data-key="c:${network}"]`).click();
  await ready(page);
  await panel.getByRole('tab', { name: /^Network/ }).click();
  const requests = panel.locator('.rw-request');
  assert.equal(await requests.count(), 2);
  assert.deepEqual(await requests.locator('.rw-request__method').allTextContents(), ['GET', 'POST']);
  assert.deepEqual(await requests.locator('.rw-request__url').allTextContents(), ['/api/config', '/api/login']);
  assert.deepEqual(await requests.locator('.rw-request__duration').allTextContents(), ['200 ms', '400 ms']);
  assert.equal(await panel.locator('.rw-request--failed').count(), 1);
  assert.match(await panel.locator('.rw-request--failed .rw-request__status').textContent(), /500/);
  const bars = await requests.locator('.rw-request__bar i').evaluateAll((els) => els.map((e) => parseFloat(e.style.left)));
  assert.ok(bars[0] < bars[1], `the waterfall orders them in time (${bars})`);
  await panel.getByRole('button', { name: 'Failed (1)' }).click();
  assert.equal(await requests.locator('visible=true').count(), 1);
  const s2 = await page.evaluate(() => window.rewindViewer.player().info().start_time);
  const tLogin = Number(await panel.locator('.rw-request--failed').getAttribute('data-t'));
  await panel.locator('.rw-request--failed .rw-request__url').click();
  assert.ok(Math.abs((await playerState(page)).time - (tLogin - s2)) < 2, 'clicking a request seeks to it');
  await screenshot(page, 'viewer-network-1280.png');
  assert.deepEqual(page.errors, []);
});

test('states: an empty recording, filters on opened files, the read-key placeholder, an unreachable collector', { skip, timeout: 120_000 }, async (t) => {
  const { collector, browser, file } = await setup(t);
  assert.equal(await ingest(collector.origin, { session_id: crypto.randomUUID(), distinct_id: 'ada.l', events: events('login-form') }), 200);
  const page = await open(browser, `${collector.origin}/`, { width: 1280, height: 720 });
  assert.equal(await page.getByLabel('Read key').getAttribute('placeholder'), 'rk_…', 'read keys start rk_');

  // Files: the Errors and Rage clicks filters and the visitor filter apply to them too.
  await page.setInputFiles('input[type=file]', [file('dead-button.json', events('dead-button')), file('console-error.json', events('console-error')), file('login-form.json', events('login-form'))]);
  await page.locator('.rw-session').waitFor();
  await page.waitForFunction(() => document.querySelectorAll('.rw-badge--rage').length === 1);
  await page.getByRole('button', { name: 'Sessions', exact: true }).click();
  const names = () => page.locator('.rw-group', { hasText: 'Opened files' }).locator('.rw-row__title').allTextContents();
  const flags = page.getByRole('group', { name: 'Only sessions with' });
  await flags.getByRole('checkbox', { name: 'Errors' }).check();
  assert.deepEqual(await names(), ['console-error.json']);
  await flags.getByRole('checkbox', { name: 'Errors' }).uncheck();
  await flags.getByRole('checkbox', { name: 'Rage clicks' }).check();
  assert.deepEqual(await names(), ['dead-button.json']);
  await flags.getByRole('checkbox', { name: 'Rage clicks' }).uncheck();
  assert.equal((await names()).length, 3);

  // A recording without events: an empty state, not a blank player.
  await page.setInputFiles('input[type=file]', file('empty.json', '[]'));
  await page.locator('.rw-main').getByText(/Nothing to replay|Cannot open empty\.json/).waitFor();
  assert.equal(await page.locator('.rw-main .player-slot').count(), 0, 'no blank player');
  assert.match(await page.locator('.rw-main').textContent(), /empty\.json/);
  await screenshot(page, 'viewer-empty-1280.png');

  // The collector goes down: the list says so (no stale count) and offers to retry; it comes
  // back: the list recovers by itself.
  await page.evaluate((key) => sessionStorage.setItem(`rewind-viewer:read-key:${location.origin}`, key), KEYS.read);
  await page.reload();
  await page.locator('.rw-list [role=option]').first().waitFor();
  assert.equal(await page.locator('.rw-group', { hasText: 'Recorded sessions' }).locator('.rw-count').textContent(), '1');
  const addr = collector.addr;
  await collector.stop();
  await page.getByRole('button', { name: 'Refresh the list' }).click();
  const alert = page.locator('.rw-list-alert');
  await alert.waitFor();
  assert.match(await alert.textContent(), /Collector unreachable/);
  assert.match(await alert.textContent(), /Retrying in \d+ s/);
  assert.equal(await page.locator('.rw-group', { hasText: 'Recorded sessions' }).locator('.rw-count').count(), 0, 'no stale count');
  await screenshot(page, 'viewer-collector-down-1280.png');
  const again = await startCollector({ addr, dataDir: collector.dataDir, www: WWW });
  t.after(() => again.stop());
  await alert.getByRole('button', { name: 'Retry now' }).click();
  await page.locator('.rw-list [role=option]').first().waitFor();
  assert.equal(await alert.count(), 0);
  assert.deepEqual(page.errors, []);
});

test('live: the list refreshes itself and an open session that is still recording grows', { skip, timeout: 120_000 }, async (t) => {
  const { collector, browser } = await setup(t);
  const first = crypto.randomUUID();
  assert.equal(await ingest(collector.origin, { session_id: first, events: events('console-error') }), 200);
  const page = await open(browser, `${collector.origin}/#readKey=${KEYS.read}`, { width: 1280, height: 720 });
  await page.locator(`[data-key="c:${first}"]`).waitFor();
  const polls = () => page.evaluate(() => performance.getEntriesByType('resource').filter((e) => e.name.includes('/v1/sessions?')).length);
  const before = await polls();

  // A new visitor starts recording: the list shows it without a reload, with a Live badge.
  const live = crypto.randomUUID();
  const all = withGap(0);
  const half = all.filter((e) => e.timestamp < all[0].timestamp + 2_500);
  assert.equal(await ingest(collector.origin, { session_id: live, distinct_id: 'grace.h', seq: 0, events: half }), 200);
  const row = page.locator(`[data-key="c:${live}"]`);
  await row.waitFor({ timeout: 20_000 });
  assert.ok(await polls() > before, 'polled');
  assert.equal(await row.locator('.rw-badge--live').textContent(), 'Live');

  // Open it; the next batch arrives: the open session grows where it is.
  await row.click();
  await ready(page);
  assert.equal(await page.locator('.rw-session .rw-badge--live').isVisible(), true);
  const short = await playerState(page);
  await page.evaluate(() => window.rewindViewer.player().seek(1_000));
  assert.equal(await ingest(collector.origin, { session_id: live, distinct_id: 'grace.h', seq: 1, events: all.slice(half.length) }), 200);
  await until(async () => (await playerState(page))?.duration > short.duration + 2_000, 30_000, 'the open session grew');
  const grown = await playerState(page);
  assert.ok(Math.abs(grown.time - 1_000) < 50, `the replay stayed where it was (${grown.time})`);
  assert.ok(await page.locator('.rw-actions [role=option]').count() > 2);
  await screenshot(page, 'viewer-live-1280.png');
  // Jump to live: the last seconds stored, playing.
  await page.getByRole('button', { name: 'Jump to live' }).click();
  const jumped = await playerState(page);
  assert.ok(jumped.playing && jumped.time >= jumped.duration - 3_100, `at the live edge (${jumped.time} of ${jumped.duration})`);
  // Playing at the live edge, more arrives: the replay plays on into it.
  const last = all.at(-1).timestamp;
  const moves = all.filter((e) => e.type === 3 && e.data.source === 1).slice(0, 6).map((e, i) => ({ ...e, timestamp: last + 4_000 + i * 400 }));
  assert.equal(await ingest(collector.origin, { session_id: live, distinct_id: 'grace.h', seq: 2, events: moves }), 200);
  await until(async () => {
    const s = await playerState(page);
    return s?.duration > jumped.duration + 3_000 && s.playing && s.time > jumped.duration - 3_100;
  }, 30_000, 'playing on into the new batch');
  await page.keyboard.press('Space');

  // A hidden tab is not polled.
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  const hiddenAt = await polls();
  await page.waitForTimeout(7_000);
  assert.equal(await polls(), hiddenAt, 'no poll while hidden');
  assert.deepEqual(page.errors, []);
});
