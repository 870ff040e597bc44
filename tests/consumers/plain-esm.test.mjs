// Consumer: a plain <script type="module"> page with an import map, no build step, served as
// static files (tests/consumers/plain-esm).
import test from 'node:test';
import { checkApp, prepare, serveDir, skipReason } from './support.mjs';

test('plain ESM page: record after consent, analyze, player, viewer', { skip: skipReason() }, async (t) => {
  const dir = prepare('plain-esm');
  const server = await serveDir(dir);
  t.after(() => server.close());
  await checkApp(`${server.origin}/`, { what: 'plain ESM' });
});
