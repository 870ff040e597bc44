// The replay player mounted in the viewer (js/viewer/replay.js): a recording opened from a file
// plays in the player slot (iframe + overlay canvas), with its controls (play/pause, speeds,
// time, a scrubber with event ticks), the keyboard (Space, ←/→, 1–4) and the sync with the
// action list (clicking an action seeks; the current action is highlighted).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserSkipReason, launch, newPage, root } from './support.mjs';
import { collectorSkipReason, startCollector } from './collector.mjs';

const wasmReady = existsSync(new URL('pkg/rewind.js', root)) && /class Player\b/.test(readFileSync(new URL('pkg/rewind.js', root), 'utf8'));
const skip = browserSkipReason() ?? collectorSkipReason() ?? (wasmReady ? false : 'pkg/rewind.js has no Player: run `npm run build:wasm-analyze`');
const WWW = fileURLToPath(new URL('www/', root));

test('the viewer plays an opened file: controls, keyboard, scrubber ticks, action sync', { skip, timeout: 60_000 }, async (t) => {
  // The collector only serves the viewer (www/) and js/, pkg/: the file never leaves the page.
  const collector = await startCollector({ www: WWW });
  const browser = await launch();
  const dir = mkdtempSync(join(tmpdir(), 'rewind-viewer-player-'));
  t.after(async () => {
    await browser.close();
    await collector.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const file = join(dir, 'login-form.json');
  writeFileSync(file, readFileSync(new URL('fixtures/login-form.json', root)));

  const page = await newPage(browser);
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto(`${collector.origin}/`);
  await page.getByLabel('Read key').waitFor();
  await page.setInputFiles('input[type=file]', file);
  await page.locator('.rw-session h2', { hasText: 'login-form.json' }).waitFor();

  // The player: its iframe and overlay canvas in the slot's screen, the controls enabled.
  const slot = page.locator('.player-slot');
  await slot.locator('.player-slot__screen iframe').waitFor({ state: 'attached' });
  assert.equal(await slot.locator('.player-slot__screen canvas').count(), 1);
  const play = slot.getByRole('button', { name: /^(Play|Pause)$/ });
  await page.waitForFunction(() => !document.querySelector('.rw-player__play').disabled);
  const player = () => page.evaluate(() => {
    const p = window.rewindViewer.player();
    return { time: p.currentTime(), duration: p.duration(), playing: p.isPlaying(), speed: p.speed() };
  });
  const before = await player();
  assert.ok(before.duration > 5000, `a recording of some seconds (${before.duration} ms)`);
  assert.equal(before.playing, false);
  const time = slot.locator('.rw-player__time');
  assert.match(await time.textContent(), /^0:00 \/ \d+:\d\d$/);

  // Ticks from player.ticks() once analysed (no rage burst here: one tick each), coloured by
  // kind with the colour of that kind's icons in the action list, and a legend of the kinds.
  await page.waitForFunction(() => document.querySelectorAll('.rw-scrubber .rw-tick').length > 0);
  const ticks = await slot.locator('.rw-tick').count();
  assert.equal(ticks, await page.evaluate(() => window.rewindViewer.player().ticks().length));
  assert.ok(await slot.locator('.rw-tick.rw-kind--click').count() > 0, 'click ticks');
  const clickColour = await slot.locator('.rw-tick.rw-kind--click').first().evaluate((e) => getComputedStyle(e).backgroundColor);
  assert.equal(clickColour, 'rgb(64, 83, 214)', 'clicks are indigo');
  const clickIcon = await page.locator('.rw-action.rw-kind--click .rw-action__icon').first().evaluate((e) => getComputedStyle(e).color);
  assert.equal(clickIcon, clickColour, 'the list\'s click icon has the tick\'s colour');
  assert.deepEqual(await slot.locator('.rw-legend__item').allTextContents(), ['Page view', 'Click', 'Input']);
  const legendClick = await slot.locator('.rw-legend__item.rw-kind--click .rw-legend__mark').evaluate((e) => getComputedStyle(e).backgroundColor);
  assert.equal(legendClick, clickColour, 'the legend says the colour');

  // Keyboard (focus on the page body, not in a text field): Space plays and pauses.
  await page.locator('.rw-session h2').click();
  await page.keyboard.press('Space');
  assert.equal((await player()).playing, true, 'Space plays');
  assert.equal(await play.getAttribute('aria-label'), 'Pause');
  await page.keyboard.press('Space');
  assert.equal((await player()).playing, false, 'Space pauses');
  assert.equal(await play.getAttribute('aria-label'), 'Play');

  // 4 → 8×, 1 → 1×: the pressed speed button follows.
  await page.keyboard.press('4');
  assert.equal((await player()).speed, 8);
  assert.equal(await slot.getByRole('button', { name: '8×' }).getAttribute('aria-pressed'), 'true');
  assert.equal(await slot.getByRole('button', { name: '1×' }).getAttribute('aria-pressed'), 'false');
  await page.keyboard.press('1');
  assert.equal((await player()).speed, 1);
  await slot.getByRole('button', { name: '2×' }).click();
  assert.equal((await player()).speed, 2, 'the speed buttons');
  assert.equal(await slot.getByRole('button', { name: '2×' }).getAttribute('aria-pressed'), 'true');

  // → and ←: 5 s forward (or to the end) and back.
  await page.evaluate(() => window.rewindViewer.player().seek(0));
  await page.keyboard.press('ArrowRight');
  const ahead = await player();
  assert.ok(Math.abs(ahead.time - Math.min(5000, ahead.duration)) < 50, `→ is +5 s (${ahead.time})`);
  assert.equal(await page.locator('[role=slider]').getAttribute('aria-valuenow'), String(Math.round(ahead.time)));
  await page.keyboard.press('ArrowLeft');
  assert.ok((await player()).time < 50, '← is −5 s');

  // Clicking an action seeks the player to it (the elapsed label changes) and highlights it.
  const actions = page.locator('.rw-actions [role=option]');
  const n = await actions.count();
  assert.ok(n > 2);
  const last = actions.nth(n - 1);
  const shown = await time.textContent();
  await last.click();
  await page.waitForFunction((s) => document.querySelector('.rw-player__time').textContent !== s, shown);
  const { tMs, start } = await page.evaluate(() => {
    const p = window.rewindViewer.player();
    const a = p.actions()[p.actions().length - 1];
    return { tMs: a.t_ms, start: p.info().start_time };
  });
  assert.ok(Math.abs((await player()).time - (tMs - start)) < 2, 'seeked to the action');
  assert.equal(await last.getAttribute('aria-selected'), 'true');

  // Seeking elsewhere moves the highlight to the action current there.
  await page.evaluate(() => window.rewindViewer.player().seek(0));
  await page.waitForFunction(() => document.querySelector('.rw-actions [aria-selected="true"]')?.dataset.index === '0');

  // The scrubber: a click seeks to where it was clicked.
  const box = await page.locator('.rw-scrubber').boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  const mid = await player();
  assert.ok(Math.abs(mid.time - mid.duration / 2) < mid.duration * 0.03, `a click in the middle seeks to the middle (${mid.time} of ${mid.duration})`);

  // Playing reaches the end at 8×.
  await page.keyboard.press('4');
  await play.click();
  await page.waitForFunction(() => !window.rewindViewer.player().isPlaying(), null, { timeout: 20_000 });
  const end = await player();
  assert.ok(end.time >= end.duration - 1, 'played to the end');

  // Another selection replaces the player (the old one destroyed).
  await page.setInputFiles('input[type=file]', file);
  await page.locator('.rw-group [role=option]').nth(0).waitFor({ state: 'attached' }); // in the closed drawer: the replay has the width
  await page.waitForFunction(() => document.querySelectorAll('.player-slot__screen iframe').length === 1 && window.rewindViewer.player()?.currentTime() === 0);
  assert.equal(await page.locator('.rewind-player').count(), 1);
  assert.deepEqual(page.errors, []);
});
