// Consumer: an esbuild browser bundle (tests/consumers/esbuild).
import test from 'node:test';
import { join } from 'node:path';
import { checkApp, clean, prepare, run, serveDir, skipReason } from './support.mjs';

test('esbuild bundle: record after consent, analyze, player, viewer', { skip: skipReason() }, async (t) => {
  const dir = prepare('esbuild');
  clean(join(dir, 'dist'));
  run(process.execPath, ['build.mjs'], { cwd: dir });
  const server = await serveDir(join(dir, 'dist'));
  t.after(() => server.close());
  await checkApp(`${server.origin}/`, { what: 'esbuild' });
});
