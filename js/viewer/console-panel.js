// The Console tab: the recorded console (`rrweb/console@*` plugin events: `{level, trace,
// payload}`, each payload item a JSON-encoded argument), with level filters, a text filter and
// expandable stack traces. Rows after the replay's time are dimmed; a row's time seeks there.
import { h, icon, uid } from './dom.js';
import { offset } from './format.js';
import { scrollInto, trace } from './actions.js';

/** Level filters, in order: each keeps the levels listed. */
const LEVELS = {
  all: { label: 'All', keep: null },
  error: { label: 'Errors', keep: ['error', 'assert'] },
  warn: { label: 'Warnings', keep: ['warn'] },
  info: { label: 'Info', keep: ['info', 'log', 'debug', 'trace', 'dir', 'table', 'count', 'time', 'timeEnd', 'group', 'groupCollapsed'] },
};

/** One recorded argument as text: strings bare, the rest as recorded. */
function argument(raw) {
  try {
    const v = JSON.parse(raw);
    return typeof v === 'string' ? v : JSON.stringify(v);
  } catch {
    return String(raw);
  }
}

/**
 * The tab's body for `events` (plugin events, in time order). `seek(t_ms)` on a row's time.
 * Returns `{element, count, at(epochMs)}`.
 */
export function renderConsole(events, start, seek) {
  const rows = events.map((e) => {
    const p = e.data.payload ?? {};
    const level = String(p.level ?? 'log');
    const message = (Array.isArray(p.payload) ? p.payload : [p.payload]).filter((x) => x != null).map(argument).join(' ');
    return { t: e.timestamp, level, message, trace: p.trace };
  });
  const items = rows.map((r) => h('li', {
    className: `rw-log rw-log--${r.level}`, dataset: { t: String(r.t) },
    onclick: (event) => {
      if (!event.target.closest('details, button')) seek(r.t);
    },
  },
  h('button', { type: 'button', className: 'rw-log__time rw-mono', title: 'Go to this moment', 'aria-label': `Go to ${offset(r.t - start)}` }, offset(r.t - start)),
  h('span', { className: 'rw-log__level' }, r.level),
  h('div', { className: 'rw-log__body' },
    h('span', { className: 'rw-log__message' }, r.message || '(empty)'),
    r.trace && (!Array.isArray(r.trace) || r.trace.length) ? trace(r.trace) : null)));
  items.forEach((item, i) => item.querySelector('button').addEventListener('click', () => seek(rows[i].t)));
  const listId = uid('console');
  const list = h('ol', { className: 'rw-logs', id: listId, 'aria-label': 'Console messages' }, items);
  const none = h('p', { className: 'rw-list-note', hidden: items.length > 0 }, items.length ? 'No message matches.' : 'Nothing was logged to the console.');

  let level = 'all';
  let query = '';
  const apply = () => {
    let shown = 0;
    rows.forEach((r, i) => {
      const keep = LEVELS[level].keep;
      items[i].hidden = (keep && !keep.includes(r.level)) || (query && !`${r.message} ${[].concat(r.trace ?? []).join(' ')}`.toLowerCase().includes(query));
      if (!items[i].hidden) shown++;
    });
    none.hidden = shown > 0;
  };
  const count = (keep) => rows.filter((r) => !keep || keep.includes(r.level)).length;
  const buttons = Object.entries(LEVELS).map(([id, { label, keep }]) => h('button', {
    type: 'button', className: 'rw-segment', 'aria-pressed': String(id === level), 'aria-controls': listId,
    onclick: () => {
      level = id;
      for (const b of buttons) b.setAttribute('aria-pressed', String(b === buttons[Object.keys(LEVELS).indexOf(id)]));
      apply();
    },
  }, label, h('span', { className: 'rw-segment__count' }, String(count(keep)))));
  const searchId = uid('console-filter');
  const search = h('input', {
    id: searchId, type: 'search', placeholder: 'Filter messages', autocomplete: 'off', 'aria-controls': listId,
    oninput: () => {
      query = search.value.trim().toLowerCase();
      apply();
    },
  });
  const element = h('div', { className: 'rw-tabpanel__body' },
    h('div', { className: 'rw-panel-tools' },
      h('label', { className: 'rw-visually-hidden', for: searchId }, 'Filter console messages'),
      h('div', { className: 'rw-input-icon' }, icon('search'), search),
      h('div', { className: 'rw-segments', role: 'group', 'aria-label': 'Levels' }, buttons)),
    h('div', { className: 'rw-logs__scroll' }, list, none));
  return { element, count: rows.length, at: syncRows(items, rows, element) };
}

/**
 * `at(epochMs)` for a list of rows with times: rows after it get `is-future`, the last one at or
 * before it `is-current` (kept in view of the scrolling list).
 */
export function syncRows(items, rows, element) {
  let current = null;
  return (t) => {
    let last = null;
    rows.forEach((r, i) => {
      const future = r.t > t;
      items[i].classList.toggle('is-future', future);
      if (!future && !items[i].hidden) last = items[i];
    });
    if (last === current) return;
    current?.classList.remove('is-current');
    current = last;
    if (!current) return;
    current.classList.add('is-current');
    const scroller = element.querySelector('.rw-logs__scroll');
    if (scroller && scroller.clientHeight) scrollInto(scroller, current);
  };
}
