// rewind-replay's init() options, checked: what each must be, and the TypeError that names the
// one that is not (used by ./index.js; types and defaults in ./index.d.ts). Kept compact: it
// ships in the recorder's first chunk, which has a size budget (BENCHMARKS.md).

/**
 * What each `init` option must be (index.d.ts): groups of `kind path path…` (KINDS), split by
 * `|`. A field is only looked up inside an object (`privacy: "x"` fails as `privacy`, not its
 * fields); `null`/`undefined` mean "unset". `consent` and `identity.salt`'s need are checked in `init`.
 */
const SPEC = 'o delivery identity privacy capture sampling|u ingestBaseUrl|f onEvents onError beforeRecordEvent'
  + '|s appId publicKey identity.salt privacy.blockClass privacy.maskTextClass privacy.ignoreClass'
  + '|b respectGlobalPrivacyControl identity.hash privacy.maskAllText privacy.maskAllInputs privacy.stripUrlQuery capture.console capture.performance capture.fonts'
  + '|n onEventsIntervalMs delivery.batchIntervalMs delivery.batchMaxEvents delivery.batchMaxBytes delivery.bufferMaxBytes capture.mousemoveThrottleMs capture.scrollThrottleMs capture.mutationLimit capture.snapshotSliceMs capture.checkoutEveryMs'
  + '|r sampling.session sampling.onError sampling.sessionRate|B capture.network capture.canvas'
  + '|c privacy.blockSelector privacy.maskTextSelector privacy.ignoreSelector privacy.unmaskSelector'
  + '|p privacy.redactPatterns|a capture.network.allowUrls capture.network.bodyContentTypes privacy.keepQueryOrigins|m privacy.maskLength|l capture.consoleLevels';

const isString = (v) => typeof v === 'string';
export const isObject = (v) => typeof v === 'object' && !Array.isArray(v);
const isArrayOf = (v, ok) => Array.isArray(v) && v.every(ok);
/** Kind → [what the error says it must be, test of a set value]. */
const KINDS = {
  o: ['an object', isObject],
  u: ['an http(s) URL (absolute, or relative to the page)', (v) => isString(v) || v instanceof URL],
  f: ['a function', (v) => typeof v === 'function'],
  s: ['a string', isString],
  b: ['a boolean', (v) => v === !!v],
  n: ['a finite number ≥ 0', (v) => typeof v === 'number' && v >= 0 && v < Infinity],
  r: ['a number from 0 to 1', (v) => typeof v === 'number' && v >= 0 && v <= 1],
  B: ['a boolean or an object', (v) => v === !!v || isObject(v)],
  // Parsed by the browser's own selector engine where there is a document (not during SSR).
  c: ['a valid CSS selector', (v) => {
    try {
      return isString(v) && (typeof document === 'undefined' || !document.createDocumentFragment().querySelector(v));
    } catch {
      return false;
    }
  }],
  p: ['an array of RegExps or strings', (v) => isArrayOf(v, (p) => isString(p) || p instanceof RegExp)],
  a: ['an array of strings', (v) => isArrayOf(v, isString)],
  m: ['"char" or "fixed"', (v) => v === 'char' || v === 'fixed'],
  l: ['an array of console levels', (v) => isArrayOf(v, (l) => /^(error|warn|info|log|debug|trace|assert)$/.test(l))],
};

/** A value as an error message names it: `"text"`, `2`, `NaN`, `null`, `an array`, `a function`. */
export const describe = (v) => isString(v) ? JSON.stringify(v) : Array.isArray(v) ? 'an array' : v && typeof v === 'object' ? 'an object' : typeof v === 'function' ? 'a function' : String(v);

const fail = (path, kind, value) => {
  throw new TypeError(`rewind: init option ${path} must be ${KINDS[kind][0]}, not ${describe(value)}`);
};

/** Throws a TypeError naming the first option (by its path) that is not what SPEC says. */
export function validate(options) {
  for (const [kind, ...paths] of SPEC.split('|').map((group) => group.split(' '))) {
    for (const path of paths) {
      const value = path.split('.').reduce((o, key) => (isObject(o) ? o?.[key] : undefined), options);
      if (value != null && !KINDS[kind][1](value)) fail(path, kind, value);
    }
  }
}

/**
 * `ingestBaseUrl` (a string or URL, see SPEC) as an absolute http(s) URL: a relative one
 * (`"/ingest"`) resolves against the page's `location`; outside a browser (SSR, where nothing
 * is sent) it is kept as it is.
 */
export function ingestUrl(value) {
  if (value == null || typeof location === 'undefined') return value;
  let url;
  try {
    url = new URL(value, location.href);
  } catch {
    // not a URL even relative to the page: the error below
  }
  if (!/^https?:$/.test(url?.protocol)) fail('ingestBaseUrl', 'u', value);
  return url.href;
}
