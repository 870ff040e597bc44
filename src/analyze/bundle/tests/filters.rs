//! Tables, filters, labels, comparison and the ranked friction report.

use super::*;

fn dead_button(id: &str, user: Option<&str>) -> AnalyzedSession {
    // Three quick clicks on the dead button, then nothing for 3 s: a rage click and a dead click.
    replay_of(
        id,
        user,
        &[click(100, BUTTON), click(300, BUTTON), click(500, BUTTON), vec![custom(3500, "idle")]].concat(),
    )
}

fn bundle() -> ReplayBundle {
    let shopper = replay_of(
        "shop",
        Some("u-2"),
        &[
            click(100, SEARCH),
            vec![input(200, SEARCH, "shoes", false), meta(15_000, "https://shop.test/checkout/42"), snapshot(15_000)],
            click(16_000, SUBMIT),
            vec![mutation(16_100), console_error(16_200, "failed")],
        ]
        .concat(),
    );
    [dead_button("a", Some("u-1")), dead_button("b", Some("u-1")), dead_button("c", Some("u-3")), shopper]
        .into_iter()
        .collect()
}

#[test]
fn tables_in_every_format() {
    let b = bundle();
    let csv = b.export(Table::Sessions, TableFormat::Csv);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("replay_id,distinct_id,start_time,end_time,duration_s,n_events,n_actions,n_clicks,n_inputs,n_pages,n_errors,n_custom,entry_url,exit_url,lcp_ms,cls,inp_ms,fcp_ms,ttfb_ms,long_tasks,long_task_ms")
    );
    assert_eq!(
        lines.next(),
        Some(
            format!(
                "a,u-1,{T0},{},3.5,9,5,3,0,1,0,1,https://shop.test/cart?coupon=X,https://shop.test/cart?coupon=X,,,,,,,",
                at(3500)
            )
            .as_str()
        )
    );
    assert_eq!(csv.lines().count(), 5);
    let jsonl = b.export(Table::Actions, TableFormat::Jsonl);
    let n_actions: usize = b.sessions().iter().map(|s| s.n_actions).sum();
    assert_eq!(jsonl.lines().count(), n_actions);
    assert!(jsonl.starts_with(&format!(r#"{{"replay_id":"a","t_ms":{T0},"action":"navigate","#)), "{jsonl}");
    let events: serde_json::Value = serde_json::from_str(&b.export(Table::Events, TableFormat::Json)).unwrap();
    let n_events: usize = b.sessions().iter().map(|s| s.n_events).sum();
    assert_eq!(events.as_array().unwrap().len(), n_events);
    assert_eq!(events[3]["mouse_type"], 2);
    let elements = b.export(Table::Elements, TableFormat::Csv);
    assert_eq!(
        elements,
        "target_desc,normalized_url,n_clicks,n_unique_replays\n\
         \"button \"\"Apply coupon\"\"\",https://shop.test/cart,9,3\n\
         \"button \"\"Send\"\"\",https://shop.test/checkout/:id,1,1\n\
         \"input placeholder=\"\"Search\"\" type=text\",https://shop.test/cart,1,1\n"
    );
    assert_eq!(b.top_clicks(1).len(), 1);
}

#[test]
fn where_filters_on_every_condition() {
    let b = bundle();
    let ids = |q: &str| b.where_(&Where::from_json(q).unwrap()).replay_ids();
    assert_eq!(ids(r#"{"distinct_id":"u-1"}"#), ["a", "b"]);
    assert_eq!(ids(r#"{"containsUrl":"/checkout/"}"#), ["shop"]);
    assert_eq!(ids(r#"{"has_event":"console_error"}"#), ["shop"]);
    assert_eq!(ids(r#"{"has_event":"idle"}"#), ["a", "b", "c"], "a custom event tag");
    assert_eq!(ids(r#"{"min_duration_s":3.5,"max_duration_s":3.5}"#), ["a", "b", "c"]);
    assert_eq!(ids(r#"{"min_duration_s":10}"#), ["shop"]);
    assert_eq!(ids(r#"{"distinct_id":"u-1","min_duration_s":10}"#), Vec::<String>::new());
    assert_eq!(ids("{}").len(), 4);
    assert!(Where::from_json(r#"{"user":"u-1"}"#).unwrap_err().starts_with("where: unknown field `user`"));
    assert_eq!(b.filter(|r| r.session().n_errors > 0).replay_ids(), ["shop"]);
    let failed: Result<ReplayBundle, &str> =
        b.try_filter(|r| if r.replay_id() == "b" { Err("stop") } else { Ok(true) });
    assert_eq!(failed.unwrap_err(), "stop");
}

#[test]
fn samples_are_deterministic_and_keep_order() {
    let b: ReplayBundle = (0..50).map(|i| dead_button(&format!("r{i:02}"), None)).collect();
    let one = b.sample(10, 42).replay_ids();
    assert_eq!(one.len(), 10);
    assert_eq!(one, b.sample(10, 42).replay_ids());
    let mut sorted = one.clone();
    sorted.sort();
    assert_eq!(one, sorted, "bundle order");
    assert_ne!(one, b.sample(10, 43).replay_ids());
    assert_eq!(b.sample(50, 1).len(), 50);
    assert_eq!(b.sample(0, 1).len(), 0);
    // Pinned: the same picks on every platform and build (tests/web.rs checks wasm).
    assert_eq!(b.sample(3, 7).replay_ids(), ["r12", "r20", "r22"]);
}

#[test]
fn labels_patterns_and_comparison() {
    let b = bundle();
    let labels = b.labels(|a| Some(default_label(a)));
    assert_eq!(
        labels[0].1,
        ["navigate@/cart", "click:button@/cart", "click:button@/cart", "click:button@/cart", "custom:idle@/cart"]
    );
    let selectors = b.labels(|a| Some(selector_label(a)));
    assert_eq!(selectors[0].1[1], r#"click:[data-testid="apply"]@/cart"#);
    let found =
        b.find_pattern(&["click:button@/cart", "click:button@/cart", "custom:idle@/cart"], |a| Some(default_label(a)));
    assert_eq!(found.replay_ids(), ["a", "b", "c"]);
    // Contiguous: skipping a step does not match, unless the labeller skips that action.
    let gap = ["navigate@/cart", "click:button@/cart", "custom:idle@/cart"];
    assert!(b.find_pattern(&gap, |a| Some(default_label(a))).is_empty());
    let clicks_once = |a: &Action| (a.t_ms != at(300) && a.t_ms != at(500)).then(|| default_label(a));
    assert_eq!(b.find_pattern(&gap, clicks_once).len(), 3);
    assert_eq!(b.find_pattern::<&str>(&[], |a| Some(default_label(a))).len(), 4);

    let (dead, shop) = (
        b.where_(&Where { distinct_id: Some("u-1".into()), ..Where::default() }),
        b.where_(&Where { distinct_id: Some("u-2".into()), ..Where::default() }),
    );
    let rows = dead.compare(&shop, |a| Some(default_label(a)));
    assert_eq!(rows[0], CompareRow { action: "click:button@/cart".into(), self_count: 6, other_count: 0, delta: 6 });
    assert!(rows.iter().any(|r| r.action == "console_error@/checkout/:id" && r.delta == -1));
}

#[test]
fn friction_is_ranked_by_distinct_users() {
    let b = bundle();
    let friction = b.friction();
    assert_eq!((friction.n_replays, friction.n_users), (4, 3));
    let top = &friction.groups[0];
    // Rage and dead clicks on the button: 3 replays but 2 users (u-1 twice, u-3).
    assert_eq!((top.rank, top.kind, top.n_users, top.n_replays, top.total_count), (1, FindingKind::RageClick, 2, 3, 9));
    assert_eq!(friction.groups[1].kind, FindingKind::DeadClick);
    let rest: Vec<(FindingKind, usize)> = friction.groups[2..].iter().map(|g| (g.kind, g.n_users)).collect();
    assert_eq!(rest, [(FindingKind::ErrorClick, 1)]);
    // A bundle of one replay is that replay's friction report.
    let one = b.where_(&Where { distinct_id: Some("u-2".into()), ..Where::default() }).friction();
    assert_eq!(one.groups.len(), 1);
    assert_eq!(one.groups[0].findings[0].explanation, r#"Clicked button "Send"; console error 0.2 s later: "failed""#);
    let md = friction.to_markdown(10);
    assert!(
        md.contains(
            "### 1. Rage click: button \"Apply coupon\" on https://shop.test/cart\n2 users · 3 replays · 3 findings\n"
        ),
        "{md}"
    );
    assert!(md.contains("- `a` (user u-1) at 0.1s: Clicked button \"Apply coupon\" 3 times in 0.4 s\n  ```text\n  0.0s: Navigated to https://shop.test/cart?coupon=X\n  0.1s: Rage-clicked button \"Apply coupon\" 3× in 0.4 s\n"), "{md}");
}

#[test]
fn the_report_is_the_merge_of_replay_parts() {
    let b = bundle();
    let options = ReportOptions { top: 2, ..ReportOptions::default() };
    let report = b.report(&options);
    let parts: Vec<ReplayPart> = b.replays().map(|r| ReplayPart::new(r, &options)).collect();
    assert_eq!(BundleReport::from_parts(parts, &options), report);
    assert_eq!(report.top_clicks.len(), 2);
    assert_eq!(report.rage_clicks.len(), 1);
    assert_eq!(report.dead_clicks[0].total_count, 9);
    assert_eq!(report.error_sessions.len(), 1);
    assert_eq!(report.long_pauses.len(), 1);
    assert_eq!(report.long_pauses[0].duration_s, 14.8);
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(json["friction"]["groups"][0]["findings"][0]["kind"], "rage_click");
    let md = report.to_markdown(2);
    for section in [
        "## Sessions",
        "## Top clicks",
        "## Rage clicks",
        "## Dead clicks",
        "## Error sessions",
        "## Long pauses",
        "## Friction report",
    ] {
        assert!(md.contains(&format!("\n{section}\n")), "{section} in {md}");
    }
    assert!(
        md.contains(
            "| a | u-1 | 2023-11-14 22:13:20 | 3.5 s | 9 | 5 | 3 | 0 | 1 | 0 | 1 | https://shop.test/cart?coupon=X |"
        ),
        "{md}"
    );
}
