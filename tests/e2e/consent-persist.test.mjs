// Consent that persists, in real Chromium: `consent.persist` keeps the user's
// decision `{status, source, version, time}` in localStorage (default) or a cookie, the next load
// honours it (granted records without a new optIn, denied stays off), a changed `consent.version`
// asks again, and consentStatus() tells a granted recorder that is stopped or failed (a wasm that
// does not load, a Content-Security-Policy without 'wasm-unsafe-eval') from one that records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IMPLS, TYPE, newPage, setup, skipReason, sleep } from './support.mjs';

/** Requests only consent may cause: the wasm glue and binary (real), rrweb (fake). */
const RECORDER_REQUEST = /^\/(pkg\/|pkg-record\/|rrweb\/)/;

async function load(page, origin, impl, name = 'form') {
  await page.goto(`${origin}/pages/${name}.html?impl=${impl}`);
  await page.waitForFunction(() => window.__ready === true);
}

const kept = (page) =>
  page.evaluate(() => ({
    local: localStorage.getItem('rewind:consent'),
    cookie: document.cookie,
  }));

for (const impl of IMPLS) {
  test(`consent persists (${impl} recorder)`, { skip: skipReason(impl) ?? false }, async (t) => {
    const { server, browser } = await setup(t);

    await t.test('localStorage (default): a grant records on the next load without optIn; a new version asks again', async () => {
      const page = await newPage(browser);
      await load(page, server.origin, impl);
      assert.equal(await page.evaluate(() => window.__init({ consent: { version: 'v1' } })), 'deferred');
      assert.deepEqual(await kept(page), { local: null, cookie: '' }, 'nothing kept before a decision');
      assert.equal(await page.evaluate(() => window.rw.optIn({ source: 'banner' })), true);
      const record = JSON.parse((await kept(page)).local);
      assert.deepEqual({ ...record, time: 0 }, { status: 'granted', source: 'banner', version: 'v1', time: 0 });
      assert.ok(Math.abs(record.time - Date.now()) < 60_000, `time ${record.time}`);
      assert.equal((await kept(page)).cookie, '', 'no cookie with persist "localStorage"');
      await page.evaluate(() => window.rw.stop());

      // Reload: granted and recording at once; the consent event names the kept decision.
      await load(page, server.origin, impl);
      assert.equal(await page.evaluate(() => window.__init({ consent: { version: 'v1' } })), 'granted');
      await page.waitForFunction(() => window.rw.isRecording());
      const events = await page.evaluate(() => window.__collect());
      const consent = events.find((e) => e.type === TYPE.Custom && e.data.tag === 'rewind.consent');
      assert.deepEqual(consent.data.payload, { granted: true, source: 'banner', version: 'v1', at: record.time });
      const state = await page.evaluate(() => window.rw.consentState());
      assert.deepEqual(state, { status: 'granted', recording: true, reason: null, source: 'banner', version: 'v1', time: record.time });
      await page.evaluate(() => window.rw.stop());

      // A new consent version: asked again, nothing loaded.
      const before = page.requests.length;
      await load(page, server.origin, impl);
      assert.equal(await page.evaluate(() => window.__init({ consent: { version: 'v2' } })), 'deferred');
      await sleep(300);
      assert.equal(await page.evaluate(() => window.rw.isRecording()), false);
      assert.deepEqual(page.requests.slice(before).filter((p) => RECORDER_REQUEST.test(p)), [], 'recorder loaded for an old version');

      // A decision older than 13 months is asked again too.
      await page.evaluate(() => {
        const r = JSON.parse(localStorage.getItem('rewind:consent'));
        r.time = Date.now() - 396 * 864e5;
        localStorage.setItem('rewind:consent', JSON.stringify(r));
      });
      assert.equal(await page.evaluate(() => window.__init({ consent: { version: 'v1' } })), 'deferred');
      // Garbage in storage is no decision.
      await page.evaluate(() => localStorage.setItem('rewind:consent', '{"status":"granted"'));
      assert.equal(await page.evaluate(() => window.__init({})), 'deferred');
      assert.deepEqual(page.errors, []);
      await page.context().close();
    });

    await t.test('a denial is kept: the next load stays off even with consent "granted" at init', async () => {
      const page = await newPage(browser);
      await load(page, server.origin, impl);
      await page.evaluate(() => window.__init({}));
      assert.equal(await page.evaluate(() => window.rw.optIn()), true);
      await page.evaluate(() => window.rw.optOut({ source: 'settings' }));
      const record = JSON.parse((await kept(page)).local);
      assert.deepEqual([record.status, record.source, record.version], ['denied', 'settings', null]);
      const before = page.requests.length;
      await load(page, server.origin, impl);
      assert.equal(await page.evaluate(() => window.__init({ consent: 'granted' })), 'denied');
      await sleep(400);
      assert.equal(await page.evaluate(() => window.rw.isRecording()), false);
      assert.equal(await page.evaluate(() => window.__events.length), 0);
      assert.deepEqual(page.requests.slice(before).filter((p) => RECORDER_REQUEST.test(p)), [], 'recorder loaded after a kept denial');
      // The user may still change their mind.
      assert.equal(await page.evaluate(() => window.rw.optIn({ source: 'settings' })), true);
      assert.equal(JSON.parse((await kept(page)).local).status, 'granted');
      await page.evaluate(() => window.rw.stop());
      assert.deepEqual(page.errors, []);
      await page.context().close();
    });

    await t.test('Global Privacy Control wins over a kept grant, unless the user overrode it', async () => {
      const page = await newPage(browser, { gpc: true });
      await load(page, server.origin, impl);
      // A grant kept before the browser sent GPC: not honoured, and nothing loads.
      await page.evaluate(() => localStorage.setItem('rewind:consent', JSON.stringify({ status: 'granted', source: 'banner', version: null, time: Date.now() })));
      const before = page.requests.length;
      assert.equal(await page.evaluate(() => window.__init({})), 'denied');
      await sleep(300);
      assert.deepEqual(page.requests.slice(before).filter((p) => RECORDER_REQUEST.test(p)), []);
      // The user's explicit override is kept with the grant, and honoured on the next load.
      assert.equal(await page.evaluate(() => window.rw.optIn({ source: 'settings', overrideGlobalPrivacyControl: true })), true);
      assert.equal(JSON.parse((await kept(page)).local).overrideGlobalPrivacyControl, true);
      await page.evaluate(() => window.rw.stop());
      await load(page, server.origin, impl);
      assert.equal(await page.evaluate(() => window.__init({})), 'granted');
      await page.waitForFunction(() => window.rw.isRecording());
      await page.evaluate(() => window.rw.stop());
      assert.deepEqual(page.errors, []);
      await page.context().close();
    });

    await t.test('persist "cookie" keeps it in a cookie; persist false keeps nothing', async () => {
      const page = await newPage(browser);
      await load(page, server.origin, impl);
      await page.evaluate(() => window.__init({ consent: { persist: 'cookie' } }));
      assert.equal(await page.evaluate(() => window.rw.optIn({ source: 'banner', version: '3' })), true);
      let k = await kept(page);
      assert.equal(k.local, null);
      const cookie = /(?:^|; )rewind_consent=([^;]*)/.exec(k.cookie);
      assert.ok(cookie, `cookie: ${k.cookie}`);
      assert.equal(JSON.parse(decodeURIComponent(cookie[1])).status, 'granted');
      const [{ expires, sameSite }] = (await page.context().cookies()).filter((c) => c.name === 'rewind_consent');
      assert.equal(sameSite, 'Lax');
      assert.ok(expires * 1000 - Date.now() > 394 * 864e5 && expires * 1000 - Date.now() < 396 * 864e5, `expires ${expires}`);
      await page.evaluate(() => window.rw.stop());
      await load(page, server.origin, impl);
      assert.equal(await page.evaluate(() => window.__init({ consent: { persist: 'cookie' } })), 'granted');
      await page.waitForFunction(() => window.rw.isRecording());
      await page.evaluate(() => window.rw.stop());

      // persist false: a decision clears what an earlier setting kept, and keeps nothing.
      await load(page, server.origin, impl);
      await page.evaluate(() => window.__init({ consent: { persist: false } }));
      assert.equal(await page.evaluate(() => window.rw.consentStatus()), 'deferred', 'persist false reads nothing either');
      assert.equal(await page.evaluate(() => window.rw.optIn()), true);
      await page.evaluate(() => window.rw.stop());
      k = await kept(page);
      assert.deepEqual(k, { local: null, cookie: '' });
      await load(page, server.origin, impl);
      assert.equal(await page.evaluate(() => window.__init({ consent: { persist: false } })), 'deferred');
      // Bad options are errors, not a silent default.
      const errors = await page.evaluate(() =>
        [{ consent: { persist: 'indexedDB' } }, { consent: { initial: 'maybe' } }, { identity: { hash: true } }].map((o) => {
          try {
            window.__init(o);
            return null;
          } catch (e) {
            return e.constructor.name;
          }
        }),
      );
      assert.deepEqual(errors, ['TypeError', 'TypeError', 'TypeError']);
      assert.deepEqual(page.errors, []);
      await page.context().close();
    });

    await t.test('stop() and a failed start are not "granted": stopped, failed with a reason', async () => {
      const page = await newPage(browser);
      await load(page, server.origin, impl);
      await page.evaluate(() => {
        window.__statuses = [];
        window.__init({});
        window.rw.onConsentChange((s) => window.__statuses.push(s));
      });
      assert.equal(await page.evaluate(() => window.rw.optIn()), true);
      await page.evaluate(() => window.rw.stop());
      assert.equal(await page.evaluate(() => window.rw.consentStatus()), 'stopped');
      assert.deepEqual(await page.evaluate(() => window.__statuses), ['granted', 'stopped']);
      assert.equal((await page.evaluate(() => window.rw.consentState())).recording, false);
      assert.equal(JSON.parse((await kept(page)).local).status, 'granted', 'stop() leaves the decision kept');
      assert.deepEqual(page.errors, []);
      await page.context().close();

      // A recorder that fails to load (fresh page: the wasm loads once per page).
      const fresh = await newPage(browser);
      await load(fresh, server.origin, impl);
      const result = await fresh.evaluate(async (impl) => {
        const statuses = [];
        window.__init({
          ...(impl === 'real' ? { wasm: '/pkg-record/missing.wasm' } : { _recorderFactory: () => Promise.reject(new Error('recorder load failed')) }),
          onError: () => {},
        });
        window.rw.onConsentChange((s) => statuses.push(s));
        const started = await window.rw.optIn();
        return { started, statuses, state: window.rw.consentState() };
      }, impl);
      assert.equal(result.started, false);
      assert.deepEqual(result.statuses, ['granted', 'failed']);
      assert.equal(result.state.status, 'failed');
      assert.equal(result.state.recording, false);
      assert.match(result.state.reason, impl === 'real' ? /WebAssembly|wasm|magic|fetch|404/i : /recorder load failed/);
      // Consent stands (kept), and a later load records.
      assert.equal(JSON.parse((await kept(fresh)).local).status, 'granted');
      await load(fresh, server.origin, impl);
      assert.equal(await fresh.evaluate(() => window.__init({})), 'granted');
      await fresh.waitForFunction(() => window.rw.isRecording());
      await fresh.evaluate(() => window.rw.stop());
      assert.deepEqual(fresh.errors, []);
      await fresh.context().close();
    });
  });
}

test('a Content-Security-Policy without wasm-unsafe-eval: consentStatus() is "failed" with the reason', { skip: skipReason('real') ?? false }, async (t) => {
  const { server, browser } = await setup(t);
  const page = await newPage(browser);
  await page.goto(`${server.origin}/pages/csp-strict.html`);
  await page.waitForFunction(() => window.__ready === true);
  const result = await page.evaluate(async () => {
    window.__init({ onError: () => {} });
    const started = await window.rw.optIn();
    return { started, state: window.rw.consentState(), status: window.rw.consentStatus() };
  });
  assert.equal(result.started, false);
  assert.equal(result.status, 'failed');
  assert.match(result.state.reason, /Content Security Policy/i);
  assert.equal(result.state.recording, false);
  await page.context().close();
});
