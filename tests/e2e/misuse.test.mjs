// Loud misuse in Chromium: init() refuses bad options with a TypeError naming the option (the
// browser-only checks too: CSS selectors, ingestBaseUrl against the page's location), a second
// init() hands back the live recorder with one warning and records each event once, and
// delivery failures (a wrong ingest URL's 404, an unreachable collector) reach onError.
// Pure option checks that need no browser: tests/js/init-options.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { TYPE, newPage, root, serve, setup, skipReason, until } from './support.mjs';
import { KEYS, collectorSkipReason, withCollector } from './collector.mjs';

const skip = skipReason('real') ?? false;
const PAGES = fileURLToPath(new URL('tests/e2e/pages/', root));

async function open(browser, origin) {
  const page = await newPage(browser);
  await page.goto(`${origin}/pages/form.html`);
  await page.waitForFunction(() => window.__ready === true);
  return page;
}

test('init() misuse in a page: TypeErrors that name the option', { skip }, async (t) => {
  const { server, browser } = await setup(t);
  const page = await open(browser, server.origin);
  const errors = await page.evaluate(() => {
    const init = window.__rewindInit;
    const sink = () => {};
    const cases = {
      none: () => init(),
      null: () => init(null),
      posthog: () => init('phc_key', { onEvents: sink }),
      onEvents: () => init({ onEvents: 'send' }),
      blockSelector: () => init({ onEvents: sink, privacy: { blockSelector: 'div[' } }),
      maskTextSelector: () => init({ onEvents: sink, privacy: { maskTextSelector: '##x' } }),
      unmaskSelector: () => init({ onEvents: sink, privacy: { unmaskSelector: 'a >>> b' } }),
      ignoreSelector: () => init({ onEvents: sink, privacy: { ignoreSelector: ':not(' } }),
      sessionRate: () => init({ onEvents: sink, sampling: { sessionRate: 1.5 } }),
      session: () => init({ onEvents: sink, sampling: { session: -1 } }),
      onError: () => init({ onEvents: sink, sampling: { onError: 2 } }),
      redactPatterns: () => init({ onEvents: sink, privacy: { redactPatterns: 'secret' } }),
      consoleLevels: () => init({ onEvents: sink, capture: { console: true, consoleLevels: 'error' } }),
      numericUrl: () => init({ ingestBaseUrl: 8080, publicKey: 'pk' }),
      badUrl: () => init({ ingestBaseUrl: 'http://[nope', publicKey: 'pk' }),
      scriptUrl: () => init({ ingestBaseUrl: 'javascript:alert(1)', publicKey: 'pk' }),
    };
    const out = {};
    for (const [name, call] of Object.entries(cases)) {
      try {
        call();
        out[name] = 'accepted';
      } catch (error) {
        out[name] = `${error.constructor.name}: ${error.message}`;
      }
    }
    return out;
  });
  const expect = {
    none: /init needs onEvents \(a function\) or ingestBaseUrl/,
    null: /init\(\) takes an options object.*not null/,
    posthog: /an options object.*a key goes in publicKey\), not "phc_key"/,
    onEvents: /option onEvents must be a function, not "send"/,
    blockSelector: /option privacy.blockSelector must be a valid CSS selector, not "div\["/,
    maskTextSelector: /option privacy.maskTextSelector must be a valid CSS selector/,
    unmaskSelector: /option privacy.unmaskSelector must be a valid CSS selector/,
    ignoreSelector: /option privacy.ignoreSelector must be a valid CSS selector/,
    sessionRate: /option sampling.sessionRate must be a number from 0 to 1, not 1.5/,
    session: /option sampling.session must be a number from 0 to 1, not -1/,
    onError: /option sampling.onError must be a number from 0 to 1, not 2/,
    redactPatterns: /option privacy.redactPatterns must be an array of RegExps or strings, not "secret"/,
    consoleLevels: /option capture.consoleLevels must be an array of console levels, not "error"/,
    numericUrl: /option ingestBaseUrl must be an http\(s\) URL .* not 8080/,
    badUrl: /option ingestBaseUrl must be an http\(s\) URL/,
    scriptUrl: /option ingestBaseUrl must be an http\(s\) URL.*"javascript:alert\(1\)"/,
  };
  for (const [name, message] of Object.entries(expect)) {
    assert.match(errors[name], /^TypeError: rewind: /, name);
    assert.match(errors[name], message, name);
  }
  // Valid selectors of every kind pass the browser's parser.
  await page.evaluate(() => window.__init({ privacy: { blockSelector: '.a > b[data-x="1"]', unmaskSelector: ':is(p, li)' } }));
  await page.evaluate(() => window.rw.stop());
  assert.deepEqual(page.errors, []);
});

test('a second init() returns the live recorder, warns once, and every event is recorded once', { skip }, async (t) => {
  const { server, browser } = await setup(t);
  const page = await open(browser, server.origin);
  await page.evaluate(() => window.__init({ consent: 'granted', onEventsIntervalMs: 0 }));
  await page.waitForFunction(() => window.rw.isRecording());
  const again = await page.evaluate(() => {
    window.__other = [];
    const options = { consent: 'granted', onEvents: (events) => window.__other.push(...events), privacy: { maskAllText: false } };
    const second = window.__rewindInit(options);
    const third = window.__rewindInit(options);
    return { same: second === window.rw && third === window.rw };
  });
  assert.equal(again.same, true, 'init() handed back the live handle');
  const warnings = page.logs.filter((l) => /init\(\) again returns the live recorder/.test(l));
  assert.equal(warnings.length, 1, `one warning: ${JSON.stringify(page.logs)}`);
  assert.match(warnings[0], /^warning: .*ignores the new options \(stop\(\) it first\)/);

  await page.click('input');
  await page.click('input');
  const events = await page.evaluate(() => window.__collect());
  const count = (type) => events.filter((e) => e.type === type).length;
  assert.equal(count(TYPE.Meta), 1, 'one Meta: one recorder');
  assert.equal(count(TYPE.FullSnapshot), 1, 'one FullSnapshot: one recorder');
  const clicks = events.filter((e) => e.type === TYPE.IncrementalSnapshot && e.data.source === 2 && e.data.type === 2);
  assert.equal(clicks.length, 2, 'each click once');
  assert.equal(await page.evaluate(() => window.__other.length), 0, 'the ignored options\' sink got nothing');

  // A stopped handle is done: the next init() makes a new recorder, without a warning.
  await page.evaluate(() => window.rw.stop());
  const fresh = await page.evaluate(() => {
    const old = window.rw;
    window.__init({ consent: 'granted', onEventsIntervalMs: 0 });
    return window.rw !== old;
  });
  assert.equal(fresh, true);
  await page.waitForFunction(() => window.rw.isRecording());
  await page.evaluate(() => window.rw.stop());
  assert.equal(page.logs.filter((l) => /init\(\) again returns the live recorder/.test(l)).length, 1);
  assert.deepEqual(page.errors, []);
});

const collectorSkip = skip || (collectorSkipReason() ?? false);

test('ingestBaseUrl relative to the page delivers; a wrong one (404) and an unreachable one reach onError', { skip: collectorSkip }, async (t) => {
  const { collector, browser } = await withCollector(t, { www: PAGES });
  const server = await serve(); // no collector: every POST is a 404
  t.after(() => server.close());
  const run = async (ingest, url = `${collector.origin}/deliver.html`) => {
    const page = await newPage(browser);
    await page.addInitScript((c) => {
      window.REWIND_TEST = c;
    }, { key: KEYS.public, ingest, delivery: { batchIntervalMs: 200 } });
    await page.goto(url);
    await page.waitForFunction(() => window.rewind?.isRecording(), null, { timeout: 15_000 });
    await page.click('#buy');
    return page;
  };
  const onErrors = (page) => page.logs.filter((l) => l.includes('rewind onError'));

  // "/" resolves against the page's origin: the collector that served it.
  const ok = await run('/');
  assert.equal((await ok.evaluate(() => window.rewind.flush())).failed, 0);
  const stats = await ok.evaluate(() => window.rewind.deliveryStats());
  assert.ok(stats.batchesSent >= 1, JSON.stringify(stats));
  assert.deepEqual(onErrors(ok), []);
  await ok.context().close();

  // A server with no ingest endpoint (the page's own, a wrong URL): the batch is refused for
  // good (404), dropped, and said so.
  const wrong = await run('/wrong-path', `${server.origin}/pages/deliver.html`);
  // (The 200 ms batch timer may have sent it before this flush.)
  await wrong.evaluate(() => window.rewind.flush());
  await until(() => onErrors(wrong).length > 0, 5000, 'onError for the refused batch');
  assert.match(onErrors(wrong)[0], /rewind: delivery: batch \d+ refused for good \(http_404\) and dropped/);
  const refused = await wrong.evaluate(() => window.rewind.deliveryStats());
  assert.ok(refused.batchesFailed >= 1 && refused.batchesSent === 0, JSON.stringify(refused));
  await wrong.context().close();

  // Nothing listens there: after 3 tries the app hears that delivery keeps failing.
  const down = await run('http://127.0.0.1:9/');
  await down.evaluate(() => window.rewind.flush({ final: true }));
  await until(() => onErrors(down).some((l) => /still failing after 3 tries/.test(l)), 15_000, 'onError for the unreachable collector');
  assert.match(onErrors(down).find((l) => /still failing/.test(l)), /rewind: delivery: batch \d+ still failing after 3 tries \(.+\), kept and retried/);
  await down.context().close();
});
