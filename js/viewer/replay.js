// The replay in the player slot: js/player.js mounted in the slot's screen, a controls bar
// (play/pause, speeds, elapsed / total, skip-inactivity, the click heatmap of viewer/heatmap.js,
// previous/next problem, theatre, fullscreen, a scrubber with the event ticks and the inactive
// spans), the keyboard and the sync with the session panel.
//
// Times: the player speaks milliseconds from the recording's first event; actions and ticks
// carry `t_ms`, Unix epoch milliseconds. `info().start_time` converts one into the other.
import { h, icon } from './dom.js';
import { offset } from './format.js';
import { foldActions, isDead } from './actions.js';
import { KINDS, legend, tickKind } from './ticks.js';
import { mountHeatmap } from './heatmap.js';

/** Speeds, slowest first (the player's SPEEDS); keys 1–4 pick 1×–8×, `<` / `>` step. */
const SPEEDS = [0.5, 1, 2, 4, 8];
/** ←/→ step, ms. */
const STEP_MS = 5000;
/**
 * Wall time an inactive span takes to fast-forward through, ms: long enough to see the page
 * move on, short enough not to wait (rrweb-player speeds a span up to be over in about a second).
 */
export const SKIP_ANIMATION_MS = 1_200;
/**
 * How much of an inactive span still plays at its edges, ms: the first second after the last
 * interaction and the one before the next (the player's own `SKIP_MARGIN_MS`, src/play/timeline.rs),
 * none at the recording's ends.
 */
export const SKIP_MARGIN_MS = 1_000;
/** A problem this close to the current time is the current one (a seek lands within it), ms. */
const PROBLEM_EPSILON_MS = 1;

/**
 * Mounts the player for one session. `stage`: what renderSession exposes (`screen`, `controls`,
 * `legend`, `notice`, `slot`, `actions`, `highlight(i)`, `at(epochMs)`, `onPick(fn)`);
 * `source()`: resolves to what createPlayer takes; `loadPlayer`: resolves to the js/player.js
 * module; `at`: where to start, ms from the first event; `onReady(player)`: called once the
 * player is mounted (deep links seek it and follow it: viewer/location.js); `heatmapSet()`: the
 * sessions the heatmap aggregates (viewer/heatmap.js's `gather`). Returns
 * `{player, destroy()}`.
 */
export function mountReplay(stage, { source, loadPlayer, onReady, heatmapSet, at = 0, autoplay = false, speed = 1, skip = true }) {
  let player = null;
  let destroyed = false;
  let start = 0;
  let pinned = -1; // an action picked in the list stays highlighted while its time is current
  let earlyPick = null; // an action picked before the player was ready: {action, index}
  let skipOn = skip;
  let spans = [];
  let ff = null; // the fast-forward under way: {from, to, wall}
  let raf = 0;
  const offs = [];

  const playButton = h('button', { type: 'button', className: 'rw-player__play', 'aria-label': 'Play', title: 'Play (Space)', disabled: true, onclick: () => toggle() }, icon('play'));
  const speedButtons = SPEEDS.map((s) => h('button', {
    type: 'button', className: 'rw-player__speed', 'aria-pressed': String(s === speed), title: `Speed ${s}×`, disabled: true,
    onclick: () => setSpeed(s),
  }, `${s}×`));
  const time = h('span', { className: 'rw-player__time rw-mono', 'aria-live': 'off' }, '0:00 / 0:00');
  const skipButton = h('button', {
    type: 'button', className: 'rw-switch', 'aria-pressed': String(skipOn), disabled: true, title: 'Fast-forward through spans without activity (S)',
    onclick: () => setSkip(!skipOn),
  }, h('span', { className: 'rw-switch__track', 'aria-hidden': 'true' }), 'Skip inactivity');
  const prevProblem = h('button', { type: 'button', className: 'rw-icon-button rw-icon-button--flat', 'aria-label': 'Previous problem', title: 'Previous error, rage or dead click ([)', disabled: true, onclick: () => jumpProblem(-1) }, icon('chevronLeft'));
  const nextProblem = h('button', { type: 'button', className: 'rw-icon-button rw-icon-button--flat', 'aria-label': 'Next problem', title: 'Next error, rage or dead click (])', disabled: true, onclick: () => jumpProblem(1) }, icon('chevronRight'));
  const theatreButton = h('button', { type: 'button', className: 'rw-icon-button rw-icon-button--flat', 'aria-label': 'Theatre mode', 'aria-pressed': 'false', title: 'Theatre mode: hide the list and panel (T)', onclick: () => setTheatre() }, icon('theatre'));
  const fullButton = h('button', { type: 'button', className: 'rw-icon-button rw-icon-button--flat', 'aria-label': 'Fullscreen', 'aria-pressed': 'false', title: 'Fullscreen (F)', onclick: () => fullscreen() }, icon('fullscreen'));
  if (!document.fullscreenEnabled) fullButton.hidden = true;
  let gatherSet = heatmapSet; // a file shown before its analysis gets its set once analysed
  const heatmap = mountHeatmap({ gather: async (page) => (gatherSet ? gatherSet(page) : { sessions: [], total: 0, capped: false }), loadPlayer });
  const spanLayer = h('div', { className: 'rw-scrubber__spans', 'aria-hidden': 'true' });
  const fill = h('div', { className: 'rw-scrubber__fill', 'aria-hidden': 'true' });
  const ticks = h('div', { className: 'rw-scrubber__ticks', 'aria-hidden': 'true' });
  const thumb = h('div', { className: 'rw-scrubber__thumb', 'aria-hidden': 'true' });
  const tip = h('div', { className: 'rw-scrubber__tip', 'aria-hidden': 'true', hidden: true });
  const scrubber = h('div', {
    className: 'rw-scrubber', role: 'slider', tabIndex: 0, 'aria-label': 'Playback position',
    'aria-valuemin': '0', 'aria-valuemax': '0', 'aria-valuenow': '0', 'aria-valuetext': '0:00 of 0:00', 'aria-disabled': 'true',
  }, h('div', { className: 'rw-scrubber__track' }, spanLayer, fill), ticks, thumb, tip);
  const bar = h('div', { className: 'rw-player__controls', role: 'group', 'aria-label': 'Playback controls' },
    scrubber,
    h('div', { className: 'rw-player__row' },
      playButton,
      time,
      h('div', { className: 'rw-player__speeds', role: 'group', 'aria-label': 'Speed' }, speedButtons),
      skipButton,
      heatmap.button,
      heatmap.legend,
      h('div', { className: 'rw-player__problems', role: 'group', 'aria-label': 'Problems' }, prevProblem, nextProblem),
      h('span', { className: 'rw-player__spacer' }),
      theatreButton,
      fullButton));
  stage.controls.replaceChildren(bar);
  stage.controls.hidden = false;
  const viewer = stage.slot.closest('.rw-viewer');
  theatreButton.setAttribute('aria-pressed', String(Boolean(viewer?.classList.contains('is-theatre'))));

  // ---- the player ------------------------------------------------------------------------
  (async () => {
    try {
      const [{ createPlayer }, input] = await Promise.all([loadPlayer(), source()]);
      if (destroyed) return;
      // The viewer fast-forwards inactive spans itself (visibly, with a notice), and shows the
      // URL and caption in its chrome: the player does neither over the page.
      const p = await createPlayer(stage.screen, input, { skipInactive: false, speed, labels: false });
      if (destroyed) return p.destroy();
      player = p;
      stage.screen.classList.add('has-player');
      stage.screen.querySelector('.player-slot__center')?.remove(); // the loading placeholder
      start = player.info().start_time;
      offs.push(
        player.on('timeupdate', update),
        player.on('action', update),
        player.on('play', updateButtons),
        player.on('pause', updateButtons),
        player.on('finish', updateButtons),
        player.on('loaded', marks),
        player.on('analyzed', marks),
      );
      for (const b of [playButton, skipButton, ...speedButtons]) b.disabled = false;
      scrubber.removeAttribute('aria-disabled');
      if (at > 0) player.seek(at);
      marks();
      // A pick made while the recording loaded is where the user wants to be.
      if (earlyPick) pick(earlyPick.action, earlyPick.index);
      earlyPick = null;
      update();
      // The view covers the whole viewport box around the screen: a page snapshot is not bound to
      // the recording's aspect ratio.
      heatmap.attach(player, () => (player.actions().length ? player.actions() : stage.actions), stage.screen.parentElement ?? stage.screen);
      onReady?.(player);
      if (autoplay) toggle();
    } catch (error) {
      if (destroyed) return;
      stage.screen.classList.remove('has-player');
      stage.screen.replaceChildren(h('p', { className: 'rw-player__error', role: 'alert' }, `Cannot replay this session: ${error?.message ?? error}`));
      stage.controls.hidden = true;
    }
  })();

  function toggle() {
    if (!player) return;
    if (player.isPlaying()) player.pause();
    else player.play();
    updateButtons();
  }

  function setSpeed(value) {
    if (!player) return;
    const now = player.setSpeed(value);
    for (const [i, b] of speedButtons.entries()) b.setAttribute('aria-pressed', String(SPEEDS[i] === now));
  }

  function setSkip(on) {
    skipOn = on;
    skipButton.setAttribute('aria-pressed', String(on));
    if (!on) endSkip();
  }

  function seek(ms) {
    if (!player) return;
    endSkip();
    player.seek(Math.max(0, Math.min(player.duration(), ms)));
    update();
  }

  function setTheatre(on = !viewer?.classList.contains('is-theatre')) {
    viewer?.classList.toggle('is-theatre', on);
    theatreButton.setAttribute('aria-pressed', String(on));
  }

  function fullscreen() {
    if (document.fullscreenElement) document.exitFullscreen?.();
    else stage.slot.requestFullscreen?.().catch(() => {});
  }
  const onFullscreen = () => fullButton.setAttribute('aria-pressed', String(document.fullscreenElement === stage.slot));
  document.addEventListener('fullscreenchange', onFullscreen);

  // ---- skipping inactivity ----------------------------------------------------------------
  /** The inactive span (ms from the start) holding `ms`, or null. */
  const spanAt = (ms) => spans.find((s) => ms >= s.from && ms < s.to - 1) ?? null;

  function maybeSkip() {
    if (ff || !skipOn || !player?.isPlaying()) return;
    const span = spanAt(player.currentTime());
    if (!span) return;
    ff = { from: player.currentTime(), to: span.to, wall: performance.now(), span };
    stage.notice.textContent = `Skipping ${Math.round((span.to - ff.from) / 1000)} s of inactivity`;
    stage.notice.hidden = false;
    span.element.classList.add('is-skipping');
    raf = requestAnimationFrame(fastForward);
  }

  function fastForward(now) {
    raf = 0;
    if (!ff || !player) return;
    if (!player.isPlaying()) return endSkip();
    const k = Math.min(1, (now - ff.wall) / SKIP_ANIMATION_MS);
    const target = ff.from + (ff.to - ff.from) * k * (2 - k); // ease out: slows into the activity
    const done = k >= 1;
    player.seek(Math.max(player.currentTime(), target)); // its timeupdate sees `ff`: no second skip
    update();
    if (done) endSkip();
    else raf = requestAnimationFrame(fastForward);
  }

  function endSkip() {
    if (raf) cancelAnimationFrame(raf);
    raf = 0;
    ff?.span.element.classList.remove('is-skipping');
    ff = null;
    stage.notice.hidden = true;
  }

  // ---- problems: errors, rage bursts, dead clicks -------------------------------------------
  let problems = [];
  function jumpProblem(direction) {
    if (!player || !problems.length) return;
    const now = player.currentTime();
    const to = direction > 0
      ? problems.find((t) => t > now + PROBLEM_EPSILON_MS)
      : [...problems].reverse().find((t) => t < now - PROBLEM_EPSILON_MS);
    if (to == null) return;
    pinned = -1;
    seek(to);
  }

  function updateButtons() {
    if (!player) return;
    const playing = player.isPlaying();
    playButton.replaceChildren(icon(playing ? 'pause' : 'play'));
    playButton.setAttribute('aria-label', playing ? 'Pause' : 'Play');
    playButton.title = `${playing ? 'Pause' : 'Play'} (Space)`;
    playButton.classList.toggle('is-playing', playing);
    if (!playing) endSkip();
  }

  /** The time, the scrubber, the action highlighted in the list and the panels' time. */
  function update() {
    if (!player) return;
    const now = player.currentTime();
    const total = player.duration();
    time.textContent = `${offset(now)} / ${offset(total)}`;
    const pct = total > 0 ? (now / total) * 100 : 0;
    fill.style.width = `${pct}%`;
    thumb.style.left = `${pct}%`;
    scrubber.setAttribute('aria-valuemax', String(Math.round(total)));
    scrubber.setAttribute('aria-valuenow', String(Math.round(now)));
    scrubber.setAttribute('aria-valuetext', `${offset(now)} of ${offset(total)}`);
    const epoch = start + now + 1; // +1: a seek to an action's time lands on it despite rounding
    let current = -1;
    for (let i = 0; i < stage.actions.length && stage.actions[i].t_ms <= epoch; i++) current = i;
    if (pinned >= 0 && current >= 0 && stage.actions[pinned].t_ms === stage.actions[current].t_ms) current = pinned;
    else pinned = -1;
    stage.highlight(current);
    stage.at(epoch);
    prevProblem.disabled = !problems.some((t) => t < now - PROBLEM_EPSILON_MS);
    nextProblem.disabled = !problems.some((t) => t > now + PROBLEM_EPSILON_MS);
    maybeSkip();
  }

  /**
   * Ticks, inactive spans and the legend (the ticks come with the analysis). A rage burst is one
   * tick with its count (its clicks are not ticked again); a click the page did not answer is a
   * `dead` tick.
   */
  function marks() {
    if (!player) return;
    const total = player.duration() || 1;
    const at = (t) => `${Math.max(0, Math.min(100, ((t - start) / total) * 100))}%`;
    const length = player.duration();
    spans = player.inactiveSpans().map((s) => ({
      // Nothing to see before the first interaction or after the last one: no margin there.
      from: s.start_ms - start + (s.start_ms <= start ? 0 : SKIP_MARGIN_MS),
      to: s.end_ms - start - (s.end_ms - start >= length ? 0 : SKIP_MARGIN_MS),
      element: h('span', {
        className: 'rw-scrubber__inactive', title: `${Math.round((s.end_ms - s.start_ms) / 1000)} s without activity`,
        style: { left: at(s.start_ms), width: `calc(${at(s.end_ms)} - ${at(s.start_ms)})` },
      }),
    }));
    spanLayer.replaceChildren(...spans.map((s) => s.element));

    const actions = player.actions().length ? player.actions() : stage.actions;
    const inBurst = new Set();
    const burstSize = new Map();
    for (const row of foldActions(actions)) {
      if (!row.rage) continue;
      burstSize.set(actions[row.index].t_ms, row.count);
      for (let i = row.index; i <= row.last; i++) inBurst.add(i);
    }
    const present = new Set();
    const marksList = [];
    for (const t of player.ticks()) {
      if (t.kind === 'click' && inBurst.has(t.action)) continue;
      const kind = tickKind(t, actions[t.action]);
      present.add(kind);
      const count = t.kind === 'rage' ? burstSize.get(t.t_ms) ?? burstSize.get(actions[t.action]?.t_ms) : null;
      const label = `${offset(t.t_ms - start)} ${KINDS[kind]}${count ? ` × ${count}` : ''}: ${t.label}`;
      marksList.push({ t: t.t_ms - start, label, element: h('span', { className: `rw-tick rw-kind--${kind}`, dataset: { label }, style: { left: at(t.t_ms) } }) });
    }
    ticks.replaceChildren(...marksList.map((m) => m.element));
    tickMarks = marksList;
    stage.legend.replaceChildren(present.size ? legend(present) : '');

    problems = [...new Set([
      ...actions.filter((a) => a.action === 'console_error' || a.action === 'network_error' || isDead(a)).map((a) => a.t_ms - start),
      ...player.ticks().filter((t) => t.kind === 'rage').map((t) => t.t_ms - start),
    ])].sort((a, b) => a - b);
    prevProblem.disabled = nextProblem.disabled = problems.length === 0;
    update();
  }

  // ---- scrubbing and hovering ---------------------------------------------------------------
  let tickMarks = [];
  const fraction = (event) => {
    const r = scrubber.getBoundingClientRect();
    return r.width > 0 ? Math.max(0, Math.min(1, (event.clientX - r.left) / r.width)) : 0;
  };
  let dragging = false;
  let resume = false;
  scrubber.addEventListener('pointerdown', (event) => {
    if (!player || event.button !== 0) return;
    event.preventDefault();
    scrubber.focus();
    dragging = true;
    resume = player.isPlaying();
    if (resume) player.pause();
    scrubber.setPointerCapture?.(event.pointerId);
    pinned = -1;
    seek(fraction(event) * player.duration());
  });
  scrubber.addEventListener('pointermove', (event) => {
    if (!player) return;
    if (dragging) seek(fraction(event) * player.duration());
    // The tick nearest the pointer (within a few px) says what it marks.
    const r = scrubber.getBoundingClientRect();
    const x = event.clientX - r.left;
    const total = player.duration() || 1;
    let best = null;
    for (const m of tickMarks) {
      const d = Math.abs((m.t / total) * r.width - x);
      if (d <= 6 && (!best || d < best.d)) best = { d, m };
    }
    tip.hidden = !best;
    if (best) {
      tip.textContent = best.m.label;
      tip.style.left = `${Math.max(0, Math.min(100, (best.m.t / total) * 100))}%`;
    }
  });
  scrubber.addEventListener('pointerleave', () => {
    tip.hidden = true;
  });
  const endDrag = () => {
    if (!dragging) return;
    dragging = false;
    if (resume && player) player.play();
    updateButtons();
  };
  scrubber.addEventListener('pointerup', endDrag);
  scrubber.addEventListener('pointercancel', endDrag);
  scrubber.addEventListener('keydown', (event) => {
    if (!player) return;
    if (event.key === 'Home') seek(0);
    else if (event.key === 'End') seek(player.duration());
    else if (event.key === 'PageUp') seek(player.currentTime() + 30_000);
    else if (event.key === 'PageDown') seek(player.currentTime() - 30_000);
    else return;
    event.preventDefault();
  });

  // ---- the panels --------------------------------------------------------------------------
  function pick(action, index) {
    pinned = index ?? -1;
    seek(action.t_ms - start);
  }
  stage.onPick((action, index) => {
    if (!player) earlyPick = { action, index };
    else pick(action, index);
  });
  /** Seeks to `epochMs` (a console or network row). */
  stage.seekTo = (epochMs) => {
    if (!player) return;
    pinned = -1;
    seek(epochMs - start);
  };

  // ---- keyboard --------------------------------------------------------------------------
  // Space toggles playback wherever focus is, but in a text field or on a control of the list
  // beside the session (where Space picks or presses): after clicking a session, an action or a
  // control of the player, Space plays and pauses, it does not pick again.
  const onKey = (event) => {
    if (!player || event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    if (!stage.screen.isConnected) return;
    const target = event.target instanceof Element ? event.target : null;
    if (target?.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]')) return;
    const inSession = !target || target === document.body || Boolean(target.closest('.rw-session'));
    const key = event.key;
    if (key === ' ' || key === 'Spacebar') {
      // Outside the session, a control keeps its Space (a session not open yet is opened);
      // a trace's disclosure keeps it everywhere.
      if (!inSession && target.closest('button, a[href], [role=option]:not([aria-selected="true"])')) return;
      if (target?.closest('summary')) return;
      toggle();
    } else if (key === 'ArrowLeft' || key === 'ArrowRight') {
      if (target?.closest('[role=tablist], [role=slider]')) return;
      pinned = -1;
      seek(player.currentTime() + (key === 'ArrowRight' ? STEP_MS : -STEP_MS));
    } else if (/^[1-4]$/.test(key)) {
      setSpeed(SPEEDS[Number(key)]);
    } else if (key === '<' || key === '>') {
      const i = SPEEDS.indexOf(player.speed()) + (key === '>' ? 1 : -1);
      if (SPEEDS[i]) setSpeed(SPEEDS[i]);
    } else if (key === '[' || key === ']') {
      jumpProblem(key === ']' ? 1 : -1);
    } else if (key === 's' || key === 'S') {
      setSkip(!skipOn);
    } else if (key === 't' || key === 'T') {
      setTheatre();
    } else if (key === 'h' || key === 'H') {
      heatmap.toggle();
    } else if ((key === 'f' || key === 'F') && !fullButton.hidden) {
      fullscreen();
    } else return;
    event.preventDefault();
  };
  document.addEventListener('keydown', onKey);

  return {
    /** The player handle once mounted (tests, embedding). */
    get player() {
      return player;
    },
    /** The sessions the heatmap aggregates from now on (see `heatmapSet`). */
    setHeatmapSet(fn) {
      gatherSet = fn;
    },
    /** What a new replay of this session should keep: `{at, playing, speed, skip}`. */
    state() {
      return player ? { at: player.currentTime(), playing: player.isPlaying(), speed: player.speed(), skip: skipOn } : null;
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      endSkip();
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('fullscreenchange', onFullscreen);
      for (const off of offs) off();
      heatmap.destroy();
      player?.destroy();
      player = null;
    },
  };
}
