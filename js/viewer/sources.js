// Where sessions come from: the collector's read API (`rewind serve`) or recordings opened in
// the browser. Both produce the same two shapes for the rest of the viewer:
//
//   row      {key, source: 'collector'|'file', session_id, distinct_id, start_time,
//             duration_s, entry_url, n_events, n_errors, n_rage_clicks?, name?}
//                                                                    (a sidebar entry)
//   analysis {session: {…SessionSummary}, actions: [...], warnings: [...]}
//
// Times are Unix epoch milliseconds, `duration_s` seconds (as the analyzer says them).

/** Rows per page of `GET /v1/sessions` (the collector's default; it caps `limit` at 100). */
export const PAGE_SIZE = 50;

/** A refused read key (401/403): the viewer asks for it again. */
export class AuthError extends Error {}

/**
 * The read API of one collector. The read key lives in sessionStorage only (per collector base
 * URL), never in localStorage or a cookie: it leaves with the tab.
 */
export class Collector {
  constructor(baseUrl) {
    this.baseUrl = String(baseUrl).replace(/\/+$/, '');
    this.storageKey = `rewind-viewer:read-key:${this.baseUrl}`;
    /** A share link's token (from the address, never stored): reads one session, no listing. */
    this.shareToken = null;
  }

  get readKey() {
    try {
      return sessionStorage.getItem(this.storageKey);
    } catch {
      return this.memoryKey ?? null; // storage disabled: the key lives as long as this viewer
    }
  }

  set readKey(key) {
    this.memoryKey = key || null;
    try {
      if (key) sessionStorage.setItem(this.storageKey, key);
      else sessionStorage.removeItem(this.storageKey);
    } catch {
      // storage disabled: memoryKey it is
    }
  }

  async get(path) {
    return (await this.request(path)).json();
  }

  /** GET `path` with the key or share token: the response, once its status is a success. */
  async request(path) {
    // A share link's token (viewer/location.js) reads its one session instead of the key.
    const key = this.shareToken ? `share.${this.shareToken}` : this.readKey;
    if (!key) throw new AuthError('no read key');
    let res;
    try {
      res = await fetch(this.baseUrl + path, { headers: { authorization: `Bearer ${key}` }, cache: 'no-store' });
    } catch (error) {
      // A browser reports a cross-origin refusal exactly like a network failure; say the
      // likelier fix when the collector is on another origin.
      const crossOrigin = new URL(this.baseUrl, location.href).origin !== location.origin;
      const hint = crossOrigin ? `; if it is running, it must allow this page's origin: rewind serve --read-cors-origin ${location.origin}` : '';
      throw new Error(`cannot reach the collector at ${this.baseUrl} (${error.message})${hint}`);
    }
    if (res.status === 401 || res.status === 403) {
      // A share link says why (expired, revoked); a key's refusal is answered with the key form.
      const reason = this.shareToken ? (await res.json().catch(() => ({}))).error : null;
      throw new AuthError(reason ?? 'the collector refused this read key');
    }
    if (!res.ok) {
      const body = await res.json().catch(() => ({}));
      throw new Error(body.error ?? `the collector answered ${res.status}`);
    }
    return res;
  }

  /**
   * One page of sessions, newest first: `{rows, total}`. `user` filters by exact visitor id;
   * `withErrors` / `withRage` keep sessions with console errors / rage clicks (counted by the
   * collector; a session whose rage count is not ready yet is left out); `url` keeps sessions that
   * visited a page whose URL contains it (the read API's `url`). `limit`: rows per
   * page, PAGE_SIZE unless asked (the collector caps it at 100).
   */
  async list({ offset = 0, user = '', withErrors = false, withRage = false, url = '', limit = PAGE_SIZE } = {}) {
    const q = new URLSearchParams({ limit: String(limit), offset: String(offset) });
    if (user) q.set('user', user);
    if (url) q.set('url', url);
    if (withErrors) q.set('min_errors', '1');
    if (withRage) q.set('min_rage_clicks', '1');
    const body = await this.get(`/v1/sessions?${q}`);
    const rows = body.sessions.map((s) => ({ ...s, key: `c:${s.session_id}`, source: 'collector' }));
    return { rows, total: body.total };
  }

  /** The analyzer's output for a stored session (one `replays` element of `rewind analyze --format json`). */
  async analysis(sessionId) {
    const replay = await this.get(`/v1/sessions/${encodeURIComponent(sessionId)}/analysis`);
    return splitReplay(replay);
  }

  /** The stored events, as `{session, gaps, events, warnings}`. */
  events(sessionId) {
    return this.get(`/v1/sessions/${encodeURIComponent(sessionId)}`);
  }

  /**
   * The stored events as they arrive: `{events, whole}`, `events` a `ReadableStream` of the
   * response's `events` array (its bytes, for js/player.js), `whole` the response parsed once
   * complete (`{session, gaps, events, warnings}`, for the console and network panels).
   */
  async openEvents(sessionId) {
    const res = await this.request(`/v1/sessions/${encodeURIComponent(sessionId)}`);
    return splitEvents(res.body);
  }
}

/**
 * Splits the body of `GET /v1/sessions/{id}` (`{"session":…,"gaps":…,"events":[…],"warnings":…}`,
 * streamed by the collector batch by batch) into `{events, whole}`: a stream of the body's bytes
 * from the `events` array's `[` on, passed on as they arrive (the player reads the array and
 * ignores what follows its `]`), and a promise of the whole body parsed. The array is found by
 * its key at the top level, strings and nesting tracked, so a string or a nested key that reads
 * `events` is not taken for it.
 */
export function splitEvents(body) {
  const reader = body.getReader();
  const parts = [];
  let size = 0;
  let control;
  let cancelled = false; // the player is gone; the panels still read the whole body
  const events = new ReadableStream({
    start(c) {
      control = c;
    },
    cancel() {
      cancelled = true;
    },
  });
  const pass = (bytes) => {
    if (!cancelled && bytes.length) control.enqueue(bytes);
  };
  // The scanner's state over the head, until the array is found.
  let found = false;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let key = [];
  let lastKey = '';
  const scan = (bytes) => {
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (inString) {
        if (escaped) escaped = false;
        else if (b === 0x5c) escaped = true;
        else if (b === 0x22) {
          inString = false;
          if (depth === 1) lastKey = String.fromCharCode(...key);
        } else if (depth === 1 && key.length < 16) key.push(b);
        continue;
      }
      if (b === 0x22) {
        inString = true;
        key = [];
      } else if (b === 0x7b || b === 0x5b) {
        if (b === 0x5b && depth === 1 && lastKey === 'events') return i;
        depth++;
      } else if (b === 0x7d || b === 0x5d) depth--;
    }
    return -1;
  };
  const whole = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parts.push(value);
        size += value.length;
        if (found) {
          pass(value);
          continue;
        }
        const at = scan(value);
        if (at >= 0) {
          found = true;
          pass(value.subarray(at));
        }
      }
      if (!found) throw new Error('the collector\'s answer has no events');
      if (!cancelled) control.close();
    } catch (error) {
      if (!cancelled) control.error(error);
      throw error;
    }
    const all = new Uint8Array(size);
    let at = 0;
    for (const part of parts) {
      all.set(part, at);
      at += part.length;
    }
    return JSON.parse(new TextDecoder().decode(all));
  })();
  return { events, whole };
}

/**
 * `{summary_markdown, actions, redactions, warnings, ...session}` →
 * `{session, actions, redactions, warnings, summaryMarkdown}` (js/analyze.js's `Analysis`).
 */
function splitReplay({ summary_markdown, actions, redactions, warnings, ...session }) {
  return {
    session,
    actions: actions ?? [],
    redactions: redactions ?? 0,
    warnings: warnings ?? [],
    summaryMarkdown: summary_markdown ?? '',
  };
}

/**
 * Recordings opened in the browser, analysed by the wasm analyzer (js/analyze.js) without any
 * upload: the bytes go from the File straight into wasm, in a worker (viewer/analyze-worker.js)
 * so the page stays responsive; on the main thread where workers are unavailable. The analyzer
 * (≈1 MB of wasm) is only loaded when the first file is opened.
 */
export class FileSource {
  /**
   * @param {string | URL} analyzeUrl where js/analyze.js is served (the worker imports it)
   * @param {() => Promise<object>} [load] loads it on this thread (default: `import(analyzeUrl)`)
   */
  constructor(analyzeUrl, load) {
    this.analyzeUrl = String(analyzeUrl);
    this.load = load ?? (() => import(/* webpackIgnore: true */ /* @vite-ignore */ this.analyzeUrl));
    this.rows = [];
    this.results = new Map();
    this.inputs = new Map(); // key → the text or bytes opened, for the player
    this.opened = 0;
    this.worker = null;
    this.pending = new Map();
    this.messages = 0;
  }

  /** `analyze(input, replayId)` in the worker, else (no worker, or it broke) on this thread. */
  analyze(input, replayId) {
    return this.run('analyze', input, replayId);
  }

  /**
   * The number of rage-click bursts of the opened recording `key` (see viewer/rage.js), set on
   * its row as `n_rage_clicks`; a second pass after the analysis, so the row shows at once and
   * the badge follows. Resolves to the row, or null when the recording is gone or refused.
   */
  async countRage(key) {
    const row = this.rows.find((r) => r.key === key);
    const input = this.inputs.get(key);
    if (!row || input === undefined || row.error) return null;
    try {
      row.n_rage_clicks = await this.run('rage', input, row.session_id);
    } catch {
      row.n_rage_clicks = null; // the analysis accepted it; a count is a bonus, not a verdict
    }
    return row;
  }

  /** `task` (`analyze` | `rage`) in the worker, else (no worker, or it broke) on this thread. */
  async run(task, input, replayId) {
    if (this.worker === null) this.worker = this.startWorker();
    if (this.worker) {
      try {
        return await this.inWorker(task, input, replayId);
      } catch (error) {
        if (!error.workerFailed) throw error; // the analyzer's own verdict on the file
      }
    }
    const analyzer = await this.load();
    if (task === 'rage') return (await import('./rage.js')).rageClicks(analyzer, input, replayId);
    return analyzer.analyze(input, replayId);
  }

  inWorker(task, input, replayId) {
    const id = ++this.messages;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Copied, not transferred: if the worker breaks, the bytes are still here to retry.
      this.worker.postMessage({ id, task, input, replayId });
    });
  }

  startWorker() {
    try {
      const url = new URL('./analyze-worker.js', import.meta.url);
      url.searchParams.set('analyze', new URL(this.analyzeUrl, location.href).href);
      const worker = new Worker(url, { type: 'module' });
      worker.onmessage = ({ data }) => {
        // The analyzer did not load in the worker: as if the worker broke (all retried here).
        if (data.failed) return worker.onerror({ message: data.error, preventDefault() {} });
        const waiting = this.pending.get(data.id);
        this.pending.delete(data.id);
        if (data.error !== undefined) waiting?.reject(new Error(data.error));
        else waiting?.resolve(data.result);
      };
      worker.onerror = (event) => {
        // The worker itself failed (it did not load, or the analyzer did not): what waits is
        // retried on the main thread, and so is everything from now on.
        event.preventDefault();
        for (const { reject } of this.pending.values()) {
          reject(Object.assign(new Error(event.message || 'the analyzer worker failed'), { workerFailed: true }));
        }
        this.pending.clear();
        worker.terminate();
        this.worker = false;
      };
      return worker;
    } catch {
      return false; // e.g. a cross-origin viewer.js: workers must be same-origin
    }
  }

  /**
   * Analyses `files` (File, Blob, or `{name, text}`), one after another; resolves to the new
   * rows. A file the analyzer refuses becomes a row with `error` (shown, selectable).
   */
  async open(files) {
    const added = [];
    for (const file of files) {
      const name = file.name || `recording-${this.opened + 1}`;
      const key = `f:${++this.opened}`;
      let row;
      try {
        // Text stays text; bytes go as bytes so gzip is detected by the analyzer.
        const input = typeof file.text === 'string' ? file.text : new Uint8Array(await file.arrayBuffer());
        const result = await this.analyze(input, name.replace(/(\.json|\.jsonl|\.ndjson|\.gz)+$/i, ''));
        this.inputs.set(key, input);
        this.results.set(key, { session: result.session, actions: result.actions, warnings: result.warnings });
        row = { ...result.session, session_id: result.session.replay_id, key, source: 'file', name };
      } catch (error) {
        const message = String(error?.message ?? error);
        this.results.set(key, { error: message });
        row = { key, source: 'file', name, session_id: name, error: message, n_events: 0, n_errors: 0, duration_s: 0 };
      }
      added.push(row);
    }
    // Newest drop first; files of one drop keep their order.
    this.rows = [...added, ...this.rows];
    return added;
  }

  analysis(key) {
    const result = this.results.get(key);
    if (!result) throw new Error('this recording is no longer open');
    if (result.error) throw new Error(`cannot analyse this file: ${result.error}`);
    return result;
  }

  /** The recording as opened (text or bytes; gzip stays gzip), for the player. */
  recording(key) {
    const input = this.inputs.get(key);
    if (input === undefined) throw new Error('this recording is no longer open');
    return input;
  }

  close() {
    if (this.worker) this.worker.terminate();
    this.worker = null;
  }
}
