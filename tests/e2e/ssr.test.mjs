// Node side of the SDK: importing js/index.js and js/react.js touches no browser global; init()
// outside a browser never records; the React provider renders its children during SSR; the
// package's exports map resolves "." and "./react".
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { root } from './support.mjs';

function runFresh(code) {
  return execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: fileURLToPath(root), encoding: 'utf8' });
}

test('importing rewind-replay and rewind-replay/react touches no browser global and loads nothing', () => {
  const out = runFresh(`
    await import('react'); // React's own import is not ours to judge
    const touched = [];
    for (const name of ['window', 'document', 'self', 'fetch', 'location', 'navigator', 'WebAssembly', 'sessionStorage', 'localStorage']) {
      const value = globalThis[name];
      Object.defineProperty(globalThis, name, { configurable: true, get() { touched.push(name); return value; } });
    }
    const core = await import('rewind-replay');
    const react = await import('rewind-replay/react');
    console.log(JSON.stringify({ touched, core: Object.keys(core).sort(), react: Object.keys(react).sort(), version: core.SDK_VERSION }));
  `);
  const { touched, core, react, version } = JSON.parse(out);
  assert.deepEqual(touched, [], 'globals read while importing');
  assert.deepEqual(core, ['SDK_VERSION', 'init']);
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  assert.equal(version, pkg.version, 'SDK_VERSION (sent as sdk_version) is the package version');
  assert.deepEqual(react, ['SessionReplayProvider', 'useConsent', 'useReplay']);
});

test('init() outside a browser: a working handle that never records', async () => {
  const { init } = await import('rewind-replay');
  let factoryCalls = 0;
  const handle = init({ consent: 'granted', onEvents: () => {}, _recorderFactory: () => factoryCalls++ });
  assert.equal(handle.consentStatus(), 'granted');
  assert.equal(await handle.optIn({ source: 'ssr' }), false);
  assert.equal(handle.isRecording(), false);
  assert.equal(factoryCalls, 0);
  assert.equal(handle.addCustomEvent('x', {}), false);
  assert.match(handle.sessionId(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(handle.sessionId(), handle.sessionId());
  const seen = [];
  const off = handle.onConsentChange((s) => seen.push(s));
  handle.optOut();
  off();
  handle.setConsent(true);
  assert.deepEqual(seen, ['denied']);
  await handle.stop();
  assert.throws(() => init({ consent: 'maybe' }), TypeError);
});

test('SessionReplayProvider renders its children during SSR', async () => {
  const { createElement: h } = await import('react');
  const { renderToString } = await import('react-dom/server');
  const { SessionReplayProvider, useConsent, useReplay } = await import('rewind-replay/react');
  function Banner() {
    const { status } = useConsent();
    const replay = useReplay();
    return h('p', null, `status=${status} tag=${replay.tag('k', 'v')}`);
  }
  assert.equal(renderToString(h(SessionReplayProvider, { config: {} }, h(Banner))), '<p>status=deferred tag=false</p>');
  assert.equal(
    renderToString(h(SessionReplayProvider, { config: { consent: 'granted' } }, h(Banner))),
    '<p>status=granted tag=false</p>',
  );
  assert.throws(() => renderToString(h(Banner)), /inside <SessionReplayProvider>/);
});
