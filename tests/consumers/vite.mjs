// The Vite entries (vite6, vite-latest): the same project on two Vite majors, each checked with
// the dev server and with `vite build`.
import assert from 'node:assert/strict';
import test from 'node:test';
import { join } from 'node:path';
import { checkApp, clean, freePort, prepare, serveDir, skipReason, startServer, run } from './support.mjs';
import { launch, newPage, until } from '../e2e/support.mjs';

export function viteTests(entry) {
  const skip = skipReason();
  let dir;
  const vite = () => join(dir, 'node_modules/vite/bin/vite.js');

  test(`${entry}: vite build`, { skip }, async (t) => {
    dir = prepare(entry);
    clean(join(dir, 'dist'));
    run(process.execPath, [vite(), 'build', '--logLevel', 'warn'], { cwd: dir });
    const server = await serveDir(join(dir, 'dist'));
    t.after(() => server.close());
    await checkApp(`${server.origin}/`, { what: `${entry} build` });
  });

  test(`${entry}: vite dev server (with optimizeDeps.exclude)`, { skip }, async (t) => {
    dir ??= prepare(entry);
    const port = await freePort();
    const server = await startServer(process.execPath, [vite(), '--port', String(port), '--strictPort', '--host', '127.0.0.1'], { cwd: dir, url: `http://127.0.0.1:${port}/` });
    t.after(() => server.stop());
    await checkApp(`http://127.0.0.1:${port}/`, { what: `${entry} dev` });
  });

  test(`${entry}: without the line, the dev server's pre-bundling gets an error that names it`, { skip }, async (t) => {
    dir ??= prepare(entry);
    clean(join(dir, 'node_modules/.vite-pre-bundled'));
    const port = await freePort();
    const server = await startServer(process.execPath, [vite(), '--config', 'vite.pre-bundled.config.js', '--port', String(port), '--strictPort', '--host', '127.0.0.1'], { cwd: dir, url: `http://127.0.0.1:${port}/` });
    t.after(() => server.stop());
    const browser = await launch();
    t.after(() => browser.close());
    const page = await newPage(browser);
    await page.goto(`http://127.0.0.1:${port}/`);
    const out = await until(() => page.evaluate(() => window.__consumer), 60_000, 'window.__consumer');
    if (out.errors.length === 0) {
      // This Vite version keeps the .wasm beside the pre-bundled JavaScript: nothing to explain.
      t.diagnostic(`${entry}: pre-bundling kept the wasm reachable`);
      return;
    }
    for (const error of out.errors) assert.match(error, /optimizeDeps: \{ exclude: \['rewind-replay'\] \}/, error);
  });
}
