// The main area of the viewer: the selected session's header, its metrics, the player slot and
// the action timeline (the analysis panel). Pure rendering: state lives in viewer.js.
import { h, icon, rovingList, uid } from './dom.js';
import { INTERACTION_LABEL, KIND_LABEL, duration, fullDate, offset, page, path } from './format.js';

/** Nothing selected yet: what the viewer does, and the way in for files. */
export function renderEmpty({ onOpenFiles, collector }) {
  return h('div', { className: 'rw-empty' },
    h('div', { className: 'rw-empty__art', 'aria-hidden': 'true' }, icon('play', 'rw-empty__icon')),
    h('h2', {}, collector ? 'Select a session' : 'Open a recording'),
    h('p', {}, collector
      ? 'Pick a recorded session from the list to see what happened, step by step.'
      : 'Open an exported recording to see what happened, step by step.'),
    h('div', { className: 'rw-drop-hint' },
      icon('upload'),
      h('div', {},
        h('strong', {}, 'Drop recordings here'),
        h('span', {}, 'rrweb JSON, JSON Lines or gzip, several at once. They are analysed in your browser; nothing is uploaded.')),
      h('button', { type: 'button', className: 'rw-button', onclick: onOpenFiles }, 'Choose files…')));
}

export function renderLoading(row) {
  return h('div', { className: 'rw-loading', role: 'status' },
    h('span', { className: 'rw-spinner', 'aria-hidden': 'true' }),
    `Analysing ${row.name ?? `session ${row.session_id}`}…`);
}

export function renderError(row, message) {
  return h('div', { className: 'rw-error-state', role: 'alert' },
    h('h2', {}, row.source === 'file' ? `Cannot open ${row.name}` : 'Cannot load this session'),
    h('p', {}, message));
}

/**
 * A session with its analysis. `onVisitor(id)` filters the list by a visitor (collector rows
 * only). Returns the element; the timeline selection updates the player slot in place.
 */
export function renderSession(row, analysis, { onVisitor } = {}) {
  const s = { ...row, ...analysis.session };
  const start = s.start_time ?? analysis.actions[0]?.t_ms ?? 0;
  const isError = (kind) => kind === 'console_error' || kind === 'network_error';
  const errors = analysis.actions.filter((a) => isError(a.action)).length;
  const titleId = uid('session-title');

  const visitor = s.distinct_id
    ? (onVisitor && row.source === 'collector'
      ? h('button', { type: 'button', className: 'rw-chip rw-chip--button', title: 'Show only this visitor’s sessions', onclick: () => onVisitor(s.distinct_id) },
        icon('user'), s.distinct_id)
      : h('span', { className: 'rw-chip' }, icon('user'), s.distinct_id))
    : h('span', { className: 'rw-chip rw-chip--muted' }, icon('user'), 'Anonymous visitor');

  const header = h('header', { className: 'rw-session__head' },
    h('div', { className: 'rw-session__title' },
      h('h2', { id: titleId, title: s.entry_url ?? '' }, row.source === 'file' ? row.name : path(s.entry_url)),
      h('span', { className: `rw-badge rw-badge--${row.source}` }, row.source === 'file' ? 'Local file' : 'Collector')),
    h('div', { className: 'rw-session__meta' },
      visitor,
      h('span', { title: fullDate(s.start_time) }, fullDate(s.start_time) || 'No events'),
      h('span', { className: 'rw-mono', title: 'Session id' }, s.session_id ?? s.replay_id)));

  const metrics = h('dl', { className: 'rw-metrics' },
    metric('Duration', duration(s.duration_s)),
    metric('Clicks', s.n_clicks ?? 0),
    metric('Inputs', s.n_inputs ?? 0),
    metric('Pages', s.n_pages ?? 0),
    metric('Errors', s.n_errors ?? errors, (s.n_errors ?? errors) > 0 ? 'rw-metric--bad' : ''));

  const warnings = analysis.warnings.length
    ? h('ul', { className: 'rw-warnings', 'aria-label': 'Analysis warnings' }, analysis.warnings.map((w) => h('li', {}, w)))
    : null;

  const slot = playerSlot(start);
  let onPick = null;
  const viewportOf = (action) => viewportAt(analysis.actions, action);
  const timeline = renderTimeline(analysis.actions, start, errors, (action, index) => {
    slot.show(action, viewportOf(action));
    onPick?.(action, index);
  });
  const first = analysis.actions[0];
  slot.show(first ?? null, first ? viewportOf(first) : null, s.entry_url);

  const article = h('article', { className: 'rw-session', 'aria-labelledby': titleId },
    header, metrics, warnings,
    h('div', { className: 'rw-stage' }, slot.element, timeline.element));
  // What the replay (viewer/replay.js) drives: the player goes into `screen`, its controls into
  // `controls`; it highlights the current action and seeks to the picked one.
  let shown = -1;
  article.stage = {
    screen: slot.screen,
    controls: slot.controls,
    actions: analysis.actions,
    highlight(index) {
      timeline.highlight(index);
      if (index === shown) return;
      shown = index;
      const action = analysis.actions[index];
      if (action) slot.show(action, viewportOf(action), s.entry_url);
    },
    onPick(fn) {
      onPick = fn;
    },
  };
  return article;
}

function metric(label, value, extra = '') {
  return h('div', { className: `rw-metric ${extra}` }, h('dt', {}, label), h('dd', {}, String(value)));
}

/** The viewport in force at `action`: the latest navigation's recorded width × height. */
function viewportAt(actions, action) {
  let size = null;
  for (const a of actions) {
    if (a.t_ms > action.t_ms) break;
    if (a.action === 'navigate' && a.metadata?.width && a.metadata?.height) size = [a.metadata.width, a.metadata.height];
    if (a === action) break;
  }
  return size ?? actions.filter((a) => a.action === 'navigate' && a.metadata?.width).map((a) => [a.metadata.width, a.metadata.height])[0] ?? null;
}

/**
 * The player's frame: the current page URL and recorded viewport, the screen the replay player
 * (viewer/replay.js) mounts into (at the recorded viewport's shape), its controls, and the
 * current action's caption.
 */
function playerSlot(start) {
  const url = h('span', { className: 'player-slot__url' });
  const size = h('strong', { className: 'player-slot__size' });
  const screen = h('div', { className: 'player-slot__screen' },
    h('div', { className: 'player-slot__center' },
      h('span', { className: 'player-slot__play', 'aria-hidden': 'true' }, icon('play')),
      h('span', { className: 'player-slot__note' }, 'Loading the replay…')));
  const controls = h('div', { className: 'player-slot__controls', hidden: true });
  const caption = h('p', { className: 'player-slot__caption', 'aria-live': 'polite' });
  const element = h('section', { className: 'player-slot', 'aria-label': 'Player' },
    h('div', { className: 'player-slot__bar' },
      h('span', { className: 'player-slot__dots', 'aria-hidden': 'true' }, h('i'), h('i'), h('i')),
      url,
      size),
    h('div', { className: 'player-slot__viewport' }, screen),
    controls,
    caption);
  return {
    element,
    screen,
    controls,
    show(action, viewport, fallbackUrl) {
      const href = action?.url ?? fallbackUrl ?? '';
      url.textContent = href ? page(href) : 'No page recorded';
      url.title = href;
      const [w, h_] = viewport ?? [1280, 720];
      screen.style.setProperty('--ratio', String(w / h_));
      size.textContent = viewport ? `${w} × ${h_}` : '';
      size.title = viewport ? 'Recorded viewport' : 'Viewport not recorded';
      caption.replaceChildren(...(action ? [h('span', { className: 'rw-mono' }, offset(action.t_ms - start)), ' ', action.description] : ['No actions in this session']));
    },
  };
}

/**
 * The action timeline: a listbox; selecting an action calls `onPick(action, index)`.
 * `highlight(index)` marks the action the replay is at (selected, scrolled into the list's view).
 */
function renderTimeline(actions, start, errors, onPick) {
  const listId = uid('actions');
  const list = h('ol', { className: 'rw-actions', id: listId, role: 'listbox', 'aria-label': 'Actions' });
  const items = actions.map((a, i) => actionItem(a, i, start));
  list.append(...items);
  if (!items.length) list.append(h('li', { className: 'rw-list-note' }, 'No user actions were recorded.'));
  if (items[0]) items[0].tabIndex = 0;
  let selected = null;
  rovingList(list, (option) => {
    selected?.setAttribute('aria-selected', 'false');
    selected = option;
    option.setAttribute('aria-selected', 'true');
    onPick(actions[Number(option.dataset.index)], Number(option.dataset.index));
  });
  const highlight = (index) => {
    const item = items[index] ?? null;
    if (item === selected) return;
    selected?.setAttribute('aria-selected', 'false');
    selected = item;
    if (!item) return;
    item.setAttribute('aria-selected', 'true');
    if (!list.contains(document.activeElement)) for (const other of items) other.tabIndex = other === item ? 0 : -1;
    // Scroll the list only (not the page around it).
    const top = item.offsetTop; // .rw-actions is positioned: its own offsetParent
    if (top < list.scrollTop) list.scrollTop = top - 6;
    else if (top + item.offsetHeight > list.scrollTop + list.clientHeight) list.scrollTop = top + item.offsetHeight - list.clientHeight + 6;
  };

  let onlyErrors = false;
  const toggle = errors > 0
    ? h('button', {
      type: 'button', className: 'rw-toggle', 'aria-pressed': 'false', 'aria-controls': listId,
      onclick: () => {
        onlyErrors = !onlyErrors;
        toggle.setAttribute('aria-pressed', String(onlyErrors));
        for (const item of items) {
          item.hidden = onlyErrors && !item.classList.contains('rw-action--console_error')
            && !item.classList.contains('rw-action--network_error');
        }
      },
    }, icon('console_error'), `Errors only (${errors})`)
    : null;

  const element = h('section', { className: 'rw-timeline', 'aria-label': 'Analysis' },
    h('div', { className: 'rw-timeline__head' },
      h('h3', {}, 'Actions', h('span', { className: 'rw-count' }, String(actions.length))),
      toggle),
    list);
  return { element, highlight };
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

function actionItem(a, index, start) {
  const chip = INTERACTION_LABEL[a.metadata?.interaction] && a.action === 'click'
    ? h('span', { className: 'rw-chip rw-chip--small' }, INTERACTION_LABEL[a.metadata.interaction])
    : null;
  let detail = null;
  if (a.action === 'console_error' && a.metadata?.trace) detail = h('code', { className: 'rw-action__detail' }, a.metadata.trace);
  else if (a.action === 'navigate' && a.metadata?.width) detail = h('span', { className: 'rw-action__detail' }, `${a.metadata.width} × ${a.metadata.height} viewport`);
  else if (a.action === 'custom' && a.metadata?.payload != null && !sdkEvent(a)) detail = h('code', { className: 'rw-action__detail' }, compact(a.metadata.payload));
  const kind = KIND_LABEL[a.action] ?? a.action;
  return h('li', {
    className: `rw-action rw-action--${a.action}${sdkEvent(a) ? ' rw-action--sdk' : ''}`, role: 'option', tabIndex: -1, 'aria-selected': 'false',
    dataset: { index: String(index) },
  },
  h('span', { className: 'rw-action__time rw-mono' }, offset(a.t_ms - start)),
  h('span', { className: 'rw-action__icon', title: kind }, icon(a.action), h('span', { className: 'rw-visually-hidden' }, `${kind}: `)),
  h('span', { className: 'rw-action__body' },
    // Navigations read better without the scheme (the full URL is the tooltip).
    a.action === 'navigate' && a.url
      ? h('span', { className: 'rw-action__desc', title: a.url }, `Navigated to ${page(a.url)}`)
      : h('span', { className: 'rw-action__desc', title: sdkEvent(a) ? a.description : null }, sdkEvent(a) ?? a.description, chip ? ' ' : null, chip),
    detail));
}

function compact(value) {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}
