//! The bundle on every recording of `tests/support/fixtures.rs`:
//!
//! - each replay's actions and session are exactly the analyzer's;
//! - the recordings made for the frustration signals produce exactly their findings, and the
//!   others none;
//! - every projection (tables in each format, aggregations, findings, labels, the report and
//!   the friction report, filters) is pinned in `tests/expected/bundle/<stem>.json`, one bundle
//!   per recording plus `all-fixtures.json` for all of them in one bundle. `tests/web.rs`
//!   computes the same projections through the wasm exports in Chromium and compares them with
//!   these files: wasm == native.
//!
//! After an intended change: `UPDATE_EXPECTED=1 cargo test --test bundle`, then review
//! `git diff tests/expected/bundle`.
#![cfg(not(target_arch = "wasm32"))]

use rewind::analyze::bundle::*;
use rewind::analyze::session::signals::THRASH_DIRECTION_CHANGES;
use rewind::analyze::session::AnalyzedSession;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::{env, fs};

include!("support/fixtures.rs");
include!("support/bundle_projections.rs");

const FIXTURES: &[(&str, &str)] = &with_fixtures!(fixture_path);

fn replay(stem: &str) -> AnalyzedSession {
    let &(_, path) = FIXTURES.iter().find(|f| f.0 == stem).expect("listed fixture");
    AnalyzedSession::from_bytes(&fs::read(path).unwrap(), Some(stem)).unwrap()
}

fn all_fixtures() -> ReplayBundle {
    FIXTURES.iter().map(|&(stem, _)| replay(stem)).collect()
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap()
}

/// One projection of a bundle, by its name in [`FIXTURE_PROJECTIONS`] or
/// [`BUNDLE_PROJECTIONS`] (the wasm side is in tests/web.rs).
fn project(b: &ReplayBundle, name: &str) -> String {
    let labels = |f: fn(&rewind::analyze::Action) -> String| json(&b.labels(|a| Some(f(a))));
    let ids = |b: ReplayBundle| json(&b.replay_ids());
    let half = b.len() / 2;
    match name {
        "report_json" => b.report(&ReportOptions::default()).to_json(),
        "report_markdown" => b.report(&ReportOptions::default()).to_markdown(10),
        "report_markdown_top3" => b.report(&ReportOptions { top: 3, ..ReportOptions::default() }).to_markdown(3),
        "friction_json" => b.friction().to_json(),
        "friction_markdown" => b.friction().to_markdown(10),
        "sessions_csv" => b.export(Table::Sessions, TableFormat::Csv),
        "sessions_json" => b.export(Table::Sessions, TableFormat::Json),
        "sessions_jsonl" => b.export(Table::Sessions, TableFormat::Jsonl),
        "actions_csv" => b.export(Table::Actions, TableFormat::Csv),
        "actions_jsonl" => b.export(Table::Actions, TableFormat::Jsonl),
        "events_csv" => b.export(Table::Events, TableFormat::Csv),
        "events_json" => b.export(Table::Events, TableFormat::Json),
        "elements_csv" => b.export(Table::Elements, TableFormat::Csv),
        "elements_jsonl" => b.export(Table::Elements, TableFormat::Jsonl),
        "top_clicks_3" => json(&b.top_clicks(3)),
        "rage_clicks_2_2000" => json(&b.rage_clicks(2, 2000)),
        "findings" => json(&b.findings()),
        "dead_clicks" => json(&b.dead_clicks()),
        "long_pauses_1" => json(&b.long_pauses(1.0)),
        "error_sessions" => json(&b.error_sessions()),
        "labels_default" => labels(default_label),
        "labels_selector" => labels(selector_label),
        "sample_5_7" => ids(b.sample(5, 7)),
        "where_errors" => ids(b.where_(&Where::from_json(WHERE_ERRORS).unwrap())),
        "where_duration" => ids(b.where_(&Where::from_json(WHERE_DURATION).unwrap())),
        "find_pattern" => ids(b.find_pattern(PATTERN, |a| Some(default_label(a)))),
        "compare_halves" => {
            let (first, second) = (b.filter(|r| ids_before(b, r, half)), b.filter(|r| !ids_before(b, r, half)));
            json(&first.compare(&second, |a| Some(selector_label(a))))
        }
        _ => panic!("unknown projection {name}"),
    }
}

/// Whether `r` is among the first `n` replays of `b`.
fn ids_before(b: &ReplayBundle, r: &AnalyzedSession, n: usize) -> bool {
    b.replays().take(n).any(|x| std::ptr::eq(x, r))
}

fn expected_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/expected/bundle")
}

/// Writes (UPDATE_EXPECTED) or checks one pinned file; returns the names that differ.
fn pin(stem: &str, b: &ReplayBundle, names: &[&str]) -> Vec<String> {
    let projections: BTreeMap<&str, String> = names.iter().map(|&n| (n, project(b, n))).collect();
    let want = serde_json::to_string_pretty(&projections).unwrap() + "\n";
    let file = expected_dir().join(format!("{stem}.json"));
    if env::var_os("UPDATE_EXPECTED").is_some() {
        fs::create_dir_all(expected_dir()).unwrap();
        fs::write(&file, &want).unwrap();
        return Vec::new();
    }
    let have: BTreeMap<String, String> =
        fs::read_to_string(&file).ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default();
    names.iter().filter(|&&n| have.get(n) != projections.get(n)).map(|n| format!("{stem}: {n}")).collect()
}

#[test]
fn projections_match_the_pinned_files() {
    let mut stale = Vec::new();
    for &(stem, _) in FIXTURES {
        stale.extend(pin(stem, &ReplayBundle::from(replay(stem)), FIXTURE_PROJECTIONS));
    }
    stale.extend(pin(ALL_FIXTURES, &all_fixtures(), BUNDLE_PROJECTIONS));
    assert!(
        stale.is_empty(),
        "tests/expected/bundle differs from the bundle for {stale:?}.\n\
         If the change is intended, run `UPDATE_EXPECTED=1 cargo test --test bundle` and review the diff."
    );
    let mut files: Vec<String> =
        fs::read_dir(expected_dir()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    files.sort();
    let mut listed: Vec<String> =
        FIXTURES.iter().map(|f| format!("{}.json", f.0)).chain([format!("{ALL_FIXTURES}.json")]).collect();
    listed.sort();
    assert_eq!(files, listed, "tests/expected/bundle holds exactly one file per fixture, plus {ALL_FIXTURES}.json");
}

#[test]
fn replays_are_the_analyzers_analysis() {
    for &(stem, path) in FIXTURES {
        let bytes = fs::read(path).unwrap();
        let mut recording = rewind::codec::decode(&bytes).unwrap();
        recording.fill_session_id(stem);
        let analysis = rewind::analyze::analyze(recording);
        let r = replay(stem);
        assert_eq!(r.actions(), &analysis.actions[..], "{stem}");
        assert_eq!(r.summary_markdown(), analysis.summary_markdown, "{stem}");
        assert_eq!(r.warnings(), &analysis.warnings[..], "{stem}");
        let s = r.session();
        let a = &analysis.session;
        assert_eq!(
            (&s.replay_id, s.start_time, s.end_time, s.n_events, s.n_actions, s.n_clicks, s.n_pages, s.n_errors),
            (&a.replay_id, a.start_time, a.end_time, a.n_events, a.n_actions, a.n_clicks, a.n_pages, a.n_errors),
            "{stem}"
        );
        assert_eq!(r.events().count(), s.n_events, "{stem}: one events-table row per event");
    }
}

/// (kind, element, count) of every finding of a recording, in time order.
fn findings(stem: &str) -> Vec<(FindingKind, String, usize)> {
    ReplayBundle::from(replay(stem))
        .findings()
        .into_iter()
        .map(|f| (f.kind, f.element.unwrap_or_default(), f.count))
        .collect()
}

#[test]
fn recorded_frustration_produces_exactly_its_findings() {
    use FindingKind::*;
    let s = String::from;
    // A dead button clicked 5 times in 0.6 s: a rage click, and five dead clicks in one finding
    // (the wait ends when the user double-clicks the heading).
    assert_eq!(
        findings("dead-button"),
        [(RageClick, s(r#"button "Apply coupon""#), 5), (DeadClick, s(r#"button "Apply coupon""#), 5)]
    );
    // A console.error right after "Load data", an uncaught TypeError 50 ms after "Refresh
    // widgets"; "Use legacy export" only logs a warning, so nothing visible happens.
    assert_eq!(
        findings("console-error"),
        [
            (ErrorClick, s(r#"button "Load data""#), 1),
            (DeadClick, s(r#"button "Use legacy export""#), 1),
            (ErrorClick, s(r#"button "Refresh widgets""#), 1),
        ]
    );
    let u_turn = ReplayBundle::from(replay("u-turn")).findings();
    assert_eq!(u_turn.len(), 1);
    assert_eq!(u_turn[0].kind, UTurn);
    assert_eq!(u_turn[0].url.as_deref(), Some("http://shop.rewind.test/shop/items/:id"));
    assert_eq!(u_turn[0].element.as_deref(), Some(r#"a "Trail running shoes €89.00" to /shop/items/1042"#));
    assert!(
        u_turn[0].explanation.starts_with("Went from /shop to /shop/items/:id and came back after 2."),
        "{}",
        u_turn[0].explanation
    );

    let signup = findings("hesitant-signup");
    let kinds: Vec<FindingKind> = signup.iter().map(|f| f.0).collect();
    assert_eq!(kinds, [ExcessiveScrolling, ThrashedCursor, FormAbandonment]);
    assert_eq!(signup[0], (ExcessiveScrolling, s("page"), 3));
    assert!(signup[1].2 >= THRASH_DIRECTION_CHANGES, "{:?}", signup[1]);
    assert_eq!(signup[2], (FormAbandonment, s(r#"input "Company" type=text"#), 2));

    // The SPA's routes are inferred (rrweb records no URL change), so its quick return is seen:
    // Settings → Billing → "← Back" (history.back()) within half a second.
    let spa = ReplayBundle::from(replay("spa-navigation")).findings();
    assert_eq!(spa.len(), 1);
    assert_eq!((spa[0].kind, spa[0].url.as_deref()), (UTurn, Some("http://shop.rewind.test/app/billing")));
    assert_eq!(spa[0].element.as_deref(), Some(r#"a "Billing" to /app/billing"#));
    assert!(spa[0].explanation.starts_with("Went from /app/settings to /app/billing and came back after 0."));

    // No false positives on the recordings of ordinary use: the "Add item" button clicked three
    // times in 0.6 s answers every click, the login form is submitted, and every "Create
    // account" and "Pay" click is answered (an alert, a status message).
    // One click on the dead "Apply coupon", then a burst 3 s later: the rage click is the burst
    // only; the first click is a dead click of its own. The recording ends 1.2 s after the
    // burst, too soon to judge its clicks dead.
    assert_eq!(
        findings("rage-after-click"),
        [(DeadClick, s(r#"button "Apply coupon""#), 1), (RageClick, s(r#"button "Apply coupon""#), 5)]
    );
    for stem in [
        "checkout-dynamic",
        "login-form",
        "scroll-select",
        "touch",
        "todo-entries",
        "checklist-rerender",
        "select-text",
        "signup-terms",
        "payment",
    ] {
        assert_eq!(findings(stem), [], "{stem}");
    }
}

/// The timeline's rage lines are the friction report's rage findings at the default
/// parameters: same bursts (first click, count, span), on every recording.
#[test]
fn timeline_rage_lines_are_the_default_rage_findings() {
    use rewind::analyze::session::signals::{rage_clicks, RAGE_CLICK_THRESHOLD, RAGE_CLICK_WINDOW_MS};
    let mut total = 0;
    for &(stem, _) in FIXTURES {
        let r = replay(stem);
        let mut marked: Vec<(i64, u64, i64)> = r
            .actions()
            .iter()
            .filter_map(|a| a.metadata.get("rage"))
            .map(|g| (g["start_ms"].as_i64().unwrap(), g["count"].as_u64().unwrap(), g["span_ms"].as_i64().unwrap()))
            .collect();
        marked.dedup();
        let found: Vec<(i64, u64, i64)> = rage_clicks(&r, RAGE_CLICK_THRESHOLD, RAGE_CLICK_WINDOW_MS)
            .iter()
            .map(|f| (f.t_ms, f.count as u64, f.end_ms - f.t_ms))
            .collect();
        assert_eq!(marked, found, "{stem}");
        let lines = r.summary_markdown().lines().filter(|l| l.contains(": Rage-clicked ")).count();
        assert_eq!(lines, found.len(), "{stem}: one timeline line per burst");
        total += found.len();
    }
    assert!(total >= 2, "the dead-button and rage-after-click recordings each hold a burst");
}

#[test]
fn one_bundle_of_every_recording_ranks_friction_by_users() {
    let b = all_fixtures();
    assert_eq!(b.len(), FIXTURES.len());
    let friction = b.friction();
    assert_eq!(friction.n_users, FIXTURES.len(), "no recording names a user: each replay is its own");
    let n: usize = friction.groups.iter().map(|g| g.n_findings).sum();
    assert_eq!(n, b.findings().len());
    assert!(friction.groups.windows(2).all(|w| w[0].n_users >= w[1].n_users));
    // The same recording under two users is one group hit by two users, ranked first.
    let mut twice = ReplayBundle::new();
    for user in ["u-1", "u-2"] {
        let mut recording =
            rewind::codec::decode(&fs::read(FIXTURES.iter().find(|f| f.0 == "u-turn").unwrap().1).unwrap()).unwrap();
        recording.session_id = Some(format!("s-{user}"));
        recording.distinct_id = Some(user.to_string());
        twice.add_recording(recording);
    }
    let top = &b.concat(&twice).friction().groups[0];
    assert_eq!((top.kind, top.n_users, top.n_replays), (FindingKind::UTurn, 3, 3));
}

/// `login-form` has an email and a card number typed into unmasked inputs (rrweb masks only
/// passwords by default): no output shows them unless redaction is turned off, and then every
/// output that carries typed values does.
#[test]
fn personal_data_is_redacted_from_every_output_unless_turned_off() {
    use rewind::analyze::{analyze_with, AnalyzeOptions};
    const CLEAR: [&str; 2] = ["jane.doe@example.com", "4111 1111 1111 1111"];
    let &(_, path) = FIXTURES.iter().find(|f| f.0 == "login-form").unwrap();
    let bytes = fs::read(path).unwrap();
    for redact in [true, false] {
        let options = AnalyzeOptions { redact };
        let mut recording = rewind::codec::decode(&bytes).unwrap();
        recording.fill_session_id("login-form");
        let analysis = analyze_with(recording, options);
        let replay = AnalyzedSession::from_bytes_with(&bytes, Some("login-form"), options).unwrap();
        assert_eq!(replay.actions(), analysis.actions, "bundle and analyzer agree (redact: {redact})");
        assert_eq!(replay.redactions(), analysis.redactions);
        let bundle = ReplayBundle::from(replay);
        let report = bundle.report(&ReportOptions::default());
        let mut report_json = Vec::new();
        report.write_json(&mut report_json).unwrap();
        let mut outputs = vec![
            ("markdown", analysis.summary_markdown.clone()),
            ("json", analysis.to_replay_json()),
            ("report markdown", report.to_markdown(10)),
            ("report json", String::from_utf8(report_json).unwrap()),
        ];
        for table in [Table::Sessions, Table::Actions, Table::Events, Table::Elements] {
            for format in [TableFormat::Csv, TableFormat::Json, TableFormat::Jsonl] {
                outputs.push(("table", bundle.export(table, format)));
            }
        }
        for (name, text) in &outputs {
            for value in CLEAR {
                assert!(!redact || !text.contains(value), "{name} shows {value}:\n{text}");
            }
        }
        // Where the typed values show when not redacted: timeline, JSON, actions CSV.
        for (name, text) in [&outputs[0], &outputs[1], &outputs[7]] {
            for value in CLEAR {
                assert_eq!(redact, !text.contains(value), "{name} (redact: {redact})");
            }
        }
        if redact {
            assert!(analysis.redactions >= 2, "{}", analysis.redactions);
            let warning = format!("{} personal data values redacted", analysis.redactions);
            assert!(analysis.warnings.iter().any(|w| w.starts_with(&warning)), "{:?}", analysis.warnings);
            assert!(analysis.summary_markdown.contains("[REDACTED:email]"));
            assert!(analysis.summary_markdown.contains("[REDACTED:card]"));
        } else {
            assert_eq!(analysis.redactions, 0);
            assert!(analysis.warnings.iter().all(|w| !w.contains("redacted")));
        }
    }
}
