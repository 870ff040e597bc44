// Masking: on a page with email/password/card inputs and visible PII text (also inside a web
// component's open shadow root), type known secrets;
// none of the secret strings may appear anywhere in the serialized events.
// Both recorders must keep page text and input values out; the real one (rewind's defaults) must
// also mask title/alt/aria-label/placeholder attributes, strip the URL query and hash from the
// Meta href, and redact PII from identify traits and custom event payloads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IMPLS, TYPE, newPage, setup, skipReason, sleep } from './support.mjs';

const TYPED = {
  '#email': 'jane.typed-secret@example.com',
  '#pw': 'Pa55w0rd-SECRET-hunter2',
  '#cc': '4111 1111 1111 1111',
  '#cvc': '737',
  '#notes': 'my secret note zebra-quokka',
  '#shadow-in': 'shadow typed wombat-shadowsecret', // inside the shadow root (Playwright's CSS pierces it)
};
/** Strings that must not appear, whatever the recorder. */
const SECRETS = [
  'jane.typed-secret', 'typed-secret@example.com', 'Pa55w0rd', 'SECRET-hunter2', '4111 1111', '4111111111111111',
  'zebra-quokka', 'Hamilton-Visiblename', 'Shadowperson', 'grace.shadow@example.com', 'wombat-shadowsecret', 'Margaret', 'margaret.secret@example.com', '415 555 0199', '078-05-1120',
];
/** Only rewind masks these: attribute text, URL query/hash, PII in traits and custom events. */
const REWIND_SECRETS = [
  'Attrname-Secret', 'placeholder-secret', 'QUERYSECRET', 'frag-secret',
  'trait.secret@example.com', '415 555 0123', '4242 4242 4242 4242', '4242424242424242', '123-45-6789',
];

for (const impl of IMPLS) {
  test(`masking (${impl} recorder): no secret appears in the recorded events`, { skip: skipReason(impl) ?? false }, async (t) => {
    const { server, browser } = await setup(t);
    const page = await newPage(browser);
    await page.goto(`${server.origin}/pages/pii.html?impl=${impl}&token=QUERYSECRET#frag-secret`);
    await page.waitForFunction(() => window.__ready === true);
    await page.evaluate(() => {
      window.__init({ onEventsIntervalMs: 0 });
      return window.rw.optIn({ source: 'test' });
    });
    for (const [selector, text] of Object.entries(TYPED)) {
      await page.click(selector);
      await page.keyboard.type(text, { delay: 3 });
    }
    await page.fill('#email', TYPED['#email']); // a programmatic-style set too
    await page.click('#pay'); // puts the typed email into page text
    await page.evaluate(() => {
      window.rw.identify('user-1', { email: 'trait.secret@example.com', phone: '+1 415 555 0123' });
      window.rw.addCustomEvent('checkout', { card: '4242 4242 4242 4242', ssn: '123-45-6789', ok: 'kept' });
      window.rw.tag('contact', 'trait.secret@example.com');
    });
    await sleep(300);
    const events = await page.evaluate(() => window.__collect());
    const json = JSON.stringify(events);
    assert.ok(events.some((e) => e.type === TYPE.IncrementalSnapshot && e.data.source === 5), 'input events were recorded');
    assert.equal(await page.inputValue('#pw'), TYPED['#pw'], 'the typing reached the page');
    assert.equal(await page.inputValue('#shadow-in'), TYPED['#shadow-in'], 'the typing reached the shadow root');
    assert.ok(json.includes('"isShadowHost":true'), 'the shadow root was recorded (the search below is not blind to it)');
    const shadowTyped = '*'.repeat(TYPED['#shadow-in'].length);
    assert.ok(
      events.some((e) => e.type === TYPE.IncrementalSnapshot && e.data.source === 5 && e.data.text === shadowTyped),
      'the typing inside the shadow root was recorded (masked)',
    );
    const leaked = (list) => list.filter((s) => json.toLowerCase().includes(s.toLowerCase()));
    assert.deepEqual(leaked(SECRETS), [], 'secrets in the recording');
    if (impl === 'real') {
      assert.deepEqual(leaked(REWIND_SECRETS), [], 'secrets rewind must mask or redact');
      assert.match(json, /\[REDACTED:/, 'PII redaction markers');
      const checkout = events.find((e) => e.type === TYPE.Custom && e.data.tag === 'checkout');
      assert.equal(checkout.data.payload.ok, 'kept', 'non-PII payload fields are kept');
    } else {
      // Control: the search does find what plain rrweb leaves unmasked (attributes, query, payloads).
      assert.ok(leaked(REWIND_SECRETS).includes('Attrname-Secret') && leaked(REWIND_SECRETS).includes('QUERYSECRET'), 'the search is not blind');
    }
    assert.deepEqual(page.errors, []);
  });
}

test('console capture (real recorder): off by default; when on, messages are recorded PII-redacted', { skip: skipReason('real') ?? false }, async (t) => {
  const { server, browser } = await setup(t);
  const page = await newPage(browser);
  await page.goto(`${server.origin}/pages/pii.html?impl=real`);
  await page.waitForFunction(() => window.__ready === true);
  const run = (capture) =>
    page.evaluate(async (capture) => {
      window.__events.length = 0;
      window.__init({ onEventsIntervalMs: 0, capture });
      await window.rw.optIn({ source: 'test' });
      console.error('payment failed for console.secret@example.com card 4242 4242 4242 4242');
      console.info('an info line');
      await window.rw.stop();
      return window.__events.filter((e) => e.type === 6);
    }, capture);
  assert.deepEqual(await run(undefined), [], 'console is off by default');
  const plugins = await run({ console: true });
  const json = JSON.stringify(plugins);
  assert.equal(plugins.length, 1, `only the default levels (error, warn): ${json}`);
  assert.equal(plugins[0].data.plugin, 'rrweb/console@1');
  assert.equal(plugins[0].data.payload.level, 'error');
  assert.ok(!json.includes('console.secret@example.com') && !json.includes('4242 4242'), json);
  assert.match(json, /payment failed/);
  assert.equal((await run({ console: true, consoleLevels: ['error', 'info'] })).length, 2);
  assert.deepEqual(page.errors, []);
});
