//! URL scrubbing: strip query strings and fragments, which carry tokens, emails, search
//! terms and reset links (Sentry and PostHog both scrub URLs; rewind strips by default), and
//! redact path segments that are PII (emails, tokens). Attribute URLs, the page's own URL,
//! and URLs inside console text and stack traces follow the same rules.

/// One URL resolved against a base: what scrubbing needs to know about it.
#[derive(Debug)]
pub(crate) struct Resolved {
    /// `http:` or `https:`.
    pub http: bool,
    /// The WHATWG origin (`https://host:port`; `null` for opaque origins).
    pub origin: String,
    /// The absolute URL, serialized.
    #[cfg_attr(not(any(all(target_arch = "wasm32", feature = "record"), test)), allow(dead_code))]
    pub href: String,
    /// The absolute URL without query, fragment and `user:password@` credentials.
    pub stripped: String,
    /// Whether it had a query, a fragment or credentials.
    pub dirty: bool,
}

/// Resolves `input` against `base` (absolute only when `base` is `None`) with the `url` crate.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn resolve(input: &str, base: Option<&str>) -> Option<Resolved> {
    use ::url::Url;
    let mut u = match base {
        Some(b) => Url::parse(b).ok()?.join(input).ok()?,
        None => Url::parse(input).ok()?,
    };
    let dirty = u.query().is_some() || u.fragment().is_some() || !u.username().is_empty() || u.password().is_some();
    let http = matches!(u.scheme(), "http" | "https");
    let origin = u.origin().ascii_serialization();
    let href = u.to_string();
    u.set_query(None);
    u.set_fragment(None);
    // Only http(s) stripping is used, and those always have a host, so these cannot fail.
    let _ = u.set_username("");
    let _ = u.set_password(None);
    Some(Resolved { http, origin, href, stripped: u.into(), dirty })
}

/// Resolves `input` against `base` with the page's own WHATWG `URL` parser: the same standard
/// as the `url` crate, without shipping its parser and IDNA tables (~70 KB) in the recorder.
#[cfg(target_arch = "wasm32")]
pub(crate) fn resolve(input: &str, base: Option<&str>) -> Option<Resolved> {
    let u = match base {
        Some(b) => web_sys::Url::new_with_base(input, b).ok()?,
        None => web_sys::Url::new(input).ok()?,
    };
    let dirty = !u.search().is_empty() || !u.hash().is_empty() || !u.username().is_empty() || !u.password().is_empty();
    let http = matches!(u.protocol().as_str(), "http:" | "https:");
    let origin = u.origin();
    let href = u.href();
    u.set_search("");
    u.set_hash("");
    u.set_username("");
    u.set_password("");
    Some(Resolved { http, origin, href, stripped: u.href(), dirty })
}

/// `value` resolved against `base` (rrweb absolutizes `src`/`href` this way); `None` when
/// either does not parse.
#[cfg(all(test, not(all(target_arch = "wasm32", feature = "record"))))]
pub(crate) fn absolutize(value: &str, base: &str) -> Option<String> {
    resolve(value.trim(), Some(base)).map(|r| r.href)
}

/// `value` resolved against `base` (rrweb absolutizes `src`/`href` this way); `None` when
/// either does not parse. One parse and one read: `resolve` also reads and rewrites every
/// other part, a dozen more calls into JS per URL attribute of a snapshot.
#[cfg(all(target_arch = "wasm32", feature = "record"))]
pub(crate) fn absolutize(value: &str, base: &str) -> Option<String> {
    web_sys::Url::new_with_base(value.trim(), base).ok().map(|u| u.href())
}

/// `url` with its query string and fragment removed, textually (for URLs that do not parse).
pub(crate) fn strip_textually(url: &str) -> &str {
    match url.find(['?', '#']) {
        Some(i) => url.get(..i).unwrap_or_default(),
        None => url,
    }
}

/// Which URLs keep their query string and fragment.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Keep<'a> {
    /// None: every http(s) URL is stripped (the page's own Meta href, route changes, network
    /// request URLs).
    Nothing,
    /// Every URL (scrubbing is off: `strip_url_query: false`); paths are still redacted.
    Everything,
    /// URLs of these origins (`https://host[:port]`, compared case-insensitively, a trailing
    /// `/` ignored): [`super::PrivacyOptions::keep_query_origins`].
    Origins(&'a [String]),
}

impl Keep<'_> {
    /// True when URLs of `origin` (a serialized WHATWG origin) keep their query.
    fn keeps(self, origin: &str) -> bool {
        match self {
            Keep::Nothing => false,
            Keep::Everything => true,
            Keep::Origins(list) => list.iter().any(|o| {
                let o = o.trim().as_bytes();
                let o = match o.split_last() {
                    Some((b'/', rest)) => rest,
                    _ => o,
                };
                !o.is_empty() && o.eq_ignore_ascii_case(origin.as_bytes())
            }),
        }
    }
}

/// Strips the query and fragment of `url` (resolved against `page` when relative), and
/// redacts PII path segments ([`redact_path`]).
///
/// - http(s) URLs (absolute, or relative to `page`): returned absolute, without `?…` / `#…`
///   (and without `user:password@` credentials), unless `keep` keeps their origin's query.
///   An absolute URL with nothing to strip keeps its spelling.
/// - Fragment-only references (`#icon`, `#top`, hash routes `#/products/42`): kept (SVG
///   sprites and in-page anchors need them), with PII segments redacted like a path
///   (`#/user/[REDACTED:email]`); a fragment carrying data (`#access_token=…`: anything with
///   `=`, `&` or `?`) becomes `#`.
/// - `javascript:` URLs → `javascript:void(0)` (the code can carry inline data; the replay
///   never runs it).
/// - `data:` URLs: kept for images, fonts, CSS, audio and video (the replay draws them);
///   any other type (`text/html`, `text/plain`, `application/json`…) → `data:,`.
/// - Other schemes (`blob:`, `mailto:`…) and empty values: unchanged.
/// - Unparseable input: cut at the first `?` or `#` (protective), path segments redacted.
///
/// `page` may be an origin (`https://app.example`) or a full page URL (`location.href`,
/// better for path-relative URLs).
pub(crate) fn strip_query(url: &str, page: &str, keep: Keep) -> String {
    let trimmed = url.trim();
    if trimmed.is_empty() {
        return url.to_string();
    }
    if let Some(frag) = trimmed.strip_prefix('#') {
        // A same-document reference (`<use href="#icon">`, `<a href="#top">`): resolving it
        // would break SVG sprites and in-page anchors in the replay.
        if frag.bytes().any(|b| matches!(b, b'=' | b'&' | b'?')) {
            return "#".to_string();
        }
        // A hash route (`#/user/42`): kept, its PII segments redacted.
        let routed = redact_path(frag);
        if routed == frag {
            return url.to_string();
        }
        let mut out = String::from("#");
        out.push_str(&routed);
        return out;
    }
    if let Some(safe) = other_scheme(trimmed) {
        return safe;
    }
    let page = page.trim();
    let base = resolve(page, None);
    let resolved = match &base {
        Some(_) => resolve(trimmed, Some(page)),
        None => resolve(trimmed, None),
    };
    let Some(u) = resolved else {
        return redact_path(strip_textually(url));
    };
    if !u.http {
        return url.to_string();
    }
    if keep.keeps(&u.origin) || (!u.dirty && resolve(trimmed, None).is_some()) {
        // Kept by the app's allow-list, or absolute with nothing to strip: the author's
        // spelling (no normalisation); only the path is checked.
        return redact_path(url);
    }
    redact_path(&u.stripped)
}

/// `data:` MIME types (prefixes) the replay draws and that carry no page data.
const DRAWN_DATA_TYPES: &[&str] =
    &["image/", "font/", "text/css", "application/font", "application/x-font", "audio/", "video/"];

/// The scrubbed form of a `javascript:` or `data:` URL; `None` for other input.
fn other_scheme(url: &str) -> Option<String> {
    // The scheme and MIME type, lower-cased; browsers ignore tabs and newlines inside a
    // scheme (`java\nscript:`), and so does this.
    let mut head = [0u8; 32];
    let mut n = 0;
    for &c in url.as_bytes() {
        if n == head.len() {
            break;
        }
        if !matches!(c, b'\t' | b'\n' | b'\r') {
            head[n] = c.to_ascii_lowercase();
            n += 1;
        }
    }
    let head = &head[..n];
    if head.starts_with(b"javascript:") {
        return Some("javascript:void(0)".to_string());
    }
    if !head.starts_with(b"data:") {
        return None;
    }
    let mime = head.get(5..).unwrap_or_default();
    let drawn = DRAWN_DATA_TYPES.iter().any(|t| mime.starts_with(t.as_bytes()));
    Some(if drawn { url.to_string() } else { "data:,".to_string() })
}

/// The byte offset of the first of `set` in `b` at or after `from`, else `b.len()`.
fn first_of(b: &[u8], from: usize, set: &[u8]) -> usize {
    (from..b.len()).find(|&j| set.contains(&b[j])).unwrap_or(b.len())
}

/// `url` with every PII path segment replaced by its marker: a segment holding an email
/// (`/user/zelda@example.org/profile` → `/user/[REDACTED:email]/profile`, `avatar/a@b.org.png`
/// too), a card, SSN or phone number, a JWT, a hex run of 32+ digits or a random-looking
/// base64 run of 24+ chars (`[REDACTED:token]`), judged on the percent-decoded segment
/// ([`super::redact::path_segment_kind`]). The path is what follows `scheme://authority` (or
/// the whole text for a relative URL) up to `?` or `#`.
pub(crate) fn redact_path(url: &str) -> String {
    let b = url.as_bytes();
    let path_start = match super::find_str(url, "://") {
        Some(i) => first_of(b, i + 3, b"/?#"),
        None => 0,
    };
    let path_end = first_of(b, path_start, b"?#");
    let mut out = String::with_capacity(url.len());
    out.push_str(url.get(..path_start).unwrap_or_default());
    let mut changed = false;
    let mut s = path_start;
    while s <= path_end {
        let e = first_of(&b[..path_end], s, b"/");
        let seg = url.get(s..e).unwrap_or_default();
        match super::redact::path_segment_kind(seg) {
            Some(kind) => {
                out.push_str(kind.marker());
                changed = true;
            }
            None => out.push_str(seg),
        }
        if e < path_end {
            out.push('/');
        }
        s = e + 1;
    }
    if !changed {
        return url.to_string();
    }
    out.push_str(url.get(path_end..).unwrap_or_default());
    out
}

/// [`scrub_text_urls`] for every origin: the query and fragment of each http(s) URL in `text`
/// removed, PII path segments redacted, a stack frame's `:line:column` kept. For a store that
/// knows no page and no allow-list (the collector's server-side redaction).
pub fn strip_text_urls(text: &str) -> String {
    scrub_text_urls(text, Keep::Nothing)
}

/// Scrubs the http(s) URLs inside free text (console messages, stack-trace lines) as
/// attribute URLs are scrubbed: query and fragment removed unless `keep` keeps the origin, PII
/// path segments redacted ([`redact_path`]), and a trailing `:line` or `:line:column` (a
/// stack frame's position) kept: `at f (https://app/spa.html?email=…&s=1:70:13)` →
/// `at f (https://app/spa.html:70:13)`. A URL runs from `http://`/`https://` to whitespace,
/// a quote, `(`, `)`, `<`, `>`, a backtick or `\`. Textual (no parser), so it is the same in
/// every engine.
pub(crate) fn scrub_text_urls(text: &str, keep: Keep) -> String {
    let b = text.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut i = 0;
    while i + 7 < b.len() {
        let rest = &b[i..];
        let scheme = if rest.len() >= 8 && rest[..8].eq_ignore_ascii_case(b"https://") {
            8
        } else if rest[..7].eq_ignore_ascii_case(b"http://") {
            7
        } else {
            i += 1;
            continue;
        };
        let mut end = i + scheme;
        while end < b.len() && !(b[end].is_ascii_whitespace() || b"\"'()<>`\\".contains(&b[end])) {
            end += 1;
        }
        let url = text.get(i..end).unwrap_or_default();
        let u = url.as_bytes();
        let origin = url.get(..first_of(u, scheme, b"/?#")).unwrap_or_default();
        let q = first_of(u, scheme, b"?#");
        let scrubbed = if q < u.len() && !keep.keeps(origin) {
            let mut s = redact_path(url.get(..q).unwrap_or_default());
            s.push_str(position_suffix(url.get(q..).unwrap_or_default()));
            s
        } else {
            redact_path(url)
        };
        if scrubbed != url {
            out.push_str(text.get(copied..i).unwrap_or_default());
            out.push_str(&scrubbed);
            copied = end;
        }
        i = end;
    }
    if copied == 0 {
        return text.to_string();
    }
    out.push_str(text.get(copied..).unwrap_or_default());
    out
}

/// The `:line` or `:line:column` at the end of `s` (a stack frame's position), or `""`.
fn position_suffix(s: &str) -> &str {
    let b = s.as_bytes();
    let mut start = b.len();
    for _ in 0..2 {
        let mut j = start;
        while j > 0 && b[j - 1].is_ascii_digit() {
            j -= 1;
        }
        if j == start || j == 0 || b[j - 1] != b':' {
            break;
        }
        start = j - 1;
    }
    s.get(start..).unwrap_or_default()
}

/// Applies `f` to each `url(…)` of CSS text (a `style` attribute, a sheet's text or rules),
/// quoted or not, keeping the quotes; everything else is unchanged. CSS inside JSON text (the
/// recorder's style events, `url(\"…\")`) works too: a value ends at a `\`, so an escape is
/// never split (a URL spelled with a CSS escape is only handled up to it).
pub(crate) fn map_css_urls(css: &str, mut f: impl FnMut(&str) -> String) -> String {
    let b = css.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut i = 0;
    while i + 4 <= b.len() {
        if !b[i..i + 4].eq_ignore_ascii_case(b"url(") {
            i += 1;
            continue;
        }
        let mut s = i + 4;
        while s < b.len() && b[s].is_ascii_whitespace() {
            s += 1;
        }
        // JSON text: `url(\"…\")`.
        s += usize::from(b.get(s) == Some(&b'\\'));
        let quote = b.get(s).copied().filter(|c| *c == b'"' || *c == b'\'');
        let vs = s + usize::from(quote.is_some());
        let mut ve = vs;
        while ve < b.len()
            && Some(b[ve]) != quote
            && b[ve] != b'\\'
            && !(quote.is_none() && (b[ve] == b')' || b[ve].is_ascii_whitespace()))
        {
            ve += 1;
        }
        out.push_str(css.get(copied..vs).unwrap_or_default());
        out.push_str(&f(css.get(vs..ve).unwrap_or_default()));
        copied = ve;
        i = ve.max(i + 1);
    }
    if copied == 0 {
        return css.to_string();
    }
    out.push_str(css.get(copied..).unwrap_or_default());
    out
}

/// Applies `f` to each URL of a `srcset` value (`"a.png 1x, b.png 2x"`), keeping the
/// descriptors; follows the HTML srcset parsing steps (URLs may contain commas, e.g. `data:`).
pub(crate) fn map_srcset(srcset: &str, mut f: impl FnMut(&str) -> String) -> String {
    let s = srcset;
    let bytes = s.as_bytes();
    let mut i = 0;
    // Candidates joined with ", " as they come (no `[String]::join`: less code in the wasm).
    let mut out = String::new();
    let mut first = true;
    while i < bytes.len() {
        // Skip whitespace and commas.
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b',') {
            i += 1;
        }
        if i >= bytes.len() {
            break;
        }
        let start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut url = s.get(start..i).unwrap_or_default();
        let mut descriptor = "";
        if url.ends_with(',') {
            url = url.trim_end_matches(',');
        } else {
            // Descriptors run to the next comma.
            let dstart = i;
            while i < bytes.len() && bytes[i] != b',' {
                i += 1;
            }
            descriptor = s.get(dstart..i).unwrap_or_default().trim();
        }
        if !first {
            out.push_str(", ");
        }
        first = false;
        out.push_str(&f(url));
        if !descriptor.is_empty() {
            out.push(' ');
            out.push_str(descriptor);
        }
    }
    out
}
