//! Navigations: stated ones (a Meta with a new `href`; rewind's `rewind.navigation` Custom
//! event) and the single-page-app route changes a recording does not state.
//!
//! rrweb 2.x emits no event for `history.pushState`, `replaceState` or `popstate`
//! (`fixtures/record/README.md`); the route change shows only as its effects. A route change
//! is inferred, as a `navigate` action with `metadata.inferred = true`, when:
//!
//! - **a link**: a click on (or inside) an `<a href>` to another page of the same origin
//!   (resolved against the current URL; fragment-only jumps, `target` other than `_self`, and
//!   `download` links excluded) is followed within [`NAVIGATION_INFER_MS`] by a change of the
//!   document's `<title>` or a content swap ([`CONTENT_SWAP_MIN_NODES`]); the new page is the
//!   link's URL (`metadata.trigger = "link"`);
//! - **history**: without such a link (a "Back" button calling `history.back()`, the browser's
//!   own Back), one Mutation changes the title *and* swaps content, and the new title is that of
//!   a page visited earlier in the recording; the new page is that page's URL
//!   (`metadata.trigger = "history"`). A title change alone (an unread counter, a timer) is not
//!   a navigation, and a swap to a title never seen has no URL the recording shows, so neither
//!   is inferred.
//!
//! A stated navigation is never counted twice: one stated since the link click cancels the
//! inference, a stated navigation to the URL already inferred confirms that action in place
//! (it loses `inferred`), and history inference waits [`NAVIGATION_INFER_MS`] after any stated
//! one. Every navigation sets the page (`url`) of the actions that follow.

use super::actions::Actions;
use super::describe::truncate_chars;
use super::effects::MutationEffects;
use super::{ActionKind, MAX_CONTEXT_ANCESTORS, MAX_VALUE_CHARS};
use crate::model::CustomData;
use serde_json::{Map, Value};
use std::collections::VecDeque;
use url::Url;

/// Longest time from a link click to the title change or content swap that shows its route
/// change, in ms (inclusive). From the issue that introduced route inference (1 s): SPA
/// routers render synchronously or after one fetch; the fixtures' renders land within 10 ms.
pub const NAVIGATION_INFER_MS: i64 = 1_000;
/// A content swap removes at least this many tracked nodes and adds at least this many (over
/// the Mutations since the link click). rewind's own threshold: a route's view is a subtree of
/// elements and text, while a toast, a validation message or a menu adds a node or two and
/// removes none (the fixtures' smallest route swap removes 13 nodes and adds 9).
pub const CONTENT_SWAP_MIN_NODES: usize = 5;
/// Pages (title and URL) remembered for history inference; the oldest is forgotten first.
pub const MAX_ROUTE_HISTORY: usize = 64;
pub use crate::NAVIGATION_TAG;

impl Routes {
    /// A link click is waiting for its route change (Mutations must count their nodes).
    pub(crate) fn waiting(&self) -> bool {
        self.link.is_some()
    }
}

/// Route-inference state.
#[derive(Debug, Default)]
pub(crate) struct Routes {
    /// A link click waiting for its route change.
    link: Option<LinkClick>,
    /// The last stated navigation, ms.
    stated_at: Option<i64>,
    /// (title, URL) of pages seen, oldest first.
    history: VecDeque<(String, String)>,
}

#[derive(Debug)]
struct LinkClick {
    t: i64,
    url: String,
    added: usize,
    removed: usize,
}

/// How a navigation became known.
enum Source {
    Meta { width: f64, height: f64 },
    Custom,
    Inferred(&'static str),
}

impl Actions {
    /// A Meta event: a navigation when its `href` is new (rrweb also emits a Meta before every
    /// FullSnapshot, periodic checkouts included).
    pub(super) fn navigate(&mut self, t: i64, href: String, width: f64, height: f64) {
        if href.is_empty() {
            return;
        }
        self.go(t, href, String::new(), Source::Meta { width, height });
    }

    /// A `rewind.navigation` Custom event: a stated navigation to its payload's `href`
    /// (resolved against the current URL) titled `title`. Without a usable `href` it stays a
    /// custom action.
    pub(super) fn custom_navigation(&mut self, t: i64, custom: CustomData) {
        #[derive(serde::Deserialize)]
        struct Payload {
            href: String,
            #[serde(default)]
            title: Option<String>,
        }
        let payload = custom.payload.as_ref().and_then(|p| serde_json::from_str::<Payload>(p.get()).ok());
        let resolved = payload.as_ref().and_then(|p| resolve(self.url.as_deref(), &p.href));
        match (payload, resolved) {
            (Some(p), Some(url)) => self.go(t, url, p.title.unwrap_or_default(), Source::Custom),
            _ => {
                let mut metadata = Map::new();
                if let Some(v) = custom.payload.and_then(|p| serde_json::from_str::<Value>(p.get()).ok()) {
                    metadata.insert("payload".into(), v);
                }
                self.add_custom(t, custom.tag, metadata);
            }
        }
    }

    /// A FullSnapshot was loaded: a new document, so a pending link click is moot; its title
    /// names the current page.
    pub(super) fn snapshot_loaded(&mut self) {
        self.routes.link = None;
        let title = self.dom.document_title();
        if let Some(url) = self.url.clone() {
            self.remember(title, url);
        }
    }

    /// A Click on node `id` at `t`: starts waiting for a route change when it is on a link to
    /// another page of this origin.
    pub(super) fn link_clicked(&mut self, t: i64, id: i64) {
        let link = std::iter::successors(Some(id), |&n| self.dom.get(n).and_then(|n| n.parent))
            .take(MAX_CONTEXT_ANCESTORS + 1)
            .find(|&n| self.dom.tag(n) == Some("a") && self.dom.attr(n, "href").is_some());
        let Some(link) = link else { return };
        let opens_elsewhere = self.dom.attr(link, "target").is_some_and(|v| !v.trim().eq_ignore_ascii_case("_self"))
            || self.dom.attr(link, "download").is_some();
        let (Some(current), Some(href)) = (self.url.as_deref(), self.dom.attr(link, "href")) else { return };
        let (Ok(current), Ok(target)) = (Url::parse(current), Url::parse(current).and_then(|c| c.join(href.trim())))
        else {
            return;
        };
        let web = matches!(target.scheme(), "http" | "https");
        if opens_elsewhere || !web || target.origin() != current.origin() || same_page(&current, &target) {
            return;
        }
        self.routes.link = Some(LinkClick { t, url: target.to_string(), added: 0, removed: 0 });
    }

    /// Route inference on what a Mutation did.
    pub(super) fn mutation_seen(&mut self, t: i64, fx: &MutationEffects) {
        if self.routes.link.as_ref().is_some_and(|l| t.saturating_sub(l.t) > NAVIGATION_INFER_MS) {
            self.routes.link = None;
        }
        let title = fx.title.as_ref().map(|(_, after)| after.clone());
        if let Some(mut link) = self.routes.link.take() {
            link.added += fx.added_nodes;
            link.removed += fx.removed_nodes;
            let swapped = link.added >= CONTENT_SWAP_MIN_NODES && link.removed >= CONTENT_SWAP_MIN_NODES;
            if title.is_none() && !swapped {
                self.routes.link = Some(link);
                return;
            }
            if self.routes.stated_at.is_some_and(|s| s >= link.t) {
                return; // stated already
            }
            let title = title.unwrap_or_else(|| self.dom.document_title());
            self.go(t, link.url, title, Source::Inferred("link"));
            return;
        }
        let Some(title) = title else { return };
        let swapped = fx.added_nodes >= CONTENT_SWAP_MIN_NODES && fx.removed_nodes >= CONTENT_SWAP_MIN_NODES;
        let recently_stated = self.routes.stated_at.is_some_and(|s| t.saturating_sub(s) <= NAVIGATION_INFER_MS);
        if !swapped || recently_stated {
            // A plain title update, or the title of the page a navigation just stated: it
            // names the current page.
            if let Some(url) = self.url.clone() {
                self.remember(title, url);
            }
            return;
        }
        let current = self.url.as_deref().unwrap_or("");
        let earlier = self.routes.history.iter().rev().find(|(t, u)| *t == title && !same_url(u, current));
        if let Some((_, url)) = earlier {
            let url = url.clone();
            self.go(t, url, title, Source::Inferred("history"));
        }
    }

    /// Adds a navigation to `url` (unless it is the current page) and makes it the page of
    /// what follows.
    fn go(&mut self, t: i64, url: String, title: String, source: Source) {
        let stated = !matches!(source, Source::Inferred(_));
        if stated {
            self.routes.stated_at = Some(t);
            self.routes.link = None;
        }
        if self.url.as_deref().is_some_and(|current| same_url(current, &url)) {
            if stated {
                self.confirm_inferred(t, &url, &title, &source);
            }
            return;
        }
        self.entry_url.get_or_insert_with(|| url.clone());
        self.url = Some(url.clone());
        let title = truncate_chars(&title.split_whitespace().collect::<Vec<_>>().join(" "), MAX_VALUE_CHARS);
        let mut metadata = Map::new();
        let mut description = format!("Navigated to {url}");
        if !title.is_empty() {
            metadata.insert("title".into(), title.as_str().into());
            description.push_str(&format!(" \"{title}\""));
        }
        match source {
            Source::Meta { width, height } => {
                metadata.insert("width".into(), super::actions::number(width));
                metadata.insert("height".into(), super::actions::number(height));
            }
            Source::Custom => {}
            Source::Inferred(trigger) => {
                metadata.insert("inferred".into(), true.into());
                metadata.insert("trigger".into(), trigger.into());
                description.push_str(" (inferred)");
            }
        }
        self.add_navigation(t, description, metadata);
        self.click_navigated(t, &url, &title);
        if !title.is_empty() {
            self.remember(title, url);
        }
    }

    /// A stated navigation to the page inferred at most [`NAVIGATION_INFER_MS`] before: the
    /// inferred action is this navigation, stated. (A later Meta to the same URL, such as a
    /// periodic checkout, states only that the page has not changed.)
    fn confirm_inferred(&mut self, t: i64, url: &str, title: &str, source: &Source) {
        let Some(nav) = self.list.iter_mut().rev().find(|a| a.action == ActionKind::Navigate) else { return };
        let inferred = nav.metadata.get("inferred") == Some(&Value::Bool(true))
            && t.saturating_sub(nav.t_ms) <= NAVIGATION_INFER_MS;
        if !inferred || !nav.url.as_deref().is_some_and(|u| same_url(u, url)) {
            return;
        }
        nav.metadata.remove("inferred");
        nav.metadata.remove("trigger");
        if let Source::Meta { width, height } = source {
            nav.metadata.insert("width".into(), super::actions::number(*width));
            nav.metadata.insert("height".into(), super::actions::number(*height));
        }
        if nav.metadata.get("title").is_none() && !title.is_empty() {
            nav.metadata.insert("title".into(), title.into());
        }
        if let Some(stripped) = nav.description.strip_suffix(" (inferred)") {
            nav.description = stripped.to_string();
        }
    }

    fn remember(&mut self, title: String, url: String) {
        if title.is_empty() || self.routes.history.back().is_some_and(|(t, u)| *t == title && *u == url) {
            return;
        }
        if self.routes.history.len() >= MAX_ROUTE_HISTORY {
            self.routes.history.pop_front();
        }
        self.routes.history.push_back((title, url));
    }
}

/// `href` resolved against `base` (absolute `href`s need no base).
fn resolve(base: Option<&str>, href: &str) -> Option<String> {
    let href = href.trim();
    let url = match base.and_then(|b| Url::parse(b).ok()) {
        Some(base) => base.join(href).ok()?,
        None => Url::parse(href).ok()?,
    };
    Some(url.to_string())
}

/// Same document: equal but for the fragment.
fn same_page(a: &Url, b: &Url) -> bool {
    let (mut a, mut b) = (a.clone(), b.clone());
    a.set_fragment(None);
    b.set_fragment(None);
    a == b
}

/// Equal URLs, compared parsed when both parse (`http://x` and `http://x/` are one).
fn same_url(a: &str, b: &str) -> bool {
    // Equal text parses equal: only different text needs the parser.
    if a == b {
        return true;
    }
    match (Url::parse(a), Url::parse(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_is_bounded_oldest_first() {
        let mut actions = Actions::default();
        for i in 0..MAX_ROUTE_HISTORY + 6 {
            actions.remember(format!("Page {i}"), format!("https://app.test/{i}"));
        }
        let history = &actions.routes.history;
        assert_eq!(history.len(), MAX_ROUTE_HISTORY);
        assert_eq!(history.front().map(|(t, _)| t.as_str()), Some("Page 6"));
        // The same page twice in a row is remembered once.
        actions.remember("Page 69".into(), "https://app.test/69".into());
        assert_eq!(actions.routes.history.len(), MAX_ROUTE_HISTORY);
    }
}
