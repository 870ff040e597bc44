//! Selection (14), Font (10) and CanvasMutation (9) in the virtual DOM, against hand-built
//! streams.

use super::tests::{el, events, page, text};
use super::*;

fn inc(t: i64, source: u8, body: &str) -> String {
    format!(r#"{{"type":3,"data":{{"source":{source},{body}}},"timestamp":{t}}}"#)
}

fn run(json: &str) -> VDom {
    let mut dom = VDom::new();
    for e in events(json) {
        dom.apply(&e);
    }
    dom
}

fn sel(t: i64, ranges: &[(i64, i64, i64, i64)]) -> String {
    let r: Vec<String> = ranges
        .iter()
        .map(|(s, so, e, eo)| format!(r#"{{"start":{s},"startOffset":{so},"end":{e},"endOffset":{eo}}}"#))
        .collect();
    inc(t, 14, &format!(r#""ranges":[{}]"#, r.join(",")))
}

fn selected(dom: &VDom) -> Vec<(i64, u32, i64, u32)> {
    let id = |s: u32| dom.node(s).id;
    dom.selection(dom.document()).iter().map(|r| (id(r.start), r.start_offset, id(r.end), r.end_offset)).collect()
}

#[test]
fn selection_follows_rrweb_apply_selection() {
    let body = format!("{},{}", el(6, "p", "", &text(7, "héllo wörld")), el(8, "p", "", &text(9, "second")));
    let json = |more: &[String]| format!("[{},{}]", page(&body), more.join(","));
    // a range across two paragraphs
    let dom = run(&json(&[sel(2000, &[(7, 2, 9, 3)])]));
    assert_eq!(selected(&dom), [(7, 2, 9, 3)]);
    assert!(dom.dump().contains("#selection /: [7:2 9:3]"), "{}", dom.dump());
    // unknown nodes: nothing changes; no ranges: nothing changes either (rrweb clears only the
    // selections of documents that get a new range)
    let dom = run(&json(&[sel(2000, &[(7, 0, 7, 5)]), sel(3000, &[(7, 0, 99, 1)]), sel(4000, &[])]));
    assert_eq!(selected(&dom), [(7, 0, 7, 5)]);
    // an offset past the text (11 UTF-16 units) throws in rrweb before clearing: skipped, counted
    let dom = run(&json(&[sel(2000, &[(7, 0, 7, 5)]), sel(3000, &[(7, 0, 7, 12)])]));
    assert_eq!(selected(&dom), [(7, 0, 7, 5)]);
    assert_eq!(dom.warnings.refused, 1);
    let dom = run(&json(&[sel(2000, &[(7, 11, 5, 2)])]));
    assert_eq!(selected(&dom), [(7, 11, 5, 2)], "element offsets count children");
    // removing a node drops the ranges on it; a FullSnapshot drops the selection
    let remove = inc(3000, 0, r#""texts":[],"attributes":[],"removes":[{"parentId":5,"id":6}],"adds":[]"#);
    let dom = run(&json(&[sel(2000, &[(7, 0, 7, 5)]), remove]));
    assert_eq!(selected(&dom), []);
    let again = page(&body).replace("1000", "5000");
    let dom = run(&json(&[sel(2000, &[(7, 0, 7, 5)]), again]));
    assert_eq!(selected(&dom), []);
}

#[test]
fn selection_changes_are_recorded_per_document() {
    let json = format!("[{},{}]", page(&el(6, "p", "", &text(7, "abc"))), sel(2000, &[(7, 1, 7, 2)]));
    let evs = events(&json);
    let mut dom = VDom::new();
    dom.apply(&evs[0]);
    dom.apply(&evs[1]);
    dom.set_recording(true);
    dom.apply(&evs[2]);
    let mut changes = Vec::new();
    dom.take_changes(&mut changes);
    assert_eq!(changes, [Change::Selection(dom.document())]);
}

#[test]
fn fonts_are_kept_with_their_source_until_the_next_snapshot() {
    let font = |t, family: &str, src: &str, buffer: bool| {
        inc(
            t,
            10,
            &format!(r#""family":"{family}","fontSource":{src:?},"buffer":{buffer},"descriptors":{{"weight":"700"}}"#),
        )
    };
    let body = el(6, "p", "", "");
    let json = format!(
        "[{},{},{},{}]",
        page(&body),
        font(2000, "Brand", r#"url("https://a.test/brand.woff2")"#, false),
        font(3000, "Inline", "[0,1,255,256,-1]", true),
        font(4000, "Broken", "not json", true),
    );
    let dom = run(&json);
    let fonts = dom.fonts();
    assert_eq!(fonts.len(), 2);
    assert_eq!(fonts[0].family, "Brand");
    assert_eq!(fonts[0].source, FontSource::Css(r#"url("https://a.test/brand.woff2")"#.into()));
    assert_eq!(fonts[0].descriptors.as_deref(), Some(r#"{"weight":"700"}"#));
    assert_eq!(fonts[1].source, FontSource::Bytes(vec![0u8, 1, 255, 0, 255].into()), "Uint8Array wraps");
    assert_eq!(dom.warnings.refused, 1);
    assert!(dom.dump().contains("#font \"Inline\" 5 bytes"));
    let json =
        format!("[{},{},{}]", page(&body), font(2000, "Brand", "url(x)", false), page(&body).replace("1000", "5000"));
    assert!(run(&json).fonts().is_empty());
}

fn draw(t: i64, id: i64, cmds: &[(&str, &str)]) -> String {
    let c: Vec<String> = cmds
        .iter()
        .map(|(p, a)| match p.strip_prefix('=') {
            Some(p) => format!(r#"{{"property":"{p}","args":[{a}],"setter":true}}"#),
            None => format!(r#"{{"property":"{p}","args":[{a}]}}"#),
        })
        .collect();
    inc(t, 9, &format!(r#""id":{id},"type":0,"commands":[{}]"#, c.join(",")))
}

fn log_of(dom: &VDom, id: i64) -> CanvasLog {
    *dom.element(dom.slot_of(id).unwrap()).unwrap().canvas.clone().expect("canvas log")
}

fn props(log: &CanvasLog) -> Vec<String> {
    log.cmds.iter().map(|c| format!("{}{}{}", if c.setter { "=" } else { "" }, c.property, c.args)).collect()
}

#[test]
fn canvas_calls_are_logged_after_the_snapshot_picture() {
    let canvas = el(6, "canvas", r#""width":"100","height":"50","rr_dataURL":"data:image/png;base64,AAA""#, "");
    let legacy = inc(3000, 9, r#""id":6,"property":"fillRect","args":[1,2,3,4]"#);
    let json = format!(
        "[{},{},{},{},{}]",
        page(&format!("{canvas},{}", el(7, "div", "", ""))),
        draw(2000, 6, &[("=fillStyle", r#""red""#), ("fillRect", "0,0,10,10")]),
        legacy,
        draw(4000, 7, &[("fillRect", "0,0,1,1")]),
        inc(5000, 9, r#""id":6,"type":1,"commands":[{"property":"clear","args":[16384]}]"#),
    );
    let dom = run(&json);
    let log = log_of(&dom, 6);
    assert_eq!(log.base.as_deref(), Some("data:image/png;base64,AAA"));
    assert_eq!(props(&log), [r#"=fillStyle["red"]"#, "fillRect[0,0,10,10]", "fillRect[1,2,3,4]"]);
    assert_eq!(dom.warnings.canvas, 2, "a div, and a WebGL call on a 2D canvas");
    assert!(dom.dump().contains("canvas(base=true context=Some(TwoD) calls=0..3 dropped=0)"));
}

#[test]
fn a_canvas_resize_or_reset_starts_a_new_bitmap() {
    let canvas = el(6, "canvas", r#""rr_dataURL":"data:,""#, "");
    let resize =
        inc(3000, 0, r#""texts":[],"attributes":[{"id":6,"attributes":{"width":"640"}}],"removes":[],"adds":[]"#);
    let json = format!(
        "[{},{},{},{},{}]",
        page(&canvas),
        draw(2000, 6, &[("fillRect", "0,0,10,10")]),
        resize,
        draw(4000, 6, &[("fillRect", "1,1,1,1"), ("reset", ""), ("strokeRect", "0,0,2,2")]),
        draw(5000, 6, &[("fillRect", "2,2,2,2")]),
    );
    let evs = events(&json);
    let mut dom = VDom::new();
    for e in &evs[..3] {
        dom.apply(e);
    }
    let gen = log_of(&dom, 6).gen;
    dom.apply(&evs[3]);
    let log = log_of(&dom, 6);
    assert!(log.base.is_none() && log.cmds.is_empty() && log.gen != gen);
    dom.set_recording(true);
    dom.apply(&evs[4]);
    dom.apply(&evs[5]);
    let log = log_of(&dom, 6);
    assert_eq!(props(&log), ["strokeRect[0,0,2,2]", "fillRect[2,2,2,2]"]);
    assert_eq!((log.first, log.end()), (2, 4), "the reset counts as a call of the old bitmap");
    let mut changes = Vec::new();
    dom.take_changes(&mut changes);
    let slot = dom.slot_of(6).unwrap();
    assert_eq!(changes, [Change::Canvas { slot, gen: log.gen }, Change::Canvas { slot, gen: log.gen }]);
}

#[test]
fn the_canvas_log_is_bounded_compacting_at_whole_canvas_clears() {
    // An animation: every frame clears the whole 300x150 canvas and draws. The log keeps the
    // last frame and the state it needs, never more than MAX_CANVAS_COMMANDS calls.
    let page = page(&el(6, "canvas", "", ""));
    let mut frames = Vec::new();
    let per_frame = 100;
    let n = MAX_CANVAS_COMMANDS / per_frame + 5;
    for f in 0..n {
        let mut cmds: Vec<(&str, String)> =
            vec![("clearRect", "0,0,300,150".into()), ("=fillStyle", format!("\"#{:06x}\"", f))];
        cmds.push(("beginPath", String::new()));
        for k in 0..per_frame - 4 {
            cmds.push(("lineTo", format!("{k},{f}")));
        }
        cmds.push(("stroke", String::new()));
        let c: Vec<(&str, &str)> = cmds.iter().map(|(p, a)| (*p, a.as_str())).collect();
        frames.push(draw(2000 + f as i64, 6, &c));
    }
    let dom = run(&format!("[{page},{}]", frames.join(",")));
    let log = log_of(&dom, 6);
    assert!(log.cmds.len() <= MAX_CANVAS_COMMANDS);
    assert_eq!(log.dropped, 0);
    assert_eq!(dom.warnings.canvas, 0);
    assert_eq!(log.end(), (n * per_frame) as u64);
    // compacted at a clear: the log starts with the state a later call may read (the last
    // fillStyle, the open path: a clear does not end it), then that clear
    assert!(&*log.cmds[0].property == "fillStyle" && log.cmds[0].setter);
    assert_eq!(&*log.cmds[1].property, "beginPath");
    assert!(log.cmds[2..per_frame - 2].iter().all(|c| &*c.property == "lineTo"));
    assert_eq!(&*log.cmds[per_frame - 2].property, "clearRect");
    assert_eq!(
        log.cmds.iter().filter(|c| &*c.property == "stroke").count(),
        (log.cmds.len() - per_frame + 2) / per_frame
    );

    // Transformed drawing: a clear no longer proves the canvas blank, so the oldest calls are
    // dropped and counted.
    let mut cmds = vec![("translate", "5,5".to_string())];
    for k in 0..MAX_CANVAS_COMMANDS + 10 {
        cmds.push(if k % 50 == 0 { ("clearRect", "0,0,300,150".into()) } else { ("fillRect", format!("{k},0,1,1")) });
    }
    let c: Vec<(&str, &str)> = cmds.iter().map(|(p, a)| (*p, a.as_str())).collect();
    let dom = run(&format!("[{page},{}]", draw(2000, 6, &c)));
    let log = log_of(&dom, 6);
    assert_eq!(log.cmds.len(), MAX_CANVAS_COMMANDS);
    assert_eq!(log.dropped, 11);
    assert_eq!(dom.warnings.canvas, 11);
    assert_eq!(log.end(), MAX_CANVAS_COMMANDS as u64 + 11);
}

#[test]
fn base64_decodes_rrweb_array_buffers() {
    assert_eq!(decode_base64("aGVsbG8=").unwrap(), b"hello");
    assert_eq!(decode_base64("aGVsbG8").unwrap(), b"hello");
    assert_eq!(decode_base64("AP8=").unwrap(), [0, 255]);
    assert_eq!(decode_base64(""), Some(vec![]));
    assert!(decode_base64("a$b").is_none());
}
