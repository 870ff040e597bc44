// A large, mutation-heavy rrweb recording built in memory: a data table of `rows` rows, shown
// by the FullSnapshot and re-rendered `renders - 1` more times by one Mutation each (the old
// <tbody> removed, a new one added node by node, as rrweb records a framework re-rendering a
// list), with the pointer moving over it and a click on "Refresh" before each re-render. With
// the defaults (2,000 rows × 4 cells, the FullSnapshot's then 10 re-renders) it is about 20 MB
// of JSON, about 2 MB per re-render: the recording of the player's large-file benchmark (benches/browser/play.mjs) and
// of its loading tests (viewer-player-large.test.mjs).
//
// rrweb 2.x shapes: Meta (type 4), FullSnapshot (type 2), IncrementalSnapshot (type 3) with
// Mutation (source 0: adds are one node each, `{parentId, nextId, node}`, children after their
// parent), MouseMove (source 1) and MouseInteraction (source 2, type 2 = Click).

/** rrweb's event types and incremental sources used here. */
const META = 4;
const FULL_SNAPSHOT = 2;
const INCREMENTAL = 3;
const MUTATION = 0;
const MOUSE_MOVE = 1;
const MOUSE_INTERACTION = 2;
const CLICK = 2;

/** Cells per row: ~1 KB of Mutation JSON per row, ~2 MB per re-render of 2,000 rows. */
const COLUMNS = 4;
/** Mouse positions are sampled every 50 ms and sent in batches every 500 ms, as rrweb does. */
const MOVE_SAMPLE_MS = 50;
const MOVE_BATCH_MS = 500;

/**
 * The recording as JSON text (an array of events, as rrweb exports it).
 *
 * @param {{ rows?: number, renders?: number, everyMs?: number, start?: number }} [options]
 *   `renders`: table contents shown in all (the FullSnapshot's plus `renders - 1` Mutations),
 *   `everyMs`: time between re-renders, `start`: Unix epoch ms of the first event.
 * @returns {{ json: string, events: number, renderTimes: number[], rows: number }} `renderTimes`:
 *   ms from the first event at which each render is shown (the first is the FullSnapshot's).
 */
export function tableRecording({ rows = 2000, renders = 11, everyMs = 3000, start = 1_767_000_000_000 } = {}) {
  let nextId = 1;
  const id = () => nextId++;
  const text = (s) => ({ type: 3, textContent: s, id: id() });
  const el = (tagName, attributes = {}, childNodes = []) => ({ type: 2, tagName, attributes, childNodes, id: id() });

  const cell = (render, row, col) => {
    switch (col) {
      case 0: return `#${render}-${row}`;
      case 1: return `Customer ${(row * 7919 + render * 31) % 100_000}`;
      case 2: return `${((row * 37 + render * 101) % 100_000) / 100} EUR`;
      default: return ['paid', 'open', 'late', 'void'][(row + render) % 4];
    }
  };
  const tbody = (render) => el('tbody', { 'data-render': String(render) }, Array.from({ length: rows }, (_, r) =>
    el('tr', { class: r % 2 ? 'odd' : 'even' }, Array.from({ length: COLUMNS }, (_, c) =>
      el('td', {}, [text(cell(render, r, c))])))));

  const button = el('button', { id: 'refresh', type: 'button' }, [text('Refresh')]);
  const table = el('table', { id: 'orders' }, [
    el('thead', {}, [el('tr', {}, ['Order', 'Customer', 'Amount', 'Status'].map((h) => el('th', {}, [text(h)])))]),
    tbody(0),
  ]);
  const style = el('style', {}, [text('body{font:13px sans-serif;margin:8px}td,th{padding:2px 6px;border-bottom:1px solid #ddd}.odd{background:#f6f6f6}')]);
  const html = el('html', { lang: 'en' }, [
    el('head', {}, [el('title', {}, [text('Orders')]), style]),
    el('body', {}, [el('h1', {}, [text('Orders')]), button, table]),
  ]);
  const doc = { type: 0, childNodes: [{ type: 1, name: 'html', publicId: '', systemId: '', id: id() }, html], compatMode: 'CSS1Compat', id: id() };
  let current = table.childNodes[1];

  const out = [];
  const push = (t, type, data) => out.push(JSON.stringify({ type, data, timestamp: start + t }));
  push(0, META, { href: 'https://shop.example/orders', width: 1280, height: 720 });
  push(1, FULL_SNAPSHOT, { node: doc, initialOffset: { left: 0, top: 0 } });
  const renderTimes = [1];
  let t = 1;
  let moves = [];
  let flushed = t;
  const moveTo = (x, y) => {
    t += MOVE_SAMPLE_MS;
    moves.push({ x, y, id: 1, timeOffset: 0 });
    if (t - flushed >= MOVE_BATCH_MS) {
      moves = moves.map((m, i) => ({ ...m, timeOffset: (i + 1 - moves.length) * MOVE_SAMPLE_MS }));
      push(t, INCREMENTAL, { source: MOUSE_MOVE, positions: moves });
      moves = [];
      flushed = t;
    }
  };
  for (let render = 1; render < renders; render++) {
    const steps = Math.floor(everyMs / MOVE_SAMPLE_MS) - 1;
    for (let s = 0; s < steps; s++) moveTo(100 + ((s * 13 + render * 29) % 900), 80 + ((s * 7) % 600));
    t += MOVE_SAMPLE_MS;
    push(t, INCREMENTAL, { source: MOUSE_INTERACTION, type: CLICK, id: button.id, x: 60, y: 48 });
    t += 1;
    const next = tbody(render);
    const adds = [];
    // children after their parent, each appended (nextId null) in document order
    const add = (node, parentId) => {
      adds.push({ parentId, nextId: null, node: { ...node, childNodes: [] } });
      for (const child of node.childNodes ?? []) add(child, node.id);
    };
    add(next, table.id);
    push(t, INCREMENTAL, { source: MUTATION, texts: [], attributes: [], removes: [{ parentId: table.id, id: current.id }], adds });
    renderTimes.push(t);
    current = next;
  }
  // a last stretch of pointer movement after the last render
  for (let s = 0; s < 20; s++) moveTo(300 + s * 10, 300);
  return { json: `[${out.join(',')}]`, events: out.length, renderTimes, rows };
}
