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
  /**
   * A failed fetch/XHR read from rrweb's network plugin (`rrweb/network@1`, recorded by rewind
   * with `capture.network`, or by rrweb/PostHog): status 4xx/5xx, or 0 (no response) on a request
   * with a method. Description `Request POST /api/pay failed: 402` (`… failed: network error` for
   * 0); metadata `{url, status, method?, initiator_type?, duration_ms?, message}`. Aborted requests
   * are not failures. Counted by error clicks when the request started ≤ 1 s after the click.
   */
  | 'network_error'
  | 'custom';

/** One user action, in timestamp order. */
export interface Action {
  /** When it happened, Unix epoch milliseconds (for a debounced burst — scroll, typing, selection — its first event). */
  t_ms: number;
  action: ActionKind;
  /** rrweb node id of the element acted on; `null` for navigations, console and network errors and custom events. */
  target_node_id: number | null;
  /** The element as the analyzer reads it, e.g. `button "Sign in"`; `null` without a target. */
  target_desc: string | null;
  /** One line for people and LLMs, e.g. `Clicked button "Sign in"`. */
  description: string;
  /** Page URL when the action happened (the last navigation's, stated or inferred), if known. */
  url: string | null;
  /**
   * Kind-specific detail, keys sorted: `interaction` (`click` | `dblclick` | `right_click` |
   * `focus` | `touch_start`), `x`/`y` (CSS px), `selectors` (`data-*` attributes), `value` (typed
   * text; a `<select>`'s option value, its text in `option`), `masked`/`length` (a masked entry:
   * its character count, never its value), `checked`, `rage` (`{start_ms, count, span_ms}` on each
   * click of a rage burst, which the timeline prints as one line), `excerpt`, `ranges`,
   * `width`/`height` (navigate, CSS px), `title`, `inferred` (`true` for a route change inferred
   * from the DOM) and `trigger` (`link` | `history`) (navigate), `outcome` (clicks: `{kind:
   * 'navigated' | 'dialog' | 'text' | 'changed' | 'nothing', after_ms?, text?, source?: 'alert' |
   * 'live' | 'dialog' | 'added', url?, title?}`, what the page did within 1.5 s),
   * `level`/`message`/`trace` (console errors), `payload`
   * (custom events).
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
  /**
   * Genuine clicks: click, dblclick and right_click (focus-only interactions excluded, and the
   * clicks folded into a checkbox/radio tick or a text selection).
   */
  n_clicks: number;
  /** `input` actions. */
  n_inputs: number;
  /** Navigations (`navigate` actions: Meta, `rewind.navigation` and inferred route changes). */
  n_pages: number;
  /** Console errors (`console_error` actions). */
  n_errors: number;
  /** First page URL. */
  entry_url: string | null;
  /** Last page URL. */
  exit_url: string | null;
  /** Web vitals (`capture.performance`), the worst over the session's pages; `null` without them. See {@link Vitals}. */
  lcp_ms: number | null;
  cls: number | null;
  inp_ms: number | null;
  fcp_ms: number | null;
  ttfb_ms: number | null;
  /** Long tasks summed over the pages. */
  long_tasks: number | null;
  long_task_ms: number | null;
  /** Web vitals per page (analysis JSON only, left out when empty; the bundle's `pages` table). */
  page_vitals?: PageVitals[];
}

/**
 * Web vitals of a page, from rewind's `rewind/web-vitals@1` Plugin event (web-vitals library
 * definitions): ms since the navigation start, `cls` unitless, `null` when not measured.
 */
export interface Vitals {
  lcp_ms: number | null;
  cls: number | null;
  inp_ms: number | null;
  fcp_ms: number | null;
  ttfb_ms: number | null;
  /** `longtask` entries (≥ 50 ms each). */
  long_tasks: number | null;
  /** Their summed duration, ms. */
  long_task_ms: number | null;
}

/** One page's vitals: when it was reported (Unix epoch ms) and its URL. */
export interface PageVitals extends Vitals {
  t_ms: number;
  href: string | null;
}

/** One row of the pages table. */
export interface PageRow extends PageVitals {
  replay_id: string;
}

/** A page with a "poor" vital (web.dev: LCP > 4000 ms, INP > 500 ms, CLS > 0.25). */
export interface SlowPage extends PageVitals {
  replay_id: string;
  /** The poor metrics, e.g. `["LCP 5200 ms", "CLS 0.4"]`. */
  poor: string[];
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
  /**
   * Personal data values (emails, card numbers, phone numbers, SSNs, tokens) replaced by
   * `[REDACTED:kind]` in the actions; 0 with `{redact: false}`.
   */
  redactions: number;
  /**
   * Things the analysis had to leave out or repair, one sentence each: a damaged recording
   * salvaged (`damaged recording: recovered N events, skipped M unreadable events; the damage
   * starts at byte B (…)`), DOM nodes past the tracking limit, values redacted.
   */
  warnings: string[];
}

/** Options of the analyzer. */
export interface AnalyzeOptions {
  /**
   * Replace personal data (emails, card numbers, phone numbers, SSNs, tokens) in every output
   * string with `[REDACTED:kind]` markers. Default `true`; `false` is the explicit opt-out.
   */
  redact?: boolean;
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
 * A damaged recording (truncated, or with events the decoder cannot read) resolves with every
 * intact event analysed and a `damaged recording: …` warning; only input from which nothing
 * can be recovered rejects.
 *
 * @throws (rejects with) `Error` whose message is the native analyzer's: `empty input: …`,
 *   `invalid JSON: …`, `invalid gzip: …`, `input too large: …`, `node tree too deep: …`,
 *   `unsupported format: …`.
 */
export function analyze(input: RecordingInput, replayId?: string, options?: AnalyzeOptions): Promise<Analysis>;

/**
 * Analyses rrweb event objects as rrweb's `record({ emit })` collects them. Same result as
 * `analyze(JSON.stringify(events), replayId)`.
 *
 * @throws (rejects with) `Error`: `analyzeEvents: expected an array of rrweb events` for a
 *   non-array, otherwise as {@link analyze}.
 */
export function analyzeEvents(
  events: readonly object[],
  replayId?: string,
  options?: AnalyzeOptions,
): Promise<Analysis>;

/**
 * Like {@link analyze}, but resolves to the replay JSON text exactly as the native
 * `rewind analyze --format json` writes it (one element of its `replays` array): the
 * {@link SessionSummary} fields, then `summary_markdown`, `actions`, `redactions` and `warnings`.
 */
export function analyzeToJson(input: RecordingInput, replayId?: string, options?: AnalyzeOptions): Promise<string>;

/** The version of the Rust analyzer inside the wasm (the `rewind` crate version). */
export function version(): Promise<string>;

// ---------------------------------------------------------------------------------------------
// Cross-session analytics (ReplayBundle): the Rust bundle of `rewind report`, in wasm.

/** One row of the sessions table: the {@link SessionSummary} fields plus `n_custom`. */
export interface SessionRow extends SessionSummary {
  /** Custom events (rrweb EventType 5). */
  n_custom: number;
}

/** One row of the actions table. */
export interface ActionRow extends Action {
  replay_id: string;
}

/** One row of the events table: one rrweb event. */
export interface EventRow {
  replay_id: string;
  /** Unix epoch milliseconds. */
  t_ms: number;
  /** rrweb EventType number (0–7). */
  type: number;
  /** rrweb IncrementalSource number, for IncrementalSnapshot events. */
  source: number | null;
  /** rrweb MouseInteraction type, for MouseInteraction events. */
  mouse_type: number | null;
  /** The node the event is about (mouse interaction, scroll, input, media, canvas, selection start). */
  target_node_id: number | null;
  /** Page URL (last Meta href) at the event. */
  url: string | null;
}

/** One row of the elements table (and of `topClicks`). */
export interface ElementRow {
  target_desc: string;
  /** The page: URL without query, fragment or credentials; id segments as `:id`. */
  normalized_url: string | null;
  /** Genuine clicks: click, dblclick, right_click (focus excluded). */
  n_clicks: number;
  n_unique_replays: number;
}

export type Table = 'sessions' | 'actions' | 'events' | 'elements' | 'pages';
export type TableFormat = 'csv' | 'json' | 'jsonl';

export type FindingKind =
  | 'rage_click'
  | 'dead_click'
  /** A console error or a failed request (`network_error`) right after a click. */
  | 'error_click'
  | 'u_turn'
  | 'form_abandonment'
  | 'thrashed_cursor'
  | 'excessive_scrolling';

/** An action shown as evidence of a finding. */
export interface Evidence {
  /** Unix epoch milliseconds. */
  t_ms: number;
  /** Seconds since the replay's first event. */
  offset_s: number;
  description: string;
}

/** One frustration episode in one replay. Thresholds: see the Rust docs of `analyze::session::signals`. */
export interface Finding {
  kind: FindingKind;
  replay_id: string;
  distinct_id: string | null;
  /** Start and end, Unix epoch milliseconds. */
  t_ms: number;
  end_ms: number;
  /** `t_ms` in seconds since the replay's first event. */
  offset_s: number;
  /** The element as the timeline describes it. */
  element: string | null;
  target_node_id: number | null;
  /** Normalized page URL (for a u-turn: the page left quickly). */
  url: string | null;
  /** Clicks, dead clicks, console errors, fields, or direction changes; 1 for a u-turn. */
  count: number;
  /** One line for people and LLMs. */
  explanation: string;
  /** The actions around it. */
  evidence: Evidence[];
}

/** Findings of one kind on one element of one page. */
export interface FrictionGroup {
  /** 1 for the group most users hit. */
  rank: number;
  kind: FindingKind;
  element: string | null;
  url: string | null;
  /** Distinct users (`distinct_id`, else replay id). */
  n_users: number;
  n_replays: number;
  n_findings: number;
  /** Sum of the findings' `count`s. */
  total_count: number;
  findings: Finding[];
}

export interface FrictionReport {
  n_replays: number;
  n_users: number;
  groups: FrictionGroup[];
}

/** A friction group without its findings (the rage and dead click tables of a report). */
export type GroupSummary = Omit<FrictionGroup, 'kind' | 'findings'>;

export interface Pause {
  replay_id: string;
  distinct_id: string | null;
  /** The actions before and after, Unix epoch milliseconds. */
  start_ms: number;
  end_ms: number;
  /** `start_ms` in seconds since the replay's first event. */
  offset_s: number;
  duration_s: number;
  before: string;
  after: string;
  url: string | null;
}

export interface ErrorSession {
  replay_id: string;
  distinct_id: string | null;
  n_errors: number;
  /** Unix epoch milliseconds. */
  first_error_ms: number;
  offset_s: number;
  first_error: string;
  url: string | null;
}

/** What `rewind report --format json` prints. */
export interface BundleReport {
  n_replays: number;
  n_users: number;
  sessions: SessionRow[];
  top_clicks: ElementRow[];
  rage_clicks: GroupSummary[];
  dead_clicks: GroupSummary[];
  error_sessions: ErrorSession[];
  long_pauses: Pause[];
  /** Pages with a poor web vital, in bundle order. */
  slow_pages: SlowPage[];
  friction: FrictionReport;
  /** Personal data values redacted, summed over the replays (0 with `{redact: false}`). */
  redactions: number;
}

/** Conditions of {@link ReplayBundle.where}; all given must hold (camelCase keys also accepted). */
export interface WhereQuery {
  /** `distinct_id` equals. */
  distinct_id?: string;
  /** A visited page URL contains this (case-sensitive). */
  contains_url?: string;
  /** An action kind (`click`, `console_error`, `dblclick`…) or a custom event tag. */
  has_event?: string;
  /** Seconds. */
  min_duration_s?: number;
  max_duration_s?: number;
}

export interface CompareRow {
  /** The activity label. */
  action: string;
  self_count: number;
  other_count: number;
  /** `self_count - other_count`. */
  delta: number;
}

/**
 * How actions are labelled: `'default'` (`action:tag@normalized_path`), `'selector'` (prefers a
 * `data-*` selector), or a function returning a label, or `null`/`undefined` to skip the action.
 */
export type LabelFn = 'default' | 'selector' | ((action: Action) => string | null | undefined);

/** What a {@link ReplayBundle.filter} callback receives. */
export interface ReplayView {
  session: SessionRow;
  actions: Action[];
  warnings: string[];
}

/** A recording for {@link createBundle}. */
export type BundleInput =
  | RecordingInput
  | { input: RecordingInput; replayId?: string }
  | { events: readonly object[]; replayId?: string };

/**
 * Builds a bundle from recordings (decoded and analysed in Rust; only compact results kept).
 * `options.redact` applies to every recording added to the bundle (and to bundles filtered
 * from it).
 * @throws (rejects with) the decoder's `Error` for a bad recording.
 */
export function createBundle(recordings?: Iterable<BundleInput>, options?: AnalyzeOptions): Promise<ReplayBundle>;

/** A set of analysed replays; every method is synchronous. Filters return new bundles. */
export class ReplayBundle {
  private constructor(inner: unknown, options?: AnalyzeOptions);
  /** Adds one recording; throws the decoder's error. */
  add(input: RecordingInput, replayId?: string): this;
  /** Adds rrweb event objects. */
  addEvents(events: readonly object[], replayId?: string): this;
  readonly length: number;
  readonly replayIds: string[];
  /** One table as CSV, a JSON array, or JSON Lines. */
  export(table: Table, format?: TableFormat): string;
  sessions(): SessionRow[];
  actions(): ActionRow[];
  events(): EventRow[];
  elements(): ElementRow[];
  /** One row per page with web vitals (`rewind/web-vitals@1` events). */
  pages(): PageRow[];
  topClicks(n?: number): ElementRow[];
  /** Default 3 clicks within 1000 ms, each < 30 px from the previous. */
  rageClicks(options?: { threshold?: number; windowMs?: number }): Finding[];
  findings(kind?: FindingKind): Finding[];
  deadClicks(): Finding[];
  errorClicks(): Finding[];
  uTurns(): Finding[];
  formAbandonments(): Finding[];
  thrashedCursors(): Finding[];
  excessiveScrolling(): Finding[];
  /** Default 10 s. */
  longPauses(thresholdS?: number): Pause[];
  errorSessions(): ErrorSession[];
  friction(): FrictionReport;
  frictionMarkdown(options?: { top?: number }): string;
  report(options?: { top?: number }): BundleReport;
  reportMarkdown(options?: { top?: number }): string;
  /** @throws `Error` `where: unknown field …` for unknown keys. */
  where(query?: WhereQuery): ReplayBundle;
  filter(keep: (replay: ReplayView) => unknown): ReplayBundle;
  /** Deterministic: the same `n` and `seed` pick the same replays everywhere. */
  sample(n: number, seed?: number): ReplayBundle;
  findPattern(pattern: Iterable<string>, labelFn?: LabelFn): ReplayBundle;
  labels(labelFn?: LabelFn): Array<[string, string[]]>;
  compare(other: ReplayBundle, labelFn?: LabelFn): CompareRow[];
  concat(other: ReplayBundle): ReplayBundle;
  /** Releases the wasm memory now. */
  free(): void;
}

/** `action:tag@normalized_path`. Synchronous: throws until the wasm is loaded (`await init()`). */
export function defaultLabel(action: Action): string;
/** Like {@link defaultLabel}, preferring a `data-*` selector. */
export function selectorLabel(action: Action): string;
/** The URL without query, fragment or credentials, identifier segments as `:id`. */
export function normalizeUrl(url: string): string;
