// Consumer: webpack 5 production build (tests/consumers/webpack5).
import test from 'node:test';
import { join } from 'node:path';
import { checkApp, prepare, run, serveDir, skipReason } from './support.mjs';

test('webpack 5 build: record after consent, analyze, player, viewer', { skip: skipReason() }, async (t) => {
  const dir = prepare('webpack5');
  run(process.execPath, ['build.mjs'], { cwd: dir });
  const server = await serveDir(join(dir, 'dist'));
  t.after(() => server.close());
  await checkApp(`${server.origin}/`, { what: 'webpack 5' });
});
