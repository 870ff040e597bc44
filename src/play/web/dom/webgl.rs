//! The page layer's WebGL calls (CanvasMutation `type` 1 and 2), as rrweb 2.1.1's Replayer's
//! `webglMutation` makes them: on the canvas's `getContext("webgl")` (or
//! `"experimental-webgl"`) or `getContext("webgl2")`, with the browser's default context
//! attributes (rrweb passes none: `preserveDrawingBuffer` is false, so the drawing buffer is
//! cleared after the page shows it, as on a recorded page that did not ask to keep it; rrweb's
//! recorder forces `preserveDrawingBuffer` only in its FPS sampling mode, which records
//! pictures, not calls).
//!
//! Objects returned by calls (`createBuffer`, `createProgram`, `getUniformLocation`, …) are
//! kept per constructor name in the order they came (rrweb's `variableListFor`, per context:
//! here per queue, which lives exactly as long as its context), and an argument
//! `{rr_type: "WebGLBuffer", index: 3}` is the fourth of them, looked up when the call is made.
//! Objects created by calls the log dropped (`vdom/webgl.rs`) hold their places as `null`.

use crate::play::vdom::CanvasContext;
use js_sys::{Array, Map, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// rrweb's `WebGLVariableConstructorsNames`: results of these classes are kept.
const VARIABLE_CLASSES: &[&str] = &[
    "WebGLActiveInfo",
    "WebGLBuffer",
    "WebGLFramebuffer",
    "WebGLProgram",
    "WebGLRenderbuffer",
    "WebGLShader",
    "WebGLShaderPrecisionFormat",
    "WebGLTexture",
    "WebGLUniformLocation",
    "WebGLVertexArrayObject",
];

/// The canvas's context of `kind`, or `None` when the canvas has another kind (the browser
/// returns null) or it cannot be made.
pub(super) fn context(canvas: &JsValue, kind: CanvasContext) -> Option<JsValue> {
    let f = Reflect::get(canvas, &"getContext".into()).ok().filter(JsValue::is_function)?;
    let f: &js_sys::Function = f.unchecked_ref();
    let get = |name: &str| f.call1(canvas, &name.into()).ok().filter(|c| !c.is_null() && !c.is_undefined());
    match kind {
        CanvasContext::TwoD => get("2d"),
        CanvasContext::WebGl => get("webgl").or_else(|| get("experimental-webgl")),
        CanvasContext::WebGl2 => get("webgl2"),
    }
}

/// The variable list of constructor `name` in `vars` (made on first use).
fn list(vars: &Map, name: &str) -> Array {
    let key = JsValue::from_str(name);
    let got = vars.get(&key);
    if Array::is_array(&got) {
        return got.unchecked_into();
    }
    let a = Array::new();
    vars.set(&key, &a);
    a
}

/// Holds the places of `count` objects of class `name` that dropped calls created.
pub(super) fn hold_places(vars: &Map, name: &str, count: u32) {
    let a = list(vars, name);
    for _ in 0..count {
        a.push(&JsValue::NULL);
    }
}

/// `args` with each `{rr_type, index}` (at the top level or in an array argument, where
/// rrweb's recorder puts them) replaced by the object it names (`undefined` when unknown, as
/// in rrweb).
fn resolve(vars: &Map, args: &Array) -> Array {
    let one = |v: &JsValue| -> JsValue {
        if v.is_object() && !Array::is_array(v) && Reflect::has(v, &"index".into()).unwrap_or(false) {
            if let Some(name) = Reflect::get(v, &"rr_type".into()).ok().and_then(|n| n.as_string()) {
                let i = Reflect::get(v, &"index".into()).ok().and_then(|i| i.as_f64()).unwrap_or(-1.0);
                if i >= 0.0 && i < f64::from(u32::MAX) {
                    return list(vars, &name).get(i as u32);
                }
                return JsValue::UNDEFINED;
            }
        }
        v.clone()
    };
    args.iter()
        .map(|a| {
            if Array::is_array(&a) {
                a.unchecked_ref::<Array>().iter().map(|x| one(&x)).collect::<Array>().into()
            } else {
                one(&a)
            }
        })
        .collect()
}

/// One WebGL call (`setter`: a property set from the raw first argument, as rrweb does); its
/// result is kept when it is one of [`VARIABLE_CLASSES`] not kept yet. False when the call
/// could not be made (no such method, or it threw).
pub(super) fn run(ctx: &JsValue, vars: &Map, property: &str, setter: bool, args: &Array) -> bool {
    if setter {
        return Reflect::set(ctx, &property.into(), &args.get(0)).is_ok();
    }
    let Some(f) = Reflect::get(ctx, &property.into()).ok().filter(JsValue::is_function) else { return false };
    let Ok(result) = f.unchecked_ref::<js_sys::Function>().apply(ctx, &resolve(vars, args)) else { return false };
    if result.is_object() {
        let name = Reflect::get(&result, &"constructor".into())
            .and_then(|c| Reflect::get(&c, &"name".into()))
            .ok()
            .and_then(|n| n.as_string());
        if let Some(name) = name.filter(|n| VARIABLE_CLASSES.contains(&n.as_str())) {
            let a = list(vars, &name);
            if !a.includes(&result, 0) {
                a.push(&result);
            }
        }
    }
    true
}
