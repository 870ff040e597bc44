// rewind-replay — network capture's browser edge (opt-in: `init({capture: {network}})`).
//
// Loaded by ./index.js only when `capture.network` is set, as a separate chunk with its own
// small wasm (`pkg-record/rewind_network_bg.wasm`), so pages that do not capture requests
// download neither. It wraps `fetch` and `XMLHttpRequest` and gathers plain facts about each
// finished request (method, URL, status, timings and sizes from the browser's
// PerformanceResourceTiming entry, headers, and a body only when the policy says it may be
// read). Every decision — ingest requests, the URL allow-list, denied headers, content types,
// size caps, redaction, the `rrweb/network@1` payload — is made in Rust
// (`src/privacy/network.rs`, through the wasm `NetworkPolicy`); the payload reaches the
// recording through the Recorder's `addPluginEvent`.
//
// The wrappers never change what the page sees: `fetch` returns the browser's own promise,
// XHR methods call the originals with the page's arguments, and a failure inside capture is
// reported to `onError`, never thrown into the page. `stop()` puts the originals back (a
// wrapper that page code wrapped again stays in place, inert).

/** The plugin name of rrweb's network plugin (`privacy::network::NETWORK_PLUGIN`). */
const NETWORK_PLUGIN = 'rrweb/network@1';
/** How long a body is waited for before the request is recorded without it, ms. */
const BODY_WAIT_MS = 1000;
/** Waits for the browser's PerformanceResourceTiming entry (it may lag the response), ms. */
const TIMING_WAITS_MS = [0, 50, 150, 300];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function absolute(url) {
  try {
    return new URL(String(url), location.href).href;
  } catch {
    return String(url);
  }
}

function headerPairs(headers) {
  const out = [];
  try {
    new Headers(headers ?? undefined).forEach((value, name) => out.push([name, value]));
  } catch {
    // unreadable headers: none recorded
  }
  return out;
}

function headerOf(pairs, name) {
  const found = pairs.find(([n]) => n.toLowerCase() === name);
  return found ? found[1] : '';
}

/** A request body as text, when it is text already (string, URLSearchParams); else undefined. */
function bodyText(body) {
  if (typeof body === 'string') return body;
  if (typeof URLSearchParams !== 'undefined' && body instanceof URLSearchParams) return body.toString();
  return undefined;
}

/** `XMLHttpRequest.getAllResponseHeaders()` as `[name, value]` pairs. */
function parseRawHeaders(raw) {
  const out = [];
  for (const line of String(raw ?? '').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) out.push([line.slice(0, i).trim(), line.slice(i + 1).trim()]);
  }
  return out;
}

// The network wasm is loaded once per page, for network capture and for ./vitals.js (its page
// URLs): two concurrent inits of wasm-bindgen glue would instantiate the module twice, and
// objects made by the first would then call into the second's memory.
let loading = null;

/**
 * The network wasm's bindings once loaded; `wasm` is where its wasm comes from (default next to
 * the glue; the first call's wins). A failed load is reported as ./load-error.js words it, and
 * the next call tries again.
 */
export function loadNetworkWasm(wasm) {
  loading ??= (async () => {
    const bindings = await import('../pkg-record/rewind_network.js');
    try {
      await bindings.default(wasm === undefined ? undefined : { module_or_path: wasm });
    } catch (error) {
      loading = null;
      throw (await import('./load-error.js')).loadError(error, 'pkg-record/rewind_network');
    }
    return bindings;
  })();
  return loading;
}

/**
 * `capture.network` (set: `true` is metadata only) as the wasm `NetworkPolicy` reads it: the
 * recorder's privacy options and the ingest URL added.
 */
function networkOptions(network, ingestBaseUrl, privacy) {
  const out = { privacy, allowUrls: Array.from(network.allowUrls ?? [], String) };
  if (network.bodyContentTypes) out.bodyContentTypes = Array.from(network.bodyContentTypes, String);
  if (ingestBaseUrl != null) out.ingestBaseUrl = String(ingestBaseUrl);
  return out;
}

/**
 * Loads the network wasm and builds the policy from `capture.network` (`true` or
 * `{allowUrls?, bodyContentTypes?, wasm?}`, `wasm` being where its wasm comes from, default
 * next to the glue), the ingest URL and the recorder's privacy options. Resolves to
 * `start(recorder, onError)`, which installs the wrappers and returns `stop()`.
 */
export async function prepare({ network }, ingestBaseUrl, privacy) {
  const bindings = await loadNetworkWasm(network.wasm);
  const policy = new bindings.NetworkPolicy(networkOptions(network, ingestBaseUrl, privacy));
  return (recorder, onError) => captureNetwork(recorder, policy, onError);
}

/**
 * Starts capturing: requests go through `policy` (the wasm `NetworkPolicy`) into `recorder`
 * (`addPluginEvent`). Returns `stop()`, which undoes every wrapper; requests still in flight
 * are then dropped.
 */
function captureNetwork(recorder, policy, onError) {
  let stopped = false;
  const used = new WeakSet(); // timing entries already matched to a request
  const restores = [];

  const wanted = (url, contentType, length) => {
    try {
      return !stopped && policy.bodyWanted(url, location.href, contentType, length);
    } catch (error) {
      onError(error);
      return false;
    }
  };

  /** The latest unused resource-timing entry of `url` by `initiatorType` that began after `after`. */
  function timingEntry(url, initiatorType, after) {
    const entries = performance.getEntriesByName?.(url) ?? [];
    for (let i = entries.length - 1; i >= 0; i--) {
      const e = entries[i];
      if (e.initiatorType === initiatorType && e.startTime >= after - 1 && !used.has(e)) {
        used.add(e);
        return e;
      }
    }
    return null;
  }

  async function record(request, start, end) {
    let entry = null;
    for (const wait of TIMING_WAITS_MS) {
      if (wait) await sleep(wait);
      if (stopped) return;
      entry = timingEntry(request.url, request.initiatorType, start);
      if (entry) break;
    }
    if (stopped) return;
    request.startTime = entry ? entry.startTime : start;
    request.endTime = entry ? entry.responseEnd : end;
    if (entry) {
      request.transferSize = entry.transferSize;
      request.encodedBodySize = entry.encodedBodySize;
      request.decodedBodySize = entry.decodedBodySize;
    }
    try {
      const payload = policy.payload(location.href, request);
      if (payload !== undefined) recorder.addPluginEvent(NETWORK_PLUGIN, payload);
    } catch (error) {
      onError(error);
    }
  }

  function requestBody(url, pairs, body) {
    const text = bodyText(body);
    if (text === undefined) return undefined;
    const type = headerOf(pairs, 'content-type') || (typeof body === 'string' ? '' : 'application/x-www-form-urlencoded');
    return wanted(url, type, text.length) ? text : undefined;
  }

  // --- fetch
  const originalFetch = globalThis.fetch;
  if (typeof originalFetch === 'function') {
    const wrappedFetch = function fetch(input, init) {
      const start = performance.now(); // before the call: the timing entry starts there
      const promise = originalFetch.apply(this, arguments);
      if (stopped) return promise;
      let request;
      try {
        const isRequest = typeof Request !== 'undefined' && input instanceof Request;
        const url = absolute(isRequest ? input.url : input);
        const requestHeaders = headerPairs(init?.headers ?? (isRequest ? input.headers : undefined));
        request = {
          method: String(init?.method ?? (isRequest ? input.method : 'GET')).toUpperCase(),
          url,
          initiatorType: 'fetch',
          requestHeaders,
          requestBody: requestBody(url, requestHeaders, init?.body),
        };
      } catch (error) {
        onError(error);
        return promise;
      }
      promise.then(
        async (response) => {
          const end = performance.now();
          // An opaque (no-cors) response hides its status as 0: unknown, not a failure.
          if (!response.type.startsWith('opaque')) request.status = response.status;
          request.responseHeaders = headerPairs(response.headers);
          const type = response.headers.get('content-type') ?? '';
          const length = Number(response.headers.get('content-length') ?? -1);
          if (wanted(request.url, type, Number.isFinite(length) ? length : -1)) {
            let copy;
            try {
              copy = response.clone();
              const body = await Promise.race([copy.text(), sleep(BODY_WAIT_MS).then(() => undefined)]);
              if (body === undefined) copy.body?.cancel().catch(() => {});
              request.responseBody = body;
            } catch {
              // body already used or unreadable: recorded without it
            }
          }
          await record(request, start, end);
        },
        async (error) => {
          request.status = 0;
          request.aborted = error?.name === 'AbortError';
          await record(request, start, performance.now());
        },
      ).catch(onError);
      return promise;
    };
    globalThis.fetch = wrappedFetch;
    restores.push(() => {
      if (globalThis.fetch === wrappedFetch) globalThis.fetch = originalFetch;
    });
  }

  // --- XMLHttpRequest
  const proto = globalThis.XMLHttpRequest?.prototype;
  if (proto) {
    const calls = new WeakMap();
    const wrap = (key, make) => {
      const original = proto[key];
      if (typeof original !== 'function') return;
      const wrapper = make(original);
      proto[key] = wrapper;
      restores.push(() => {
        if (proto[key] === wrapper) proto[key] = original;
      });
    };
    wrap('open', (original) => function open(method, url) {
      if (!stopped) {
        calls.set(this, {
          method: String(method).toUpperCase(),
          url: absolute(url),
          initiatorType: 'xmlhttprequest',
          requestHeaders: [],
        });
      }
      return original.apply(this, arguments);
    });
    wrap('setRequestHeader', (original) => function setRequestHeader(name, value) {
      calls.get(this)?.requestHeaders.push([String(name), String(value)]);
      return original.apply(this, arguments);
    });
    wrap('send', (original) => function send(body) {
      const request = calls.get(this);
      if (request && !stopped) {
        calls.delete(this); // one record per send; a reused xhr is opened again
        const xhr = this;
        const start = performance.now();
        try {
          request.requestBody = requestBody(request.url, request.requestHeaders, body);
          xhr.addEventListener('abort', () => {
            request.aborted = true;
          });
          xhr.addEventListener('loadend', () => {
            const end = performance.now();
            request.status = xhr.status;
            request.responseHeaders = parseRawHeaders(xhr.getAllResponseHeaders());
            const type = xhr.getResponseHeader('content-type') ?? '';
            try {
              const text = xhr.responseType === '' || xhr.responseType === 'text'
                ? xhr.responseText
                : xhr.responseType === 'json' ? JSON.stringify(xhr.response) : undefined;
              if (typeof text === 'string' && wanted(request.url, type, text.length)) request.responseBody = text;
            } catch {
              // unreadable response: recorded without it
            }
            record(request, start, end).catch(onError);
          });
        } catch (error) {
          onError(error);
        }
      }
      return original.apply(this, arguments);
    });
  }

  return function stop() {
    stopped = true;
    for (const restore of restores.splice(0)) restore();
  };
}
