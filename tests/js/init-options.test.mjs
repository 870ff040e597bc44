// init()'s option validation (js/options.js), in Node (no document, no location: as during SSR): every misuse
// is a TypeError that names the option and what it must be, thrown before anything else runs.
// The browser-only checks (CSS selectors parsed, relative ingestBaseUrl resolved, one live
// recorder per page) are in tests/e2e/misuse.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { init } from '../../js/index.js';

const sink = () => {};

/** [what, the options (or a thunk calling init), the error message it must match]. */
const MISUSE = [
  ['no sink at all', () => init(), /init needs onEvents \(a function\) or ingestBaseUrl/],
  ['no sink in an options object', () => init({ consent: 'granted' }), /onEvents .* or ingestBaseUrl/],
  ['init(null)', () => init(null), /init\(\) takes an options object.* not null/],
  ['posthog-js habit init(key, options)', () => init('phc_key', { onEvents: sink }), /an options object.*a key goes in publicKey\), not "phc_key"/],
  ['a bare string', () => init('phc_key'), /a key goes in publicKey/],
  ['onEvents not a function', { onEvents: 'send' }, /option onEvents must be a function, not "send"/],
  ['onError not a function', { onEvents: sink, onError: true }, /option onError must be a function/],
  ['beforeRecordEvent not a function', { onEvents: sink, beforeRecordEvent: {} }, /option beforeRecordEvent must be a function, not an object/],
  ['sampling.session above 1', { onEvents: sink, sampling: { session: 2 } }, /option sampling.session must be a number from 0 to 1, not 2/],
  ['sampling.sessionRate below 0', { onEvents: sink, sampling: { sessionRate: -0.5 } }, /option sampling.sessionRate must be a number from 0 to 1/],
  ['sampling.onError not a number', { onEvents: sink, sampling: { onError: '1' } }, /option sampling.onError must be a number from 0 to 1, not "1"/],
  ['sampling.session NaN', { onEvents: sink, sampling: { session: NaN } }, /sampling.session .* not NaN/],
  ['redactPatterns a bare string', { onEvents: sink, privacy: { redactPatterns: 'secret' } }, /option privacy.redactPatterns must be an array of RegExps or strings, not "secret"/],
  ['redactPatterns with a number', { onEvents: sink, privacy: { redactPatterns: [/a/, 5] } }, /privacy.redactPatterns/],
  ['consoleLevels a bare string', { onEvents: sink, capture: { consoleLevels: 'error' } }, /option capture.consoleLevels must be an array of console levels, not "error"/],
  ['consoleLevels an unknown level', { onEvents: sink, capture: { consoleLevels: ['fatal'] } }, /capture.consoleLevels/],
  ['blockSelector not a string', { onEvents: sink, privacy: { blockSelector: ['.a'] } }, /option privacy.blockSelector must be a valid CSS selector, not an array/],
  ['maskAllText a string', { onEvents: sink, privacy: { maskAllText: 'yes' } }, /option privacy.maskAllText must be a boolean/],
  ['privacy an array', { onEvents: sink, privacy: [] }, /option privacy must be an object, not an array/],
  ['a negative throttle', { onEvents: sink, capture: { mousemoveThrottleMs: -1 } }, /option capture.mousemoveThrottleMs must be a finite number ≥ 0, not -1/],
  ['an infinite batch size', { onEvents: sink, delivery: { batchMaxBytes: Infinity } }, /option delivery.batchMaxBytes must be a finite number ≥ 0, not Infinity/],
  ['onEventsIntervalMs a string', { onEvents: sink, onEventsIntervalMs: '5s' }, /option onEventsIntervalMs must be a finite number/],
  ['network.allowUrls a string', { onEvents: sink, capture: { network: { allowUrls: '/api/' } } }, /option capture.network.allowUrls must be an array of strings/],
  ['capture.canvas a number', { onEvents: sink, capture: { canvas: 2 } }, /option capture.canvas must be a boolean or an object, not 2/],
  ['numeric ingestBaseUrl', { ingestBaseUrl: 42, publicKey: 'pk' }, /option ingestBaseUrl must be an http\(s\) URL .* not 42/],
  ['appId a number', { onEvents: sink, appId: 7 }, /option appId must be a string, not 7/],
  ['keepQueryOrigins a string', { onEvents: sink, privacy: { keepQueryOrigins: 'https://a.example' } }, /option privacy.keepQueryOrigins must be an array of strings/],
  ['maskLength not char or fixed', { onEvents: sink, privacy: { maskLength: 4 } }, /option privacy.maskLength must be "char" or "fixed", not 4/],
  ['identity.hash a string', { onEvents: sink, identity: { hash: 'yes', salt: 's' } }, /option identity.hash must be a boolean/],
];

for (const [what, options, message] of MISUSE) {
  test(`init() refuses ${what}`, () => {
    assert.throws(typeof options === 'function' ? options : () => init(options), (error) => {
      assert.ok(error instanceof TypeError, `${error}`);
      assert.match(error.message, message);
      return true;
    });
  });
}

test('valid options of every kind are accepted (null and undefined mean unset)', () => {
  const handle = init({
    appId: 'a', publicKey: 'pk', ingestBaseUrl: '/ingest', onEvents: null, onError: undefined,
    privacy: { blockSelector: '.a > b', redactPatterns: [/x/i, 'y'], maskAllText: false, unmaskSelector: null, keepQueryOrigins: ['https://a.example'], maskLength: 'fixed' },
    capture: { console: true, consoleLevels: ['error', 'log'], network: true, canvas: { fps: 1 }, checkoutEveryMs: 0 },
    sampling: { session: 0, onError: 1 }, delivery: { batchMaxEvents: 10 }, identity: { hash: true, salt: 's' },
  });
  assert.equal(handle.consentStatus(), 'deferred');
  // Outside a browser every init() is its own handle (SSR renders one per request).
  assert.notEqual(init({ onEvents: sink }), init({ onEvents: sink }));
});

test('consent and identity keep their own checks', () => {
  assert.throws(() => init({ onEvents: sink, consent: 'maybe' }), /consent must be/);
  assert.throws(() => init({ onEvents: sink, identity: { hash: true } }), /identity.salt/);
  assert.throws(() => init({ ingestBaseUrl: 'https://r.example' }), /publicKey/);
});
