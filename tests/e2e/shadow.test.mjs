// Shadow DOM and modal dialogs, end to end: a page with web components (open shadow roots with
// their own styles, text and an input; one built after start, one root attached after start, a
// declarative root, a closed root) and a modal <dialog> is recorded, then replayed in rrweb's own
// Replayer and in rewind's player (js/player.js). Probes in each replay — the text and computed
// styles inside every shadow root, the input's value there, the dialog's `open` and `:modal` —
// must equal the live page's (masked as recorded: text and inputs by default). rewind's analyzer
// reads both recordings (the clicks, the typing inside the shadow root).
//
// impl "fake" records with the real rrweb.record (proves the harness and the probes: rrweb →
// rrweb must match); impl "real" records with rewind's wasm Recorder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IMPLS, newPage, playerReady, replayBoth, setup, skipReason, sleep } from './support.mjs';

const { analyzeEvents } = await import('../../js/analyze.js');


/** The probes, run in the page (live) or in a replayed document. `mask` masks text and values. */
const PROBE = String.raw`
window.__probe = function probe(doc, mask) {
  const m = (s) => (mask ? s.replace(/\S/g, '*') : s);
  const out = {};
  for (const id of ['card1', 'card2', 'declhost', 'late', 'closedhost']) {
    const host = doc.getElementById(id);
    const root = host?.shadowRoot;
    if (!host) { out[id] = 'missing'; continue; }
    if (!root) { out[id] = 'no open shadow root'; continue; }
    out[id] = Array.from(root.querySelectorAll('p, b, i, input'), (e) => {
      const cs = doc.defaultView.getComputedStyle(e);
      const text = e.localName === 'input' ? (mask ? '*'.repeat(e.value.length) : e.value) : m(e.textContent);
      return e.localName + ' ' + JSON.stringify(text) + ' ' + cs.color + ' ' + cs.fontWeight + ' ' + cs.fontSize + ' ' + cs.fontStyle;
    });
  }
  const d = doc.getElementById('dlg');
  out.dialog = { open: d.open, modal: d.matches(':modal'), text: m(d.textContent.trim()) };
  return out;
};
`;

async function record(browser, origin, impl) {
  const page = await newPage(browser);
  await page.goto(`${origin}/pages/shadow.html?impl=${impl}`);
  await page.waitForFunction(() => window.__ready === true);
  await page.evaluate(() => window.__init({ onEventsIntervalMs: 0 }));
  assert.equal(await page.evaluate(() => window.rw.optIn({ source: 'test' })), true);
  await page.click('#add');
  await page.click('#change');
  await page.click('#card1 input.field'); // Playwright's CSS pierces open shadow roots
  await page.keyboard.type('Shadowsecret-Typed', { delay: 5 });
  await page.click('#open');
  await sleep(250);
  const events = await page.evaluate(() => window.__collect());
  await page.addScriptTag({ content: PROBE });
  const live = await page.evaluate(() => window.__probe(document, true));
  assert.deepEqual(page.errors, [], 'page errors while recording');
  await page.context().close();
  return { events, live };
}

for (const impl of IMPLS) {
  test(`shadow DOM and modal dialogs (${impl} recorder): rrweb's Replayer and rewind's player show the live page`, { skip: skipReason(impl) ?? false }, async (t) => {
    const { server, browser } = await setup(t);
    const { events, live } = await record(browser, server.origin, impl);
    // the probes see what they must on the live page (so a blank replay cannot pass)
    assert.equal(live.card1.length, 3, JSON.stringify(live.card1)); // title, input, the added note
    assert.match(live.card1[0], /rgb\(200, 0, 0\) 700 22px/);
    assert.equal(live.card2.length, 2);
    assert.match(live.late[0], /^i .* rgb\(120, 0, 120\)/);
    assert.match(live.declhost[0], /rgb\(0, 0, 200\)/);
    assert.equal(live.closedhost, 'no open shadow root');
    assert.equal(live.dialog.open && live.dialog.modal, true, 'the dialog is open, modal');
    const json = JSON.stringify(events);
    for (const secret of ['Shadowsecret', 'Dialogsecret', 'Declared Shadowtext', 'Late shadow']) {
      assert.ok(!json.includes(secret), `${secret} recorded unmasked`);
    }
    assert.ok(!json.includes('Closed-root'), 'closed roots stay out');
    if (impl === 'real') {
      assert.ok(json.includes('"isShadowHost":true') && json.includes('"isShadow":true'), 'rrweb shadow flags');
      assert.ok(json.includes('"rr_open_mode":"modal"'), 'the dialog opened modal');
    }

    const replayed = await replayBoth(browser, server.origin, events, PROBE);
    assert.deepEqual(replayed.errors, [], 'replay page errors');
    assert.deepEqual(replayed.rrweb, live, "rrweb's Replayer differs from the live page");
    if (playerReady) assert.deepEqual(replayed.rewind, live, "rewind's player differs from the live page");
    else t.diagnostic('pkg/rewind.js has no Player: rewind player probes skipped (npm run build:wasm-analyze)');

    // the analyzer reads the recording: the clicks, and the typing inside the shadow root
    const { actions } = await analyzeEvents(events, `${impl}-shadow`);
    const kinds = actions.map((a) => `${a.action} ${a.target_desc}`);
    for (const label of ['Add card', 'Change', 'Open dialog']) {
      const masked = `click button ${JSON.stringify(label.replace(/\S/g, '*'))}`;
      assert.ok(kinds.includes(masked), `no ${masked}: ${JSON.stringify(kinds)}`);
    }
    assert.ok(kinds.some((k) => /^input input type=text in x-card/.test(k)), `no input inside the shadow root: ${JSON.stringify(kinds)}`);
  });
}
