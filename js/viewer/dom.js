// Tiny DOM helpers for the viewer. Everything recorded (URLs, descriptions, error messages,
// visitor ids) is untrusted, so it only ever reaches the page as text nodes and attribute
// values — never through innerHTML.

/**
 * `h('div', {className: 'x', onclick: fn, 'aria-label': 'y'}, child, 'text', [more])`.
 * Keys starting with `on` add listeners; keys with a dash or `role`/`for` become attributes;
 * the rest are properties. `null`/`false` children and attributes are skipped.
 */
export function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value == null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else if (key.includes('-') || key === 'role' || key === 'for') node.setAttribute(key, value === true ? '' : String(value));
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key === 'style' && typeof value === 'object') Object.assign(node.style, value);
    else node[key] = value;
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child == null || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : String(child));
  }
}

const SVG = 'http://www.w3.org/2000/svg';

/** 24×24 stroke icons (paths drawn for the viewer). */
const ICONS = {
  navigate: 'M4 12h15M13 6l6 6-6 6',
  click: 'M6 3l12 7.5-5.2 1.3L10.5 17z M13 12.5l4.5 6',
  input: 'M5 7V5h14v2 M9 19h6 M12 5v14',
  scroll: 'M12 3v18 M7.5 7.5L12 3l4.5 4.5 M7.5 16.5L12 21l4.5-4.5',
  select: 'M4 6h16 M4 12h16 M4 18h9',
  console_error: 'M12 3.5l9.5 16.5h-19z M12 10v4.5 M12 17.2v.3',
  network_error: 'M12 3.5l9.5 16.5h-19z M12 10v4.5 M12 17.2v.3',
  touch_start: 'M12 12m-3 0a3 3 0 1 0 6 0a3 3 0 1 0-6 0 M12 12m-8 0a8 8 0 1 0 16 0a8 8 0 1 0-16 0',
  custom: 'M4 4h7.5l8.5 8.5-7.5 7.5L4 11.5z M8.5 8.5v.01',
  file: 'M6 3h8l4 4v14H6z M14 3v4h4',
  upload: 'M12 16V4 M7 9l5-5 5 5 M5 20h14',
  refresh: 'M20 11a8 8 0 1 0-2.3 5.7 M20 4v7h-7',
  search: 'M11 11m-6.5 0a6.5 6.5 0 1 0 13 0a6.5 6.5 0 1 0-13 0 M16 16l4.5 4.5',
  key: 'M8 15m-4 0a4 4 0 1 0 8 0a4 4 0 1 0-8 0 M11 12l9-9 M17 6l3 3',
  chevronLeft: 'M15 5l-7 7 7 7',
  chevronRight: 'M9 5l7 7-7 7',
  user: 'M12 8m-4 0a4 4 0 1 0 8 0a4 4 0 1 0-8 0 M4 21c1.5-4 4.5-6 8-6s6.5 2 8 6',
  play: 'M7 4v16l13-8z',
  pause: 'M6 4h4v16H6z M14 4h4v16h-4z',
  rewind: 'M11 6l-7 6 7 6z M20 6l-7 6 7 6z',
  theatre: 'M3 6h18v12H3z M3 15h18',
  fullscreen: 'M4 9V4h5 M15 4h5v5 M20 15v5h-5 M9 20H4v-5',
  list: 'M4 6h16 M4 12h16 M4 18h16',
  live: 'M12 12m-2 0a2 2 0 1 0 4 0a2 2 0 1 0-4 0 M7.8 7.8a6 6 0 0 0 0 8.4 M16.2 7.8a6 6 0 0 1 0 8.4',
};

/** An inline SVG icon (decorative: hidden from assistive technology). */
export function icon(name, className = 'rw-icon') {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', className);
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', ICONS[name] ?? ICONS.custom);
  svg.append(path);
  return svg;
}

let ids = 0;
/** A page-unique id prefix, so several viewers can be mounted on one page. */
export const uid = (name) => `rw${++ids}-${name}`;

/**
 * Keyboard for a single-select list (WAI-ARIA listbox pattern with a roving tabindex): one
 * option is in the tab order; Up/Down/Home/End move focus, Enter selects, and Space selects an
 * option not selected yet (on the selected one it is left to the page: the viewer's play/pause). Options
 * are `[role=option]` descendants of `container`, found fresh on every key press so the list
 * can be re-rendered freely.
 */
export function rovingList(container, onSelect) {
  const options = () => [...container.querySelectorAll('[role=option]')];
  container.addEventListener('keydown', (event) => {
    const all = options();
    const index = all.indexOf(document.activeElement);
    if (index < 0) return;
    let next = null;
    if (event.key === 'ArrowDown') next = all[Math.min(all.length - 1, index + 1)];
    else if (event.key === 'ArrowUp') next = all[Math.max(0, index - 1)];
    else if (event.key === 'Home') next = all[0];
    else if (event.key === 'End') next = all[all.length - 1];
    else if (event.key === 'Enter' || (event.key === ' ' && all[index].getAttribute('aria-selected') !== 'true')) {
      event.preventDefault();
      onSelect(all[index]);
      return;
    } else return;
    event.preventDefault();
    focusOption(all, next);
  });
  container.addEventListener('click', (event) => {
    const option = event.target.closest('[role=option]');
    if (option && container.contains(option)) {
      focusOption(options(), option);
      onSelect(option);
    }
  });
}

function focusOption(all, option) {
  for (const o of all) o.tabIndex = o === option ? 0 : -1;
  option.focus();
}

/** After a re-render: keep exactly one option tabbable (the selected one, else the first). */
export function resetTabStop(container) {
  const all = [...container.querySelectorAll('[role=option]')];
  const stop = all.find((o) => o.getAttribute('aria-selected') === 'true') ?? all[0];
  for (const o of all) o.tabIndex = o === stop ? 0 : -1;
}
