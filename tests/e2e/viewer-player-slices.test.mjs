// The analysis behind the viewer's player runs in slices between frames (BENCHMARKS.md, "From
// file to first frame"): `Player.analyzeStep(budget)` spreads the bundle pass over calls and
// ends with the same actions, ticks and rage clicks as the one-shot `analyze()`, and
// createPlayer takes the lists in pieces (`actionsJson(start, end)`) without losing any.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { browserSkipReason, newPage, root, setup } from './support.mjs';

const wasmReady = existsSync(new URL('pkg/rewind.js', root)) && /analyzeStep/.test(readFileSync(new URL('pkg/rewind.js', root), 'utf8'));
const skip = browserSkipReason() ?? (wasmReady ? false : 'pkg/rewind.js has no Player.analyzeStep: run `npm run build:wasm-analyze`');

/**
 * dead-button (one rage burst) followed by login-form copies, each later in time, until the
 * recording has more than 1,000 actions: more than one piece of createPlayer's lists.
 */
function longRecording() {
  const fixture = (name) => JSON.parse(readFileSync(new URL(`fixtures/${name}.json`, root), 'utf8'));
  const events = fixture('dead-button');
  const login = fixture('login-form');
  for (let i = 0; i < 160; i++) {
    const shift = events.at(-1).timestamp + 1_000 - login[0].timestamp;
    for (const e of login) events.push({ ...e, timestamp: e.timestamp + shift });
  }
  return events;
}

test('analysis in slices equals the one-shot analysis; lists come whole in pieces', { skip, timeout: 60_000 }, async (t) => {
  const { server, browser } = await setup(t);
  const page = await newPage(browser);
  await page.goto(`${server.origin}/pages/replay.html`);
  const r = await page.evaluate(async (events) => {
    const { createPlayer, init } = await import('/js/player.js');
    await init();
    const { Player } = await import('/pkg/rewind.js');
    const mount = () => {
      const el = document.createElement('div');
      el.style.cssText = 'width:800px;height:600px';
      document.body.append(el);
      return el;
    };
    // Raw players (no handle, no background work): one sliced with a zero budget, one at once.
    const sliced = new Player(mount(), events, true, 1);
    while (!sliced.loadStep(1000)) {}
    let steps = 1;
    while (!sliced.analyzeStep(0)) steps++;
    const whole = new Player(mount(), events, true, 1);
    while (!whole.loadStep(1000)) {}
    whole.analyze();
    const actions = JSON.parse(whole.actionsJson());
    const out = {
      steps,
      events: events.length,
      sameActions: sliced.actionsJson() === whole.actionsJson(),
      sameTicks: sliced.ticksJson() === whole.ticksJson(),
      nActions: actions.length,
      rageTicks: JSON.parse(whole.ticksJson()).filter((k) => k.kind === 'rage').length,
      piece: JSON.stringify(JSON.parse(whole.actionsJson(998, 1003))) === JSON.stringify(actions.slice(998, 1003)),
      clamped: [whole.actionsJson(actions.length, actions.length + 5), whole.actionsJson(5, 2), whole.ticksJson(1e9)],
    };
    // The handle: `analyzed` once every piece is in.
    const p = await createPlayer(mount(), events);
    const seen = { actionsBefore: p.actions().length, ticksBefore: p.ticks().length };
    await new Promise((res) => p.on('analyzed', res));
    seen.sameHandleActions = JSON.stringify(p.actions()) === JSON.stringify(actions);
    seen.sameHandleTicks = JSON.stringify(p.ticks()) === whole.ticksJson();
    p.ticks().length = 0; // a copy: the handle's own list is untouched
    seen.ticksAfterMutation = p.ticks().length;
    p.destroy();
    return { ...out, ...seen, nTicks: JSON.parse(whole.ticksJson()).length };
  }, longRecording());
  assert.ok(r.nActions > 1_000, `more than one piece of actions (${r.nActions})`);
  assert.ok(r.steps > r.events / 64, `a zero budget still advances 64 events a call: ${r.steps} calls for ${r.events} events`);
  assert.equal(r.sameActions, true, 'sliced actions = one-shot actions');
  assert.equal(r.sameTicks, true, 'sliced ticks (rage included) = one-shot ticks');
  assert.equal(r.rageTicks, 1, "dead-button's burst");
  assert.equal(r.piece, true, 'actionsJson(start, end) is that slice');
  assert.deepEqual(r.clamped, ['[]', '[]', '[]']);
  assert.deepEqual([r.actionsBefore, r.ticksBefore], [0, 0], 'empty until analyzed');
  assert.equal(r.sameHandleActions, true, 'the handle collected every action');
  assert.equal(r.sameHandleTicks, true, 'and every tick');
  assert.equal(r.ticksAfterMutation, r.nTicks);
  assert.deepEqual(page.errors, []);
});
