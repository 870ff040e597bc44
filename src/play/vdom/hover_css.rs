//! rrweb-snapshot's CSS rewrite for replay (`adaptCssForReplay`, rrweb 2.1.1), in one linear
//! pass over the text instead of a postcss parse.
//!
//! What rrweb does, with postcss and two plugins, to the text of every `<style>` it builds
//! (`_cssText`, `isStyle` text children) and every text a Mutation puts in a `<style>`:
//! - `postcss-hover-classes`: each rule (at any depth) whose selector list has selectors
//!   containing `:hover` gets, per such selector, `",\n"` + that selector with every `:hover`
//!   replaced by `.\:hover` appended to its selector list. The Replayer adds the class `:hover`
//!   to the hovered element and its ancestors, so these twins show the hover styles.
//! - `postcss-custom-selectors`: in every at-rule's parameters, `(max|min)-device-(width|height)`
//!   becomes `$1-$2` (the replay iframe is not the recorded device).
//! - when postcss cannot parse the text it throws and rrweb keeps the text as recorded (with a
//!   `console.warn`). The cases postcss 8 throws on are recognised here: unclosed comment,
//!   string, `url(` or bracket; unclosed block; a `}` with no open block; a statement that is
//!   neither a rule, an at-rule nor a declaration ("Unknown word").
//!
//! Rules inserted later through the CSSOM (StyleSheetRule `adds`) are not rewritten: rrweb
//! 2.1.1's `applyStyleSheetRule` inserts them as recorded.
//!
//! Untouched text is copied as is (postcss keeps each node's raw text), so only the selectors
//! and at-rule parameters that change differ from the recorded text.

/// The largest style text (bytes) rewritten. Larger texts are kept as recorded and counted in
/// [`super::Warnings::hover`]: the rewrite is linear, but its output can double the text and
/// every style element of a checkpoint holds it. 2 MiB is larger than the stylesheets of
/// real sites (hundreds of KB) and bounds one rewrite to a few milliseconds.
pub const MAX_HOVER_CSS: usize = 2 << 20;

/// The outcome of [`adapt_css`].
#[derive(Debug, PartialEq, Eq)]
pub enum Adapted {
    /// Nothing to rewrite: use the text as is.
    Same,
    /// The rewritten text.
    Changed(String),
    /// Over [`MAX_HOVER_CSS`]: kept as recorded.
    TooLong,
    /// postcss would throw: kept as recorded, as rrweb does.
    Unparsable,
}

/// What kind of statement is being read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stmt {
    /// Only whitespace and comments so far.
    Empty,
    /// Starts with `@`.
    AtRule,
    /// Anything else: a rule's selector or a declaration.
    Other,
}

/// Rewrites `css` as rrweb's `adaptCssForReplay` does (see the module doc). Linear in
/// `css.len()`: every byte is looked at a bounded number of times (once by the scan, at most
/// once more when its statement's prelude is rewritten).
pub fn adapt_css(css: &str) -> Adapted {
    if !css.contains(":hover") && !css.contains("-device-") {
        return Adapted::Same;
    }
    if css.len() > MAX_HOVER_CSS {
        return Adapted::TooLong;
    }
    let b = css.as_bytes();
    let n = b.len();
    let mut out = String::new();
    // css[..copied] is already in `out` (only used once something changed).
    let mut copied = 0usize;
    let mut changed = false;
    let mut depth = 0usize; // open blocks
    let mut stmt = Stmt::Empty;
    let mut stmt_start = 0usize; // first byte of the statement's content
    let mut colon = false; // a `:` outside brackets (a declaration, or a pseudo-class)
    let mut custom = false; // a custom property (`--x:`), where `{…}` is part of the value
    let mut brackets: Vec<u8> = Vec::new(); // the closers expected
    let mut i = 0usize;
    // Ends the current statement at byte `end` (exclusive), rewriting its prelude if needed.
    macro_rules! end_statement {
        ($end:expr, $opens_block:expr) => {{
            let end = $end;
            let rewritten = match stmt {
                Stmt::AtRule => rewrite_media(&css[stmt_start..end]),
                Stmt::Other if $opens_block => hover_twins(&css[stmt_start..end]),
                _ => None,
            };
            if let Some(text) = rewritten {
                out.push_str(&css[copied..stmt_start]);
                out.push_str(&text);
                copied = end;
                changed = true;
            }
        }};
    }
    while i < n {
        let c = b[i];
        match c {
            b'/' if b.get(i + 1) == Some(&b'*') => match find(b, i + 2, b"*/") {
                Some(e) => {
                    i = e + 2;
                    continue;
                }
                None => return Adapted::Unparsable, // "Unclosed comment"
            },
            b'"' | b'\'' => {
                if stmt == Stmt::Empty {
                    stmt = Stmt::Other;
                    stmt_start = i;
                }
                let mut k = i + 1;
                loop {
                    match b.get(k) {
                        None => return Adapted::Unparsable, // "Unclosed string"
                        Some(b'\\') => k += 2,
                        Some(&q) if q == c => break,
                        Some(_) => k += 1,
                    }
                }
                i = k + 1;
                continue;
            }
            b'\\' => {
                if stmt == Stmt::Empty {
                    stmt = Stmt::Other;
                    stmt_start = i;
                }
                i += 2;
                continue;
            }
            b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' => {}
            b'(' if i >= 3
                && &b[i - 3..i] == b"url"
                && !matches!(b.get(i + 1), Some(b'"' | b'\'' | b' ' | b'\n' | b'\t' | b'\r' | b'\x0c')) =>
            {
                // postcss reads an unquoted `url(` to its `)` as one token
                let mut k = i + 1;
                loop {
                    match b.get(k) {
                        None => return Adapted::Unparsable, // "Unclosed bracket"
                        Some(b'\\') => k += 2,
                        Some(b')') => break,
                        Some(_) => k += 1,
                    }
                }
                i = k + 1;
                continue;
            }
            _ => {
                // `{`, `;`, `}` starting a statement: an empty rule, a free semicolon, an end
                if stmt == Stmt::Empty && !matches!(c, b'{' | b';' | b'}') {
                    stmt = if c == b'@' { Stmt::AtRule } else { Stmt::Other };
                    stmt_start = i;
                    custom = c == b'-' && b.get(i + 1) == Some(&b'-');
                }
                match c {
                    b'(' => brackets.push(b')'),
                    b'[' => brackets.push(b']'),
                    b'{' if !brackets.is_empty() || (custom && colon) => brackets.push(b'}'),
                    _ if brackets.last() == Some(&c) => {
                        brackets.pop();
                    }
                    _ if !brackets.is_empty() => {}
                    b':' => colon = true,
                    b';' => {
                        if stmt == Stmt::Other && !colon {
                            return Adapted::Unparsable; // "Unknown word"
                        }
                        end_statement!(i, false);
                        stmt = Stmt::Empty;
                    }
                    b'{' => {
                        end_statement!(trim_end(css, stmt_start, i), true);
                        depth += 1;
                        stmt = Stmt::Empty;
                    }
                    b'}' => {
                        if stmt == Stmt::Other && !colon {
                            return Adapted::Unparsable; // "Unknown word"
                        }
                        end_statement!(i, false);
                        if depth == 0 {
                            return Adapted::Unparsable; // "Unexpected }"
                        }
                        depth -= 1;
                        stmt = Stmt::Empty;
                    }
                    _ => {}
                }
                if stmt == Stmt::Empty {
                    colon = false;
                    custom = false;
                    brackets.clear();
                }
            }
        }
        i += 1;
    }
    if stmt != Stmt::Empty {
        if !brackets.is_empty() && stmt == Stmt::Other {
            return Adapted::Unparsable; // "Unclosed bracket"
        }
        if stmt == Stmt::Other && !colon {
            return Adapted::Unparsable; // "Unknown word"
        }
        end_statement!(n, false);
    }
    if depth > 0 {
        return Adapted::Unparsable; // "Unclosed block"
    }
    if !changed {
        return Adapted::Same;
    }
    out.push_str(&css[copied..]);
    Adapted::Changed(out)
}

/// The first index ≥ `from` where `needle` starts.
fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    b.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|p| p + from)
}

/// `end` moved back over ASCII whitespace (not before `start`).
fn trim_end(css: &str, start: usize, mut end: usize) -> usize {
    let b = css.as_bytes();
    while end > start && b[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    end
}

/// A rule's selector with the `.\:hover` twins appended (postcss's `rule.selectors`, then
/// `rule.selector += ",\n" + twin` per selector containing `:hover`), or `None` when it has
/// none. Comments are dropped from a rewritten selector, as postcss does when the selector
/// is set.
fn hover_twins(prelude: &str) -> Option<String> {
    if !prelude.contains(":hover") {
        return None;
    }
    let selector = strip_comments(prelude);
    let selector = selector.trim();
    let mut twins = String::new();
    for s in comma_list(selector) {
        if s.contains(":hover") {
            twins.push_str(",\n");
            twins.push_str(&s.replace(":hover", ".\\:hover"));
        }
    }
    if twins.is_empty() {
        return None;
    }
    Some(format!("{selector}{twins}"))
}

/// `text` without `/* … */` comments (strings kept whole).
fn strip_comments(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    let mut i = 0;
    let mut quote = 0u8;
    while i < b.len() {
        let c = b[i];
        if quote != 0 {
            if c == b'\\' {
                i += 1;
            } else if c == quote {
                quote = 0;
            }
        } else if c == b'"' || c == b'\'' {
            quote = c;
        } else if c == b'\\' {
            i += 1;
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            out.push_str(&text[from..i]);
            i = find(b, i + 2, b"*/").map_or(b.len(), |e| e + 2);
            from = i;
            continue;
        }
        i += 1;
    }
    out.push_str(text.get(from..).unwrap_or(""));
    out
}

/// postcss's `list.comma`: split at commas outside quotes and parentheses, each piece trimmed,
/// empty pieces dropped except the last.
fn comma_list(s: &str) -> Vec<&str> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut func = 0usize;
    let mut quote = 0u8;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'\\' {
            i += 2;
            continue;
        }
        if quote != 0 {
            if c == quote {
                quote = 0;
            }
        } else if c == b'"' || c == b'\'' {
            quote = c;
        } else if c == b'(' {
            func += 1;
        } else if c == b')' {
            func = func.saturating_sub(1);
        } else if func == 0 && c == b',' {
            let piece = s[start..i].trim();
            if !piece.is_empty() {
                out.push(piece);
            }
            start = i + 1;
        }
        i += 1;
    }
    out.push(s.get(start..).unwrap_or("").trim());
    out
}

/// An at-rule prelude with `(max|min)-device-(width|height)` made `$1-$2`, or `None` when it
/// has none.
fn rewrite_media(prelude: &str) -> Option<String> {
    if !prelude.contains("-device-") {
        return None;
    }
    let mut out = String::with_capacity(prelude.len());
    let mut rest = prelude;
    let mut changed = false;
    while let Some(p) = rest.find("-device-") {
        let before = &rest[..p];
        let after = &rest[p + "-device-".len()..];
        let prefix_ok = before.ends_with("max") || before.ends_with("min");
        let suffix = ["width", "height"].into_iter().find(|s| after.starts_with(s));
        match (prefix_ok, suffix) {
            (true, Some(s)) => {
                out.push_str(before);
                out.push('-');
                out.push_str(s);
                rest = &after[s.len()..];
                changed = true;
            }
            _ => {
                out.push_str(&rest[..p + 1]);
                rest = &rest[p + 1..];
            }
        }
    }
    out.push_str(rest);
    changed.then_some(out)
}

/// rrweb-snapshot's `applyCssSplits` with `hackCss`: `splits` (the recorded text cut at
/// `/* rr_split */`, already merged down to the number of text children) become the texts of
/// those children, taken from the rewritten whole. Each boundary is found by searching the
/// rewritten text for the next split's first 30 bytes (down to 3), as rrweb does; when none
/// is found, the boundary is the recorded split's length on. Returns one text per split.
///
/// rrweb searches all the rest of the text, which is quadratic in the number of splits; here
/// the search stops [`split_window`] bytes on. The rewrite at most triples a split (a twin per
/// `:hover` selector), so the true boundary is always inside: the result differs from rrweb's
/// only when the prefix is missing there but occurs further on (a cut rrweb gets wrong too).
pub(super) fn split_adapted(splits: &[String], adapted: &str) -> Vec<String> {
    let mut out = Vec::with_capacity(splits.len());
    let mut start = 0usize;
    for (k, split) in splits.iter().enumerate() {
        if k + 1 == splits.len() {
            out.push(adapted.get(start..).unwrap_or("").to_string());
            break;
        }
        let next = &splits[k + 1];
        let window = floor_boundary(adapted, start.saturating_add(split_window(split.len())));
        let rest = adapted.get(start..window).unwrap_or("");
        let mut end = None;
        let mut len = floor_boundary(next, next.len().min(30));
        while len > 2 {
            if let Some(p) = rest.find(&next[..len]) {
                end = Some(start + p);
                break;
            }
            len = floor_boundary(next, len - 1);
        }
        let end = floor_boundary(adapted, end.unwrap_or(start + split.len()).min(adapted.len()));
        out.push(adapted.get(start..end).unwrap_or("").to_string());
        start = end.max(start);
    }
    out
}

/// How far past a split's start its boundary is searched for: room for the split rewritten
/// (at most 3× its length: `:hover` → `:hover,\n.\:hover`), a margin, and the 30-byte prefix.
fn split_window(len: usize) -> usize {
    len.saturating_mul(4).saturating_add(64 + 30)
}

/// The largest char boundary of `s` at or below `i`.
fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}
