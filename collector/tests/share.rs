//! Share links through the router in-process (like router.rs): what a token opens, what it
//! does not, and every way a token is refused. The real binary (secret file, restarts, logs)
//! is tested in `cli/tests/serve_share.rs`.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use rewind_collector::auth::Keys;
use rewind_collector::index::{Index, IndexConfig};
use rewind_collector::limits::RateLimiter;
use rewind_collector::share::{ShareLinks, ShareSecret, MAX_TTL_S, MIN_TTL_S};
use rewind_collector::store::{Store, StoreConfig};
use rewind_collector::{router, AppState, StaticDirs};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};
use tower::ServiceExt;

const PUBLIC: &str = "rp_share_test_public_key";
const READ: &str = "rk_share_test_read_key__";
const ADMIN: &str = "ra_share_test_admin_key_";
const SECRET: &[u8] = b"share-test-secret-0123456789abcdef";
const ROTATED: &[u8] = b"share-test-secret-rotated-9876543210";

async fn app(dir: &std::path::Path, secret: &[u8]) -> axum::Router {
    app_with_cors(dir, secret, &[]).await
}

async fn app_with_cors(dir: &std::path::Path, secret: &[u8], read_cors: &[String]) -> axum::Router {
    let store = Store::open(&StoreConfig::Local(dir.to_path_buf())).unwrap();
    let index = Index::open(&IndexConfig::Sqlite(dir.join("index.sqlite"))).await.unwrap();
    let keys = Keys { public: vec![PUBLIC.into()], read: READ.into(), admin: ADMIN.into() };
    let mut state = AppState::new(store, index, keys, RateLimiter::new(0.0, 1.0));
    state.share = Some(ShareLinks { secret: ShareSecret::new(secret).unwrap(), viewer_url: None });
    router(Arc::new(state), &[], read_cors, &StaticDirs::default()).unwrap()
}

async fn send(app: &axum::Router, request: Request<Body>) -> (StatusCode, Value) {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

fn get(path: &str, auth: &str) -> Request<Body> {
    Request::get(path).header("authorization", format!("Bearer {auth}")).body(Body::empty()).unwrap()
}

fn share(id: &str, key: Option<&str>, body: &str) -> Request<Body> {
    let mut request = Request::post(format!("/v1/sessions/{id}/share"))
        .header("host", "replay.test:8377")
        .header("content-type", "application/json");
    if let Some(key) = key {
        request = request.header("x-rewind-key", key);
    }
    request.body(Body::from(body.to_string())).unwrap()
}

async fn ingest(app: &axum::Router, id: &str) {
    let meta = json!({"type": 4, "timestamp": 1_795_248_200_000_i64, "data": {"href": "https://shop.example/", "width": 800, "height": 600}});
    let batch = json!({"session_id": id, "window_id": "w1", "seq": 0, "events": [meta]});
    let request = Request::post("/v1/ingest")
        .header("content-type", "application/json")
        .header("x-rewind-key", PUBLIC)
        .body(Body::from(batch.to_string()))
        .unwrap();
    let (status, body) = send(app, request).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// A share token for `id` made through the API; the whole answer too.
async fn token_for(app: &axum::Router, id: &str, body: &str) -> (String, Value) {
    let (status, answer) = send(app, share(id, Some(READ), body)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    (format!("share.{}", answer["token"].as_str().unwrap()), answer)
}

fn now_s() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

#[tokio::test]
async fn a_share_link_reads_its_session_and_its_analysis_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path(), SECRET).await;
    ingest(&app, "shared-1").await;
    ingest(&app, "other-2").await;

    let (token, answer) = token_for(&app, "shared-1", r#"{"ttl_s": 3600, "t": 12.34}"#).await;
    let url = answer["url"].as_str().unwrap();
    let raw = token.strip_prefix("share.").unwrap();
    assert_eq!(url, format!("http://replay.test:8377/#share={raw}&t=12.3"), "{answer}");
    assert_eq!(answer["session_id"], "shared-1");
    let expires = answer["expires_at"].as_u64().unwrap();
    let expected = (now_s() + 3600) * 1000;
    assert!(expires.abs_diff(expected) <= 2_000, "{expires} vs {expected}");

    let (status, session) = send(&app, get("/v1/sessions/shared-1", &token)).await;
    assert_eq!(status, StatusCode::OK, "{session}");
    assert_eq!(session["events"].as_array().map(Vec::len), Some(1));
    let (status, analysis) = send(&app, get("/v1/sessions/shared-1/analysis", &token)).await;
    assert_eq!(status, StatusCode::OK, "{analysis}");
    assert_eq!(analysis["entry_url"], "https://shop.example/");
    // The key header takes it too.
    let request = Request::get("/v1/sessions/shared-1").header("x-rewind-key", &token).body(Body::empty()).unwrap();
    assert_eq!(send(&app, request).await.0, StatusCode::OK);

    // Nothing else: another session, the list, ingest, share, delete, metrics.
    for path in ["/v1/sessions/other-2", "/v1/sessions/other-2/analysis", "/v1/sessions", "/metrics"] {
        let (status, body) = send(&app, get(path, &token)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {body}");
    }
    let (status, _) = send(&app, share("shared-1", Some(&token), "{}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a token cannot make tokens");
    let batch = json!({"session_id": "shared-1", "seq": 1, "events": []});
    let request =
        Request::post("/v1/ingest").header("x-rewind-key", &token).body(Body::from(batch.to_string())).unwrap();
    assert_eq!(send(&app, request).await.0, StatusCode::FORBIDDEN, "a token cannot ingest");
    let request = Request::delete("/v1/sessions/shared-1").header("x-rewind-key", &token).body(Body::empty()).unwrap();
    assert_eq!(send(&app, request).await.0, StatusCode::FORBIDDEN, "a token cannot delete");
    assert_eq!(send(&app, get("/v1/sessions/shared-1", READ)).await.0, StatusCode::OK, "still there");
}

#[tokio::test]
async fn expired_forged_and_rotated_tokens_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let app_ = app(dir.path(), SECRET).await;
    ingest(&app_, "shared-1").await;
    let (token, _) = token_for(&app_, "shared-1", "").await;
    assert_eq!(send(&app_, get("/v1/sessions/shared-1", &token)).await.0, StatusCode::OK);

    let refused = |body: &Value, words: &str| {
        let error = body["error"].as_str().unwrap_or_default();
        assert!(error.contains(words), "{error:?} should say {words:?}");
        assert!(!error.contains(token.trim_start_matches("share.")), "the error echoes the token");
    };
    // Expired: signed with the collector's secret, an expiry in the past.
    let expired = format!("share.{}", ShareSecret::new(SECRET).unwrap().sign("shared-1", now_s() - 1));
    let (status, body) = send(&app_, get("/v1/sessions/shared-1", &expired)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    refused(&body, "expired");

    // Forged: one bit flipped in the payload (which names the session) and in the MAC.
    let (payload, mac) = token.split_once("share.").unwrap().1.split_once('.').unwrap();
    for (at, part) in [(0, payload), (1, mac)] {
        let mut bytes = part.as_bytes().to_vec();
        bytes[3] ^= 0b10;
        let flipped = String::from_utf8(bytes).unwrap();
        let forged = if at == 0 { format!("share.{flipped}.{mac}") } else { format!("share.{payload}.{flipped}") };
        let (status, body) = send(&app_, get("/v1/sessions/shared-1", &forged)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{forged}: {body}");
    }
    // Signed with another secret, for a session the attacker picks.
    let other = format!("share.{}", ShareSecret::new(ROTATED).unwrap().sign("shared-1", now_s() + 60));
    let (status, body) = send(&app_, get("/v1/sessions/shared-1", &other)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    refused(&body, "revoked");
    assert_eq!(send(&app_, get("/v1/sessions/shared-1", "share.garbage")).await.0, StatusCode::UNAUTHORIZED);

    // Rotation: the same data directory under a new secret; the old link stops working, a new
    // one works.
    drop(app_);
    let rotated = app(dir.path(), ROTATED).await;
    let (status, body) = send(&rotated, get("/v1/sessions/shared-1", &token)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    refused(&body, "revoked");
    let (fresh, _) = token_for(&rotated, "shared-1", "{}").await;
    assert_eq!(send(&rotated, get("/v1/sessions/shared-1/analysis", &fresh)).await.0, StatusCode::OK);
}

#[tokio::test]
async fn creating_a_link_needs_the_read_key_a_known_session_and_a_ttl_in_bounds() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path(), SECRET).await;
    ingest(&app, "shared-1").await;

    assert_eq!(send(&app, share("shared-1", None, "{}")).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(send(&app, share("shared-1", Some(PUBLIC), "{}")).await.0, StatusCode::FORBIDDEN);
    assert_eq!(send(&app, share("shared-1", Some(ADMIN), "{}")).await.0, StatusCode::OK);
    assert_eq!(send(&app, share("nobody-here", Some(READ), "{}")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(send(&app, share("bad.id", Some(READ), "{}")).await.0, StatusCode::BAD_REQUEST);

    let bad = [
        json!({"ttl_s": 0}).to_string(),
        json!({"ttl_s": MIN_TTL_S - 1}).to_string(),
        json!({"ttl_s": MAX_TTL_S + 1}).to_string(),
        json!({"ttl_s": -5}).to_string(),
        json!({"ttl_s": "3600"}).to_string(),
        json!({"t": -1}).to_string(),
        json!({"ttl_s": 3600, "session": "other-2"}).to_string(),
        "not json".to_string(),
        format!("{{\"ttl_s\": 3600{}}}", " ".repeat(2_000)),
    ];
    for body in bad {
        let (status, answer) = send(&app, share("shared-1", Some(READ), &body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body:.80}: {answer}");
        assert!(answer["error"].is_string(), "{answer}");
    }
    for ttl in [MIN_TTL_S, MAX_TTL_S] {
        let (_, answer) = token_for(&app, "shared-1", &json!({"ttl_s": ttl}).to_string()).await;
        let expires = answer["expires_at"].as_u64().unwrap() / 1000;
        assert!(expires.abs_diff(now_s() + ttl) <= 2, "{answer}");
    }
}

#[tokio::test]
async fn a_read_origin_may_create_links_and_others_may_not() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_with_cors(dir.path(), SECRET, &["https://admin.example".to_string()]).await;
    let preflight = |origin: &str| {
        Request::options("/v1/sessions/shared-1/share")
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "authorization,content-type")
            .body(Body::empty())
            .unwrap()
    };
    let allowed = app.clone().oneshot(preflight("https://admin.example")).await.unwrap();
    assert_eq!(allowed.headers()["access-control-allow-origin"], "https://admin.example");
    let methods = allowed.headers()["access-control-allow-methods"].to_str().unwrap().to_string();
    assert!(methods.contains("POST"), "{methods}");
    let other = app.clone().oneshot(preflight("https://shop.example")).await.unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
}
