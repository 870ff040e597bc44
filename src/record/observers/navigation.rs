//! Page-level observer: SPA navigation (a `rewind.navigation` Custom event whenever the href
//! changes). Console capture (`rrweb/console@1`) is an opt-in chunk outside the recorder
//! (`js/console.js` with `src/wasm/console.rs`).

use super::{listen, patch, Listener, Patch};
use crate::record::state::{window, Core, State};
use web_sys::EventTarget;

/// SPA navigation: a `rewind.navigation` Custom event whenever the href changes.
pub(super) fn attach_navigation(listeners: &mut Vec<Listener>, patches: &mut Vec<Patch>, core: &Core) {
    let win = window();
    let win_target: &EventTarget = win.as_ref();
    for name in ["popstate", "hashchange"] {
        listen(listeners, win_target, name, core, |s, _| navigated(s));
    }
    if let Ok(history) = win.history() {
        for key in ["pushState", "replaceState"] {
            let c = core.clone();
            if let Some(p) = patch(history.as_ref(), key, true, move |_, _| {
                c.with(|s| {
                    if s.recording {
                        navigated(s)
                    }
                });
            }) {
                patches.push(p);
            }
        }
    }
}

fn navigated(s: &mut State) {
    let href = window().location().href().unwrap_or_default();
    if href != s.last_href {
        s.flush_mutations();
        s.push_navigation();
    }
}
