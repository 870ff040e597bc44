//! The CLI as a collector client, end to end: a real `rewind serve` on 127.0.0.1, sessions made
//! from real recordings (fixtures/) sent through its ingest endpoint, and every client command
//! (`sessions`, `fetch`, `analyze --session/--latest`, `report`) run as the real binary against
//! it, with their filters and their error exits.

#[path = "serve/harness.rs"]
mod harness;

use harness::*;
use serde_json::{json, Value};
use std::io::Read;
use std::process::Output;
use std::time::{Duration, Instant};

/// 2026-12-01T00:00:00Z, epoch ms.
const DEC_1: i64 = 1_796_083_200_000;
const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;

/// `rewind ARGS` with `key` (if any) in REWIND_READ_KEY and nothing else from the environment.
fn rewind(key: Option<&str>, args: &[&str]) -> Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_rewind"));
    command.args(args).env_remove("REWIND_COLLECTOR").env_remove("REWIND_READ_KEY");
    for name in ["REWIND_LLM_BASE_URL", "REWIND_LLM_API_KEY", "REWIND_LLM_MODEL"] {
        command.env_remove(name);
    }
    if let Some(key) = key {
        command.env("REWIND_READ_KEY", key);
    }
    command.output().expect("rewind runs")
}

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "exit {:?}: {}", out.status.code(), String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).expect("UTF-8 stdout")
}

/// Asserts exit 2 with exactly one stderr line containing `needle` and not the read key.
fn refused(out: &Output, needle: &str) -> String {
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.contains(needle), "{needle:?} in {err}");
    assert!(!err.contains(READ) && !err.contains(PUBLIC), "no key in {err}");
    assert!(out.stdout.is_empty(), "nothing on stdout");
    err
}

/// `fixtures/{name}.json` moved in time so its first event is at `start_ms`.
fn retimed(name: &str, start_ms: i64) -> Vec<Value> {
    let mut events = fixture_events(name);
    let shift = start_ms - events[0]["timestamp"].as_i64().unwrap();
    for e in &mut events {
        e["timestamp"] = json!(e["timestamp"].as_i64().unwrap() + shift);
    }
    events
}

/// Sends `events` as session `id` in `batches` batches (app and user set), and returns them.
async fn ingest(server: &Server, id: &str, app: &str, user: &str, events: &[Value], batches: usize) {
    let size = events.len().div_ceil(batches);
    for (seq, chunk) in events.chunks(size).enumerate() {
        let mut body = batch(id, seq as u64, chunk);
        body["app_id"] = json!(app);
        body["distinct_id"] = json!(user);
        let (status, answer) = server.ingest(&body).await;
        assert_eq!(status, 200, "{answer}");
    }
}

/// Waits until the collector has analysed every session (rage and dead clicks are known).
async fn all_analysed(server: &Server, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let list = server.list("").await;
        let sessions = list["sessions"].as_array().unwrap();
        if sessions.len() == n && sessions.iter().all(|s| s["analysis_pending"] == false) {
            return;
        }
        assert!(Instant::now() < deadline, "never analysed: {list}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn ids(rows: &Value) -> Vec<String> {
    rows.as_array().unwrap().iter().map(|r| r["session_id"].as_str().unwrap().to_string()).collect()
}

/// Four sessions on four days, the login one stored with its batches out of time order.
async fn collector_with_sessions() -> (Server, Vec<Value>) {
    // Stored as sent, so a fetch can be compared with what was sent (serve_privacy.rs covers
    // what server-side redaction changes); every analysis output is still redacted.
    let server = Server::start(&["--analysis-idle-secs", "0", "--no-server-redaction"]);
    let login = retimed("login-form", DEC_1 - DAY + 10 * HOUR);
    // seq 0 holds the later half of the events: stored (and served) out of time order.
    let (early, late) = login.split_at(login.len() / 2);
    let reordered: Vec<Value> = late.iter().chain(early).cloned().collect();
    ingest(&server, "s-login", "shop", "jane", &reordered, 2).await;
    ingest(&server, "s-error", "shop", "carol", &retimed("console-error", DEC_1 + 12 * HOUR), 1).await;
    ingest(&server, "s-rage", "shop", "bob", &retimed("rage-after-click", DEC_1 + DAY + 9 * HOUR), 2).await;
    ingest(&server, "s-dead", "admin", "bob", &retimed("dead-button", DEC_1 + 2 * DAY + 9 * HOUR), 1).await;
    all_analysed(&server, 4).await;
    (server, login)
}

#[tokio::test(flavor = "multi_thread")]
async fn sessions_lists_a_collector_with_its_filters() {
    let (server, _) = collector_with_sessions().await;
    let url = server.url.as_str();
    let list = |extra: &[&str]| -> Value {
        let args: Vec<&str> =
            ["sessions", "--collector", url, "--format", "json"].iter().copied().chain(extra.iter().copied()).collect();
        serde_json::from_str(&ok(&rewind(Some(READ), &args))).expect("JSON rows")
    };
    assert_eq!(ids(&list(&[])), ["s-dead", "s-rage", "s-error", "s-login"], "newest first");
    let rows = list(&[]);
    assert_eq!((rows[0]["app_id"].clone(), rows[0]["distinct_id"].clone()), (json!("admin"), json!("bob")));
    assert_eq!(rows[0]["start_time"], DEC_1 + 2 * DAY + 9 * HOUR);

    // --to takes a date's whole day; RFC 3339 and epoch ms work too.
    assert_eq!(ids(&list(&["--from", "2026-12-01", "--to", "2026-12-02"])), ["s-rage", "s-error"]);
    assert_eq!(ids(&list(&["--from", "2026-12-02T10:00:00+01:00"])), ["s-dead", "s-rage"]);
    assert_eq!(ids(&list(&["--to", &(DEC_1).to_string()])), ["s-login"]);
    assert_eq!(ids(&list(&["--user", "bob"])), ["s-dead", "s-rage"]);
    assert_eq!(ids(&list(&["--app", "admin"])), ["s-dead"]);
    assert_eq!(ids(&list(&["--url", "CART"])), ["s-dead", "s-rage"], "contains, any case");
    assert_eq!(ids(&list(&["--url-prefix", "http://shop.rewind.test/login"])), ["s-login"]);
    assert_eq!(ids(&list(&["--query", "monthly"])), ["s-error"]);
    assert_eq!(ids(&list(&["--min-duration", "5"])), ["s-login"], "5.8 s; the others are shorter");
    assert_eq!(ids(&list(&["--limit", "1"])), ["s-dead"]);
    // The signals: the collector's own answer for the same filter, which must not be empty.
    for (flag, has) in [("errors", "errors"), ("rage", "rage"), ("dead", "dead"), ("rage,dead", "rage,dead")] {
        let want = ids(&server.list(&format!("has={has}")).await["sessions"]);
        assert!(!want.is_empty(), "{has}");
        assert_eq!(ids(&list(&["--has", flag])), want, "--has {flag}");
    }
    assert!(ids(&list(&["--has", "errors"])).contains(&"s-error".to_string()));
    assert!(ids(&list(&["--has", "rage"])).contains(&"s-rage".to_string()));

    let csv = ok(&rewind(Some(READ), &["sessions", "--collector", url, "--user", "bob"]));
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("session_id,app_id,distinct_id,start_time"), "{csv}");
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[1].starts_with("s-dead,admin,bob,"), "{csv}");
    let jsonl = ok(&rewind(Some(READ), &["sessions", "--collector", url, "--format", "jsonl"]));
    assert_eq!(jsonl.lines().count(), 4);

    let table = rewind(Some(READ), &["sessions", "--collector", url, "--format", "table", "--limit", "2"]);
    let text = ok(&table);
    assert!(text.lines().next().unwrap().starts_with("session_id  app_id"), "{text}");
    assert!(text.contains("2026-12-03 09:00:00") && text.contains("s-rage"), "{text}");
    assert_eq!(text.lines().count(), 3);
    assert!(String::from_utf8_lossy(&table.stderr).contains("showing the newest 2 of 4 sessions"));

    // The key from a file; the environment's collector when no PATH is given.
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("read.key");
    std::fs::write(&key_file, format!("{READ}\n")).unwrap();
    let from_file = rewind(None, &["sessions", "--read-key-file", key_file.to_str().unwrap(), "--collector", url]);
    assert_eq!(ok(&from_file).lines().count(), 5);
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_rewind"));
    let from_env =
        command.args(["sessions"]).env("REWIND_COLLECTOR", url).env("REWIND_READ_KEY", READ).output().unwrap();
    assert_eq!(ok(&from_env).lines().count(), 5);
}

#[tokio::test(flavor = "multi_thread")]
async fn fetch_writes_time_sorted_arrays_that_rewind_reads() {
    let (server, login) = collector_with_sessions().await;
    let url = server.url.as_str();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s-login.json");
    let out = rewind(Some(READ), &["fetch", "s-login", "--collector", url, "-o", file.to_str().unwrap()]);
    ok(&out);
    assert!(String::from_utf8_lossy(&out.stderr).contains(&format!("({} events)", login.len())));
    let fetched: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert!(fetched == Value::Array(login.clone()), "every event, in time order, as sent");
    let (_, stored) = server.get("/v1/sessions/s-login", READ).await;
    assert!(stored["events"] != fetched, "the collector serves them in seq order, which is not time order here");
    assert!(dir.path().read_dir().unwrap().count() == 1, "no temporary file left beside it");

    let jsonl = ok(&rewind(Some(READ), &["fetch", "s-login", "--collector", url, "--format", "jsonl"]));
    let lines: Vec<Value> = jsonl.lines().map(|l| serde_json::from_str(l).expect("one event per line")).collect();
    assert!(lines == login, "JSON Lines: the same events");

    let gz = dir.path().join("s-login.json.gz");
    ok(&rewind(Some(READ), &["fetch", "s-login", "--collector", url, "--format", "gz", "-o", gz.to_str().unwrap()]));
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(&gz).unwrap()).read_to_string(&mut text).unwrap();
    assert_eq!(text.as_bytes(), std::fs::read(&file).unwrap(), "gz is the json, gzip'd");

    // The fetched file analyses as the collector analyses the stored session.
    let (_, analysis) = server.get("/v1/sessions/s-login/analysis", READ).await;
    for path in [&file, &gz] {
        let local: Value =
            serde_json::from_str(&ok(&rewind(None, &["analyze", "--format", "json", path.to_str().unwrap()]))).unwrap();
        let replay = &local["replays"][0];
        assert_eq!(replay["replay_id"], "s-login");
        assert_eq!(replay["summary_markdown"], analysis["summary_markdown"]);
        assert_eq!(replay["actions"], analysis["actions"]);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn analyze_and_report_read_sessions_from_the_collector() {
    let (server, _) = collector_with_sessions().await;
    let url = server.url.as_str();

    // --session: what `analyze --format json` says is the collector's own /analysis.
    let (_, analysis) = server.get("/v1/sessions/s-login/analysis", READ).await;
    let remote: Value = serde_json::from_str(&ok(&rewind(
        Some(READ),
        &["analyze", "--collector", url, "--session", "s-login", "--format", "json"],
    )))
    .unwrap();
    assert_eq!(remote, json!({ "replays": [analysis] }));
    assert!(analysis["redactions"].as_u64().unwrap() >= 1, "the typed email and card are redacted: {analysis}");
    let csv = ok(&rewind(Some(READ), &["analyze", "--collector", url, "--session", "s-login", "--format", "csv"]));
    assert_eq!(csv.lines().count(), 1 + analysis["actions"].as_array().unwrap().len());

    let latest = ok(&rewind(Some(READ), &["analyze", "--collector", url, "--latest"]));
    assert!(latest.starts_with("# rewind analysis: 1 replay") && latest.contains("## s-dead"), "{latest}");
    let of_user =
        ok(&rewind(Some(READ), &["analyze", "--collector", url, "--latest", "--user", "carol", "--format", "json"]));
    assert_eq!(serde_json::from_str::<Value>(&of_user).unwrap()["replays"][0]["replay_id"], "s-error");
    refused(
        &rewind(Some(READ), &["analyze", "--collector", url, "--latest", "--user", "nobody"]),
        "no session of user nobody",
    );

    // report: every session, or the filtered ones, streamed one by one.
    let report = |extra: &[&str]| -> Value {
        let args: Vec<&str> =
            ["report", "--collector", url, "--format", "json"].iter().copied().chain(extra.iter().copied()).collect();
        serde_json::from_str(&ok(&rewind(Some(READ), &args))).expect("report JSON")
    };
    let all = report(&[]);
    assert_eq!((all["n_replays"].clone(), all["n_users"].clone()), (json!(4), json!(3)), "{all}");
    let replays: Vec<&str> =
        all["sessions"].as_array().unwrap().iter().map(|s| s["replay_id"].as_str().unwrap()).collect();
    assert_eq!(replays, ["s-dead", "s-rage", "s-error", "s-login"]);
    // Both of bob's sessions rage-click "Apply coupon" (the collector's index agrees: has=rage).
    assert_eq!(all["rage_clicks"][0]["element"], "button \"Apply coupon\"", "{}", all["rage_clicks"]);
    assert_eq!(
        (all["rage_clicks"][0]["n_replays"].clone(), all["rage_clicks"][0]["n_users"].clone()),
        (json!(2), json!(1))
    );
    assert!(!all.to_string().contains("jane.doe@example.com"), "redacted by default");
    assert_eq!(report(&["--user", "bob"])["n_replays"], 2);
    assert_eq!(report(&["--has", "errors", "--app", "shop"])["n_replays"], 1);
    assert_eq!(report(&["--limit", "3"])["n_replays"], 3);
    let markdown = ok(&rewind(Some(READ), &["report", "--collector", url, "--from", "2026-12-02"]));
    assert!(markdown.contains("s-rage") && !markdown.contains("s-login"), "{markdown}");
}

#[tokio::test(flavor = "multi_thread")]
async fn refusals_and_an_unreachable_collector_exit_2_with_one_line() {
    let (server, _) = collector_with_sessions().await;
    let url = server.url.as_str();
    let commands: [&[&str]; 5] = [
        &["sessions"],
        &["fetch", "s-login"],
        &["analyze", "--session", "s-login"],
        &["analyze", "--latest"],
        &["report"],
    ];
    for command in commands {
        let with = |key: Option<&str>, collector: &str| {
            let args: Vec<&str> = command.iter().copied().chain(["--collector", collector]).collect();
            rewind(key, &args)
        };
        refused(&with(Some("wrong-key-wrong-key"), url), "refused the read key (401");
        refused(&with(Some(PUBLIC), url), "(403");
        refused(&with(None, url), "no read key: set REWIND_READ_KEY or pass --read-key-file");
        refused(&with(Some(READ), "http://127.0.0.1:1"), "cannot reach the collector: http://127.0.0.1:1");
        // A key in the URL is refused before anything is sent, and never echoed.
        let leaked = format!("{url}/?key={READ}");
        refused(&with(Some(READ), &leaked), "query string");
        let userinfo = url.replace("http://", &format!("http://reader:{READ}@"));
        refused(&with(Some(READ), &userinfo), "user name or password");
    }
    refused(&rewind(Some(READ), &["fetch", "nope", "--collector", url]), "(404: session nope: no session nope)");
    refused(&rewind(Some(READ), &["analyze", "--session", "nope", "--collector", url]), "404");
    let key_file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(key_file.path(), "\n").unwrap();
    refused(
        &rewind(None, &["sessions", "--collector", url, "--read-key-file", key_file.path().to_str().unwrap()]),
        "the read key is empty",
    );

    // Files or a collector, not both; collector-only filters need a collector.
    let fixture = format!("{}/../fixtures/login-form.json", env!("CARGO_MANIFEST_DIR"));
    refused(&rewind(Some(READ), &["sessions", &fixture, "--collector", url]), "not both");
    refused(&rewind(Some(READ), &["sessions", &fixture, "--app", "shop"]), "--app filters a collector's sessions");
    refused(
        &rewind(Some(READ), &["sessions", "--collector", url, "--has-event", "click"]),
        "--has-event works on recordings only",
    );
    refused(&rewind(Some(READ), &["sessions", "--collector", url, "--from", "soon"]), "--from: \"soon\" is not a date");
    refused(&rewind(None, &["sessions"]), "nothing to read");
    // REWIND_COLLECTOR in the environment does not take over a command given files.
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_rewind"));
    let local = command.args(["sessions", &fixture]).env("REWIND_COLLECTOR", "http://127.0.0.1:1").output().unwrap();
    assert_eq!(ok(&local).lines().count(), 2);
}
