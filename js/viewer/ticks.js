// The kinds of marks the viewer colours: one colour per kind, shared by the scrubber's ticks,
// the action list's icons and the legend (the colours are viewer.css `--rw-kind-*`).
import { h } from './dom.js';

/** Each kind's label, in legend order. */
export const KINDS = {
  page: 'Page view',
  click: 'Click',
  input: 'Input',
  scroll: 'Scroll',
  custom: 'Event',
  error: 'Error',
  rage: 'Rage click',
  dead: 'No response',
};

/** The kind of an analyzer action (`actions[].action`). */
export function kindOf(action) {
  switch (action) {
    case 'navigate': return 'page';
    case 'click': case 'touch_start': return 'click';
    case 'input': case 'select': return 'input';
    case 'scroll': return 'scroll';
    case 'console_error': case 'network_error': return 'error';
    default: return 'custom';
  }
}

/**
 * The kind of a player tick (`player.ticks()`: `click`, `scroll`, `input`, `page`, `error`,
 * `rage`), refined by its action: a click the page did not answer is `dead`.
 */
export function tickKind(tick, action) {
  if (tick.kind === 'click' && action?.metadata?.outcome?.kind === 'nothing') return 'dead';
  return KINDS[tick.kind] ? tick.kind : 'custom';
}

/** The legend of the kinds in `present` (a Set of kinds), in KINDS order. */
export function legend(present) {
  return h('ul', { className: 'rw-legend', 'aria-label': 'Timeline legend' },
    Object.entries(KINDS).filter(([kind]) => present.has(kind)).map(([kind, label]) =>
      h('li', { className: `rw-legend__item rw-kind--${kind}` }, h('span', { className: 'rw-legend__mark', 'aria-hidden': 'true' }), label)));
}
