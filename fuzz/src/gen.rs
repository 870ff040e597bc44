//! Structure-aware input: the fuzzer's bytes, read through [`arbitrary::Unstructured`], choose
//! an rrweb recording (a Meta, a FullSnapshot, then incremental and other events), written out
//! as JSON. Mutating a choice changes one event or node instead of breaking the JSON, so the
//! fuzzer spends its time in the DOM tracker, the analyzer and the player, not in the parser.
//!
//! Names, node kinds, event and source numbers follow rrweb 2.x (`@rrweb/types`, see
//! rrweb's event format). Node ids are drawn mostly from the ids the recording has used so
//! far, sometimes from a few impossible ones (0, -1, the document, 2^53 - 1), so references
//! land on real nodes often enough to reach the tree code.

use arbitrary::{Result, Unstructured};
use serde_json::{json, Map, Value};

/// Most events in one generated recording (after the Meta and FullSnapshot).
const MAX_EVENTS: usize = 96;
/// Most nodes in one serialized tree (a FullSnapshot or one added subtree).
const MAX_NODES: usize = 48;
/// Deepest nesting of a serialized tree.
const MAX_DEPTH: usize = 12;

const TAGS: &[&str] = &[
    "div",
    "span",
    "p",
    "a",
    "button",
    "input",
    "textarea",
    "select",
    "option",
    "form",
    "label",
    "ul",
    "li",
    "h1",
    "img",
    "title",
    "style",
    "script",
    "noscript",
    "iframe",
    "canvas",
    "video",
    "audio",
    "dialog",
    "svg",
    "template",
    "link",
    "head",
    "body",
    "html",
    "slot",
    "my-element",
];
const ATTRS: &[&str] = &[
    "id",
    "class",
    "type",
    "href",
    "value",
    "checked",
    "selected",
    "name",
    "role",
    "aria-live",
    "aria-label",
    "placeholder",
    "title",
    "alt",
    "src",
    "rr_dataURL",
    "_cssText",
    "style",
    "hidden",
    "open",
    "disabled",
    "data-testid",
    "for",
    "rr_mediaState",
    "rr_mediaCurrentTime",
    "rr_scrollLeft",
    "rr_scrollTop",
    "rel",
];
const VALUES: &[&str] = &[
    "",
    "submit",
    "checkbox",
    "radio",
    "text",
    "password",
    "email",
    "button",
    "alert",
    "polite",
    "dialog",
    "/",
    "/cart",
    "#top",
    "https://a.test/other",
    "javascript:void(0)",
    "Buy milk",
    "Create account",
    "color: red",
    "body { color: red }",
    "a:hover { color: blue }",
    "played",
    "paused",
    "stylesheet",
    "data:image/png;base64,iVBORw0KGgo=",
    "4111 1111 1111 1111",
    "jane@example.com",
    "***",
    "é\u{1F600}\u{0}",
];
const TEXTS: &[&str] = &[
    "",
    " ",
    "\n",
    "Sign in",
    "Buy milk",
    "You must agree to the Terms of Service.",
    "Order #10482 placed",
    "Payment failed: your card was declined",
    "jane@example.com",
    "4111 1111 1111 1111",
    "*****",
    "a\u{300}\u{301}\u{302}",
    "\u{1F600}\u{200D}\u{1F600}",
    "<b>&amp;</b>",
];
const URLS: &[&str] = &[
    "http://a.test/",
    "http://a.test/cart",
    "http://a.test/cart?x=1#y",
    "http://b.test/",
    "about:blank",
    "not a url",
    "http://a.test/users/12345/orders/abcdef0123456789",
    "",
];
const RULES: &[&str] = &[
    "a { color: red }",
    "a:hover { color: blue }",
    "@media (min-width: 1px) { b:hover { x: y } }",
    "}",
    "",
    "@import url(x.css);",
];

/// One id: a used one most of the time, else an impossible or arbitrary one.
fn id(u: &mut Unstructured, ids: &[i64]) -> Result<i64> {
    if !ids.is_empty() && u.ratio(7, 8)? {
        return Ok(*u.choose(ids)?);
    }
    Ok(*u.choose(&[0, -1, 1, 2, 9999, (1 << 53) - 1, i64::from(i32::MAX)])?)
}

fn pick(u: &mut Unstructured, list: &[&str]) -> Result<String> {
    Ok(u.choose(list)?.to_string())
}

/// A short string: usually one from `list`, sometimes the fuzzer's own bytes.
fn text(u: &mut Unstructured, list: &[&str]) -> Result<String> {
    if u.ratio(1, 8)? {
        let len = u.int_in_range(0..=24)?;
        let bytes = u.bytes(len.min(u.len()))?;
        return Ok(String::from_utf8_lossy(bytes).into_owned());
    }
    pick(u, list)
}

fn coord(u: &mut Unstructured) -> Result<Value> {
    Ok(match u.int_in_range(0..=7)? {
        0 => json!(-5),
        1 => json!(1e300),
        2 => json!(0.5),
        _ => json!(u.int_in_range(0..=2000)?),
    })
}

/// Generates recordings; keeps the ids used so far.
pub struct Gen {
    ids: Vec<i64>,
    next_id: i64,
}

impl Gen {
    fn fresh_id(&mut self, u: &mut Unstructured) -> Result<i64> {
        // Now and then an id that is already in use: rrweb never does that, damaged files do.
        if !self.ids.is_empty() && u.ratio(1, 24)? {
            return id(u, &self.ids);
        }
        self.next_id += 1;
        self.ids.push(self.next_id);
        Ok(self.next_id)
    }

    fn attributes(&mut self, u: &mut Unstructured) -> Result<Map<String, Value>> {
        let mut attrs = Map::new();
        for _ in 0..u.int_in_range(0..=4)? {
            let value = match u.int_in_range(0..=15)? {
                0 => Value::Bool(true),
                1 => json!(u.int_in_range(-1..=3)?),
                _ => Value::String(text(u, VALUES)?),
            };
            attrs.insert(text(u, ATTRS)?, value);
        }
        Ok(attrs)
    }

    /// One serialized node (rrweb-snapshot's `serializedNodeWithId`) and its children.
    fn node(&mut self, u: &mut Unstructured, depth: usize, budget: &mut usize) -> Result<Value> {
        *budget = budget.saturating_sub(1);
        let id = self.fresh_id(u)?;
        let mut node = match u.int_in_range(0..=9)? {
            0 => json!({"type": 3, "textContent": text(u, TEXTS)?, "isStyle": u.ratio(1, 8)?}),
            1 => json!({"type": 5, "textContent": text(u, TEXTS)?}),
            2 => json!({"type": 4, "textContent": ""}),
            3 if u.ratio(1, 4)? => json!({"type": 1, "name": "html", "publicId": "", "systemId": ""}),
            4 if u.ratio(1, 4)? => json!({"type": 0, "childNodes": []}),
            _ => {
                let mut el = json!({"type": 2, "tagName": pick(u, TAGS)?, "attributes": self.attributes(u)?,
                    "childNodes": []});
                if u.ratio(1, 12)? {
                    el["isSVG"] = Value::Bool(true);
                }
                if u.ratio(1, 16)? {
                    el["isShadowHost"] = Value::Bool(true);
                }
                el
            }
        };
        if u.ratio(1, 16)? {
            node["isShadow"] = Value::Bool(true);
        }
        if u.ratio(1, 16)? {
            node["rootId"] = json!(self::id(u, &self.ids)?);
        }
        node["id"] = json!(id);
        if node.get("childNodes").is_some() && depth < MAX_DEPTH {
            let mut children = Vec::new();
            while *budget > 0 && u.ratio(2, 3)? {
                children.push(self.node(u, depth + 1, budget)?);
            }
            node["childNodes"] = Value::Array(children);
        }
        Ok(node)
    }

    /// A FullSnapshot: a document, usually with html, head (title, style) and body, then
    /// whatever the bytes choose under body.
    fn full_snapshot(&mut self, u: &mut Unstructured) -> Result<Value> {
        let mut budget = u.int_in_range(1..=MAX_NODES)?;
        if u.ratio(1, 6)? {
            return self.node(u, 0, &mut budget);
        }
        let doc = self.fresh_id(u)?;
        let (html, head, title, title_text, body) =
            (self.fresh_id(u)?, self.fresh_id(u)?, self.fresh_id(u)?, self.fresh_id(u)?, self.fresh_id(u)?);
        let mut kids = Vec::new();
        while budget > 0 && u.ratio(3, 4)? {
            kids.push(self.node(u, 2, &mut budget)?);
        }
        Ok(json!({"type": 0, "id": doc, "childNodes": [
            {"type": 2, "tagName": "html", "attributes": {}, "id": html, "childNodes": [
                {"type": 2, "tagName": "head", "attributes": {}, "id": head, "childNodes": [
                    {"type": 2, "tagName": "title", "attributes": {}, "id": title, "childNodes": [
                        {"type": 3, "textContent": text(u, TEXTS)?, "id": title_text}]}]},
                {"type": 2, "tagName": "body", "attributes": {}, "id": body, "childNodes": kids}]}]}))
    }

    fn mutation(&mut self, u: &mut Unstructured) -> Result<Value> {
        let mut adds = Vec::new();
        let mut removes = Vec::new();
        let mut texts = Vec::new();
        let mut attributes = Vec::new();
        for _ in 0..u.int_in_range(0..=3)? {
            let parent = id(u, &self.ids)?;
            let next = if u.ratio(1, 2)? { Value::Null } else { json!(id(u, &self.ids)?) };
            let mut budget = u.int_in_range(1..=8)?;
            adds.push(json!({"parentId": parent, "nextId": next, "node": self.node(u, 0, &mut budget)?}));
        }
        for _ in 0..u.int_in_range(0..=2)? {
            removes.push(json!({"parentId": id(u, &self.ids)?, "id": id(u, &self.ids)?}));
        }
        for _ in 0..u.int_in_range(0..=2)? {
            let value = if u.ratio(1, 6)? { Value::Null } else { Value::String(text(u, TEXTS)?) };
            texts.push(json!({"id": id(u, &self.ids)?, "value": value}));
        }
        for _ in 0..u.int_in_range(0..=2)? {
            let mut attrs = self.attributes(u)?;
            if u.ratio(1, 3)? {
                attrs.insert(pick(u, ATTRS)?, Value::Null);
            }
            if u.ratio(1, 6)? {
                attrs.insert("style".into(), json!({"color": "red", "margin": false}));
            }
            attributes.push(json!({"id": id(u, &self.ids)?, "attributes": attrs}));
        }
        let mut data = json!({"source": 0, "adds": adds, "removes": removes, "texts": texts,
            "attributes": attributes});
        if u.ratio(1, 16)? {
            data["isAttachIframe"] = Value::Bool(true);
        }
        Ok(data)
    }

    /// The `data` of one IncrementalSnapshot.
    fn incremental(&mut self, u: &mut Unstructured) -> Result<Value> {
        let ids = &self.ids;
        Ok(match u.int_in_range(0..=17)? {
            0 | 17 => return self.mutation(u),
            1 | 6 | 12 => {
                let mut positions = Vec::new();
                for _ in 0..u.int_in_range(1..=3)? {
                    positions.push(json!({"x": coord(u)?, "y": coord(u)?, "id": id(u, ids)?,
                        "timeOffset": -u.int_in_range(0..=500)?}));
                }
                json!({"source": *u.choose(&[1, 6, 12])?, "positions": positions})
            }
            2 => {
                let mut d = json!({"source": 2, "type": u.int_in_range(0..=11)?, "id": id(u, ids)?,
                    "x": coord(u)?, "y": coord(u)?});
                if u.ratio(1, 2)? {
                    d["pointerType"] = json!(u.int_in_range(0..=2)?);
                }
                d
            }
            3 => json!({"source": 3, "id": id(u, ids)?, "x": coord(u)?, "y": coord(u)?}),
            4 => json!({"source": 4, "width": coord(u)?, "height": coord(u)?}),
            5 => {
                let mut d = json!({"source": 5, "id": id(u, ids)?, "text": text(u, TEXTS)?,
                    "isChecked": u.arbitrary::<bool>()?});
                if u.ratio(1, 2)? {
                    d["userTriggered"] = Value::Bool(u.arbitrary()?);
                }
                d
            }
            7 => json!({"source": 7, "type": u.int_in_range(0..=5)?, "id": id(u, ids)?,
                "currentTime": coord(u)?, "volume": 0.5, "muted": u.arbitrary::<bool>()?,
                "playbackRate": 2}),
            8 => {
                let adds: Vec<Value> = (0..u.int_in_range(0..=2)?)
                    .map(|_| Ok(json!({"rule": pick(u, RULES)?, "index": u.int_in_range(-1..=3)?})))
                    .collect::<Result<_>>()?;
                let mut d = json!({"source": 8, "id": id(u, ids)?, "adds": adds,
                    "removes": [{"index": u.int_in_range(-1..=3)?}]});
                if u.ratio(1, 4)? {
                    d["replaceSync"] = Value::String(pick(u, RULES)?);
                }
                if u.ratio(1, 4)? {
                    d["index"] = json!([0, 1]);
                    d["adds"] = json!([{"rule": pick(u, RULES)?, "index": [0, u.int_in_range(-1..=2)?]}]);
                }
                d
            }
            9 => json!({"source": 9, "id": id(u, ids)?, "type": u.int_in_range(0..=2)?, "commands": [
                {"property": *u.choose(&["fillRect", "fillStyle", "clearRect", "drawImage", "bogus"])?,
                 "args": [coord(u)?, coord(u)?, 10, {"rr_type": "ImageBitmap", "args": []}],
                 "setter": u.arbitrary::<bool>()?}]}),
            10 => json!({"source": 10, "family": "F", "fontSource": "url(x.woff)", "buffer": false}),
            11 => json!({"source": 11, "level": "error", "trace": [], "payload": [text(u, TEXTS)?]}),
            13 => json!({"source": 13, "id": id(u, ids)?, "index": [u.int_in_range(-1..=2)?],
                "set": {"property": "color", "value": "red", "priority": ""}}),
            14 => {
                let (a, b) = (id(u, ids)?, id(u, ids)?);
                json!({"source": 14, "ranges": [{"start": a, "startOffset": u.int_in_range(-1..=40)?,
                    "end": b, "endOffset": u.int_in_range(-1..=40)?}]})
            }
            15 => json!({"source": 15, "id": id(u, ids)?, "styleIds": [u.int_in_range(0..=3)?],
                "styles": [{"styleId": u.int_in_range(0..=3)?, "rules": [{"rule": pick(u, RULES)?}]}]}),
            _ => json!({"source": 16, "define": {"name": "my-element"}}),
        })
    }

    /// One event after the first FullSnapshot: mostly incremental, sometimes a new page (Meta
    /// and FullSnapshot), a console plugin event, a custom event or an unknown type.
    fn event(&mut self, u: &mut Unstructured, t: i64) -> Result<Vec<Value>> {
        Ok(match u.int_in_range(0..=31)? {
            0 => vec![json!({"type": 4, "data": {"href": pick(u, URLS)?, "width": 1280, "height": 720},
                "timestamp": t})],
            1 => {
                if u.ratio(1, 2)? {
                    self.ids.clear();
                }
                vec![json!({"type": 2, "data": {"node": self.full_snapshot(u)?,
                    "initialOffset": {"left": 0, "top": coord(u)?}}, "timestamp": t})]
            }
            2 => vec![json!({"type": 6, "data": {"plugin": "rrweb/console@1", "payload": {
                "level": *u.choose(&["error", "warn", "log", "assert"])?, "trace": ["at x (a.js:1:2)"],
                "payload": [format!("\"{}\"", text(u, TEXTS)?)]}}, "timestamp": t})],
            3 => vec![json!({"type": 5, "data": {"tag": text(u, &["identify", "page", "x"])?,
                "payload": {"userId": "u1", "href": pick(u, URLS)?}}, "timestamp": t})],
            4 => vec![json!({"type": *u.choose(&[0, 1, 7, 42, -1])?, "data": {}, "timestamp": t})],
            _ => vec![json!({"type": 3, "data": self.incremental(u)?, "timestamp": t})],
        })
    }
}

/// A whole recording as a JSON array of rrweb events, timestamps non-decreasing except where the
/// bytes ask for one out of order.
pub fn recording(u: &mut Unstructured) -> Result<Value> {
    let mut g = Gen { ids: Vec::new(), next_id: 0 };
    let mut t: i64 = 1_700_000_000_000 + i64::from(u.int_in_range(0..=1000u16)?);
    let mut events = Vec::new();
    if u.ratio(7, 8)? {
        events.push(json!({"type": 4, "data": {"href": pick(u, URLS)?, "width": 1280, "height": 720},
            "timestamp": t}));
    }
    if u.ratio(7, 8)? {
        events.push(json!({"type": 2, "data": {"node": g.full_snapshot(u)?,
            "initialOffset": {"left": 0, "top": 0}}, "timestamp": t}));
    }
    let n = u.int_in_range(0..=MAX_EVENTS)?;
    for _ in 0..n {
        if u.is_empty() {
            break;
        }
        t += match u.int_in_range(0..=15)? {
            0 => -1000,
            1 => 5_000 + i64::from(u.int_in_range(0..=60_000u32)?),
            _ => i64::from(u.int_in_range(0..=1500u16)?),
        };
        events.extend(g.event(u, t)?);
    }
    Ok(Value::Array(events))
}
