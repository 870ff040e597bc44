//! Page-level observers: SPA navigation (a `rewind.navigation` Custom event whenever the href
//! changes) and the opt-in console, uncaught-error and unhandled-rejection capture
//! (`rrweb/console@1`).

use super::{listen, patch, Listener, Patch};
use crate::record::json::{array, push_str, Obj};
use crate::record::state::{window, Core, State, PLUGIN};
use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::EventTarget;

/// Console payload limits: characters kept per argument, and records per recording (then one
/// final warning, as rrweb's console plugin).
pub const CONSOLE_ARG_CHARS: usize = 1_000;
pub const CONSOLE_MAX_LOGS: u32 = 1_000;

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

/// Console, uncaught errors, unhandled rejections (opt-in).
pub(super) fn attach_console(listeners: &mut Vec<Listener>, patches: &mut Vec<Patch>, core: &Core) {
    let win = window();
    let win_target: &EventTarget = win.as_ref();
    let (capture_console, levels) = {
        let s = core.state.borrow();
        (s.opts.capture_console, s.opts.console_levels.clone())
    };
    if capture_console {
        if let Ok(console) = Reflect::get(win.as_ref(), &JsValue::from_str("console")) {
            for level in levels {
                let c = core.clone();
                let lvl = level.clone();
                if let Some(p) = patch(&console, &level, false, move |_, args| {
                    c.with(|s| {
                        if s.recording {
                            let payload: Vec<String> = args.iter().map(|a| stringify_arg(s, &a)).collect();
                            console_record(s, &lvl, Vec::new(), payload);
                        }
                    });
                }) {
                    patches.push(p);
                }
            }
        }
        listen(listeners, win_target, "error", core, |s, e| {
            let Some(err) = e.dyn_ref::<web_sys::ErrorEvent>() else { return };
            let message = err.message();
            let trace = stack_of(s, &err.error());
            let payload = vec![json_string(&truncate(&s.privacy.redact_console(&message)))];
            console_record(s, "error", trace, payload);
        });
        listen(listeners, win_target, "unhandledrejection", core, |s, e| {
            let Some(ev) = e.dyn_ref::<web_sys::PromiseRejectionEvent>() else { return };
            let reason = ev.reason();
            let trace = stack_of(s, &reason);
            let payload = vec![stringify_arg(s, &reason)];
            console_record(s, "error", trace, payload);
        });
    }
}

fn navigated(s: &mut State) {
    let href = window().location().href().unwrap_or_default();
    if href != s.last_href {
        s.flush_mutations();
        s.push_navigation();
    }
}

fn json_string(s: &str) -> String {
    let mut out = String::new();
    push_str(&mut out, s);
    out
}

fn truncate(s: &str) -> String {
    if s.chars().count() <= CONSOLE_ARG_CHARS {
        return s.to_string();
    }
    let mut t: String = s.chars().take(CONSOLE_ARG_CHARS).collect();
    t.push('…');
    t
}

/// One console argument as rrweb's console plugin writes it: JSON text (strings quoted),
/// redacted and truncated.
fn stringify_arg(s: &State, arg: &JsValue) -> String {
    if let Some(text) = arg.as_string() {
        return json_string(&truncate(&s.privacy.redact_console(&text)));
    }
    if arg.is_undefined() {
        return "undefined".into();
    }
    if let Some(err) = arg.dyn_ref::<js_sys::Error>() {
        let text = format!("{}: {}", String::from(err.name()), String::from(err.message()));
        return json_string(&truncate(&s.privacy.redact_console(&text)));
    }
    let text = js_sys::JSON::stringify(arg)
        .ok()
        .and_then(|t| t.as_string())
        .unwrap_or_else(|| js_sys::JsString::from(arg.clone()).into());
    truncate(&s.privacy.redact_console(&text))
}

fn stack_of(s: &State, error: &JsValue) -> Vec<String> {
    let stack = Reflect::get(error, &JsValue::from_str("stack")).ok().and_then(|v| v.as_string()).unwrap_or_default();
    stack
        .lines()
        .skip(1)
        .map(|l| {
            let mut l = l.trim();
            // `trim_start_matches("at ")`, without str's substring searcher.
            while let Some(rest) = l.strip_prefix("at ") {
                l = rest;
            }
            l.to_string()
        })
        .filter(|l| !l.is_empty())
        .take(20)
        .map(|l| s.privacy.redact_console(&l))
        .collect()
}

fn console_record(s: &mut State, level: &str, trace: Vec<String>, payload: Vec<String>) {
    s.stats.console_logs += 1;
    if s.stats.console_logs > CONSOLE_MAX_LOGS + 1 {
        return;
    }
    let (level, trace, payload) = if s.stats.console_logs == CONSOLE_MAX_LOGS + 1 {
        ("warn", Vec::new(), vec![json_string("The number of log records reached the threshold.")])
    } else {
        (level, trace, payload)
    };
    let trace = array(trace.iter().map(|t| json_string(t)));
    // rrweb's payload is a string[] of stringified arguments: `"\"text\""`, `"42"`.
    let payload = array(payload.iter().map(|p| json_string(p)));
    let inner = Obj::new().str("level", level).raw("trace", &trace).raw("payload", &payload).end();
    s.push(PLUGIN, Obj::new().str("plugin", crate::protocol::CONSOLE_PLUGIN).raw("payload", &inner).end());
}
