// rewind-replay/viewer — the rewind viewer: a session list (from the collector's read API and
// from recordings opened in the browser), the analysis panel of the selected session, and its
// replay (./player.js). Plain ESM, no framework, no build step; embeddable from npm
// (`import { mountViewer } from 'rewind-replay/viewer'` + `rewind-replay/viewer.css`) or from a
// collector, which serves this module at /viewer.js:
//
//   import { mountViewer } from 'https://collector.example/viewer.js';
//   const viewer = mountViewer(element, { source: { collector: { baseUrl: 'https://collector.example' } } });
//   mountViewer(element, { source: { files: [file, { name: 'x.json', text }] } });   // offline only
//
// Every class is prefixed `rw-` (except the `player-slot` contract), so the host page's styles
// and the viewer's do not collide; viewer.css must be loaded next to it.
import { h, icon, resetTabStop, rovingList, uid } from './viewer/dom.js';
import { count, duration, page, shortId, when } from './viewer/format.js';
import { renderEmpty, renderError, renderLoading, renderSession } from './viewer/panel.js';
import { copyText, followPlayer, readLink, shareLink, writeLink } from './viewer/location.js';
import { mountReplay } from './viewer/replay.js';
import { firstTimestamp, showEarly } from './viewer/early.js';
import { AuthError, Collector, FileSource, PAGE_SIZE } from './viewer/sources.js';

const ACCEPT = '.json,.jsonl,.ndjson,.gz,.gzip,application/json,application/gzip,application/x-ndjson,text/plain';

/**
 * Mounts the viewer into `el` (its content is replaced). `source`: `{collector: {baseUrl}}`,
 * `{files: [File | Blob | {name, text}]}`, or both. Files can always be added by drop or picker.
 * `analyzeUrl`: where js/analyze.js is served (default: `./analyze.js` beside this module, which
 * bundlers follow); `playerUrl`: where js/player.js is (default: `./player.js` beside it).
 * `links` (default true): the address's fragment opens and follows the selected session
 * (`#session=`, `#share=`: viewer/location.js); false for a host page that routes by fragment.
 * Returns `{openFiles(files), refresh(), select(key), player(), destroy()}`.
 */
export function mountViewer(el, { source = {}, analyzeUrl, playerUrl, links = true } = {}) {
  // Literal imports by default, so a bundler includes the player and the analyzer as chunks; a
  // URL given by the host page is loaded as it is (the bundler must not touch it).
  const loadPlayer = playerUrl == null
    ? () => import('./player.js')
    : () => import(/* webpackIgnore: true */ /* @vite-ignore */ String(playerUrl));
  let replay = null;
  let stopFollowing = () => {};
  let early = null; // a file playing while it is analysed (viewer/early.js)
  const stopReplay = () => {
    stopFollowing();
    replay?.destroy();
    replay = null;
    early = null;
  };
  const collector = source.collector ? new Collector(source.collector.baseUrl ?? location.origin) : null;
  const files = analyzeUrl == null
    ? new FileSource(new URL('./analyze.js', import.meta.url), () => import('./analyze.js'))
    : new FileSource(analyzeUrl);
  if (collector) adoptKeyFromUrl(collector);
  // `#share=` / `#session=` (viewer/location.js): opened once the collector can be read.
  let pending = collector && links ? readLink() : { session: null };
  if (pending.share) collector.shareToken = pending.share;

  const state = {
    rows: [], total: 0, offset: 0, user: '', withErrors: false, withRage: false, query: '',
    status: collector ? (collector.shareToken ? 'shared' : collector.readKey ? 'loading' : 'needs-key') : 'off', error: '',
    selected: null, analyses: new Map(), opening: 0, ticket: 0, linked: null, at: null,
  };

  // ---- static skeleton -------------------------------------------------------------------
  const ids = { key: uid('read-key'), search: uid('search'), visitor: uid('visitor'), visitors: uid('visitors'), file: uid('file') };
  const fileInput = h('input', {
    type: 'file', id: ids.file, multiple: true, accept: ACCEPT, className: 'rw-visually-hidden', tabIndex: -1,
    'aria-label': 'Open recordings', onchange: () => {
      openFiles([...fileInput.files]);
      fileInput.value = '';
    },
  });
  const pickFiles = () => fileInput.click();
  const forget = h('button', { type: 'button', className: 'rw-button rw-button--quiet', hidden: true, onclick: forgetKey }, icon('key'), 'Forget read key');
  // In the selected collector session's header (after the list in the Tab order).
  const copyStatus = h('span', { className: 'rw-share__status', role: 'status' });
  const copyLink = h('button', { type: 'button', className: 'rw-button rw-button--quiet', hidden: true, onclick: copyMoment }, 'Copy link at this moment');
  const top = h('header', { className: 'rw-top' },
    h('div', { className: 'rw-brand' }, h('span', { className: 'rw-brand__mark', 'aria-hidden': 'true' }, icon('rewind')), 'rewind', h('span', {}, 'viewer')),
    h('div', { className: 'rw-top__actions' },
      forget,
      h('button', { type: 'button', className: 'rw-button', onclick: pickFiles }, icon('upload'), 'Open recordings…'),
      fileInput));

  const keyError = h('p', { className: 'rw-form__error', role: 'alert' });
  const keyInput = h('input', { id: ids.key, type: 'password', autocomplete: 'off', spellcheck: false, required: true, placeholder: 'rw_read_…' });
  const keyForm = h('form', { className: 'rw-connect', onsubmit: connect },
    h('h2', {}, 'Connect to your collector'),
    h('p', {}, 'Enter the read key that ', h('code', {}, 'rewind serve'), ' printed. It is kept in this tab only.'),
    h('label', { for: ids.key }, 'Read key'),
    h('div', { className: 'rw-connect__row' }, keyInput, h('button', { type: 'submit', className: 'rw-button rw-button--primary' }, 'Connect')),
    keyError);

  const search = h('input', {
    id: ids.search, type: 'search', placeholder: 'Page, visitor or session id', autocomplete: 'off',
    oninput: () => {
      state.query = search.value.trim().toLowerCase();
      renderList();
    },
  });
  const visitors = h('datalist', { id: ids.visitors });
  const visitor = h('input', { id: ids.visitor, type: 'search', placeholder: 'Any visitor', autocomplete: 'off' });
  visitor.setAttribute('list', ids.visitors); // `list` is a read-only property: set the attribute
  let visitorTimer;
  visitor.addEventListener('input', () => {
    clearTimeout(visitorTimer);
    visitorTimer = setTimeout(() => setVisitor(visitor.value.trim()), 300);
  });
  const refreshButton = h('button', { type: 'button', className: 'rw-icon-button', title: 'Refresh the list', 'aria-label': 'Refresh the list', onclick: () => load() }, icon('refresh'));
  // Server-side filters (the collector's `min_errors` / `min_rage_clicks`), so paging stays right.
  const flag = (name, text) => h('label', { className: 'rw-check' },
    h('input', { type: 'checkbox', onchange: (event) => {
      state[name] = event.target.checked;
      state.offset = 0;
      load();
    } }), text);
  const filters = h('div', { className: 'rw-filters' },
    h('div', { className: 'rw-field' },
      h('label', { for: ids.search }, 'Search'),
      h('div', { className: 'rw-input-icon' }, icon('search'), search)),
    collector ? h('div', { className: 'rw-field' },
      h('label', { for: ids.visitor }, 'Visitor'),
      h('div', { className: 'rw-field__row' }, h('div', { className: 'rw-input-icon' }, icon('user'), visitor), refreshButton),
      visitors) : null,
    collector ? h('fieldset', { className: 'rw-field rw-flags' },
      h('legend', {}, 'Only sessions with'),
      h('div', { className: 'rw-field__row' }, flag('withErrors', 'Errors'), flag('withRage', 'Rage clicks'))) : null);

  const list = h('div', { className: 'rw-list', role: 'listbox', 'aria-label': 'Sessions' });
  rovingList(list, (option) => select(option.dataset.key));
  const prev = h('button', { type: 'button', className: 'rw-icon-button', 'aria-label': 'Previous page', onclick: () => page_(-1) }, icon('chevronLeft'));
  const next = h('button', { type: 'button', className: 'rw-icon-button', 'aria-label': 'Next page', onclick: () => page_(1) }, icon('chevronRight'));
  const pageInfo = h('span', { className: 'rw-pager__info', 'aria-live': 'polite' });
  const pager = h('nav', { className: 'rw-pager', 'aria-label': 'Session pages' }, prev, pageInfo, next);

  const sidebar = h('aside', { className: 'rw-sidebar', 'aria-label': 'Session list' }, keyForm, filters, list, collector ? pager : null);
  // A region, not <main>: the page embedding the viewer may have its own main landmark.
  const main = h('section', { className: 'rw-main', 'aria-label': 'Session details' });
  const overlay = h('div', { className: 'rw-drop-overlay', 'aria-hidden': 'true' },
    h('div', {}, icon('upload'), h('strong', {}, 'Drop to analyse in your browser'), h('span', {}, 'Nothing is uploaded.')));
  const root = h('div', { className: 'rw-viewer' }, top, h('div', { className: 'rw-body' }, sidebar, main), overlay);
  el.replaceChildren(root);

  // ---- drag and drop ---------------------------------------------------------------------
  let dragDepth = 0;
  const hasFiles = (event) => [...(event.dataTransfer?.types ?? [])].includes('Files');
  root.addEventListener('dragenter', (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    dragDepth++;
    root.classList.add('is-dragging');
  });
  root.addEventListener('dragover', (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  });
  root.addEventListener('dragleave', () => {
    dragDepth = Math.max(0, dragDepth - 1);
    if (dragDepth === 0) root.classList.remove('is-dragging');
  });
  root.addEventListener('drop', (event) => {
    const dropped = [...(event.dataTransfer?.files ?? [])];
    dragDepth = 0;
    root.classList.remove('is-dragging');
    if (!dropped.length) return;
    event.preventDefault(); // the browser would otherwise navigate to the file
    openFiles(dropped);
  });

  // ---- actions ---------------------------------------------------------------------------
  async function connect(event) {
    event.preventDefault();
    const key = keyInput.value.trim();
    if (!key) return;
    collector.readKey = key;
    keyInput.value = '';
    state.offset = 0;
    await load();
    if (state.status === 'ready') search.focus();
    openPending();
  }

  function forgetKey() {
    collector.readKey = null;
    state.rows = [];
    state.total = 0;
    state.status = 'needs-key';
    if (state.selected?.startsWith('c:')) select(null);
    render();
    keyInput.focus();
  }

  async function load() {
    if (!collector) return;
    if (collector.shareToken) return render(); // a share link reads its session, never the list
    if (!collector.readKey) {
      state.status = 'needs-key';
      return render();
    }
    state.status = 'loading';
    // A listed session may have grown since its analysis was fetched: fetch it again next time.
    for (const key of state.analyses.keys()) if (key.startsWith('c:')) state.analyses.delete(key);
    render();
    // Only the latest request counts: a slow page must not overwrite a newer filter's answer.
    const ticket = ++state.ticket;
    try {
      const { rows, total } = await collector.list({ offset: state.offset, user: state.user, withErrors: state.withErrors, withRage: state.withRage });
      if (ticket !== state.ticket) return;
      state.rows = rows;
      state.total = total;
      state.status = 'ready';
      keyError.textContent = '';
    } catch (error) {
      if (ticket !== state.ticket) return;
      if (error instanceof AuthError) {
        collector.readKey = null;
        state.status = 'needs-key';
        keyError.textContent = 'The collector refused this read key. Check it and try again.';
      } else {
        state.status = 'error';
        state.error = error.message;
      }
    }
    render();
  }

  function setVisitor(user) {
    if (user === state.user) return;
    state.user = user;
    visitor.value = user;
    state.offset = 0;
    load();
  }

  function page_(direction) {
    const offset = state.offset + direction * PAGE_SIZE;
    if (offset < 0 || offset >= state.total) return;
    state.offset = offset;
    load();
  }

  async function openFiles(list_) {
    const chosen = [...list_].filter(Boolean);
    if (!chosen.length) return;
    state.opening++;
    render();
    try {
      await playEarly(chosen[0]);
      const shown = early;
      const added = await files.open(chosen);
      if (shown && early === shown && added[0]) shown.key = added[0].key;
      if (added[0]) await select(added[0].key);
      // Rage counts after the rows are shown: one more pass per file, off the main thread.
      for (const row of added) files.countRage(row.key).then((counted) => counted && renderList());
    } catch (error) {
      // Reading the files failed outright (bad files become rows with an error instead).
      main.replaceChildren(renderError({ source: 'file', name: 'these files' }, error.message));
    } finally {
      state.opening--;
      render();
    }
  }

  function rowByKey(key) {
    return files.rows.find((r) => r.key === key) ?? state.rows.find((r) => r.key === key)
      ?? (state.linked?.key === key ? state.linked : null);
  }

  /** The session an address names (`#session=` or `#share=`), at its moment, once readable. */
  async function openPending() {
    const link = pending;
    if (!link.session || !(collector.shareToken || collector.readKey)) return;
    pending = { session: null };
    const key = `c:${link.session}`;
    state.at = { key, ms: link.t * 1000 };
    if (!rowByKey(key)) {
      const row = { key, source: 'collector', session_id: link.session };
      main.replaceChildren(renderLoading(row));
      try {
        const analysis = await collector.analysis(link.session);
        state.analyses.set(key, analysis);
        state.linked = { ...analysis.session, ...row };
      } catch (error) {
        if (error instanceof AuthError && !collector.shareToken) return forgetKey();
        main.replaceChildren(renderError(row, error.message));
        return;
      }
    }
    await select(key);
  }

  /** "Copy link at this moment": a share link (viewer/location.js) on the clipboard, else shown. */
  async function copyMoment() {
    const row = rowByKey(state.selected);
    const player = replay?.player;
    if (!row || row.source !== 'collector') return;
    copyStatus.textContent = 'Creating link…';
    delete copyStatus.dataset.url;
    try {
      const url = await shareLink(collector, { session: row.session_id, t: (player?.currentTime() ?? 0) / 1000, here: links });
      copyStatus.textContent = (await copyText(url)) ? 'Link copied' : `Copy this link: ${url}`;
      copyStatus.dataset.url = url;
    } catch (error) {
      copyStatus.textContent = `Cannot create a link: ${error.message}`;
    }
  }

  /** The first opened file plays at once, its analysis following (viewer/early.js). */
  async function playEarly(file) {
    let input;
    try {
      input = typeof file.text === 'string' ? file.text : new Uint8Array(await file.arrayBuffer());
    } catch {
      return; // FileSource.open reports it
    }
    if (firstTimestamp(input) == null) return; // e.g. gzip: shown once analysed, as before
    stopReplay();
    state.selected = null;
    renderList();
    early = showEarly(main, { name: file.name || 'recording', input, loadPlayer });
    replay = early?.replay ?? null;
  }

  /** Selects the file shown early, keeping its player: false when it cannot (rendered anew). */
  function adoptEarly(key) {
    const row = rowByKey(key);
    let analysis;
    try {
      analysis = files.analysis(key);
    } catch {
      return false;
    }
    if (!row || !early.adopt(row, analysis)) return false;
    early = null;
    state.selected = key;
    state.analyses.set(key, analysis);
    renderList();
    return true;
  }

  async function select(key) {
    if (key && early?.key === key && adoptEarly(key)) return;
    stopReplay();
    state.selected = key;
    copyStatus.textContent = '';
    delete copyStatus.dataset.url;
    renderList();
    list.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
    const row = key ? rowByKey(key) : null;
    if (!row) {
      main.replaceChildren(renderEmpty({ onOpenFiles: pickFiles, collector: Boolean(collector) }));
      return;
    }
    let analysis = state.analyses.get(key);
    if (!analysis) {
      main.replaceChildren(renderLoading(row));
      try {
        analysis = row.source === 'file' ? files.analysis(key) : await collector.analysis(row.session_id);
        state.analyses.set(key, analysis);
      } catch (error) {
        if (state.selected !== key) return;
        if (error instanceof AuthError) return forgetKey();
        main.replaceChildren(renderError(row, error.message));
        return;
      }
    }
    if (state.selected !== key) return; // another session was picked while this one loaded
    const view = renderSession(row, analysis, { onVisitor: collector ? setVisitor : null });
    main.replaceChildren(view);
    main.scrollTop = 0;
    // Collector: the stored events (the player reads `{events}`); files: the bytes as opened.
    const recording = row.source === 'file' ? async () => files.recording(key) : () => collector.events(row.session_id);
    const at = state.at?.key === key ? state.at.ms : 0;
    state.at = null;
    const link = row.source === 'collector' ? { share: collector.shareToken, session: row.session_id } : null;
    if (links) writeLink(link ? { ...link, t: at / 1000 } : {});
    copyLink.hidden = !link;
    if (link) (view.querySelector('.rw-session__meta') ?? view).append(copyLink, copyStatus);
    replay = mountReplay(view.stage, {
      source: recording, loadPlayer,
      onReady: (player) => {
        if (at > 0) player.seek(Math.min(at, player.duration()));
        if (link && links) stopFollowing = followPlayer(player, link);
      },
    });
  }

  // ---- rendering -------------------------------------------------------------------------
  function render() {
    const needsKey = state.status === 'needs-key';
    const shared = state.status === 'shared';
    keyForm.hidden = !needsKey;
    forget.hidden = !collector || needsKey || shared;
    filters.hidden = (needsKey || shared || !collector) && files.rows.length === 0;
    pager.hidden = !collector || needsKey || shared || state.total <= PAGE_SIZE;
    if (!rowByKey(state.selected) || rowByKey(state.selected).source !== 'collector' || needsKey) copyLink.hidden = true;
    const last = Math.min(state.offset + PAGE_SIZE, state.total);
    pageInfo.textContent = state.total ? `${state.offset + 1}–${last} of ${state.total}` : '';
    prev.disabled = state.offset === 0;
    next.disabled = last >= state.total;
    const seen = [...new Set(state.rows.map((r) => r.distinct_id).filter(Boolean))].sort();
    visitors.replaceChildren(...seen.map((v) => h('option', { value: v })));
    root.classList.toggle('is-busy', state.opening > 0);
    renderList();
    if (!main.firstChild) main.replaceChildren(renderEmpty({ onOpenFiles: pickFiles, collector: Boolean(collector) }));
  }

  function matches(row) {
    if (!state.query) return true;
    return [row.entry_url, row.distinct_id, row.session_id, row.name].some((v) => v && String(v).toLowerCase().includes(state.query));
  }

  function renderList() {
    const hadFocus = list.contains(document.activeElement);
    const focusedKey = document.activeElement?.dataset?.key;
    const groups = [];
    const fileRows = files.rows.filter(matches);
    if (files.rows.length || state.opening || !collector) {
      const note = state.opening ? 'Analysing…' : files.rows.length ? 'No file matches the search.' : 'Recordings you open appear here.';
      groups.push(group('Opened files', fileRows, note));
    }
    if (state.status === 'shared') {
      groups.push(group('Shared session', state.linked ? [state.linked] : [], 'Opening the shared session…'));
    } else if (collector && state.status !== 'needs-key') {
      const rows = state.rows.filter(matches);
      let note = null;
      // While a page loads, the previous rows stay (no flicker); the list is aria-busy.
      if (state.status === 'loading' && !state.rows.length) note = 'Loading sessions…';
      else if (state.status === 'error') note = `Could not load sessions: ${state.error}`;
      else if (!state.rows.length && (state.withErrors || state.withRage)) note = `No ${state.user ? `session of visitor “${state.user}”` : 'session'} with ${[state.withErrors && 'errors', state.withRage && 'rage clicks'].filter(Boolean).join(' and ')}.`;
      else if (!state.rows.length) note = state.user ? `No sessions of visitor “${state.user}”.` : 'No sessions recorded yet. They appear here seconds after a visitor allows recording.';
      else if (!rows.length) note = 'No session on this page matches the search.';
      groups.push(group(state.user ? `Sessions of ${state.user}` : 'Recorded sessions', note ? [] : rows, note, state.total));
    }
    list.replaceChildren(...groups);
    list.hidden = groups.length === 0;
    list.setAttribute('aria-busy', String(state.status === 'loading' || state.opening > 0));
    resetTabStop(list);
    if (hadFocus) {
      const again = focusedKey && list.querySelector(`[data-key="${CSS.escape(focusedKey)}"]`);
      (again ?? list.querySelector('[role=option][tabindex="0"]'))?.focus();
    }
  }

  function group(title, rows, emptyNote, total) {
    const labelId = uid('group');
    return h('div', { className: 'rw-group', role: 'group', 'aria-labelledby': labelId },
      h('div', { className: 'rw-group__title', id: labelId }, title, total != null ? h('span', { className: 'rw-count' }, count(total)) : null),
      rows.length ? rows.map(sessionOption) : h('p', { className: 'rw-list-note' }, emptyNote));
  }

  function sessionOption(row) {
    const selected = row.key === state.selected;
    const errors = Number(row.n_errors) || 0;
    // Bursts, by the analyzer's definition (the collector counts them in the background, the
    // viewer's worker for opened files, FileSource.countRage; `null` until counted).
    const rage = Number(row.n_rage_clicks) || 0;
    const title = row.source === 'file' ? row.name : page(row.entry_url);
    return h('div', {
      className: `rw-row${row.error ? ' rw-row--broken' : ''}`, role: 'option', tabIndex: -1,
      'aria-selected': String(selected), dataset: { key: row.key }, title: `Session ${shortId(row.session_id)}`,
    },
    h('div', { className: 'rw-row__top' },
      h('span', { className: 'rw-row__title', title: row.entry_url ?? row.name ?? '' }, title),
      errors > 0 ? h('span', { className: 'rw-badge rw-badge--error', title: `${errors} console error${errors === 1 ? '' : 's'}` }, `${errors} error${errors === 1 ? '' : 's'}`) : null,
      rage > 0 ? h('span', { className: 'rw-badge rw-badge--rage', title: `${rage} rage-click burst${rage === 1 ? '' : 's'}: 3 or more quick clicks on an unresponsive element` }, `${rage} rage`) : null,
      row.source === 'file' ? h('span', { className: 'rw-badge rw-badge--file' }, 'file') : null),
    row.error
      ? h('div', { className: 'rw-row__error' }, row.error)
      : h('div', { className: 'rw-row__meta' },
        h('span', {}, row.distinct_id ?? 'Anonymous'),
        h('span', {}, when(row.start_time)),
        h('span', {}, duration(row.duration_s)),
        h('span', {}, `${count(row.n_events)} events`)),
    row.source === 'file' && row.entry_url ? h('div', { className: 'rw-row__sub' }, page(row.entry_url)) : null);
  }

  // ---- start -----------------------------------------------------------------------------
  render();
  if (collector) load();
  if (source.files?.length) openFiles(source.files);
  if (collector) openPending();
  // A `#readKey=` link opened in a tab that already shows the viewer only changes the hash; so
  // does a `#session=` or `#share=` link pasted into it (the viewer's own rewrites fire no event).
  const onHash = () => {
    if (collector && adoptKeyFromUrl(collector)) load();
    const link = collector && links ? readLink() : { session: null };
    if (!link.session || (link.share ?? null) !== collector.shareToken) {
      if (link.share) location.reload(); // another share link: start over with only its token
      return;
    }
    if (`c:${link.session}` === state.selected && replay?.player) {
      replay.player.seek(link.t * 1000);
      return;
    }
    pending = link;
    openPending();
  };
  if (collector) window.addEventListener('hashchange', onHash);

  return {
    openFiles,
    refresh: load,
    select,
    /** The replay player of the selected session (see js/player.d.ts), or null. */
    player: () => replay?.player ?? null,
    destroy() {
      stopReplay();
      window.removeEventListener('hashchange', onHash);
      files.close();
      el.replaceChildren();
    },
  };
}

/**
 * `#readKey=...` in the address bar (a link the quickstart prints) is moved to sessionStorage
 * once and removed from the address bar and history, so it is not bookmarked or shared.
 */
function adoptKeyFromUrl(collector) {
  const params = new URLSearchParams(location.hash.slice(1));
  const key = params.get('readKey');
  if (!key) return false;
  collector.readKey = key;
  params.delete('readKey');
  const rest = params.toString();
  history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
  return true;
}
