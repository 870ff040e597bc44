// rewind-replay — opt-in canvas and font capture (`capture.canvas`, `capture.fonts`).
// Loaded by index.js only when one of them is set, so the always-loaded recorder stays small.
// The wasm Recorder gives canvas ids and queues the events (`canvasId`, `addMediaEvent`; shapes
// in src/wasm/recorder/media.rs); this module does the browser work and writes the events:
//
// - canvas: like rrweb 2.1.1's sampled canvas mode (`recordCanvas: true, sampling: {canvas:
//   fps}`): at most `fps` times a second (requestAnimationFrame), every recorded, unblocked
//   `<canvas>` of the document is copied with `createImageBitmap` (downscaled to `maxSize`
//   there), and a worker encodes it on an OffscreenCanvas (`convertToBlob`, webp at `quality`),
//   so the encoding is off the main thread. A frame equal to the canvas's last one, or a blank
//   first frame, is not sent. Without workers (a CSP that forbids `blob:` workers, no
//   OffscreenCanvas) frames are encoded on the main thread with the asynchronous `toBlob`.
//   Canvases inside shadow roots or iframes are not sampled.
// - fonts: like rrweb's `collectFonts`: `window.FontFace` is wrapped to remember each face's
//   family, source and descriptors, and a face passed to `document.fonts.add` is recorded.

/** `capture.canvas` defaults (documented in index.d.ts; keep both in step). */
export const CANVAS_DEFAULTS = Object.freeze({ fps: 2, quality: 0.6, maxSize: 1280 });
/** Highest `capture.canvas.fps` (rrweb's sampling has no limit; more is a recording of video). */
export const MAX_CANVAS_FPS = 30;
/** Fonts given as bytes above this size (512 KiB) are not recorded: the event carries them as a JSON array, about 4× larger. */
export const MAX_FONT_BYTES = 512 * 1024;

/** Frames are requested on animation frames; half a 60 Hz frame of slack keeps `fps` exact. */
const RAF_SLACK_MS = 8;

// The worker: encodes transferred bitmaps, and skips a frame equal to the last one of its
// canvas, or a first frame that is blank (nothing to show over the snapshot's empty canvas).
const WORKER_SOURCE = `
const last = new Map();
const blank = new Map();
function b64(buffer) {
  const bytes = new Uint8Array(buffer);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(s);
}
async function encode(bitmap, w, h, quality) {
  const canvas = new OffscreenCanvas(w, h);
  const ctx = canvas.getContext('2d'); // also for a blank frame: convertToBlob needs a context
  if (bitmap) ctx.drawImage(bitmap, 0, 0);
  const blob = await canvas.convertToBlob({ type: 'image/webp', quality });
  return { type: blob.type, base64: b64(await blob.arrayBuffer()) };
}
onmessage = async (e) => {
  const m = e.data;
  if (m.reset) { last.clear(); return; }
  try {
    const { bitmap, id, quality } = m;
    const w = bitmap.width, h = bitmap.height;
    const frame = await encode(bitmap, w, h, quality);
    bitmap.close();
    let skip = last.get(id) === frame.base64;
    if (!skip && !last.has(id)) {
      const key = w + 'x' + h + '@' + quality;
      if (!blank.has(key)) blank.set(key, (await encode(null, w, h, quality)).base64);
      skip = blank.get(key) === frame.base64;
    }
    if (!skip) last.set(id, frame.base64);
    postMessage(skip ? { seq: m.seq } : { seq: m.seq, ...frame });
  } catch (error) {
    postMessage({ seq: m.seq, error: String(error) });
  }
};
`;

/**
 * `capture.canvas` as used: `true` → the defaults; an object → its valid fields over them.
 * Throws a TypeError naming the field for a value of the wrong type or range.
 */
export function canvasOptions(value) {
  if (value === true) return { ...CANVAS_DEFAULTS };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError('rewind: capture.canvas must be true or {fps?, quality?, maxSize?}');
  }
  const out = { ...CANVAS_DEFAULTS };
  const check = (key, ok, what) => {
    const v = value[key];
    if (v === undefined || v === null) return;
    if (typeof v !== 'number' || !ok(v)) throw new TypeError(`rewind: capture.canvas.${key} must be ${what}`);
    out[key] = v;
  };
  check('fps', (v) => v > 0 && v <= MAX_CANVAS_FPS, `a number of frames per second in (0, ${MAX_CANVAS_FPS}]`);
  check('quality', (v) => v > 0 && v <= 1, 'a number in (0, 1] (webp quality)');
  check('maxSize', (v) => Number.isInteger(v) && v >= 16, 'an integer number of pixels ≥ 16');
  return out;
}

/**
 * rrweb's sampled-mode frame (IncrementalSource 9, 2D): clear, then draw the image. `w`, `h`:
 * the canvas's size, so a frame downscaled by `maxSize` covers it (rrweb draws at the image's size).
 */
function canvasMutation(id, w, h, { type, base64 }) {
  const image = { rr_type: 'ImageBitmap', args: [{ rr_type: 'Blob', data: [{ rr_type: 'ArrayBuffer', base64 }], type }] };
  return {
    source: 9,
    id,
    type: 0,
    commands: [
      { property: 'clearRect', args: [0, 0, w, h] },
      { property: 'drawImage', args: [image, 0, 0, w, h] },
    ],
  };
}

function base64(buffer) {
  const bytes = new Uint8Array(buffer);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function makeWorker() {
  if (typeof Worker !== 'function' || typeof OffscreenCanvas !== 'function' || typeof createImageBitmap !== 'function') return null;
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  try {
    return new Worker(url);
  } catch {
    return null; // a CSP without blob: workers
  } finally {
    URL.revokeObjectURL(url); // the worker has started loading it
  }
}

/** Samples canvases (see the module comment); returns `{stop, reset}`. */
function startCanvas(recorder, options, onError) {
  const { fps, quality, maxSize } = canvasOptions(options);
  const interval = 1000 / fps;
  let worker = makeWorker();
  const waiting = new Map(); // seq → resolve, for the worker's replies
  let seq = 0;
  const lastMain = new Map(); // id → last frame, main-thread fallback
  const busy = new Set(); // ids with a frame in flight (never two at once per canvas)
  let lastTick = 0;
  let raf = 0;
  let stopped = false;

  const dropWorker = () => {
    worker?.terminate();
    worker = null;
    for (const resolve of waiting.values()) resolve(null);
    waiting.clear();
  };
  if (worker) {
    worker.onmessage = (e) => {
      const resolve = waiting.get(e.data.seq);
      waiting.delete(e.data.seq);
      resolve?.(e.data);
    };
    worker.onerror = dropWorker; // could not start (CSP): fall back to the main thread
  }

  async function viaWorker(canvas, id, w, h) {
    const bitmap = await createImageBitmap(canvas, w === canvas.width ? undefined : { resizeWidth: w, resizeHeight: h, resizeQuality: 'medium' });
    if (!worker) {
      bitmap.close();
      return undefined;
    }
    const n = ++seq;
    const reply = new Promise((resolve) => waiting.set(n, resolve));
    worker.postMessage({ seq: n, id, bitmap, quality }, [bitmap]);
    return reply;
  }

  async function onMainThread(canvas, id, w, h) {
    let source = canvas;
    if (w !== canvas.width) {
      source = document.createElement('canvas');
      source.width = w;
      source.height = h;
      source.getContext('2d').drawImage(canvas, 0, 0, w, h);
    }
    const blob = await new Promise((resolve) => source.toBlob(resolve, 'image/webp', quality));
    if (!blob) return null;
    const frame = { type: blob.type, base64: base64(await blob.arrayBuffer()) };
    if (lastMain.get(id) === frame.base64) return {};
    lastMain.set(id, frame.base64);
    return frame;
  }

  async function sample(canvas, id) {
    const scale = Math.min(1, maxSize / Math.max(canvas.width, canvas.height));
    const w = Math.max(1, Math.round(canvas.width * scale));
    const h = Math.max(1, Math.round(canvas.height * scale));
    const { width, height } = canvas;
    let frame = worker ? await viaWorker(canvas, id, w, h) : undefined;
    if (frame === undefined || frame === null) frame = await onMainThread(canvas, id, w, h);
    if (stopped || !frame) return;
    if (frame.error) throw new Error(`rewind: canvas frame: ${frame.error}`);
    if (frame.base64) recorder.addMediaEvent(id, JSON.stringify(canvasMutation(id, width, height, frame)));
  }

  const tick = (now) => {
    raf = requestAnimationFrame(tick);
    if (lastTick && now - lastTick < interval - RAF_SLACK_MS) return;
    lastTick = now;
    for (const canvas of document.querySelectorAll('canvas')) {
      if (!canvas.width || !canvas.height) continue;
      const id = recorder.canvasId(canvas);
      if (id < 0 || busy.has(id)) continue;
      busy.add(id);
      sample(canvas, id)
        .catch(onError)
        .finally(() => busy.delete(id));
    }
  };
  raf = requestAnimationFrame(tick);

  return {
    stop() {
      stopped = true;
      cancelAnimationFrame(raf);
      dropWorker();
    },
    /** After a FullSnapshot the replay starts from blank canvases: send every canvas again. */
    reset() {
      lastMain.clear();
      worker?.postMessage({ reset: true });
    },
  };
}

/** `{family, fontSource, buffer, descriptors}` as rrweb records it, or null (too large, unreadable). */
function describeFont(family, source, descriptors) {
  let fontSource;
  let buffer = false;
  if (typeof source === 'string') {
    fontSource = source;
  } else {
    const bytes = ArrayBuffer.isView(source)
      ? new Uint8Array(source.buffer, source.byteOffset, source.byteLength)
      : new Uint8Array(source);
    if (bytes.length > MAX_FONT_BYTES) return null;
    fontSource = JSON.stringify(Array.from(bytes));
    buffer = true;
  }
  let desc;
  if (descriptors && typeof descriptors === 'object') {
    desc = {};
    for (const [k, v] of Object.entries(descriptors)) if (typeof v === 'string') desc[k] = v;
  }
  return { family: String(family), fontSource, buffer, descriptors: desc };
}

/** Wraps `FontFace` and `document.fonts.add` (see the module comment); returns the undo. */
function startFonts(recorder, onError) {
  const win = window;
  const Original = win.FontFace;
  const set = document.fonts;
  if (typeof Original !== 'function' || !set || typeof set.add !== 'function') return () => {};
  const seen = new WeakMap();
  const FontFace = function FontFace(family, source, descriptors) {
    if (!new.target) return Original(family, source, descriptors); // throws as the browser does
    const face = new Original(family, source, descriptors);
    try {
      const font = describeFont(family, source, descriptors);
      if (font) seen.set(face, font);
    } catch (error) {
      onError(error);
    }
    return face;
  };
  FontFace.prototype = Original.prototype; // `instanceof FontFace` still holds
  win.FontFace = FontFace;
  const ownAdd = Object.prototype.hasOwnProperty.call(set, 'add');
  const add = set.add;
  set.add = function addFont(face) {
    const font = seen.get(face);
    if (font) {
      seen.delete(face);
      try {
        recorder.addMediaEvent(-1, JSON.stringify({ source: 10, ...font }));
      } catch (error) {
        onError(error);
      }
    }
    return add.call(this, face);
  };
  return () => {
    if (win.FontFace === FontFace) win.FontFace = Original;
    if (ownAdd) set.add = add;
    else delete set.add;
  };
}

/**
 * Starts the opt-in captures on a started wasm `Recorder`: `canvas` (`true` or `{fps?, quality?,
 * maxSize?}`; falsy = off), `fonts` (boolean). `onError` receives failures of single frames or
 * fonts (recording goes on). Returns `{stop(), reset()}`: `reset()` after every FullSnapshot.
 * Throws a TypeError on invalid `canvas` options.
 */
export function startMediaCapture(recorder, { canvas, fonts }, onError) {
  const sampler = canvas ? startCanvas(recorder, canvas, onError) : null;
  const unfonts = fonts ? startFonts(recorder, onError) : null;
  return {
    stop() {
      sampler?.stop();
      unfonts?.();
    },
    reset() {
      sampler?.reset();
    },
  };
}
