// rewind-replay — error-triggered buffering's browser edge (opt-in: `init({sampling: {onError}})`
// with `onError > 0` and `ingestBaseUrl`).
//
// Loaded by ./index.js only then, as a separate chunk with its own small wasm
// (`pkg-record/rewind_buffering_bg.wasm`), so pages that send every session download neither.
// The policy — the session's sampling rolls, the decision kept in sessionStorage, the rolling
// last-minute window from a Meta + FullSnapshot, what counts as a trigger — is Rust
// (`src/transport/buffer.rs`, through the wasm `Buffering`). This file only routes the events:
// while the session is not sending, the recorder's Transport is held (it keeps the session alive
// and queues nothing, so no request is made) and the window keeps them; on a trigger that the
// roll lets through, the window is released into the Transport and the session goes on as a full one.

/** Bits of `Buffering.push`'s result (PUSH_CHECKOUT, PUSH_TRIGGER in src/wasm/buffering.rs). */
const CHECKOUT = 1;
const TRIGGER = 2;

/**
 * Loads the buffering wasm. `options`: `{session, onError, bufferMaxBytes}` (see the wasm
 * `Buffering`); `wasm`: where its wasm comes from, default next to the glue. Resolves to
 * `start(transport, takeFullSnapshot)`, which decides this session's mode and returns the
 * session's `{push(json), capture(), end(discard)}`: `push` takes the place of
 * `transport.push`; `end(true)` also forgets the window and the stored decision (opt-out).
 */
export async function bufferingCapture({ wasm, ...options }) {
  const bindings = await import('../pkg-record/rewind_buffering.js');
  try {
    await bindings.default(wasm === undefined ? undefined : { module_or_path: wasm });
  } catch (error) {
    throw (await import('./load-error.js')).loadError(error, 'pkg-record/rewind_buffering');
  }
  return (transport, takeFullSnapshot) => buffered(new bindings.Buffering(options, transport.sessionId()), transport, takeFullSnapshot);
}

function buffered(state, transport, takeFullSnapshot) {
  // Called while the recorder is emitting (a checkout, a console.error): the snapshot it asks
  // for must wait for the recorder to return.
  const snapshotSoon = () => queueMicrotask(takeFullSnapshot);
  const capture = () => {
    if (state.sending) return true;
    if (!state.trigger()) return false;
    const events = state.drain();
    // Nothing replayable was held (an overflow emptied the window): start from a fresh snapshot.
    if (events.length === 0) snapshotSoon();
    transport.release(events);
    return true;
  };
  transport.hold(!state.sending);
  return {
    push(json) {
      const held = !state.sending;
      if (transport.push(json)) {
        // The event ended its session: the window was the old session's; roll for the new one.
        state.renew(transport.sessionId());
        transport.hold(!state.sending);
        return;
      }
      if (!held) return;
      const bits = state.push(json, Date.now());
      if (bits & CHECKOUT) snapshotSoon();
      if (bits & TRIGGER) capture();
    },
    capture,
    end(discard) {
      if (discard) state.discard();
      state.free();
    },
  };
}
