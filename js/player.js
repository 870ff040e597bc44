// rewind-replay/player — watch an rrweb recording: the recorded page rebuilt in a sandboxed
// iframe (nothing recorded ever runs), with the pointer, clicks, scrolling, URL and the current
// action drawn over it on a canvas, by the Rust player compiled to WebAssembly. Types:
// ./player.d.ts. Times are milliseconds from the recording's first event unless a name says
// otherwise (`t_ms`, `start_ms`, `end_ms` are Unix epoch milliseconds, as in rrweb events).
//
// SSR-safe: importing this module touches no browser globals and loads nothing. The wasm is the
// analyzer's (`pkg/rewind.js`), loaded once through ./analyze.js's `init`, so a page that both
// analyses and plays instantiates it once.

import { init } from './analyze.js';

export { init };

/** `Player.frame()` result bits (src/play/session.rs). */
const FRAME_TIME = 1;
const FRAME_ACTION = 2;
const FRAME_FINISH = 4;

/** Speeds `setSpeed` accepts. */
export const SPEEDS = Object.freeze([0.5, 1, 2, 4, 8]);

const EVENTS = ['timeupdate', 'action', 'finish', 'play', 'pause', 'loaded', 'analyzed', 'indexed'];

/** Wall time given to decoding, analysis or checkpoint indexing per idle slice, ms. */
const INDEX_SLICE_MS = 6;

/**
 * A seek past what is decoded waits for the background slices only when more than this many
 * bytes of JSON are left (~10 ms of decoding: BENCHMARKS.md, "Player"); less is decoded at
 * once, so a small recording seeks synchronously from the first frame on.
 */
const SYNC_SEEK_BYTES = 1024 * 1024;

/**
 * A streamed recording mounts once its bytes hold the first FullSnapshot; each try scans what
 * arrived, so the next waits for this many more bytes, or for a quarter more than the last
 * try had (the scans then add up to a few times the bytes before the FullSnapshot, not their
 * square).
 */
const STREAM_RETRY_BYTES = 64 * 1024;

/**
 * Wall time given to building the first page per slice, ms (`Player.buildStep`). The browser
 * lays out what each slice added before the next (its own task), and that costs several times
 * the slice: on the 2,000-row table 4 ms of nodes cost 20-60 ms of style and table layout at
 * load 6-8 on 2 cores, 8 ms up to 90 ms (BENCHMARKS.md, "Player"), so slices stay small.
 */
const BUILD_SLICE_MS = 4;

/** Actions or ticks taken from the wasm per idle slice (~5 ms for 1,000 on this machine). */
const LIST_PIECE = 1_000;

/**
 * Mounts a player in `container`.
 *
 * @param {Element} container
 * @param {unknown} source the recording: JSON text or JSON Lines (`string`), their bytes or gzip
 *   (`Uint8Array`, `ArrayBuffer`, `Blob`/`File`), an array of rrweb events, a `ReadableStream`
 *   of a JSON array of events still arriving (`Uint8Array` or `string` chunks, e.g. a
 *   `fetch` response's `body`: the first page shows once its FullSnapshot is in, the rest is
 *   decoded as it comes), or an object with `events` (an array) or `recording` (any of the
 *   former), e.g. `{ events, analysis }`.
 * @param {{ skipInactive?: boolean, speed?: 0.5|1|2|4|8, autoplay?: boolean, labels?: boolean, wasm?: unknown }} [options]
 * @returns {Promise<PlayerHandle>} see player.d.ts
 */
export async function createPlayer(container, source, options = {}) {
  if (!container || typeof container.appendChild !== 'function') {
    throw new TypeError('createPlayer: container must be a DOM element');
  }
  const { skipInactive = true, speed = 1, autoplay = false, labels = true } = options;
  const stream = isStream(source) ? source : isStream(source?.recording) ? source.recording : null;
  const input = stream ? null : await toInput(source);
  await init(options.wasm);
  const { Player } = await import('../pkg/rewind.js');
  if (typeof Player !== 'function') throw new Error('createPlayer: the wasm build has no player (build with the `play` feature)');
  const args = [Boolean(skipInactive), SPEEDS.includes(speed) ? speed : 1];
  const { player, feed, streamed } = stream ? await openStream(Player, container, stream, args) : { player: new Player(container, input, ...args), feed: null, streamed: false };
  if (!labels) player.setLabels(false);
  await built(player);
  return handle(player, container, { autoplay, feed, streamed });
}

/**
 * A task later: a `MessageChannel` message, which the browser runs as its own task without
 * `setTimeout`'s 4 ms clamp on nested timers (a large page takes dozens of slices).
 */
const nextTask = () => new Promise((resolve) => {
  const { port1, port2 } = new MessageChannel();
  port1.onmessage = () => {
    port1.close();
    resolve();
  };
  port2.postMessage(null);
});

/**
 * Resolves once the first page is shown: `player` builds it in steps (`Player.buildStep`), one
 * per task, so input and frames go on meanwhile and the browser lays out each step's nodes.
 */
async function built(player) {
  while (player.building) {
    await nextTask();
    player.buildStep(BUILD_SLICE_MS);
  }
}

const isStream = (value) => typeof ReadableStream !== 'undefined' && value instanceof ReadableStream;

const chunkBytes = (chunk) => {
  if (typeof chunk === 'string') return new TextEncoder().encode(chunk);
  if (chunk instanceof Uint8Array) return chunk;
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError('createPlayer: a recording stream must yield Uint8Array or string chunks');
};

const joined = (parts, size) => {
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
};

/**
 * Reads `stream` until its bytes hold the first FullSnapshot and mounts the player on them
 * (`Player.fromStream`); `feed` is the reader of the rest (null when the stream ended first);
 * `streamed`: read as a stream (its length known only once decoded), not as a whole input.
 */
async function openStream(Player, container, stream, args) {
  const reader = stream.getReader();
  const parts = [];
  let size = 0;
  let tried = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        // All of it: the array as a stream (what follows its `]` ignored), else as a whole
        // input, with the decoder's errors for one cut short.
        const bytes = joined(parts, size);
        const player = size > tried ? Player.fromStream(container, bytes, ...args) : undefined;
        if (!player) return { player: new Player(container, bytes, ...args), feed: null, streamed: false };
        player.endInput();
        return { player, feed: null, streamed: true };
      }
      const bytes = chunkBytes(value);
      parts.push(bytes);
      size += bytes.length;
      if (size - tried < Math.max(STREAM_RETRY_BYTES, tried / 4)) continue;
      tried = size;
      const player = Player.fromStream(container, joined(parts, size), ...args);
      if (player) return { player, feed: reader, streamed: true };
    }
  } catch (error) {
    reader.cancel().catch(() => {});
    throw error;
  }
}

async function toInput(source) {
  if (typeof source === 'string' || source instanceof Uint8Array || source instanceof ArrayBuffer || Array.isArray(source)) {
    return source;
  }
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    return new Uint8Array(await source.arrayBuffer());
  }
  if (ArrayBuffer.isView(source)) {
    return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  }
  if (source && typeof source === 'object') {
    if (Array.isArray(source.events)) return source.events;
    if (source.recording !== undefined) return toInput(source.recording);
    if (Array.isArray(source.actions)) {
      throw new TypeError('createPlayer: an analysis has no events; pass { events, analysis } or the recording itself');
    }
  }
  throw new TypeError('createPlayer: expected a recording (string, Uint8Array, ArrayBuffer, Blob or an array of rrweb events)');
}

function handle(player, container, { autoplay, feed, streamed }) {
  const listeners = new Map(EVENTS.map((name) => [name, new Set()]));
  let raf = 0;
  let idle = 0;
  let destroyed = false;
  let actions = [];
  let ticks = [];
  let resizeObserver;
  // A seek past what is decoded yet, while paused: it lands when the background slices have
  // decoded that far (player.seek would decode up to it at once, one long task on a large file).
  let pendingSeek = null;
  // A streamed recording (`feed`, the reader of its bytes still arriving): whether the decoding
  // slices stopped to wait for them (the feed starts them again).
  let parked = false;
  // Its length is the last event decoded until all is: a seek is not clamped to it meanwhile.
  const unsure = () => streamed && !player.loaded;

  const emit = (name, ...args) => {
    for (const fn of listeners.get(name)) {
      try {
        fn(...args);
      } catch (e) {
        queueMicrotask(() => {
          throw e;
        });
      }
    }
  };
  const alive = () => {
    if (destroyed) throw new Error('player: destroyed');
  };
  let lastAction = -1;
  // Playing forward, every action passed is reported (at 8x a frame can pass several); after a
  // seek, only the one now current.
  const report = (flags, seeking = false) => {
    if (flags & FRAME_TIME) emit('timeupdate', player.currentTime());
    if (flags & FRAME_ACTION) {
      const index = player.currentAction();
      const from = !seeking && index > lastAction ? lastAction + 1 : index;
      lastAction = index;
      for (let i = Math.max(from, 0); i <= index; i++) if (actions[i]) emit('action', actions[i], i);
    }
    if (flags & FRAME_FINISH) {
      stopLoop();
      emit('finish');
    }
  };
  const tick = (now) => {
    raf = 0;
    if (destroyed) return;
    report(player.frame(now));
    if (player.playing) raf = requestAnimationFrame(tick);
  };
  const startLoop = () => {
    if (!raf) raf = requestAnimationFrame(tick);
  };
  const stopLoop = () => {
    if (raf) cancelAnimationFrame(raf);
    raf = 0;
  };

  // After the first frame, in small slices between frames: the rest of a large recording
  // (decoded progressively), the analysis (captions, ticks, action events), then checkpoints,
  // so seeking anywhere becomes instant.
  const later = (fn) => {
    idle = setTimeout(() => {
      idle = 0;
      if (!destroyed) fn();
    }, 0);
  };
  const index = () => {
    if (!player.indexStep(INDEX_SLICE_MS)) later(index);
    else emit('indexed');
  };
  const land = () => {
    const to = pendingSeek;
    pendingSeek = null;
    report(player.seek(to) & ~FRAME_FINISH, true);
  };
  // `player[method](start, end)` (actionsJson, ticksJson) LIST_PIECE at a time, one piece per
  // task: 30 MB has ~20,000 actions, 5 MB of JSON (~150 ms to make and parse at once).
  const take = (method, into, done) => {
    const step = () => {
      const piece = JSON.parse(player[method](into.length, into.length + LIST_PIECE));
      for (const item of piece) into.push(item);
      if (piece.length === LIST_PIECE) later(step);
      else done();
    };
    later(step);
  };
  // The analysis (the bundle pass: ~570 ms of wasm on 30 MB) in slices too, then its lists in
  // pieces, so no task after the first frame blocks input or animation for long
  // (BENCHMARKS.md). Until `analyzed`, `actions()` and `ticks()` stay empty.
  const analyze = () => {
    if (!player.analyzeStep(INDEX_SLICE_MS)) return later(analyze);
    const newActions = [];
    const newTicks = [];
    take('actionsJson', newActions, () => take('ticksJson', newTicks, () => {
      actions = newActions;
      ticks = newTicks;
      lastAction = player.currentAction();
      emit('analyzed');
      later(index);
    }));
  };
  const load = () => {
    const done = player.loadStep(INDEX_SLICE_MS);
    if (pendingSeek !== null && (done || player.loadedUntil() > pendingSeek)) land();
    if (!done) {
      if (player.waiting) parked = true;
      else later(load);
      return;
    }
    emit('loaded');
    later(analyze);
  };
  const resume = () => {
    if (!parked || destroyed) return;
    parked = false;
    later(load);
  };
  // The rest of a streamed recording, pushed as it arrives; a stream that fails ends the input
  // there (the player plays what came, with the decoder's warning for the cut).
  const pump = async () => {
    try {
      for (;;) {
        const { done, value } = await feed.read();
        if (destroyed) return;
        if (done) break;
        player.pushInput(chunkBytes(value));
        resume();
      }
    } catch {
      if (destroyed) return;
    }
    player.endInput();
    resume();
  };
  const background = () => {
    later(load);
    if (feed) pump();
  };

  if (typeof ResizeObserver !== 'undefined') {
    resizeObserver = new ResizeObserver(() => {
      if (destroyed) return;
      player.resize();
    });
    resizeObserver.observe(container);
  }

  const api = {
    /** Starts (or resumes) playback; from the start when at the end. */
    play() {
      alive();
      if (player.playing) return;
      if (pendingSeek !== null) land();
      player.play();
      startLoop();
      emit('play');
    },
    /** Pauses. */
    pause() {
      alive();
      if (!player.playing) return;
      player.pause();
      stopLoop();
      emit('pause');
    },
    /**
     * Jumps to `ms` from the start (clamped to [0, duration]; not finite: 0). Paused, past what a
     * large recording has decoded so far (more than SYNC_SEEK_BYTES left, or a streamed one
     * not decoded whole: its length is not known, so `ms` is not clamped yet), it lands
     * when the background decoding reaches `ms`; `currentTime()` says `ms` meanwhile.
     */
    seek(ms) {
      alive();
      const n = Number(ms);
      const to = Number.isFinite(n) ? Math.max(0, unsure() ? n : Math.min(player.duration(), n)) : 0;
      if (!player.playing && !player.loaded && to > player.loadedUntil() && (unsure() || player.undecodedBytes() > SYNC_SEEK_BYTES)) {
        pendingSeek = to;
        emit('timeupdate', to);
        return;
      }
      pendingSeek = null;
      report(player.seek(to) & ~FRAME_FINISH, true);
    },
    /** 0.5, 1, 2, 4 or 8; returns the speed in effect. */
    setSpeed(speed) {
      alive();
      return player.setSpeed(Number(speed));
    },
    speed() {
      return player.speed;
    },
    setSkipInactive(on) {
      alive();
      player.setSkipInactive(Boolean(on));
    },
    /** Whether the overlay draws the URL and caption chips over the page. */
    setLabels(on) {
      alive();
      player.setLabels(Boolean(on));
    },
    isPlaying() {
      return !destroyed && player.playing;
    },
    /** The position, ms; a seek waiting for the decoding (see `seek`) counts as done. */
    currentTime() {
      return destroyed ? 0 : pendingSeek ?? player.currentTime();
    },
    duration() {
      return destroyed ? 0 : player.duration();
    },
    /** The analyzer's actions (empty until the `analyzed` event). */
    actions() {
      return actions;
    },
    /** Whether the whole recording is decoded (a large one is read progressively: see `loaded`). */
    isLoaded() {
      return !destroyed && player.loaded;
    },
    /** Index into `actions()` of the last action at or before the current time, or -1. */
    currentAction() {
      return destroyed ? -1 : player.currentAction();
    },
    /** Scrubber ticks (empty until `analyzed`). */
    ticks() {
      return destroyed ? [] : ticks.slice();
    },
    /** Spans without user activity, skipped while playing unless `setSkipInactive(false)`. */
    inactiveSpans() {
      return destroyed ? [] : JSON.parse(player.inactiveJson());
    },
    info() {
      return JSON.parse(player.infoJson());
    },
    /** Subscribes; returns a function that unsubscribes. */
    on(name, fn) {
      const set = listeners.get(name);
      if (!set) throw new TypeError(`player.on: unknown event "${name}" (one of ${EVENTS.join(', ')})`);
      set.add(fn);
      return () => set.delete(fn);
    },
    off(name, fn) {
      listeners.get(name)?.delete(fn);
    },
    /** The iframe holding the replayed page. */
    get frame() {
      return destroyed ? null : player.pageFrame();
    },
    /** The overlay canvas. */
    get canvas() {
      return destroyed ? null : player.overlayCanvas();
    },
    /** Removes the player and frees its memory. Idempotent. */
    destroy() {
      if (destroyed) return;
      stopLoop();
      clearTimeout(idle);
      feed?.cancel().catch(() => {});
      resizeObserver?.disconnect();
      player.destroy();
      destroyed = true;
      player.free();
      for (const set of listeners.values()) set.clear();
    },
    /** @internal the wasm Player (tests, benchmarks). */
    get _wasm() {
      return destroyed ? null : player;
    },
  };
  background();
  if (autoplay) api.play();
  return api;
}
