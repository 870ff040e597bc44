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
import { renderEmpty, renderEmptyRecording, renderError, renderLoading, renderSession } from './viewer/panel.js';
import { copyText, followPlayer, readLink, shareLink, writeLink } from './viewer/location.js';
import { mountReplay } from './viewer/replay.js';
import { firstTimestamp, showEarly, showPending } from './viewer/early.js';
import { mountPanels } from './viewer/panels.js';
import { LIVE_TAIL_MS, LIVE_WINDOW_MS, Poller, isLive } from './viewer/live.js';
import { AuthError, Collector, FileSource, PAGE_SIZE } from './viewer/sources.js';
import { MAX_HEATMAP_SESSIONS, capSet, pageFilter } from './viewer/heatmap-set.js';

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
  let panels = null;
  let growth = null; // the open live session's poller
  const stopReplay = () => {
    stopFollowing();
    replay?.destroy();
    replay = null;
    early = null;
    panels?.destroy();
    panels = null;
    growth?.stop();
    growth = null;
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
  const ids = { key: uid('read-key'), search: uid('search'), visitor: uid('visitor'), visitors: uid('visitors'), file: uid('file'), sidebar: uid('sidebar') };
  const fileInput = h('input', {
    type: 'file', id: ids.file, multiple: true, accept: ACCEPT, className: 'rw-visually-hidden', tabIndex: -1,
    'aria-label': 'Open recordings', onchange: () => {
      openFiles([...fileInput.files]);
      fileInput.value = '';
    },
  });
  const pickFiles = () => fileInput.click();
  const forget = h('button', { type: 'button', className: 'rw-button rw-button--quiet', hidden: true, onclick: forgetKey }, icon('key'), h('span', { className: 'rw-button__label' }, 'Forget read key'));
  // In the selected collector session's header (after the list in the Tab order).
  const copyStatus = h('span', { className: 'rw-share__status', role: 'status' });
  const copyLink = h('button', { type: 'button', className: 'rw-button rw-button--quiet', hidden: true, onclick: copyMoment }, 'Copy link at this moment');
  // Where the replay needs the width (a narrow viewer with a session open), the list is a drawer
  // this button opens; picking a session closes it.
  const listButton = h('button', {
    type: 'button', className: 'rw-button rw-list-toggle', 'aria-expanded': 'false', 'aria-controls': ids.sidebar,
    onclick: () => setListOpen(!root.classList.contains('is-list-open')),
  }, icon('list'), 'Sessions');
  const top = h('header', { className: 'rw-top' },
    listButton,
    h('div', { className: 'rw-brand' }, h('span', { className: 'rw-brand__mark', 'aria-hidden': 'true' }, icon('rewind')), 'rewind', h('span', {}, 'viewer')),
    h('div', { className: 'rw-top__actions' },
      forget,
      h('button', { type: 'button', className: 'rw-button', onclick: pickFiles }, icon('upload'), h('span', { className: 'rw-button__label' }, 'Open recordings…')),
      fileInput));

  const keyError = h('p', { className: 'rw-form__error', role: 'alert' });
  const keyInput = h('input', { id: ids.key, type: 'password', autocomplete: 'off', spellcheck: false, required: true, placeholder: 'rk_…' });
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
  const refreshButton = h('button', { type: 'button', className: 'rw-icon-button', title: 'Refresh the list', 'aria-label': 'Refresh the list', onclick: () => reload() }, icon('refresh'));
  // The collector's sessions are filtered by the collector (`min_errors` / `min_rage_clicks`), so
  // paging stays right; opened files here (see `matches`).
  const flag = (name, text) => h('label', { className: 'rw-check' },
    h('input', { type: 'checkbox', onchange: (event) => {
      state[name] = event.target.checked;
      state.offset = 0;
      if (collector) reload();
      renderList();
    } }), text);
  const filters = h('div', { className: 'rw-filters' },
    h('div', { className: 'rw-field' },
      h('label', { for: ids.search }, 'Search'),
      h('div', { className: 'rw-input-icon' }, icon('search'), search)),
    h('div', { className: 'rw-field' },
      h('label', { for: ids.visitor }, 'Visitor'),
      h('div', { className: 'rw-field__row' }, h('div', { className: 'rw-input-icon' }, icon('user'), visitor), collector ? refreshButton : null),
      visitors),
    h('fieldset', { className: 'rw-field rw-flags' },
      h('legend', {}, 'Only sessions with'),
      h('div', { className: 'rw-field__row' }, flag('withErrors', 'Errors'), flag('withRage', 'Rage clicks'))));

  const list = h('div', { className: 'rw-list', role: 'listbox', 'aria-label': 'Sessions' });
  rovingList(list, (option) => select(option.dataset.key));
  const prev = h('button', { type: 'button', className: 'rw-icon-button', 'aria-label': 'Previous page', onclick: () => page_(-1) }, icon('chevronLeft'));
  const next = h('button', { type: 'button', className: 'rw-icon-button', 'aria-label': 'Next page', onclick: () => page_(1) }, icon('chevronRight'));
  const pageInfo = h('span', { className: 'rw-pager__info', 'aria-live': 'polite' });
  const pager = h('nav', { className: 'rw-pager', 'aria-label': 'Session pages' }, prev, pageInfo, next);

  const sidebar = h('aside', { className: 'rw-sidebar', id: ids.sidebar, 'aria-label': 'Session list' }, keyForm, filters, list, collector ? pager : null);
  // A region, not <main>: the page embedding the viewer may have its own main landmark.
  const main = h('section', { className: 'rw-main', 'aria-label': 'Session details' });
  const overlay = h('div', { className: 'rw-drop-overlay', 'aria-hidden': 'true' },
    h('div', {}, icon('upload'), h('strong', {}, 'Drop to analyse in your browser'), h('span', {}, 'Nothing is uploaded.')));
  const root = h('div', { className: 'rw-viewer' }, top, h('div', { className: 'rw-body' }, sidebar, main), overlay);
  el.replaceChildren(root);
  root.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && root.classList.contains('is-list-open')) {
      setListOpen(false);
      listButton.focus();
    }
  });

  function setListOpen(open) {
    root.classList.toggle('is-list-open', open);
    listButton.setAttribute('aria-expanded', String(open));
    if (open) (list.querySelector('[role=option][tabindex="0"]') ?? search).focus();
  }

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
    await reload();
    poller.start();
    if (state.status === 'ready') search.focus();
    openPending();
  }

  function forgetKey() {
    collector.readKey = null;
    poller.stop();
    state.rows = [];
    state.total = 0;
    state.status = 'needs-key';
    if (state.selected?.startsWith('c:')) select(null);
    render();
    keyInput.focus();
  }

  /**
   * Fetches the current page of sessions. `quiet`: a background refresh (the poller): the list
   * is not marked busy, and the answer says whether anything changed.
   */
  async function load({ quiet = false } = {}) {
    if (!collector) return false;
    if (collector.shareToken) { // a share link reads its session, never the list
      render();
      return false;
    }
    if (!collector.readKey) {
      state.status = 'needs-key';
      render();
      return false;
    }
    const before = JSON.stringify([state.rows, state.total]);
    if (!quiet) {
      state.status = 'loading';
      render();
    }
    // A listed session may have grown since its analysis was fetched: fetch it again next time.
    for (const key of state.analyses.keys()) if (key.startsWith('c:') && key !== state.selected) state.analyses.delete(key);
    // Only the latest request counts: a slow page must not overwrite a newer filter's answer.
    const ticket = ++state.ticket;
    try {
      const { rows, total } = await collector.list({ offset: state.offset, user: state.user, withErrors: state.withErrors, withRage: state.withRage });
      if (ticket !== state.ticket) return false;
      state.rows = rows;
      state.total = total;
      state.status = 'ready';
      state.error = '';
      keyError.textContent = '';
    } catch (error) {
      if (ticket !== state.ticket) return false;
      if (error instanceof AuthError) {
        collector.readKey = null;
        state.status = 'needs-key';
        keyError.textContent = 'The collector refused this read key. Check it and try again.';
      } else {
        state.status = 'error';
        state.error = error.message;
      }
      render();
      throw error; // the poller backs off
    }
    render();
    return JSON.stringify([state.rows, state.total]) !== before;
  }
  // Errors are shown in the list; callers that do not poll need no rejection.
  const reload = () => load().catch(() => {});

  function setVisitor(user) {
    if (user === state.user) return;
    state.user = user;
    visitor.value = user;
    state.offset = 0;
    if (collector) reload();
    renderList();
  }

  function page_(direction) {
    const offset = state.offset + direction * PAGE_SIZE;
    if (offset < 0 || offset >= state.total) return;
    state.offset = offset;
    reload();
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
    // Not on the list's page: a row of its id alone, filled in by its analysis (showStreaming).
    if (!rowByKey(key)) state.linked = { key, source: 'collector', session_id: link.session };
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
    root.classList.add('has-session');
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
    const view = row ? early.adopt(row, analysis) : false;
    if (!view) return false;
    early = null;
    state.selected = key;
    state.analyses.set(key, analysis);
    root.classList.add('has-session');
    const recording = Promise.resolve().then(() => files.recording(key));
    panels = mountPanels(view, recording);
    replay?.setHeatmapSet?.((page) => heatmapSet(row, recording, page));
    renderList();
    return true;
  }

  async function select(key) {
    if (key && early?.key === key && adoptEarly(key)) return;
    stopReplay();
    state.selected = key;
    copyStatus.textContent = '';
    delete copyStatus.dataset.url;
    root.classList.toggle('has-session', Boolean(key));
    if (root.classList.contains('is-list-open')) {
      setListOpen(false);
      if (key) main.focus({ preventScroll: true }); // the drawer is gone: focus the session
    }
    renderList();
    list.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
    const row = key ? rowByKey(key) : null;
    if (!row) {
      root.classList.remove('has-session');
      main.replaceChildren(renderEmpty({ onOpenFiles: pickFiles, collector: Boolean(collector) }));
      return;
    }
    let analysis = state.analyses.get(key);
    if (!analysis && row.source === 'collector') {
      // The replay streams from the first page on; the analysis fills the panel when it comes.
      if (row.n_events != null && !(Number(row.n_events) > 0)) main.replaceChildren(renderEmptyRecording(row));
      else showStreaming(row);
      return;
    }
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
    if (!(Number(analysis.session?.n_events ?? row.n_events) > 0)) {
      main.replaceChildren(renderEmptyRecording(row));
      return;
    }
    show(row, analysis);
  }

  /**
   * The session view and its replay. `keep`: the state of the replay it replaces (a live session
   * that grew), so the new one continues where the old one was.
   */
  function show(row, analysis, keep = null) {
    const view = renderSession(row, analysis, { onVisitor: setVisitor });
    if (keep?.tab) view.panel.select(keep.tab);
    main.replaceChildren(view);
    if (!keep) main.scrollTop = 0;
    const { fetched } = startReplay(row, view, keep);
    panels = mountPanels(view, fetched);
    if (row.source === 'collector') followLive(row, view, analysis);
  }

  /**
   * A collector session before its analysis: the session view with the replay streaming from
   * the first page on and the action list busy (viewer/early.js), then the analysis from
   * `GET /v1/sessions/{id}/analysis` put around the player when it answers, or its failure said
   * in the panel while the replay plays on. The console and network tabs come with either.
   */
  function showStreaming(row) {
    const key = row.key;
    let fetched = null;
    let opened = null;
    const shown = showPending(main, row, {
      start: row.start_time,
      onVisitor: setVisitor,
      mount: (view) => {
        ({ fetched, opened } = startReplay(row, view));
        return replay;
      },
    });
    const current = () => state.selected === key && replay === shown.replay;
    // Refused or unknown before its first byte (a revoked share link, a wrong id): nothing to
    // replay, so the session's error state, as for any session that cannot be read.
    opened.catch((error) => {
      if (!current()) return;
      if (error instanceof AuthError && !collector.shareToken) return forgetKey();
      stopReplay();
      main.replaceChildren(renderError(row, error.message));
    });
    collector.analysis(row.session_id).then((analysis) => {
      if (!current()) return;
      state.analyses.set(key, analysis);
      const full = { ...row, ...analysis.session, key, source: 'collector' };
      if (state.linked?.key === key) {
        state.linked = full;
        renderList();
      }
      if (!(Number(analysis.session?.n_events) > 0)) {
        stopReplay();
        main.replaceChildren(renderEmptyRecording(row));
        return;
      }
      const view = shown.adopt(full, analysis);
      if (!view) return;
      if (copyLink.parentNode !== shown.view.querySelector('.rw-session__meta')) {
        shown.view.querySelector('.rw-session__meta')?.append(copyLink, copyStatus);
      }
      panels = mountPanels(view, fetched);
      followLive(full, { panel: view.panel, setLive: view.setLive }, analysis);
    }, (error) => {
      if (!current()) return;
      if (error instanceof AuthError && !collector.shareToken) return forgetKey();
      shown.fail(error.message);
      panels = mountPanels(shown.view, fetched);
    });
  }

  /**
   * Mounts the replay of `row` in `view`'s player slot (`keep` as for {@link show}) and points
   * the address at it. Returns `{fetched, opened}`: promises of the recording for the console
   * and network panels, and (collector) of the opened answer (`Collector.openEvents`).
   */
  function startReplay(row, view, keep = null) {
    const key = row.key;
    // Collector: the stored events, streamed into the player as they arrive (its first page
    // shows before the last byte), the whole answer for the console and network panels once
    // in; files: the bytes as opened. Fetched once, for the player and the panels.
    const opened = row.source === 'file' ? null : collector.openEvents(row.session_id);
    const fetched = opened ? opened.then((o) => o.whole) : Promise.resolve().then(() => files.recording(key));
    fetched.catch(() => {}); // the player reports it
    const source = opened ? () => opened.then((o) => o.events) : () => fetched;
    // A deep link's moment (viewer/location.js), else where a grown live session's replay was.
    const linked = state.at?.key === key ? state.at.ms : 0;
    state.at = null;
    const at = keep?.at ?? linked;
    const link = row.source === 'collector' ? { share: collector.shareToken, session: row.session_id } : null;
    if (links) writeLink(link ? { ...link, t: at / 1000 } : {});
    copyLink.hidden = !link;
    if (link) (view.querySelector('.rw-session__meta') ?? view).append(copyLink, copyStatus);
    replay = mountReplay(view.stage, {
      source, loadPlayer, heatmapSet: (page) => heatmapSet(row, fetched, page), at, autoplay: keep?.playing ?? false, speed: keep?.speed ?? 1, skip: keep?.skip ?? true,
      onReady: (player) => {
        if (link && links) stopFollowing = followPlayer(player, link);
      },
    });
    return { fetched, opened: opened ?? Promise.resolve(null) };
  }

  /**
   * The sessions the heatmap aggregates for `page` (`{raw}`: the URL on screen), the one on
   * screen first: the collector's sessions of the list's filters that visited that URL (the
   * read API's `url` filter; the first MAX_HEATMAP_SESSIONS of them), the opened files matching
   * the filters offline, or the one session a share link reads. `{sessions: [{key, input(),
   * actions()}], total, capped}` (viewer/heatmap.js). Actions come from the analysis, which for
   * a streamed session may still be on its way.
   */
  async function heatmapSet(row, fetched, page = {}) {
    const actionsOf = async (r) =>
      r.source === 'file' ? files.analysis(r.key).actions : (state.analyses.get(r.key) ?? await collector.analysis(r.session_id)).actions;
    const own = { key: row.key, input: () => fetched, actions: () => actionsOf(row) };
    let rows = [];
    let total = 0;
    if (row.source === 'file') {
      rows = files.rows.filter((r) => !r.error && matches(r));
      total = rows.length;
    } else if (collector && !collector.shareToken) {
      const url = pageFilter(page.raw);
      const listed = await collector.list({ user: state.user, withErrors: state.withErrors, withRage: state.withRage, url, limit: MAX_HEATMAP_SESSIONS });
      rows = listed.rows.filter(matches);
      // The search box narrows the page it was given: its total is what is known.
      total = state.query ? rows.length : listed.total;
    }
    const others = rows.filter((r) => r.key !== row.key);
    const set = capSet([row, ...others], MAX_HEATMAP_SESSIONS, Math.max(total, others.length + 1));
    return {
      total: set.total,
      capped: set.capped,
      sessions: set.rows.map((r) => (r.key === row.key ? own : {
        key: r.key,
        input: r.source === 'file' ? async () => files.recording(r.key) : () => collector.events(r.session_id),
        actions: () => actionsOf(r),
      })),
    };
  }

  /**
   * A collector session still receiving batches: the Live badge, and its growth polled while it
   * is open. A grown session is shown again where its replay was (playing on if it played), once
   * the replay is paused or near its end, so a viewer watching the middle is not interrupted.
   */
  function followLive(row, view, analysis) {
    // `view`: the session view's `{panel, setLive}`.
    let live = isLive(row);
    let pending = null;
    let heard = Number(row.last_received_at); // the last sign of life, epoch ms
    const apply = (force = null) => {
      const r = replay?.state();
      if (!r) return;
      const length = replay.player?.duration() ?? 0;
      if (!force) {
        if (!pending) return;
        if (r.playing && r.at < length - LIVE_TAIL_MS) return;
      }
      const next = pending ?? { row, analysis };
      pending = null;
      const tab = view.panel.selected();
      // Played to the end of what was stored: it plays on into what arrived.
      const playing = r.playing || r.at >= length - 1;
      stopReplay();
      show(next.row, next.analysis, { ...r, playing, ...force, tab });
    };
    // The latest seconds of what is stored, playing on from there as more arrives.
    const jump = () => {
      const p = replay?.player;
      if (!p) return;
      if (pending) return apply({ at: Math.max(0, Number(pending.analysis.session.duration_s) * 1000 - LIVE_TAIL_MS), playing: true });
      p.seek(Math.max(0, p.duration() - LIVE_TAIL_MS));
      p.play();
    };
    view.setLive(live, jump);
    if (!live) return;
    growth = new Poller(async () => {
      const latest = await collector.analysis(row.session_id);
      const grown = Number(latest.session.n_events) > Number((pending?.analysis ?? analysis).session.n_events);
      if (grown) heard = Date.now();
      live = Date.now() - heard < LIVE_WINDOW_MS;
      if (grown) {
        const next = { ...row, ...latest.session, key: row.key, source: 'collector', last_received_at: heard };
        state.analyses.set(row.key, latest);
        pending = { row: next, analysis: latest };
      }
      apply();
      if (!live) view.setLive(false);
      return grown;
    }, { keepGoing: () => live });
    growth.start();
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
    // Opened files: the visitor and flag filters here (the collector applied them to its rows).
    if (row.source === 'file') {
      if (state.user && row.distinct_id !== state.user) return false;
      if (state.withErrors && !(Number(row.n_errors) > 0)) return false;
      if (state.withRage && !(Number(row.n_rage_clicks) > 0)) return false;
    }
    if (!state.query) return true;
    return [row.entry_url, row.distinct_id, row.session_id, row.name].some((v) => v && String(v).toLowerCase().includes(state.query));
  }

  function renderList() {
    const hadFocus = list.contains(document.activeElement);
    const focusedKey = document.activeElement?.dataset?.key;
    const groups = [];
    const fileRows = files.rows.filter(matches);
    if (files.rows.length || state.opening || !collector) {
      const filtered = state.user || state.withErrors || state.withRage;
      const note = state.opening ? 'Analysing…' : files.rows.length ? `No file matches the ${filtered ? 'filters' : 'search'}.` : 'Recordings you open appear here.';
      groups.push(group('Opened files', fileRows, note));
    }
    if (state.status === 'shared') {
      groups.push(group('Shared session', state.linked ? [state.linked] : [], 'Opening the shared session…'));
    } else if (collector && state.status !== 'needs-key') {
      const rows = state.rows.filter(matches);
      let note = null;
      // While a page loads, the previous rows stay (no flicker); the list is aria-busy.
      if (state.status === 'loading' && !state.rows.length) note = 'Loading sessions…';
      else if (state.status === 'error') note = collectorDown();
      else if (!state.rows.length && (state.withErrors || state.withRage)) note = `No ${state.user ? `session of visitor “${state.user}”` : 'session'} with ${[state.withErrors && 'errors', state.withRage && 'rage clicks'].filter(Boolean).join(' and ')}.`;
      else if (!state.rows.length) note = state.user ? `No sessions of visitor “${state.user}”.` : 'No sessions recorded yet. They appear here seconds after a visitor allows recording.';
      else if (!rows.length) note = 'No session on this page matches the search.';
      // An unreachable collector has no count: the last one would be stale.
      groups.push(group(state.user ? `Sessions of ${state.user}` : 'Recorded sessions', note ? [] : rows, note, state.status === 'error' ? null : state.total));
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
      rows.length ? rows.map(sessionOption) : emptyNote instanceof Node ? emptyNote : h('p', { className: 'rw-list-note' }, emptyNote));
  }

  /** The collector did not answer: why, when it is tried again, and a way to try now. */
  function collectorDown() {
    const next = poller.nextIn();
    return h('div', { className: 'rw-list-alert', role: 'alert' },
      h('strong', {}, 'Collector unreachable'),
      h('span', {}, state.error),
      h('span', { className: 'rw-list-alert__retry' },
        next != null ? `Retrying in ${Math.max(1, Math.round(next / 1000))} s.` : '',
        h('button', { type: 'button', className: 'rw-button rw-button--small', onclick: () => poller.now() }, icon('refresh'), 'Retry now')));
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
      row.source === 'collector' && isLive(row) ? h('span', { className: 'rw-badge rw-badge--live', title: `Still recording: a batch arrived in the last ${LIVE_WINDOW_MS / 1000} s` }, 'Live') : null,
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
  // The list refreshes itself while the tab is visible, backing off while nothing changes or
  // the collector is down (viewer/live.js).
  const poller = new Poller(() => load({ quiet: state.status === 'ready' || state.status === 'error' }), {
    keepGoing: () => Boolean(collector?.readKey) && state.status !== 'needs-key',
    onWait: () => state.status === 'error' && renderList(),
  });
  render();
  if (collector) poller.start({ immediate: true });
  if (source.files?.length) openFiles(source.files);
  if (collector) openPending();
  // A `#readKey=` link opened in a tab that already shows the viewer only changes the hash; so
  // does a `#session=` or `#share=` link pasted into it (the viewer's own rewrites fire no event).
  const onHash = () => {
    if (collector && adoptKeyFromUrl(collector)) poller.now();
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
    refresh: () => reload().then(() => {}),
    select,
    /** The replay player of the selected session (see js/player.d.ts), or null. */
    player: () => replay?.player ?? null,
    destroy() {
      stopReplay();
      poller.stop();
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
