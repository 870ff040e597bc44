// Same-origin iframes, end to end: a page with a same-origin iframe (a URL of the test server)
// whose content changes after start (text, an added node, an input typed into), an iframe added
// after start and written into, and a cross-origin iframe (a second server on another
// 127.0.0.1 port) is recorded, then replayed in rrweb's own Replayer and in rewind's player
// (js/player.js). Probes in each replay — the text and values inside each same-origin iframe,
// the cross-origin iframe present as an (empty) placeholder — must equal the live page's
// (masked as recorded: text and inputs by default).
//
// impl "fake" records with the real rrweb.record (proves the harness and the probes: rrweb →
// rrweb must match); impl "real" records with rewind's wasm Recorder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IMPLS, newPage, playerReady, replayBoth, serve, setup, skipReason, sleep } from './support.mjs';


/** The probes, run in the page (live) or in a replayed document. `mask` masks text and values. */
const PROBE = String.raw`
window.__probe = function probe(doc, mask) {
  const m = (s) => (mask ? s.replace(/\S/g, '*') : s);
  const out = {};
  for (const id of ['same', 'late']) {
    const frame = doc.getElementById(id);
    if (!frame) { out[id] = 'missing'; continue; }
    const d = frame.contentDocument;
    if (!d) { out[id] = 'unreadable'; continue; }
    out[id] = Array.from(d.querySelectorAll('p, li, input'), (e) =>
      e.localName + ' ' + JSON.stringify(e.localName === 'input' ? (mask ? '*'.repeat(e.value.length) : e.value) : m(e.textContent)));
  }
  out.cross = doc.getElementById('cross') ? 'present' : 'missing';
  return out;
};
`;

async function record(browser, origin, crossOrigin, impl) {
  const page = await newPage(browser);
  await page.goto(`${origin}/pages/iframes.html?impl=${impl}&xo=${encodeURIComponent(crossOrigin)}`);
  await page.waitForFunction(() => window.__ready === true && document.getElementById('same').contentDocument?.readyState === 'complete');
  await page.evaluate(() => window.__init({ onEventsIntervalMs: 0 }));
  assert.equal(await page.evaluate(() => window.rw.optIn({ source: 'test' })), true);
  await sleep(100);
  await page.click('#change');
  await page.frameLocator('#same').locator('#field').click();
  await page.keyboard.type('Framesecret-Typed', { delay: 5 });
  await page.click('#addframe');
  await sleep(300);
  const events = await page.evaluate(() => window.__collect());
  await page.addScriptTag({ content: PROBE });
  const live = await page.evaluate(() => window.__probe(document, true));
  assert.deepEqual(page.errors, [], 'page errors while recording');
  await page.context().close();
  return { events, live };
}

for (const impl of IMPLS) {
  test(`same-origin iframes (${impl} recorder): rrweb's Replayer and rewind's player show the live page`, { skip: skipReason(impl) ?? false }, async (t) => {
    const { server, browser } = await setup(t);
    const other = await serve(); // another port: another origin
    t.after(() => other.close());
    const { events, live } = await record(browser, server.origin, other.origin, impl);
    // the probes see what they must on the live page (so a blank replay cannot pass)
    // the changed title, the first and the added item, the typed input
    assert.deepEqual(live.same.map((x) => x.split(' ')[0]), ['p', 'li', 'li', 'input'], JSON.stringify(live.same));
    assert.equal(live.same[0], `p ${JSON.stringify('Changed Framesecret-Title'.replace(/\S/g, '*'))}`);
    assert.equal(live.same[3], `input ${JSON.stringify('*'.repeat('Framesecret-Typed'.length))}`);
    assert.equal(live.late.length, 2, JSON.stringify(live.late));
    assert.equal(live.cross, 'present');
    assert.ok(other.requests.includes('/pages/iframe-child.html'), 'the cross-origin iframe loaded');
    const json = JSON.stringify(events);
    for (const secret of ['Framesecret', 'first item']) {
      assert.ok(!json.includes(secret), `${secret} recorded unmasked`);
    }
    if (impl === 'real') {
      assert.ok(json.includes('"isAttachIframe":true') && json.includes('"rootId":'), 'rrweb iframe attach and rootId');
      assert.ok(json.includes(`"rr_src":"${other.origin}/pages/iframe-child.html"`), 'the cross-origin placeholder keeps its address');
    }

    const replayed = await replayBoth(browser, server.origin, events, PROBE);
    assert.deepEqual(replayed.errors, [], 'replay page errors');
    assert.deepEqual(replayed.rrweb, live, "rrweb's Replayer differs from the live page");
    if (playerReady) assert.deepEqual(replayed.rewind, live, "rewind's player differs from the live page");
    else t.diagnostic('pkg/rewind.js has no Player: rewind player probes skipped (npm run build:wasm-analyze)');
  });
}
