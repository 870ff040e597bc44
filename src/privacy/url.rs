//! URL scrubbing: strip query strings and fragments, which carry tokens, emails, search
//! terms and reset links (Sentry and PostHog both scrub URLs; rewind strips by default).

use ::url::Url;

/// The base a URL is resolved against: `page` may be an origin (`https://app.example`) or a
/// full page URL (`location.href`, better for path-relative URLs). `None` when unparseable.
pub(crate) fn base_url(page: &str) -> Option<Url> {
    Url::parse(page.trim()).ok()
}

/// True for `http:` / `https:` URLs.
fn is_http(u: &Url) -> bool {
    matches!(u.scheme(), "http" | "https")
}

/// `url` with its query string and fragment removed, textually (for URLs `url` cannot parse).
fn strip_textually(url: &str) -> &str {
    match url.find(['?', '#']) {
        Some(i) => &url[..i],
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
/// `same_origin_only`: leave http(s) URLs of another origin unchanged (attributes); `false`
/// strips every http(s) URL (the page's own Meta href, network request URLs).
pub(crate) fn strip_query(url: &str, page: &str, same_origin_only: bool) -> String {
    let trimmed = url.trim();
    if trimmed.is_empty() || trimmed.starts_with('#') {
        // Empty, or a same-document reference (`<use href="#icon">`, `<a href="#top">`): kept,
        // since resolving it would break SVG sprites and in-page anchors in the replay.
        return url.to_string();
    }
    let base = base_url(page);
    let parsed = match &base {
        Some(b) => b.join(trimmed),
        None => Url::parse(trimmed),
    };
    let mut u = match parsed {
        Ok(u) => u,
        Err(_) => return strip_textually(url).to_string(),
    };
    if !is_http(&u) {
        return url.to_string();
    }
    if same_origin_only {
        match &base {
            Some(b) if b.origin() == u.origin() => {}
            _ => return url.to_string(),
        }
    }
    let absolute = Url::parse(trimmed).is_ok();
    if absolute && u.query().is_none() && u.fragment().is_none() && u.username().is_empty() && u.password().is_none() {
        // Nothing to strip: keep the author's spelling (no normalisation).
        return url.to_string();
    }
    u.set_query(None);
    u.set_fragment(None);
    // Credentials in the authority (`https://user:pw@host/`) go too; http(s) URLs always
    // have a host, so these cannot fail.
    let _ = u.set_username("");
    let _ = u.set_password(None);
    u.into()
}

/// Applies `f` to each URL of a `srcset` value (`"a.png 1x, b.png 2x"`), keeping the
/// descriptors; follows the HTML srcset parsing steps (URLs may contain commas, e.g. `data:`).
pub(crate) fn map_srcset(srcset: &str, mut f: impl FnMut(&str) -> String) -> String {
    let s = srcset;
    let bytes = s.as_bytes();
    let mut i = 0;
    let mut out: Vec<String> = Vec::new();
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
        let mut url = &s[start..i];
        let mut descriptor = "";
        if url.ends_with(',') {
            url = url.trim_end_matches(',');
        } else {
            // Descriptors run to the next comma.
            let dstart = i;
            while i < bytes.len() && bytes[i] != b',' {
                i += 1;
            }
            descriptor = s[dstart..i].trim();
        }
        let mapped = f(url);
        out.push(if descriptor.is_empty() { mapped } else { format!("{mapped} {descriptor}") });
    }
    out.join(", ")
}
