// Types for rewind-replay (js/index.js): the consent-gated session recorder.
//
// Units: every `*Ms` option is milliseconds; event timestamps are Unix epoch milliseconds.

/** Where the wasm comes from (same as `rewind-replay/analyze`'s `init`). */
export type InitInput = string | URL | Request | Response | BufferSource | WebAssembly.Module;

/** Consent at start-up (`consent`, `consent.initial`). */
export type InitialConsent = 'deferred' | 'granted' | 'denied';

/**
 * The user's consent as the recorder knows it, and whether a granted recorder records:
 * `"deferred"` (not asked yet), `"denied"`, `"granted"` (recording, or starting: loading the
 * wasm; also a granted session left out by `sampling`), `"stopped"` (granted, but `stop()` ended
 * this handle), `"failed"` (granted, but recording could not start: the wasm did not load or
 * compile — e.g. a Content-Security-Policy without `'wasm-unsafe-eval'` — or the recorder threw;
 * the reason is `consentState().reason`; a later `optIn()` tries again).
 */
export type ConsentStatus = InitialConsent | 'stopped' | 'failed';

/** `consentState()`: the status with its detail. */
export interface ConsentState {
  status: ConsentStatus;
  /** Whether a recorder runs right now (`isRecording()`). */
  recording: boolean;
  /** Why nothing records, while `status` is `"failed"` (the error's message); else `null`. */
  reason: string | null;
  /** Of the last decision (`optIn`/`optOut` meta, the kept decision, or `"init"`); `null` before any. */
  source: string | null;
  version: string | null;
  /** When the last decision was made, Unix epoch ms; `null` before any. */
  time: number | null;
}

/**
 * `consent` as an object: where the user's decision is kept, and which version of your consent
 * text it is for.
 */
export interface ConsentOptions {
  /** Consent at start-up when no decision is kept (or it is for another `version`, or expired). Default `"deferred"`. */
  initial?: InitialConsent;
  /**
   * Where `optIn()`/`optOut()` keep the user's decision, `{status: "granted" | "denied", source,
   * version, time}` (`time`: Unix epoch ms; `overrideGlobalPrivacyControl: true` when given):
   * `"localStorage"` (key `rewind:consent`), `"cookie"` (`rewind_consent`, `Path=/`,
   * `SameSite=Lax`, `Secure` on https, `Max-Age` 13 months) or `false` (nothing kept; a decision
   * then also clears what an earlier setting kept). The next load honours a kept decision over
   * `initial`: a grant records at once without a new `optIn()` (Global Privacy Control still
   * wins unless the grant overrode it), a denial stays off. A decision older than 13 months
   * (395 days, the CNIL's longest consent lifetime) is asked again. `consent: "granted"` at init
   * is never kept (it is the app's, not the user's).
   *
   * Default `"localStorage"`: the decision stays on the device (a cookie would travel with every
   * request to your servers), and a user who declined is not asked, nor recorded, again on each
   * page; use `"cookie"` when your server must read it, `false` when your own consent manager
   * keeps it and calls `optIn`/`optOut` on every load.
   */
  persist?: 'localStorage' | 'cookie' | false;
  /**
   * The version of your consent text or policy. A kept decision made for another version is
   * ignored (the user is asked again); `optIn()` without `meta.version` records this one.
   * Default: none (any kept decision holds).
   */
  version?: string | number;
}

/** How `identify()` ids are sent. */
export interface IdentityOptions {
  /**
   * Send the lowercase hex SHA-256 of `salt + userId` (UTF-8) instead of the id, in the
   * `rewind.identify` event and the batch envelope's `distinct_id` alike, computed with Web
   * Crypto (`crypto.subtle`: https or localhost only; where it is missing the id is not sent
   * and `onError` hears why). Default `false`: the id is PII-redacted like every custom event
   * string (an email id becomes `[REDACTED:email]`).
   */
  hash?: boolean;
  /**
   * Required with `hash`: a non-empty string, the same for all your users and pages (so a user
   * keeps one pseudonym), e.g. your app's name. It keeps the hashes from matching a precomputed
   * table of plain SHA-256 emails; it ships in your page, so it is no secret: anyone with it can
   * still test a guessed id.
   */
  salt?: string;
}

import type { RecordedEvent } from './events.js';

/** rrweb's event types (js/events.d.ts): `RecordedEvent` is their union, discriminated by `type` and, for IncrementalSnapshot events, `data.source`. */
export type * from './events.js';

/**
 * The wasm recorder's counters (`stats()`), as Rust's `Recorder::stats` returns them (times in
 * ms, from `performance.now()`).
 */
export interface RecorderStats {
  recording: boolean;
  eventsEmitted: number;
  emitErrors: number;
  nodesSerialized: number;
  /** Nodes the recorder's mirror knows now. */
  mirrorSize: number;
  mutationBatches: number;
  /** Changes of mutation storms recorded as a FullSnapshot instead (`capture.mutationLimit`). */
  mutationsDropped: number;
  snapshots: number;
  /** The last FullSnapshot's serializing time, summed over its slices. */
  snapshotMs: number;
  snapshotMsMax: number;
  snapshotNodes: number;
  snapshotSlices: number;
  /** The longest snapshot slice so far. */
  snapshotSliceMsMax: number;
  /** The last FullSnapshot's start-to-emit time. */
  snapshotWallMs: number;
  snapshotInProgress: boolean;
  attachMs: number;
  /** Time spent inside the `emit` sink, string conversion included. */
  emitMs: number;
}

/** Delivery counters (`deliveryStats()`), as Rust's `Transport::stats` returns them. */
export interface DeliveryStats {
  sessionId: string;
  queuedBatches: number;
  pendingEvents: number;
  /** Bytes of event JSON waiting unsent. */
  bufferedBytes: number;
  batchesSent: number;
  batchesRetried: number;
  batchesFailed: number;
  eventsSent: number;
  /** Bytes of the gzip bodies sent. */
  bytesSent: number;
  overflowEventsDropped: number;
  overflowBatchesDropped: number;
  storageErrors: number;
  /** Why the last failed request failed (`""` when none did). */
  lastFailure: string;
  /** Batches refused for good, per reason, e.g. `{http_401: 2}`. */
  droppedByReason: Record<string, number>;
}

/** What is masked, blocked and redacted. Applied in Rust (`src/privacy/`) before an event exists. */
export interface PrivacyOptions {
  /** Mask all page text: every non-whitespace character becomes `*` (length kept, see `maskLength`); also masks the `title`, `placeholder`, `aria-label`, `alt` and `download` attributes, every `data-*` attribute (test hooks `data-testid`, `data-test-id`, `data-test`, `data-cy`, `data-qa` are kept, PII-redacted) and the `value` of non-input elements (`<button value>`, `<data value>`; not `<li>`/`<meter>`/`<progress>`). Elements inside `unmaskSelector` keep them. Default `true`. */
  maskAllText?: boolean;
  /** Mask all input values (`*` × value length). Default `true`. Password, hidden and credit-card (`autocomplete="cc-*"`) inputs are masked always, whatever this says. */
  maskAllInputs?: boolean;
  /** Elements with this class are recorded as an empty placeholder box of the same size (`rr_width`/`rr_height`). Default `"rr-block"`. */
  blockClass?: string;
  /** CSS selector of elements to block like `blockClass`. Default: none. */
  blockSelector?: string;
  /** Text and inputs inside elements with this class are masked, even inside `unmaskSelector` (useful when `maskAllText` is `false`). Default `"rr-mask"`. */
  maskTextClass?: string;
  /** CSS selector of elements whose text and inputs are masked. Default: none. */
  maskTextSelector?: string;
  /** Inputs with this class produce no input events. Default `"rr-ignore"`. */
  ignoreClass?: string;
  /** CSS selector of inputs that produce no input events. Default: none. */
  ignoreSelector?: string;
  /** Allow-list: CSS selector of elements whose text and inputs the app declares safe to record unmasked. Never unmasks password/hidden/card inputs; `maskTextClass`/`maskTextSelector` win. Default: none. */
  unmaskSelector?: string;
  /**
   * Strip the query string and hash from Meta hrefs, route changes (`rewind.navigation` hrefs),
   * network request URLs, link/src/`style` `url()` attributes of every origin (see
   * `keepQueryOrigins`) and the URLs in console messages and stack traces (a frame's `:line:col`
   * is kept). Default `true`. Whatever this says, URL path segments that are PII (an email,
   * a card number, a JWT, 32+ hex digits or a random-looking 24+ character base64 run) become
   * `[REDACTED:<kind>]` (`/user/[REDACTED:email]/profile`). Always, too: `javascript:` URLs are
   * recorded as `javascript:void(0)`, `data:` URLs other than images, fonts, CSS and media as
   * `data:,`, and `<a href="#access_token=…">`-style fragments that carry data (`=`, `&`, `?`) as `#`.
   */
  stripUrlQuery?: boolean;
  /**
   * Origins (`'https://cdn.example.com'`: scheme, host and port) whose URLs in attributes and
   * console text keep their query string and hash, e.g. signed asset URLs the replay must load.
   * The page's own Meta href and network URLs are stripped regardless. Default `[]`.
   */
  keepQueryOrigins?: string[];
  /**
   * How masked text and input values are written. `'char'` (default, rrweb's masks): one `*`
   * per character, so the replay keeps the page layout, but each keystroke shows the value's
   * length. `'fixed'`: every non-blank masked text and non-empty masked value is `****`, hiding
   * lengths (a 15-character password, a 19-character card) and the layout of masked text.
   */
  maskLength?: 'char' | 'fixed';
  /**
   * Extra PII patterns redacted from custom events, tags, identify traits and console messages,
   * on top of the built-in emails, Luhn-valid card numbers (also given as JSON numbers), phone
   * numbers, US SSNs (`123-45-6789`, or 9 digits after "ssn"/"social security") and JWT/bearer
   * tokens (each → `[REDACTED:<kind>]`; the built-in ones are also found percent-encoded, and in
   * object keys); matches of these become `[REDACTED:custom]`. A `RegExp`
   * or the source of one: the browser's own `RegExp` runs them (with the `u` flag; a `RegExp`'s
   * `i`, `m`, `s` flags are kept, and a string may start with an inline group such as `(?i)`).
   * Invalid patterns are ignored. At most 32 patterns of up to 1,024 characters; each search
   * looks at most 1 KiB ahead. Like any regular expression in your page, a pattern with
   * catastrophic backtracking (nested quantifiers such as `(a+)+$`) can freeze the page on
   * matching text. Default `[]`.
   */
  redactPatterns?: Array<string | RegExp>;
}

/** What is captured besides the DOM and user input. */
export interface CaptureOptions {
  /**
   * Record console messages (as rrweb's `rrweb/console@1` plugin events), uncaught errors and
   * unhandled rejections. Default `false`. An opt-in chunk (`js/console.js`), fetched only when
   * on, after consent, with the network chunk's small wasm (`pkg-record/rewind_network_bg.wasm`,
   * from `network.wasm` when that is set) for its redaction rules.
   */
  console?: boolean;
  /** Console levels recorded when `console` is on. Default `["error", "warn"]`. */
  consoleLevels?: Array<'error' | 'warn' | 'info' | 'log' | 'debug' | 'trace' | 'assert'>;
  /** Minimum time between recorded mouse positions, ms. Default `50`. */
  mousemoveThrottleMs?: number;
  /** Minimum time between recorded scroll positions of one element, ms. Default `100`. */
  scrollThrottleMs?: number;
  /** Most DOM changes handled from one MutationObserver batch, counting one per attribute or text change and one per added or removed node; a bigger batch (a mutation storm) is recorded as a fresh FullSnapshot instead, and the changes are counted in `stats().mutationsDropped`. Default `10000`. */
  mutationLimit?: number;
  /** Time budget of one FullSnapshot slice, ms: a big page is serialized over several tasks so the page never freezes; `0` serializes in one task. Default `12`. */
  snapshotSliceMs?: number;
  /** A new Meta + FullSnapshot every this many ms, so a player can seek without replaying from the start; `0` turns it off. Default `300000` (5 minutes). */
  checkoutEveryMs?: number;
  /**
   * Record `fetch` and `XMLHttpRequest` requests as rrweb's network plugin events (Plugin event
   * `{plugin: "rrweb/network@1", payload: {requests: [...]}}`, which rrweb and PostHog tools read).
   * Default off (`undefined`/`false`). `true` records metadata only: method, URL (query and hash
   * stripped by `privacy.stripUrlQuery`), status (`0`: no response), `startTime`/`endTime`/`duration`
   * (ms, from PerformanceResourceTiming), `transferSize`/`encodedBodySize`/`decodedBodySize`
   * (bytes) and `initiatorType`. Requests to `ingestBaseUrl` are never recorded. Loads a separate
   * JS + wasm chunk (`js/network.js`, `pkg-record/rewind_network_bg.wasm`) only when on. The
   * wrappers are installed after consent and removed by `stop()`/`optOut()`.
   */
  network?: boolean | NetworkCaptureOptions;
  /**
   * Record web vitals, one Plugin event per page (rewind's own format):
   * `{plugin: "rewind/web-vitals@1", payload: {href, lcp_ms, cls, inp_ms, fcp_ms, ttfb_ms,
   * long_tasks, long_task_ms}}`, times in ms since the navigation start, `cls` unitless, `null`
   * where not measured. Definitions follow the web-vitals library (LCP until the first input or
   * hide; CLS as the largest session window, 1 s gap, 5 s cap, `hadRecentInput` excluded; INP as
   * the 98th-percentile interaction of `event` entries, `durationThreshold` 40; FCP from `paint`;
   * TTFB as navigation `responseStart`); long tasks are `longtask` entries counted and summed.
   * A page is reported when hidden, when the route changes (after which LCP, FCP and TTFB are
   * `null`), and on `stop()`. Default off. Loads a small JS chunk (`js/vitals.js`) only when on,
   * after consent, with the network chunk's small wasm (`pkg-record/rewind_network_bg.wasm`):
   * each page's `href` goes through the same Rust URL rules as the Meta href (query and hash
   * stripped unless `privacy.stripUrlQuery` is false, PII path segments redacted). `wasm`: where
   * that wasm comes from (like `network.wasm`, which is used when this is not set).
   */
  performance?: boolean | { wasm?: InitInput };
  /**
   * Record `<canvas>` pixels, as rrweb's sampled canvas mode does (`recordCanvas: true,
   * sampling: {canvas: fps}`): image frames (IncrementalSource 9 CanvasMutation, a `drawImage`
   * of a webp image), encoded in a worker where the browser allows it; unchanged frames are not
   * sent. Default `false`: canvas pixels cannot be masked, so any text drawn on a canvas would be
   * recorded as it is seen. A canvas with `blockClass` (`rr-block`) or matching `blockSelector`,
   * or inside a blocked element, is never captured. Canvases in shadow roots are not sampled.
   * Loads a separate chunk (`capture-media.js`) only when enabled. `true` means the defaults.
   */
  canvas?: boolean | CanvasCaptureOptions;
  /**
   * Record fonts a page loads with the `FontFace` API and `document.fonts.add` (IncrementalSource
   * 10 Font, as rrweb's `collectFonts`), so a replay measures text as the page did. Fonts given
   * as bytes over 512 KiB, and faces made before the recording started, are left out. Default
   * `false`. Loads the same separate chunk as `canvas`.
   */
  fonts?: boolean;
}

/** `capture.canvas`. An invalid value stops the recording with a TypeError (to `onError`). */
export interface CanvasCaptureOptions {
  /** Most frames per second per canvas, in (0, 30]. Default `2`. */
  fps?: number;
  /** webp quality, in (0, 1]. Default `0.6`. */
  quality?: number;
  /** Frames are downscaled so that neither side exceeds this many pixels (an integer ≥ 16); the replay stretches them back. Default `1280`. */
  maxSize?: number;
}

/** Which requests' headers and bodies `capture.network` records. */
export interface NetworkCaptureOptions {
  /**
   * URLs whose request and response headers and bodies are recorded: an entry matches a URL
   * (without query and hash) that starts with it — an absolute prefix (`"https://api.example.com/v1/"`)
   * or a path prefix on the page's own origin (`"/api/"`). Headers `authorization`, `cookie`,
   * `set-cookie`, `proxy-authorization`, `x-api-key`, `x-csrf-token`, `x-xsrf-token`,
   * `x-csrftoken`, `x-forwarded-for`, `x-real-ip`, `forwarded`, `remote-addr` and `x-rewind-key`
   * are never recorded; other values and bodies are PII-redacted like custom events (and a
   * header with a secret-like name, e.g. `x-auth-token`, is replaced whole). Default `[]`
   * (metadata only).
   */
  allowUrls?: string[];
  /**
   * Media types whose bodies are recorded on allowed URLs: exact (`"application/json"`), or a
   * prefix ending in `/` (`"text/"`). A request body without `Content-Type` counts as
   * `text/plain`. Only text bodies are read (strings, `URLSearchParams`, text/JSON responses);
   * bodies are cut at 16 KiB (`…[truncated]`), and ones over 1 MiB are not read
   * (`[body too large]`). Default `["application/json", "text/plain"]`.
   */
  bodyContentTypes?: string[];
  /** Where the network chunk's wasm comes from (like `wasm`). Default: `rewind_network_bg.wasm` next to `pkg-record/rewind_network.js`. */
  wasm?: InitInput;
}

/**
 * Session sampling and error-triggered buffering (as Sentry's `replaysSessionSampleRate` and
 * `replaysOnErrorSampleRate`), e.g. `{session: 0.1, onError: 1}`.
 *
 * With `ingestBaseUrl` and `onError > 0`, a consented session is sent in full with probability
 * `session`; otherwise it keeps only its last 60 s in memory (from a Meta + FullSnapshot, a fresh
 * one at least every 60 s of activity, at most `delivery.bufferMaxBytes`) and makes no request at
 * all. On an uncaught error, an unhandled rejection, a recorded `console.error` (when
 * `capture.console` records errors) or `capture()`, it rolls `onError` once: on success the
 * buffer is sent and the session continues as a full one; on failure it keeps buffering and
 * never sends. Both decisions hold for the session (kept in `sessionStorage` with the session
 * id, so a reload does not roll again; the buffer itself is in memory and restarts with the new
 * page). Without `ingestBaseUrl`, or with `onError: 0`, an unsampled session is not recorded at
 * all (decided once per handle). Nothing is buffered before consent; `optOut()` drops the buffer.
 * `onEvents`, the app's own sink, still receives every event while a session buffers.
 */
export interface SamplingOptions {
  /** Fraction of sessions sent in full, 0..1. Default `1` (every consented session: no buffering). */
  session?: number;
  /** Fraction of buffered (unsampled) sessions sent when an error or `capture()` happens, 0..1. Default `0`. */
  onError?: number;
  /** @deprecated The older name of `session`. */
  sessionRate?: number;
  /**
   * Where the buffering chunk's wasm comes from (like `wasm`); it is loaded, with
   * `js/buffering.js`, only with `ingestBaseUrl` and `onError > 0`, and a failed load fails the
   * start (status `"failed"`: an unsampled session is never sent instead). Default:
   * `rewind_buffering_bg.wasm` next to `pkg-record/rewind_buffering.js`.
   */
  wasm?: InitInput;
}

/** Delivery context passed to `onEvents` as its second argument. */
export interface DeliveryInfo {
  /** `sessionId()` of the handle. */
  sessionId: string;
  /** `true` for the last delivery of a page or a stopped recorder (`stop()`, `pagehide`, `flush({final: true})`). */
  final: boolean;
}

export interface InitOptions {
  /** Your app's id, sent in every batch (`app_id`). Default `""`. */
  appId?: string;
  /** The collector's public (write-only) ingest key, sent in the `X-Rewind-Key` header (never in the URL). Required with `ingestBaseUrl`. */
  publicKey?: string;
  /**
   * Base URL of the collector (`rewind serve`), e.g. `"https://replay.example.com"`. When set, batches
   * are gzip-compressed and POSTed to `{ingestBaseUrl}/v1/ingest` by the wasm `Transport`: retried on
   * network errors, 408, 429 (honouring `Retry-After`) and 5xx with exponential backoff and jitter;
   * kept in `sessionStorage` until accepted so a reload resends them; flushed with
   * `fetch(keepalive)` on `pagehide` / `visibilitychange: hidden`. Unset: nothing is sent (use `onEvents`).
   * A relative URL (`"/ingest"`) resolves against the page's `location`; anything but an http(s)
   * URL throws.
   */
  ingestBaseUrl?: string | URL;
  /** Batching and buffering for `ingestBaseUrl`. */
  delivery?: DeliveryOptions;
  /**
   * Consent at start-up, or `{initial, persist, version}` (`ConsentOptions`). `"deferred"`
   * (default): record nothing — no wasm loaded, no listener, no event kept — until `optIn()`.
   * `"granted"`: the app already has consent; start at once (still subject to Global Privacy
   * Control). `"denied"`: like deferred, status `"denied"`. A decision kept by
   * `consent.persist` (default `"localStorage"`) wins over it.
   */
  consent?: InitialConsent | ConsentOptions;
  /** How `identify()` ids are sent: redacted (default) or as a salted hash. */
  identity?: IdentityOptions;
  /**
   * Honour the browser's Global Privacy Control (`navigator.globalPrivacyControl === true`): while
   * it is on, `consent: "granted"` and a plain `optIn()` record nothing and set the status to
   * `"denied"`; only `optIn({overrideGlobalPrivacyControl: true})` — the user's explicit opt-in,
   * for that user — records. Default `true`.
   */
  respectGlobalPrivacyControl?: boolean;
  privacy?: PrivacyOptions;
  capture?: CaptureOptions;
  sampling?: SamplingOptions;
  /** Called with each parsed event before it is buffered; return the (possibly changed) event, or `null` to drop it. A throwing callback drops the event. */
  beforeRecordEvent?: (event: RecordedEvent) => RecordedEvent | null | undefined;
  /** Receives buffered events every `onEventsIntervalMs`, on `flush()`, on `stop()` and on `pagehide`. Never called with an empty array. May return a promise (`flush()` waits for it). */
  onEvents?: (events: RecordedEvent[], info: DeliveryInfo) => void | Promise<void>;
  /** How often buffered events go to `onEvents`, ms; `0` delivers only on `flush()`/`stop()`/`pagehide`. Default `5000`. */
  onEventsIntervalMs?: number;
  /**
   * Errors from loading the wasm, the recorder and your callbacks, and delivery problems with
   * `ingestBaseUrl` (an `Error` whose message starts `rewind: delivery:`): a batch refused for
   * good (a 4xx other than 408/429, e.g. a wrong URL's 404), dropped; a batch still failing after
   * 3 tries (kept and retried); events dropped over `delivery.bufferMaxBytes` (once per overflow).
   * Default: `console.error`.
   */
  onError?: (error: unknown) => void;
  /**
   * Where the wasm comes from. Default: `rewind_record_bg.wasm` next to `pkg-record/rewind_record.js` (wasm-pack's
   * `new URL(..., import.meta.url)`), fetched on the first consented start. The wasm is loaded once
   * per page: the first successful load wins and later handles' `wasm` options are ignored; a
   * failed load is retried by the next start.
   */
  wasm?: InitInput;
}

/** When batches close (whichever comes first) and how much may wait unsent. */
export interface DeliveryOptions {
  /** ms after a batch's first event. Default `5000`. */
  batchIntervalMs?: number;
  /** Events per batch. Default `1000` (the collector accepts at most 5,000). */
  batchMaxEvents?: number;
  /** Bytes of event JSON per batch (before gzip). Default `524288` (512 KiB). */
  batchMaxBytes?: number;
  /** Bytes of event JSON waiting unsent (pending + queued batches). Past it the oldest incremental events are dropped (counted in `deliveryStats().overflowEventsDropped`) and a new FullSnapshot is taken so the rest still replays. Default `8388608` (8 MiB). */
  bufferMaxBytes?: number;
}

/** What a flush delivered, in batches: accepted by the collector, refused for good (4xx), or kept for later (still failing after 3 tries in a final flush: stored, resent later or by the tab's next page). */
export interface FlushResult {
  sent: number;
  failed: number;
  kept: number;
}

/** Who/what granted consent; recorded as the Custom event `rewind.consent` `{granted, source, version, at}` right after the FullSnapshot. */
export interface ConsentMeta {
  /** Where consent came from, e.g. `"banner"`, `"settings"`. Default `"api"`. */
  source?: string;
  /** Version of the consent text/policy the user accepted. Default: `consent.version`, else `null`. */
  version?: string;
  /**
   * Record even though the browser sends Global Privacy Control. Set it only when this user has
   * explicitly opted in to recording (e.g. ticked a box that names it). Default `false`.
   */
  overrideGlobalPrivacyControl?: boolean;
}

export interface RewindHandle {
  /** Records the user's consent (kept per `consent.persist`) and starts recording (loads the wasm on first use). Resolves `true` when recording, `false` when not (Global Privacy Control without override, not sampled, stopped, not in a browser, or a load error reported to `onError` — status `"failed"`). */
  optIn(meta?: ConsentMeta): Promise<boolean>;
  /**
   * Withdraws consent (kept per `consent.persist`): stops every observer, drops buffered events,
   * and purges all the SDK keeps in this tab's `sessionStorage` — unsent batches of this and
   * earlier pages, the session and window ids, the sampling decision — whether or not a recorder
   * runs on this page, so a later `optIn()` starts a new session and never sends the old one.
   * `meta`: as `optIn`'s (`source` default `"api"`, `version` default `consent.version`).
   */
  optOut(meta?: { source?: string; version?: string }): void;
  /** `optIn({source: "setConsent", ...meta})` or `optOut()`. */
  setConsent(granted: boolean, meta?: ConsentMeta): Promise<boolean>;
  /** See `ConsentStatus`: `"granted"` only while recording (or starting); `"stopped"`/`"failed"` when granted but nothing records. */
  consentStatus(): ConsentStatus;
  /** The status with its detail: whether it records, why not, and the last decision's source, version and time. */
  consentState(): ConsentState;
  /** Whether a recorder is running right now. */
  isRecording(): boolean;
  /** Calls `listener` whenever `consentStatus()` changes; returns the unsubscribe function. */
  onConsentChange(listener: (status: ConsentStatus) => void): () => void;
  /** Calls `listener` when a recorder starts (`true`, after the wasm loaded) or stops (`false`: `stop()`, `optOut()`, a failed start); returns the unsubscribe function. */
  onRecordingChange(listener: (recording: boolean) => void): () => void;
  /** Adds a Custom event (payload PII-redacted in Rust). Returns `false` (and keeps nothing) when not recording. */
  addCustomEvent(name: string, payload?: unknown): boolean;
  /**
   * Custom event `rewind.identify` `{userId, traits}` (PII-redacted in Rust). With `ingestBaseUrl`, batches
   * closed from then on carry the event's `userId` as recorded — redacted, or hashed with
   * `identity.hash` — as the envelope's `distinct_id`, never the raw id. Remembered and re-sent
   * whenever recording (re)starts, so it may be called before consent; nothing leaves the page
   * without consent. With `identity.hash` the event is added once the hash is ready (a moment
   * later); the result then says whether a recorder runs.
   */
  identify(userId: string, traits?: Record<string, unknown>): boolean;
  /** Custom event `rewind.tag` `{key, value}`. Returns `false` when not recording. */
  tag(key: string, value: unknown): boolean;
  /** A new FullSnapshot now. Returns `false` when not recording. */
  takeFullSnapshot(): boolean;
  /**
   * A trigger for error-triggered buffering (see `SamplingOptions`), for errors the app handles
   * itself: a buffering session rolls `sampling.onError` once and, on success, sends its last 60 s
   * and continues as a full session. Returns whether the session is now being sent (`true` for a
   * session sent in full already; `false` when not recording, without `ingestBaseUrl`, or when the
   * roll failed).
   */
  capture(): boolean;
  /**
   * Hands the buffered events to `onEvents` and, with `ingestBaseUrl`, closes the pending batch and sends
   * everything queued. Resolves when `onEvents` is done and every batch queued now was accepted or
   * refused for good — or, with `final: true`, still failed after 3 tries (`kept`).
   */
  flush(options?: { final?: boolean }): Promise<FlushResult>;
  /** Stops recording for good and delivers what is buffered (`flush({final: true})`). Idempotent. */
  stop(): Promise<FlushResult>;
  /**
   * The session id. With `ingestBaseUrl`: kept in `sessionStorage` for the tab, a new one after 30 min
   * without user activity or 24 h in all (the new session starts with Meta + FullSnapshot). Without: a
   * random UUID v4 for the handle's life.
   */
  sessionId(): string;
  /** Delivery counters with `ingestBaseUrl` while recording, else `null`. */
  deliveryStats(): DeliveryStats | null;
  /** The wasm recorder's counters, or `null` when not recording. */
  stats(): RecorderStats | null;
}

/**
 * Creates a recorder handle; records nothing until consent. Safe to call during SSR (it then never records).
 *
 * Throws a `TypeError` naming the option and what it must be when an option is not of its type
 * here (e.g. `rewind: init option sampling.session must be a number from 0 to 1, not 2`), when
 * there is no sink (neither `onEvents` nor `ingestBaseUrl`), when the argument is not one options
 * object (`init(null)`, `init('key', {...})`: the key goes in `publicKey`), for a CSS selector the
 * browser cannot parse, and for an `ingestBaseUrl` that is not an http(s) URL.
 *
 * One recorder per page: while a handle made by `init()` in this page is not stopped, `init()`
 * returns that handle, ignores the new options and warns once (`console.warn`); after `stop()`
 * it makes a new one. (Outside a browser every call makes its own handle.)
 */
export function init(options?: InitOptions): RewindHandle;

/** This package's version, sent in every batch envelope as `sdk_version`. */
export const SDK_VERSION: string;
