//! Web vitals (`rewind/web-vitals@1`) in the bundle: the sessions columns, the pages table and
//! the report's slow pages.

use super::*;

fn vitals(ms: i64, href: &str, lcp: &str, cls: &str, inp: &str) -> String {
    format!(
        r#"{{"type":6,"timestamp":{},"data":{{"plugin":"rewind/web-vitals@1","payload":{{"href":"{href}","lcp_ms":{lcp},"cls":{cls},"inp_ms":{inp},"fcp_ms":null,"ttfb_ms":40,"long_tasks":2,"long_task_ms":130}}}}}}"#,
        at(ms)
    )
}

fn bundle() -> ReplayBundle {
    let slow = replay_of(
        "slow",
        None,
        &[
            vitals(1000, "https://shop.test/cart", "5200", "0.02", "120"),
            meta(2000, "https://shop.test/pay"),
            snapshot(2000),
            vitals(3000, "https://shop.test/pay", "null", "0.4", "640"),
        ],
    );
    let fine = replay_of("fine", None, &[vitals(1000, "https://shop.test/", "900", "0", "null")]);
    let none = replay_of("none", None, &click(100, BUTTON));
    [slow, fine, none].into_iter().collect()
}

#[test]
fn sessions_carry_the_worst_page_and_pages_one_row_each() {
    let b = bundle();
    let rows = b.sessions();
    let v = &rows[0].vitals;
    assert_eq!((v.lcp_ms, v.cls, v.inp_ms, v.fcp_ms), (Some(5200.0), Some(0.4), Some(640.0), None));
    assert_eq!((v.long_tasks, v.long_task_ms), (Some(4), Some(260.0)));
    assert_eq!(rows[2].vitals, crate::analyze::Vitals::default());
    let csv = b.export(Table::Sessions, TableFormat::Csv);
    assert!(csv.lines().next().unwrap().ends_with(",lcp_ms,cls,inp_ms,fcp_ms,ttfb_ms,long_tasks,long_task_ms"));
    assert!(csv.lines().nth(1).unwrap().ends_with(",5200.0,0.4,640.0,,40.0,4,260.0"), "{csv}");
    assert!(csv.lines().nth(3).unwrap().ends_with(",,,,,,,"), "{csv}");

    let pages = b.export(Table::Pages, TableFormat::Csv);
    let lines: Vec<&str> = pages.lines().collect();
    assert_eq!(lines[0], "replay_id,t_ms,href,lcp_ms,cls,inp_ms,fcp_ms,ttfb_ms,long_tasks,long_task_ms");
    assert_eq!(lines.len(), 4, "{pages}");
    assert_eq!(lines[2], format!("slow,{},https://shop.test/pay,,0.4,640.0,,40.0,2,130.0", at(3000)));
    let json: serde_json::Value = serde_json::from_str(&b.export(Table::Pages, TableFormat::Json)).unwrap();
    assert_eq!(json[2]["replay_id"], "fine");
    assert_eq!(json[2]["inp_ms"], serde_json::Value::Null);
    assert_eq!("pages".parse::<Table>(), Ok(Table::Pages));
}

#[test]
fn the_report_lists_pages_past_web_dev_poor_boundaries() {
    let b = bundle();
    let report = b.report(&ReportOptions::default());
    let slow: Vec<(&str, Vec<String>)> =
        report.slow_pages.iter().map(|p| (p.page.href.as_deref().unwrap(), p.poor.clone())).collect();
    assert_eq!(
        slow,
        vec![
            ("https://shop.test/cart", vec!["LCP 5200 ms".to_string()]),
            ("https://shop.test/pay", vec!["INP 640 ms".to_string(), "CLS 0.4".to_string()]),
        ]
    );
    let md = report.to_markdown(10);
    assert!(md.contains("## Slow pages"), "{md}");
    assert!(md.contains("| slow | https://shop.test/pay | INP 640 ms, CLS 0.4 | – | 640 | 0.4 | 2 |"), "{md}");
    // A bundle without vitals has no such section.
    let plain: ReplayBundle = [replay_of("none", None, &click(100, BUTTON))].into_iter().collect();
    let md = plain.report(&ReportOptions::default()).to_markdown(10);
    assert!(!md.contains("Slow pages"), "{md}");
    assert!(plain.report(&ReportOptions::default()).slow_pages.is_empty());
}

#[test]
fn a_bad_payload_warns_and_keeps_the_rest() {
    let r = replay_of(
        "bad",
        None,
        &[
            vitals(1000, "https://shop.test/", "\"slow\"", "-1", "300"),
            format!(
                r#"{{"type":6,"timestamp":{},"data":{{"plugin":"rewind/web-vitals@1","payload":"oops"}}}}"#,
                at(1500)
            ),
            click(2000, BUTTON)[1].clone(),
        ],
    );
    let v = &r.session.vitals;
    assert_eq!((v.lcp_ms, v.cls, v.inp_ms), (None, None, Some(300.0)));
    assert_eq!(r.warnings.iter().filter(|w| w.contains("web-vitals")).count(), 2, "{:?}", r.warnings);
}
