// Canvas capture benchmark: main-thread cost of sampling an animated 2D canvas
// (benches/browser/canvas-bench.html: 800×600, 200 circles redrawn every animation frame) at 2
// and 4 fps, with rewind's `capture.canvas: {fps}` and with rrweb 2.1.1's `recordCanvas: true,
// sampling: {canvas: fps}` (webp, quality 0.6 for both), against the same page not recording.
// Not a test: it prints numbers and asserts nothing.
//
//   npm run build:wasm-record && node benches/browser/canvas.mjs [--reps N] [--seconds S]
//
// Main-thread cost: Chromium's `TaskDuration` (CDP Performance.getMetrics: time the renderer's
// main thread spent in tasks; workers are not in it) over S seconds after a 1 s warm-up, per
// fresh page; the page's own animation is in every row, so the recorder's share is
// (row − not recording). Modes are interleaved within each repetition, and medians reported,
// because the machine is shared: compare ratios within one run, not absolute times.
import os from 'node:os';
import { launch, newPage, serve, sleep } from '../../tests/e2e/support.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const REPS = arg('--reps', 5);
const SECONDS = arg('--seconds', 5);
const MODES = [['none', 0], ['rewind', 2], ['rrweb', 2], ['rewind', 4], ['rrweb', 4]];

const server = await serve({ buildDir: new URL('.', import.meta.url).pathname.replace(/\/$/, '') });
const browser = await launch();

async function measure(mode, fps) {
  const page = await newPage(browser);
  await page.goto(`${server.origin}/build/canvas-bench.html`);
  await page.waitForFunction(() => window.__ready === true);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  if (!(await page.evaluate(([m, f]) => window.__start(m, f), [mode, fps]))) throw new Error(`${mode} did not start`);
  await sleep(1000);
  const metric = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const a = await metric();
  const bytes0 = await page.evaluate(() => window.__bytes);
  await sleep(SECONDS * 1000);
  const b = await metric();
  const bytes1 = await page.evaluate(() => window.__bytes);
  const errors = [...page.errors, ...page.logs.filter((l) => l.startsWith('error'))];
  await page.context().close();
  if (errors.length) throw new Error(`${mode}: ${errors.join('; ')}`);
  return { ms: ((b.TaskDuration - a.TaskDuration) * 1000) / SECONDS, kbps: (bytes1 - bytes0) / 1024 / SECONDS };
}

const results = new Map(MODES.map(([m, f]) => [`${m}@${f}`, []]));
for (let r = 0; r < REPS; r++) {
  for (const [mode, fps] of MODES) results.get(`${mode}@${fps}`).push(await measure(mode, fps));
}
await browser.close();
server.close();

const median = (xs) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)];
const row = (key) => ({ ms: median(results.get(key).map((x) => x.ms)), kbps: median(results.get(key).map((x) => x.kbps)) });
const none = row('none@0');
console.log(`${new Date().toISOString()} ${os.cpus().length} × ${os.cpus()[0]?.model}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; ${REPS} reps × ${SECONDS} s, medians`);
console.log('| Mode | main thread, ms per s | × not recording | recorder share, ms per s | × rrweb (share) | event JSON, KB/s |');
console.log('|---|---:|---:|---:|---:|---:|');
console.log(`| not recording | ${none.ms.toFixed(1)} | 1.00 | – | – | – |`);
for (const fps of [2, 4]) {
  const rw = row(`rewind@${fps}`);
  const rr = row(`rrweb@${fps}`);
  for (const [name, x] of [[`rewind, capture.canvas {fps: ${fps}}`, rw], [`rrweb, recordCanvas, sampling.canvas ${fps}`, rr]]) {
    const share = x.ms - none.ms;
    console.log(`| ${name} | ${x.ms.toFixed(1)} | ${(x.ms / none.ms).toFixed(2)} | ${share.toFixed(1)} | ${(share / (rr.ms - none.ms)).toFixed(2)} | ${x.kbps.toFixed(1)} |`);
  }
}
