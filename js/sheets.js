// rewind-replay — the recorder's CSSOM hooks and style mirror, imported by the recorder's wasm
// glue (`src/record/sheets.rs`, `raw_module = "../js/sheets.js"`), not by apps.
//
// Browser glue kept in JS: each hooked call here costs two crossings into wasm (one to record
// pending mutations and learn whether it is recording, one to queue the event) instead of the
// ~30 property reads a wasm hook made, and the event text is built by `JSON.stringify`
// (BENCHMARKS.md, "Recorder size now"). What needs the recorder's state (node ids, blocking,
// event order and timestamps) stays in wasm.
//
// As rrweb's `initStyleSheetObserver`, `initStyleDeclarationObserver` and
// `initAdoptedStyleSheetObserver` (rrweb 2.1 `@rrweb/types` shapes, as in its fixtures
// `style-sheet-rule-events`, `nested-style-declaration`, `adopted-style-sheet*`):
// - `CSSStyleSheet` and `CSSGroupingRule` (`@media`, `@supports`, `@layer`, `@container`,
//   nested style rules) `insertRule`/`deleteRule`: StyleSheetRule (IncrementalSource 8)
//   `{id | styleId, adds: [{rule, index}]}` / `{…, removes: [{index}]}`, the rule as the
//   browser serialized it once inserted, at the index it landed at; `index` is a number for a
//   rule of the sheet, the path through grouping rules (outermost first) for a nested one.
// - `CSSStyleSheet` `replace`/`replaceSync` (constructed sheets only): source 8
//   `{styleId, replace | replaceSync}`.
// - `CSSStyleDeclaration` `setProperty`/`removeProperty` on a rule's `style` (an element's
//   inline `style` changes its `style` attribute: a Mutation): StyleDeclaration (source 13)
//   `{id | styleId, index: [path], set: {property, value, priority?} | remove: {property}}`,
//   as the browser kept it (an invalid value changed nothing, an empty one removed it).
// - the `adoptedStyleSheets` setters of `Document` and `ShadowRoot`: AdoptedStyleSheet
//   (source 15) `{id, styleIds, styles?: [{styleId, rules: [{rule, index}]}]}`, `id` the
//   document or the shadow root's host; a sheet's rules are sent once, with its first styleId.
//
// `id` names the `<style>`/`<link>` element owning the sheet; `styleId` a constructed sheet,
// numbered from 1 in the order it is first adopted. rrweb's Replayer forgets its style mirror
// at each FullSnapshot, so the numbering starts again with each snapshot (`Sheets#reset`).
// A change is recorded after the page's call succeeded (one that throws records nothing);
// mutations still queued are recorded before the call, so a `<style>` added in the same task
// is written with its sheet as it was, and the change follows. Changes to sheets of elements
// that are not recorded (blocked, not yet written by a sliced snapshot) and to constructed
// sheets no recorded node adopts are left out: the snapshot or adoption that brings them later
// carries their rules. Not seen (as in rrweb): style property setters (`rule.style.color = …`),
// `cssText`/`selectorText` assignments, legacy `addRule`/`removeRule`, and in-place edits of an
// `adoptedStyleSheets` array (`push`).

import { wrapSetter } from './hooks.js';

// The ops of the wasm `record(op, node, rest)` callback (src/record/observers/sheets.rs).
/** Records queued mutations; returns 1 while recording, else 0. */
const FLUSH = 0;
/** The id of `node` (recorded, not blocked), else 0. */
const NODE_ID = 1;
// Any other op is an IncrementalSource: queues `{source, "id": <node's id>, …rest}` (dropped
// when `node` is not recorded), or `{source, …rest}` without a node.

/** A sheet's rules joined, or `undefined` when it has none to read (missing, cross-origin). */
export function sheetText(sheet) {
  try {
    return Array.from(sheet.cssRules, (rule) => rule.cssText).join('');
  } catch {
    return undefined;
  }
}

/**
 * rrweb's index path of `rule`: its index in its parent's `cssRules`, after the parent's in its
 * own parent's, up to the sheet (outermost first); `null` when it is no longer in a sheet.
 */
function rulePath(rule) {
  const path = [];
  for (let cur = rule; cur; ) {
    const parent = cur.parentRule;
    const list = (parent || cur.parentStyleSheet)?.cssRules;
    const index = list ? Array.prototype.indexOf.call(list, cur) : -1;
    if (index < 0) return null;
    path.unshift(index);
    cur = parent;
  }
  return path;
}

/** `{…}` without its braces: the rest of an event's data after `source` (and `id`). */
const inner = (data) => JSON.stringify(data).slice(1, -1);

/**
 * The style mirror of one recorder: constructed sheets' `styleId`s since the last snapshot, and
 * the sheets changed through the CSSOM while recording (their `<style>` is inlined as
 * `_cssText` by later snapshots).
 */
export class Sheets {
  constructor() {
    this.modified = new WeakSet();
    this.reset();
  }

  /** Forgets every `styleId` (at each FullSnapshot, as rrweb's Replayer does). */
  reset() {
    this.ids = new WeakMap();
    this.next = 1;
  }

  isModified(sheet) {
    return this.modified.has(sheet);
  }

  /**
   * The AdoptedStyleSheet data (without `source`) of node `id` adopting `sheets` (an
   * `adoptedStyleSheets` array): sheets seen for the first time get a `styleId` and send their
   * rules. `undefined` when `sheets` is not an array, or is empty and `keepEmpty` is false (a
   * snapshot has nothing to say then; a setter that emptied the list has).
   */
  adopted(id, sheets, keepEmpty) {
    if (!Array.isArray(sheets) || (!sheets.length && !keepEmpty)) return undefined;
    const styleIds = [];
    const styles = [];
    for (const sheet of sheets) {
      let styleId = this.ids.get(sheet);
      if (styleId === undefined) {
        styleId = this.next++;
        this.ids.set(sheet, styleId);
        styles.push({ styleId, rules: Array.from(sheet.cssRules, (r, index) => ({ rule: r.cssText, index })) });
      }
      styleIds.push(styleId);
    }
    return inner(styles.length ? { id, styleIds, styles } : { id, styleIds });
  }

  /**
   * Wraps the CSSOM methods (a `Proxy` of each, as ./hooks.js does, with the hook split
   * around the call) and hooks the `adoptedStyleSheets` setters (./hooks.js); `record` is the recorder's callback (ops above). Returns the
   * undo: originals put back, or, where page code wrapped ours since, ours left in place inert.
   */
  hook(record) {
    const undo = [];
    let on = true;
    /** Queues event `source` about `sheet`, named by its owner element or its `styleId`. */
    const send = (sheet, source, data) => {
      this.modified.add(sheet);
      const owner = sheet.ownerNode;
      if (owner) {
        record(source, owner, inner(data));
        return;
      }
      const styleId = this.ids.get(sheet);
      if (styleId) record(source, null, inner({ styleId, ...data }));
    };
    /** Rules added to or removed from `list` (a sheet, or a grouping rule at `prefix`). */
    const added = (sheet, prefix, list, index) => {
      if (!prefix) return;
      const rule = list.cssRules[index].cssText;
      send(sheet, 8, { adds: [{ rule, index: prefix.length ? [...prefix, index] : index }] });
    };
    // The index as WebIDL's `unsigned long` conversion reads it.
    const removed = (sheet, prefix, index) => {
      if (prefix) send(sheet, 8, { removes: [{ index: prefix.length ? [...prefix, index >>> 0] : index >>> 0 }] });
    };
    const declaration = (self, args) => {
      const rule = self.parentRule;
      const index = rulePath(rule);
      if (!index) return;
      const property = String(args[0]);
      const value = self.getPropertyValue(property);
      const priority = self.getPropertyPriority(property);
      const change = !value
        ? { remove: { property } }
        : { set: priority ? { property, value, priority } : { property, value } };
      send(rule.parentStyleSheet, 13, { index, ...change });
    };
    // `[class, method, what the call changed (this, arguments, result)]`; an element's inline
    // style (a declaration with no parentRule) is left to the MutationObserver.
    const methods = [
      ['CSSStyleSheet', 'insertRule', (self, args, index) => added(self, [], self, index)],
      ['CSSStyleSheet', 'deleteRule', (self, args) => removed(self, [], args[0])],
      ['CSSStyleSheet', 'replace', (self, args) => self.ownerNode || send(self, 8, { replace: String(args[0]) })],
      ['CSSStyleSheet', 'replaceSync', (self, args) => self.ownerNode || send(self, 8, { replaceSync: String(args[0]) })],
      ['CSSGroupingRule', 'insertRule', (self, args, index) => added(self.parentStyleSheet, rulePath(self), self, index)],
      ['CSSGroupingRule', 'deleteRule', (self, args) => removed(self.parentStyleSheet, rulePath(self), args[0])],
      ['CSSStyleDeclaration', 'setProperty', declaration],
      ['CSSStyleDeclaration', 'removeProperty', declaration],
    ];
    for (const [name, key, change] of methods) {
      const proto = globalThis[name]?.prototype;
      const original = proto?.[key];
      if (typeof original !== 'function') continue; // e.g. no CSSGroupingRule in this browser
      const proxy = new Proxy(original, {
        apply(target, self, args) {
          const recording = on && (change !== declaration || Boolean(self?.parentRule)) && record(FLUSH) === 1;
          const result = Reflect.apply(target, self, args);
          if (recording) {
            try {
              change(self, args, result);
            } catch {
              // A sheet that cannot be read (gone, cross-origin) records nothing; the page's
              // call has succeeded and must not see the recorder fail.
            }
          }
          return result;
        },
      });
      proto[key] = proxy;
      undo.push(() => {
        if (proto[key] === proxy) proto[key] = original;
      });
    }
    for (const name of ['Document', 'ShadowRoot']) {
      const undoSet = wrapSetter(globalThis[name]?.prototype, 'adoptedStyleSheets', (self) => {
        // A just-added host gets its id first (FLUSH); a shadow root is named by its host.
        if (!on || record(FLUSH) !== 1) return;
        try {
          const id = record(NODE_ID, self.nodeType === 9 ? self : self.host);
          const data = id ? this.adopted(id, self.adoptedStyleSheets, true) : undefined;
          if (data) record(15, null, data);
        } catch {
          // as for the methods: the page's assignment has succeeded
        }
      });
      if (undoSet) undo.push(undoSet);
    }
    return () => {
      on = false;
      for (const f of undo) f();
    };
  }
}
