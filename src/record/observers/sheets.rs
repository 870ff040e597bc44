//! CSSOM observers, as rrweb's `initStyleSheetObserver`, `initStyleDeclarationObserver` and
//! `initAdoptedStyleSheetObserver` do: the methods that change a sheet without touching the DOM
//! are wrapped (a `Proxy` on the prototype's method, undone on stop), and the `adoptedStyleSheets`
//! setter is hooked.
//!
//! - `CSSStyleSheet` `insertRule`/`deleteRule`, and `CSSGroupingRule` `insertRule`/`deleteRule`
//!   (`@media`, `@supports`, `@layer`, `@container` blocks, nested style rules): StyleSheetRule
//!   (source 8) `adds`/`removes`, the rule as the browser serializes it once inserted, at the
//!   index it landed at (a path for nested rules).
//! - `CSSStyleSheet` `replace`/`replaceSync` (constructed sheets only): source 8 `replace` /
//!   `replaceSync` with the `styleId`.
//! - `CSSStyleDeclaration` `setProperty`/`removeProperty` on a rule's `style` (not an element's
//!   inline `style`, whose changes are attribute Mutations): StyleDeclaration (source 13), the
//!   value and priority as the browser kept them.
//! - `Document.prototype.adoptedStyleSheets` (setter): AdoptedStyleSheet (source 15).
//!
//! A change is recorded after the page's call succeeded (a call that throws records nothing);
//! mutations still queued are recorded before the call, so a `<style>` added in the same task is
//! written with its sheet as it was, and the change follows. Changes to sheets of elements that
//! are not recorded (blocked, inside a blocked element, not yet written by a sliced snapshot)
//! and to constructed sheets no recorded node adopts are left out: the snapshot or adoption that
//! brings them later carries their rules. Not seen (as in rrweb): style property setters
//! (`rule.style.color = …`), `cssText`/`selectorText` assignments, legacy `addRule`/`removeRule`,
//! and in-place edits of an `adoptedStyleSheets` array (`push`).

use super::{hook_setter, install, ApplyTrap, Patch, SetterHook};
use crate::record::json::{array, push_str, Obj};
use crate::record::sheets::{get, index_json, rule_json, rule_path, Target};
use crate::record::state::{window, Core, State};
use js_sys::{Array, Function, Reflect};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Node;

/// A wrapped CSSOM method.
#[derive(Clone, Copy, PartialEq)]
enum Call {
    Insert,
    Delete,
    Replace,
    ReplaceSync,
    GroupInsert,
    GroupDelete,
    SetProperty,
    RemoveProperty,
}

const METHODS: &[(&str, &str, Call)] = &[
    ("CSSStyleSheet", "insertRule", Call::Insert),
    ("CSSStyleSheet", "deleteRule", Call::Delete),
    ("CSSStyleSheet", "replace", Call::Replace),
    ("CSSStyleSheet", "replaceSync", Call::ReplaceSync),
    ("CSSGroupingRule", "insertRule", Call::GroupInsert),
    ("CSSGroupingRule", "deleteRule", Call::GroupDelete),
    ("CSSStyleDeclaration", "setProperty", Call::SetProperty),
    ("CSSStyleDeclaration", "removeProperty", Call::RemoveProperty),
];

/// Prototypes whose `adoptedStyleSheets` setter is hooked. A shadow root is named by its
/// host's id (see `adopter_id`).
const ADOPTERS: &[&str] = &["Document", "ShadowRoot"];

pub(super) fn attach(patches: &mut Vec<Patch>, setters: &mut Vec<SetterHook>, core: &Core) {
    let win: JsValue = window().into();
    for &(class, key, call) in METHODS {
        let proto = get(&get(&win, class), "prototype");
        if let Some(p) = wrap(&proto, key, call, core) {
            patches.push(p);
        }
    }
    for &class in ADOPTERS {
        let Ok(proto) = get(&get(&win, class), "prototype").dyn_into() else { continue };
        if let Some(h) = hook_setter(&proto, "adoptedStyleSheets", core, adopted_set) {
            setters.push(h);
        }
    }
}

fn wrap(proto: &JsValue, key: &str, call: Call, core: &Core) -> Option<Patch> {
    if !proto.is_object() {
        return None; // e.g. no CSSGroupingRule in this browser
    }
    let active = Rc::new(Cell::new(true));
    let flag = active.clone();
    let c = core.clone();
    let apply = ApplyTrap::new(move |target: JsValue, this: JsValue, args: Array| {
        let target: Function = target.unchecked_into();
        // An element's inline style (no parentRule) changes its `style` attribute: a Mutation.
        let on = flag.get()
            && (!matches!(call, Call::SetProperty | Call::RemoveProperty) || get(&this, "parentRule").is_object());
        if on {
            c.with(|s| {
                if s.recording {
                    s.flush_mutations();
                }
            });
        }
        let result = Reflect::apply(&target, &this, &args)?;
        if on {
            c.with(|s| {
                if s.recording {
                    record(s, call, &this, &args, &result);
                }
            });
        }
        Ok(result)
    });
    install(proto, key, apply, active)
}

/// Records one successful call `this.<call>(...args)` that returned `result`.
fn record(s: &mut State, call: Call, this: &JsValue, args: &Array, result: &JsValue) -> Option<()> {
    let (sheet, prefix) = match call {
        Call::GroupInsert | Call::GroupDelete => (get(this, "parentStyleSheet"), rule_path(this)?),
        Call::SetProperty | Call::RemoveProperty => {
            let rule = get(this, "parentRule");
            (get(&rule, "parentStyleSheet"), rule_path(&rule)?)
        }
        _ => (this.clone(), Vec::new()),
    };
    s.sheets.mark_modified(&sheet);
    let target = target_of(s, &sheet)?;
    let (source, rest) = match call {
        Call::Insert | Call::GroupInsert => {
            let index = result.as_f64()? as u32;
            let list: web_sys::CssRuleList = get(this, "cssRules").dyn_into().ok()?;
            let rule = list.item(index)?.css_text();
            (8, format!("\"adds\":[{}]", rule_json(&rule, &index_json(&prefix, index))))
        }
        Call::Delete | Call::GroupDelete => {
            let index = args.get(0).as_f64()? as u32;
            (8, format!("\"removes\":[{{\"index\":{}}}]", index_json(&prefix, index)))
        }
        Call::Replace | Call::ReplaceSync if target.0 == "styleId" => {
            let key = if call == Call::Replace { "replace" } else { "replaceSync" };
            let mut rest = format!("\"{key}\":");
            push_str(&mut rest, &args.get(0).as_string()?);
            (8, rest)
        }
        Call::SetProperty | Call::RemoveProperty => {
            let property = args.get(0).as_string()?;
            let style: &web_sys::CssStyleDeclaration = this.unchecked_ref();
            let value = style.get_property_value(&property).unwrap_or_default();
            // What the browser kept: an invalid value changed nothing, an empty one removed it.
            let change = if value.is_empty() {
                format!("\"remove\":{}", Obj::new().str("property", &property).end())
            } else {
                let priority = style.get_property_priority(&property);
                let set = Obj::new().str("property", &property).str("value", &value);
                let set = if priority.is_empty() { set } else { set.str("priority", &priority) };
                format!("\"set\":{}", set.end())
            };
            (13, format!("\"index\":{},{change}", array(prefix.iter().map(u32::to_string))))
        }
        _ => return None,
    };
    s.push_incremental(source, &format!("{},{rest}", target.json()));
    Some(())
}

/// The sheet's owner element's id (a recorded, unblocked element the replayer has), or its
/// `styleId` (a constructed sheet adopted since the last snapshot).
fn target_of(s: &State, sheet: &JsValue) -> Option<Target> {
    let owner = get(sheet, "ownerNode");
    if let Some(node) = owner.dyn_ref::<Node>() {
        if s.mirror.event_blocked(node) {
            return None;
        }
        return s.mirror.known_id(node).map(|id| Target("id", id));
    }
    s.sheets.style_id(sheet).map(|id| Target("styleId", id))
}

/// `adoptedStyleSheets` was set on `this`.
fn adopted_set(s: &mut State, this: &JsValue) {
    s.flush_mutations(); // a just-added host gets its id
    if let Some(id) = adopter_id(s, this) {
        s.push_adopted(id, &get(this, "adoptedStyleSheets"), true);
    }
}

/// rrweb's AdoptedStyleSheet `id`: the recorded document, or for a shadow root its host
/// element (recorded and not blocked).
fn adopter_id(s: &State, this: &JsValue) -> Option<i32> {
    let node: &Node = this.dyn_ref()?;
    if node.node_type() == Node::DOCUMENT_NODE {
        return s.mirror.known_id(node);
    }
    let host = get(this, "host");
    let host: &Node = host.dyn_ref()?;
    if s.mirror.event_blocked(host) {
        return None;
    }
    s.mirror.known_id(host)
}
