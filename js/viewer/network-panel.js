// The Network tab: the requests the recorder captured (`rrweb/network@*` plugin events:
// `{requests: [{name, method, status, initiatorType, startTime, duration, aborted}]}`, written
// after each response) with method, URL, status, duration and a waterfall over the session;
// failed ones marked as the analyzer judges them (src/analyze/network.rs: 4xx/5xx, or 0 with a
// method). A row's time seeks there.
import { h, icon, uid } from './dom.js';
import { offset } from './format.js';
import { syncRows } from './console-panel.js';

/** The analyzer's rule for a failed request (see the module comment). */
export function failed(r) {
  if (r.aborted === true) return false;
  const status = Number(r.status);
  if (!Number.isFinite(status)) return false;
  return status >= 400 || (status === 0 && typeof r.method === 'string' && r.method !== '');
}

/** What a request row shows of its URL: the path and query (the host is in the tooltip; most requests go to the page's own). */
function shortUrl(url) {
  try {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  } catch {
    return url || '—';
  }
}

/** `1.2 s` or `340 ms`. */
const ms = (v) => (v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`);

/**
 * The tab's body for `events` (plugin events, in time order) over the session [start, end]
 * (epoch ms). `seek(t_ms)` on a row. Returns `{element, count, at(epochMs)}`.
 */
export function renderNetwork(events, start, end, seek) {
  const rows = [];
  for (const e of events) {
    for (const r of e.data.payload?.requests ?? []) {
      if (!r || typeof r !== 'object') continue;
      const duration = Number(r.duration) >= 0 ? Number(r.duration) : 0;
      // The event is written when the response is in: the request began `duration` earlier.
      rows.push({ t: e.timestamp - duration, duration, url: String(r.name ?? ''), method: typeof r.method === 'string' ? r.method : 'GET', status: r.status, failed: failed(r), aborted: r.aborted === true });
    }
  }
  rows.sort((a, b) => a.t - b.t);
  const span = Math.max(1, end - start);
  const items = rows.map((r) => {
    const left = Math.max(0, Math.min(100, ((r.t - start) / span) * 100));
    const width = Math.max(0.6, Math.min(100 - left, (r.duration / span) * 100));
    const status = r.aborted ? 'aborted' : r.status === 0 || r.status == null ? 'failed' : String(r.status);
    const item = h('li', {
      className: `rw-request${r.failed ? ' rw-request--failed' : ''}`, dataset: { t: String(r.t) },
      onclick: (event) => {
        if (!event.target.closest('button')) seek(r.t);
      },
    },
    h('button', { type: 'button', className: 'rw-log__time rw-mono', title: 'Go to this moment', 'aria-label': `Go to ${offset(r.t - start)}`, onclick: () => seek(r.t) }, offset(r.t - start)),
    h('span', { className: 'rw-request__method rw-mono' }, r.method),
    h('span', { className: 'rw-request__url', title: r.url }, shortUrl(r.url)),
    h('span', { className: 'rw-request__status rw-mono', title: r.failed ? 'Failed request' : null }, r.failed ? [icon('network_error'), ' ', status] : status),
    h('span', { className: 'rw-request__duration rw-mono' }, ms(r.duration)),
    h('span', { className: 'rw-request__bar', 'aria-hidden': 'true' }, h('i', { style: { left: `${left}%`, width: `${width}%` } })));
    return item;
  });
  const listId = uid('network');
  const list = h('ol', { className: 'rw-logs rw-requests', id: listId, 'aria-label': 'Requests' }, items);
  const none = h('p', { className: 'rw-list-note', hidden: items.length > 0 }, items.length ? 'No request matches.' : 'No request was recorded (the recorder’s network capture is off, or the page made none).');
  let onlyFailed = false;
  let query = '';
  const apply = () => {
    let shown = 0;
    rows.forEach((r, i) => {
      items[i].hidden = (onlyFailed && !r.failed) || (query && !`${r.method} ${r.url} ${r.status}`.toLowerCase().includes(query));
      if (!items[i].hidden) shown++;
    });
    none.hidden = shown > 0;
  };
  const failures = rows.filter((r) => r.failed).length;
  const failedButton = h('button', {
    type: 'button', className: 'rw-toggle', 'aria-pressed': 'false', 'aria-controls': listId, disabled: failures === 0,
    onclick: () => {
      onlyFailed = !onlyFailed;
      failedButton.setAttribute('aria-pressed', String(onlyFailed));
      apply();
    },
  }, icon('network_error'), `Failed (${failures})`);
  const searchId = uid('network-filter');
  const search = h('input', {
    id: searchId, type: 'search', placeholder: 'Filter by URL, method, status', autocomplete: 'off', 'aria-controls': listId,
    oninput: () => {
      query = search.value.trim().toLowerCase();
      apply();
    },
  });
  const element = h('div', { className: 'rw-tabpanel__body' },
    h('div', { className: 'rw-panel-tools' },
      h('label', { className: 'rw-visually-hidden', for: searchId }, 'Filter requests'),
      h('div', { className: 'rw-input-icon' }, icon('search'), search),
      failedButton),
    h('div', { className: 'rw-logs__scroll' }, list, none));
  return { element, count: rows.length, at: syncRows(items, rows, element) };
}
