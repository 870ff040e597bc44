// README's first command, `scripts/run.sh`, end to end: it sets up, builds the wasm packages
// and the release CLI, and starts `rewind serve` with fresh keys, the demo app and the viewer.
// The test runs it on a spare port with a temporary data directory, reads the keys it prints,
// and checks that the collector answers, serves what the demo and viewer load, accepts a batch
// with the printed public key and lists it with the printed read key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('../', import.meta.url));

test('scripts/run.sh serves the collector, the demo app and the viewer', { timeout: 30 * 60_000 }, async (t) => {
  const addr = `127.0.0.1:${18_000 + Math.floor(Math.random() * 2_000)}`;
  const data = mkdtempSync(join(tmpdir(), 'rewind-quickstart-'));
  const proc = spawn('scripts/run.sh', [], {
    cwd: root,
    env: { ...process.env, REWIND_ADDR: addr, REWIND_DATA: data },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => proc.kill('SIGTERM'));
  let output = '';
  await new Promise((resolve, reject) => {
    const onData = (chunk) => {
      output += chunk;
      if (/listening on http:\/\//.test(output)) resolve();
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.on('exit', (code) => reject(new Error(`scripts/run.sh exited (${code}):\n${output.slice(-4000)}`)));
  });
  const base = `http://${addr}`;
  const publicKey = /demo app\s+\S+\/demo\/#key=(\S+)/.exec(output)?.[1];
  const readKey = /viewer\s+\S+\/#readKey=(\S+)/.exec(output)?.[1];
  assert.ok(publicKey && readKey, `keys printed:\n${output.slice(-2000)}`);

  const get = async (path, init) => {
    const res = await fetch(base + path, init);
    assert.equal(res.status, 200, `GET ${path}`);
    return res;
  };
  await get('/health');
  assert.match(await (await get('/demo/')).text(), /<html/i);
  assert.match(await (await get('/')).text(), /viewer/i);
  await get('/js/index.js');
  assert.equal((await get('/pkg-record/rewind_record_bg.wasm')).headers.get('content-type'), 'application/wasm');
  await get('/pkg/rewind_bg.wasm');

  const now = Date.now();
  const events = [
    { type: 4, data: { href: `${base}/demo/`, width: 1280, height: 720 }, timestamp: now },
    { type: 5, data: { tag: 'quickstart', payload: {} }, timestamp: now + 1 },
  ];
  const body = { session_id: 'quickstart-smoke', window_id: 'w', seq: 0, app_id: 'smoke', sdk_version: '0', sent_at: now, events };
  const ingest = await fetch(`${base}/v1/ingest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-rewind-key': publicKey },
    body: gzipSync(JSON.stringify(body)),
  });
  assert.equal(ingest.status, 200, await ingest.text());
  const list = await (await get('/v1/sessions', { headers: { authorization: `Bearer ${readKey}` } })).json();
  assert.ok(list.sessions.some((s) => s.session_id === 'quickstart-smoke'), JSON.stringify(list));
});
