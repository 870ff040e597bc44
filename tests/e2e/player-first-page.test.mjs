// The first page of a large recording is built in slices, in Chromium: a 1,000-row table
// (tests/e2e/large-recording.mjs, its FullSnapshot only: ~9,000 nodes) fills in over several
// frames, `<head>` and its styles first, and no task that builds it (a `Player.buildStep`,
// timed, and any long task around one: the Long Tasks API's 50 ms) reaches 50 ms. Before
// slicing, the whole page was built in one task: the rows went from none to all between two
// frames, and that task took 100-300 ms.
//
// Not asserted: the browser's own style and table layout of what each slice added, in its
// rendering tasks between the slices (20-140 ms each on this 2-core machine at load 8,
// measured with benches/browser/play.mjs, BENCHMARKS.md "Player"), and the task that decodes
// the recording up to its FullSnapshot (one serde call on the snapshot).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { browserSkipReason, newPage, root, setup } from './support.mjs';
import { tableRecording } from './large-recording.mjs';

const wasmReady = existsSync(new URL('pkg/rewind.js', root)) && /class Player\b/.test(readFileSync(new URL('pkg/rewind.js', root), 'utf8'));
const skip = browserSkipReason() ?? (wasmReady ? false : 'pkg/rewind.js has no Player: run `npm run build:wasm-analyze`');

/** The Long Tasks API's threshold, ms: a task this long delays input and frames visibly. */
const LONG_TASK_MS = 50;

const recording = tableRecording({ rows: 1000, renders: 1 });
const dir = mkdtempSync(join(tmpdir(), 'rewind-first-page-'));
writeFileSync(join(dir, 'table.json'), recording.json);
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('a large first page fills in over several frames without a long task, then controls work', { skip, timeout: 120_000 }, async (t) => {
  const { server, browser } = await setup(t, { buildDir: dir });
  const page = await newPage(browser);
  await page.goto(`${server.origin}/pages/replay.html`);
  const r = await page.evaluate(async () => {
    const { createPlayer, init } = await import('/js/player.js');
    await init();
    // every build step's wall time, [start, end]
    const { Player } = await import('/pkg/rewind.js');
    const buildStep = Player.prototype.buildStep;
    const steps = [];
    Player.prototype.buildStep = function (budget) {
      const start = performance.now();
      try {
        return buildStep.call(this, budget);
      } finally {
        steps.push([start, performance.now()]);
      }
    };
    const bytes = new Uint8Array(await (await fetch('/build/table.json')).arrayBuffer());
    const el = document.createElement('div');
    el.style.cssText = 'width:1280px;height:720px';
    document.body.append(el);
    const tasks = [];
    const observer = new PerformanceObserver((list) => tasks.push(...list.getEntries()));
    observer.observe({ type: 'longtask' });
    // Every frame while createPlayer runs: how many rows the iframe shows, and whether its
    // styles were in before them.
    const seen = [];
    let firstRowAt = null;
    let stylesFirst = true;
    let on = true;
    const sample = () => {
      const doc = el.querySelector('iframe')?.contentDocument;
      const rows = doc?.querySelectorAll('tbody tr').length ?? 0;
      if (rows && firstRowAt === null) {
        firstRowAt = performance.now();
        stylesFirst = doc.querySelector('head style') != null;
      }
      if (seen.at(-1) !== rows) seen.push(rows);
      if (on) requestAnimationFrame(sample);
    };
    requestAnimationFrame(sample);
    const p = await createPlayer(el, bytes);
    on = false;
    const builtAt = performance.now();
    await new Promise((res) => setTimeout(res, 100)); // the last entries
    tasks.push(...observer.takeRecords());
    observer.disconnect();
    const doc = p.frame.contentDocument;
    const rowsAtResolve = doc.querySelectorAll('tbody tr').length;
    // controls work once it resolves: a seek to the end and back shows the same table
    p.seek(p.duration());
    p.seek(0);
    const afterSeeks = doc.querySelectorAll('tbody tr').length;
    const building = tasks.filter((e) => steps.some(([a, b]) => e.startTime <= a && b <= e.startTime + e.duration));
    const others = tasks.filter((e) => !building.includes(e) && e.startTime < builtAt && firstRowAt !== null && e.startTime + e.duration > firstRowAt);
    p.destroy();
    return {
      seen,
      stylesFirst,
      rowsAtResolve,
      afterSeeks,
      steps: steps.length,
      longestStep: Math.round(Math.max(...steps.map(([a, b]) => b - a))),
      buildingLongTasks: building.map((e) => [Math.round(e.startTime - (firstRowAt ?? 0)), Math.round(e.duration)]),
      otherLongTasks: others.map((e) => [Math.round(e.startTime - firstRowAt), Math.round(e.duration)]),
    };
  });
  const rows = recording.rows;
  assert.equal(r.rowsAtResolve, rows, 'createPlayer resolves with the whole table');
  const partial = r.seen.filter((n) => n > 0 && n < rows);
  assert.ok(partial.length >= 2, `the table fills in over several frames, not at once (rows per frame: ${r.seen.join(', ')})`);
  assert.equal(r.stylesFirst, true, 'the <head> and its <style> come before the first row');
  assert.ok(r.steps >= 3, `built in several steps (${r.steps})`);
  assert.ok(r.longestStep < LONG_TASK_MS, `each build step is short: the longest took ${r.longestStep} ms`);
  assert.deepEqual(r.buildingLongTasks, [], 'no long task holds a build step');
  t.diagnostic(`${r.steps} steps, longest ${r.longestStep} ms; the browser's long tasks meanwhile (style, layout): ${JSON.stringify(r.otherLongTasks)}`);
  assert.equal(r.afterSeeks, rows);
  assert.deepEqual(page.errors, []);
});
