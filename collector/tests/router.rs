//! The collector's router in-process: requests go through `router()` without a socket, over a
//! real local store in a temporary directory. The real binary over real HTTP is tested in
//! `cli/tests/serve*.rs`.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use rewind_collector::auth::Keys;
use rewind_collector::index::{Index, IndexConfig};
use rewind_collector::limits::RateLimiter;
use rewind_collector::store::{Store, StoreConfig};
use rewind_collector::{router, AppState, StaticDirs};
use serde_json::{json, Value};
use std::sync::Arc;
use tower::ServiceExt;

const PUBLIC: &str = "rp_router_test_public_key";
const READ: &str = "rk_router_test_read_key_";

async fn app(dir: &std::path::Path) -> axum::Router {
    let store = Store::open(&StoreConfig::Local(dir.to_path_buf())).unwrap();
    let index = Index::open(&IndexConfig::Sqlite(dir.join("index.sqlite"))).await.unwrap();
    let keys = Keys { public: vec![PUBLIC.into()], read: READ.into(), admin: "ra_router_test_admin_key".into() };
    let state = Arc::new(AppState::new(store, index, keys, RateLimiter::new(0.0, 1.0)));
    router(state, &[], &[], &StaticDirs::default()).unwrap()
}

async fn send(app: &axum::Router, request: Request<Body>) -> (StatusCode, Value) {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

fn ingest(body: &Value) -> Request<Body> {
    Request::post("/v1/ingest")
        .header("content-type", "application/json")
        .header("x-rewind-key", PUBLIC)
        .body(Body::from(body.to_string()))
        .unwrap()
}

fn read(path: &str) -> Request<Body> {
    Request::get(path).header("x-rewind-key", READ).body(Body::empty()).unwrap()
}

#[tokio::test]
async fn a_batch_posted_in_process_is_listed_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path()).await;
    let meta = json!({"type": 4, "timestamp": 1_795_248_200_000_i64, "data": {"href": "https://shop.example/", "width": 800, "height": 600}});
    let batch = json!({"session_id": "sess-router_1", "window_id": "w1", "seq": 0, "app_id": "test-app",
        "sdk_version": "0.1.0", "sent_at": 1_795_248_200_100_i64, "events": [meta]});
    let (status, body) = send(&app, ingest(&batch)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["stored"], true);

    let (status, list) = send(&app, read("/v1/sessions")).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert!(list.to_string().contains("sess-router_1"), "{list}");

    let (status, session) = send(&app, read("/v1/sessions/sess-router_1")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(session["events"].as_array().map(Vec::len), Some(1), "{session}");
    assert_eq!(session["events"][0]["type"], 4);
    assert_eq!(session["session"]["n_batches"], 1);
}

#[tokio::test]
async fn the_read_api_needs_a_read_key() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path()).await;
    let (status, _) = send(&app, Request::get("/v1/sessions").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let wrong = Request::get("/v1/sessions").header("x-rewind-key", PUBLIC).body(Body::empty()).unwrap();
    let (status, _) = send(&app, wrong).await;
    assert!(status == StatusCode::FORBIDDEN || status == StatusCode::UNAUTHORIZED, "{status}");
}

fn ingest_bytes(body: Vec<u8>) -> Request<Body> {
    Request::post("/v1/ingest")
        .header("content-type", "application/json")
        .header("x-rewind-key", PUBLIC)
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn what_ingest_accepts_reads_back_and_what_cannot_be_read_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path()).await;
    let envelope = |id: &str, events: &str, extra: &str| {
        format!(r#"{{"session_id":"{id}","seq":0,"window_id":"w",{extra}"events":{events}}}"#).into_bytes()
    };
    let meta =
        r#"[{"type":4,"timestamp":1795248200000,"data":{"href":"https://shop.example/","width":800,"height":600}}]"#;
    // A byte order mark: accepted, and both read paths skip it.
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend(envelope("s-bom", meta, ""));
    let (status, body) = send(&app, ingest_bytes(bom)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, session) = send(&app, read("/v1/sessions/s-bom")).await;
    assert_eq!((status, session["events"].as_array().map(Vec::len)), (StatusCode::OK, Some(1)), "{session}");
    let (status, analysis) = send(&app, read("/v1/sessions/s-bom/analysis")).await;
    assert_eq!(status, StatusCode::OK, "{analysis}");

    // Refused with a reason, nothing stored: the reads could not have given them back.
    let mut bad_utf8 = envelope("s-utf8", meta, r#""x_extra":"ok","#);
    let at = bad_utf8.windows(2).position(|w| w == b"ok").unwrap();
    bad_utf8[at] = 0xFF;
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("s-utf8", bad_utf8, "invalid UTF-8"),
        ("s-shape", envelope("s-shape", r#"[{"type":2,"data":5,"timestamp":1}]"#, ""), "unreadable batch"),
        ("s-source", envelope("s-source", r#"[{"type":3,"data":{"source":"x"},"timestamp":1}]"#, ""), "unreadable"),
    ];
    for (id, body, reason) in cases {
        let (status, answer) = send(&app, ingest_bytes(body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{id}: {answer}");
        assert!(answer["error"].as_str().unwrap().contains(reason), "{id}: {answer}");
        let (status, _) = send(&app, read(&format!("/v1/sessions/{id}"))).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{id}");
    }
}

/// Every `{seq}.json.gz` stored under `dir` for `session`.
fn stored_batches(dir: &std::path::Path, session: &str) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let p = entry.path();
            if p.is_dir() {
                todo.push(p);
            } else if p.to_string_lossy().contains(session) && p.to_string_lossy().ends_with(".json.gz") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn a_session_is_read_head_first_and_its_unreadable_batches_are_warned_of_last() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path()).await;
    for seq in 0..3 {
        let event = json!({"type": 4, "timestamp": 1_795_248_200_000_i64 + seq, "data": {"href": "https://shop.example/", "width": 800, "height": 600}});
        let batch = json!({"session_id": "sess-order", "window_id": "w1", "seq": seq, "app_id": "test-app",
            "sdk_version": "0.1.0", "sent_at": 1_795_248_200_100_i64, "events": [event]});
        assert_eq!(send(&app, ingest(&batch)).await.0, StatusCode::OK);
    }
    let files = stored_batches(dir.path(), "sess-order");
    let damaged = files.iter().find(|p| p.file_name().is_some_and(|n| n == "1.json.gz")).expect("batch 1 is stored");
    std::fs::write(damaged, b"not gzip").unwrap();

    let response = app.clone().oneshot(read("/v1/sessions/sess-order")).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let text = String::from_utf8(response.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    let at = |key: &str| text.find(&format!("\"{key}\":")).unwrap_or_else(|| panic!("no {key} in {text}"));
    assert!(at("session") < at("gaps") && at("gaps") < at("events") && at("events") < at("warnings"), "{text}");
    assert!(text.ends_with("}"), "{text}");
    let body: Value = serde_json::from_str(&text).unwrap();
    let times: Vec<_> =
        body["events"].as_array().unwrap().iter().map(|e| e["timestamp"].as_i64().unwrap() % 10).collect();
    assert_eq!(times, [0, 2], "the readable batches' events, in seq order: {text}");
    let warnings = body["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{text}");
    assert!(warnings[0].as_str().unwrap().starts_with("batch 1: "), "{text}");
    assert_eq!(body["gaps"], json!([]), "batch 1 is there, unreadable: not a gap");
}
