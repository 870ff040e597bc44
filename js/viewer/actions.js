// The Actions tab of the session panel: the analyzer's actions as a listbox, with rage bursts
// folded into one row with a count, clicks the page did not answer flagged, the SDK's consent
// and identify events said once, expandable stack traces, and a search over them all.
import { h, icon, rovingList, uid } from './dom.js';
import { INTERACTION_LABEL, KIND_LABEL, offset, page } from './format.js';
import { kindOf } from './ticks.js';

/**
 * Clicks on one element this close together form one burst (the analyzer's rage-click window,
 * `RAGE_CLICK_WINDOW_MS` in src/analyze/session/signals).
 */
export const BURST_WINDOW_MS = 1_000;
/** Clicks in a burst from which it is a rage burst (the analyzer's `RAGE_CLICK_THRESHOLD`). */
export const RAGE_THRESHOLD = 3;

const isError = (kind) => kind === 'console_error' || kind === 'network_error';
const isClick = (a) => a.action === 'click' || a.action === 'touch_start';

/**
 * The rows of the list: `{index, last, count, rage}` per row, `index` the first action's index
 * in `actions`, `last` the burst's last. Repeated clicks on one element (same target node and
 * description, each within BURST_WINDOW_MS of the previous) fold into one row; consecutive
 * SDK rows that say the same thing (a consent or identify re-sent on every page) are dropped.
 */
export function foldActions(actions) {
  const rows = [];
  const said = new Map(); // SDK event tag → its last sentence
  for (let i = 0; i < actions.length; i++) {
    const a = actions[i];
    const prev = rows[rows.length - 1];
    const head = prev && actions[prev.last];
    if (prev && isClick(a) && isClick(head) && head.description === a.description
      && head.target_node_id === a.target_node_id && a.t_ms - head.t_ms <= BURST_WINDOW_MS) {
      prev.last = i;
      prev.count++;
      prev.rage = prev.count >= RAGE_THRESHOLD;
      continue;
    }
    const sentence = sdkEvent(a);
    if (sentence && (a.description === 'rewind.consent' || a.description === 'rewind.identify')) {
      if (said.get(a.description) === sentence) continue;
      said.set(a.description, sentence);
    }
    rows.push({ index: i, last: i, count: 1, rage: false });
  }
  return rows;
}

/** A click the page showed no response to (the analyzer's `metadata.outcome.kind`). */
export const isDead = (a) => isClick(a) && a.metadata?.outcome?.kind === 'nothing';

/**
 * The list. `onPick(action, index)` on a row chosen by click, Enter or Space. Returns
 * `{element, highlight(index), count}`; `highlight` marks the row holding action `index`.
 */
export function renderActions(actions, start, onPick) {
  const rows = foldActions(actions);
  const rowOf = new Map();
  rows.forEach((r, n) => {
    for (let i = r.index; i <= r.last; i++) rowOf.set(i, n);
  });
  const listId = uid('actions');
  const list = h('ol', { className: 'rw-actions', id: listId, role: 'listbox', 'aria-label': 'Actions' });
  const items = rows.map((r) => actionItem(actions[r.index], r, start));
  list.append(...items);
  const none = h('li', { className: 'rw-list-note', hidden: items.length > 0 }, items.length ? 'No action matches.' : 'No user actions were recorded.');
  list.append(none);
  if (items[0]) items[0].tabIndex = 0;
  let selected = null;
  rovingList(list, (option) => {
    selected?.setAttribute('aria-selected', 'false');
    selected = option;
    option.setAttribute('aria-selected', 'true');
    onPick(actions[Number(option.dataset.index)], Number(option.dataset.index));
  });
  const highlight = (index) => {
    const item = items[rowOf.get(index)] ?? null;
    if (item === selected) return;
    selected?.setAttribute('aria-selected', 'false');
    selected = item;
    if (!item) return;
    item.setAttribute('aria-selected', 'true');
    if (!list.contains(document.activeElement)) for (const other of items) other.tabIndex = other === item ? 0 : -1;
    scrollInto(list, item);
  };

  // Errors only, and a search over descriptions, URLs, payloads and traces.
  const errors = actions.filter((a) => isError(a.action)).length;
  let onlyErrors = false;
  let query = '';
  const apply = () => {
    let shown = 0;
    for (const item of items) {
      item.hidden = (onlyErrors && !item.classList.contains('rw-action--error')) || (query && !item.textContent.toLowerCase().includes(query));
      if (!item.hidden) shown++;
    }
    none.hidden = shown > 0;
  };
  const toggle = errors > 0
    ? h('button', {
      type: 'button', className: 'rw-toggle', 'aria-pressed': 'false', 'aria-controls': listId,
      onclick: () => {
        onlyErrors = !onlyErrors;
        toggle.setAttribute('aria-pressed', String(onlyErrors));
        apply();
      },
    }, icon('console_error'), `Errors only (${errors})`)
    : null;
  const searchId = uid('event-search');
  const search = h('input', {
    id: searchId, type: 'search', placeholder: 'Search actions, events, errors', autocomplete: 'off', 'aria-controls': listId,
    oninput: () => {
      query = search.value.trim().toLowerCase();
      apply();
    },
  });
  const element = h('div', { className: 'rw-tabpanel__body' },
    h('div', { className: 'rw-panel-tools' },
      h('label', { className: 'rw-visually-hidden', for: searchId }, 'Search events'),
      h('div', { className: 'rw-input-icon' }, icon('search'), search),
      toggle),
    list);
  return { element, highlight, count: rows.length };
}

/** Scrolls `list` (only) so `item` is in view. */
export function scrollInto(list, item) {
  const top = item.offsetTop; // the list is positioned: its own offsetParent
  if (top < list.scrollTop) list.scrollTop = top - 6;
  else if (top + item.offsetHeight > list.scrollTop + list.clientHeight) list.scrollTop = top + item.offsetHeight - list.clientHeight + 6;
}

/**
 * The SDK's own custom events (`rewind.consent`, `rewind.identify`, `rewind.tag`; the analyzer
 * describes a custom event by its tag) read as sentences; `null` for everything else.
 */
function sdkEvent(a) {
  if (a.action !== 'custom') return null;
  const p = a.metadata?.payload ?? {};
  switch (a.description) {
    case 'rewind.consent':
      return `Recording consent ${p.granted === false ? 'withdrawn' : 'given'}${p.source ? ` via ${p.source}` : ''}${p.version ? ` (version ${p.version})` : ''}`;
    case 'rewind.identify':
      return `Visitor identified as ${p.userId ?? 'nobody'}`;
    case 'rewind.tag':
      return `Tagged ${p.key} = ${compact(p.value)}`;
    default:
      return null;
  }
}

function actionItem(a, row, start) {
  const dead = isDead(a) && !row.rage;
  const chips = [
    INTERACTION_LABEL[a.metadata?.interaction] && a.action === 'click' ? chip(INTERACTION_LABEL[a.metadata.interaction]) : null,
    row.rage ? chip(`Rage × ${row.count}`, 'rage', `${row.count} clicks within ${BURST_WINDOW_MS / 1000} s each: a rage-click burst`) : row.count > 1 ? chip(`× ${row.count}`) : null,
    dead ? chip('No response', 'dead', 'The page showed no visible response to this click') : null,
  ].filter(Boolean);
  let detail = null;
  // The whole trace is there, one line while the row is not selected (CSS): selecting the row
  // opens it, with no control nested in the option.
  if (a.action === 'console_error' && a.metadata?.trace) detail = h('code', { className: 'rw-action__detail rw-action__trace' }, traceLines(a.metadata.trace).join('\n'));
  else if (a.action === 'navigate' && a.metadata?.width) detail = h('span', { className: 'rw-action__detail' }, `${a.metadata.width} × ${a.metadata.height} viewport`);
  else if (a.action === 'custom' && a.metadata?.payload != null && !sdkEvent(a)) detail = h('code', { className: 'rw-action__detail' }, compact(a.metadata.payload));
  const label = KIND_LABEL[a.action] ?? a.action;
  const kind = row.rage ? 'rage' : dead ? 'dead' : kindOf(a.action);
  return h('li', {
    className: `rw-action rw-action--${a.action} rw-kind--${kind}${isError(a.action) ? ' rw-action--error' : ''}${sdkEvent(a) ? ' rw-action--sdk' : ''}`,
    role: 'option', tabIndex: -1, 'aria-selected': 'false', dataset: { index: String(row.index) },
  },
  h('span', { className: 'rw-action__time rw-mono' }, offset(a.t_ms - start)),
  h('span', { className: 'rw-action__icon', title: label }, icon(a.action), h('span', { className: 'rw-visually-hidden' }, `${label}: `)),
  h('span', { className: 'rw-action__body' },
    // Navigations read better without the scheme (the full URL is the tooltip).
    a.action === 'navigate' && a.url
      ? h('span', { className: 'rw-action__desc', title: a.url }, `Navigated to ${page(a.url)}`)
      : h('span', { className: 'rw-action__desc', title: sdkEvent(a) ? a.description : null }, sdkEvent(a) ?? a.description, chips.length ? ' ' : null, chips),
    detail));
}

function chip(text, tone = '', title = null) {
  return h('span', { className: `rw-chip rw-chip--small${tone ? ` rw-chip--${tone}` : ''}`, title }, text);
}

/** A recorded stack trace (an array of frames or one string) as its lines. */
export const traceLines = (value) => (Array.isArray(value) ? value : String(value ?? '').split('\n')).map(String).filter(Boolean);

/**
 * A stack trace: its first line, and the rest behind a disclosure (a `<details>`, so it opens
 * with the keyboard and says its state to screen readers without script).
 */
export function trace(value) {
  const lines = traceLines(value);
  if (lines.length <= 1) return h('code', { className: 'rw-action__detail rw-trace__line' }, lines[0] ?? '');
  return h('details', { className: 'rw-trace' },
    h('summary', {}, h('code', {}, lines[0]), h('span', { className: 'rw-trace__more' }, ` +${lines.length - 1} frames`)),
    h('pre', {}, lines.slice(1).join('\n')));
}

function compact(value) {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}
