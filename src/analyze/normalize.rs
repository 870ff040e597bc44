//! The URL normalizer: a page's URL without query string, fragment or user info, identifier
//! path segments replaced by [`ID_SEGMENT`], so visits to one page template group together.
//! Frustration signals ([`crate::analyze::session::signals`]) and the bundle's tables and labels
//! ([`crate::analyze::bundle`]) use it, so it lives below both.

/// Placeholder for an identifier path segment in a normalized URL.
pub const ID_SEGMENT: &str = ":id";

/// Shortest run of hexadecimal characters (with at least one digit) read as an identifier
/// (`/commits/3f2a9c0d1e4b5a6f` → `/commits/:id`): long enough for Mongo ObjectIds (24), UUIDs
/// without dashes (32) and SHA hashes (40), short enough that no English word qualifies.
pub const LONG_HEX_MIN_CHARS: usize = 16;

/// The URL without query string, fragment or user info, with identifier path segments replaced
/// by [`ID_SEGMENT`]: all-digit segments, UUIDs (`8-4-4-4-12` hex), and hexadecimal runs of at
/// least [`LONG_HEX_MIN_CHARS`] characters containing a digit. Scheme and host are lower-cased
/// (as the `url` crate parses them); a default port is dropped.
///
/// `https://Shop.test/orders/1042/items/9f1c2b7e-8d4a-4c1e-9b2f-1a2b3c4d5e6f?ref=mail#top` →
/// `https://shop.test/orders/:id/items/:id`. Input that is not an absolute URL (a path, or text)
/// is cut at the first `?` or `#` and its `/`-separated segments normalized the same way.
pub fn normalize_url(url: &str) -> String {
    let trimmed = url.trim();
    if let Ok(parsed) = url::Url::parse(trimmed) {
        if !parsed.cannot_be_a_base() {
            let mut out = format!("{}://", parsed.scheme());
            if let Some(host) = parsed.host_str() {
                out.push_str(host);
            }
            if let Some(port) = parsed.port() {
                out.push(':');
                out.push_str(&port.to_string());
            }
            out.push_str(&normalize_segments(parsed.path()));
            return out;
        }
    }
    normalize_segments(before_query(trimmed))
}

/// The normalized path alone (`https://shop.test/orders/1042?x=1` → `/orders/:id`): what labels
/// use. For input that is not an absolute URL, as [`normalize_url`].
pub fn normalize_path(url: &str) -> String {
    let trimmed = url.trim();
    match url::Url::parse(trimmed) {
        Ok(parsed) if !parsed.cannot_be_a_base() => normalize_segments(parsed.path()),
        _ => normalize_segments(before_query(trimmed)),
    }
}

fn before_query(text: &str) -> &str {
    &text[..text.find(['?', '#']).unwrap_or(text.len())]
}

fn normalize_segments(path: &str) -> String {
    let segments: Vec<&str> = path.split('/').map(|s| if is_identifier(s) { ID_SEGMENT } else { s }).collect();
    segments.join("/")
}

/// True for the path segments [`normalize_url`] replaces.
pub fn is_identifier(segment: &str) -> bool {
    if segment.is_empty() {
        return false;
    }
    if segment.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    let bytes = segment.as_bytes();
    let uuid = bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        });
    uuid || (bytes.len() >= LONG_HEX_MIN_CHARS
        && bytes.iter().all(u8::is_ascii_hexdigit)
        && bytes.iter().any(u8::is_ascii_digit))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_query_fragment_credentials_and_ids() {
        let uuid = "9f1c2b7e-8d4a-4c1e-9b2f-1a2b3c4d5e6f";
        assert_eq!(
            normalize_url(&format!("https://u:p@Shop.TEST:443/orders/1042/items/{uuid}?ref=mail#top")),
            "https://shop.test/orders/:id/items/:id"
        );
        assert_eq!(normalize_url("http://x.test:8080/c/3f2a9c0d1e4b5a6f/d"), "http://x.test:8080/c/:id/d");
        // 15 hex chars, or hex without a digit, or a word: kept.
        assert_eq!(
            normalize_url("http://x.test/3f2a9c0d1e4b5a6/deadbeefdeadbeefcafe/v2"),
            "http://x.test/3f2a9c0d1e4b5a6/deadbeefdeadbeefcafe/v2"
        );
        assert_eq!(normalize_url("/app/42?tab=1"), "/app/:id");
        assert_eq!(normalize_url("  /a/b#c  "), "/a/b");
        assert_eq!(normalize_path("https://shop.test/products/17?x=1"), "/products/:id");
        assert_eq!(normalize_path("https://shop.test"), "/");
        assert_eq!(normalize_url(""), "");
        assert!(!is_identifier("v2") && !is_identifier("") && is_identifier("007"));
        assert!(!is_identifier("9f1c2b7e-8d4a-4c1e-9b2f-1a2b3c4d5e6g"));
    }
}
