// The npm wrapper's ReplayBundle (js/analyze.js) under Node, against the release wasm build in
// pkg/, the native projections pinned in tests/expected/bundle/ (tests/bundle.rs), and the
// native CLI (`rewind report --format json`).
//
// The CLI binary is taken from $REWIND_BIN, else the newer of target/release/rewind and
// target/debug/rewind; the CLI comparison is skipped (with a message) when there is none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = new URL('../../', import.meta.url);
const fixturesDir = new URL('fixtures/', root);
const pinnedDir = new URL('tests/expected/bundle/', root);

assert.ok(existsSync(new URL('pkg/rewind_bg.wasm', root)), 'pkg/rewind_bg.wasm is missing: run `npm run build:wasm` first');

const { createBundle, ReplayBundle, defaultLabel, selectorLabel, normalizeUrl } = await import('../../js/analyze.js');

/** The project's recordings (fixtures/*.json), by stem. */
const stems = readdirSync(fixturesDir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
const text = (stem) => readFileSync(new URL(`${stem}.json`, fixturesDir), 'utf8');
const pinned = (stem) => JSON.parse(readFileSync(new URL(`${stem}.json`, pinnedDir), 'utf8'));

function cliBinary() {
  if (process.env.REWIND_BIN) return process.env.REWIND_BIN;
  const candidates = ['target/release/rewind', 'target/debug/rewind']
    .map((p) => fileURLToPath(new URL(p, root)))
    .filter((p) => existsSync(p));
  candidates.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return candidates[0];
}

test('every recording: the wrapper gives the native projections', async () => {
  for (const stem of stems) {
    const want = pinned(stem);
    const bundle = await createBundle([{ input: text(stem), replayId: stem }]);
    assert.equal(bundle.reportMarkdown(), want.report_markdown, stem);
    assert.deepEqual(bundle.report(), JSON.parse(want.report_json), stem);
    assert.deepEqual(bundle.friction(), JSON.parse(want.friction_json), stem);
    assert.equal(bundle.frictionMarkdown(), want.friction_markdown, stem);
    assert.deepEqual(bundle.findings(), JSON.parse(want.findings), stem);
    assert.deepEqual(bundle.deadClicks(), JSON.parse(want.dead_clicks), stem);
    assert.deepEqual(bundle.rageClicks({ threshold: 2, windowMs: 2000 }), JSON.parse(want.rage_clicks_2_2000), stem);
    assert.deepEqual(bundle.topClicks(3), JSON.parse(want.top_clicks_3), stem);
    assert.deepEqual(bundle.longPauses(1), JSON.parse(want.long_pauses_1), stem);
    assert.deepEqual(bundle.errorSessions(), JSON.parse(want.error_sessions), stem);
    assert.deepEqual(bundle.labels(), JSON.parse(want.labels_default), stem);
    assert.deepEqual(bundle.labels('selector'), JSON.parse(want.labels_selector), stem);
    assert.equal(bundle.export('sessions', 'csv'), want.sessions_csv, stem);
    assert.equal(bundle.export('actions', 'jsonl'), want.actions_jsonl, stem);
    assert.equal(bundle.export('events', 'csv'), want.events_csv, stem);
    assert.deepEqual(bundle.sessions(), JSON.parse(want.sessions_json), stem);
    assert.deepEqual(bundle.elements(), want.elements_jsonl.split('\n').filter(Boolean).map((l) => JSON.parse(l)), stem);
    bundle.free();
  }
});

test('report() equals `rewind report --format json` on the project recordings', async (t) => {
  const bin = cliBinary();
  if (!bin) {
    t.skip('no rewind CLI binary: build it with `cargo build -p rewind-cli` (or set REWIND_BIN)');
    return;
  }
  const files = stems.map((s) => fileURLToPath(new URL(`${s}.json`, fixturesDir)));
  const native = execFileSync(bin, ['report', '--format', 'json', '--top', '4', ...files], { encoding: 'utf8' });
  const bundle = await createBundle(stems.map((s) => ({ input: text(s), replayId: s })));
  assert.deepEqual(bundle.report({ top: 4 }), JSON.parse(native));
  const markdown = execFileSync(bin, ['report', '--top', '4', ...files], { encoding: 'utf8' });
  assert.equal(bundle.reportMarkdown({ top: 4 }), markdown);
});

test('all recordings in one bundle: the pinned report, sample and filters', async () => {
  // The order of tests/support/fixtures.rs: rrweb's recordings, then the project's, by file name.
  const rrwebDir = new URL('fixtures/rrweb/', root);
  const list = (dir) => readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'index.json').sort().map((f) => new URL(f, dir));
  const files = [...list(rrwebDir), ...list(fixturesDir)];
  const bundle = await createBundle(files.map((url) => ({ input: readFileSync(url), replayId: url.pathname.split('/').pop().slice(0, -5) })));
  const want = pinned('all-fixtures');
  assert.equal(bundle.reportMarkdown(), want.report_markdown);
  assert.deepEqual(bundle.report(), JSON.parse(want.report_json));
  assert.deepEqual(bundle.sample(5, 7).replayIds, JSON.parse(want.sample_5_7));
  assert.deepEqual(bundle.where({ min_duration_s: 1, max_duration_s: 10 }).replayIds, JSON.parse(want.where_duration));
  assert.deepEqual(bundle.findPattern(['navigate@/cart', 'click:button@/cart']).replayIds, JSON.parse(want.find_pattern));
  assert.equal(bundle.export('elements', 'csv'), want.elements_csv);
});

test('inputs: text, bytes, gzip, event objects, and errors', async () => {
  const bytes = new Uint8Array(readFileSync(new URL('dead-button.json', fixturesDir)));
  const bundle = await createBundle([
    { input: text('dead-button'), replayId: 'text' },
    { input: gzipSync(bytes), replayId: 'gzip' },
    { events: JSON.parse(text('dead-button')), replayId: 'events' },
  ]);
  bundle.add(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), 'buffer');
  assert.deepEqual(bundle.replayIds, ['text', 'gzip', 'events', 'buffer']);
  const kinds = bundle.findings().map((f) => `${f.replay_id}:${f.kind}`);
  assert.deepEqual(kinds, ['text', 'gzip', 'events', 'buffer'].flatMap((id) => [`${id}:rage_click`, `${id}:dead_click`]));
  assert.equal(bundle.friction().groups[0].n_users, 4);
  await assert.rejects(createBundle(['']), { message: 'empty input: no rrweb events' });
  assert.throws(() => bundle.add('[{"type":4,'), /^Error: invalid JSON/);
  assert.throws(() => bundle.where({ user: 'x' }), /where: unknown field `user`/);
  assert.throws(() => bundle.sample(1, 1.5), /sample: seed must be an integer/);
  assert.equal(bundle.length, 4, 'failed adds change nothing');
});

test('filters, labels and comparison, with JS callbacks', async () => {
  const bundle = await createBundle(stems.map((s) => ({ input: text(s), replayId: s })));
  assert.deepEqual(bundle.where({ has_event: 'console_error' }).replayIds, ['console-error']);
  assert.deepEqual(bundle.where({ containsUrl: '/shop/items/' }).replayIds, ['u-turn']);
  const seen = [];
  const withErrors = bundle.filter((replay) => {
    seen.push(Object.keys(replay).join(','));
    return replay.session.n_errors > 0;
  });
  assert.deepEqual(withErrors.replayIds, ['console-error']);
  assert.deepEqual([...new Set(seen)], ['session,actions,warnings']);
  assert.throws(() => bundle.filter(() => { throw new RangeError('from the callback'); }), RangeError);

  assert.deepEqual(bundle.sample(3, 7).replayIds, bundle.sample(3, 7).replayIds);
  assert.equal(bundle.sample(3, 7).length, 3);

  // defaultLabel inside a JS label function equals the built-in labeller.
  assert.deepEqual(bundle.labels((a) => defaultLabel(a)), bundle.labels('default'));
  assert.deepEqual(bundle.labels((a) => selectorLabel(a)), bundle.labels('selector'));
  const skipNavigation = (a) => (a.action === 'navigate' ? null : defaultLabel(a));
  assert.deepEqual(bundle.findPattern(['click:a@/shop'], skipNavigation).replayIds, ['u-turn']);
  assert.deepEqual(bundle.findPattern(['navigate@/shop', 'navigate@/shop/items/:id']).replayIds, []);
  assert.deepEqual(bundle.findPattern(['click:a@/shop', 'navigate@/shop/items/:id', 'navigate@/shop']).replayIds, ['u-turn']);
  const rows = bundle.where({ has_event: 'console_error' }).compare(bundle.where({ distinct_id: 'nobody' }));
  assert.ok(rows.every((r) => r.other_count === 0 && r.delta === r.self_count));
  assert.equal(normalizeUrl('https://u:p@Shop.test/a/123?q=1#x'), 'https://shop.test/a/:id');
});

test('the label helpers need the wasm loaded first', () => {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', `
    const m = await import('./js/analyze.js');
    try { m.defaultLabel({ action: 'click' }); console.log('no error'); } catch (e) { console.log(e.message); }
    await m.init();
    console.log(m.defaultLabel({ action: 'click', target_desc: 'button "Go"', url: 'https://x.test/a/1' }));
  `], { cwd: fileURLToPath(root), encoding: 'utf8' });
  assert.equal(out, 'rewind-replay/analyze: the wasm is not loaded yet; await init() (or createBundle()) first\nclick:button@/a/:id\n');
});

test('bundles are redacted unless created with {redact: false}, filtered bundles included', async () => {
  const input = readFileSync(new URL('../../fixtures/login-form.json', import.meta.url), 'utf8');
  const redacted = await createBundle([{ input, replayId: 'login-form' }]);
  const clear = await createBundle([{ input, replayId: 'login-form' }], { redact: false });
  for (const [bundle, shows] of [[redacted, false], [clear, true]]) {
    assert.equal(bundle.export('actions', 'csv').includes('jane.doe@example.com'), shows);
    assert.equal(bundle.report().redactions, shows ? 0 : 2);
    // A recording added later to a filtered bundle follows the bundle's option.
    const filtered = bundle.where({});
    filtered.add(input, 'again');
    assert.equal(filtered.export('actions', 'csv').includes('4111 1111 1111 1111'), shows);
  }
});

test('web vitals: pages() and the report\'s slow pages through the wrapper', async () => {
  const events = JSON.parse(text('dead-button'));
  const last = events[events.length - 1].timestamp;
  const vitals = (dt, href, lcp, inp) => ({
    type: 6,
    timestamp: last + dt,
    data: { plugin: 'rewind/web-vitals@1', payload: { href, lcp_ms: lcp, cls: 0.01, inp_ms: inp, fcp_ms: 300, ttfb_ms: 50, long_tasks: 1, long_task_ms: 80 } },
  });
  const bundle = await createBundle([{ events: [...events, vitals(1, 'https://a.test/', 4500, 120), vitals(2, 'https://a.test/b', null, 90)], replayId: 'v' }]);
  const pages = bundle.pages();
  assert.deepEqual(pages.map((p) => [p.replay_id, p.href, p.lcp_ms, p.inp_ms]), [['v', 'https://a.test/', 4500, 120], ['v', 'https://a.test/b', null, 90]]);
  const [session] = bundle.sessions();
  assert.deepEqual([session.lcp_ms, session.inp_ms, session.long_tasks, session.long_task_ms], [4500, 120, 2, 160]);
  assert.deepEqual(bundle.report().slow_pages.map((p) => [p.href, p.poor]), [['https://a.test/', ['LCP 4500 ms']]]);
  assert.match(bundle.reportMarkdown(), /## Slow pages/);
});
