//! WebGL CanvasMutation (type 1, 2) in the virtual DOM: the log, the context rule, the bound.

use super::tests::{el, events, page};
use super::*;

fn inc(t: i64, body: &str) -> String {
    format!(r#"{{"type":3,"data":{{"source":9,{body}}},"timestamp":{t}}}"#)
}

fn gl(t: i64, kind: u8, cmds: &[&str]) -> String {
    let c: Vec<String> = cmds.iter().map(|p| format!(r#"{{"property":"{p}","args":[]}}"#)).collect();
    inc(t, &format!(r#""id":6,"type":{kind},"commands":[{}]"#, c.join(",")))
}

fn run(json: &str) -> VDom {
    let mut dom = VDom::new();
    for e in events(json) {
        dom.apply(&e);
    }
    dom
}

fn log_of(dom: &VDom) -> CanvasLog {
    *dom.element(dom.slot_of(6).unwrap()).unwrap().canvas.clone().expect("canvas log")
}

fn names(log: &CanvasLog) -> Vec<String> {
    log.cmds.iter().map(|c| c.property.to_string()).collect()
}

#[test]
fn webgl_calls_are_logged_and_the_first_context_wins() {
    let canvas = el(6, "canvas", r#""width":"20","height":"10""#, "");
    // the fixture's form: a single command inline, type 1
    let single = inc(2000, r#""id":6,"type":1,"property":"clearColor","args":[1,0,0,1]"#);
    let json = format!(
        "[{},{single},{},{},{}]",
        page(&canvas),
        gl(3000, 1, &["clear"]),
        gl(4000, 2, &["clear"]),    // WebGL2 on a WebGL canvas: no context
        gl(5000, 0, &["fillRect"]), // 2D on it: none either
    );
    let dom = run(&json);
    let log = log_of(&dom);
    assert_eq!(log.context, Some(CanvasContext::WebGl));
    assert_eq!(names(&log), ["clearColor", "clear"]);
    assert_eq!(&*log.cmds[0].args, "[1,0,0,1]");
    assert_eq!(dom.warnings.canvas, 2);
    // a resize keeps a WebGL log (its state outlives the drawing buffer)
    let resize = r#"{"type":3,"data":{"source":0,"texts":[],"attributes":[{"id":6,"attributes":{"width":"40"}}],"removes":[],"adds":[]},"timestamp":6000}"#;
    let dom2 = run(&format!("[{},{},{resize}]", page(&canvas), gl(3000, 2, &["clear"])));
    assert_eq!(
        (log_of(&dom2).context, names(&log_of(&dom2))),
        (Some(CanvasContext::WebGl2), vec!["clear".to_string()])
    );
}

#[test]
fn a_webgl_canvas_drops_its_snapshot_picture() {
    // rrweb's seek applies the calls before the rr_dataURL image loads; the image's 2D
    // getContext then gets null
    let canvas = el(6, "canvas", r#""rr_dataURL":"data:,""#, "");
    let before = run(&format!("[{}]", page(&canvas)));
    let dom = run(&format!("[{},{}]", page(&canvas), gl(3000, 1, &["clear"])));
    let log = log_of(&dom);
    assert!(log.base.is_none());
    assert_ne!(log.gen, log_of(&before).gen, "a new bitmap for the edge");
    assert_eq!(names(&log), ["clear"]);
}

#[test]
fn a_full_webgl_log_keeps_its_setup_and_the_newest_calls() {
    let canvas = el(6, "canvas", "", "");
    let mut evs = vec![page(&canvas), gl(2000, 1, &["createProgram", "createBuffer"])];
    // frames: a uniform location and a draw each, far past the bound
    let frames = MAX_CANVAS_COMMANDS; // 2 calls each: twice the bound
    for k in 0..frames {
        evs.push(gl(3000 + k as i64, 1, &["getUniformLocation", "drawArrays"]));
    }
    let dom = run(&format!("[{}]", evs.join(",")));
    let log = log_of(&dom);
    let total = 2 + 2 * frames as u64;
    assert!(log.cmds.len() <= MAX_CANVAS_COMMANDS);
    assert_eq!(log.head, WEBGL_HEAD);
    assert_eq!(log.end(), total, "call numbers still count every call");
    assert_eq!(names(&log)[..2], ["createProgram", "createBuffer"], "the setup is kept");
    assert_eq!(log.cmds.last().map(|c| &*c.property), Some("drawArrays"), "and the newest calls");
    let dropped = total - (log.cmds.len() as u64);
    assert_eq!((log.dropped, dom.warnings.canvas), (dropped, dropped));
    assert_eq!(log.first, WEBGL_HEAD as u64 + dropped);
    // the dropped getUniformLocation calls hold their places in the variable list
    let created = log.skipped_objects.iter().find(|(n, _)| &**n == "WebGLUniformLocation").map(|(_, k)| *k);
    assert_eq!(created, Some((dropped / 2) as u32));
    assert_eq!(log.position(log.first), WEBGL_HEAD);
    assert_eq!(log.position(log.end()), log.cmds.len());
}
