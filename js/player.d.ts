// Types for rewind-replay/player (js/player.js): the rewind player compiled to WebAssembly.
//
// Time units: every time a method takes or returns (`seek`, `currentTime`, `duration`,
// `timeupdate`) is **milliseconds from the recording's first event**. Fields named `t_ms`,
// `start_ms`, `end_ms`, `start_time`, `end_time` are **Unix epoch milliseconds** (rrweb event
// timestamps). Coordinates are CSS pixels of the recorded viewport.

import type { Action, InitInput, RecordingInput } from './analyze.js';

export type { Action, InitInput, RecordingInput } from './analyze.js';
export { init } from './analyze.js';

/** Playback speeds. */
export type Speed = 0.5 | 1 | 2 | 4 | 8;
export declare const SPEEDS: readonly Speed[];

/**
 * A recording: JSON text or JSON Lines, their bytes or gzip, a `Blob`/`File`, an array of rrweb
 * events, a `ReadableStream` of a JSON array of events still arriving (e.g. a `fetch` response's
 * `body`: the first page shows once its FullSnapshot is in, the rest is decoded as it comes, and
 * a seek past what arrived lands when it does), or an object carrying one (`{ events }` or
 * `{ recording }`, e.g. `{ events, analysis }`).
 */
export type PlayerSource =
  | RecordingInput
  | Blob
  | ArrayBufferView
  | readonly unknown[]
  | ReadableStream<Uint8Array | string>
  | { events: readonly unknown[]; [key: string]: unknown }
  | { recording: RecordingInput | Blob | readonly unknown[] | ReadableStream<Uint8Array | string>; [key: string]: unknown };

export interface PlayerOptions {
  /** Jump over spans without user activity (gaps over 10 s) while playing. Default `true`. */
  skipInactive?: boolean;
  /** Initial speed. Default `1`. */
  speed?: Speed;
  /** Start playing at once. Default `false`. */
  autoplay?: boolean;
  /**
   * Draw the page URL and the current action's caption as chips over the page. Default `true`;
   * a host that shows them in its own chrome (the viewer) turns them off.
   */
  labels?: boolean;
  /** Where the wasm comes from (see `init` in rewind-replay/analyze). */
  wasm?: InitInput;
}

/** What a scrubber tick marks. */
export type TickKind = 'click' | 'scroll' | 'input' | 'page' | 'error' | 'rage';

/** A mark for the scrubber. */
export interface Tick {
  /** Unix epoch milliseconds. */
  t_ms: number;
  kind: TickKind;
  /** Index into `actions()`. */
  action: number;
  /** The action's description (for rage clicks, the explanation, e.g. `Clicked button "Pay" 4 times in 0.9 s`). */
  label: string;
}

/** A span without user activity, Unix epoch milliseconds. */
export interface InactiveSpan {
  start_ms: number;
  end_ms: number;
}

export interface PlayerInfo {
  /** First and last event, Unix epoch milliseconds. */
  start_time: number;
  end_time: number;
  /** `end_time - start_time`, milliseconds. */
  duration_ms: number;
  n_events: number;
  /** The recorded viewport at the current time: [width, height], CSS pixels. */
  viewport: [number, number];
  /**
   * The page URL at the current time, as the URL chip shows it: the last Meta href or route
   * change (`rewind.navigation` Custom event) so far; null before any.
   */
  url: string | null;
  session_id: string | null;
  distinct_id: string | null;
  /** What the replay had to skip (changes naming unknown nodes…), once indexing finished. */
  warnings: string[];
}

export interface PlayerEvents {
  /** The playback time moved (every frame while playing, and on seek). `ms` from the start. */
  timeupdate: (ms: number) => void;
  /**
   * An action was reached (needs the analysis: after `analyzed`). Playing, once per action passed,
   * in order; after a seek, once for the action now current.
   */
  action: (action: Action, index: number) => void;
  /** Playback reached the end and paused. */
  finish: () => void;
  play: () => void;
  pause: () => void;
  /**
   * The whole recording is decoded. A large JSON recording is read progressively: the first page
   * shows at once, and until `loaded` `duration()` is the input's last event time and inactive
   * spans are not skipped (seeking or playing past what is decoded decodes the rest at once).
   */
  loaded: () => void;
  /**
   * The analysis finished: `actions()` and `ticks()` are filled, captions appear. It runs after
   * `loaded`, in slices between frames (the main thread stays free; ~1 s on 30 MB).
   */
  analyzed: () => void;
  /**
   * Every checkpoint is built (after `analyzed`, in slices between frames): seeks anywhere cost
   * the same from now on. Seeks before it land on the same page, from the nearest checkpoint.
   */
  indexed: () => void;
}

export interface PlayerHandle {
  /** Starts or resumes playback (from the start when at the end). */
  play(): void;
  pause(): void;
  /**
   * Jumps to `ms` milliseconds from the start (clamped to `[0, duration()]`). Paused, past what a
   * large recording has decoded so far (see `loaded`; more than 1 MiB of it left), it lands once
   * the background decoding reaches `ms`; `currentTime()` returns `ms` meanwhile.
   */
  seek(ms: number): void;
  /** Sets the speed; other values are ignored. Returns the speed in effect. */
  setSpeed(speed: Speed): Speed;
  speed(): Speed;
  setSkipInactive(on: boolean): void;
  /** Whether the overlay draws the URL and caption chips over the page (`labels`). */
  setLabels(on: boolean): void;
  isPlaying(): boolean;
  /** Milliseconds from the start. */
  currentTime(): number;
  /** Milliseconds from the first event to the last. */
  duration(): number;
  /** The analyzer's actions (as `analyze()` returns them); empty until `analyzed`. */
  actions(): Action[];
  /** Whether the whole recording is decoded (see the `loaded` event). */
  isLoaded(): boolean;
  /** Index into `actions()` of the last action at or before the current time, or -1. */
  currentAction(): number;
  ticks(): Tick[];
  inactiveSpans(): InactiveSpan[];
  info(): PlayerInfo;
  /** Subscribes; returns an unsubscribe function. */
  on<K extends keyof PlayerEvents>(event: K, fn: PlayerEvents[K]): () => void;
  off<K extends keyof PlayerEvents>(event: K, fn: PlayerEvents[K]): void;
  /** The sandboxed iframe holding the replayed page (`null` after `destroy`). */
  readonly frame: HTMLIFrameElement | null;
  /** The overlay canvas (`null` after `destroy`). */
  readonly canvas: HTMLCanvasElement | null;
  /** Removes the player and frees its memory. */
  destroy(): void;
}

/**
 * Decodes the recording (in Rust: JSON, JSON Lines, gzip, PostHog exports…), mounts the player
 * in `container` (filling it; without a height it takes the recording's aspect ratio) and
 * resolves once the first frame is shown. A large first page is built over several tasks (the
 * iframe fills in from the top meanwhile), so the page stays responsive. Rejects with the
 * decoder's message for bad input.
 */
export declare function createPlayer(container: Element, source: PlayerSource, options?: PlayerOptions): Promise<PlayerHandle>;
