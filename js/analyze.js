// rewind-replay/analyze — analyse rrweb recordings in the browser or Node with the same Rust
// analyzer the `rewind` CLI runs (compiled to WebAssembly). Types: ./analyze.d.ts.
//
// SSR-safe: importing this module touches no browser globals and loads nothing. The wasm is
// loaded on the first call (or by an explicit `init()`), once.

const isNode = typeof process !== 'undefined' && Boolean(process.versions?.node);

/** @type {Promise<typeof import('../pkg/rewind.js')> | undefined} */
let loading;

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
  if (isNode && (source === undefined || isFileUrl(source))) {
    // Node's fetch cannot read file: URLs, so read the bytes ourselves.
    const { readFile } = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:fs/promises');
    source = await readFile(source ?? new URL('../pkg/rewind_bg.wasm', import.meta.url));
  }
  await bindings.default(source === undefined ? undefined : { module_or_path: source });
  return bindings;
}

function isFileUrl(source) {
  return (source instanceof URL && source.protocol === 'file:') || (typeof source === 'string' && source.startsWith('file:'));
}

/** `undefined` or the id as a string (the wasm takes `string | undefined`). */
function id(replayId) {
  return replayId == null ? undefined : String(replayId);
}

/** Splits the replay JSON object into the wrapper's `Analysis` shape. */
function toAnalysis(json) {
  const { summary_markdown, actions, warnings, ...session } = JSON.parse(json);
  return { session, actions, summaryMarkdown: summary_markdown, warnings };
}

/**
 * Analyses one recording given as raw text or bytes (JSON, JSON Lines, or gzip of either).
 *
 * @param {string | Uint8Array | ArrayBuffer} input
 * @param {string} [replayId] `session.replay_id` when the recording carries no session id.
 * @returns {Promise<Analysis>} see analyze.d.ts
 */
export async function analyze(input, replayId) {
  return toAnalysis(await analyzeToJson(input, replayId));
}

/**
 * Analyses an array of rrweb event objects (what rrweb's `record({emit})` collects).
 *
 * @param {object[]} events
 * @param {string} [replayId] `session.replay_id`; default `rrweb-{start_time}`.
 * @returns {Promise<Analysis>} see analyze.d.ts
 */
export async function analyzeEvents(events, replayId) {
  const bindings = await wasm();
  return toAnalysis(bindings.analyzeEventsJson(events, id(replayId)));
}

/**
 * Like `analyze`, but returns the replay JSON string exactly as the native
 * `rewind analyze --format json` writes it (one element of its `replays` array).
 *
 * @param {string | Uint8Array | ArrayBuffer} input
 * @param {string} [replayId]
 * @returns {Promise<string>}
 */
export async function analyzeToJson(input, replayId) {
  const bindings = await wasm();
  return bindings.analyzeJson(input, id(replayId));
}

/**
 * The version of the Rust analyzer inside the wasm (the `rewind` crate version).
 * @returns {Promise<string>}
 */
export async function version() {
  const bindings = await wasm();
  return bindings.version();
}
