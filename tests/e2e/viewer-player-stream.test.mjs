// A large session streamed from the real collector (`rewind serve`) into the viewer's player, in
// Chromium: the first page shows while the rest of `GET /v1/sessions/{id}` is still on its way.
// A proxy in front of the collector passes that answer on slowly and holds its second half back
// until the test lets it go, so "before the last byte" is a fact of the test, not a race:
// - the FullSnapshot's table is shown, and the controls work, while the answer is held;
// - a seek to a re-render not received yet waits (the position says the target, the page the
//   first render) and lands once the held bytes arrive;
// - the whole answer then reaches the console panel's source and the player's own analysis;
// - the collector's analysis (`GET /v1/sessions/{id}/analysis`, held by the proxy too) is not
//   waited for: the panel says it is analysing while the first page shows and the controls
//   work, and fills in around the same player once the analysis is let go; an analysis that
//   fails is said in the panel while the replay plays on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { axeViolations, browserSkipReason, launch, newPage, root } from './support.mjs';
import { KEYS, collectorSkipReason, ingest, startCollector } from './collector.mjs';
import { tableRecording } from './large-recording.mjs';

const wasmReady = existsSync(new URL('pkg/rewind.js', root)) && /fromStream/.test(readFileSync(new URL('pkg/rewind.js', root), 'utf8'));
const skip = browserSkipReason() ?? collectorSkipReason() ?? (wasmReady ? false : 'pkg/rewind.js has no Player.fromStream: run `npm run build:wasm-analyze`');
const WWW = fileURLToPath(new URL('www/', root));

/** Bytes of the session's answer passed on per step, and the pause between steps, ms. */
const PROXY_STEP_BYTES = 64 * 1024;
const PROXY_STEP_MS = 20;
/** The share of the session's answer passed on before the proxy holds the rest back. */
const PROXY_FIRST_SHARE = 0.4;
/** Largest batch ingested, bytes of JSON (the collector takes up to 20 MiB decompressed). */
const BATCH_BYTES = 4 << 20;

/** What the proxy answers for `GET /v1/sessions/{id}/analysis` when told to fail it. */
const ANALYSIS_FAILURE = 'the analyzer is down (e2e proxy)';

/**
 * A proxy to `upstream` on 127.0.0.1: everything passes through, except
 * - the body of `GET /v1/sessions/{id}`, which (`holdEvents`) goes out PROXY_STEP_BYTES at a
 *   time up to PROXY_FIRST_SHARE of it, then waits for `release()`. `sent` / `done`: bytes of
 *   that body written, and whether the last one was;
 * - `GET /v1/sessions/{id}/analysis`, which (`analysis: 'hold'`) is not passed on before
 *   `releaseAnalysis()`, or (`'fail'`) is answered 503 with ANALYSIS_FAILURE. `analysisAsked` /
 *   `analysisAnswered`: whether it was requested, and answered.
 */
async function slowProxy(upstream, { holdEvents = true, analysis = 'hold' } = {}) {
  const state = { sent: 0, done: false, total: 0, analysisAsked: false, analysisAnswered: false };
  let release;
  const released = new Promise((r) => (release = r));
  let releaseAnalysis;
  const analysisReleased = new Promise((r) => (releaseAnalysis = r));
  const server = createServer(async (req, res) => {
    const target = new URL(req.url, upstream);
    const slow = holdEvents && req.method === 'GET' && /^\/v1\/sessions\/[^/?]+$/.test(target.pathname);
    if (req.method === 'GET' && /^\/v1\/sessions\/[^/?]+\/analysis$/.test(target.pathname)) {
      state.analysisAsked = true;
      if (analysis === 'fail') {
        res.writeHead(503, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
        res.end(JSON.stringify({ error: ANALYSIS_FAILURE }));
        state.analysisAnswered = true;
        return;
      }
      if (analysis === 'hold') await analysisReleased;
      res.on('finish', () => (state.analysisAnswered = true));
    }
    const up = request(target, { method: req.method, headers: req.headers }, async (answer) => {
      const headers = { ...answer.headers };
      delete headers['content-length'];
      res.writeHead(answer.statusCode, headers);
      if (!slow) return answer.pipe(res);
      const parts = [];
      for await (const part of answer) parts.push(part);
      const body = Buffer.concat(parts);
      state.total = body.length;
      const hold = Math.floor(body.length * PROXY_FIRST_SHARE);
      for (let at = 0; at < body.length; at += PROXY_STEP_BYTES) {
        if (at >= hold) await released;
        res.write(body.subarray(at, Math.min(body.length, at + PROXY_STEP_BYTES)));
        state.sent = Math.min(body.length, at + PROXY_STEP_BYTES);
        await new Promise((r) => setTimeout(r, PROXY_STEP_MS));
      }
      state.done = true;
      res.end();
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${server.address().port}`, state, release, releaseAnalysis,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}

/** The events in batches of at most BATCH_BYTES of JSON, in order. */
function batches(events) {
  const out = [[]];
  let size = 0;
  for (const event of events) {
    const n = JSON.stringify(event).length;
    if (size + n > BATCH_BYTES && out.at(-1).length) {
      out.push([]);
      size = 0;
    }
    out.at(-1).push(event);
    size += n;
  }
  return out;
}

test('a large collector session shows its first page before its last byte, and a seek past what arrived lands when it does', { skip, timeout: 180_000 }, async (t) => {
  const recording = tableRecording({ renders: 6 });
  const collector = await startCollector({ www: WWW });
  const proxy = await slowProxy(collector.origin);
  const browser = await launch();
  t.after(async () => {
    proxy.release();
    proxy.releaseAnalysis();
    await browser.close();
    await proxy.close();
    await collector.stop();
  });
  const session = crypto.randomUUID();
  const parts = batches(JSON.parse(recording.json));
  assert.ok(parts.length > 1, 'the session is several batches');
  for (const [seq, events] of parts.entries()) {
    assert.equal(await ingest(collector.origin, { session_id: session, distinct_id: 'stream.e2e', seq, events }), 200);
  }

  const page = await newPage(browser);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${proxy.origin}/`);
  await page.getByLabel('Read key').fill(KEYS.read);
  await page.keyboard.press('Enter');
  await page.locator(`.rw-list [role=option][data-key="c:${session}"]`).click();

  // The FullSnapshot's table, whole, while the proxy still holds most of the answer.
  const shown = () => page.evaluate(() => {
    const body = window.rewindViewer.player()?.frame?.contentDocument?.querySelector('#orders tbody');
    return body ? { render: Number(body.dataset.render), rows: body.rows.length } : null;
  });
  await page.waitForFunction((rows) => {
    const body = window.rewindViewer.player()?.frame?.contentDocument?.querySelector('#orders tbody');
    return body?.rows.length === rows;
  }, recording.rows, { timeout: 60_000 });
  assert.deepEqual(await shown(), { render: 0, rows: recording.rows });
  assert.equal(proxy.state.done, false, 'shown before the answer\'s last byte');
  assert.ok(proxy.state.sent < proxy.state.total, `${proxy.state.sent} of ${proxy.state.total} bytes sent`);

  // The collector's analysis is still held: the panel says so, the replay does not wait for it.
  assert.equal(proxy.state.analysisAsked, true, 'the analysis was asked for');
  assert.equal(proxy.state.analysisAnswered, false, 'and is still held');
  assert.deepEqual(await panelState(page), { busy: 'true', note: 'Analysing the actions…', actions: 0, clicks: '…', alert: null });
  assert.deepEqual(await axeViolations(page), [], 'the session view while its analysis is pending');
  const firstPlayer = await page.evaluateHandle(() => window.rewindViewer.player());

  // The controls work from the first frame: play, then pause.
  await page.waitForFunction(() => !document.querySelector('.rw-player__play').disabled);
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  assert.equal(await page.evaluate(() => window.rewindViewer.player().isPlaying()), true);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  assert.equal(await page.evaluate(() => window.rewindViewer.player().isPlaying()), false);

  // The analysis is let go: the panel fills in around the same player (not mounted again),
  // while most of the recording is still held.
  proxy.releaseAnalysis();
  await page.waitForFunction(() => document.querySelectorAll('.rw-actions [role=option]').length > 0, null, { timeout: 60_000 });
  const filled = await panelState(page);
  assert.equal(filled.busy, null, 'no longer busy');
  assert.equal(filled.note, null, 'the pending note is gone');
  assert.ok(filled.actions >= recording.renderTimes.length - 1, `a row per click on Refresh (${filled.actions} actions)`);
  assert.match(filled.clicks, /^\d+$/, 'the Clicks metric is the analysis\'s');
  assert.equal(await page.evaluate((p) => p === window.rewindViewer.player(), firstPlayer), true, 'the same player');
  assert.equal(proxy.state.done, false, 'filled in before the recording\'s last byte');
  assert.deepEqual(await axeViolations(page), [], 'the session view with its analysis');

  // A seek to the last re-render, not received yet: the position says it, the page waits.
  const last = recording.renderTimes.at(-1) + 100;
  const seek = await page.evaluate((ms) => {
    const p = window.rewindViewer.player();
    p.seek(ms);
    return { at: p.currentTime(), loadedUntil: p._wasm.loadedUntil(), loaded: p.isLoaded() };
  }, last);
  assert.equal(seek.loaded, false);
  assert.ok(seek.loadedUntil < last, `the target is past what arrived (${seek.loadedUntil} ms)`);
  assert.equal(seek.at, last, 'the position is the target meanwhile');
  assert.equal((await shown()).render, 0);
  assert.equal(proxy.state.done, false);

  // The rest arrives: the seek lands on the last re-render, and the whole answer is read.
  proxy.release();
  await page.waitForFunction((n) => {
    const body = window.rewindViewer.player()?.frame?.contentDocument?.querySelector('#orders tbody');
    return Number(body?.dataset.render) === n;
  }, recording.renderTimes.length - 1, { timeout: 60_000 });
  assert.deepEqual(await shown(), { render: recording.renderTimes.length - 1, rows: recording.rows });
  assert.equal(await page.evaluate(() => Math.round(window.rewindViewer.player().currentTime())), last);
  await page.waitForFunction(() => window.rewindViewer.player().isLoaded(), null, { timeout: 60_000 });
  assert.equal(proxy.state.done, true);
  const info = await page.evaluate(() => window.rewindViewer.player().info());
  assert.equal(info.n_events, recording.events, 'every event, once');
  assert.deepEqual(info.warnings, []);
  // The player's own analysis (ticks, captions) once all is in: a tick per click on Refresh.
  await page.waitForFunction((n) => window.rewindViewer.player().ticks().length >= n, recording.renderTimes.length - 1, { timeout: 60_000 });
  assert.deepEqual(page.errors, []);
});

/** The analysis panel as a user sees it: busy, its note, actions listed, Clicks, an alert. */
function panelState(page) {
  return page.evaluate(() => {
    const metric = (label) => [...document.querySelectorAll('.rw-metric')].find((m) => m.querySelector('dt')?.textContent === label)?.querySelector('dd')?.textContent ?? null;
    return {
      busy: document.querySelector('.rw-session')?.getAttribute('aria-busy') ?? null,
      note: document.querySelector('.rw-panel .rw-list-note[role=status]')?.textContent ?? null,
      actions: document.querySelectorAll('.rw-actions [role=option]').length,
      clicks: metric('Clicks'),
      alert: document.querySelector('.rw-panel [role=alert]')?.textContent ?? null,
    };
  });
}

test('a collector session whose analysis fails still replays, and the panel says why', { skip, timeout: 120_000 }, async (t) => {
  const collector = await startCollector({ www: WWW });
  const proxy = await slowProxy(collector.origin, { holdEvents: false, analysis: 'fail' });
  const browser = await launch();
  t.after(async () => {
    await browser.close();
    await proxy.close();
    await collector.stop();
  });
  const session = crypto.randomUUID();
  const events = JSON.parse(readFileSync(new URL('fixtures/login-form.json', root), 'utf8'));
  assert.equal(await ingest(collector.origin, { session_id: session, distinct_id: 'stream.e2e', events }), 200);

  const page = await newPage(browser);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${proxy.origin}/#session=${session}&t=1`);
  await page.getByLabel('Read key').fill(KEYS.read);
  await page.keyboard.press('Enter');
  await page.locator('.rw-panel [role=alert]', { hasText: ANALYSIS_FAILURE }).waitFor({ timeout: 30_000 });
  assert.equal(proxy.state.analysisAnswered, true);
  const failed = await panelState(page);
  assert.equal(failed.busy, null, 'no longer busy');
  assert.equal(failed.note, null, 'the pending note is replaced');
  assert.match(failed.alert, /Cannot analyse this session/);

  // The replay works regardless: it mounted at the deep link's moment and plays on.
  await page.waitForFunction(() => window.rewindViewer.player() && !document.querySelector('.rw-player__play').disabled, null, { timeout: 30_000 });
  assert.ok(Math.abs(await page.evaluate(() => window.rewindViewer.player().currentTime()) - 1000) < 300, 'at the link\'s moment');
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await page.waitForFunction(() => window.rewindViewer.player().currentTime() > 1500, null, { timeout: 30_000 });
  // The console and network tabs come from the recording, not the analysis.
  await page.getByRole('tab', { name: /^Console/ }).click();
  await page.locator('.rw-tabpanel:not([hidden]) .rw-panel-tools').waitFor();
  assert.deepEqual(await axeViolations(page), [], 'the session view with its analysis failed');
  assert.deepEqual(page.errors, []);
});
