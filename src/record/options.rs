//! Reading the JS options object and writing custom-event payloads as JSON, straight from JS
//! values: no JSON parser in the recorder's wasm (serde_json's deserializer and its error
//! formatting were ~10% of the recorder's size).

use super::json::{push_num, push_str};
use super::state::Options;
use crate::privacy::redact::{card_number_marker, secret_field_marker, FieldValue};
use crate::privacy::{MaskLength, PrivacyOptions};
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// `obj[key]`, `None` when absent, `undefined` or `null`.
fn field(obj: &JsValue, key: &str) -> Option<JsValue> {
    let v = Reflect::get(obj, &JsValue::from_str(key)).ok()?;
    (!v.is_undefined() && !v.is_null()).then_some(v)
}

fn bool_field(obj: &JsValue, scope: &str, key: &str) -> Result<Option<bool>, String> {
    field(obj, key).map(|v| v.as_bool().ok_or_else(|| format!("{scope}.{key} must be a boolean"))).transpose()
}

#[inline(never)] // one copy for every field (the recorder's size)
fn string_field(obj: &JsValue, scope: &str, key: &str) -> Result<Option<String>, String> {
    field(obj, key).map(|v| v.as_string().ok_or_else(|| format!("{scope}.{key} must be a string"))).transpose()
}

/// A non-negative number (NaN and negatives are ignored, as the JS layer's defaults do).
fn number_field(obj: &JsValue, scope: &str, key: &str) -> Result<Option<f64>, String> {
    let Some(v) = field(obj, key) else { return Ok(None) };
    let n = v.as_f64().ok_or_else(|| format!("{scope}.{key} must be a number"))?;
    Ok((n >= 0.0).then_some(n))
}

#[inline(never)] // one copy for every field (the recorder's size)
fn strings_field(obj: &JsValue, scope: &str, key: &str) -> Result<Option<Vec<String>>, String> {
    let Some(v) = field(obj, key) else { return Ok(None) };
    let err = || format!("{scope}.{key} must be an array of strings");
    if !Array::is_array(&v) {
        return Err(err());
    }
    Array::from(&v).iter().map(|s| s.as_string().ok_or_else(err)).collect::<Result<_, _>>().map(Some)
}

/// `PrivacyOptions` from `{maskAllText?, maskAllInputs?, blockClass?, blockSelector?, maskTextClass?,
/// maskTextSelector?, ignoreClass?, ignoreSelector?, unmaskSelector?, stripUrlQuery?,
/// keepQueryOrigins?, maskLength?, redactPatterns?}` (camelCase as in `PrivacyOptions`'s serde form; absent or `null` fields keep
/// their protective defaults; unknown fields are ignored). Errors name the field and the type.
pub fn privacy_options(obj: &JsValue) -> Result<PrivacyOptions, String> {
    let mut p = PrivacyOptions::default();
    if obj.is_undefined() || obj.is_null() {
        return Ok(p);
    }
    if !obj.is_object() || Array::is_array(obj) {
        return Err("privacy must be an object".into());
    }
    let s = "privacy";
    if let Some(b) = bool_field(obj, s, "maskAllText")? {
        p.mask_all_text = b;
    }
    if let Some(b) = bool_field(obj, s, "maskAllInputs")? {
        p.mask_all_inputs = b;
    }
    if let Some(b) = bool_field(obj, s, "stripUrlQuery")? {
        p.strip_url_query = b;
    }
    if let Some(v) = string_field(obj, s, "blockClass")? {
        p.block_class = v;
    }
    if let Some(v) = string_field(obj, s, "maskTextClass")? {
        p.mask_text_class = v;
    }
    if let Some(v) = string_field(obj, s, "ignoreClass")? {
        p.ignore_class = v;
    }
    p.block_selector = string_field(obj, s, "blockSelector")?;
    p.mask_text_selector = string_field(obj, s, "maskTextSelector")?;
    p.ignore_selector = string_field(obj, s, "ignoreSelector")?;
    p.unmask_selector = string_field(obj, s, "unmaskSelector")?;
    p.redact_patterns = strings_field(obj, s, "redactPatterns")?.unwrap_or_default();
    p.keep_query_origins = strings_field(obj, s, "keepQueryOrigins")?.unwrap_or_default();
    p.mask_length = match string_field(obj, s, "maskLength")?.as_deref() {
        None | Some("char") => MaskLength::Char,
        Some("fixed") => MaskLength::Fixed,
        Some(_) => return Err("privacy.maskLength must be 'char' or 'fixed'".into()),
    };
    Ok(p)
}

/// The `Recorder` constructor's options (see `Recorder::new` for the shape and defaults).
pub fn recorder_options(options: &JsValue) -> Result<(PrivacyOptions, Options), String> {
    let mut opts = Options::default();
    if options.is_undefined() || options.is_null() {
        return Ok((PrivacyOptions::default(), opts));
    }
    if !options.is_object() || Array::is_array(options) {
        return Err("options must be a plain object".into());
    }
    let privacy = privacy_options(&field(options, "privacy").unwrap_or(JsValue::UNDEFINED))?;
    let s = "options";
    if let Some(n) = number_field(options, s, "checkoutEveryMs")? {
        opts.checkout_every_ms = n;
    }
    if let Some(n) = number_field(options, s, "mousemoveThrottleMs")? {
        opts.mousemove_throttle_ms = n;
    }
    if let Some(n) = number_field(options, s, "scrollThrottleMs")? {
        opts.scroll_throttle_ms = n;
    }
    if let Some(n) = number_field(options, s, "mutationLimit")? {
        opts.mutation_limit = n.min(u32::MAX as f64) as u32;
    }
    if let Some(n) = number_field(options, s, "snapshotSliceMs")? {
        opts.snapshot_slice_ms = n;
    }
    Ok((privacy, opts))
}

/// One step of [`redacted_payload_json`]'s walk.
enum Step {
    Value(JsValue),
    Text(String),
}

/// `payload` as JSON text with every string and object key PII-redacted, the values of
/// secret-named keys replaced whole ([`secret_field_marker`]) and card numbers given as
/// numbers replaced by `[REDACTED:card]` ([`card_number_marker`]): the rules of
/// `privacy::redact::walk_json`, which `PrivacyOptions::redact_json` applies to serde values
/// (two keys redacted alike are both written; a JSON reader keeps the last). `payload` is first normalised by `JSON.stringify` semantics (`toJSON`,
/// `undefined` and functions dropped); a value it cannot serialize (a cycle, a BigInt) is an
/// error. Iterative: any depth is safe.
pub fn redacted_payload_json(payload: &JsValue, privacy: &PrivacyOptions) -> Result<String, String> {
    if payload.is_undefined() {
        return Ok("null".into());
    }
    let text = js_sys::JSON::stringify(payload).map_err(|_| "payload cannot be serialized to JSON")?;
    let plain = js_sys::JSON::parse(&String::from(text)).map_err(|_| "payload cannot be serialized to JSON")?;
    let mut out = String::new();
    let mut stack = vec![Step::Value(plain)];
    while let Some(step) = stack.pop() {
        let v = match step {
            Step::Text(t) => {
                out.push_str(&t);
                continue;
            }
            Step::Value(v) => v,
        };
        if let Some(s) = v.as_string() {
            push_str(&mut out, &privacy.redact(&s));
        } else if let Some(n) = v.as_f64() {
            let mut num = String::new();
            push_num(&mut num, n);
            match card_number_marker(&num) {
                Some(marker) => push_str(&mut out, marker),
                None => out.push_str(&num),
            }
        } else if let Some(b) = v.as_bool() {
            out.push_str(if b { "true" } else { "false" });
        } else if Array::is_array(&v) {
            let items = Array::from(&v);
            out.push('[');
            stack.push(Step::Text("]".into()));
            for (i, item) in items.iter().enumerate().collect::<Vec<_>>().into_iter().rev() {
                stack.push(Step::Value(item));
                if i > 0 {
                    stack.push(Step::Text(",".into()));
                }
            }
        } else if v.is_object() {
            out.push('{');
            stack.push(Step::Text("}".into()));
            let entries = Object::entries(v.unchecked_ref());
            for (i, entry) in entries.iter().enumerate().collect::<Vec<_>>().into_iter().rev() {
                let pair = Array::from(&entry);
                let key = pair.get(0).as_string().unwrap_or_default();
                let value = pair.get(1);
                let shape = match value.as_string() {
                    Some(s) if !s.is_empty() => FieldValue::Text,
                    _ if value.as_f64().is_some() => FieldValue::Number,
                    _ => FieldValue::Other,
                };
                match secret_field_marker(&key, shape) {
                    Some(marker) => {
                        let mut quoted = String::new();
                        push_str(&mut quoted, marker);
                        stack.push(Step::Text(quoted));
                    }
                    None => stack.push(Step::Value(value)),
                }
                let mut head = String::new();
                if i > 0 {
                    head.push(',');
                }
                push_str(&mut head, &privacy.redact(&key));
                head.push(':');
                stack.push(Step::Text(head));
            }
        } else {
            out.push_str("null");
        }
    }
    Ok(out)
}
