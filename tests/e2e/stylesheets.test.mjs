// Style sheets: a page whose styles come from the CSSOM — CSS-in-JS rules inserted
// and deleted before and after the start (emotion-like, empty <style> elements), a rule inserted
// into a <style> that has text, nested @media rules, setProperty/removeProperty on rules,
// document.adoptedStyleSheets set before and after the start with replaceSync and insertRule, a
// <style> added and filled in one task, more changes after a new FullSnapshot — is recorded, then
// replayed in rrweb 2.x's own Replayer and in rewind's player. Every probe element's computed
// style in each replay equals the live page's. A blocked (`rr-block`) <style>'s rules are not
// recorded by rewind.
//
// impl "fake" records with the real rrweb.record (proves the harness: rrweb → rrweb); impl
// "real" records with rewind's wasm Recorder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IMPLS, newPage, playerReady, setup, skipReason, sleep } from './support.mjs';

const PROPS = ['color', 'background-color', 'margin-top', 'border-top-color', 'border-top-width'];
/** The probes every replay must style as the live page (p12's <style> is blocked). */
const COMPARED = Array.from({ length: 15 }, (_, i) => `p${i + 1}`).filter((id) => id !== 'p12');

/** `{id: {prop: value}}` of every `.probe` in `doc` (a function source, run in the browser). */
const PROBE = `(doc) => Object.fromEntries(Array.from(doc.querySelectorAll('.probe'), (el) => {
  const cs = doc.defaultView.getComputedStyle(el);
  return [el.id, Object.fromEntries(${JSON.stringify(PROPS)}.map((p) => [p, cs.getPropertyValue(p)]))];
}))`;

async function record(browser, origin, impl) {
  const page = await newPage(browser);
  await page.goto(`${origin}/pages/styles.html?impl=${impl}`);
  await page.waitForFunction(() => window.__ready === true);
  await page.evaluate(() => window.__init({ onEventsIntervalMs: 0 }));
  assert.equal(await page.evaluate(() => window.rw.optIn({ source: 'test', version: '1' })), true);
  await sleep(200);
  await page.evaluate(() => window.__styleChanges());
  await sleep(200);
  await page.evaluate(() => window.rw.takeFullSnapshot());
  await sleep(200);
  await page.evaluate(() => window.__styleChangesAfterCheckout());
  await sleep(200);
  const events = await page.evaluate(() => window.__collect());
  const live = await page.evaluate((probe) => eval(probe)(document), PROBE);
  assert.deepEqual(page.errors, [], 'page errors while recording');
  await page.context().close();
  return { events, live };
}

async function rrwebProbes(page, events) {
  return page.evaluate(async ({ events, probe }) => {
    const root = document.createElement('div');
    document.body.append(root);
    const replayer = new rrweb.Replayer(events, { root, showWarning: false, mouseTail: false, triggerFocus: false });
    replayer.pause(replayer.getMetaData().totalTime + 1);
    await new Promise((r) => setTimeout(r, 50));
    const got = eval(probe)(replayer.iframe.contentDocument);
    replayer.destroy?.();
    root.remove();
    return got;
  }, { events, probe: PROBE });
}

async function rewindProbes(page, events) {
  return page.evaluate(async ({ events, probe }) => {
    const { createPlayer } = await import('/js/player.js');
    const el = document.createElement('div');
    el.style.cssText = 'width:800px;height:600px';
    document.body.append(el);
    const p = await createPlayer(el, events, { skipInactive: false });
    p.seek(p.info().duration_ms);
    await new Promise((r) => setTimeout(r, 50));
    const got = eval(probe)(p.frame.contentDocument);
    const warnings = p.info().warnings;
    p.destroy();
    el.remove();
    return { got, warnings };
  }, { events, probe: PROBE });
}

const pick = (probes) => Object.fromEntries(COMPARED.map((id) => [id, probes[id]]));

for (const impl of IMPLS) {
  test(`style sheets replay as the live page in rrweb's Replayer and rewind's player (${impl} recorder)`, { skip: skipReason(impl) ?? false }, async (t) => {
    const { server, browser } = await setup(t);
    const { events, live } = await record(browser, server.origin, impl);
    assert.equal(events.filter((e) => e.type === 2).length, 2, 'two FullSnapshots');
    // the page really depends on the CSSOM: each probe is styled
    for (const id of COMPARED) assert.notEqual(live[id].color + live[id]['background-color'], 'rgb(0, 0, 0)rgba(0, 0, 0, 0)', `${id} is styled live`);
    const sources = new Set(events.filter((e) => e.type === 3).map((e) => e.data.source));
    for (const s of [8, 13, 15]) assert.ok(sources.has(s), `IncrementalSource ${s} recorded`);

    const page = await newPage(browser);
    await page.goto(`${server.origin}/pages/replay.html`);
    const theirs = await rrwebProbes(page, events);
    assert.deepEqual(pick(theirs), pick(live), "rrweb's Replayer: probes equal the live page");
    if (impl === 'real') {
      const unstyled = { color: 'rgb(0, 0, 0)', 'background-color': 'rgba(0, 0, 0, 0)' };
      assert.deepEqual({ color: theirs.p12.color, 'background-color': theirs.p12['background-color'] }, unstyled, 'the blocked <style> is not replayed');
      // The comparison is not blind: without the CSSOM events the replay differs.
      const without = events.filter((e) => !(e.type === 3 && [8, 13, 15].includes(e.data.source)));
      assert.notDeepEqual(pick(await rrwebProbes(page, without)), pick(live), 'dropping the CSSOM events went unnoticed');
    }
    if (playerReady) {
      const mine = await rewindProbes(page, events);
      assert.deepEqual(pick(mine.got), pick(live), "rewind's player: probes equal the live page");
      assert.deepEqual(mine.warnings, [], "rewind's player warnings");
      if (impl === 'real') assert.deepEqual(mine.got.p12, theirs.p12, 'the blocked <style> in rewind\'s player');
    }
    assert.deepEqual(page.errors, [], 'replay page errors');
  });
}
