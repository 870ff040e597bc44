// The player on a large recording (tests/e2e/large-recording.mjs: a 2,000-row table shown by
// the FullSnapshot, re-rendered 10 times by ~2 MB Mutations, ~20 MB of JSON), in Chromium:
// - the first page shows before the analysis is done, in the player and in the viewer (whose
//   analysis of the file runs in its worker meanwhile, and whose player is kept when it ends);
// - a seek issued while the file is still being decoded, or before the checkpoints are built,
//   lands on the page of its time;
// - destroy() gives back the memory: JS heap and DOM nodes return to where they were, and the
//   wasm heap is reused by the next player instead of growing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { browserSkipReason, memoryCounters, newPage, root, setup } from './support.mjs';
import { tableRecording } from './large-recording.mjs';

const wasmReady = existsSync(new URL('pkg/rewind.js', root)) && /loadedUntil/.test(readFileSync(new URL('pkg/rewind.js', root), 'utf8'));
const skip = browserSkipReason() ?? (wasmReady ? false : 'pkg/rewind.js has no Player.loadedUntil: run `npm run build:wasm-analyze`');

const recording = tableRecording();
const dir = mkdtempSync(join(tmpdir(), 'rewind-large-'));
writeFileSync(join(dir, 'table.json'), recording.json);
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** Which render of the table the replayed page shows: its <tbody data-render> and first cell. */
const SHOWN = () => {
  const doc = window.__p.frame.contentDocument;
  const body = doc.querySelector('#orders tbody');
  return { render: Number(body?.dataset.render), first: body?.querySelector('td')?.textContent, rows: body?.rows.length };
};

async function playerPage(browser, origin) {
  const page = await newPage(browser);
  await page.goto(`${origin}/pages/replay.html`);
  await page.evaluate(async () => {
    window.__player = await import('/js/player.js');
    await window.__player.init();
    window.__bytes = new Uint8Array(await (await fetch('/build/table.json')).arrayBuffer());
    window.__mount = () => {
      const el = document.createElement('div');
      el.style.cssText = 'width:1280px;height:720px';
      document.body.append(el);
      return el;
    };
    window.__once = (p, name) => new Promise((res) => p.on(name, res));
  });
  return page;
}

test('a large recording shows its first page before the analysis is done', { skip, timeout: 120_000 }, async (t) => {
  const { server, browser } = await setup(t, { buildDir: dir });
  const page = await playerPage(browser, server.origin);
  const r = await page.evaluate(async (SHOWN) => {
    const shown = new Function(`return (${SHOWN})()`);
    let analyzed = false;
    const p = (window.__p = await window.__player.createPlayer(window.__mount(), new File([window.__bytes], 'table.json')));
    p.on('analyzed', () => (analyzed = true));
    const first = { ...shown(), analyzed, loaded: p.isLoaded(), actions: p.actions().length };
    await window.__once(p, 'analyzed');
    return { first, actionsAfter: p.actions().length, ticksAfter: p.ticks().length };
  }, SHOWN.toString());
  assert.deepEqual(r.first, { render: 0, first: '#0-0', rows: recording.rows, analyzed: false, loaded: false, actions: 0 },
    'the FullSnapshot\'s table, whole, while the rest is still decoded and nothing analysed');
  assert.ok(r.actionsAfter >= 10, `the analysis then finds the 10 clicks on Refresh (${r.actionsAfter} actions)`);
  assert.ok(r.ticksAfter >= 10, `and their ticks (${r.ticksAfter})`);
  assert.deepEqual(page.errors, []);
});

test('the viewer plays an opened large file while its worker analyses it, and keeps that player', { skip, timeout: 120_000 }, async (t) => {
  const { server, browser } = await setup(t, { buildDir: dir });
  const page = await newPage(browser);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${server.origin}/pages/replay.html`);
  const r = await page.evaluate(async (ROWS) => {
    document.head.append(Object.assign(document.createElement('link'), { rel: 'stylesheet', href: '/js/viewer.css' }));
    const el = document.createElement('div');
    el.style.cssText = 'height:800px';
    document.body.append(el);
    const { mountViewer } = await import('/js/viewer.js');
    const viewer = (window.rewindViewer = mountViewer(el, {}));
    const file = new File([await (await fetch('/build/table.json')).arrayBuffer()], 'table.json');
    const opened = viewer.openFiles([file]);
    // the first frame: the table's first rows in the player's iframe (the page fills in over
    // a few frames; the whole table is checked once it is in)
    const rows = () => el.querySelector('.player-slot iframe')?.contentDocument?.querySelectorAll('#orders tbody tr').length ?? 0;
    while (!rows()) await new Promise((res) => requestAnimationFrame(res));
    const doc = el.querySelector('.player-slot iframe').contentDocument;
    doc.__marker = 'first document';
    const atFirstFrame = {
      busy: el.querySelector('.rw-session')?.getAttribute('aria-busy'),
      listedActions: el.querySelectorAll('.rw-actions [role=option]').length,
      note: el.querySelector('.rw-session .rw-list-note')?.textContent,
    };
    while (rows() < ROWS) await new Promise((res) => requestAnimationFrame(res));
    atFirstFrame.rows = rows();
    await opened;
    while (!el.querySelectorAll('.rw-actions [role=option]').length) await new Promise((res) => requestAnimationFrame(res));
    const session = el.querySelector('.rw-session');
    const frame = el.querySelector('.player-slot iframe');
    // picking an action in the list still seeks the kept player
    const options = el.querySelectorAll('.rw-actions [role=option]');
    options[options.length - 1].click();
    const time = viewer.player().currentTime();
    // the page of that time, once the player has decoded that far (the seek waits for it)
    const render = () => Number(frame.contentDocument.querySelector('#orders tbody')?.dataset.render);
    const deadline = performance.now() + 30_000;
    while (render() === 0 && performance.now() < deadline) await new Promise((res) => setTimeout(res, 10));
    return {
      atFirstFrame,
      after: {
        busy: session.getAttribute('aria-busy'),
        sessions: el.querySelectorAll('.rw-session').length,
        players: el.querySelectorAll('.player-slot iframe').length,
        sameDocument: frame.contentDocument.__marker,
        title: session.querySelector('h2')?.textContent,
        selected: el.querySelector('.rw-list [aria-selected=true]')?.textContent ?? '',
        metricsPending: [...session.querySelectorAll('.rw-metric dd')].some((d) => d.textContent === '…'),
        time,
        render: render(),
        caption: el.querySelector('.player-slot__caption')?.textContent,
      },
    };
  }, recording.rows);
  assert.equal(r.atFirstFrame.rows, recording.rows, 'the table shows');
  assert.equal(r.atFirstFrame.busy, 'true', 'before the analysis is done');
  assert.equal(r.atFirstFrame.listedActions, 0);
  assert.equal(r.atFirstFrame.note, 'Analysing the actions…');
  assert.equal(r.after.busy, null, 'the analysis arrived');
  assert.equal(r.after.sessions, 1);
  assert.equal(r.after.players, 1);
  assert.equal(r.after.sameDocument, 'first document', 'the player shown first is kept, not mounted again');
  assert.equal(r.after.title, 'table.json');
  assert.match(r.after.selected, /table\.json/, 'its row is selected in the list');
  assert.equal(r.after.metricsPending, false, 'the metrics are the analysis\'s');
  // the last action is the last click on Refresh, 1 ms before the last re-render
  assert.equal(r.after.time, recording.renderTimes.at(-1) - 1, 'a picked action seeks the kept player');
  assert.equal(r.after.render, recording.renderTimes.length - 2, 'to the page of that time: the render before the last');
  assert.match(r.after.caption, /^0:\d\d /, 'the caption counts from the session start');
  assert.deepEqual(page.errors, []);
});

test('a seek issued while loading lands on the page of its time', { skip, timeout: 120_000 }, async (t) => {
  const { server, browser } = await setup(t, { buildDir: dir });
  const page = await playerPage(browser, server.origin);
  const times = recording.renderTimes;
  const r = await page.evaluate(async ({ SHOWN, times }) => {
    const shown = new Function(`return (${SHOWN})()`);
    const p = (window.__p = await window.__player.createPlayer(window.__mount(), window.__bytes));
    // Paused, past what is decoded: it waits for the decoding, and says where it is going.
    const far = times[7] + 100;
    const before = { loaded: p.isLoaded(), decodedTo: p._wasm.loadedUntil() };
    p.seek(far);
    const meanwhile = { time: p.currentTime(), shown: shown() };
    const loaded = window.__once(p, 'loaded');
    const deadline = performance.now() + 30_000;
    while (shown().render !== 7 && performance.now() < deadline) await new Promise((res) => setTimeout(res, 5));
    const landed = { time: p.currentTime(), shown: shown(), loaded: p.isLoaded() };
    await loaded;
    // Decoded, not yet indexed: from the nearest checkpoint.
    const indexedBefore = p._wasm.indexStep(0);
    p.seek(times[3] + 1);
    const early = shown();
    p.seek(times[9] - 1);
    const justBefore = shown();
    await window.__once(p, 'indexed');
    p.seek(times[5]);
    const indexed = shown();
    return { before, meanwhile, landed, indexedBefore, early, justBefore, indexed };
  }, { SHOWN: SHOWN.toString(), times });
  assert.equal(r.before.loaded, false, 'the seek is issued before the recording is decoded');
  assert.ok(r.before.decodedTo < times[7], `only its start is decoded (${r.before.decodedTo} ms)`);
  assert.equal(r.meanwhile.time, times[7] + 100, 'currentTime() is the target at once');
  assert.equal(r.meanwhile.shown.render, 0, 'the page waits for the decoding');
  assert.deepEqual(r.landed.shown, { render: 7, first: '#7-0', rows: recording.rows });
  assert.equal(r.indexedBefore, false, 'the next seeks come before the checkpoints are all built');
  assert.deepEqual(r.early, { render: 3, first: '#3-0', rows: recording.rows });
  assert.deepEqual(r.justBefore, { render: 8, first: '#8-0', rows: recording.rows }, 'one ms before a render: the one before');
  assert.deepEqual(r.indexed, { render: 5, first: '#5-0', rows: recording.rows });
  assert.deepEqual(page.errors, []);
});

test('destroy() releases the player: JS heap and DOM nodes come back, the wasm heap is reused', { skip, timeout: 120_000 }, async (t) => {
  const { server, browser } = await setup(t, { buildDir: dir });
  const page = await playerPage(browser, server.origin);
  const measure = () => memoryCounters(page);
  const round = () => page.evaluate(async () => {
    const el = window.__mount();
    const p = await window.__player.createPlayer(el, window.__bytes);
    await window.__once(p, 'indexed');
    window.__p = p;
  });
  const destroy = () => page.evaluate(() => {
    const el = window.__p.frame.closest('.rewind-player').parentElement;
    window.__p.destroy();
    const empty = el.childElementCount;
    el.remove();
    window.__p = null;
    return empty;
  });

  const base = await measure();
  await round();
  const loaded = await measure();
  assert.equal(await destroy(), 0, 'destroy() empties the container');
  const freed = await measure();
  await round();
  await destroy();
  const again = await measure();
  const MB = 2 ** 20;
  t.diagnostic(JSON.stringify({ base, loaded, freed, again, json: recording.json.length }));
  assert.ok(loaded.nodes - base.nodes > 8 * recording.rows, `the replayed page is in the DOM (${loaded.nodes - base.nodes} nodes)`);
  assert.ok(loaded.wasm - base.wasm > 10 * MB, `the wasm heap holds the recording (${((loaded.wasm - base.wasm) / MB).toFixed(0)} MB more)`);
  assert.ok(freed.nodes - base.nodes < 500, `the page's nodes are gone (${freed.nodes - base.nodes} left of ${loaded.nodes - base.nodes})`);
  assert.equal(freed.documents, base.documents, 'the iframe\'s document is gone');
  assert.ok(freed.heap - base.heap < 2 * MB, `the JS heap is back (${((freed.heap - base.heap) / MB).toFixed(1)} MB above the start)`);
  // Linear memory never shrinks; what destroy() frees, the next player takes again.
  assert.ok(again.wasm - freed.wasm < (loaded.wasm - base.wasm) / 4,
    `a second player reuses the freed wasm heap (+${((again.wasm - freed.wasm) / MB).toFixed(1)} MB, the first took ${((loaded.wasm - base.wasm) / MB).toFixed(1)} MB)`);
  assert.ok(again.heap - base.heap < 2 * MB && again.nodes - base.nodes < 500, 'and nothing piles up over two rounds');
  assert.deepEqual(page.errors, []);
});
