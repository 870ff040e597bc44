//! CSSOM observers, as rrweb's `initStyleSheetObserver`, `initStyleDeclarationObserver` and
//! `initAdoptedStyleSheetObserver` do. The wrapping of the CSSOM methods and of the
//! `adoptedStyleSheets` setters, and the events' data, are in `js/sheets.js` (`Sheets#hook`;
//! what is recorded and what is not is in its header); this is the recorder's side of it: one
//! callback that records pending mutations before a hooked call and queues the event after it.

use crate::record::state::{Core, State};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Node;

/// `record(op, node, rest)` of `js/sheets.js`.
pub(super) type SheetCallback = Closure<dyn FnMut(u32, JsValue, Option<String>) -> i32>;

/// Op: record the queued mutations; 1 while recording, else 0.
const FLUSH: u32 = 0;
/// Op: the id of `node` (recorded, not blocked), else 0.
const NODE_ID: u32 = 1;

/// Hooks the CSSOM for this recording: the undo (`Sheets#hook`'s) and the callback it calls.
pub(super) fn attach(core: &Core) -> (js_sys::Function, SheetCallback) {
    let c = core.clone();
    // Any other op is an IncrementalSource: `{"source":op,"id":<node's id>,<rest>}` (dropped
    // when `node` is not recorded) or, with no node, `{"source":op,<rest>}`.
    let callback = SheetCallback::new(move |op: u32, node: JsValue, rest: Option<String>| {
        c.with(|s| {
            if !s.recording {
                return 0;
            }
            match op {
                FLUSH => {
                    s.flush_mutations();
                    1
                }
                NODE_ID => node_id(s, &node).unwrap_or(0),
                source => {
                    // The rules' `url(…)`s (StyleSheetRule, StyleDeclaration, AdoptedStyleSheet
                    // data, as JSON text), as in `<style>` text.
                    let rest = s.privacy.css_text(&rest.unwrap_or_default());
                    if node.is_object() {
                        let Some(id) = node_id(s, &node) else { return 0 };
                        s.push_incremental(source as u8, &format!("\"id\":{id},{rest}"));
                    } else {
                        s.push_incremental(source as u8, &rest);
                    }
                    1
                }
            }
        })
        .unwrap_or(0)
    });
    let undo = core.state.borrow().sheets.hook(callback.as_ref());
    (undo, callback)
}

/// The id of `node` for a style event: recorded, the replayer has it, and not blocked (nor
/// inside a blocked element).
fn node_id(s: &State, node: &JsValue) -> Option<i32> {
    // Not `dyn_ref`: js/sheets.js passes an owner node, the document or a shadow host, and an
    // `instanceof Node` check would refuse nodes of another realm.
    if !node.is_object() {
        return None;
    }
    let node: &Node = node.unchecked_ref();
    if s.mirror.event_blocked(node) {
        return None;
    }
    s.mirror.known_id(node)
}
