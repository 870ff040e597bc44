//! A tiny JSON object writer: rrweb events are written as text in rrweb's key order
//! (`type` first, then `data` with `source` first), strings escaped by serde_json.

/// Appends `s` as a JSON string literal.
pub fn push_str(out: &mut String, s: &str) {
    // Most strings (tag and attribute names, ids, masked text) need no escape: written as
    // they are, without serde_json's temporary string.
    for b in s.bytes() {
        if b < 0x20 || b == b'"' || b == b'\\' {
            // serde_json's escapes, exactly JSON.stringify's (one copy of that code)
            return crate::privacy::network::push_json_str(out, s);
        }
    }
    out.reserve(s.len() + 2);
    out.push('"');
    out.push_str(s);
    out.push('"');
}

/// Appends a number the way `JSON.stringify` would (integers without a fraction; NaN → null).
pub fn push_num(out: &mut String, n: f64) {
    if !n.is_finite() {
        out.push_str("null");
    } else if n.fract() == 0.0 && n.abs() < 9.0e15 {
        out.push_str(&(n as i64).to_string());
    } else {
        // JavaScript's own Number→string (what JSON.stringify writes): fractional numbers are
        // rare here (zoomed coordinates, sub-pixel scroll), and any Rust float formatter would
        // ship ~20 KB of power-of-ten tables in the recorder.
        out.push_str(&String::from(js_sys::Number::from(n).to_string_with_radix(10).unwrap_or_else(|_| "null".into())));
    }
}

/// `{"k":v,...}` built in order.
pub struct Obj {
    buf: String,
    first: bool,
}

impl Obj {
    pub fn new() -> Self {
        Obj { buf: String::from("{"), first: true }
    }
    fn key(&mut self, k: &str) {
        if !self.first {
            self.buf.push(',');
        }
        self.first = false;
        push_str(&mut self.buf, k);
        self.buf.push(':');
    }
    pub fn num(mut self, k: &str, v: f64) -> Self {
        self.key(k);
        push_num(&mut self.buf, v);
        self
    }
    pub fn opt_num(self, k: &str, v: Option<f64>) -> Self {
        match v {
            Some(v) => self.num(k, v),
            None => self,
        }
    }
    pub fn str(mut self, k: &str, v: &str) -> Self {
        self.key(k);
        push_str(&mut self.buf, v);
        self
    }
    pub fn bool(mut self, k: &str, v: bool) -> Self {
        self.key(k);
        self.buf.push_str(if v { "true" } else { "false" });
        self
    }
    /// `v` must already be JSON text.
    pub fn raw(mut self, k: &str, v: &str) -> Self {
        self.key(k);
        self.buf.push_str(v);
        self
    }
    pub fn end(mut self) -> String {
        self.buf.push('}');
        self.buf
    }
}

/// `[a,b,...]` of JSON texts.
pub fn array<I: IntoIterator<Item = String>>(items: I) -> String {
    let mut out = String::from("[");
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&item);
    }
    out.push(']');
    out
}
