// The consent gate in real Chromium: nothing observed, stored or sent (no wasm, no Recorder, no
// listener, no event) before consent; events flow after optIn; optOut stops everything and drops
// the buffer; Global Privacy Control; sampling; beforeRecordEvent; custom events; flush/stop.
// Runs against the rrweb-backed fake recorder (the JS layer) and the real wasm Recorder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IMPLS, TYPE, newPage, setup, skipReason, sleep } from './support.mjs';

/** Requests only consent may cause: the wasm glue and binary (real), rrweb (fake). */
const RECORDER_REQUEST = /^\/(pkg\/|pkg-record\/|rrweb\/)/;

/** Counts DOM listeners and observers created after `window.__countFrom()`. */
function instrument() {
  const counts = { listeners: 0, observers: 0 };
  let on = false;
  window.__countFrom = () => {
    on = true;
  };
  window.__counts = counts;
  const add = EventTarget.prototype.addEventListener;
  EventTarget.prototype.addEventListener = function (...args) {
    if (on) counts.listeners++;
    return add.apply(this, args);
  };
  for (const name of ['MutationObserver', 'ResizeObserver', 'IntersectionObserver', 'PerformanceObserver']) {
    const Original = window[name];
    if (!Original) continue;
    window[name] = class extends Original {
      constructor(...args) {
        super(...args);
        if (on) counts.observers++;
      }
    };
  }
}

async function open(browser, origin, impl, { gpc = false, page: name = 'form' } = {}) {
  const page = await newPage(browser, { gpc });
  await page.addInitScript(instrument);
  await page.goto(`${origin}/pages/${name}.html?impl=${impl}`);
  await page.waitForFunction(() => window.__ready === true);
  return page;
}

async function interact(page) {
  await page.mouse.move(20, 20);
  await page.mouse.move(200, 150, { steps: 5 });
  await page.click('#email');
  await page.keyboard.type('someone@example.com', { delay: 2 });
  await page.click('#submit');
  await page.click('#toggle');
  await page.mouse.wheel(0, 100);
}

const state = (page) =>
  page.evaluate(() => ({
    events: window.__events.length,
    deliveries: window.__deliveries.length,
    recorders: window.__recorders,
    status: window.rw?.consentStatus(),
    recording: window.rw?.isRecording(),
    counts: { ...window.__counts },
    types: window.__events.map((e) => e.type),
  }));

for (const impl of IMPLS) {
  test(`consent gate (${impl} recorder)`, { skip: skipReason(impl) ?? false }, async (t) => {
    const { server, browser } = await setup(t);

    await t.test('deferred: zero events, requests, listeners before optIn; events after; nothing after optOut', async () => {
      const page = await open(browser, server.origin, impl);
      await page.evaluate(() => {
        window.__countFrom();
        return window.__init({ consent: 'deferred', onEventsIntervalMs: 100 });
      });
      await interact(page);
      await sleep(400);
      let s = await state(page);
      assert.equal(s.status, 'deferred');
      assert.equal(s.events, 0, 'events before consent');
      assert.equal(s.deliveries, 0, 'deliveries before consent');
      assert.equal(s.recorders, 0, 'recorders constructed before consent');
      assert.equal(s.recording, false);
      assert.deepEqual(s.counts, { listeners: 0, observers: 0 }, 'listeners/observers added before consent');
      assert.deepEqual(page.requests.filter((p) => RECORDER_REQUEST.test(p)), [], 'recorder code loaded before consent');
      assert.deepEqual(page.requests.filter((p) => !/^\/(pages|js)\//.test(p)), [], 'unexpected requests before consent');
      assert.equal(await page.evaluate(() => window.rw.addCustomEvent('early', { a: 1 })), false);
      assert.equal(await page.evaluate(() => window.rw.stats()), null);
      assert.equal(await page.evaluate(() => window.rw.takeFullSnapshot()), false);
      assert.equal(await page.evaluate(() => window.rw.tag('plan', 'pro')), false);

      assert.equal(await page.evaluate(() => window.rw.optIn({ source: 'banner', version: '2024-05' })), true);
      assert.equal(await page.evaluate(() => window.rw.consentStatus()), 'granted');
      if (impl === 'real') {
        assert.ok(page.requests.includes('/pkg-record/rewind_record_bg.wasm'), 'the wasm loads on consent');
        assert.equal(page.requests.filter((p) => p.endsWith('.wasm')).length, 1, 'the wasm loads once');
      } else {
        assert.ok(page.requests.includes('/rrweb/rrweb.js'));
      }
      await interact(page);
      await sleep(400);
      s = await state(page);
      assert.ok(s.events > 5, `events after consent: ${s.events}`);
      assert.ok(s.counts.listeners + s.counts.observers > 0, 'observers after consent');
      if (impl === 'fake') assert.equal(s.recorders, 1);
      const events = await page.evaluate(() => window.__events);
      assert.equal(events[0].type, TYPE.Meta);
      assert.equal(events[1].type, TYPE.FullSnapshot);
      assert.equal(events[2].type, TYPE.Custom, 'consent event right after the FullSnapshot');
      assert.equal(events[2].data.tag, 'rewind.consent');
      const { granted, source, version, at } = events[2].data.payload;
      assert.deepEqual({ granted, source, version }, { granted: true, source: 'banner', version: '2024-05' });
      assert.ok(Math.abs(at - Date.now()) < 60_000, `consent time ${at}`);
      assert.ok(events.some((e) => e.type === TYPE.IncrementalSnapshot && e.data.source === 2), 'a mouse interaction');
      assert.ok(events.some((e) => e.type === TYPE.IncrementalSnapshot && e.data.source === 5), 'an input');
      const stats = await page.evaluate(() => window.rw.stats());
      if (impl === 'real') {
        assert.equal(stats.recording, true);
        assert.ok(stats.eventsEmitted >= s.events, JSON.stringify(stats));
      } else {
        assert.ok(stats.events > 0);
      }
      assert.equal(await page.evaluate(() => window.rw.takeFullSnapshot()), true);
      await page.evaluate(() => window.__collect());
      assert.equal((await page.evaluate(() => window.__events)).filter((e) => e.type === TYPE.FullSnapshot).length, 2, 'takeFullSnapshot()');
      assert.equal(await page.evaluate(() => window.rw.tag('plan', 'pro')), true);
      assert.equal(await page.evaluate(() => window.rw.addCustomEvent('checkout', { step: 2 })), true);
      await page.evaluate(() => window.__collect());
      const custom = (await page.evaluate(() => window.__events)).filter((e) => e.type === TYPE.Custom).map((e) => e.data);
      assert.deepEqual(custom.slice(1).map((d) => d.tag), ['rewind.tag', 'checkout']);
      assert.deepEqual(custom[1].payload, { key: 'plan', value: 'pro' });
      assert.deepEqual(custom[2].payload, { step: 2 });

      // optOut: stops observers now, drops what is buffered, records nothing more.
      // In one task: a delivery timer firing between the two calls would rightly deliver it.
      await page.evaluate(() => {
        window.rw.addCustomEvent('buffered-then-dropped', {});
        return window.rw.optOut();
      });
      await sleep(200);
      const before = await state(page);
      assert.equal(before.status, 'denied');
      assert.equal(before.recording, false);
      assert.ok(!(await page.evaluate(() => window.__events.some((e) => e.data?.tag === 'buffered-then-dropped'))), 'buffered events were delivered after optOut');
      await interact(page);
      await page.evaluate(() => document.body.append(document.createElement('div')));
      await sleep(500);
      await page.evaluate(() => window.rw.flush());
      const after = await state(page);
      assert.equal(after.events, before.events, 'events captured after optOut');
      assert.equal(after.deliveries, before.deliveries, 'deliveries after optOut');
      assert.deepEqual(page.errors, []);

      // Consent again: a new recording starts with Meta + FullSnapshot + consent.
      assert.equal(await page.evaluate(() => window.rw.setConsent(true)), true);
      await page.evaluate(() => window.__collect());
      const again = (await page.evaluate(() => window.__events)).slice(after.events);
      assert.deepEqual(again.slice(0, 3).map((e) => e.type), [TYPE.Meta, TYPE.FullSnapshot, TYPE.Custom]);
      assert.equal(again[2].data.payload.source, 'setConsent');
      await page.evaluate(() => window.rw.stop());
      await page.context().close();
    });

    await t.test('Global Privacy Control: optIn() records nothing; optIn({overrideGlobalPrivacyControl}) records', async () => {
      const page = await open(browser, server.origin, impl, { gpc: true });
      assert.equal(await page.evaluate(() => navigator.globalPrivacyControl), true);
      // consent "granted" at init does not override GPC either
      assert.equal(await page.evaluate(() => window.__init({ consent: 'granted' })), 'denied');
      await page.evaluate(() => window.rw.stop());
      await page.evaluate(() => window.__init({ consent: 'deferred' }));
      assert.equal(await page.evaluate(() => window.rw.optIn({ source: 'banner', version: '1' })), false);
      assert.equal(await page.evaluate(() => window.rw.consentStatus()), 'denied');
      await interact(page);
      await sleep(300);
      let s = await state(page);
      assert.equal(s.events, 0);
      assert.equal(s.recorders, 0);
      assert.deepEqual(page.requests.filter((p) => RECORDER_REQUEST.test(p)), [], 'recorder code loaded under GPC');

      assert.equal(await page.evaluate(() => window.rw.optIn({ source: 'settings', version: '1', overrideGlobalPrivacyControl: true })), true);
      await interact(page);
      await page.evaluate(() => window.__collect());
      s = await state(page);
      assert.ok(s.events > 3, `events after explicit override: ${s.events}`);
      assert.equal(await page.evaluate(() => window.rw.consentStatus()), 'granted');
      await page.evaluate(() => window.rw.stop());

      // respectGlobalPrivacyControl: false ignores the signal
      await page.evaluate(() => {
        window.__events.length = 0;
        return window.__init({ respectGlobalPrivacyControl: false });
      });
      assert.equal(await page.evaluate(() => window.rw.optIn()), true);
      await page.evaluate(() => window.rw.stop());
      assert.deepEqual(page.errors, []);
      await page.context().close();
    });

    await t.test('consent "granted" at init records at once; stop() delivers the rest (final) and is final', async () => {
      const page = await open(browser, server.origin, impl);
      await page.evaluate(() => window.__init({ consent: 'granted', onEventsIntervalMs: 0 }));
      await page.waitForFunction(() => window.rw.isRecording());
      await interact(page);
      assert.equal((await state(page)).deliveries, 0, 'onEventsIntervalMs 0: no timer deliveries');
      await page.evaluate(() => window.rw.stop());
      const s = await state(page);
      assert.ok(s.events > 3);
      const deliveries = await page.evaluate(() => window.__deliveries);
      assert.equal(deliveries.length, 1);
      assert.equal(deliveries[0].final, true);
      assert.match(deliveries[0].sessionId, /^[0-9a-f-]{36}$/);
      assert.equal(deliveries[0].sessionId, await page.evaluate(() => window.rw.sessionId()));
      const consent = (await page.evaluate(() => window.__events)).find((e) => e.data?.tag === 'rewind.consent');
      assert.equal(consent.data.payload.source, 'init');
      await interact(page);
      await sleep(200);
      assert.equal(await page.evaluate(() => window.rw.optIn()), false, 'optIn after stop()');
      await page.evaluate(() => window.rw.stop()); // idempotent
      assert.equal((await state(page)).events, s.events, 'events after stop');
      assert.deepEqual(page.errors, []);
      await page.context().close();
    });

    await t.test('races and failures: optIn+optOut at once, concurrent optIn, a failing load', async () => {
      const page = await open(browser, server.origin, impl);
      // optOut before the (async) start finishes: nothing is ever recorded
      await page.evaluate(() => {
        window.__init();
        window.__p = window.rw.optIn({ source: 'race' });
        window.rw.optOut();
      });
      assert.equal(await page.evaluate(() => window.__p), false);
      await interact(page);
      await sleep(300);
      await page.evaluate(() => window.rw.flush());
      assert.equal((await state(page)).events, 0, 'events after optIn+optOut');
      assert.equal(await page.evaluate(() => window.rw.isRecording()), false);
      await page.evaluate(() => window.rw.stop());

      // two optIn calls while loading share one start: one recorder, one snapshot
      assert.deepEqual(await page.evaluate(() => {
        window.__init();
        return Promise.all([window.rw.optIn({ source: 'a' }), window.rw.optIn({ source: 'b' })]);
      }), [true, true]);
      await page.evaluate(() => window.rw.stop());
      let events = await page.evaluate(() => window.__events);
      assert.equal(events.filter((e) => e.type === TYPE.FullSnapshot).length, 1);
      assert.deepEqual(events.filter((e) => e.type === TYPE.Custom).map((e) => e.data.tag), ['rewind.consent']);

      assert.deepEqual(page.errors, []);
      await page.context().close();

      // a failing recorder load (a fresh page: the wasm is loaded once per page): optIn resolves
      // false, onError hears it, and a later start loads again and works
      const fresh = await open(browser, server.origin, impl);
      const result = await fresh.evaluate(async (impl) => {
        const errors = [];
        window.__init({
          ...(impl === 'real' ? { wasm: '/pkg-record/missing.wasm' } : { _recorderFactory: () => Promise.reject(new Error('recorder load failed')) }),
          onError: (e) => errors.push(String(e)),
        });
        const started = await window.rw.optIn();
        return { started, errors, recording: window.rw.isRecording() };
      }, impl);
      assert.equal(result.started, false);
      assert.equal(result.recording, false);
      assert.equal(result.errors.length, 1, JSON.stringify(result.errors));
      await fresh.evaluate(() => window.rw.stop());
      await fresh.evaluate(() => {
        window.__events.length = 0;
        window.__init();
      });
      assert.equal(await fresh.evaluate(() => window.rw.optIn()), true, 'a load after a failed one');
      await fresh.evaluate(() => window.rw.stop());
      events = await fresh.evaluate(() => window.__events);
      assert.equal(events[1].type, TYPE.FullSnapshot);
      assert.deepEqual(fresh.errors, []);
      await fresh.context().close();
    });

    await t.test('sampling, beforeRecordEvent, identify before consent, onEvents interval', async () => {
      const page = await open(browser, server.origin, impl);
      // sessionRate 0: never recorded, nothing loaded
      await page.evaluate(() => window.__init({ sampling: { sessionRate: 0 } }));
      assert.equal(await page.evaluate(() => window.rw.optIn()), false);
      assert.equal(await page.evaluate(() => window.rw.isRecording()), false);
      assert.deepEqual(page.requests.filter((p) => RECORDER_REQUEST.test(p)), [], 'recorder loaded for an unsampled session');
      await page.evaluate(() => window.rw.stop());

      // beforeRecordEvent drops mouse moves and rewrites custom events; identify before consent is kept
      await page.evaluate(() => {
        window.__init({
          onEventsIntervalMs: 100,
          beforeRecordEvent(event) {
            if (event.type === 3 && event.data.source === 1) return null;
            if (event.type === 5 && event.data.tag === 'drop-me') return null;
            if (event.type === 5 && event.data.tag === 'rewrite-me') event.data.payload = { rewritten: true };
            if (event.type === 5 && event.data.tag === 'throw-me') throw new Error('filter bug');
            return event;
          },
          onError: (e) => (window.__errors = [...(window.__errors ?? []), String(e)]),
        });
        return window.rw.identify('user-42', { plan: 'pro' });
      });
      assert.equal(await page.evaluate(() => window.rw.optIn({ source: 'test' })), true);
      await interact(page);
      await page.evaluate(() => ['drop-me', 'rewrite-me', 'throw-me', 'keep-me'].map((tag) => window.rw.addCustomEvent(tag, { x: 1 })));
      await sleep(400); // interval deliveries
      assert.ok((await state(page)).deliveries >= 1, 'interval delivered');
      await page.evaluate(() => window.__collect());
      const events = await page.evaluate(() => window.__events);
      assert.ok(!events.some((e) => e.type === 3 && e.data.source === 1), 'mouse moves were not dropped');
      const custom = events.filter((e) => e.type === 5).map((e) => [e.data.tag, e.data.payload]);
      assert.deepEqual(custom.map(([tag]) => tag), ['rewind.consent', 'rewind.identify', 'rewrite-me', 'keep-me']);
      assert.equal(custom[1][1].userId, 'user-42');
      assert.deepEqual(custom[1][1].traits, { plan: 'pro' });
      assert.deepEqual(custom[2][1], { rewritten: true });
      assert.deepEqual(await page.evaluate(() => window.__errors), ['Error: filter bug']);
      await page.evaluate(() => window.rw.stop());
      assert.deepEqual(page.errors, []);
      await page.context().close();
    });
  });
}
