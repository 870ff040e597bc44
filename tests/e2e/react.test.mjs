// React: <SessionReplayProvider> + useConsent() + useReplay() in a real page bundled with esbuild
// (react, react-dom from node_modules; the SDK through the package's own "./react" export).
// Under StrictMode (development build: effects mount, unmount, mount again) the provider must
// create one recorder; the consent buttons drive recording.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IMPLS, TYPE, newPage, root, setup, skipReason, sleep } from './support.mjs';

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  // skipped below
}

async function bundle(t) {
  const dir = await mkdtemp(join(tmpdir(), 'rewind-react-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await esbuild.build({
    entryPoints: [fileURLToPath(new URL('tests/e2e/pages/react-app.jsx', root))],
    bundle: true,
    format: 'esm',
    outfile: join(dir, 'react-app.js'),
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"development"' },
    absWorkingDir: fileURLToPath(root),
    logLevel: 'error',
  });
  return dir;
}

for (const impl of IMPLS) {
  const skip = (esbuild ? null : 'needs esbuild (npm ci)') ?? skipReason(impl) ?? false;
  test(`React provider and hooks (${impl} recorder)`, { skip }, async (t) => {
    const buildDir = await bundle(t);
    const { server, browser } = await setup(t, { buildDir });
    const page = await newPage(browser);
    await page.goto(`${server.origin}/pages/react.html?impl=${impl}`);
    await page.waitForFunction(() => window.__ready === true);
    await page.waitForSelector('#accept');
    const state = () =>
      page.evaluate(() => ({
        events: window.__events.length,
        recorders: window.__recorders,
        status: document.getElementById('status')?.textContent,
        fullSnapshots: window.__events.filter((e) => e.type === 2).length,
        consents: window.__events.filter((e) => e.type === 5 && e.data.tag === 'rewind.consent').length,
      }));

    assert.equal(await page.evaluate(() => window.__effectRuns), 2, 'StrictMode double mount is active');
    // Before consent: nothing, and no recorder code loaded.
    await page.click('#buy');
    await page.click('#buy');
    await sleep(300);
    let s = await state();
    assert.equal(s.status, 'deferred');
    assert.equal(s.events, 0, 'events before Accept');
    assert.equal(s.recorders, 0);
    assert.deepEqual(page.requests.filter((p) => /^\/(pkg|pkg-record|rrweb)\//.test(p)), [], 'recorder code loaded before Accept');

    // Accept: the banner re-renders and events flow, from one recorder.
    await page.click('#accept');
    await page.waitForFunction(() => document.getElementById('status').textContent === 'granted');
    await page.waitForFunction(() => window.__events.length > 0);
    await page.click('#buy');
    await sleep(300);
    s = await state();
    assert.ok(s.events > 2, `events after Accept: ${s.events}`);
    assert.equal(s.fullSnapshots, 1, 'one FullSnapshot: one recorder');
    assert.equal(s.consents, 1, 'one consent event');
    if (impl === 'fake') assert.equal(s.recorders, 1, 'Recorder constructions under StrictMode');
    let events = await page.evaluate(() => window.__events);
    const consent = events.find((e) => e.type === TYPE.Custom && e.data.tag === 'rewind.consent');
    assert.equal(consent.data.payload.source, 'banner');
    assert.equal(consent.data.payload.version, 'v1');
    const tags = events.filter((e) => e.type === TYPE.Custom).map((e) => e.data.tag);
    // The clicks before consent left only identify() (remembered, sent once recording starts).
    assert.deepEqual(tags, ['rewind.consent', 'rewind.identify', 'buy', 'rewind.tag', 'rewind.identify'], 'custom events');
    assert.deepEqual(events.find((e) => e.data.tag === 'buy').data.payload, { n: 3 });
    assert.ok(events.some((e) => e.type === TYPE.IncrementalSnapshot && e.data.source === 0), 'the re-render was recorded as a mutation');
    // useReplay(): isRecording re-rendered the flag; sessionId and flush reach the recorder.
    await page.waitForFunction(() => document.getElementById('recording').textContent === 'recording');
    const replay = await page.evaluate(async () => ({ sessionId: window.__replay.sessionId(), flushed: await window.__replay.flush(), isRecording: window.__replay.isRecording }));
    assert.match(replay.sessionId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual(replay.flushed, { sent: 0, failed: 0, kept: 0 }, 'no ingestBaseUrl: no batches');
    assert.equal(replay.isRecording, true);

    // Withdraw: nothing more.
    await page.click('#withdraw');
    await page.waitForFunction(() => document.getElementById('status').textContent === 'denied');
    await page.waitForFunction(() => document.getElementById('recording').textContent === 'idle');
    const frozen = (await state()).events;
    await page.mouse.move(10, 10);
    await page.mouse.move(300, 200, { steps: 4 });
    await sleep(400);
    assert.equal((await state()).events, frozen, 'events after Withdraw');

    // Record again, then unmount the provider: its recorder stops for good.
    await page.click('#reconsider');
    await page.waitForFunction(() => document.getElementById('status').textContent === 'granted');
    await page.waitForFunction((n) => window.__events.length > n, frozen);
    s = await state();
    assert.equal(s.fullSnapshots, 2);
    if (impl === 'fake') assert.equal(s.recorders, 2, 'a second consent makes a second recorder, not more');
    await page.waitForFunction(() => document.getElementById('recording').textContent === 'recording');
    // Through every render and recorder change, each useReplay() function kept its identity.
    assert.equal(await page.evaluate(() => window.__replayFunctions.size), 5, 'stable useReplay() functions');
    await page.click('#unmount');
    await sleep(300);
    const final = await page.evaluate(() => window.__deliveries.at(-1));
    assert.equal(final.final, true, 'the provider stops (final delivery) after unmount');
    const stopped = (await state()).events;
    await page.mouse.move(50, 50);
    await page.mouse.move(400, 300, { steps: 4 });
    await page.evaluate(() => document.body.append('more text'));
    await sleep(400);
    assert.equal((await state()).events, stopped, 'events after the provider unmounted');
    assert.deepEqual(page.errors, []);
    assert.deepEqual(page.logs.filter((l) => l.startsWith('error')), [], 'console errors (React warnings included)');
  });
}

for (const impl of IMPLS) {
  const skip = (esbuild ? null : 'needs esbuild (npm ci)') ?? skipReason(impl) ?? false;
  test(`React provider with consent "granted": StrictMode's double mount starts one recorder (${impl})`, { skip }, async (t) => {
    const buildDir = await bundle(t);
    const { server, browser } = await setup(t, { buildDir });
    const page = await newPage(browser);
    await page.goto(`${server.origin}/pages/react.html?impl=${impl}&consent=granted`);
    await page.waitForFunction(() => window.__ready === true && window.__effectRuns === 2);
    await page.waitForFunction(() => window.__events.some((e) => e.type === 2));
    await page.click('#buy');
    await sleep(400);
    const s = await page.evaluate(() => ({
      recorders: window.__recorders,
      metas: window.__events.filter((e) => e.type === 4).length,
      fullSnapshots: window.__events.filter((e) => e.type === 2).length,
      consents: window.__events.filter((e) => e.type === 5 && e.data.tag === 'rewind.consent').map((e) => e.data.payload.source),
      wasm: performance.getEntriesByType('resource').filter((e) => e.name.endsWith('.wasm')).length,
      status: document.getElementById('status').textContent,
    }));
    assert.equal(s.status, 'granted');
    assert.equal(s.metas, 1);
    assert.equal(s.fullSnapshots, 1);
    assert.deepEqual(s.consents, ['init']);
    if (impl === 'fake') assert.equal(s.recorders, 1);
    else assert.equal(s.wasm, 1, 'the wasm is fetched once');
    assert.deepEqual(page.errors, []);
  });
}

for (const impl of IMPLS) {
  const skip = (esbuild ? null : 'needs esbuild (npm ci)') ?? skipReason(impl) ?? false;
  test(`React provider with an inline config object: one recorder across re-renders, consent kept across reloads (${impl})`, { skip }, async (t) => {
    const buildDir = await bundle(t);
    const { server, browser } = await setup(t, { buildDir });
    const page = await newPage(browser);
    const open = async (query) => {
      await page.goto(`${server.origin}/pages/react.html?impl=${impl}&inline${query}`);
      await page.waitForFunction(() => window.__ready === true && window.__effectRuns === 2);
    };
    const state = () =>
      page.evaluate(() => ({
        status: document.getElementById('status').textContent,
        recorders: window.__recorders,
        fullSnapshots: window.__events.filter((e) => e.type === 2).length,
        consents: window.__events.filter((e) => e.type === 5 && e.data.tag === 'rewind.consent').map((e) => e.data.payload),
      }));
    await open('&version=v1');
    await page.click('#accept');
    await page.waitForFunction(() => document.getElementById('status').textContent === 'granted');
    await page.waitForFunction(() => window.__events.some((e) => e.type === 2));
    // New config objects on every render: the same recorder, still granted.
    for (let i = 0; i < 4; i++) {
      await page.click('#rerender');
      await page.click('#buy');
    }
    await sleep(400);
    let s = await state();
    assert.equal(s.status, 'granted');
    assert.equal(s.fullSnapshots, 1, 'one recorder across re-renders');
    assert.equal(s.consents.length, 1);
    if (impl === 'fake') assert.equal(s.recorders, 1);
    // The latest render's onEvents is the one called (the events above arrived through it).
    assert.ok(await page.evaluate(() => window.__events.filter((e) => e.data?.tag === 'buy').length === 4));

    // Reload: the kept grant records at once, under StrictMode, without Accept.
    await open('&version=v1');
    await page.waitForFunction(() => document.getElementById('status').textContent === 'granted');
    await page.waitForFunction(() => window.__events.some((e) => e.type === 2));
    await sleep(300);
    s = await state();
    assert.equal(s.fullSnapshots, 1);
    assert.deepEqual(s.consents.map((c) => [c.source, c.version]), [['banner', 'v1']]);
    if (impl === 'fake') assert.equal(s.recorders, 1);

    // A new consent version asks again: nothing recorded until Accept.
    await open('&version=v2');
    await sleep(400);
    s = await state();
    assert.equal(s.status, 'deferred');
    assert.equal(s.fullSnapshots, 0);
    assert.equal(await page.evaluate(() => document.getElementById('reason').textContent), '');
    assert.deepEqual(page.errors, []);
    assert.deepEqual(page.logs.filter((l) => l.startsWith('error')), [], 'console errors (React warnings included)');
  });
}
