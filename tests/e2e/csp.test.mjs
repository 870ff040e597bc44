// Content-Security-Policy in Chromium: the exact policy the package README documents lets the
// recorder, the analyzer, the player and the viewer run; a page whose script-src lacks
// 'wasm-unsafe-eval' gets errors that name it (the browser's own message names only
// 'unsafe-eval', which would also allow JavaScript eval).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import test from 'node:test';
import { newPage, playerReady, setup, skipReason, TYPE, until } from './support.mjs';

const skip = skipReason('real') ?? (playerReady ? false : 'the player is not built (npm run build:wasm)');

/** The README's policy for the recorder + player + viewer, all served from the page's origin. */
const DOCUMENTED = [
  "script-src 'self' 'wasm-unsafe-eval'",
  "connect-src 'self'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' https: data: blob:",
  "font-src 'self' https: data:",
  "media-src 'self' https: data: blob:",
  "default-src 'self'",
].join('; ');

const FIXTURE = readFileSync(new URL('../../fixtures/console-error.json', import.meta.url), 'utf8');

/** A page of `/pages/csp.html` served with the header `Content-Security-Policy: policy`. */
async function pageUnder(browser, origin, policy) {
  const page = await newPage(browser);
  await page.route('**/pages/csp.html', async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': policy } });
  });
  await page.goto(`${origin}/pages/csp.html`);
  await page.waitForFunction(() => window.__ready === true);
  return page;
}

test("script-src 'self': the recorder and the analyzer say 'wasm-unsafe-eval' is missing", { skip }, async (t) => {
  const { server, browser } = await setup(t);
  const page = await pageUnder(browser, server.origin, "script-src 'self'");
  const out = await page.evaluate(async () => {
    const errors = [];
    window.__init({ onError: (e) => errors.push(String(e?.message ?? e)) });
    const recording = await window.rw.optIn();
    const analyzer = await import('/js/analyze.js');
    const analyzed = await analyzer.init().then(() => 'loaded', (e) => String(e.message));
    return { recording, errors, analyzed };
  });
  assert.equal(out.recording, false);
  assert.equal(out.errors.length, 1, JSON.stringify(out.errors));
  assert.match(out.errors[0], /'wasm-unsafe-eval'/);
  assert.match(out.errors[0], /Content-Security-Policy/);
  assert.match(out.analyzed, /'wasm-unsafe-eval'/);
});

test('the documented CSP: record, analyze, play and the viewer work', { skip }, async (t) => {
  const { server, browser } = await setup(t);
  const page = await pageUnder(browser, server.origin, DOCUMENTED);
  const violations = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
  const recording = await page.evaluate(async () => {
    window.__errors = [];
    window.__init({ consent: 'granted', onError: (e) => window.__errors.push(String(e?.message ?? e)) });
    return window.rw.optIn();
  });
  assert.equal(recording, true);
  await page.click('#go');
  const events = await until(async () => {
    const got = await page.evaluate(() => window.__collect());
    return got.some((e) => e.type === TYPE.FullSnapshot) && got.length > 2 && got;
  }, 15_000, 'a FullSnapshot under the documented CSP');
  const out = await page.evaluate(async ({ events, fixture }) => {
    const { analyze } = await import('/js/analyze.js');
    const { createPlayer } = await import('/js/player.js');
    const { mountViewer } = await import('/js/viewer.js');
    const analysis = await analyze(fixture, 'fixture');
    const player = await createPlayer(document.getElementById('stage'), events);
    const duration = player.duration();
    const viewer = mountViewer(document.getElementById('viewer'), { source: { files: [{ name: 'console-error.json', text: fixture }] } });
    return { actions: analysis.actions.length, duration, iframe: Boolean(document.querySelector('#stage iframe')), viewer: typeof viewer.destroy, errors: window.__errors };
  }, { events, fixture: FIXTURE });
  assert.ok(out.actions > 0, 'the fixture has actions');
  assert.ok(out.iframe && out.duration >= 0, 'the player mounted');
  assert.deepEqual(out.errors, []);
  // The viewer analysed the file (in its worker: worker-src 'self') and lists it.
  await page.locator('#viewer').getByText('console-error').first().waitFor({ timeout: 15_000 });
  assert.deepEqual(violations, [], 'no CSP violation');
  assert.deepEqual(page.errors, []);
});
