// rewind-replay — console capture's browser edge (opt-in: `init({capture: {console: true,
// consoleLevels}})`).
//
// Loaded by ./index.js only when `capture.console` is on, as a separate chunk, so the recorder
// every page downloads carries none of it. It wraps the chosen `console` methods (a `Proxy`,
// ./hooks.js's `wrapMethod`; the hook runs before the original) and listens for uncaught errors
// and unhandled rejections; the network chunk's small wasm (`ConsolePolicy`, loaded with
// `loadNetworkWasm` of ./network.js; src/wasm/console.rs, src/privacy/console.rs) writes each
// record as rrweb's console plugin does: a Plugin event (rrweb EventType 6)
// `{plugin: "rrweb/console@1", payload: {level, trace: string[], payload: string[]}}`, every
// argument stringified, its URLs scrubbed and PII redacted by the recorder's Rust rules,
// truncated to 1,000 characters, at most 1,000 records per recording (then one warning). The
// recorder's `addPluginEvent` adds it; a failure there goes to `onError`, never to the page.

import { wrapMethod } from './hooks.js';

/** The plugin name, rrweb's (`model::event` reads `rrweb/console@*`). */
export const CONSOLE_PLUGIN = 'rrweb/console@1';
/** `capture.consoleLevels` default (documented in index.d.ts; keep both in step). */
const DEFAULT_LEVELS = ['error', 'warn'];

/**
 * `capture`: the recorder's `capture` options (`console: true`, `consoleLevels`; the network
 * chunk's wasm comes from `network.wasm` when set, else next to its glue); `privacy`: the
 * recorder's privacy options (`stripUrlQuery`, `keepQueryOrigins`, `redactPatterns`). Loads the
 * wasm, then resolves to `(recorder, onError) => stop()`: called once recording has started, it
 * wraps the console and listens; `stop()` undoes both.
 */
export async function prepare(capture, ingestBaseUrl, privacy = {}) {
  // A dynamic import: a static one would make bundlers move ./network.js into a chunk shared
  // with the recorder's.
  const { loadNetworkWasm } = await import('./network.js');
  const bindings = await loadNetworkWasm(capture.network?.wasm);
  const levels = [...new Set(capture.consoleLevels ?? DEFAULT_LEVELS)];
  return (recorder, onError) => {
    // One policy per recording: its record count is the recording's.
    const policy = new bindings.ConsolePolicy(privacy);
    // A record made while another is being made (an argument's `toJSON` that logs, an
    // `onError` that logs) is dropped: no loop, as in the recorder's own hooks.
    let busy = false;
    const add = (make) => {
      if (busy) return;
      busy = true;
      try {
        const payload = make();
        if (payload !== undefined) recorder.addPluginEvent(CONSOLE_PLUGIN, payload);
      } catch (error) {
        onError(error);
      } finally {
        busy = false;
      }
    };
    const undos = levels.map((level) => wrapMethod(console, level, false, (_, args) => add(() => policy.log(level, args))));
    const onErrorEvent = (event) => {
      if (event instanceof ErrorEvent) add(() => policy.error(event.message, event.error));
    };
    const onRejection = (event) => add(() => policy.rejection(event.reason));
    // Capture phase, as the recorder's own listeners: a page handler cannot stop them first.
    window.addEventListener('error', onErrorEvent, true);
    window.addEventListener('unhandledrejection', onRejection, true);
    return () => {
      for (const undo of undos) undo?.();
      window.removeEventListener('error', onErrorEvent, true);
      window.removeEventListener('unhandledrejection', onRejection, true);
      policy.free();
    };
  };
}
