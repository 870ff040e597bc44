//! URL scrubbing: strip query strings and fragments, which carry tokens, emails, search
//! terms and reset links (Sentry and PostHog both scrub URLs; rewind strips by default).

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

/// Strips the query and fragment of `url` (resolved against `page` when relative).
///
/// - http(s) URLs (absolute, or relative to `page`): returned absolute, without `?…` / `#…`
///   (and without `user:password@` credentials).
/// - Other schemes (`data:`, `blob:`, `mailto:`, `javascript:`…), empty values and
///   fragment-only references (`#icon`): unchanged.
/// - Unparseable input: cut at the first `?` or `#` (protective).
///
/// `page` may be an origin (`https://app.example`) or a full page URL (`location.href`,
/// better for path-relative URLs).
///
/// `same_origin_only`: leave http(s) URLs of another origin unchanged (attributes); `false`
/// strips every http(s) URL (the page's own Meta href, network request URLs).
pub(crate) fn strip_query(url: &str, page: &str, same_origin_only: bool) -> String {
    let trimmed = url.trim();
    if trimmed.is_empty() || trimmed.starts_with('#') {
        // Empty, or a same-document reference (`<use href="#icon">`, `<a href="#top">`): kept,
        // since resolving it would break SVG sprites and in-page anchors in the replay.
        return url.to_string();
    }
    let page = page.trim();
    let base = resolve(page, None);
    let resolved = match &base {
        Some(_) => resolve(trimmed, Some(page)),
        None => resolve(trimmed, None),
    };
    let Some(u) = resolved else {
        return strip_textually(url).to_string();
    };
    if !u.http {
        return url.to_string();
    }
    if same_origin_only {
        match &base {
            Some(b) if b.origin == u.origin => {}
            _ => return url.to_string(),
        }
    }
    if !u.dirty && resolve(trimmed, None).is_some() {
        // Absolute with nothing to strip: keep the author's spelling (no normalisation).
        return url.to_string();
    }
    u.stripped
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
