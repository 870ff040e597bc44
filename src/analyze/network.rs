//! Failed network requests, read from rrweb's network plugin (`rrweb/network@*`): each
//! becomes a `network_error` action (`Request POST /api/pay failed: 402`).
//!
//! The payload is `{requests: NetworkRequest[], isInitial?}` as written by
//! `@rrweb/rrweb-plugin-network-record`, by PostHog's recorder (the same plugin name, with
//! extra `PerformanceEntry` fields) and by rewind's own recorder (`privacy::network`). A request
//! failed when its `status` is 4xx or 5xx, or 0 on a request that has a `method`: fetch and XHR
//! wrappers write the method, and 0 then means no response (network error, CORS refusal).
//! Requests without a method come from `PerformanceObserver` entries, where 0 is what the
//! browser reports for any cross-origin response without `Timing-Allow-Origin`, so it proves
//! nothing. Requests the page aborted (`aborted: true`) are not failures.

use super::actions::{ActionKind, Actions};
use super::describe::truncate_chars;
use crate::model::PluginData;
use serde::Deserialize;
use serde_json::{Map, Value};

/// Longest URL shown in a `network_error` description, in characters.
pub const MAX_URL_CHARS: usize = 120;

#[derive(Deserialize)]
struct Payload {
    #[serde(default)]
    requests: Vec<Request>,
}

/// The fields read; the rest (headers, bodies, timings) are skipped unparsed. Lenient: a
/// field of an unexpected type reads as absent.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Request {
    name: Value,
    method: Value,
    status: Value,
    initiator_type: Value,
    duration: Value,
    aborted: Value,
}

/// True for the network plugin at any version.
pub(super) fn is_network(plugin: &PluginData) -> bool {
    plugin.plugin.starts_with("rrweb/network@")
}

/// Adds a `network_error` action at `t` (the event's time) for each failed request of the
/// plugin event; a payload of another shape adds nothing.
pub(super) fn push(actions: &mut Actions, t: i64, plugin: &PluginData) {
    let Some(payload) = plugin.payload.as_ref().and_then(|p| serde_json::from_str::<Payload>(p.get()).ok()) else {
        return;
    };
    for r in payload.requests {
        let method = r.method.as_str().map(|m| m.trim().to_ascii_uppercase()).filter(|m| !m.is_empty());
        let Some(status) = r.status.as_f64() else { continue };
        let failed = status >= 400.0 || (status == 0.0 && method.is_some());
        if !failed || r.aborted.as_bool() == Some(true) {
            continue;
        }
        let url = r.name.as_str().unwrap_or_default();
        let shown = truncate_chars(&display_url(url, actions.url.as_deref()), MAX_URL_CHARS);
        let what = if status == 0.0 { "network error".to_string() } else { format!("{}", status as i64) };
        let target = match &method {
            Some(m) => format!("{m} {shown}"),
            None => shown,
        };
        let message = format!("{target} failed: {what}");
        let description = format!("Request {message}");
        let mut metadata = Map::new();
        metadata.insert("url".into(), url.into());
        metadata.insert("status".into(), (status as i64).into());
        if let Some(m) = method {
            metadata.insert("method".into(), m.into());
        }
        if let Some(i) = r.initiator_type.as_str() {
            metadata.insert("initiator_type".into(), i.into());
        }
        if let Some(d) = r.duration.as_f64().filter(|d| d.is_finite() && *d >= 0.0) {
            metadata.insert("duration_ms".into(), (d.round() as i64).into());
        }
        metadata.insert("message".into(), message.into());
        actions.add(t, ActionKind::NetworkError, None, description, metadata);
    }
}

/// `url` as read on `page`: its path (and query) when on the page's origin, else whole.
fn display_url(url: &str, page: Option<&str>) -> String {
    let (Ok(u), Some(p)) = (url::Url::parse(url), page.and_then(|p| url::Url::parse(p).ok())) else {
        return url.to_string();
    };
    if u.origin() != p.origin() {
        return url.to_string();
    }
    match u.query() {
        Some(q) => format!("{}?{q}", u.path()),
        None => u.path().to_string(),
    }
}
