// The replay in the player slot: js/player.js mounted in the slot's screen, a controls bar
// (play/pause, speeds, elapsed / total, a scrubber with the event ticks and the inactive spans),
// the keyboard (Space, ←/→, 1–4) and the sync with the action timeline.
//
// Times: the player speaks milliseconds from the recording's first event; actions and ticks
// carry `t_ms`, Unix epoch milliseconds. `info().start_time` converts one into the other.
import { h, icon } from './dom.js';
import { offset } from './format.js';

const SPEEDS = [1, 2, 4, 8];
const STEP_MS = 5000;
const TICK_LABEL = { click: 'Click', scroll: 'Scroll', input: 'Input', page: 'Page view', error: 'Error', rage: 'Rage click' };

/**
 * Mounts the player for one session. `stage`: what renderSession exposes (`screen`, `controls`,
 * `actions`, `highlight(i)`, `onPick(fn)`); `source()`: resolves to what createPlayer takes;
 * `loadPlayer`: resolves to the js/player.js module; `onReady(player)`: called once the player
 * is mounted (deep links seek it and follow it: viewer/location.js). Returns `{destroy()}`.
 */
export function mountReplay(stage, { source, loadPlayer, onReady }) {
  let player = null;
  let destroyed = false;
  let start = 0;
  let pinned = -1; // an action picked in the list stays highlighted while its time is current
  const offs = [];

  const playButton = h('button', { type: 'button', className: 'rw-player__play', 'aria-label': 'Play', title: 'Play (Space)', disabled: true, onclick: () => toggle() }, icon('play'));
  const speedButtons = SPEEDS.map((s, i) => h('button', {
    type: 'button', className: 'rw-player__speed', 'aria-pressed': String(s === 1), title: `Speed ${s}× (${i + 1})`, disabled: true,
    onclick: () => setSpeed(s),
  }, `${s}×`));
  const time = h('span', { className: 'rw-player__time rw-mono', 'aria-live': 'off' }, '0:00 / 0:00');
  const spans = h('div', { className: 'rw-scrubber__spans', 'aria-hidden': 'true' });
  const fill = h('div', { className: 'rw-scrubber__fill', 'aria-hidden': 'true' });
  const ticks = h('div', { className: 'rw-scrubber__ticks', 'aria-hidden': 'true' });
  const thumb = h('div', { className: 'rw-scrubber__thumb', 'aria-hidden': 'true' });
  const scrubber = h('div', {
    className: 'rw-scrubber', role: 'slider', tabIndex: 0, 'aria-label': 'Playback position',
    'aria-valuemin': '0', 'aria-valuemax': '0', 'aria-valuenow': '0', 'aria-valuetext': '0:00 of 0:00', 'aria-disabled': 'true',
  }, h('div', { className: 'rw-scrubber__track' }, spans, fill, ticks), thumb);
  const bar = h('div', { className: 'rw-player__controls', role: 'group', 'aria-label': 'Playback controls' },
    playButton,
    h('div', { className: 'rw-player__speeds', role: 'group', 'aria-label': 'Speed' }, speedButtons),
    time,
    scrubber);
  stage.controls.replaceChildren(bar);
  stage.controls.hidden = false;

  // ---- the player ------------------------------------------------------------------------
  (async () => {
    try {
      const [{ createPlayer }, input] = await Promise.all([loadPlayer(), source()]);
      if (destroyed) return;
      const p = await createPlayer(stage.screen, input, { skipInactive: true, speed: 1 });
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
      for (const b of [playButton, ...speedButtons]) b.disabled = false;
      scrubber.removeAttribute('aria-disabled');
      marks();
      update();
      onReady?.(player);
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

  function setSpeed(speed) {
    if (!player) return;
    const now = player.setSpeed(speed);
    for (const [i, b] of speedButtons.entries()) b.setAttribute('aria-pressed', String(SPEEDS[i] === now));
  }

  function seek(ms) {
    if (!player) return;
    player.seek(Math.max(0, Math.min(player.duration(), ms)));
    update();
  }

  function updateButtons() {
    if (!player) return;
    const playing = player.isPlaying();
    playButton.replaceChildren(icon(playing ? 'pause' : 'play'));
    playButton.setAttribute('aria-label', playing ? 'Pause' : 'Play');
    playButton.title = `${playing ? 'Pause' : 'Play'} (Space)`;
    playButton.classList.toggle('is-playing', playing);
  }

  /** The time, the scrubber and the action highlighted in the list. */
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
  }

  /** Ticks and inactive spans on the scrubber (the ticks come with the analysis). */
  function marks() {
    if (!player) return;
    const total = player.duration() || 1;
    const at = (t) => `${Math.max(0, Math.min(100, ((t - start) / total) * 100))}%`;
    spans.replaceChildren(...player.inactiveSpans().map((s) => h('span', {
      className: 'rw-scrubber__inactive', title: 'No activity (skipped)',
      style: { left: at(s.start_ms), width: `calc(${at(s.end_ms)} - ${at(s.start_ms)})` },
    })));
    ticks.replaceChildren(...player.ticks().map((t) => h('span', {
      className: `rw-tick rw-tick--${t.kind}`, title: `${offset(t.t_ms - start)} ${TICK_LABEL[t.kind] ?? t.kind}: ${t.label}`,
      style: { left: at(t.t_ms) },
    })));
    update();
  }

  // ---- scrubbing -------------------------------------------------------------------------
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
    if (dragging && player) seek(fraction(event) * player.duration());
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

  // ---- the action list -------------------------------------------------------------------
  stage.onPick((action, index) => {
    if (!player) return;
    pinned = index;
    seek(action.t_ms - start);
  });

  // ---- keyboard --------------------------------------------------------------------------
  const onKey = (event) => {
    if (!player || event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    if (!stage.screen.isConnected) return;
    const target = event.target;
    if (target instanceof Element && target.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]')) return;
    const key = event.key;
    if (key === ' ' || key === 'Spacebar') {
      // Space on a button presses that button; on an option it selects it.
      if (target instanceof Element && target.closest('button, a[href], [role=option]')) return;
      toggle();
    } else if (key === 'ArrowLeft' || key === 'ArrowRight') {
      pinned = -1;
      seek(player.currentTime() + (key === 'ArrowRight' ? STEP_MS : -STEP_MS));
    } else if (/^[1-4]$/.test(key)) {
      setSpeed(SPEEDS[Number(key) - 1]);
    } else return;
    event.preventDefault();
  };
  document.addEventListener('keydown', onKey);

  return {
    /** The player handle once mounted (tests, embedding). */
    get player() {
      return player;
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      document.removeEventListener('keydown', onKey);
      for (const off of offs) off();
      player?.destroy();
      player = null;
    },
  };
}
