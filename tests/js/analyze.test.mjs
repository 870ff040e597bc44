// The npm wrapper (js/analyze.js) under Node, against the release wasm build in pkg/ and the
// native CLI: `npm run build:wasm && cargo build -p rewind-cli && npm run test:js`.
//
// The CLI binary is taken from $REWIND_BIN, else the newer of target/release/rewind and
// target/debug/rewind; the CLI comparison is skipped (with a message) when there is none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = new URL('../../', import.meta.url);
const rrwebDir = new URL('../../fixtures/rrweb/', import.meta.url);
const fixturesDir = new URL('fixtures/', root);
const expectedDir = new URL('tests/expected/', root);
const wasmFile = new URL('pkg/rewind_bg.wasm', root);

assert.ok(existsSync(wasmFile), `${fileURLToPath(wasmFile)} is missing: run \`npm run build:wasm\` first`);
assert.ok(existsSync(new URL('input.json', rrwebDir)), `rrweb fixtures not found at ${fileURLToPath(rrwebDir)}`);

const { analyze, analyzeEvents, analyzeToJson, init, version } = await import('../../js/analyze.js');

const SESSION_KEYS = [
  'replay_id', 'distinct_id', 'start_time', 'end_time', 'duration_s', 'n_events', 'n_actions',
  'n_clicks', 'n_inputs', 'n_pages', 'n_errors', 'entry_url', 'exit_url',
  'lcp_ms', 'cls', 'inp_ms', 'fcp_ms', 'ttfb_ms', 'long_tasks', 'long_task_ms',
];
const ACTION_KEYS = ['t_ms', 'action', 'target_node_id', 'target_desc', 'description', 'url', 'metadata'];
const ACTION_KINDS = ['navigate', 'click', 'touch_start', 'scroll', 'input', 'select', 'console_error', 'custom'];

const inputText = readFileSync(new URL('input.json', rrwebDir), 'utf8');

/** Runs a module snippet in a fresh Node process (fresh wasm instance); returns its stdout. */
function runFresh(code) {
  return execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: fileURLToPath(root), encoding: 'utf8' });
}

test('importing the module touches no browser global and loads nothing', () => {
  const out = runFresh(`
    const touched = [];
    for (const name of ['window', 'document', 'self', 'fetch', 'location', 'navigator', 'WebAssembly']) {
      const value = globalThis[name];
      Object.defineProperty(globalThis, name, { configurable: true, get() { touched.push(name); return value; } });
    }
    const mod = await import('./js/analyze.js');
    console.log(JSON.stringify({ touched, exports: Object.keys(mod).sort() }));
  `);
  const { touched, exports } = JSON.parse(out);
  assert.deepEqual(touched, [], 'globals read while importing');
  assert.deepEqual(exports, [
    'ReplayBundle', 'analyze', 'analyzeEvents', 'analyzeToJson', 'createBundle', 'defaultLabel', 'init',
    'normalizeUrl', 'selectorLabel', 'version',
  ]);
});

test('string, Uint8Array, Buffer, ArrayBuffer and gzip input give the same analysis', async () => {
  const fromText = await analyze(inputText, 'input');
  const bytes = new Uint8Array(readFileSync(new URL('input.json', rrwebDir)));
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  assert.deepEqual(await analyze(bytes, 'input'), fromText);
  assert.deepEqual(await analyze(Buffer.from(bytes), 'input'), fromText);
  assert.deepEqual(await analyze(buffer, 'input'), fromText);
  assert.deepEqual(await analyze(gzipSync(bytes), 'input'), fromText);
  const jsonl = JSON.parse(inputText).map((e) => JSON.stringify(e)).join('\n');
  assert.deepEqual(await analyze(jsonl, 'input'), fromText);
});

test('analyzeEvents on parsed events equals analyze on the text', async () => {
  assert.deepEqual(await analyzeEvents(JSON.parse(inputText), 'input'), await analyze(inputText, 'input'));
  // Without a replay id both fall back to rrweb-{start_time}.
  const events = await analyzeEvents(JSON.parse(inputText));
  assert.equal(events.session.replay_id, `rrweb-${events.session.start_time}`);
});

test('the Analysis shape: session fields, actions, summaryMarkdown, redactions, warnings', async () => {
  const result = await analyze(inputText, 'input');
  assert.deepEqual(Object.keys(result), ['session', 'actions', 'summaryMarkdown', 'redactions', 'warnings']);
  assert.equal(result.redactions, 0);
  assert.deepEqual(Object.keys(result.session), SESSION_KEYS);
  const { session, actions, summaryMarkdown, warnings } = result;
  assert.equal(session.replay_id, 'input');
  assert.equal(session.start_time, 1700000000000, 'epoch milliseconds');
  assert.equal(session.duration_s, (session.end_time - session.start_time) / 1000, 'seconds');
  assert.equal(session.n_actions, actions.length);
  assert.ok(actions.length > 0);
  for (const action of actions) {
    assert.deepEqual(Object.keys(action), ACTION_KEYS);
    assert.ok(ACTION_KINDS.includes(action.action), action.action);
    assert.ok(action.t_ms >= session.start_time && action.t_ms <= session.end_time);
    assert.equal(typeof action.metadata, 'object');
  }
  assert.match(summaryMarkdown, /^\d+\.\ds: Navigated to http:\/\/localhost\n/);
  assert.deepEqual(warnings, []);
});

test('analyzeToJson returns the pinned native replay JSON byte for byte', async () => {
  for (const stem of ['input', 'selection', 'scroll', 'iframe', 'dialog-playback', 'shadow-dom']) {
    const expected = readFileSync(new URL(`${stem}.json`, expectedDir), 'utf8');
    const json = await analyzeToJson(readFileSync(new URL(`${stem}.json`, rrwebDir)), stem);
    assert.equal(json + '\n', expected, stem);
  }
});

test('bad input rejects with an Error carrying the native message', async () => {
  const cases = [
    ['{"foo":1}', /^unsupported format: /],
    ['', /^empty input/],
    ['   \n', /^empty input/],
    // Cut inside the first event: nothing to salvage.
    [inputText.slice(0, 40), /^invalid JSON: /],
    [new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff]), /^invalid gzip: /],
    [42, /^analyze: expected a string or a Uint8Array/],
    [null, /^analyze: expected a string or a Uint8Array/],
  ];
  for (const [input, message] of cases) {
    await assert.rejects(analyze(input), (e) => e instanceof Error && message.test(e.message), String(input).slice(0, 30));
    await assert.rejects(analyzeToJson(input), (e) => e instanceof Error && message.test(e.message));
  }
  for (const notArray of [{}, 'x', null, undefined]) {
    await assert.rejects(analyzeEvents(notArray), { name: 'Error', message: 'analyzeEvents: expected an array of rrweb events' });
  }
  await assert.rejects(analyzeEvents([{ type: 4, timestamp: 1n }]), /^Error: analyzeEvents: cannot serialize events: /);
  // Still usable after errors.
  assert.equal((await analyze(inputText, 'input')).session.replay_id, 'input');
});

test('init is optional, idempotent, retries after a failure, and takes bytes or a Module', async () => {
  await init();
  await init(new URL('file:///ignored-once-loaded.wasm'));
  assert.equal(await version(), JSON.parse(readFileSync(new URL('package.json', root), 'utf8')).version);
  for (const source of ['bytes', 'new WebAssembly.Module(bytes)', 'Promise.resolve(bytes)']) {
    const out = runFresh(`
      import { readFileSync } from 'node:fs';
      const { init, analyze } = await import('./js/analyze.js');
      const failed = await init(new URL('file:///nonexistent/rewind_bg.wasm')).then(() => 'loaded', (e) => e.code);
      const bytes = readFileSync('pkg/rewind_bg.wasm');
      await init(${source});
      const a = await analyze('[{"type":4,"data":{"href":"http://x/","width":1,"height":1},"timestamp":5}]', 'r');
      console.log(JSON.stringify({ failed, id: a.session.replay_id }));
    `);
    assert.deepEqual(JSON.parse(out), { failed: 'ENOENT', id: 'r' }, source);
  }
});

// ---- wasm == native CLI on every recording -------------------------------------------------------

function cliBinary() {
  if (process.env.REWIND_BIN) return process.env.REWIND_BIN;
  const candidates = ['target/release/rewind', 'target/debug/rewind']
    .map((p) => fileURLToPath(new URL(p, root)))
    .filter((p) => existsSync(p));
  candidates.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return candidates[0];
}

function recordings() {
  const list = (dir) => readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => new URL(f, dir));
  return [...list(rrwebDir), ...(existsSync(fixturesDir) ? list(fixturesDir) : [])];
}

test('analyzeToJson equals `rewind analyze --format json` on every recording', async (t) => {
  const bin = cliBinary();
  if (!bin) {
    t.skip('no rewind CLI binary: build it with `cargo build -p rewind-cli` (or set REWIND_BIN)');
    return;
  }
  const files = recordings();
  assert.ok(files.length >= 27, `only ${files.length} recordings found`);
  let compared = 0;
  for (const url of files) {
    const path = fileURLToPath(url);
    const name = path.split('/').pop();
    const stem = name.replace(/\.json$/, '');
    const cli = spawnSync(bin, ['analyze', '--format', 'json', path], { encoding: 'utf8' });
    const bytes = readFileSync(url);
    let wasm;
    try {
      wasm = { json: await analyzeToJson(bytes, stem) };
      assert.equal(await analyzeToJson(bytes.toString('utf8'), stem), wasm.json, `${name}: text and bytes differ`);
    } catch (e) {
      wasm = { error: e.message };
    }
    if (wasm.error !== undefined) {
      // e.g. index.json, a listing rather than a recording: both sides must refuse it alike.
      assert.notEqual(cli.status, 0, `${name}: wasm failed (${wasm.error}) but the CLI succeeded`);
      assert.ok(cli.stderr.includes(wasm.error), `${name}: CLI said ${JSON.stringify(cli.stderr)}, wasm ${JSON.stringify(wasm.error)}`);
    } else {
      assert.equal(cli.status, 0, `${name}: CLI failed: ${cli.stderr}`);
      assert.equal(cli.stdout, `{"replays":[${wasm.json}]}\n`, `${name}: wasm and CLI output differ`);
      compared += 1;
    }
  }
  assert.ok(compared >= files.length - 1, `only ${compared} of ${files.length} recordings analysed`);
});

test('personal data is redacted by default, counted, and shown with {redact: false}', async () => {
  const text = readFileSync(new URL('login-form.json', fixturesDir), 'utf8');
  const clear = ['jane.doe@example.com', '4111 1111 1111 1111'];
  const redacted = await analyze(text, 'login-form');
  const json = JSON.stringify(redacted);
  for (const value of clear) assert.ok(!json.includes(value), value);
  assert.equal(redacted.redactions, 2);
  assert.match(redacted.warnings.at(-1), /^2 personal data values redacted/);
  assert.equal(await analyzeToJson(text, 'login-form'), readFileSync(new URL('login-form.json', expectedDir), 'utf8').trimEnd());
  for (const result of [await analyze(text, 'login-form', { redact: false }), await analyzeEvents(JSON.parse(text), 'login-form', { redact: false })]) {
    const shown = JSON.stringify(result);
    for (const value of clear) assert.ok(shown.includes(value), value);
    assert.equal(result.redactions, 0);
  }
});

test('a damaged recording resolves with its intact events and the damage warning', async () => {
  const events = JSON.parse(inputText);
  const texts = events.map((e) => JSON.stringify(e));
  // A cut inside the fourth event, and one unreadable event spliced in.
  const cutAt = 1 + texts.slice(0, 3).join(',').length + 1;
  const cut = await analyze(`[${texts.join(',')}]`.slice(0, cutAt + 10), 'cut');
  assert.equal(cut.session.n_events, 3);
  assert.equal(
    cut.warnings[0],
    `damaged recording: recovered 3 events, skipped 0 unreadable events; the damage starts at byte ${cutAt} (the input ends inside an event)`,
  );
  const spliced = `[${texts[0]},{"type":3,"data":null,"timestamp":1},${texts.slice(1).join(',')}]`;
  const result = await analyze(gzipSync(spliced), 'bad');
  assert.equal(result.session.n_events, events.length);
  assert.match(result.warnings[0], /^damaged recording: recovered \d+ events, skipped 1 unreadable event; the damage starts at byte \d+ of the decompressed text \(unreadable event: /);
});
