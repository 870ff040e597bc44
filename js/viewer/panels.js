// The Console and Network tabs of the session panel, from the recording's own plugin events
// (`rrweb/console@*` and `rrweb/network@*`, the ones the analyzer reads for its errors), synced
// to playback: what has happened by the current time is shown plainly, what is still to come
// dimmed, the latest row kept in view; clicking a row seeks there.
import { h } from './dom.js';
import { renderConsole } from './console-panel.js';
import { renderNetwork } from './network-panel.js';

/**
 * The rrweb events of a recording as the viewer holds it: the collector's `{events}`, an array,
 * or the opened text or bytes (JSON, JSON Lines, gzip of either). Resolves to an array; rejects
 * with a plain message for anything else.
 */
export async function decodeEvents(input) {
  if (Array.isArray(input)) return input;
  if (Array.isArray(input?.events)) return input.events;
  let text = input;
  if (input instanceof Uint8Array || input instanceof ArrayBuffer) {
    let bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
      const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
      bytes = new Uint8Array(await new Response(stream).arrayBuffer());
    }
    text = new TextDecoder().decode(bytes);
  }
  if (typeof text !== 'string') throw new Error('not a recording');
  const trimmed = text.trim().replace(/^\uFEFF/, '');
  if (trimmed.startsWith('[')) return JSON.parse(trimmed);
  const first = trimmed.startsWith('{') ? JSON.parse(trimmed.split('\n', 1)[0]) : null;
  if (Array.isArray(first?.events) && !trimmed.includes('\n')) return first.events;
  // JSON Lines: one event (or one `{events}` batch) a line.
  return trimmed.split('\n').filter((l) => l.trim()).flatMap((l) => {
    const v = JSON.parse(l);
    return Array.isArray(v?.events) ? v.events : [v];
  });
}

/** rrweb's `EventType.Plugin`. */
const PLUGIN = 6;

/**
 * Adds the Console and Network tabs to `view` (renderSession's) once `recording` (a promise of
 * what decodeEvents takes) resolves, and keeps them at the replay's time. Returns `{destroy()}`.
 */
export function mountPanels(view, recording) {
  let gone = false;
  const { stage, panel } = view;
  const seek = (t) => stage.seekTo?.(t);
  const logs = h('div', { className: 'rw-tabpanel__body' }, h('p', { className: 'rw-list-note' }, 'Reading the console…'));
  const requests = h('div', { className: 'rw-tabpanel__body' }, h('p', { className: 'rw-list-note' }, 'Reading the requests…'));
  panel.add('console', 'Console', logs);
  panel.add('network', 'Network', requests);
  recording.then(decodeEvents).then((events) => {
    if (gone) return;
    const console_ = [];
    const network = [];
    for (const e of events) {
      if (e?.type !== PLUGIN || typeof e.data?.plugin !== 'string') continue;
      if (e.data.plugin.startsWith('rrweb/console@')) console_.push(e);
      else if (e.data.plugin.startsWith('rrweb/network@')) network.push(e);
    }
    const c = renderConsole(console_, stage.start, seek);
    const n = renderNetwork(network, stage.start, events.at(-1)?.timestamp ?? stage.start, seek);
    logs.replaceWith(c.element);
    requests.replaceWith(n.element);
    panel.setCount('console', c.count);
    panel.setCount('network', n.count);
    stage.onTime((t) => {
      c.at(t);
      n.at(t);
    });
  }).catch((error) => {
    if (gone) return;
    const note = `Cannot read this recording’s events: ${error?.message ?? error}`;
    logs.replaceChildren(h('p', { className: 'rw-list-note' }, note));
    requests.replaceChildren(h('p', { className: 'rw-list-note' }, note));
  });
  return {
    destroy() {
      gone = true;
    },
  };
}
