// The public types (js/index.d.ts, js/react.d.ts) compile under `strict` against a consumer that
// uses every option and method (tests/e2e/types/consumer.ts), and reject an invalid consent value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { root } from './support.mjs';

const tsc = fileURLToPath(new URL('node_modules/typescript/bin/tsc', root));

test('index.d.ts and react.d.ts type-check a consumer (tsc --strict)', { skip: existsSync(tsc) ? false : 'needs typescript (npm ci)' }, () => {
  const project = fileURLToPath(new URL('tests/e2e/types/tsconfig.json', root));
  const out = spawnSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8' });
  assert.equal(out.status, 0, out.stdout + out.stderr);
});
