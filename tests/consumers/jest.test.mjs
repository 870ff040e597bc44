// Consumer: Jest with jsdom, CommonJS (tests/consumers/jest): see its sdk.spec.js.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import test from 'node:test';
import { prepare, skipReason } from './support.mjs';

test('Jest + jsdom: require() gets a no-op recorder with one warning', { skip: skipReason({ browser: false }) }, () => {
  const dir = prepare('jest', { app: false });
  const out = spawnSync(process.execPath, [join(dir, 'node_modules/jest/bin/jest.js'), '--ci'], { cwd: dir, encoding: 'utf8' });
  assert.equal(out.status, 0, out.stdout + out.stderr);
  assert.match(out.stderr, /Tests:\s+1 passed, 1 total/);
});
