// rewind-replay — the recorder SDK: consent-gated, masked, rrweb-compatible session capture.
// Types and documented defaults: ./index.d.ts.
//
// SSR-safe: importing this module touches no browser global and loads nothing. `init()` only
// reads options (and `navigator.globalPrivacyControl` when present); the wasm, the Recorder and
// every DOM listener come into being only once the user has consented (`optIn()`, or
// `consent: "granted"` at init).

import { describe, ingestUrl, isObject, validate } from './options.js';

/** This package's version, sent in every batch envelope (`sdk_version`); equals package.json's. */
export const SDK_VERSION = '0.1.0';

/** Defaults applied by `init` (documented in index.d.ts; keep both in step). */
const DEFAULTS = Object.freeze({
  consent: 'deferred',
  respectGlobalPrivacyControl: true,
  onEventsIntervalMs: 5000,
  session: 1,
  onError: 0,
  checkoutEveryMs: 5 * 60 * 1000,
  mousemoveThrottleMs: 50,
  scrollThrottleMs: 100,
  mutationLimit: 10000,
  snapshotSliceMs: 12,
  consentPersist: 'localStorage',
});

/** Where `consent.persist` keeps the user's decision: the localStorage key, and the cookie's name. */
const CONSENT_KEY = 'rewind:consent';
const CONSENT_COOKIE = 'rewind_consent';
/**
 * A kept decision is honoured for 13 months (395 days), then asked again: the longest consent
 * lifetime the CNIL accepts for trackers (délibération 2020-091, art. 5), a common ceiling for
 * consent banners. Also the cookie's `Max-Age`.
 */
const CONSENT_MAX_AGE_MS = 395 * 864e5;
/** The prefix of every key the wasm Transport keeps in sessionStorage (`{storageKey}:…`, see src/record/transport/mod.rs). */
const SESSION_PREFIX = 'rewind:';

const PRIVACY_KEYS = [
  'maskAllText', 'maskAllInputs', 'blockClass', 'blockSelector', 'maskTextClass', 'maskTextSelector',
  'ignoreClass', 'ignoreSelector', 'unmaskSelector', 'stripUrlQuery', 'keepQueryOrigins', 'maskLength',
  'redactPatterns',
];

/** The live handle of this page (a second `init()` returns it), and whether it was returned once already. */
let current = null;

/** @type {Promise<typeof import('../pkg-record/rewind_record.js')> | undefined} */
let loading;

/** Loads the wasm once (shared by every handle); after a failed load the next call tries again. */
function loadWasm(moduleOrPath) {
  if (!loading) {
    loading = (async () => {
      const bindings = await import('../pkg-record/rewind_record.js');
      try {
        await bindings.default(moduleOrPath === undefined ? undefined : { module_or_path: moduleOrPath });
      } catch (error) {
        // A CSP without 'wasm-unsafe-eval', a bundler that moved the .wasm: named in ./load-error.js,
        // which also tells jsdom and happy-dom (Vitest, Jest), where the wasm never loads, apart:
        // its error is `quiet`, a no-op with one warning rather than a failure.
        throw (await import('./load-error.js')).loadError(error);
      }
      return bindings;
    })();
    loading.catch(() => {
      loading = undefined;
    });
  }
  return loading;
}

const toHex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

function randomId() {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  const bytes = new Uint8Array(16);
  if (c && typeof c.getRandomValues === 'function') c.getRandomValues(bytes);
  else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = toHex(bytes);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * `identity.hash`: lowercase hex SHA-256 of the UTF-8 bytes of `salt + userId`, by Web Crypto
 * (secure contexts only: https or localhost). Rejects where `crypto.subtle` is missing.
 */
async function hashId(salt, userId) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(salt + userId));
  return toHex(new Uint8Array(digest));
}

/** The kept consent decision `{status, source, version, time}` (see `persist`), or null. */
function readConsent(persist) {
  try {
    const text = persist === 'cookie'
      ? decodeURIComponent(/(?:^|;\s*)rewind_consent=([^;]*)/.exec(document.cookie)?.[1] ?? '')
      : persist && localStorage.getItem(CONSENT_KEY);
    const record = text ? JSON.parse(text) : null;
    return record && /^(granted|denied)$/.test(record.status) && typeof record.time === 'number' ? record : null;
  } catch {
    return null; // storage blocked (privacy settings, sandboxed frames) or not JSON: nothing kept
  }
}

/** Keeps `record` where `persist` says and clears it from the other place (and from both for `false` or a null record). */
function writeConsent(persist, record) {
  const text = record && JSON.stringify(record);
  try {
    if (persist === 'localStorage' && text) localStorage.setItem(CONSENT_KEY, text);
    else localStorage.removeItem(CONSENT_KEY);
  } catch {
    // storage blocked: the decision holds for this page only
  }
  try {
    const keep = persist === 'cookie' && text;
    document.cookie = `${CONSENT_COOKIE}=${keep ? encodeURIComponent(text) : ''}; Path=/; SameSite=Lax; Max-Age=${keep ? CONSENT_MAX_AGE_MS / 1000 : 0}${location.protocol === 'https:' ? '; Secure' : ''}`;
  } catch {
    // no document.cookie (sandboxed): as above
  }
}

/**
 * Removes every key the SDK's Transport left in this tab's sessionStorage — unsent batches of
 * earlier pages, the session, its sampling mode, the window id — whether or not a Transport
 * runs on this page (optOut on a page that never recorded still forgets what an earlier one
 * left, so a later optIn cannot send it under the old session id).
 */
function purgeSession() {
  try {
    const store = sessionStorage;
    for (let i = store.length; i--;) {
      const key = store.key(i);
      if (key?.startsWith(SESSION_PREFIX)) store.removeItem(key);
    }
  } catch {
    // storage blocked: nothing was kept either
  }
}

function globalPrivacyControl() {
  return typeof navigator !== 'undefined' && navigator !== null && navigator.globalPrivacyControl === true;
}

function isBrowser() {
  return typeof window !== 'undefined' && typeof document !== 'undefined';
}

/** The options object handed to the wasm `Recorder` (unset privacy fields are left to Rust's defaults). */
function recorderOptions(privacy = {}, capture = {}) {
  const outPrivacy = {};
  for (const key of PRIVACY_KEYS) {
    const value = privacy[key];
    if (value === undefined || value === null) continue;
    outPrivacy[key] = key === 'redactPatterns'
      ? Array.from(value, patternSource)
      : key === 'keepQueryOrigins' ? Array.from(value, String) : value;
  }
  return {
    privacy: outPrivacy,
    checkoutEveryMs: num(capture.checkoutEveryMs, DEFAULTS.checkoutEveryMs),
    mousemoveThrottleMs: num(capture.mousemoveThrottleMs, DEFAULTS.mousemoveThrottleMs),
    scrollThrottleMs: num(capture.scrollThrottleMs, DEFAULTS.scrollThrottleMs),
    mutationLimit: num(capture.mutationLimit, DEFAULTS.mutationLimit),
    snapshotSliceMs: num(capture.snapshotSliceMs, DEFAULTS.snapshotSliceMs),
  };
}

/**
 * A redaction pattern as the wasm reads it: a `RegExp`'s `i`/`m`/`s` flags become a leading
 * inline group (`/x/i` → `(?i)x`); its other flags mean nothing for redaction (`g`, `y`, `d`)
 * or are set by the recorder itself (`u`).
 */
function patternSource(p) {
  if (!(p instanceof RegExp)) return String(p);
  const flags = p.flags.replace(/[^ims]/g, '');
  return flags ? `(?${flags})${p.source}` : p.source;
}

function num(value, fallback) {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}

function defaultOnError(error) {
  if (typeof console !== 'undefined') console.error('rewind:', error);
}

/**
 * Creates a recorder handle. Records nothing until the user consents. See index.d.ts.
 *
 * @param {import('./index.js').InitOptions} [options]
 * @returns {import('./index.js').RewindHandle}
 */
export function init(options = {}) {
  if (!options || !isObject(options)) {
    // posthog-js's `init(key, {api_host})` habit, init(null): one options object only.
    throw new TypeError(`rewind: init() takes an options object ({onEvents} or {ingestBaseUrl, publicKey}: a key goes in publicKey), not ${describe(options)}`);
  }
  validate(options);
  if (options.ingestBaseUrl == null && !options.onEvents) {
    throw new TypeError('rewind: init needs onEvents (a function) or ingestBaseUrl (the collector)');
  }
  if (current?.live()) {
    // One recorder per page: a second one would record every event twice.
    if (!current.warned) console.warn('rewind: init() again returns the live recorder and ignores the new options (stop() it first)');
    current.warned = true;
    return current.handle;
  }
  const ingestBaseUrl = ingestUrl(options.ingestBaseUrl);
  const {
    consent = DEFAULTS.consent,
    respectGlobalPrivacyControl = DEFAULTS.respectGlobalPrivacyControl,
    privacy,
    capture,
    sampling,
    beforeRecordEvent,
    onEvents,
    onEventsIntervalMs = DEFAULTS.onEventsIntervalMs,
    onError = defaultOnError,
    publicKey,
    appId = '',
    delivery = {},
    wasm: wasmSource,
    identity: identityOptions,
    _recorderFactory: recorderFactory,
  } = options;
  // `consent` is a status, or `{initial, persist, version}`.
  const {
    initial = DEFAULTS.consent,
    persist = DEFAULTS.consentPersist,
    version: consentVersion = null,
  } = typeof consent === 'object' && consent !== null ? consent : { initial: consent };
  const versionText = consentVersion == null ? null : String(consentVersion);
  if (!['deferred', 'granted', 'denied'].includes(initial) || ![false, 'localStorage', 'cookie'].includes(persist)) {
    throw new TypeError(`rewind: consent must be "deferred", "granted", "denied" or {initial, persist: "localStorage" | "cookie" | false, version}, not ${JSON.stringify(consent)}`);
  }
  // The salt of `identity.hash`: a hashed id without one is a plain dictionary lookup away.
  const salt = identityOptions?.hash ? identityOptions.salt : null;
  if (salt !== null && (typeof salt !== 'string' || salt === '')) {
    throw new TypeError('rewind: identity.hash needs identity.salt (a non-empty string)');
  }
  // `sessionRate` is the older name of `session`.
  const rates = {
    session: num(sampling?.session ?? sampling?.sessionRate, DEFAULTS.session),
    onError: num(sampling?.onError, DEFAULTS.onError),
  };
  // With ingestBaseUrl the Transport decides, per session and across reloads, and buffers an
  // unsampled session until an error; else (or when nothing could ever be sent) it is decided
  // here, once per handle, and an unsampled session is not recorded.
  const transportSamples = ingestBaseUrl != null && typeof recorderFactory !== 'function' && rates.onError > 0;
  const intervalMs = num(onEventsIntervalMs, DEFAULTS.onEventsIntervalMs);
  const gpc = respectGlobalPrivacyControl && globalPrivacyControl();
  if (ingestBaseUrl != null && (typeof publicKey !== 'string' || publicKey === '')) {
    throw new TypeError('rewind: ingestBaseUrl needs a publicKey (the collector\'s public ingest key)');
  }

  // A kept decision wins over `initial` (it is the user's, made later), unless it is older than
  // CONSENT_MAX_AGE_MS or was made for another `consent.version`: then the user is asked again.
  const kept = isBrowser() ? readConsent(persist) : null;
  const valid = kept !== null && Date.now() - kept.time < CONSENT_MAX_AGE_MS
    && (versionText === null || kept.version === versionText);
  let status = valid ? kept.status : initial;
  if (status === 'granted' && gpc && !(valid && kept.overrideGlobalPrivacyControl)) status = 'denied';
  /** Why recording stopped against the user's consent (`consentState().reason`), while status is "failed". */
  let failure = null;
  /**
   * The last decision `{source, version, at}` (`consentState()`; while granted, the payload of
   * the `rewind.consent` event with `granted: true`).
   * @type {{source: string, version: string | null, at: number} | null}
   */
  let decision = valid ? { source: kept.source, version: kept.version ?? null, at: kept.time } : null;
  let sampled; // decided once, on the first start (unless the Transport decides)
  let sessionId; // made on first use
  let stopped = false; // stop() is final
  let generation = 0; // bumps on every start/stop so a late wasm load cannot resurrect a stopped recorder
  let recorder = null;
  let media = null; // the opt-in canvas/font capture (./capture-media.js), when enabled
  let transport = null; // delivery to ingestBaseUrl (wasm Transport), made with the recorder
  let buffering = null; // error-triggered buffering in front of the transport (./buffering.js), when on
  let starting = null;
  let startPromise = null;
  let timer = null;
  let buffer = [];
  let identity = null; // last identify(), re-emitted when recording (re)starts
  let identifyCall = 0; // the latest identify(): an earlier call's hash that resolves late is dropped
  // The opt-in chunks' stops: capture.network's undoes the fetch/XHR wrappers,
  // capture.performance's reports the page's web vitals (with `final`) and disconnects.
  let stops = [];
  const listeners = new Set();
  const watchers = new Set(); // onRecordingChange
  const recordingChanged = () => {
    for (const watcher of [...watchers]) {
      try {
        watcher(recorder !== null);
      } catch (error) {
        onError(error);
      }
    }
  };

  const onPageHide = () => {
    // Synchronous: keepalive requests must be made before the page is gone.
    transport?.pageHide();
    handle.flush({ final: true });
  };
  // An uncaught error or unhandled rejection sends a buffering session.
  const onTrigger = () => buffering?.capture();
  const onVisibility = () => {
    if (document.visibilityState !== 'hidden') return;
    // Mobile browsers may never fire pagehide: hidden is the last reliable moment.
    transport?.pageHide();
    handle.flush({ final: false });
  };

  function setStatus(next) {
    if (next === status) return;
    status = next;
    for (const listener of [...listeners]) {
      try {
        listener(next);
      } catch (error) {
        onError(error);
      }
    }
  }

  function emit(json) {
    if (!recorder && !starting) return; // nothing is kept once stopped
    let text = json;
    let event;
    if (typeof beforeRecordEvent === 'function') {
      try {
        event = beforeRecordEvent(JSON.parse(json));
        if (event == null) return;
        text = JSON.stringify(event);
      } catch (error) {
        onError(error);
        return; // a failing filter drops the event: never leak what it meant to remove
      }
    }
    if (media && text.startsWith('{"type":2')) media.reset(); // FullSnapshot: every canvas again
    if (transport) (buffering ?? transport).push(text);
    if (typeof onEvents === 'function') {
      try {
        buffer.push(event ?? JSON.parse(text));
      } catch (error) {
        onError(error);
      }
    }
  }

  function start() {
    if (startPromise) return startPromise;
    if (stopped || recorder || status !== 'granted' || !isBrowser()) return Promise.resolve(Boolean(recorder));
    const promise = startNow().finally(() => {
      if (startPromise === promise) startPromise = null;
    });
    startPromise = promise;
    return promise;
  }

  async function startNow() {
    if (sampled === undefined) sampled = transportSamples || rates.session >= 1 || Math.random() < rates.session;
    if (!sampled) return false;
    const gen = ++generation;
    const opts = recorderOptions(privacy, capture);
    const canvas = capture?.canvas;
    const fonts = capture?.fonts === true;
    starting = (async () => {
      let made;
      let madeTransport = null;
      let starts = []; // the opt-in chunks' `start(recorder, onError)`, falsy where off or failed
      let startBuffering;
      // Opt-in capture is a separate chunk, loaded only when enabled.
      const mediaModule = canvas || fonts ? await import('./capture-media.js') : null;
      if (typeof recorderFactory === 'function') {
        made = await recorderFactory(opts, emit);
      } else {
        // The opt-in chunks are fetched only when on, beside the wasm; each reads its own
        // options (`prepare(capture, ingestBaseUrl, privacy)`), so pages without it carry none
        // of that. A chunk that fails to load costs its own events only, not the recording.
        const chunk = (loading) => loading && loading.then((m) => m.prepare(capture, ingestBaseUrl, opts.privacy)).catch((error) => {
          onError(error); // not `catch(onError)`: what the app's callback returns is no start()
        });
        let bindings;
        [bindings, startBuffering, ...starts] = await Promise.all([
          loadWasm(wasmSource),
          // Error-triggered buffering: a chunk with its own wasm, fetched only when on. Not
          // through `chunk`: without it an unsampled session would be sent, so the start fails.
          transportSamples && import('./buffering.js').then((m) => m.bufferingCapture({ ...rates, bufferMaxBytes: delivery.bufferMaxBytes, wasm: sampling.wasm })),
          chunk(capture?.network && import('./network.js')),
          // Web vitals (capture.performance), with the network chunk's wasm for its page URLs.
          chunk(capture?.performance && import('./vitals.js')),
          // Console capture (capture.console), with the network chunk's wasm for its records.
          chunk(capture?.console && import('./console.js')),
        ]);
        if (gen !== generation) return false;
        made = new bindings.Recorder(opts, emit);
        if (ingestBaseUrl != null) {
          madeTransport = new bindings.Transport(transportOptions(), (failure) => {
            // Data lost or not getting through (a batch refused, e.g. a wrong URL's 404; still
            // failing after 3 tries; an overflow): the app hears it.
            if (failure) onError(new Error(`rewind: ${failure}`));
            // A new session began, or events were dropped on overflow: what follows must
            // start from a fresh snapshot to replay.
            else if (recorder) recorder.takeFullSnapshot();
          });
        }
      }
      if (gen !== generation) {
        made?.stop?.();
        made?.free?.();
        madeTransport?.free();
        return false;
      }
      recorder = made;
      transport = madeTransport;
      if (startBuffering) buffering = startBuffering(transport, () => recorder?.takeFullSnapshot());
      recorder.start();
      stops = starts.map((start) => start && start(recorder, onError));
      if (mediaModule && typeof recorder.canvasId === 'function') media = mediaModule.startMediaCapture(recorder, { canvas, fonts }, onError);
      addEvent('rewind.consent', { granted: true, ...decision });
      if (identity) addEvent('rewind.identify', identity);
      if (typeof onEvents === 'function' && intervalMs > 0) timer = setInterval(() => handle.flush(), intervalMs);
      window.addEventListener('pagehide', onPageHide);
      document.addEventListener('visibilitychange', onVisibility);
      window.addEventListener('error', onTrigger);
      window.addEventListener('unhandledrejection', onTrigger);
      recordingChanged();
      return true;
    })();
    try {
      return await starting;
    } catch (error) {
      if (gen === generation) {
        halt();
        endTransport({ discard: false });
        // Consent stands, but nothing records (a wasm that failed to load or compile, e.g. a
        // Content-Security-Policy without 'wasm-unsafe-eval'): say so, and why.
        failure = String(error?.message ?? error);
        setStatus('failed');
      }
      if (!error?.quiet) onError(error);
      return false;
    } finally {
      if (gen === generation) starting = null;
    }
  }

  /**
   * Stops observing. `keepPending`: the recorder's last flush (mutations and positions it still
   * holds) is kept in the buffer (stop()); otherwise it is dropped with the buffer (optOut()).
   */
  function halt({ keepPending = false } = {}) {
    generation++;
    starting = null;
    startPromise = null;
    if (timer !== null) clearInterval(timer);
    timer = null;
    // The vitals chunk reports the page's vitals while the recorder still takes events (stop();
    // dropped on optOut).
    for (const stop of stops) stop && stop(keepPending);
    stops = [];
    media?.stop();
    media = null;
    if (recorder) {
      const r = recorder;
      if (!keepPending) recorder = null; // emit() drops from here on
      try {
        r.stop();
      } catch (error) {
        onError(error);
      }
      recorder = null;
      try {
        r.free?.();
      } catch {
        // already freed
      }
      window.removeEventListener('pagehide', onPageHide);
      document.removeEventListener('visibilitychange', onVisibility);
      window.removeEventListener('error', onTrigger);
      window.removeEventListener('unhandledrejection', onTrigger);
      recordingChanged();
    }
  }

  function transportOptions() {
    return {
      ingestBaseUrl: String(ingestBaseUrl),
      publicKey,
      appId: String(appId),
      sdkVersion: SDK_VERSION,
      // As given (validate() checked them): unset or 0 takes the Transport's default
      // (BATCH_INTERVAL_MS, BATCH_MAX_EVENTS, BATCH_MAX_BYTES, BUFFER_MAX_BYTES in
      // src/transport/mod.rs), as for the buffering chunk.
      batchIntervalMs: delivery.batchIntervalMs,
      batchMaxEvents: delivery.batchMaxEvents,
      batchMaxBytes: delivery.batchMaxBytes,
      bufferMaxBytes: delivery.bufferMaxBytes,
    };
  }

  /** Ends delivery: `discard` forgets unsent batches (optOut), else they stay stored for resending. */
  function endTransport({ discard }) {
    if (!transport) return;
    const [t, b] = [transport, buffering];
    transport = buffering = null;
    try {
      b?.end(discard);
      if (discard) t.discard();
      else t.stop();
      t.free();
    } catch (error) {
      onError(error);
    }
  }

  // The Transport takes the envelope's `distinct_id` from this event as recorded (redacted,
  // or hashed): never from the raw argument (src/transport/envelope.rs, identify_distinct_id).
  function setIdentity(userId, traits) {
    identity = { userId, traits: traits ?? {} };
    return addEvent('rewind.identify', identity);
  }

  /** Makes `{source, version, at}` the user's decision `status`, kept where `consent.persist` says. */
  function decide(status, meta, override) {
    decision = {
      source: meta.source == null ? 'api' : String(meta.source),
      version: meta.version == null ? versionText : String(meta.version),
      at: Date.now(),
    };
    if (!isBrowser()) return;
    const record = persist && { status, source: decision.source, version: decision.version, time: decision.at };
    if (override) record.overrideGlobalPrivacyControl = true;
    writeConsent(persist, record);
  }

  function addEvent(tag, payload) {
    if (!recorder) return false;
    try {
      recorder.addCustomEvent(String(tag), payload === undefined ? null : payload);
      return true;
    } catch (error) {
      onError(error);
      return false;
    }
  }

  async function deliver(events, final) {
    if (typeof onEvents !== 'function' || events.length === 0) return;
    try {
      await onEvents(events, { sessionId: handle.sessionId(), final });
    } catch (error) {
      onError(error);
    }
  }

  const handle = {
    optIn(meta = {}) {
      if (stopped) return Promise.resolve(false);
      if (gpc && !meta.overrideGlobalPrivacyControl) {
        // The browser says "do not track me"; only an explicit, per-user override records.
        setStatus('denied');
        return Promise.resolve(false);
      }
      decide('granted', meta, persist && gpc);
      failure = null;
      setStatus('granted');
      return start();
    },
    optOut(meta = {}) {
      halt();
      endTransport({ discard: true });
      purgeSession();
      sessionId = undefined;
      buffer = [];
      decide('denied', meta);
      failure = null;
      setStatus('denied');
    },
    setConsent(granted, meta = {}) {
      if (granted) return handle.optIn({ source: 'setConsent', ...meta });
      handle.optOut({ source: 'setConsent', ...meta });
      return Promise.resolve(false);
    },
    consentStatus() {
      return status;
    },
    consentState() {
      return {
        status,
        recording: recorder !== null,
        reason: failure,
        source: decision?.source ?? null,
        version: decision?.version ?? null,
        time: decision?.at ?? null,
      };
    },
    isRecording() {
      return recorder !== null;
    },
    onConsentChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onRecordingChange(listener) {
      watchers.add(listener);
      return () => watchers.delete(listener);
    },
    addCustomEvent(name, payload) {
      return addEvent(name, payload);
    },
    identify(userId, traits = {}) {
      const id = userId == null ? null : String(userId);
      const call = ++identifyCall;
      if (salt === null || id === null) return setIdentity(id, traits);
      // The raw id never enters the recording: the event and the envelope get the hash.
      hashId(salt, id).then(
        (hash) => call === identifyCall && setIdentity(hash, traits),
        (error) => {
          if (call !== identifyCall) return;
          onError(error);
          setIdentity(null, traits);
        },
      );
      return recorder !== null;
    },
    tag(key, value) {
      return addEvent('rewind.tag', { key: String(key), value: value === undefined ? null : value });
    },
    capture() {
      return buffering ? buffering.capture() : transport !== null;
    },
    takeFullSnapshot() {
      if (!recorder) return false;
      recorder.takeFullSnapshot();
      return true;
    },
    async flush({ final = false } = {}) {
      const events = buffer;
      buffer = [];
      const [, delivered] = await Promise.all([
        deliver(events, final),
        transport ? transport.flush(final) : null,
      ]);
      return delivered ?? { sent: 0, failed: 0, kept: 0 };
    },
    async stop() {
      if (stopped) return { sent: 0, failed: 0, kept: 0 };
      stopped = true;
      halt({ keepPending: true });
      // Consent stands (and stays kept), but this handle records no more.
      if (status === 'granted' || status === 'failed') setStatus('stopped');
      listeners.clear();
      watchers.clear();
      try {
        return await handle.flush({ final: true });
      } finally {
        endTransport({ discard: false });
      }
    },
    sessionId() {
      if (transport) return transport.sessionId();
      if (sessionId === undefined) sessionId = randomId();
      return sessionId;
    },
    deliveryStats() {
      return transport ? transport.stats() : null;
    },
    stats() {
      return recorder && typeof recorder.stats === 'function' ? recorder.stats() : null;
    },
  };

  if (status === 'granted') {
    decision ??= { source: 'init', version: null, at: Date.now() };
    start();
  }
  // Only in a browser: during SSR each request's init() is its own (it never records).
  if (isBrowser()) current = { handle, live: () => !stopped, warned: false };
  return handle;
}
