// The player (js/player.js + src/play) in headless Chromium, against rrweb 2.1.1's own Replayer
// in the same browser:
//
// - every recording of tests/support/fixtures.rs: the page rebuilt at the end equals the page
//   rrweb's Replayer rebuilds from the same events (structure, attributes, text, form state,
//   shadow roots and iframe documents), and so does a seek to 25 / 50 / 75 %, which also equals
//   a straight replay (from the last FullSnapshot, no checkpoints) to the same time;
// - playing reaches the end, fires `finish` and one `action` per action; speed changes the rate;
//   inactivity is skipped;
// - the iframe is sandboxed without scripts, and recorded handlers never run.
//
// Differences that are legitimate, and normalised on both sides (see NORMALIZE):
// - rrweb injects a <style> (noscript / .rr-block rules) into the replayed <html>; rewind adopts
//   its rules instead (document.adoptedStyleSheets), so the tree has no extra node. Dropped.
// - rrweb adds `rrweb-paused` to <html>; rewind marks blocked elements with `rewind-blocked`.
//   Those class tokens are dropped. The `:hover` class on the hovered element and its parent
//   elements is compared (class attributes as whitespace-separated tokens).
// - `on*` attributes: rewind never sets event handlers; rrweb sets all but onload/onclick/
//   onmouse* (which it renames `_on…`, as rewind does). Dropped.
// - <style> text is not compared (the element, its attributes and its sheet's rules are): both
//   rewrite it for replay (`:hover` selectors get a `.\:hover` twin, device media queries), but
//   rewind's text need not be postcss's byte for byte.
// - rrweb-snapshot 2.2's rebuild sets autocomplete="off" on every <input>/<textarea> it builds
//   (so the browser does not autofill the replay); rewind's player does not. An "off" value on
//   those two tags is dropped.
// - <noscript> (rrweb's stand-in for <script>) children: rewind leaves it empty. Not compared.
// - style sheets ARE compared, as the CSSOM has them (StyleSheetRule / StyleDeclaration /
//   AdoptedStyleSheet change them without touching the tree): each <style>/<link> sheet's
//   cssRules and each document's and shadow root's adoptedStyleSheets (rewind's own player sheet
//   left out), including the `.\:hover` selector twins.
// - a <dialog>'s `open` and `:modal` state ARE compared (rr_open_mode: rrweb's Replayer and
//   rewind's player both open a recorded modal dialog with showModal()).
// - inline `style` attributes: compared as the browser parsed them (sorted declarations), since
//   rrweb edits them through CSSOM (`style.setProperty`) and rewind writes equivalent text.
// - `srcdoc` on iframes and `http-equiv=refresh` on <meta>: rewind does not set them (inert
//   anyway without scripts, but they would navigate the sandboxed frame). Dropped.
// - an iframe whose document was not recorded (yet) is blank either way, but rrweb leaves the
//   browser's initial about:blank tree (<html><head><body>) when it built the iframe directly and
//   an empty document when it built it through its virtual DOM (while seeking). Both are "blank".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserSkipReason, newPage, root, setup, sleep } from './support.mjs';

const FIXTURES = [...readFileSync(new URL('tests/support/fixtures.rs', root), 'utf8').matchAll(/\$each!\("([^"]+)", "([^"]+)"\)/g)].map(
  ([, dir, stem]) => ({ stem, file: new URL(`${dir}/${stem}.json`, root) }),
);
// REWIND_FIXTURES=a,b runs only those recordings (a quick check while working on one).
const ONLY = process.env.REWIND_FIXTURES?.split(',');
const SELECTED = ONLY ? FIXTURES.filter((f) => ONLY.includes(f.stem)) : FIXTURES;

const wasmReady = existsSync(new URL('pkg/rewind.js', root)) && /class Player\b/.test(readFileSync(new URL('pkg/rewind.js', root), 'utf8'));
const skip = browserSkipReason() ?? (wasmReady ? false : 'pkg/rewind.js has no Player: run `npm run build:wasm-analyze`');

/** Serialises a document to comparable lines, with the normalisations described above. */
const NORMALIZE = String.raw`
window.__normalize = function normalize(doc) {
  const out = [];
  const styleText = (el) => {
    const s = el.style;
    const decls = [];
    for (let i = 0; i < s.length; i++) {
      const p = s[i];
      decls.push(p + ':' + s.getPropertyValue(p) + (s.getPropertyPriority(p) ? '!' + s.getPropertyPriority(p) : ''));
    }
    return decls.sort().join(';');
  };
  const isRrwebStyle = (el) =>
    el.localName === 'style' && !el.attributes.length &&
    /noscript|\.rr-block|rrweb-paused/.test(Array.from(el.sheet?.cssRules ?? [], (r) => r.cssText).join(' '));
  // CSSOM: each sheet's rules as the browser serialises them (with the \:hover twins).
  const ruleText = (r) => r.cssText;
  const rulesOf = (sheet) => {
    try {
      return Array.from(sheet.cssRules, ruleText);
    } catch {
      return ['(rules not readable)'];
    }
  };
  const adopted = (root, pad) => {
    const list = Array.from(root.adoptedStyleSheets ?? []).filter((s) => !s.__rewindPlayerSheet);
    list.forEach((s, i) => out.push(pad + '  @adopted[' + i + '] ' + JSON.stringify(rulesOf(s))));
  };
  const walk = (node, depth) => {
    const pad = '  '.repeat(depth);
    switch (node.nodeType) {
      case 9: { // document
        out.push(pad + '#document');
        adopted(node, pad);
        for (const c of node.childNodes) walk(c, depth + 1);
        return;
      }
      case 10: out.push(pad + '<!DOCTYPE ' + node.name + ' "' + node.publicId + '" "' + node.systemId + '">'); return;
      case 3: out.push(pad + JSON.stringify(node.data)); return;
      case 8: out.push(pad + '<!--' + JSON.stringify(node.data) + '-->'); return;
      case 4: out.push(pad + '<![CDATA[' + JSON.stringify(node.data) + ']]>'); return;
      case 11: { // shadow root
        out.push(pad + '#shadow-root');
        adopted(node, pad);
        for (const c of node.childNodes) walk(c, depth + 1);
        return;
      }
      case 1: break;
      default: return;
    }
    const el = node;
    if (isRrwebStyle(el)) return;
    const tag = el.localName;
    const attrs = [];
    for (const { name, value } of Array.from(el.attributes)) {
      if (/^on/i.test(name)) continue;
      if (tag === 'iframe' && name === 'srcdoc') continue;
      if (tag === 'meta' && name === 'http-equiv' && /^\s*refresh\s*$/i.test(value)) continue;
      if (name === 'autocomplete' && value === 'off' && (tag === 'input' || tag === 'textarea')) continue;
      let v = value;
      if (name === 'class') {
        v = v.split(/\s+/).filter((c) => c && !c.startsWith('rrweb-') && !c.startsWith('rewind-')).join(' ');
        if (!v) continue;
      } else if (name === 'style') {
        v = styleText(el);
        if (!v) continue;
      }
      attrs.push(name + '=' + JSON.stringify(v));
    }
    attrs.sort();
    let state = '';
    if (tag === 'input' || tag === 'textarea' || tag === 'select') {
      state = ' .value=' + JSON.stringify(el.value);
      if (tag === 'input' && (el.type === 'checkbox' || el.type === 'radio')) state += ' .checked=' + el.checked;
    }
    // a dialog's modality (showModal: top layer, page inert), which no attribute shows
    if (tag === 'dialog') state = ' .open=' + el.open + ' :modal=' + el.matches(':modal');
    out.push(pad + '<' + (el.namespaceURI === 'http://www.w3.org/2000/svg' ? 'svg:' : '') + tag + (attrs.length ? ' ' + attrs.join(' ') : '') + '>' + state);
    if (el.shadowRoot) walk(el.shadowRoot, depth + 1);
    if (tag === 'iframe') {
      let inner = null;
      try { inner = el.contentDocument; } catch {}
      const start = out.length;
      if (inner) for (const c of inner.childNodes) walk(c, depth + 2);
      const lines = out.splice(start).map((l) => l.trim());
      const blank = lines.length === 0 || lines.join(' ') === '<html> <head> <body>';
      out.push(pad + '  ' + (blank ? '(blank)' : '#document'));
      if (!blank) for (const c of inner.childNodes) walk(c, depth + 2);
      return;
    }
    if ((tag === 'style' || tag === 'link') && el.sheet) out.push(pad + '  @sheet ' + JSON.stringify(rulesOf(el.sheet)));
    if (tag === 'style' || tag === 'noscript') return;
    for (const c of el.childNodes) walk(c, depth + 1);
  };
  walk(doc, 0);
  // The selection (IncrementalSource 14): its text and boundaries as child-index paths. A
  // collapsed or empty selection is "none" (a rebuilt document leaves either, both invisible).
  const path = (n) => {
    const parts = [];
    while (n && n !== doc) {
      const siblings = Array.from(n.parentNode?.childNodes ?? []).filter((c) => c.nodeType !== 1 || !isRrwebStyle(c));
      parts.push(siblings.indexOf(n)); // rrweb's injected <style> left out, as above
      n = n.parentNode;
    }
    return parts.reverse().join('/');
  };
  const sel = doc.getSelection();
  if (sel && sel.rangeCount && !sel.isCollapsed) {
    const r = sel.getRangeAt(0);
    out.push('@selection ' + JSON.stringify(sel.toString()) + ' ' + path(r.startContainer) + ':' + r.startOffset + ' ' + path(r.endContainer) + ':' + r.endOffset);
  } else {
    out.push('@selection none');
  }
  return out;
};
`;

async function openPage(browser, origin) {
  const page = await newPage(browser);
  await page.goto(`${origin}/pages/replay.html`);
  await page.addScriptTag({ content: NORMALIZE });
  await page.evaluate(async () => {
    window.__player = await import('/js/player.js');
    /** A player on `recording` in a new container styled `css`, appended to the body. */
    window.__mount = async (recording, options, css) => {
      const el = document.createElement('div');
      el.style.cssText = css;
      document.body.append(el);
      return { p: await window.__player.createPlayer(el, recording, options), el };
    };
  });
  return page;
}

/** rrweb's Replayer at `ms` from the start (events strictly before start + ms + 1). */
async function rrwebDom(page, events, ms) {
  return page.evaluate(
    async ({ events, ms }) => {
      const root = document.createElement('div');
      document.body.append(root);
      const replayer = new rrweb.Replayer(events, { root, showWarning: false, showDebug: false, mouseTail: false, triggerFocus: false });
      replayer.pause(ms + 1);
      await new Promise((r) => setTimeout(r, 30));
      const lines = window.__normalize(replayer.iframe.contentDocument);
      replayer.destroy?.();
      root.remove();
      return lines;
    },
    { events, ms },
  );
}

function diff(a, b, what) {
  if (a.join('\n') === b.join('\n')) return;
  const i = a.findIndex((line, k) => line !== b[k]);
  const at = i < 0 ? Math.min(a.length, b.length) : i;
  assert.fail(`${what}: differ at line ${at}\n  rewind: ${a[at]}\n  other:  ${b[at]}\n--- rewind:\n${a.join('\n')}\n--- other:\n${b.join('\n')}`);
}

test('the player rebuilds every recording as rrweb does, at the end and after seeks', { skip }, async (t) => {
  const { server, browser } = await setup(t);
  const page = await openPage(browser, server.origin);
  for (const { stem, file } of SELECTED) {
    await t.test(stem, async () => {
      const text = readFileSync(file, 'utf8');
      const events = JSON.parse(text);
      const list = Array.isArray(events) ? events : events.events;
      const duration = list.at(-1).timestamp - list[0].timestamp;
      const mine = await page.evaluate(
        async ({ text, duration }) => {
          const { p, el } = await window.__mount(text, { skipInactive: false }, 'width:800px;height:600px');
          const at = {};
          for (const f of [1, 0.25, 0.5, 0.75]) {
            const ms = Math.round(duration * f);
            p.seek(ms);
            const seeked = window.__normalize(p.frame.contentDocument);
            p._wasm.rebuildStraight();
            const straight = window.__normalize(p.frame.contentDocument);
            at[f] = { ms, seeked, straight, time: p.currentTime() };
          }
          const sandbox = p.frame.getAttribute('sandbox');
          p.destroy();
          el.remove();
          return { at, sandbox };
        },
        { text, duration },
      );
      assert.equal(mine.sandbox, 'allow-same-origin');
      for (const f of [1, 0.25, 0.5, 0.75]) {
        const { ms, seeked, straight, time } = mine.at[f];
        assert.equal(time, ms);
        diff(seeked, straight, `${stem} at ${ms} ms: seek vs straight replay`);
        const theirs = await rrwebDom(page, list, ms);
        diff(seeked, theirs, `${stem} at ${ms} ms (${f * 100} %): rewind vs rrweb Replayer`);
        if (stem === 'hover' && f === 1) {
          // the comparison sees hover: the class on the element and its parents, the twin rule
          assert.ok(theirs.filter((l) => l.includes('class=":hover"')).length === 3, 'hover: div, body and html hovered');
          assert.ok(theirs.some((l) => l.includes('div.\\\\:hover')), 'hover: the .\\:hover twin rule');
        }
        if (stem === 'iframe-shadowdom-hover' && f === 0.75) {
          assert.deepEqual(theirs.filter((l) => l.includes(':hover')).map((l) => l.trim()), ['<div class=":hover">'], 'only the div in the shadow root');
        }
        if (stem === 'spa-navigation' && f === 1) {
          // the comparison is not blind: the page a quarter in differs from the last one
          assert.notDeepEqual(mine.at[0.25].seeked, theirs, 'spa-navigation: 25 % and 100 % compare equal');
        }
      }
    });
  }
  // rrweb's Replayer plays recorded videos (rewind does not) and leaves these rejections behind.
  const errors = page.errors.filter((e) => !/The play\(\) request was interrupted/.test(e));
  assert.deepEqual(errors, [], 'page errors');
});

test('media elements show the recorded state at the playhead, as rrweb\'s Replayer does', { skip }, async (t) => {
  const { server, browser } = await setup(t);
  const page = await openPage(browser, server.origin);
  const text = readFileSync(new URL('fixtures/rrweb/video-playback.json', root), 'utf8');
  const list = JSON.parse(text);
  const start = list[0].timestamp;
  // before the first Play, while playing, playing again after a seek, after Pause, the end.
  // (The recording's Seeked event has a spiked clock, which rewind's codec re-times and rrweb
  // sorts to the end: the span between Pause and the next Play is left out.)
  const times = [0, 1500, 10_000, 30_000, 36_000, 40_000].map((ms) => Math.min(ms, list.at(-1).timestamp - start));
  const read = (v) => ({ time: Math.round(v.currentTime * 10) / 10, muted: v.muted, volume: v.volume, rate: v.playbackRate });
  const mine = await page.evaluate(
    async ({ text, times, read }) => {
      read = eval(read);
      const { p, el } = await window.__mount(text, { skipInactive: false }, 'width:800px;height:600px');
      const out = [];
      for (const ms of times) {
        p.seek(ms);
        const v = p.frame.contentDocument.querySelector('video');
        out.push({ ...read(v), paused: v.paused });
      }
      p.destroy();
      el.remove();
      return out;
    },
    { text, times, read: read.toString() },
  );
  for (const [k, ms] of times.entries()) {
    const theirs = await page.evaluate(
      async ({ events, ms, read }) => {
        read = eval(read);
        const root = document.createElement('div');
        document.body.append(root);
        const r = new rrweb.Replayer(events, { root, showWarning: false, showDebug: false, mouseTail: false });
        r.pause(ms + 1);
        await new Promise((res) => setTimeout(res, 30));
        const v = r.iframe.contentDocument.querySelector('video');
        const got = read(v);
        r.destroy?.();
        root.remove();
        return got;
      },
      { events: list, ms, read: read.toString() },
    );
    const { paused, time, ...state } = mine[k];
    assert.equal(paused, true, `at ${ms} ms a paused player's video is paused`);
    // rrweb seeks a video only once it has data, which a recorded source in a test page never
    // has: its currentTime stays 0. The time is checked against the events instead.
    delete theirs.time;
    assert.deepEqual(state, theirs, `video state at ${ms} ms`);
    assert.equal(time, expectedTime(list, start + ms), `video time at ${ms} ms`);
  }
});

/** The recorded video's currentTime at `at` (epoch ms), from the events: the FullSnapshot's
 * rr_media* attributes, then MediaInteraction play (0) / pause (1) and their currentTime. */
function expectedTime(events, at) {
  let state = null;
  for (const e of events) {
    if (e.timestamp > at) continue;
    if (e.type === 2) {
      const m = JSON.stringify(e.data).match(/"rr_mediaState":"(\w+)","rr_mediaCurrentTime":([\d.]+),"rr_mediaPlaybackRate":([\d.]+)/);
      state = m && { playing: m[1] === 'played', time: Number(m[2]), rate: Number(m[3]), at: e.timestamp };
    } else if (e.type === 3 && e.data.source === 7) {
      const d = e.data;
      const now = state ? (state.playing ? state.time + ((e.timestamp - state.at) / 1000) * state.rate : state.time) : 0;
      state = { playing: d.type === 0 ? true : d.type === 1 ? false : !!state?.playing, time: d.currentTime ?? now, rate: d.playbackRate ?? state?.rate ?? 1, at: e.timestamp };
    }
  }
  if (!state) return 0;
  const t = state.playing ? state.time + ((at - state.at) / 1000) * state.rate : state.time;
  return Math.round(t * 10) / 10;
}

/** Records, with rrweb's own `record({recordCanvas: true})` in this page, a canvas drawn before
 * the recording starts (the FullSnapshot's rr_dataURL) and three batches of 2D calls after it:
 * shapes and text, an image (HTMLImageElement arg) and ImageData, then a clear. Returns the
 * events and the times (ms from the start) after each batch. */
async function recordCanvas(page) {
  return page.evaluate(async () => {
    const frame = () => new Promise((r) => setTimeout(r, 120));
    const c = document.createElement('canvas');
    c.width = 200;
    c.height = 120;
    document.body.append(c);
    const ctx = c.getContext('2d');
    ctx.fillStyle = '#0a7';
    ctx.fillRect(0, 0, 40, 40); // before recording: only in rr_dataURL
    const events = [];
    const stop = rrweb.record({ emit: (e) => events.push(e), recordCanvas: true });
    await frame();
    const marks = [];
    ctx.fillStyle = 'rgb(200, 30, 30)';
    ctx.fillRect(50, 10, 60, 30);
    ctx.strokeStyle = '#123';
    ctx.lineWidth = 3;
    ctx.beginPath();
    ctx.arc(150, 40, 20, 0, Math.PI * 2);
    ctx.stroke();
    ctx.font = '16px sans-serif';
    ctx.fillText('rewind', 10, 80);
    await frame();
    marks.push(Date.now());
    const src = document.createElement('canvas');
    src.width = src.height = 16;
    src.getContext('2d').fillStyle = '#f0f';
    src.getContext('2d').fillRect(4, 4, 8, 8);
    const img = new Image();
    img.src = src.toDataURL();
    await img.decode();
    ctx.drawImage(img, 120, 70, 32, 32);
    const data = new ImageData(new Uint8ClampedArray(10 * 10 * 4).fill(128), 10, 10);
    ctx.putImageData(data, 170, 90);
    await frame();
    marks.push(Date.now());
    ctx.clearRect(55, 15, 20, 20);
    await frame();
    stop();
    c.remove();
    return { events, marks: marks.map((m) => m - events[0].timestamp) };
  });
}

test('canvas drawing (CanvasMutation 2D, rr_dataURL) shows the pixels rrweb\'s Replayer draws, after seeks too', { skip }, async (t) => {
  const { server, browser } = await setup(t);
  const page = await openPage(browser, server.origin);
  const { events, marks } = await recordCanvas(page);
  assert.ok(events.some((e) => e.type === 3 && e.data.source === 9), 'rrweb recorded canvas mutations');
  assert.ok(JSON.stringify(events).includes('rr_dataURL'), 'the snapshot has the canvas picture');
  const duration = events.at(-1).timestamp - events[0].timestamp;
  const times = [marks[0], marks[1], duration];
  const pixels = (canvas) => Array.from(canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data).join(',');
  const mine = await page.evaluate(
    async ({ events, times, pixels }) => {
      pixels = eval(pixels);
      const { p, el } = await window.__mount(events, { skipInactive: false }, 'width:800px;height:600px');
      const out = [];
      // the end, then seeks backwards (each a rebuild from a checkpoint)
      for (const ms of [...times].reverse()) {
        p.seek(ms);
        await new Promise((r) => setTimeout(r, 150)); // images decode
        out.unshift(pixels(p.frame.contentDocument.querySelector('canvas')));
      }
      p.destroy();
      el.remove();
      return out;
    },
    { events, times, pixels: pixels.toString() },
  );
  const blank = new Array(200 * 120 * 4).fill(0).join(',');
  for (const [k, ms] of times.entries()) {
    const theirs = await page.evaluate(
      async ({ events, ms, pixels }) => {
        pixels = eval(pixels);
        const root = document.createElement('div');
        document.body.append(root);
        const r = new rrweb.Replayer(events, { root, showWarning: false, mouseTail: false, UNSAFE_replayCanvas: true });
        r.pause(ms + 1);
        await new Promise((res) => setTimeout(res, 300));
        const got = pixels(r.iframe.contentDocument.querySelector('canvas'));
        r.destroy?.();
        root.remove();
        return got;
      },
      { events, ms, pixels: pixels.toString() },
    );
    assert.notEqual(theirs, blank, `rrweb drew something at ${ms} ms`);
    assert.ok(mine[k] === theirs, `canvas pixels at ${ms} ms differ from rrweb's Replayer`);
  }
  assert.notEqual(mine[0], mine[2], 'the seeks show different pictures');
  assert.deepEqual(page.errors, []);
});

test('replayed canvases are visible: the overlay paints their bitmaps where the page lays them out', { skip }, async (t) => {
  // A canvas in the scriptless sandbox renders as fallback content (nothing); the player's
  // sheet gives it its box back and the overlay paints the replayed bitmap there. Counted on a
  // screenshot of the player: the red rectangle rrweb recorded (60 × 30 CSS px) must show.
  const { server, browser } = await setup(t);
  const page = await openPage(browser, server.origin);
  const { events, marks } = await recordCanvas(page);
  const box = await page.evaluate(async ({ events, ms }) => {
    const { p, el } = await window.__mount(events, { skipInactive: false }, 'position:fixed;left:0;top:0;width:1600px;height:900px;background:#fff');
    p.seek(ms);
    await new Promise((r) => setTimeout(r, 300)); // images decode, then a frame paints
    p.seek(ms);
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const c = p.frame.contentDocument.querySelector('canvas');
    const r = c.getBoundingClientRect();
    const scale = p.frame.getBoundingClientRect().width / p.frame.clientWidth;
    return { laidOut: [r.width, r.height], scale };
  }, { events, ms: marks[0] });
  assert.deepEqual(box.laidOut, [200, 120], 'the canvas has its width × height box in the frame');
  const colours = await regionColours(page, { x: 0, y: 0, width: 1600, height: 900 });
  const red = colours
    .map((c) => c.split('×'))
    .filter(([rgba]) => { const [r, g, b] = rgba.split(',').map(Number); return Math.abs(r - 200) < 8 && Math.abs(g - 30) < 8 && Math.abs(b - 30) < 8; })
    .reduce((n, [, count]) => n + Number(count), 0);
  const expected = 60 * 30 * box.scale ** 2;
  assert.ok(red > expected * 0.8 && red < expected * 1.3, `red pixels on screen: ${red}, expected about ${Math.round(expected)}`);
  assert.deepEqual(page.errors, []);
});

/** The colours of a page screenshot region as `rgba×count` sorted by count (decoded in the page). */
async function regionColours(page, clip) {
  const png = (await page.screenshot({ clip })).toString('base64');
  return page.evaluate(async (png) => {
    const img = new Image();
    img.src = `data:image/png;base64,${png}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    const counts = new Map();
    for (let i = 0; i < d.length; i += 4) {
      const k = `${d[i]},${d[i + 1]},${d[i + 2]},${d[i + 3]}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    return [...counts].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}×${n}`);
  }, png);
}

/** The page rectangle (CSS px) inside the border of the first canvas of `frame`'s document,
 * inset 2 px (edges blend with the border). */
const CANVAS_CLIP = String.raw`
window.__canvasClip = (frame) => {
  const f = frame.getBoundingClientRect();
  const c = frame.contentDocument.querySelector('canvas');
  const r = c.getBoundingClientRect();
  return { x: f.left + frame.clientLeft + r.left + c.clientLeft + 2, y: f.top + frame.clientTop + r.top + c.clientTop + 2, width: c.clientWidth - 4, height: c.clientHeight - 4 };
};
`;

/** In the page: plays `events` in rewind's player, seeks to each of `times`, and reads the
 * first canvas's WebGL pixels inside its border (inset 2 px, the region `__canvasClip` gives
 * for rrweb's page) as `rgba×count`, most first. `overWhite`: premultiplied pixels composited
 * over the frame's white; `tieBreak`: equal counts in colour order. Resolves to
 * `{out: [colours per time], warnings}` (the player's info warnings). */
const WEBGL_COLOURS = String.raw`
window.__webglColours = async (events, times, { overWhite = false, tieBreak = false } = {}) => {
  const { p, el } = await window.__mount(events, { skipInactive: false }, 'position:fixed;left:0;top:0;width:1600px;height:900px');
  const out = [];
  for (const ms of times) {
    p.seek(ms);
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const c = p.frame.contentDocument.querySelector('canvas');
    const gl = c.getContext('webgl');
    const [w, h] = [c.width - 4, c.height - 4];
    const px = new Uint8Array(w * h * 4);
    gl.readPixels(2, 2, w, h, gl.RGBA, gl.UNSIGNED_BYTE, px);
    const counts = new Map();
    for (let i = 0; i < px.length; i += 4) {
      const a = px[i + 3];
      const over = (v) => Math.round(v + 255 - a);
      const k = overWhite
        ? over(px[i]) + ',' + over(px[i + 1]) + ',' + over(px[i + 2]) + ',255'
        : px[i] + ',' + px[i + 1] + ',' + px[i + 2] + ',' + a;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    const order = (x, y) => y[1] - x[1] || (tieBreak ? (x[0] < y[0] ? -1 : 1) : 0);
    out.push([...counts].sort(order).map(([k, n]) => k + '×' + n));
  }
  const info = JSON.parse(p._wasm.infoJson());
  p.destroy();
  el.remove();
  return { out, warnings: info.warnings };
};
`;

// WebGL in headless Chromium (--disable-gpu): SwiftShader gives WebGL and WebGL2 contexts.
// rrweb's page (UNSAFE_replayCanvas: scripts allowed) shows its canvas: its pixels are read from
// a screenshot (a context without preserveDrawingBuffer, as rrweb asks for none, is cleared
// once shown, so readPixels would see nothing). rewind's frame has no scripting, and a canvas in
// a document without scripting shows its fallback content, not its bitmap (HTML spec), so its
// pixels are read from its context (never shown, never cleared), over the frame's white.
test('WebGL canvas calls (CanvasMutation type 1) draw what rrweb\'s Replayer shows, after seeks too', { skip }, async (t) => {
  const { server, browser } = await setup(t);
  const page = await openPage(browser, server.origin);
  await page.setViewportSize({ width: 1700, height: 1000 });
  await page.addScriptTag({ content: CANVAS_CLIP + WEBGL_COLOURS });
  const events = JSON.parse(readFileSync(new URL('fixtures/rrweb/webgl.json', root), 'utf8'));
  const start = events[0].timestamp;
  const at = (property) => events.find((e) => e.data?.property === property).timestamp - start;
  // after clearColor and before clear: blank; after clear: red. The end, the middle, the end
  // again: each a seek (a rebuild from a checkpoint).
  const times = [at('clear'), at('clearColor'), at('clear')];
  const mine = await page.evaluate(({ events, times }) => window.__webglColours(events, times, { overWhite: true }), { events, times });
  assert.deepEqual(mine.warnings, [], 'no canvas call refused or dropped');
  for (const [k, ms] of times.entries()) {
    const clip = await page.evaluate(async ({ events, ms }) => {
      const root = document.createElement('div');
      root.style.cssText = 'position:fixed;left:0;top:0';
      document.body.append(root);
      const r = new rrweb.Replayer(events, { root, showWarning: false, mouseTail: false, UNSAFE_replayCanvas: true });
      r.pause(ms + 1);
      await new Promise((res) => setTimeout(res, 300));
      r.iframe.style.display = 'block'; // rrweb shows it when playing; paused at once here
      await new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(res)));
      window.__r = { r, root };
      return window.__canvasClip(r.iframe);
    }, { events, ms });
    const theirs = await regionColours(page, clip);
    await page.evaluate(() => {
      window.__r.r.destroy?.();
      window.__r.root.remove();
    });
    assert.deepEqual(mine.out[k], theirs, `WebGL canvas at ${ms} ms: rewind vs rrweb's Replayer`);
  }
  assert.deepEqual(mine.out[0], ['255,0,0,255×18816'], 'cleared to red');
  assert.deepEqual(mine.out[1], ['255,255,255,255×18816'], 'blank before clear');
  assert.deepEqual(mine.out[2], mine.out[0], 'the same after seeking back');
  assert.deepEqual(page.errors, []);
});

/** Records, with rrweb's own `record({recordCanvas: true})`, a WebGL page: shaders, a program,
 * a vertex buffer (Float32Array data) and a uniform location, then two frames drawn with them
 * (a blue clear and a yellow triangle; a green clear and a magenta one). Returns the events and
 * the time (ms from the start) after the first frame. */
async function recordWebgl(page) {
  return page.evaluate(async () => {
    const frame = () => new Promise((r) => setTimeout(r, 120));
    const c = document.createElement('canvas');
    c.width = 120;
    c.height = 90;
    document.body.append(c);
    const events = [];
    const stop = rrweb.record({ emit: (e) => events.push(e), recordCanvas: true });
    await frame();
    const gl = c.getContext('webgl');
    const shader = (type, src) => {
      const s = gl.createShader(type);
      gl.shaderSource(s, src);
      gl.compileShader(s);
      return s;
    };
    const program = gl.createProgram();
    gl.attachShader(program, shader(gl.VERTEX_SHADER, 'attribute vec2 p; void main() { gl_Position = vec4(p, 0.0, 1.0); }'));
    gl.attachShader(program, shader(gl.FRAGMENT_SHADER, 'precision mediump float; uniform vec4 col; void main() { gl_FragColor = col; }'));
    gl.linkProgram(program);
    gl.useProgram(program);
    const buffer = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, buffer);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-0.8, -0.8, 0.8, -0.8, 0, 0.8]), gl.STATIC_DRAW);
    const loc = gl.getAttribLocation(program, 'p');
    gl.enableVertexAttribArray(loc);
    gl.vertexAttribPointer(loc, 2, gl.FLOAT, false, 0, 0);
    const col = gl.getUniformLocation(program, 'col');
    const draw = (bg, fg) => {
      gl.clearColor(...bg);
      gl.clear(gl.COLOR_BUFFER_BIT);
      gl.uniform4f(col, ...fg);
      gl.drawArrays(gl.TRIANGLES, 0, 3);
    };
    draw([0, 0, 1, 1], [1, 1, 0, 1]);
    await frame();
    const mark = Date.now() - events[0].timestamp;
    await frame(); // the second frame's event well after the mark
    gl.bindBuffer(gl.ARRAY_BUFFER, buffer);
    draw([0, 1, 0, 1], [1, 0, 1, 1]);
    await frame();
    stop();
    c.remove();
    return { events, mark };
  });
}

test('recorded WebGL (programs, buffers, uniform locations by index) draws what rrweb\'s Replayer shows', { skip }, async (t) => {
  const { server, browser } = await setup(t);
  const page = await openPage(browser, server.origin);
  await page.setViewportSize({ width: 1700, height: 1000 });
  await page.addScriptTag({ content: CANVAS_CLIP + WEBGL_COLOURS });
  const { events, mark } = await recordWebgl(page);
  const text = JSON.stringify(events);
  assert.ok(/"rr_type":"WebGLProgram","index":0/.test(text) && /"rr_type":"Float32Array"/.test(text), 'rrweb recorded objects by index and typed arrays');
  const duration = events.at(-1).timestamp - events[0].timestamp;
  const times = [duration, mark, duration];
  const mine = await page.evaluate(({ events, times }) => window.__webglColours(events, times, { tieBreak: true }), { events, times });
  assert.deepEqual(mine.warnings, [], 'no canvas call refused or dropped');
  // rrweb's seek starts each event's WebGL calls without waiting for the previous event's
  // (`void canvasMutation(…)`, each call awaiting its arguments), so two events replayed at once
  // interleave: seeking to the end, its canvas shows the first frame's calls finishing last.
  // At the mark one event is replayed; for the end, rrweb plays from the mark (each event at its
  // time, in order), which shows the recorded page's last frame.
  for (const [k, ms] of times.entries()) {
    const clip = await page.evaluate(async ({ events, ms, mark }) => {
      const root = document.createElement('div');
      root.style.cssText = 'position:fixed;left:0;top:0';
      document.body.append(root);
      const r = new rrweb.Replayer(events, { root, showWarning: false, mouseTail: false, UNSAFE_replayCanvas: true });
      if (ms === mark) r.pause(ms + 1);
      else r.play(mark + 1);
      await new Promise((res) => setTimeout(res, 300 + ms - mark));
      r.pause();
      r.iframe.style.display = 'block';
      await new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(res)));
      window.__r = { r, root };
      return window.__canvasClip(r.iframe);
    }, { events, ms, mark });
    const theirs = (await regionColours(page, clip)).sort((a, b) => {
      const [ka, na] = a.split('×');
      const [kb, nb] = b.split('×');
      return nb - na || (ka < kb ? -1 : 1);
    });
    await page.evaluate(() => {
      window.__r.r.destroy?.();
      window.__r.root.remove();
    });
    assert.deepEqual(mine.out[k], theirs, `WebGL canvas at ${ms} ms: rewind vs rrweb's Replayer`);
  }
  const top = (colours) => colours.slice(0, 2).map((c) => c.split('×')[0]).sort();
  assert.deepEqual(top(mine.out[1]), ['0,0,255,255', '255,255,0,255'], 'first frame: blue and yellow');
  assert.deepEqual(top(mine.out[0]), ['0,255,0,255', '255,0,255,255'], 'last frame: green and magenta');
  assert.deepEqual(mine.out[2], mine.out[0], 'the same after seeking back');
  assert.deepEqual(page.errors, []);
});

test('fonts added with FontFace are in the replayed document at the playhead', { skip }, async (t) => {
  const { server, browser } = await setup(t);
  const page = await openPage(browser, server.origin);
  const base = 1_800_000_000_000;
  const events = [
    { type: 4, data: { href: 'http://a.test/', width: 640, height: 400 }, timestamp: base },
    { type: 2, timestamp: base, data: { initialOffset: { top: 0, left: 0 }, node: { type: 0, id: 1, childNodes: [
      { type: 2, id: 2, tagName: 'html', attributes: {}, childNodes: [{ type: 2, id: 3, tagName: 'body', attributes: {}, childNodes: [] }] }] } } },
    { type: 3, timestamp: base + 1000, data: { source: 10, family: 'Rewind Css', fontSource: 'url(data:font/woff2;base64,AAAA)', buffer: false, descriptors: { weight: '700' } } },
    { type: 3, timestamp: base + 2000, data: { source: 10, family: 'Rewind Bytes', fontSource: '[0,1,0,0]', buffer: true } },
    { type: 3, timestamp: base + 3000, data: { source: 1, positions: [{ x: 1, y: 1, id: 3, timeOffset: 0 }] } },
  ];
  const seen = await page.evaluate(async (events) => {
    const { p, el } = await window.__mount(events, { skipInactive: false }, 'width:640px;height:400px');
    const families = () => Array.from(p.frame.contentDocument.fonts, (f) => f.family.replace(/"/g, '') + (f.weight === '700' ? ':700' : '')).sort().join(',');
    const out = {};
    for (const ms of [3000, 500, 1500, 2500]) {
      p.seek(ms);
      out[ms] = families();
    }
    p.destroy();
    el.remove();
    return out;
  }, events);
  assert.deepEqual(seen, { 500: '', 1500: 'Rewind Css:700', 2500: 'Rewind Bytes,Rewind Css:700', 3000: 'Rewind Bytes,Rewind Css:700' });
});

test('play reaches the end, fires finish and an action event per action; speed changes the rate', { skip }, async (t) => {
  const { server, browser } = await setup(t);
  const page = await openPage(browser, server.origin);
  const text = readFileSync(new URL('fixtures/login-form.json', root), 'utf8');
  const result = await page.evaluate(async (text) => {
    const { p, el } = await window.__mount(text, { skipInactive: false }, 'width:800px;height:500px');
    const log = [];
    p.on('finish', () => log.push('finish'));
    p.on('play', () => log.push('play'));
    const rate = async (speed) => {
      p.pause();
      p.seek(0);
      p.setSpeed(speed);
      p.play();
      await new Promise((r) => setTimeout(r, 100)); // the loop is running
      const t0 = p.currentTime();
      const w0 = performance.now();
      await new Promise((r) => setTimeout(r, 600));
      const advanced = p.currentTime() - t0;
      const wall = performance.now() - w0;
      p.pause();
      return advanced / wall;
    };
    const r1 = await rate(1);
    const r4 = await rate(4);
    let actions = 0;
    await new Promise((r) => (p.actions().length ? r() : p.on('analyzed', r)));
    p.on('action', () => actions++);
    p.seek(0);
    p.setSpeed(8);
    const done = new Promise((r) => p.on('finish', r));
    p.play();
    await done;
    return { r1, r4, log, time: p.currentTime(), duration: p.duration(), playing: p.isPlaying(), actions, n: p.actions().length, ticks: p.ticks().length };
  }, text);
  assert.ok(Math.abs(result.r1 - 1) < 0.35, `1x advanced ${result.r1} ms per ms`);
  assert.ok(Math.abs(result.r4 - 4) < 1.2, `4x advanced ${result.r4} ms per ms`);
  assert.equal(result.time, result.duration);
  assert.equal(result.playing, false);
  assert.ok(result.log.includes('finish'));
  assert.ok(result.n > 0 && result.ticks > 0);
  assert.equal(result.actions, result.n, "one action event per action, in order");
  assert.deepEqual(page.errors, []);
});

test('skipInactive jumps over a long pause; recorded handlers never run in the sandbox', { skip }, async (t) => {
  const { server, browser } = await setup(t);
  const page = await openPage(browser, server.origin);
  const base = 1_800_000_000_000;
  const events = [
    { type: 4, data: { href: 'http://a.test/', width: 640, height: 400 }, timestamp: base },
    { type: 2, timestamp: base, data: { initialOffset: { top: 0, left: 0 }, node: { type: 0, id: 1, childNodes: [
      { type: 1, id: 2, name: 'html', publicId: '', systemId: '' },
      { type: 2, id: 3, tagName: 'html', attributes: {}, childNodes: [
        { type: 2, id: 4, tagName: 'head', attributes: {}, childNodes: [
          { type: 2, id: 5, tagName: 'script', attributes: {}, childNodes: [{ type: 3, id: 6, textContent: 'parent.__ran = "script"' }] }] },
        { type: 2, id: 7, tagName: 'body', attributes: {}, childNodes: [
          { type: 2, id: 8, tagName: 'img', attributes: { src: 'data:,', onerror: 'parent.__ran = "onerror"' }, childNodes: [] },
          { type: 2, id: 9, tagName: 'button', attributes: { onclick: 'parent.__ran = "onclick"', autofocus: true, onfocus: 'parent.__ran = "onfocus"' }, childNodes: [] }] }] }] } } },
    { type: 3, timestamp: base + 1000, data: { source: 1, positions: [{ x: 10, y: 10, id: 9, timeOffset: 0 }] } },
    { type: 3, timestamp: base + 61_000, data: { source: 2, type: 2, id: 9, x: 20, y: 20 } },
    { type: 3, timestamp: base + 62_000, data: { source: 1, positions: [{ x: 30, y: 30, id: 9, timeOffset: 0 }] } },
  ];
  const result = await page.evaluate(async (events) => {
    const { p, el } = await window.__mount(events, { autoplay: true }, 'width:640px;height:400px');
    const skipped = await new Promise((resolve) => {
      const w0 = performance.now();
      p.on('finish', () => resolve(performance.now() - w0));
    });
    await new Promise((r) => setTimeout(r, 100));
    const frame = p.frame;
    let scriptRan = false;
    try {
      frame.contentWindow.eval('1');
      scriptRan = true;
    } catch {}
    return {
      skipped,
      spans: p.inactiveSpans(),
      ran: window.__ran ?? null,
      scriptRan,
      sandbox: frame.getAttribute('sandbox'),
      scripts: frame.contentDocument.querySelectorAll('script').length,
      handlers: Array.from(frame.contentDocument.querySelectorAll('*')).flatMap((e) => e.getAttributeNames().filter((n) => /^on/i.test(n))),
    };
  }, events);
  assert.deepEqual(result.spans, [{ start_ms: base + 1000, end_ms: base + 61_000 }]);
  assert.ok(result.skipped < 10_000, `a 62 s recording with a 60 s pause played in ${result.skipped} ms`);
  assert.equal(result.ran, null, 'a recorded script or handler ran');
  assert.equal(result.scripts, 0);
  assert.deepEqual(result.handlers, []);
  assert.equal(result.sandbox, 'allow-same-origin');
  assert.deepEqual(page.errors, []);
});

test('player.d.ts type-checks a consumer (tsc --strict)', { skip: existsSync(new URL('node_modules/typescript/bin/tsc', root)) ? false : 'needs typescript (npm ci)' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'rewind-player-types-'));
  const js = fileURLToPath(new URL('js/player.js', root));
  writeFileSync(join(dir, 'consumer.ts'), `
import { createPlayer, SPEEDS, type PlayerHandle, type Tick, type Speed } from ${JSON.stringify(js)};
async function main(el: HTMLElement, file: File, events: object[]) {
  const p: PlayerHandle = await createPlayer(el, file, { skipInactive: true, speed: 2, autoplay: false });
  await createPlayer(el, { events, analysis: {} });
  await createPlayer(el, new Uint8Array(4));
  p.play(); p.pause(); p.seek(1500);
  const s: Speed = p.setSpeed(SPEEDS[3]);
  const off = p.on('timeupdate', (ms: number) => console.log(ms, p.currentTime() / p.duration()));
  p.on('action', (a, i) => console.log(a.description, a.t_ms, i));
  p.on('finish', () => off());
  const ticks: Tick[] = p.ticks();
  const spans = p.inactiveSpans().map((x) => x.end_ms - x.start_ms);
  const [w, h] = p.info().viewport;
  console.log(s, ticks, spans, w * h, p.frame?.contentDocument, p.canvas?.width);
  // @ts-expect-error 3x is not a speed
  p.setSpeed(3);
  // @ts-expect-error not an event
  p.on('progress', () => {});
  p.destroy();
}
console.log(main);
`);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2022', 'dom'], types: [] },
    files: ['consumer.ts'],
  }));
  const tsc = fileURLToPath(new URL('node_modules/typescript/bin/tsc', root));
  const out = spawnSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
  assert.equal(out.status, 0, out.stdout + out.stderr);
});
