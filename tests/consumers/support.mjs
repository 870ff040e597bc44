// Shared helpers of the consumer matrix (not a test file). Each entry under tests/consumers/ is a
// real project (package.json + lockfile + its bundler's config) that installs the packed
// tarball of this repository (`npm pack`) as a web developer would:
//
//   target/consumers/rewind-replay-<version>.tgz   the tarball, packed once per test process
//   target/consumers/<entry>/                      the project, its node_modules kept between runs
//
// A project's dependencies are installed with `npm ci` only when its lockfile changed since the
// last install (the copy in target/ is the cache: target/ is gitignored), then the tarball with
// `npm install --no-save`. Browser checks run in the system Chromium through the repository's
// playwright-core (tests/e2e/support.mjs), so nothing downloads a browser.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserSkipReason, launch, newPage, playerReady, realRecorderSkipReason, until } from '../e2e/support.mjs';

export const repo = fileURLToPath(new URL('../../', import.meta.url));
export const work = join(repo, 'target/consumers');
const here = fileURLToPath(new URL('./', import.meta.url));

/** Why this machine cannot run the matrix, or false. */
export function skipReason({ browser = true } = {}) {
  if (!existsSync(join(repo, 'pkg/rewind.js')) || !playerReady) return 'pkg/ is not built (npm run build:wasm)';
  const recorder = realRecorderSkipReason();
  if (recorder) return recorder;
  if (spawnSync('npm', ['--version']).status !== 0) return 'needs npm';
  return (browser && browserSkipReason()) || false;
}

/** Runs a command; throws with its output when it fails. Returns stdout. */
export function run(cmd, args, { cwd, env, timeoutMs = 600_000 } = {}) {
  const out = spawnSync(cmd, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20 });
  if (out.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed (${out.status ?? out.signal}):\n${out.stdout}\n${out.stderr}`.slice(-8000));
  }
  return out.stdout;
}

let tarball;
/** `npm pack` of the repository (its prepack swaps in the package README), once per process. */
export function pack() {
  if (tarball) return tarball;
  mkdirSync(work, { recursive: true });
  const name = run('npm', ['pack', '--silent', '--pack-destination', work], { cwd: repo }).trim().split('\n').pop();
  tarball = join(work, name);
  return tarball;
}

/**
 * Lays out the project `entry` in target/consumers/<entry>: its own files, plus the shared app
 * (tests/consumers/app/ → src/, with src/fixture.js) when `app` is set; installs its lockfile's
 * dependencies when they changed, then the tarball. Returns the project directory.
 */
export function prepare(entry, { app = true } = {}) {
  const dir = join(work, entry);
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(join(here, entry))) {
    if (name === 'node_modules') continue;
    cpSync(join(here, entry, name), join(dir, name), { recursive: true });
  }
  if (app) {
    cpSync(join(here, 'app'), join(dir, 'src'), { recursive: true });
    const fixture = readFileSync(join(repo, 'fixtures/console-error.json'), 'utf8');
    writeFileSync(join(dir, 'src/fixture.js'), `// fixtures/console-error.json, a real rrweb recording.\nexport default ${fixture.trim()};\n`);
  }
  const lock = readFileSync(join(dir, 'package-lock.json'), 'utf8');
  const stamp = join(dir, 'node_modules/.consumer-lock');
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== lock) {
    run('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: dir });
    mkdirSync(join(dir, 'node_modules'), { recursive: true });
    writeFileSync(stamp, lock);
  }
  run('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefer-offline', pack()], { cwd: dir });
  // The copy in node_modules must be this tarball's, not an older install's.
  const installed = JSON.parse(readFileSync(join(dir, 'node_modules/rewind-replay/package.json'), 'utf8'));
  assert.equal(installed.name, 'rewind-replay');
  assert.ok(!existsSync(join(dir, 'node_modules/rewind-replay/src')), 'the tarball, not a link to the repository');
  return dir;
}

const TYPES = {
  '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json',
  '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.map': 'application/json',
};

/**
 * A static server for `dir` on 127.0.0.1, as a production host would serve a build: unknown
 * paths get index.html (an SPA fallback, as most hosts and dev servers answer), which is what
 * turns a misplaced .wasm into the "magic word" error the SDK must explain.
 */
export function serveDir(dir) {
  const server = http.createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = join(dir, path);
    if (!file.startsWith(dir)) return res.writeHead(403).end();
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) file = join(dir, 'index.html');
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    server.origin = `http://127.0.0.1:${server.address().port}`;
    resolve(server);
  }));
}

/** A free TCP port on 127.0.0.1 (for dev servers that take `--port`). */
export function freePort() {
  return new Promise((resolve) => {
    const s = http.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts a long-running command (a dev server) and resolves once `url` answers 200; `stop()`
 * ends its process group.
 */
export async function startServer(cmd, args, { cwd, url, env, timeoutMs = 120_000 }) {
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const stop = () => {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  try {
    await until(async () => {
      if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}`);
      const res = await fetch(url);
      return res.ok;
    }, timeoutMs, `${cmd} ${args.join(' ')} to answer at ${url}\n${output.slice(-3000)}`);
  } catch (error) {
    stop();
    throw error;
  }
  return { stop, output: () => output };
}

/**
 * Opens `url` in Chromium and waits for the app's `window.__consumer`; asserts what every
 * browser entry must show: nothing before consent, a recording after it (Meta + FullSnapshot),
 * the fixture analysed, the player and the styled viewer mounted, no error anywhere.
 */
export async function checkApp(url, { what }) {
  const browser = await launch();
  try {
    const page = await newPage(browser);
    await page.goto(url);
    const out = await until(() => page.evaluate(() => window.__consumer), 60_000, `${what}: window.__consumer`);
    assert.deepEqual(out.errors, [], `${what}: ${out.errors.join('\n')}\n${page.logs.join('\n')}`);
    assert.equal(out.recordingBeforeConsent ?? false, false, `${what}: nothing recorded before consent`);
    assert.ok(out.eventTypes.includes(4) && out.eventTypes.includes(2), `${what}: Meta and FullSnapshot recorded (${out.eventTypes})`);
    assert.ok(out.fixtureActions > 0, `${what}: the fixture analysed`);
    assert.equal(out.playerMounted, true, `${what}: the player mounted`);
    assert.equal(out.viewerMounted, true, `${what}: the viewer mounted`);
    assert.equal(out.viewerStyled, '#4053d6', `${what}: viewer.css applied`);
    // The viewer analysed the fixture (in its worker, or on the page's thread) and opened it
    // (the session list is then a drawer at this width: the session's header is what shows).
    await page.locator('#viewer .rw-session h2', { hasText: 'fixture' }).waitFor({ timeout: 30_000 });
    assert.deepEqual(page.errors, [], `${what}: page errors`);
    return out;
  } finally {
    await browser.close();
  }
}

/** Deletes a build output directory (so a test never reads a previous run's build). */
export function clean(dir) {
  rmSync(dir, { recursive: true, force: true });
}
