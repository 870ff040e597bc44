// A recording opened from a file plays while the analyzer still reads it: the session view is
// shown at once with an empty analysis and the player mounted in it, so the first page appears
// as soon as the player has decoded it (js/player.js reads a JSON array up to its first
// FullSnapshot, then the rest in slices), not after the whole file has been analysed in the
// worker. When the analysis arrives, `adopt` puts its header, metrics and action list around
// the player already playing: the player slot (its iframe, controls, position) is never moved,
// since an iframe taken out of the document loses its page.
import { h } from './dom.js';
import { renderSession } from './panel.js';
import { mountReplay } from './replay.js';

/** Bytes of a file's start searched for its first event's `timestamp`. */
export const START_SCAN_BYTES = 64 * 1024;

/** Shown in the metrics and the action list while the analysis runs. */
const PENDING = '…';

/**
 * The first event's `timestamp` (Unix epoch ms) of an rrweb recording's JSON text or bytes, read
 * from its first {@link START_SCAN_BYTES} bytes; null when not found there (gzip, another
 * shape). The session view's captions count from it, so it must be known before the analysis.
 */
export function firstTimestamp(input) {
  const head = typeof input === 'string'
    ? input.slice(0, START_SCAN_BYTES)
    : new TextDecoder().decode(input.subarray(0, START_SCAN_BYTES));
  const match = /"timestamp"\s*:\s*(\d{10,16})\b/.exec(head);
  return match ? Number(match[1]) : null;
}

/**
 * Shows `input` (a file's text or bytes) named `name` in `main` before its analysis: the session
 * view with the player. Returns null when its start time cannot be read from its first bytes
 * (the caller then waits for the analysis, as before). Otherwise
 * `{key, replay, adopt(row, analysis), destroy()}`: set `key` to the row's once it exists;
 * `adopt` is {@link showPending}'s.
 */
export function showEarly(main, { name, input, loadPlayer }) {
  const start = firstTimestamp(input);
  if (start == null) return null;
  const row = { key: null, source: 'file', name, session_id: name };
  const shown = showPending(main, row, {
    start,
    mount: (view) => mountReplay(view.stage, { source: async () => input, loadPlayer }),
  });
  return {
    key: null,
    replay: shown.replay,
    adopt: shown.adopt,
    destroy() {
      shown.replay.destroy();
    },
  };
}

/**
 * Shows `row` in `main` before its analysis: the session view with what `row` already says
 * (a collector's list row: visitor, start, duration, errors; the rest `…`), the action list
 * busy with a note, and the replay `mount(view)` returns (viewer/replay.js's) in its player
 * slot. `start`: the recording's first event, Unix epoch ms, when known (the captions count
 * from it; `adopt` corrects it). Returns `{view, replay, adopt(row, analysis), fail(message)}`:
 * `adopt` puts the analysis's header, metrics and action list around the player already
 * playing and returns `{stage, panel, setLive}` (the stage the replay drives, the analysed
 * view's tabbed panel for the console and network tabs, its Live badge's setter), or false when
 * the view is gone; `fail` says in the panel that the analysis failed (the replay plays on).
 */
export function showPending(main, row, { start = null, onVisitor, mount }) {
  // The same array is filled in by `adopt`: the slot's captions and the replay read it.
  const pending = {
    session: {
      start_time: start ?? undefined,
      n_clicks: PENDING,
      n_inputs: PENDING,
      n_pages: PENDING,
      n_errors: row.n_errors ?? PENDING,
    },
    actions: [],
    warnings: [],
  };
  const view = renderSession(row, pending, { onVisitor });
  view.setAttribute('aria-busy', 'true');
  // The empty list says so, busy (a listbox may then have no options) with a note beside it.
  const list = view.querySelector('.rw-actions');
  const note = h('p', { className: 'rw-list-note', role: 'status' }, 'Analysing the actions…');
  if (list) {
    list.replaceChildren();
    list.setAttribute('aria-busy', 'true');
    list.before(note);
  }
  const stage = view.stage;
  let pick = null;
  const registerPick = stage.onPick;
  stage.onPick = (fn) => {
    pick = fn;
    registerPick(fn);
  };
  main.replaceChildren(view);
  main.scrollTop = 0;
  const replay = mount(view);

  return {
    view,
    replay,
    adopt(row_, analysis) {
      if (!view.isConnected) return false;
      const next = renderSession(row_, analysis, { onVisitor });
      pending.actions.push(...analysis.actions);
      swapAround(view, next, stage.screen.closest('.player-slot'), next.stage.screen.closest('.player-slot'));
      if (pick) next.stage.onPick(pick);
      // The kept slot's captions count from the analysis's start (a guess until now).
      stage.setStart(next.stage.start);
      // The kept slot shows the current action's caption and URL; the new list highlights it.
      const highlightSlot = stage.highlight;
      stage.highlight = (index) => {
        highlightSlot(index);
        next.stage.highlight(index);
      };
      stage.actions = pending.actions;
      view.removeAttribute('aria-busy');
      // The action at the position now, as the replay marks it on its next update.
      const player = replay.player;
      const epoch = player ? player.info().start_time + player.currentTime() + 1 : next.stage.start;
      const current = pending.actions.findLastIndex((a) => a.t_ms <= epoch);
      highlightSlot(Math.max(current, 0));
      next.stage.highlight(current);
      return { stage, panel: next.panel, setLive: next.setLive };
    },
    fail(message) {
      if (!view.isConnected) return;
      view.removeAttribute('aria-busy');
      // No list at all rather than an empty listbox that is no longer busy.
      if (list) list.hidden = true;
      note.replaceWith(h('div', { className: 'rw-list-alert', role: 'alert' },
        h('strong', {}, 'Cannot analyse this session'),
        h('span', {}, message),
        h('span', {}, 'The replay plays on without the action list.')));
    },
  };
}

/**
 * Makes `old` show `next`'s content except `keep` (a descendant of `old`), which stays where it
 * is: at every level from `old` down to `keep`, the siblings of the kept branch are replaced by
 * `next`'s siblings of its own branch towards `keepNext`, in their order.
 */
function swapAround(old, next, keep, keepNext) {
  if (!keep || !keepNext) throw new Error('viewer: the session view has no player slot');
  const chain = (top, leaf) => {
    const path = [];
    for (let node = leaf; node && node !== top; node = node.parentElement) path.unshift(node);
    return path;
  };
  const oldPath = chain(old, keep);
  const nextPath = chain(next, keepNext);
  if (oldPath.length !== nextPath.length) throw new Error('viewer: the session views differ in shape');
  let oldParent = old;
  let nextParent = next;
  for (let i = 0; i < oldPath.length; i++) {
    const [oldBranch, nextBranch] = [oldPath[i], nextPath[i]];
    for (const child of [...oldParent.childNodes]) if (child !== oldBranch) child.remove();
    let before = true;
    for (const child of [...nextParent.childNodes]) {
      if (child === nextBranch) before = false;
      else if (before) oldParent.insertBefore(child, oldBranch);
      else oldParent.append(child);
    }
    for (const name of nextParent.getAttributeNames()) oldParent.setAttribute(name, nextParent.getAttribute(name));
    oldParent = oldBranch;
    nextParent = nextBranch;
  }
}
