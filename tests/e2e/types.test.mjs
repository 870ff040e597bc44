// The public types compile under `strict` against consumers that use every option and method
// (tests/e2e/types/consumer.ts: index.d.ts and react.d.ts; events.ts: the RecordedEvent union and
// the counters; analyze.ts: analyze.d.ts, player.d.ts and viewer.d.ts), and reject misuse
// (`@ts-expect-error` lines fail the build when the error they expect is gone).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { root } from './support.mjs';

const tsc = fileURLToPath(new URL('node_modules/typescript/bin/tsc', root));

test('the public .d.ts files type-check their consumers (tsc --strict)', { skip: existsSync(tsc) ? false : 'needs typescript (npm ci)' }, () => {
  const project = fileURLToPath(new URL('tests/e2e/types/tsconfig.json', root));
  const out = spawnSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8' });
  assert.equal(out.status, 0, out.stdout + out.stderr);
});
