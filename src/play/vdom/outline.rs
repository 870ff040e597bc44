//! The page as a compact text outline: what a user saw at a moment, for readers without pixels
//! (an agent through the collector's MCP server, a screen-reader-like view in the viewer).
//!
//! One line per thing a person would notice or act on, in document order: the title and scroll
//! position, headings (`## Checkout`), links (`link "Help" -> /help`), buttons
//! (`button "Pay now" (disabled)`), form fields with their values masked
//! (`input type=email "Email" value=[masked, 16 chars]`, `checkbox "Terms" [x]`), alerts
//! (`alert "Card declined"`), images with alt text, runs of text, and containers that give
//! those structure (`dialog "Confirm":`, `form:`, `nav:`, `main:`), whose contents are indented
//! two spaces per level.
//!
//! Privacy: input values are never shown, only whether a field is filled and how long its
//! value is; every other text (labels, headings, link targets, text runs) goes through
//! [`PrivacyOptions::redact`] (emails, card numbers, phones, SSNs, tokens → `[REDACTED:kind]`),
//! and link targets lose their query string and fragment. Hidden content (`hidden`,
//! `aria-hidden="true"`, an inline `display: none`, a closed `<dialog>`, `<head>`, scripts,
//! styles, templates) is left out.
//!
//! Bounded: at most [`MAX_OUTLINE_LINES`] lines of at most [`MAX_LINE_CHARS`] characters each
//! ([`Outline::truncated`] says when lines were left out), and names are read from at most
//! [`MAX_NAME_NODES`] descendant nodes. The walk is a loop, never recursion (see the module docs of
//! `vdom`).

use super::{Element, NodeData, VDom, NONE};
use crate::privacy::PrivacyOptions;
use std::collections::HashMap;

/// Most lines in an outline. A page past it is cut (with [`Outline::truncated`] set): 2,000
/// lines is ~100 KB of text, more than any reader takes in at once; callers page through it.
pub const MAX_OUTLINE_LINES: usize = 2_000;

/// Longest line, in characters (before the indentation); longer text is cut with `…`.
pub const MAX_LINE_CHARS: usize = 200;

/// Most descendant nodes read for one element's name (a link or button wrapping a whole card
/// of content reads only its first nodes).
pub const MAX_NAME_NODES: usize = 64;

/// Levels above a field searched for the `<label>` around it: 4 (a label wrapping a field in a
/// span or two).
const MAX_LABEL_DEPTH: usize = 4;

/// A page as outline lines ([`VDom::outline`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outline {
    /// The lines, in document order, each indented two spaces per enclosing container.
    pub lines: Vec<String>,
    /// True when the page had more than [`MAX_OUTLINE_LINES`] lines.
    pub truncated: bool,
}

impl Outline {
    /// The lines joined with `\n`, each ending in one.
    pub fn text(&self) -> String {
        let mut out = String::with_capacity(self.lines.iter().map(|l| l.len() + 1).sum());
        for line in &self.lines {
            out.push_str(line);
            out.push('\n');
        }
        out
    }
}

/// Elements whose subtree is never shown.
const SKIPPED: &[&str] = &["head", "script", "noscript", "style", "template", "link", "meta", "title", "svg"];

/// Containers shown as a `name:` line with their contents indented.
const LANDMARKS: &[&str] = &["nav", "main", "header", "footer", "aside", "form"];

/// Elements whose whole text is one line when they hold no control (a paragraph with a bold word
/// is one line, not three).
const TEXT_BLOCKS: &[&str] =
    &["p", "li", "td", "th", "dt", "dd", "label", "figcaption", "blockquote", "pre", "legend", "caption", "summary"];

/// Controls: they get lines of their own, so a text block holding one is walked into.
const CONTROLS: &[&str] = &["a", "button", "input", "select", "textarea"];

/// What one element becomes.
enum Shape {
    /// Left out with its subtree.
    Hidden,
    /// One line; the subtree is not walked.
    Line(String),
    /// A line, then the subtree one level deeper.
    Container(String),
    /// No line; the subtree is walked at the same depth.
    Transparent,
}

impl VDom {
    /// The top document as an outline (see the module docs), text redacted with `privacy`'s
    /// rules. Empty before the first FullSnapshot.
    pub fn outline(&self, privacy: &PrivacyOptions) -> Outline {
        let mut out = Outline::default();
        if self.document == NONE {
            return out;
        }
        let title = self.find_title().map(|t| privacy.redact(&t));
        let (x, y) = self.document_scroll();
        let mut head = String::from("page");
        if let Some(title) = title.filter(|t| !t.is_empty()) {
            head.push_str(&format!(" {}", quote(&title)));
        }
        head.push_str(&format!(" (scrolled to x={} y={})", x.round(), y.round()));
        out.lines.push(head);
        let labels = self.labels_by_id();
        // (slot, depth)
        let mut stack: Vec<(u32, usize)> = vec![(self.document, 0)];
        while let Some((slot, depth)) = stack.pop() {
            let node = self.node(slot);
            let descend = match &node.data {
                NodeData::Document { .. } | NodeData::ShadowRoot => Some(depth),
                NodeData::Element(e) => match self.shape(slot, e, &labels, privacy) {
                    Shape::Hidden => None,
                    Shape::Line(line) => {
                        push_line(&mut out, depth, line);
                        None
                    }
                    Shape::Container(line) => {
                        push_line(&mut out, depth, line);
                        Some(depth + 1)
                    }
                    Shape::Transparent => Some(depth),
                },
                NodeData::Text(t) => {
                    let text = collapse(t);
                    // Text of a `<label>` around a field is on the field's line.
                    let in_label = self.element(node.parent).is_some_and(|p| p.tag == "label");
                    if !text.is_empty() && !in_label {
                        push_line(&mut out, depth, format!("text {}", quote(&privacy.redact(&text))));
                    }
                    None
                }
                _ => None,
            };
            if out.truncated {
                break;
            }
            let Some(child_depth) = descend else { continue };
            let before = stack.len();
            if let NodeData::Element(e) = &node.data {
                if e.shadow_root != NONE {
                    stack.push((e.shadow_root, child_depth));
                }
            }
            for c in self.children(slot) {
                stack.push((c, child_depth));
            }
            stack[before..].reverse();
        }
        out
    }

    /// How `e` (in `slot`) shows in the outline.
    fn shape(&self, slot: u32, e: &Element, labels: &HashMap<String, String>, privacy: &PrivacyOptions) -> Shape {
        let tag = e.tag.as_str();
        if e.svg && tag != "svg" {
            return Shape::Hidden; // drawn, not read (an <svg> itself is in SKIPPED)
        }
        if SKIPPED.contains(&tag) || is_hidden(e) {
            return Shape::Hidden;
        }
        let role = e.attr("role").map(|r| r.trim().to_ascii_lowercase()).unwrap_or_default();
        let name = |this: &Self| privacy.redact(&this.name_of(slot, e));
        if tag == "dialog" || role == "dialog" || role == "alertdialog" || e.attr("aria-modal") == Some("true") {
            let label = e.attr("aria-label").map(collapse).unwrap_or_default();
            let label = if label.is_empty() { String::new() } else { format!(" {}", quote(&privacy.redact(&label))) };
            return Shape::Container(format!("dialog{label}:"));
        }
        if role == "alert" || role == "status" || matches!(e.attr("aria-live"), Some("assertive" | "polite")) {
            let text = name(self);
            return if text.is_empty() { Shape::Transparent } else { Shape::Line(format!("alert {}", quote(&text))) };
        }
        if let Some(level) = heading_level(tag, &role, e) {
            let text = name(self);
            return if text.is_empty() {
                Shape::Transparent
            } else {
                Shape::Line(format!("{} {}", "#".repeat(level), text))
            };
        }
        let input_type = e.attr("type").map(|t| t.trim().to_ascii_lowercase()).unwrap_or_default();
        let is_button = tag == "button"
            || role == "button"
            || (tag == "input" && matches!(input_type.as_str(), "button" | "submit" | "reset" | "image"));
        if is_button {
            let mut label = name(self);
            if label.is_empty() && tag == "input" {
                label = e.attr("value").map(|v| privacy.redact(&collapse(v))).unwrap_or_default();
            }
            let disabled = if e.attr("disabled").is_some() || e.attr("aria-disabled") == Some("true") {
                " (disabled)"
            } else {
                ""
            };
            return Shape::Line(format!("button {}{disabled}", quote(&label)));
        }
        if tag == "a" || role == "link" {
            let label = name(self);
            let href = e.attr("href").map(|h| privacy.redact(&strip_query(h))).unwrap_or_default();
            let target = if href.is_empty() { String::new() } else { format!(" -> {href}") };
            return Shape::Line(format!("link {}{target}", quote(&label)));
        }
        if matches!(tag, "input" | "textarea" | "select") {
            return Shape::Line(self.field_line(slot, e, tag, &input_type, labels, privacy));
        }
        if tag == "img" {
            let alt = e.attr("alt").map(collapse).unwrap_or_default();
            return if alt.is_empty() {
                Shape::Hidden
            } else {
                Shape::Line(format!("image {}", quote(&privacy.redact(&alt))))
            };
        }
        if LANDMARKS.contains(&tag) {
            let label = e.attr("aria-label").map(collapse).unwrap_or_default();
            let label = if label.is_empty() { String::new() } else { format!(" {}", quote(&privacy.redact(&label))) };
            return Shape::Container(format!("{tag}{label}:"));
        }
        if tag == "label" && e.attr("for").is_some_and(|f| labels.contains_key(f)) {
            return Shape::Hidden; // on the line of the field it names
        }
        if TEXT_BLOCKS.contains(&tag) && !self.has_control(slot) {
            let text = name(self);
            return if text.is_empty() { Shape::Hidden } else { Shape::Line(format!("text {}", quote(&text))) };
        }
        Shape::Transparent
    }

    /// A form field's line: kind, label, and its value masked (`value=[masked, N chars]`,
    /// `(empty)`), or its checked state for checkboxes and radios.
    fn field_line(
        &self,
        slot: u32,
        e: &Element,
        tag: &str,
        input_type: &str,
        labels: &HashMap<String, String>,
        privacy: &PrivacyOptions,
    ) -> String {
        // The field's label as a person reads it: `aria-label`, a `<label for=id>`, the
        // `<label>` around it; else what the page gives (placeholder, title, name, id).
        let label = e
            .attr("aria-label")
            .map(collapse)
            .filter(|l| !l.is_empty())
            .or_else(|| e.attr("id").and_then(|id| labels.get(id)).cloned())
            .or_else(|| self.enclosing_label(slot))
            .or_else(|| {
                ["placeholder", "title", "name", "id"]
                    .iter()
                    .filter_map(|a| e.attr(a))
                    .map(collapse)
                    .find(|l| !l.is_empty())
            })
            .map(|l| format!(" {}", quote(&privacy.redact(&l))))
            .unwrap_or_default();
        let disabled = if e.attr("disabled").is_some() { " (disabled)" } else { "" };
        if tag == "input" && matches!(input_type, "checkbox" | "radio") {
            let checked = e.checked.unwrap_or_else(|| e.attr("checked").is_some());
            let mark = if checked { "[x]" } else { "[ ]" };
            return format!("{input_type}{label} {mark}{disabled}");
        }
        let kind = match tag {
            "input" if !input_type.is_empty() => format!("input type={input_type}"),
            other => other.to_string(),
        };
        let value = e.value.as_deref().or_else(|| e.attr("value")).unwrap_or("");
        let value = match value.chars().count() {
            0 => "(empty)".to_string(),
            n => format!("value=[masked, {n} char{}]", if n == 1 { "" } else { "s" }),
        };
        format!("{kind}{label} {value}{disabled}")
    }

    /// The accessible name, roughly: `aria-label`, else the collapsed text of the subtree
    /// (and `alt` of images in it), else `title`; at most [`MAX_LINE_CHARS`] characters from at
    /// most [`MAX_NAME_NODES`] nodes.
    fn name_of(&self, slot: u32, e: &Element) -> String {
        if let Some(label) = e.attr("aria-label").map(collapse).filter(|l| !l.is_empty()) {
            return label;
        }
        let mut text = String::new();
        let mut stack: Vec<u32> = self.children(slot).collect();
        stack.reverse();
        let mut seen = 0;
        while let Some(s) = stack.pop() {
            seen += 1;
            if seen > MAX_NAME_NODES || text.chars().count() > MAX_LINE_CHARS {
                break;
            }
            match &self.node(s).data {
                NodeData::Text(t) => {
                    text.push(' ');
                    text.push_str(t);
                }
                NodeData::Element(child) => {
                    if SKIPPED.contains(&child.tag.as_str()) || is_hidden(child) {
                        continue;
                    }
                    if child.tag == "img" {
                        if let Some(alt) = child.attr("alt") {
                            text.push(' ');
                            text.push_str(alt);
                        }
                    }
                    let before = stack.len();
                    stack.extend(self.children(s));
                    stack[before..].reverse();
                }
                _ => {}
            }
        }
        let text = collapse(&text);
        if text.is_empty() {
            return e.attr("title").map(collapse).unwrap_or_default();
        }
        text
    }

    /// True when a control ([`CONTROLS`]) is among the first [`MAX_NAME_NODES`] descendants of
    /// `slot`.
    fn has_control(&self, slot: u32) -> bool {
        let mut stack: Vec<u32> = self.children(slot).collect();
        let mut seen = 0;
        while let Some(s) = stack.pop() {
            seen += 1;
            if seen > MAX_NAME_NODES {
                return true; // too much to call one line of text: walk into it
            }
            if let NodeData::Element(e) = &self.node(s).data {
                if CONTROLS.contains(&e.tag.as_str()) || e.attr("role") == Some("button") {
                    return true;
                }
                stack.extend(self.children(s));
            }
        }
        false
    }

    /// `<label for=ID>` texts by `ID`, from the first [`MAX_OUTLINE_LINES`] labels of the page.
    fn labels_by_id(&self) -> HashMap<String, String> {
        let mut out = HashMap::new();
        let mut stack = vec![self.document];
        while let Some(s) = stack.pop() {
            if let NodeData::Element(e) = &self.node(s).data {
                if e.tag == "label" {
                    if let Some(id) = e.attr("for").filter(|f| !f.is_empty()) {
                        if out.len() >= MAX_OUTLINE_LINES {
                            break;
                        }
                        let text = self.name_of(s, e);
                        if !text.is_empty() {
                            out.entry(id.to_string()).or_insert(text);
                        }
                    }
                    continue; // a label holds no other label
                }
                if e.shadow_root != NONE {
                    stack.push(e.shadow_root);
                }
            }
            stack.extend(self.children(s));
        }
        out
    }

    /// The text of the `<label>` element around `slot` (its own text, without the field's), if
    /// there is one within a few levels.
    fn enclosing_label(&self, slot: u32) -> Option<String> {
        let mut s = self.node(slot).parent;
        for _ in 0..MAX_LABEL_DEPTH {
            if s == NONE {
                return None;
            }
            if let Some(e) = self.element(s).filter(|e| e.tag == "label") {
                return Some(self.name_of(s, e)).filter(|t| !t.is_empty());
            }
            s = self.node(s).parent;
        }
        None
    }

    /// The text of the top document's first `<title>`.
    fn find_title(&self) -> Option<String> {
        let html = self.document_element(self.document)?;
        let head = self.children(html).find(|&c| self.element(c).is_some_and(|e| e.tag == "head"))?;
        let title = self.children(head).find(|&c| self.element(c).is_some_and(|e| e.tag == "title"))?;
        let text: String = self
            .children(title)
            .filter_map(|c| match &self.node(c).data {
                NodeData::Text(t) => Some(t.as_str()),
                _ => None,
            })
            .collect();
        Some(collapse(&text))
    }
}

/// `h1`…`h6`, or `role="heading"` with `aria-level` (level 2 when it has none, as ARIA says).
fn heading_level(tag: &str, role: &str, e: &Element) -> Option<usize> {
    if let Some(level) = tag.strip_prefix('h').and_then(|l| l.parse::<usize>().ok()).filter(|l| (1..=6).contains(l)) {
        return Some(level);
    }
    (role == "heading").then(|| e.attr("aria-level").and_then(|l| l.trim().parse().ok()).unwrap_or(2).clamp(1, 6))
}

/// Hidden by the page itself: `hidden`, `aria-hidden="true"`, an inline `display: none` or
/// `visibility: hidden`, a closed `<dialog>`, an `<input type=hidden>`.
fn is_hidden(e: &Element) -> bool {
    if e.attr("hidden").is_some() || e.attr("aria-hidden") == Some("true") {
        return true;
    }
    if e.tag == "dialog" && e.attr("open").is_none() {
        return true;
    }
    if e.tag == "input" && e.attr("type").is_some_and(|t| t.trim().eq_ignore_ascii_case("hidden")) {
        return true;
    }
    e.attr("style").is_some_and(|s| {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
        s.contains("display:none") || s.contains("visibility:hidden")
    })
}

/// Whitespace runs as one space, trimmed.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A URL without its query string and fragment (they carry ids, emails and tokens).
fn strip_query(url: &str) -> String {
    url.trim().split(['?', '#']).next().unwrap_or("").to_string()
}

/// `text` in double quotes, inner quotes escaped, cut at [`MAX_LINE_CHARS`] with `…`.
fn quote(text: &str) -> String {
    let cut: String = text.chars().take(MAX_LINE_CHARS).collect();
    let more = if cut.len() < text.len() { "…" } else { "" };
    format!("\"{}{more}\"", cut.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Appends a line at `depth` (cut at [`MAX_LINE_CHARS`] plus room for the kind word), or sets
/// `truncated` once [`MAX_OUTLINE_LINES`] are there.
fn push_line(out: &mut Outline, depth: usize, line: String) {
    if out.lines.len() >= MAX_OUTLINE_LINES {
        out.truncated = true;
        return;
    }
    let limit = MAX_LINE_CHARS + 40;
    let line = if line.chars().count() > limit { line.chars().take(limit).collect::<String>() + "…" } else { line };
    out.lines.push(format!("{}{line}", "  ".repeat(depth)));
}

#[cfg(test)]
mod tests {
    use super::super::tests::{el, events, page, text};
    use super::*;

    fn outline_of(json: &str) -> Outline {
        let mut dom = VDom::new();
        for e in events(&format!("[{json}]")) {
            dom.apply(&e);
        }
        dom.outline(&PrivacyOptions::default())
    }

    #[test]
    fn shows_what_a_user_reads_and_acts_on() {
        let body = [
            el(10, "h1", "", &text(11, "Checkout")),
            el(
                12,
                "nav",
                r#""aria-label":"Main""#,
                &el(13, "a", r#""href":"/help?email=a@b.org#x""#, &text(14, "Help")),
            ),
            el(
                20,
                "form",
                "",
                &[
                    el(26, "label", r#""for":"em""#, &text(27, "Email address")),
                    el(21, "input", r#""id":"em","type":"email","placeholder":"Email","value":"jane@example.com""#, ""),
                    el(
                        28,
                        "label",
                        "",
                        &[
                            el(22, "input", r#""type":"checkbox","name":"terms","checked":"""#, ""),
                            text(29, " I agree"),
                        ]
                        .join(","),
                    ),
                    el(23, "button", r#""disabled":"""#, &text(24, "Pay  now")),
                    el(25, "textarea", r#""name":"note""#, ""),
                ]
                .join(","),
            ),
            el(30, "div", r#""role":"alert""#, &text(31, "Card declined for jane@example.com")),
            el(32, "p", "", &[text(33, "Total "), el(34, "b", "", &text(35, "$10"))].join(",")),
            el(36, "script", "", &text(37, "var secret = 1")),
            el(38, "div", r#""hidden":"""#, &text(39, "invisible")),
            el(40, "img", r#""alt":"Logo""#, ""),
        ]
        .join(",");
        let outline = outline_of(&page(&body));
        assert_eq!(
            outline.lines,
            [
                "page (scrolled to x=0 y=0)",
                "# Checkout",
                "nav \"Main\":",
                "  link \"Help\" -> /help",
                "form:",
                "  input type=email \"Email address\" value=[masked, 16 chars]",
                "  checkbox \"I agree\" [x]",
                "  button \"Pay now\" (disabled)",
                "  textarea \"note\" (empty)",
                "alert \"Card declined for [REDACTED:email]\"",
                "text \"Total $10\"",
                "image \"Logo\"",
            ]
        );
        assert!(!outline.truncated);
        assert!(!outline.text().contains("jane@"));
    }

    #[test]
    fn open_dialogs_nest_and_closed_ones_are_left_out() {
        let body = [
            el(10, "dialog", r#""open":"","aria-label":"Confirm""#, &el(11, "button", "", &text(12, "OK"))),
            el(13, "dialog", "", &el(14, "button", "", &text(15, "Hidden"))),
        ]
        .join(",");
        assert_eq!(outline_of(&page(&body)).lines[1..], ["dialog \"Confirm\":", "  button \"OK\""]);
    }

    #[test]
    fn typed_values_and_scroll_come_from_the_events() {
        let body = el(10, "input", r#""type":"text","aria-label":"Name""#, "");
        let json = format!(
            r#"{},{{"type":3,"data":{{"source":5,"id":10,"text":"4111 1111 1111 1111","isChecked":false}},"timestamp":1100}},
            {{"type":3,"data":{{"source":3,"id":1,"x":0,"y":340}},"timestamp":1200}}"#,
            page(&body)
        );
        let outline = outline_of(&json);
        assert_eq!(
            outline.lines,
            ["page (scrolled to x=0 y=340)", "input type=text \"Name\" value=[masked, 19 chars]"]
        );
        assert!(!outline.text().contains("4111"));
    }

    #[test]
    fn a_huge_page_is_cut_at_the_line_cap() {
        let body: Vec<String> =
            (0..MAX_OUTLINE_LINES as i64 + 10).map(|i| el(100 + 2 * i, "h2", "", &text(101 + 2 * i, "x"))).collect();
        let outline = outline_of(&page(&body.join(",")));
        assert_eq!(outline.lines.len(), MAX_OUTLINE_LINES);
        assert!(outline.truncated);
    }

    #[test]
    fn long_text_is_cut_and_an_empty_dom_has_no_outline() {
        let long = "word ".repeat(100);
        let outline = outline_of(&page(&el(10, "h2", "", &text(11, &long))));
        assert!(outline.lines[1].chars().count() <= MAX_LINE_CHARS + 45, "{}", outline.lines[1]);
        assert!(outline.lines[1].ends_with('…'));
        assert_eq!(VDom::new().outline(&PrivacyOptions::default()), Outline::default());
    }
}
