// Opt-in canvas and font capture, end to end: tests/e2e/pages/canvas.html
// draws on canvases after the recording started (an animation, then a fixed picture; a canvas
// bigger than maxSize; an `rr-block` canvas and one inside a blocked element) and loads two
// `FontFace` fonts (by URL and by bytes). Recorded by rewind's wasm Recorder with
// `capture.canvas` and `capture.fonts`, then replayed in rrweb's own Replayer and in rewind's
// player (js/player.js): canvas pixels at probe points equal the live page's within a tolerance
// (webp is lossy), the blocked canvases stay blank, and the fonts are applied (the text measures
// as on the live page). With the options off nothing of the kind is recorded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { newPage, playerReady, replayBoth, root, setup, skipReason, sleep } from './support.mjs';


const CANVAS_MUTATION = 9;
const FONT = 10;
/** Per-channel difference allowed between live and replayed pixels (webp at quality 0.6 on flat colours). */
const TOLERANCE = 16;

/** Probes, run in the live page or a replayed document: pixels at points, text widths, fonts. */
const PROBE = String.raw`
window.__probe = async function probe(doc) {
  // a URL font loads when text first needs it; load both before measuring (live and replayed)
  await Promise.all([doc.fonts.load('20px TestMono'), doc.fonts.load('20px TestBuf')]).catch(() => {});
  await doc.fonts.ready;
  const px = (selector, x, y) => {
    const c = doc.querySelector(selector);
    if (!c || !c.getContext) return 'missing';
    return Array.from(c.getContext('2d').getImageData(x, y, 1, 1).data);
  };
  return {
    draw: [[20, 20], [75, 120], [250, 30], [250, 120]].map(([x, y]) => px('#draw', x, y)),
    big: [[100, 500], [900, 100], [1100, 900], [1900, 500]].map(([x, y]) => px('#big', x, y)),
    secret: px('canvas.rr-block', 60, 30), // the blocked placeholder keeps only its class
    urlFont: Math.round(doc.getElementById('url-font').getBoundingClientRect().width),
    bufFont: Math.round(doc.getElementById('buf-font').getBoundingClientRect().width),
    urlLoaded: doc.fonts.check('20px TestMono'),
    bufLoaded: doc.fonts.check('20px TestBuf'),
  };
};
`;

async function record(browser, origin, capture) {
  const page = await newPage(browser);
  await page.goto(`${origin}/pages/canvas.html?impl=real`);
  await page.waitForFunction(() => window.__ready === true);
  const fallbackWidth = await page.evaluate(() => Math.round(document.getElementById('url-font').getBoundingClientRect().width));
  await page.evaluate((capture) => window.__init({ onEventsIntervalMs: 0, capture }), capture);
  assert.equal(await page.evaluate(() => window.rw.optIn({ source: 'test' })), true);
  const native = await page.evaluate(() => /\[native code\]/.test(String(window.FontFace)));
  const animationMs = 2000;
  const t0 = await page.evaluate(() => { window.__animate(); return Date.now(); });
  await sleep(animationMs);
  const t1 = await page.evaluate(() => { window.__final(); return Date.now(); });
  await page.evaluate(() => window.__fonts());
  await sleep(1200); // at least two sampling periods after the last change
  const events = await page.evaluate(() => window.__collect());
  await page.addScriptTag({ content: PROBE });
  const live = await page.evaluate(() => window.__probe(document));
  await page.evaluate(() => window.rw.stop());
  const restored = await page.evaluate(() => /\[native code\]/.test(String(window.FontFace)));
  assert.deepEqual(page.errors, [], 'page errors while recording');
  assert.deepEqual(page.logs.filter((l) => l.startsWith('error')), [], 'errors reported while recording');
  await page.context().close();
  return { events, live, fallbackWidth, native, restored, animation: [t0, t1] };
}

/** The ids of the canvases of the first FullSnapshot, by their `id` attribute (blocked ones have none: by class). */
function canvasIds(events) {
  const snap = events.find((e) => e.type === 2);
  const ids = {};
  const walk = (n) => {
    if (n.tagName === 'canvas') ids[n.attributes?.id ?? n.attributes?.class ?? `#${n.id}`] = n.id;
    for (const c of n.childNodes ?? []) walk(c);
  };
  walk(snap.data.node);
  return ids;
}

function close(actual, expected, what) {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < expected.length; i++) {
    const [a, e] = [actual[i], expected[i]];
    assert.ok(Array.isArray(a) && a.every((v, k) => Math.abs(v - e[k]) <= TOLERANCE), `${what}[${i}]: ${JSON.stringify(a)} vs live ${JSON.stringify(e)}`);
  }
}

const skip = skipReason('real') ?? false;

test('capture.canvas and capture.fonts: rrweb-shaped events, replayed by rrweb\'s Replayer and rewind\'s player as the live page', { skip }, async (t) => {
  const { server, browser } = await setup(t);
  const fps = 4;
  const { events, live, fallbackWidth, native, restored, animation } = await record(browser, server.origin, { canvas: { fps, maxSize: 500 }, fonts: true });
  assert.equal(native, false, 'FontFace is wrapped while recording');
  assert.equal(restored, true, 'stop() restores FontFace');
  // the probes see a drawn page (a blank replay cannot pass)
  assert.deepEqual(live.draw[0].slice(0, 3), [255, 0, 0]);
  assert.deepEqual(live.secret, [255, 0, 255, 255]);
  assert.notEqual(live.urlFont, fallbackWidth, 'the web font changes the text width');
  assert.equal(live.urlFont, live.bufFont);

  const ids = canvasIds(events);
  const frames = events.filter((e) => e.type === 3 && e.data.source === CANVAS_MUTATION);
  const byId = (id) => frames.filter((e) => e.data.id === id);
  assert.ok(byId(ids.draw).length > 0 && byId(ids.big).length > 0, `frames of #draw and #big: ${JSON.stringify(ids)}`);
  assert.deepEqual([...new Set(frames.map((e) => e.data.id))].sort(), [ids.draw, ids.big].sort(), 'only unblocked canvases are captured');
  // rrweb's sampled-mode shape
  const last = byId(ids.big).at(-1).data;
  assert.equal(last.type, 0);
  assert.deepEqual(last.commands[0], { property: 'clearRect', args: [0, 0, 2000, 1000] });
  assert.equal(last.commands[1].property, 'drawImage');
  const [image, ...at] = last.commands[1].args;
  assert.deepEqual(at, [0, 0, 2000, 1000]);
  assert.equal(image.rr_type, 'ImageBitmap');
  assert.equal(image.args[0].rr_type, 'Blob');
  assert.equal(image.args[0].type, 'image/webp');
  assert.equal(image.args[0].data[0].rr_type, 'ArrayBuffer');
  // webp: "RIFF" .... "WEBP", then the VP8/VP8L header with the (downscaled) size
  const webp = Buffer.from(image.args[0].data[0].base64, 'base64');
  assert.equal(webp.toString('latin1', 0, 4) + webp.toString('latin1', 8, 12), 'RIFFWEBP');
  // fps: at most `fps` frames a second of animation (plus the first), and more than one
  const [t0, t1] = animation;
  const animated = byId(ids.draw).filter((e) => e.timestamp >= t0 && e.timestamp <= t1 + 100).length;
  const seconds = (t1 - t0) / 1000;
  assert.ok(animated <= Math.ceil(seconds * fps) + 1, `${animated} frames in ${seconds} s at fps ${fps}`);
  assert.ok(animated >= 2, `${animated} frames in ${seconds} s`);
  // unchanged frames are skipped: after the fixed picture, #draw sends one frame, not one per period
  const after = byId(ids.draw).filter((e) => e.timestamp > t1 + 100).length;
  assert.ok(after <= 1, `${after} frames of an unchanged canvas`);

  const fonts = events.filter((e) => e.type === 3 && e.data.source === FONT).map((e) => e.data);
  assert.equal(fonts.length, 2, JSON.stringify(fonts.map((f) => f.family)));
  assert.deepEqual({ ...fonts[0] }, { source: FONT, family: 'TestMono', fontSource: 'url(/pages/DejaVuSansMono-Oblique.ttf)', buffer: false, descriptors: { style: 'normal', weight: '400' } });
  assert.equal(fonts[1].family, 'TestBuf');
  assert.equal(fonts[1].buffer, true);
  assert.equal(JSON.parse(fonts[1].fontSource).length, readFileSync(new URL('tests/e2e/pages/DejaVuSansMono-Oblique.ttf', root)).length);

  const replayed = await replayBoth(browser, server.origin, events, PROBE, {
    // rrweb replays canvas events only with UNSAFE_replayCanvas; it decodes every frame's image
    // ahead (preloadAllImages), so a seek before that ends can end on an older frame; image
    // decoding and font loading are asynchronous.
    replayerOptions: { UNSAFE_replayCanvas: true }, preloadMs: 1500, settleMs: 1000, probeArgs: [],
  });
  assert.deepEqual(replayed.errors, [], 'replay page errors');
  for (const [name, probe] of [['rrweb', replayed.rrweb], ['rewind', replayed.rewind]]) {
    if (!probe) {
      t.diagnostic('pkg/rewind.js has no Player: rewind player probes skipped (npm run build:wasm-analyze)');
      continue;
    }
    close(probe.draw, live.draw, `${name} #draw`);
    close(probe.big, live.big, `${name} #big`);
    assert.deepEqual(probe.secret, [0, 0, 0, 0], `${name}: the rr-block canvas replays blank`);
    assert.deepEqual([probe.bufFont, probe.urlLoaded, probe.bufLoaded], [live.bufFont, true, true], `${name}: fonts`);
    // rrweb's Replayer makes the FontFace in its own window and adds it to the replay
    // document's fonts: a URL font then loads (check() is true) but Chromium does not lay the
    // replayed text out again with it; the font given as bytes applies. rewind's player makes
    // its FontFaces in the replay document's window, where both apply.
    if (name === 'rewind') assert.equal(probe.urlFont, live.urlFont, `${name}: the URL font applies`);
  }
});

test('canvas and font capture are off by default: no CanvasMutation, no Font, FontFace untouched, no extra chunk', { skip }, async (t) => {
  const { server, browser } = await setup(t);
  const { events, native, live } = await record(browser, server.origin, undefined);
  assert.equal(native, true, 'FontFace is not wrapped');
  assert.deepEqual(live.draw[0].slice(0, 3), [255, 0, 0], 'the page did draw');
  const sources = new Set(events.filter((e) => e.type === 3).map((e) => e.data.source));
  assert.ok(!sources.has(CANVAS_MUTATION) && !sources.has(FONT), `sources: ${[...sources]}`);
  assert.ok(!server.requests.some((p) => p.includes('capture-media')), 'the opt-in chunk was not loaded');
});

test('an invalid capture.canvas is a clear error and nothing is recorded', { skip }, async (t) => {
  const { server, browser } = await setup(t);
  const page = await newPage(browser);
  await page.goto(`${server.origin}/pages/canvas.html?impl=real`);
  await page.waitForFunction(() => window.__ready === true);
  const out = await page.evaluate(async () => {
    const errors = [];
    window.__init({ onEventsIntervalMs: 0, capture: { canvas: { fps: 0 } }, onError: (e) => errors.push(String(e)) });
    const started = await window.rw.optIn();
    return { started, recording: window.rw.isRecording(), errors, native: /\[native code\]/.test(String(window.FontFace)) };
  });
  await page.context().close();
  assert.equal(out.started, false);
  assert.equal(out.recording, false);
  assert.equal(out.errors.length, 1, JSON.stringify(out.errors));
  assert.match(out.errors[0], /TypeError: rewind: capture\.canvas\.fps must be/);
});
