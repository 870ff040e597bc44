//! The app's own redaction patterns ([`super::PrivacyOptions::redact_patterns`]): compiled
//! once, searched by [`super::redact`] inside bounded windows.
//!
//! Two engines behind one type, as `privacy::url` has two URL parsers:
//! - natively (the CLI, the collector, `cargo test`): `regex-lite`, which never backtracks
//!   (O(pattern × text) per search);
//! - in the browser (wasm32): the page's own `RegExp` with the `u` flag, so the recorder does
//!   not ship a regex engine (~26 KB of code, see BENCHMARKS.md "Recorder SDK") and patterns
//!   mean what a JavaScript developer expects (a `RegExp` passed to `init` keeps its `i`, `m`,
//!   `s` flags). The trade: `RegExp` backtracks, so a pattern with nested quantifiers such as
//!   `(a+)+$` can take exponential time on matching text, exactly as it would in the app's own
//!   code. Each search sees at most `redact::APP_LOOKAHEAD` bytes, which bounds ordinary
//!   patterns but not catastrophic ones; index.d.ts says so.
//!
//! Both engines read a leading inline-flag group (`(?i)`, `(?ms)`) the same way; every other
//! piece of syntax is the engine's own (Rust `regex` syntax natively, ECMAScript in the
//! browser). The common subset — literals, classes, `\d \w \s \b`, repetitions, groups,
//! alternation — means the same in both.

/// App patterns longer than this (in bytes of source) are refused.
pub const MAX_APP_PATTERN_LEN: usize = 1024;

/// One compiled app pattern.
#[derive(Debug)]
pub(crate) struct AppPattern {
    #[cfg(not(target_arch = "wasm32"))]
    re: regex_lite::Regex,
    #[cfg(target_arch = "wasm32")]
    re: js_sys::RegExp,
}

/// Compiled-size limit for one native pattern (regex-lite's `size_limit`).
#[cfg(not(target_arch = "wasm32"))]
const NATIVE_SIZE_LIMIT: usize = 1 << 20;

impl AppPattern {
    /// Compiles `source`; `Err` says why it cannot be used (too long, invalid syntax, an
    /// inline flag the browser's `RegExp` lacks).
    pub(crate) fn compile(source: &str) -> Result<AppPattern, String> {
        if source.len() > MAX_APP_PATTERN_LEN {
            return Err(format!("pattern is {} bytes; the limit is {MAX_APP_PATTERN_LEN}", source.len()));
        }
        Self::build(source)
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn build(source: &str) -> Result<AppPattern, String> {
        let (flags, _) = leading_flags(source)?;
        let _ = flags; // regex-lite reads the inline group itself; parsed here to refuse the same ones
        let re = regex_lite::RegexBuilder::new(source)
            .size_limit(NATIVE_SIZE_LIMIT)
            .nest_limit(64)
            .build()
            .map_err(|e| e.to_string())?;
        Ok(AppPattern { re })
    }

    #[cfg(target_arch = "wasm32")]
    fn build(source: &str) -> Result<AppPattern, String> {
        use wasm_bindgen::{JsCast, JsValue};
        let (flags, body) = leading_flags(source)?;
        // `new RegExp` throws a SyntaxError on bad syntax; Reflect.construct turns that into
        // an Err instead of a trap.
        let ctor = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("RegExp"))
            .ok()
            .and_then(|c| c.dyn_into::<js_sys::Function>().ok())
            .ok_or("this JavaScript environment has no RegExp")?;
        let args = js_sys::Array::of2(&JsValue::from_str(body), &JsValue::from_str(&format!("gu{flags}")));
        match js_sys::Reflect::construct(&ctor, &args) {
            Ok(re) => Ok(AppPattern { re: re.unchecked_into() }),
            Err(e) => Err(e
                .dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
                .unwrap_or_else(|| "invalid regular expression".into())),
        }
    }

    /// The leftmost match in `hay` that starts at or after byte `start` (a char boundary), as
    /// a byte range of `hay`. Text before `start` is context for `^`, `\b` and look-behind.
    #[cfg(not(target_arch = "wasm32"))]
    pub(crate) fn find_at(&self, hay: &str, start: usize) -> Option<(usize, usize)> {
        self.re.find_at(hay, start).map(|m| (m.start(), m.end()))
    }

    /// The leftmost match in `hay` that starts at or after byte `start` (a char boundary), as
    /// a byte range of `hay`. At most [`BROWSER_CONTEXT`] bytes before `start` are context for
    /// `^`, `\b` and look-behind (the browser searches a copy of the text, so the copy is kept
    /// short). With the `u` flag a match never splits a surrogate pair, so its UTF-16 bounds
    /// map onto UTF-8 char boundaries.
    #[cfg(target_arch = "wasm32")]
    pub(crate) fn find_at(&self, hay: &str, start: usize) -> Option<(usize, usize)> {
        use wasm_bindgen::JsValue;
        let mut ctx = start.saturating_sub(BROWSER_CONTEXT);
        while !hay.is_char_boundary(ctx) {
            ctx -= 1;
        }
        let window = hay.get(ctx..).unwrap_or_default();
        let skip16: usize = window.get(..start - ctx).unwrap_or_default().chars().map(char::len_utf16).sum();
        self.re.set_last_index(skip16 as u32);
        let m = self.re.exec(window)?;
        let index16 = js_sys::Reflect::get(&m, &JsValue::from_str("index")).ok()?.as_f64()? as usize;
        let text = m.get(0).as_string()?;
        let mut units = 0;
        let mut begin = window.len();
        for (i, c) in window.char_indices() {
            if units >= index16 {
                begin = i;
                break;
            }
            units += c.len_utf16();
        }
        let end = begin + text.len();
        (end <= window.len()).then_some((ctx + begin, ctx + end))
    }
}

/// How much text before a search's start the browser engine sees (bytes).
#[cfg(target_arch = "wasm32")]
pub const BROWSER_CONTEXT: usize = 64;

/// Splits a leading inline-flag group off `source`: `("i", "rest")` for `(?i)rest`. Only
/// `i`, `m` and `s` are accepted (both engines have them); a source without such a group
/// gives `("", source)`. A group with a `:` (`(?i:…)`) is part of the pattern, not a prefix.
fn leading_flags(source: &str) -> Result<(&str, &str), String> {
    let Some(rest) = source.strip_prefix("(?") else {
        return Ok(("", source));
    };
    let Some(close) = rest.find(')') else {
        return Ok(("", source));
    };
    let flags = rest.get(..close).unwrap_or_default();
    if flags.is_empty() || flags.contains(':') || !flags.bytes().all(|b| b.is_ascii_alphabetic() || b == b'-') {
        return Ok(("", source));
    }
    if let Some(bad) = flags.chars().find(|c| !matches!(c, 'i' | 'm' | 's')) {
        return Err(format!("inline flag '{bad}' is not supported (only i, m and s work in every engine)"));
    }
    Ok((flags, rest.get(close + 1..).unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_flag_groups() {
        assert_eq!(leading_flags("(?i)abc"), Ok(("i", "abc")));
        assert_eq!(leading_flags("(?ms)a.b"), Ok(("ms", "a.b")));
        assert_eq!(leading_flags("(?i:abc)d"), Ok(("", "(?i:abc)d")));
        assert_eq!(leading_flags("(?<name>x)"), Ok(("", "(?<name>x)")));
        assert_eq!(leading_flags("abc"), Ok(("", "abc")));
        assert!(leading_flags("(?x)a b").unwrap_err().contains("'x'"));
        assert!(leading_flags("(?-i)a").unwrap_err().contains("'-'"));
    }

    #[test]
    fn find_at_sees_context_before_start() {
        let p = AppPattern::compile(r"\bID-\d+").unwrap();
        assert_eq!(p.find_at("XID-1 ID-2", 1), Some((6, 10)), "XID-1 is glued to a word char");
        assert_eq!(AppPattern::compile("(?i)id").unwrap().find_at("ID", 0), Some((0, 2)));
        assert!(AppPattern::compile("(").is_err());
        assert!(AppPattern::compile(&"a".repeat(MAX_APP_PATTERN_LEN + 1)).unwrap_err().contains("limit"));
    }
}
