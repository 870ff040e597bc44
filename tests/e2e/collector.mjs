// The real collector (`rewind serve`) for end-to-end tests: started as a child process on
// loopback with a temporary data directory and fixed keys, stopped and restarted on the same
// port (outage tests). Not a test file.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, root } from './support.mjs';

export const KEYS = { public: 'pk_e2e_public_0123456789', read: 'rk_e2e_read_0123456789', admin: 'ak_e2e_admin_0123456789' };

/** The `rewind` binary: $REWIND_BIN, else target/debug/rewind (scripts/test.sh builds it). */
export function collectorBinary() {
  return process.env.REWIND_BIN ?? fileURLToPath(new URL('target/debug/rewind', root));
}

export function collectorSkipReason() {
  return existsSync(collectorBinary()) ? null : `needs the rewind binary at ${collectorBinary()} (cargo build -p rewind-cli)`;
}

/**
 * Starts `rewind serve`; resolves once it prints its address. `addr` defaults to any free port;
 * `www` is served at `/`, the repo (js/, pkg/, pkg-record/) at `/js/` etc.
 */
export async function startCollector({ addr = '127.0.0.1:0', dataDir, www, cors = [], extra = [] } = {}) {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'rewind-e2e-'));
  const args = ['serve', '--addr', addr, '--data-dir', dir, '--public-key', KEYS.public, '--read-key', KEYS.read,
    '--admin-key', KEYS.admin, '--package-dir', fileURLToPath(root)];
  if (www) args.push('--www', www);
  for (const o of cors) args.push('--cors-origin', o);
  args.push(...extra);
  const proc = spawn(collectorBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const origin = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`rewind serve did not start:\n${output}`)), 20_000);
    const onData = (chunk) => {
      output += chunk;
      const m = /listening on (http:\/\/[\d.:]+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`rewind serve exited (${code}):\n${output}`));
    });
  });
  const stop = () =>
    new Promise((resolve) => {
      if (proc.exitCode !== null) return resolve();
      proc.once('exit', resolve);
      proc.kill('SIGTERM');
    });
  return { origin, dataDir: dir, proc, stop, addr: origin.replace('http://', '') };
}

/** Every file under the collector's data directory, gzip ones decompressed: `[path, text]`. */
export async function storedFiles(dir) {
  const { gunzipSync } = await import('node:zlib');
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath ?? entry.path, entry.name);
    const bytes = await readFile(path);
    out.push([path, (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8')]);
  }
  return out;
}

/**
 * Every GET route the collector serves (cli/src/serve/mod.rs: `/health`, `/metrics`,
 * `/v1/sessions`, `/v1/sessions/{id}`, `/v1/sessions/{id}/analysis`), for every stored session,
 * with the read key: `[path, status, body text]`.
 */
export async function readEverything(origin) {
  const get = async (path) => {
    const res = await fetch(origin + path, { headers: { authorization: `Bearer ${KEYS.read}` } });
    return [path, res.status, await res.text()];
  };
  const out = [await get('/health'), await get('/metrics'), await get('/v1/sessions?limit=1000')];
  for (const { session_id: id } of JSON.parse(out[2][2]).sessions) {
    const at = `/v1/sessions/${encodeURIComponent(id)}`;
    out.push(await get(at), await get(`${at}/analysis`));
  }
  return out;
}

/** GET a read-API path with the read key; parsed JSON. */
export async function read(origin, path) {
  const res = await fetch(origin + path, { headers: { authorization: `Bearer ${KEYS.read}` } });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** The `{seq}.json.gz` files stored for a session (any day directory), as seq numbers. */
export async function storedSeqs(dataDir, sessionId) {
  const seqs = [];
  async function walk(dir) {
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) await walk(p);
      else if (p.includes(`/${sessionId}/`)) {
        const m = /^(\d+)\.json\.gz$/.exec(entry.name);
        if (m) seqs.push(Number(m[1]));
      }
    }
  }
  await walk(join(dataDir, 'sessions'));
  return seqs.sort((a, b) => a - b);
}

/**
 * POSTs one batch to `/v1/ingest` as the SDK does: the envelope gzip'd, `Content-Encoding:
 * gzip`, the public key in `X-Rewind-Key`. `batch` gets defaults for every envelope field but
 * `session_id` and `events`. Resolves to the response status.
 */
export async function ingest(origin, batch, key = KEYS.public) {
  const { gzipSync } = await import('node:zlib');
  const envelope = { window_id: 'w-e2e', seq: 0, app_id: 'e2e', sdk_version: '0.0.0-e2e', sent_at: Date.now(), ...batch };
  const res = await fetch(`${origin}/v1/ingest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-rewind-key': key },
    body: gzipSync(JSON.stringify(envelope)),
  });
  await res.arrayBuffer();
  return res.status;
}

/** A collector (`startCollector(options)`) and a browser for test `t`, both closed after it. */
export async function withCollector(t, options) {
  const collector = await startCollector(options);
  const browser = await launch();
  t.after(async () => {
    await browser.close();
    await collector.stop();
  });
  return { collector, browser };
}
