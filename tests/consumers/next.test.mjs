// Consumer: Next.js, app router (tests/consumers/next): `next build`, then `next start` serves
// the server-rendered page; in Chromium its client component records through the provider.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import test from 'node:test';
import { checkApp, clean, freePort, prepare, run, skipReason, startServer } from './support.mjs';

test('Next.js app router: server rendering, then the provider records in the browser', { skip: skipReason() }, async (t) => {
  const dir = prepare('next');
  clean(join(dir, '.next'));
  const next = join(dir, 'node_modules/next/dist/bin/next');
  const env = { NEXT_TELEMETRY_DISABLED: '1' };
  run(process.execPath, [next, 'build'], { cwd: dir, env, timeoutMs: 900_000 });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const server = await startServer(process.execPath, [next, 'start', '-p', String(port), '-H', '127.0.0.1'], { cwd: dir, url, env });
  t.after(() => server.stop());
  // Server rendering: the page and the provider's children, consent still deferred, no recorder.
  const html = await (await fetch(url)).text();
  assert.match(html, /<h1>A shop<\/h1>/);
  assert.match(html, /Consent: <!-- -->deferred|Consent: deferred/);
  assert.match(html, /id="go"/);
  await checkApp(url, { what: 'Next.js' });
});
