// rewind-replay/analyze — analyse rrweb recordings in the browser or Node with the same Rust
// analyzer the `rewind` CLI runs (compiled to WebAssembly). Types: ./analyze.d.ts.
//
// SSR-safe: importing this module touches no browser globals and loads nothing. The wasm is
// loaded on the first call (or by an explicit `init()`), once.

const isNode = typeof process !== 'undefined' && Boolean(process.versions?.node);

/** @type {Promise<typeof import('../pkg/rewind.js')> | undefined} */
let loading;
/** The bindings once loaded: what the synchronous label helpers use. */
let loaded;

/**
 * Loads the WebAssembly module. Optional: every other export calls it on first use. Idempotent:
 * later calls (with or without an argument) return the first load's promise; after a failed load
 * the next call tries again.
 *
 * @param {string | URL | Request | Response | BufferSource | WebAssembly.Module} [moduleOrPath]
 *   Where the wasm comes from. Default: in Node, `pkg/rewind_bg.wasm` read from disk next to this
 *   package; in browsers, wasm-pack's default (`rewind_bg.wasm` relative to `pkg/rewind.js`,
 *   fetched). In Node, `file:` URLs are read from disk too.
 * @returns {Promise<void>}
 */
export async function init(moduleOrPath) {
  await wasm(moduleOrPath);
}

function wasm(moduleOrPath) {
  if (!loading) {
    loading = load(moduleOrPath);
    loading.catch(() => {
      loading = undefined;
    });
  }
  return loading;
}

async function load(moduleOrPath) {
  const bindings = await import('../pkg/rewind.js');
  let source = moduleOrPath;
  try {
    if (isNode && (source === undefined || isFileUrl(source))) {
      // Node's fetch cannot read file: URLs, so read the bytes ourselves.
      const { readFile } = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:fs/promises');
      source = await readFile(source ?? new URL('../pkg/rewind_bg.wasm', import.meta.url));
    }
    await bindings.default(source === undefined ? undefined : { module_or_path: source });
  } catch (error) {
    // A CSP without 'wasm-unsafe-eval', a bundler that moved the .wasm: named in ./load-error.js.
    throw (await import('./load-error.js')).loadError(error, 'pkg/rewind');
  }
  loaded = bindings;
  return bindings;
}

function isFileUrl(source) {
  return (source instanceof URL && source.protocol === 'file:') || (typeof source === 'string' && source.startsWith('file:'));
}

/** `undefined` or the id as a string (the wasm takes `string | undefined`). */
function id(replayId) {
  return replayId == null ? undefined : String(replayId);
}

/**
 * The wasm's `redact` argument from `{redact}` options: `undefined` (redacted, the default)
 * unless the caller said `redact: false` or `true` explicitly.
 */
function redactOf(options) {
  return options == null || options.redact === undefined ? undefined : Boolean(options.redact);
}

/** Splits the replay JSON object into the wrapper's `Analysis` shape. */
function toAnalysis(json) {
  const { summary_markdown, actions, redactions, warnings, ...session } = JSON.parse(json);
  return { session, actions, summaryMarkdown: summary_markdown, redactions, warnings };
}

/**
 * Analyses one recording given as raw text or bytes (JSON, JSON Lines, or gzip of either).
 *
 * @param {string | Uint8Array | ArrayBuffer} input
 * @param {string} [replayId] `session.replay_id` when the recording carries no session id.
 * @param {{redact?: boolean}} [options] `redact: false` shows personal data in clear (default:
 *   redacted and counted in `redactions`).
 * @returns {Promise<Analysis>} see analyze.d.ts
 */
export async function analyze(input, replayId, options) {
  return toAnalysis(await analyzeToJson(input, replayId, options));
}

/**
 * Analyses an array of rrweb event objects (what rrweb's `record({emit})` collects).
 *
 * @param {object[]} events
 * @param {string} [replayId] `session.replay_id`; default `rrweb-{start_time}`.
 * @param {{redact?: boolean}} [options] as for `analyze`.
 * @returns {Promise<Analysis>} see analyze.d.ts
 */
export async function analyzeEvents(events, replayId, options) {
  const bindings = await wasm();
  return toAnalysis(bindings.analyzeEventsJson(events, id(replayId), redactOf(options)));
}

/**
 * Like `analyze`, but returns the replay JSON string exactly as the native
 * `rewind analyze --format json` writes it (one element of its `replays` array).
 *
 * @param {string | Uint8Array | ArrayBuffer} input
 * @param {string} [replayId]
 * @param {{redact?: boolean}} [options] as for `analyze`.
 * @returns {Promise<string>}
 */
export async function analyzeToJson(input, replayId, options) {
  const bindings = await wasm();
  return bindings.analyzeJson(input, id(replayId), redactOf(options));
}

/**
 * The version of the Rust analyzer inside the wasm (the `rewind` crate version).
 * @returns {Promise<string>}
 */
export async function version() {
  const bindings = await wasm();
  return bindings.version();
}

// ---------------------------------------------------------------------------------------------
// Cross-session analytics: ReplayBundle. The same Rust code as `rewind report` and
// `rewind sessions`; every result is the native JSON, parsed.

/**
 * Builds a bundle: each recording is decoded and analysed in Rust, and only compact results are
 * kept (the events are dropped as each is added).
 *
 * @param {Iterable<RecordingInput | {input: RecordingInput, replayId?: string} | {events: object[], replayId?: string}>} [recordings]
 * @param {{redact?: boolean}} [options] as for `analyze`; applies to every recording added to
 *   the bundle.
 * @returns {Promise<ReplayBundle>} rejects with the decoder's error for a bad recording
 */
export async function createBundle(recordings = [], options) {
  const bindings = await wasm();
  const bundle = new ReplayBundle(new bindings.ReplayBundle(), options);
  for (const recording of recordings) {
    if (recording && typeof recording === 'object' && Array.isArray(recording.events) && !isBytes(recording)) {
      bundle.addEvents(recording.events, recording.replayId);
    } else if (recording && typeof recording === 'object' && 'input' in recording && !isBytes(recording)) {
      bundle.add(recording.input, recording.replayId);
    } else {
      bundle.add(recording);
    }
  }
  return bundle;
}

function isBytes(value) {
  return value instanceof Uint8Array || value instanceof ArrayBuffer;
}

function bindingsNow() {
  if (!loaded) {
    throw new Error('rewind-replay/analyze: the wasm is not loaded yet; await init() (or createBundle()) first');
  }
  return loaded;
}

/** Wraps a labelFn for the wasm: names pass through, functions get plain action objects. */
function labeler(labelFn) {
  return labelFn ?? 'default';
}

/**
 * A set of analysed replays. Create with {@link createBundle}; every method is synchronous.
 * Filters return new bundles sharing the replays. Call `free()` to release the wasm memory early.
 */
export class ReplayBundle {
  #inner;
  #redact;

  /**
   * @param {object} inner the wasm `ReplayBundle` (use {@link createBundle})
   * @param {{redact?: boolean}} [options] as for `analyze`
   */
  constructor(inner, options) {
    this.#inner = inner;
    this.#redact = redactOf(options);
  }

  /** A bundle over `inner` that adds recordings with this bundle's `redact` option. */
  #wrap(inner) {
    return new ReplayBundle(inner, { redact: this.#redact });
  }

  /** Adds one recording (raw text or bytes, gzip included). Throws the decoder's error. */
  add(input, replayId) {
    this.#inner.add(input, replayId == null ? undefined : String(replayId), this.#redact);
    return this;
  }

  /** Adds an array of rrweb event objects. */
  addEvents(events, replayId) {
    this.#inner.addEvents(events, replayId == null ? undefined : String(replayId), this.#redact);
    return this;
  }

  /** Number of replays. */
  get length() {
    return this.#inner.length;
  }

  /** The replay ids, in order. */
  get replayIds() {
    return this.#inner.replayIds();
  }

  /** One table as text: `sessions` | `actions` | `events` | `elements` | `pages`, as `csv` | `json` | `jsonl`. */
  export(table, format = 'csv') {
    return this.#inner.exportTable(table, format);
  }

  /** The sessions table: one row per replay. */
  sessions() {
    return JSON.parse(this.#inner.exportTable('sessions', 'json'));
  }

  /** The actions table: `{replay_id, ...action}` per action. */
  actions() {
    return JSON.parse(this.#inner.exportTable('actions', 'json'));
  }

  /** The events table: `{replay_id, t_ms, type, source, mouse_type, target_node_id, url}` per rrweb event. */
  events() {
    return JSON.parse(this.#inner.exportTable('events', 'json'));
  }

  /** The elements table: clicked elements per page, most clicked first. */
  elements() {
    return JSON.parse(this.#inner.exportTable('elements', 'json'));
  }

  /** The pages table: `{replay_id, t_ms, href, ...vitals}` per page with web vitals (`capture.performance`). */
  pages() {
    return JSON.parse(this.#inner.exportTable('pages', 'json'));
  }

  /** The `n` most clicked elements (genuine clicks; focus excluded). */
  topClicks(n = 10) {
    return JSON.parse(this.#inner.topClicksJson(n));
  }

  /** Rage clicks: `threshold` clicks (default 3) within `windowMs` (default 1000). */
  rageClicks({ threshold, windowMs } = {}) {
    return JSON.parse(this.#inner.rageClicksJson(threshold, windowMs));
  }

  /** Every finding, or those of one kind (`dead_click`, `error_click`, …). */
  findings(kind) {
    return JSON.parse(this.#inner.findingsJson(kind));
  }

  deadClicks() {
    return this.findings('dead_click');
  }

  errorClicks() {
    return this.findings('error_click');
  }

  uTurns() {
    return this.findings('u_turn');
  }

  formAbandonments() {
    return this.findings('form_abandonment');
  }

  thrashedCursors() {
    return this.findings('thrashed_cursor');
  }

  excessiveScrolling() {
    return this.findings('excessive_scrolling');
  }

  /** Gaps of at least `thresholdS` seconds (default 10) between consecutive actions. */
  longPauses(thresholdS) {
    return JSON.parse(this.#inner.longPausesJson(thresholdS));
  }

  /** Replays with console errors. */
  errorSessions() {
    return JSON.parse(this.#inner.errorSessionsJson());
  }

  /** The friction report: findings grouped by (kind, element, page), ranked by users. */
  friction() {
    return JSON.parse(this.#inner.frictionJson());
  }

  /** The friction report as markdown (the `top` groups, default 10). */
  frictionMarkdown({ top } = {}) {
    return this.#inner.frictionMarkdown(top);
  }

  /** Everything `rewind report --format json` prints. */
  report({ top } = {}) {
    return JSON.parse(this.#inner.reportJson(top));
  }

  /** Everything `rewind report` prints (markdown). */
  reportMarkdown({ top } = {}) {
    return this.#inner.reportMarkdown(top);
  }

  /** Replays meeting every condition: `{distinct_id, contains_url, has_event, min_duration_s, max_duration_s}`. */
  where(query = {}) {
    return this.#wrap(this.#inner.where(JSON.stringify(query)));
  }

  /** Replays for which `keep({session, actions, warnings})` is truthy. */
  filter(keep) {
    if (typeof keep !== 'function') throw new TypeError('filter: expected a function');
    return this.#wrap(this.#inner.filter(keep));
  }

  /** `n` replays chosen deterministically by `seed` (an integer up to 2^53 − 1), in bundle order. */
  sample(n, seed = 0) {
    return this.#wrap(this.#inner.sample(n, seed));
  }

  /** Replays whose labels contain `pattern` contiguously. */
  findPattern(pattern, labelFn) {
    return this.#wrap(this.#inner.findPattern(Array.from(pattern, String), labeler(labelFn)));
  }

  /** Each replay's labels: `[[replayId, [label, …]], …]`. */
  labels(labelFn) {
    return JSON.parse(this.#inner.labelsJson(labeler(labelFn)));
  }

  /** Label counts here and in `other`: `[{action, self_count, other_count, delta}]`. */
  compare(other, labelFn) {
    return JSON.parse(this.#inner.compareJson(other.#inner, labeler(labelFn)));
  }

  /** This bundle's replays followed by `other`'s. */
  concat(other) {
    return this.#wrap(this.#inner.concat(other.#inner));
  }

  /** Releases the wasm memory now (later calls throw). */
  free() {
    this.#inner.free();
  }
}

/** `action:tag@normalized_path` for an action (synchronous; the wasm must be loaded). */
export function defaultLabel(action) {
  return bindingsNow().defaultLabel(JSON.stringify(action));
}

/** Like {@link defaultLabel}, preferring a `data-*` selector (synchronous). */
export function selectorLabel(action) {
  return bindingsNow().selectorLabel(JSON.stringify(action));
}

/** A URL without query, fragment or credentials; ids as `:id` (synchronous). */
export function normalizeUrl(url) {
  return bindingsNow().normalizeUrl(String(url));
}
