// Consumer: Vitest with jsdom (tests/consumers/vitest-jsdom): see its sdk.spec.js.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import test from 'node:test';
import { prepare, repo, run, skipReason } from './support.mjs';

test('Vitest + jsdom: the SDK is a no-op with one warning; analyze works', { skip: skipReason({ browser: false }) }, () => {
  const dir = prepare('vitest-jsdom', { app: false });
  const out = run(process.execPath, [join(dir, 'node_modules/vitest/vitest.mjs'), 'run', '--reporter=verbose'], {
    cwd: dir, env: { REWIND_FIXTURE: join(repo, 'fixtures/console-error.json'), CI: '1' },
  });
  assert.match(out, /2 passed/);
});
