// Formatting for the viewer. Units follow the analyzer: `*_time` and `t_ms` are Unix epoch
// milliseconds, `duration_s` is seconds.

/** An offset into a session, `m:ss` (or `h:mm:ss` past an hour). */
export function offset(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** A session length for people: `12s`, `3m 05s`, `1h 02m`. */
export function duration(seconds) {
  const total = Math.max(0, Math.round(Number(seconds) || 0));
  if (total < 60) return `${total}s`;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  return `${m}m ${String(total % 60).padStart(2, '0')}s`;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const yearFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** When a session started, short: `Today 10:42`, `Yesterday 18:03`, `3 Nov 09:15`, `3 Nov 2025`. */
export function when(ms, now = Date.now()) {
  if (ms == null) return 'unknown time';
  const date = new Date(ms);
  const today = new Date(now);
  today.setHours(0, 0, 0, 0);
  const day = 86_400_000;
  if (ms >= today.getTime() && ms < today.getTime() + day) return `Today ${timeFormat.format(date)}`;
  if (ms >= today.getTime() - day && ms < today.getTime()) return `Yesterday ${timeFormat.format(date)}`;
  if (date.getFullYear() === today.getFullYear()) return `${dayFormat.format(date)} ${timeFormat.format(date)}`;
  return yearFormat.format(date);
}

/** A full local date and time, for tooltips. */
export const fullDate = (ms) => (ms == null ? '' : fullFormat.format(new Date(ms)));

/** A page URL without its scheme: `shop.example/demo/about.html`. */
export function page(url) {
  if (!url) return '—';
  try {
    const u = new URL(url);
    const path = `${u.pathname}${u.search}`;
    return u.protocol.startsWith('http') ? `${u.host}${path === '/' ? '' : path}` : url;
  } catch {
    return url;
  }
}

/** The path of a URL (`/demo/`), or the URL itself when it does not parse. */
export function path(url) {
  if (!url) return '—';
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

/** A compact count: `987`, `1.2k`, `34k`. */
export function count(n) {
  const v = Number(n) || 0;
  if (v < 1000) return String(v);
  if (v < 10_000) return `${(v / 1000).toFixed(1).replace(/\.0$/, '')}k`;
  return `${Math.round(v / 1000)}k`;
}

/** `1 click`, `2 clicks`. */
export const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** A session id shortened for lists: `3f2a9c1e…`. */
export const shortId = (id) => (id && id.length > 12 ? `${id.slice(0, 8)}…` : id ?? '');

/** How the analyzer's action kinds read in the timeline. */
export const KIND_LABEL = {
  navigate: 'Page view',
  click: 'Click',
  touch_start: 'Tap',
  scroll: 'Scroll',
  input: 'Input',
  select: 'Selection',
  console_error: 'Error',
  network_error: 'Request failed',
  custom: 'Event',
};

/** The click-family detail that deserves a chip (`metadata.interaction`). */
export const INTERACTION_LABEL = { dblclick: 'double click', right_click: 'right click' };
