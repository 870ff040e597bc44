// The CLI as a collector client, end to end: the SDK records a session in Chromium into a real
// collector, then `rewind sessions --collector` lists it and `rewind fetch` downloads it as an
// rrweb array that `rewind analyze FILE` reads like any recording.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { newPage, skipReason, root, until } from './support.mjs';
import { KEYS, collectorBinary, collectorSkipReason, read, withCollector } from './collector.mjs';

const skip = skipReason('real') ?? collectorSkipReason() ?? false;
const PAGES = fileURLToPath(new URL('tests/e2e/pages/', root));
const run = promisify(execFile);

/** `rewind ARGS` with the read key in REWIND_READ_KEY; resolves to stdout. */
async function rewind(args, env = {}) {
  const { stdout } = await run(collectorBinary(), args, {
    env: { PATH: process.env.PATH, REWIND_READ_KEY: KEYS.read, ...env },
    maxBuffer: 64 << 20,
  });
  return stdout;
}

test('a session recorded by the SDK is listed, fetched and analysed by the CLI', { skip, timeout: 120_000 }, async (t) => {
  const { collector, browser } = await withCollector(t, { www: PAGES });
  const page = await newPage(browser);
  await page.addInitScript((c) => {
    window.REWIND_TEST = { ...c, ingest: location.origin };
  }, { key: KEYS.public, delivery: { batchIntervalMs: 300 }, identify: 'cli-e2e-user' });
  await page.goto(`${collector.origin}/deliver.html`);
  await page.waitForFunction(() => window.rewind?.isRecording(), null, { timeout: 15_000 });
  const sessionId = await page.evaluate(() => window.rewind.sessionId());
  for (let i = 0; i < 3; i++) await page.click('#buy');
  await until(async () => {
    await page.evaluate(() => window.rewind.flush());
    const { sessions } = await read(collector.origin, '/v1/sessions');
    return sessions.some((s) => s.session_id === sessionId && s.n_events > 3);
  }, 15_000, 'the session stored');
  await page.evaluate(() => window.rewind.stop());
  await page.context().close();

  const rows = JSON.parse(await rewind(['sessions', '--collector', collector.origin, '--user', 'cli-e2e-user', '--format', 'json']));
  assert.deepEqual(rows.map((r) => r.session_id), [sessionId]);
  assert.equal(rows[0].app_id, 'e2e-delivery');
  const none = JSON.parse(await rewind(['sessions', '--format', 'json', '--user', 'someone-else'], { REWIND_COLLECTOR: collector.origin }));
  assert.deepEqual(none, []);

  const dir = mkdtempSync(join(tmpdir(), 'rewind-fetch-'));
  const file = join(dir, `${sessionId}.json`);
  await rewind(['fetch', sessionId, '--collector', collector.origin, '-o', file]);
  const events = JSON.parse(readFileSync(file, 'utf8'));
  const { events: stored } = await read(collector.origin, `/v1/sessions/${sessionId}`);
  assert.equal(events.length, stored.length, 'every stored event');
  assert.ok(events.every((e, i) => i === 0 || events[i - 1].timestamp <= e.timestamp), 'in time order');
  assert.ok(events.some((e) => e.type === 2), 'a FullSnapshot to replay from');

  const analysis = JSON.parse(await rewind(['analyze', '--format', 'json', file]));
  const replay = analysis.replays[0];
  assert.equal(replay.replay_id, sessionId);
  assert.ok(replay.n_clicks >= 3, JSON.stringify(replay));
  // The SDK masks text by default: the button reads as asterisks, the click is still there.
  assert.match(replay.summary_markdown, /Clicked button "\*\*\* \*\*\*" .*\(×3 over/);
});
