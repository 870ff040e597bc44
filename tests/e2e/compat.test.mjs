// rrweb compatibility: record a scripted session on several pages, replay the events in the real
// rrweb 2.x Replayer (a fresh page, rrweb's UMD build), and compare the replayed DOM with the live
// DOM at the end of recording. Then run rewind's analyzer (js/analyze.js, Node) on the same events
// and check it reports the scripted clicks and inputs.
//
// impl "fake" records with the real rrweb.record behind the SDK (proves the harness and the
// comparer: rrweb → rrweb must match); impl "real" records with rewind's wasm Recorder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IMPLS, newPage, setup, skipReason, sleep } from './support.mjs';
import { toLines } from './pages/normalize.js';

const { analyzeEvents } = await import('../../js/analyze.js');

/** Scripted sessions: the user actions, and what the analyzer must report. */
const SCRIPTS = {
  form: {
    async run(page) {
      await page.click('#email');
      await page.keyboard.type('jane.doe@example.com', { delay: 5 });
      await page.click('#password');
      await page.keyboard.type('hunter2hunter2', { delay: 5 });
      await page.click('#remember');
      await page.click('#submit');
      await page.click('#toggle');
    },
    clicks: ['sign-in', 'toggle-details'],
    // A checkbox tick is one input action that takes in the click that made it.
    inputs: ['email-input', 'password-input', 'remember'],
    notClicks: ['remember'],
  },
  list: {
    async run(page) {
      await page.click('#new');
      await page.keyboard.type('Call mom', { delay: 5 });
      await page.click('#add');
      await page.fill('#new', 'Pay bills');
      await page.click('#add');
      await page.click('li[data-id="2"] .remove');
      await page.click('#done-first');
      await page.click('#rename-last');
    },
    clicks: ['add', 'done-first', 'rename-last'],
    inputs: ['new-item'],
    // The page clears the input with `input.value = ''` (no input event): both recorders see it
    // through their value-setter hooks, so the replayed value must be the live one ('').
    programmaticValue: { selector: '#new', value: '' },
  },
  mutations: {
    async run(page) {
      await page.mouse.move(50, 50);
      await page.click('#go');
      await sleep(100); // the delayed second batch of mutations
      await page.mouse.wheel(0, 200);
    },
    clicks: ['go'],
    inputs: [],
  },
};

/** What each recorder masks by default (applied to the live DOM before comparing). */
const MASK = {
  fake: { text: true, attrs: false, inputs: true }, // rrweb: maskTextSelector '*', maskAllInputs
  real: { text: true, attrs: true, inputs: true }, // rewind defaults: text, title/placeholder/aria-label/alt, inputs
};

async function recordSession(browser, origin, impl, name) {
  const page = await newPage(browser);
  await page.goto(`${origin}/pages/${name}.html?impl=${impl}`);
  await page.waitForFunction(() => window.__ready === true);
  await page.evaluate(() => window.__init({ onEventsIntervalMs: 0 }));
  assert.equal(await page.evaluate(() => window.rw.optIn({ source: 'test', version: '1' })), true, 'optIn started recording');
  await SCRIPTS[name].run(page);
  await sleep(200);
  const events = await page.evaluate(() => window.__collect());
  const live = await page.evaluate(
    async (mask) => (await import('/pages/normalize.js')).normalizeDocument(document, { live: true, mask }),
    MASK[impl],
  );
  assert.deepEqual(page.errors, [], 'page errors while recording');
  await page.context().close();
  return { events, live };
}

async function replay(browser, origin, events) {
  const page = await newPage(browser);
  await page.goto(`${origin}/pages/replay.html`);
  const result = await page.evaluate(async (events) => {
    const replayer = new rrweb.Replayer(events, {
      root: document.getElementById('root'),
      showWarning: false,
      mouseTail: false,
      triggerFocus: false,
    });
    // rrweb applies synchronously the events strictly before the offset: +1 ms includes the last.
    replayer.pause(replayer.getMetaData().totalTime + 1);
    await new Promise((r) => setTimeout(r, 50));
    const { normalizeDocument } = await import('/pages/normalize.js');
    return normalizeDocument(replayer.iframe.contentDocument);
  }, events);
  const errors = page.errors;
  await page.context().close();
  return { dom: result, errors };
}

for (const impl of IMPLS) {
  test(`rrweb compatibility (${impl} recorder): replayed DOM equals the live DOM; analyzer sees the actions`, { skip: skipReason(impl) ?? false }, async (t) => {
    const { server, browser } = await setup(t);
    for (const name of Object.keys(SCRIPTS)) {
      await t.test(name, async () => {
        const { events, live } = await recordSession(browser, server.origin, impl, name);
        assert.ok(events.length > 5, `${name}: only ${events.length} events`);
        assert.equal(events[0].type, 4, 'first event is Meta');
        assert.equal(events[1].type, 2, 'second event is FullSnapshot');
        assert.ok(events.some((e) => e.type === 5 && e.data.tag === 'rewind.consent'), 'consent custom event');

        const replayed = await replay(browser, server.origin, events);
        assert.deepEqual(replayed.errors, [], 'replayer page errors');
        // Form values included (the normalized DOM carries each field's `.value`).
        assert.deepEqual(toLines(replayed.dom), toLines(live), `${name}: replayed DOM differs from the live DOM`);
        assert.deepEqual(replayed.dom, live);
        const programmatic = SCRIPTS[name].programmaticValue;
        if (programmatic) {
          // The value set from script is in the recording as a not-user-triggered Input event
          // (rrweb leaves `userTriggered` out unless `userTriggeredOnInput` is set).
          assert.ok(
            events.some((e) => e.type === 3 && e.data.source === 5 && e.data.userTriggered !== true && e.data.text === programmatic.value),
            `${name}: no Input event for the programmatic value change of ${programmatic.selector}`,
          );
        }

        // The comparer is not blind: without the last DOM mutation the replay must differ.
        const lastMutation = events.findLastIndex((e) => e.type === 3 && e.data.source === 0);
        assert.ok(lastMutation > 1, 'the session has DOM mutations');
        const truncated = await replay(browser, server.origin, events.filter((_, i) => i !== lastMutation));
        assert.notDeepEqual(truncated.dom, live, `${name}: dropping the last mutation went unnoticed`);

        const { actions } = await analyzeEvents(events, `${impl}-${name}`);
        const testIds = (kind) =>
          actions.filter((a) => a.action === kind).map((a) => a.metadata?.selectors?.['data-testid'] ?? a.target_desc);
        const clicked = testIds('click');
        for (const id of SCRIPTS[name].clicks) assert.ok(clicked.includes(id), `${name}: no click on ${id} in ${JSON.stringify(clicked)}`);
        for (const id of SCRIPTS[name].notClicks ?? []) assert.ok(!clicked.includes(id), `${name}: ${id} is a tick, not also a click: ${JSON.stringify(clicked)}`);
        const typed = testIds('input');
        for (const id of SCRIPTS[name].inputs) assert.ok(typed.includes(id), `${name}: no input into ${id} in ${JSON.stringify(typed)}`);
      });
    }
  });
}
