// DOM → plain tree for comparing a live page with rrweb's replay of its recording.
//
// Kept: elements (tag, attributes except inline `on*` handlers, form state), non-empty text (whitespace collapsed, adjacent
// text merged). Dropped: <script>/<noscript> (never recorded), comments, the replayer's own
// injected <style>, `rrweb-*` classes and its `:hover` class (simulated hover), `<style>` contents (the recorder stores the CSSOM's
// serialization, not the source text — only the element is compared). Form state is compared as
// properties (`value` masked as `*` × length when inputs are masked; `checked`), not as the
// `value`/`checked` attributes, which the recorder uses to carry that state.
//
// `mask` describes what the recorder masked, and is applied to the LIVE side only:
//   text: non-whitespace → `*` in text nodes; attrs: the same for title/placeholder/aria-label/alt
//   and `data-*` other than test hooks (data-testid…, kept for the analyzer);
//   inputs: every input value → `*` × length.
const MASKED_ATTRS = new Set(['title', 'placeholder', 'aria-label', 'alt']);
const TEST_ID_ATTRS = new Set(['data-testid', 'data-test-id', 'data-test', 'data-cy', 'data-qa']);
const maskedAttr = (name) => MASKED_ATTRS.has(name) || (name.startsWith('data-') && !TEST_ID_ATTRS.has(name));
const URL_ATTRS = new Set(['href', 'src']);
const maskText = (s) => s.replace(/\S/g, '*');

export function normalizeDocument(doc, { live = false, mask = {} } = {}) {
  return normalizeElement(doc.documentElement, { live, mask, base: doc.baseURI });
}

function normalizeElement(el, ctx) {
  const tag = el.localName;
  const attrs = {};
  for (const { name, value } of el.attributes) {
    if (name === 'value' || name === 'checked' || name === 'selected') continue;
    if (name.startsWith('rr_') || name.startsWith('rrweb')) continue;
    if (name.startsWith('on')) continue; // inline handlers: rewind never records them (no scripts), rrweb does
    // rrweb-snapshot 2.2's rebuild sets autocomplete="off" on every replayed <input>/<textarea>
    // (so the browser does not autofill the replay): the replayer's mark, like its classes, on
    // both sides so a live "off" still compares equal.
    if (name === 'autocomplete' && value === 'off' && (tag === 'input' || tag === 'textarea')) continue;
    let v = value;
    if (name === 'class') {
      v = v.split(/\s+/).filter((c) => c && !c.startsWith('rrweb-') && c !== ':hover').join(' ');
      if (!v) continue;
    } else if (name === 'style') {
      v = v.split(';').map((d) => d.trim().replace(/\s*:\s*/, ': ')).filter(Boolean).join('; ');
    } else if (URL_ATTRS.has(name) && !v.startsWith('data:')) {
      try {
        v = new URL(v, ctx.live ? ctx.base : 'http://invalid/').href;
      } catch {
        // keep as is
      }
    } else if (ctx.live && ctx.mask.attrs && maskedAttr(name)) {
      v = maskText(v);
    }
    attrs[name] = v;
  }
  const node = { tag, attrs: Object.fromEntries(Object.entries(attrs).sort(([a], [b]) => (a < b ? -1 : 1))) };
  if (tag === 'input' || tag === 'textarea') {
    if (el.type === 'checkbox' || el.type === 'radio') node.checked = el.checked;
    else node.value = ctx.live && ctx.mask.inputs ? '*'.repeat(el.value.length) : el.value;
  }
  if (tag === 'style' || tag === 'textarea') return node;
  const children = [];
  let text = '';
  const flush = () => {
    const t = text.replace(/\s+/g, ' ').trim();
    if (t) children.push(ctx.live && ctx.mask.text ? maskText(t) : t);
    text = '';
  };
  for (const child of el.childNodes) {
    if (child.nodeType === 3) {
      text += child.data;
      continue;
    }
    if (child.nodeType !== 1) continue;
    const name = child.localName;
    if (name === 'script' || name === 'noscript') continue;
    if (!ctx.live && name === 'style' && isReplayerStyle(child)) continue;
    flush();
    children.push(normalizeElement(child, ctx));
  }
  flush();
  if (children.length) node.children = children;
  return node;
}

/** The <style> rrweb's Replayer injects into the replayed document (noscript/rr-block rules). */
function isReplayerStyle(el) {
  const css = Array.from(el.sheet?.cssRules ?? [], (r) => r.cssText).join(' ');
  return /rrweb-paused|\.rr-block|noscript/.test(css) && !el.attributes.length;
}

/** The tree as indented lines (for readable diffs). */
export function toLines(node, depth = 0, out = []) {
  const pad = '  '.repeat(depth);
  if (typeof node === 'string') {
    out.push(`${pad}"${node}"`);
    return out;
  }
  const attrs = Object.entries(node.attrs).map(([k, v]) => ` ${k}="${v}"`).join('');
  const state = 'value' in node ? ` .value="${node.value}"` : 'checked' in node ? ` .checked=${node.checked}` : '';
  out.push(`${pad}<${node.tag}${attrs}${state}>`);
  for (const child of node.children ?? []) toLines(child, depth + 1, out);
  return out;
}
