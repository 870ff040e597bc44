// The pages `record.mjs` measures the recorders on (served from memory, same origin as the
// recorders' code). Three shapes of about 10,000 elements in <body> for the FullSnapshot, so a
// result is not an artefact of one DOM shape, and an empty table for the mutation storm.

/** Each snapshot page: its path, what it is, and the HTML. */
export function snapshotPages() {
  return [
    { path: '/cards.html', shape: 'cards', what: '1,000 cards × 10 elements: div > h3, p > a + span + b, ul > li×2, input; short text in each', html: cardsPage() },
    { path: '/table10k.html', shape: 'table', what: 'a 2,000-row table: tr > td×3 (text, text, a link); 5 elements per row, a data grid', html: tablePage10k() },
    { path: '/widgets.html', shape: 'widgets', what: '1,000 widgets × 10 elements: section[data-*, style, aria-label] > header > svg > path + h4[title]; div > label + select > option; button', html: widgetsPage() },
  ];
}

function cardsPage() {
  // 1,000 cards × 10 elements = 10,000 elements in <body> (plus html/head/body/style/script).
  const cards = [];
  for (let i = 0; i < 1000; i++) {
    cards.push(
      `<div class="card" id="c${i}"><h3>Card number ${i}</h3><p>Some descriptive text for item ${i} ` +
        `<a href="/item/${i}?ref=list#top">open item ${i}</a> <span class="tag">tag ${i % 17}</span> ` +
        `<b>bold ${i}</b></p><ul><li>first point ${i}</li><li>second point</li></ul>` +
        `<input name="q${i}" value="value ${i}"></div>`,
    );
  }
  return page(
    '<style>.card{border:1px solid #ccc;margin:4px;padding:4px}.tag{color:#06c}h3{font-size:14px;margin:0}</style>',
    cards.join('\n'),
  );
}

function tablePage10k() {
  const rows = [];
  for (let i = 0; i < 2000; i++) {
    rows.push(`<tr><td>${i}</td><td>customer ${i} · order ${(i * 7919) % 100000}</td><td><a href="/orders/${i}">details</a></td></tr>`);
  }
  return page('<style>td{padding:1px 4px;border-bottom:1px solid #eee}</style>', `<table id="g"><tbody>${rows.join('\n')}</tbody></table>`);
}

function widgetsPage() {
  const ws = [];
  for (let i = 0; i < 1000; i++) {
    ws.push(
      `<section class="w w${i % 5}" data-id="${i}" data-kind="metric" aria-label="widget ${i}" style="width:${120 + (i % 40)}px;display:inline-block">` +
        `<header><svg viewBox="0 0 16 16" width="16" height="16"><path d="M0 0h16v16H0z M4 4h8v8H4z" fill="#${(i * 4099).toString(16).padStart(6, '0').slice(-6)}"/></svg>` +
        `<h4 title="Metric ${i} of the dashboard">Metric ${i}</h4></header>` +
        `<div class="body"><label for="s${i}">range</label><select id="s${i}"><option value="d">day ${i}</option></select>` +
        `<button type="button" data-action="refresh">refresh</button></div></section>`,
    );
  }
  return page('<style>.w{border:1px solid #ddd;margin:2px;font:12px sans-serif}h4{margin:0}</style>', ws.join('\n'));
}

/** The mutation-storm page: its table is filled from script. */
export function stormPage() {
  return page('<style>td{padding:1px 4px;border-bottom:1px solid #eee}</style>', '<table id="t"><tbody></tbody></table>');
}

function page(head, body) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>bench</title>${head}
<script src="/rrweb/rrweb.umd.cjs"></script>
<script type="module">
import initWasm, { Recorder } from '/pkg-record/rewind_record.js';
window.__bench = { Recorder, initWasm };
window.__benchReady = true;
</script></head><body>${body}</body></html>`;
}
