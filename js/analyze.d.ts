// Types for rewind-replay/analyze (js/analyze.js): the rewind analyzer compiled to WebAssembly.
//
// Time units: `t_ms`, `start_time` and `end_time` are Unix epoch milliseconds (rrweb event
// timestamps); `duration_s` is seconds. Coordinates in `metadata` (`x`, `y`) are CSS pixels.

/** Where the wasm comes from; see {@link init}. */
export type InitInput = string | URL | Request | Response | BufferSource | WebAssembly.Module;

/** Raw recording: JSON text, JSON Lines, or their bytes (UTF-8, or gzip of either). */
export type RecordingInput = string | Uint8Array | ArrayBuffer;

/** The kind of a user action. Click-family detail lives in `metadata.interaction`. */
export type ActionKind =
  | 'navigate'
  | 'click'
  | 'touch_start'
  | 'scroll'
  | 'input'
  | 'select'
  | 'console_error'
  | 'custom';

/** One user action, in timestamp order. */
export interface Action {
  /** When it happened, Unix epoch milliseconds (for a debounced burst — scroll, typing, selection — its first event). */
  t_ms: number;
  action: ActionKind;
  /** rrweb node id of the element acted on; `null` for navigations, console errors and custom events. */
  target_node_id: number | null;
  /** The element as the analyzer reads it, e.g. `button "Sign in"`; `null` without a target. */
  target_desc: string | null;
  /** One line for people and LLMs, e.g. `Clicked button "Sign in"`. */
  description: string;
  /** Page URL (last navigation's href) when the action happened, if known. */
  url: string | null;
  /**
   * Kind-specific detail, keys sorted: `interaction` (`click` | `dblclick` | `right_click` |
   * `focus` | `touch_start`), `x`/`y` (CSS px), `selectors` (`data-*` attributes), `value`,
   * `checked`, `excerpt`, `ranges`, `width`/`height` (navigate, CSS px), `level`/`message`/`trace`
   * (console errors), `payload` (custom events).
   */
  metadata: Record<string, unknown>;
}

/** Per-session metrics (one row of the sessions table). */
export interface SessionSummary {
  /** The recording's session id; else the `replayId` argument; else `rrweb-{start_time}`. */
  replay_id: string;
  /** The user, when the recording says. */
  distinct_id: string | null;
  /** First event, Unix epoch milliseconds; `null` for a recording without events. */
  start_time: number | null;
  /** Last event, Unix epoch milliseconds; `null` for a recording without events. */
  end_time: number | null;
  /** `end_time - start_time`, in seconds. */
  duration_s: number;
  /** Events in the recording. */
  n_events: number;
  /** Entries of `actions`. */
  n_actions: number;
  /** Genuine clicks: click, dblclick and right_click (focus-only interactions excluded). */
  n_clicks: number;
  /** `input` actions. */
  n_inputs: number;
  /** Navigations (`navigate` actions). */
  n_pages: number;
  /** Console errors (`console_error` actions). */
  n_errors: number;
  /** First page URL. */
  entry_url: string | null;
  /** Last page URL. */
  exit_url: string | null;
}

/** Everything the analyzer says about one recording. */
export interface Analysis {
  session: SessionSummary;
  actions: Action[];
  /**
   * The timeline: one `{seconds since start}s: {description}` line per action, consecutive
   * duplicates collapsed as ` (×N)`.
   */
  summaryMarkdown: string;
  /** Things the analysis had to leave out (e.g. DOM nodes past the tracking limit). */
  warnings: string[];
}

/**
 * Loads the WebAssembly module. Optional — every other function loads it on first use.
 * Idempotent: later calls return the first load; after a failed load the next call retries.
 *
 * Default source: in Node, `pkg/rewind_bg.wasm` read from disk next to this package; in
 * browsers, `rewind_bg.wasm` fetched relative to `pkg/rewind.js` (bundlers pick it up as an asset).
 */
export function init(moduleOrPath?: InitInput | Promise<InitInput>): Promise<void>;

/**
 * Analyses one recording given as raw text or bytes. Accepts a JSON array of rrweb events, an
 * object with an `events` array, PostHog's export, JSON Lines of those, and gzip of any of them.
 *
 * @param replayId `session.replay_id` when the recording carries no session id (the CLI uses the
 *   file name without extension); default `rrweb-{start_time}`.
 * @throws (rejects with) `Error` whose message is the native analyzer's: `empty input: …`,
 *   `invalid JSON: …`, `invalid gzip: …`, `input too large: …`, `unsupported format: …`.
 */
export function analyze(input: RecordingInput, replayId?: string): Promise<Analysis>;

/**
 * Analyses rrweb event objects as rrweb's `record({ emit })` collects them. Same result as
 * `analyze(JSON.stringify(events), replayId)`.
 *
 * @throws (rejects with) `Error`: `analyzeEvents: expected an array of rrweb events` for a
 *   non-array, otherwise as {@link analyze}.
 */
export function analyzeEvents(events: readonly object[], replayId?: string): Promise<Analysis>;

/**
 * Like {@link analyze}, but resolves to the replay JSON text exactly as the native
 * `rewind analyze --format json` writes it (one element of its `replays` array): the
 * {@link SessionSummary} fields, then `summary_markdown`, `actions` and `warnings`.
 */
export function analyzeToJson(input: RecordingInput, replayId?: string): Promise<string>;

/** The version of the Rust analyzer inside the wasm (the `rewind` crate version). */
export function version(): Promise<string>;
