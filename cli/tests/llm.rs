//! `rewind analyze --llm` against a stand-in for an OpenAI-compatible endpoint: a real HTTP
//! server on 127.0.0.1 that records every request and answers from a script. Checks that
//! nothing is sent without the confirm flag, that what is sent is exactly the `--dry-run`
//! body and holds no rrweb event and no personal data, and the timeout and retry rules.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::{json, Value};
use std::process::Output;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One scripted answer.
#[derive(Clone)]
struct Reply {
    status: u16,
    delay: Duration,
    body: String,
}

fn narrative(text: &str) -> Reply {
    let body = json!({"choices": [{"index": 0, "message": {"role": "assistant", "content": text}}]}).to_string();
    Reply { status: 200, delay: Duration::ZERO, body }
}

/// A request the stand-in received.
#[derive(Clone, Debug)]
struct Seen {
    authorization: Option<String>,
    body: String,
}

struct StubState {
    script: Vec<Reply>,
    seen: Mutex<Vec<Seen>>,
}

/// The stand-in endpoint: answers the n-th request with `script[n]` (the last one after that).
struct Stub {
    base_url: String,
    state: Arc<StubState>,
}

impl Stub {
    fn start(script: Vec<Reply>) -> Stub {
        let state = Arc::new(StubState { script, seen: Mutex::new(Vec::new()) });
        let (tx, rx) = std::sync::mpsc::channel();
        let served = state.clone();
        // Its own runtime on its own thread: the tests block on the CLI meanwhile.
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                tx.send(listener.local_addr().unwrap()).unwrap();
                let app = axum::Router::new().route("/v1/chat/completions", post(answer)).with_state(served);
                axum::serve(listener, app).await.unwrap();
            });
        });
        let addr = rx.recv_timeout(Duration::from_secs(10)).expect("the stand-in starts");
        Stub { base_url: format!("http://{addr}/v1"), state }
    }

    fn seen(&self) -> Vec<Seen> {
        self.state.seen.lock().unwrap().clone()
    }
}

async fn answer(State(state): State<Arc<StubState>>, headers: HeaderMap, body: String) -> (StatusCode, String) {
    let n = {
        let mut seen = state.seen.lock().unwrap();
        let authorization = headers.get("authorization").and_then(|v| v.to_str().ok()).map(str::to_string);
        seen.push(Seen { authorization, body });
        seen.len() - 1
    };
    let reply = state.script.get(n).or(state.script.last()).cloned().expect("a script");
    tokio::time::sleep(reply.delay).await;
    (StatusCode::from_u16(reply.status).unwrap(), reply.body)
}

const API_KEY: &str = "sk-test-0123456789abcdef";

/// The project's login recording: an email and a card number typed into unmasked inputs.
fn login_fixture() -> String {
    format!("{}/../fixtures/login-form.json", env!("CARGO_MANIFEST_DIR"))
}

/// `rewind analyze FIXTURE ARGS` with the endpoint in the environment.
fn analyze(stub: &Stub, args: &[&str], timeout_s: Option<&str>) -> Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_rewind"));
    command
        .arg("analyze")
        .arg(login_fixture())
        .args(args)
        .env_remove("REWIND_COLLECTOR")
        .env("REWIND_LLM_BASE_URL", &stub.base_url)
        .env("REWIND_LLM_API_KEY", API_KEY)
        .env("REWIND_LLM_MODEL", "test-model");
    match timeout_s {
        Some(t) => command.env("REWIND_LLM_TIMEOUT_S", t),
        None => command.env_remove("REWIND_LLM_TIMEOUT_S"),
    };
    command.output().expect("rewind runs")
}

fn refused(out: &Output, needle: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.contains(needle), "{needle:?} in {err}");
    assert!(!err.contains(API_KEY), "{err}");
}

#[test]
fn nothing_is_sent_without_the_confirm_flag() {
    let stub = Stub::start(vec![narrative("At 1.1s the user typed an email.")]);
    refused(&analyze(&stub, &["--llm"], None), "add --confirm-external-llm-export to agree");
    refused(
        &analyze(&stub, &["--llm", "--confirm-external-llm-export", "--no-redact"], None),
        "--llm sends only redacted outputs",
    );
    refused(&analyze(&stub, &["--llm", "--confirm-external-llm-export", "--format", "csv"], None), "markdown or json");
    let mut no_model = std::process::Command::new(env!("CARGO_BIN_EXE_rewind"));
    no_model.args(["analyze", &login_fixture(), "--llm", "--confirm-external-llm-export"]);
    no_model.env("REWIND_LLM_BASE_URL", &stub.base_url).env_remove("REWIND_LLM_MODEL");
    refused(&no_model.output().unwrap(), "REWIND_LLM_MODEL");
    let out = analyze(&stub, &["--confirm-external-llm-export"], None);
    assert_eq!(out.status.code(), Some(2), "the confirm flag alone is a usage error (it needs --llm)");
    assert!(stub.seen().is_empty(), "no request reached the endpoint: {:?}", stub.seen());
}

#[test]
fn what_is_sent_is_the_dry_run_body_redacted_and_without_events() {
    let stub = Stub::start(vec![narrative(
        "The user opened a promo banner (0.5s), typed an email and a card number, then pressed Sign in (5.1s) and closed the dialog (5.4s) without waiting.",
    )]);
    let dry = analyze(&stub, &["--llm", "--dry-run"], None);
    assert!(dry.status.success(), "{}", String::from_utf8_lossy(&dry.stderr));
    assert!(stub.seen().is_empty(), "--dry-run sends nothing");
    let printed = String::from_utf8(dry.stdout).unwrap();
    assert_eq!(printed.lines().count(), 1, "one request body per session: {printed}");

    let out = analyze(&stub, &["--llm", "--confirm-external-llm-export"], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let seen = stub.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].body, printed.trim_end(), "exactly what --dry-run printed");
    assert_eq!(seen[0].authorization.as_deref(), Some(format!("Bearer {API_KEY}").as_str()));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.starts_with("## login-form\n\nThe user opened a promo banner (0.5s)"), "{stdout}");

    let body: Value = serde_json::from_str(&seen[0].body).unwrap();
    assert_eq!(body["model"], "test-model");
    assert_eq!(body["messages"][0]["role"], "system");
    let user = body["messages"][1]["content"].as_str().unwrap();
    assert!(user.contains("Timeline") && user.contains("Clicked span in button \"Sign in\""), "{user}");
    assert!(user.contains("[REDACTED:email]") && user.contains("[REDACTED:card]"), "{user}");
    // No personal data: the recording has them in clear (unmasked inputs).
    let recording = std::fs::read_to_string(login_fixture()).unwrap();
    assert!(recording.contains("jane.doe@example.com") && recording.contains("4111 1111 1111 1111"));
    for pii in ["jane.doe@", "example.com", "4111 1111", "4111111111111111"] {
        assert!(!seen[0].body.contains(pii), "{pii} sent: {user}");
    }
    // No rrweb events: none of their fields or node trees.
    for raw in ["\"timestamp\"", "childNodes", "\"source\"", "\"positions\"", "\"data\"", "\"type\":"] {
        assert!(!seen[0].body.contains(raw), "{raw} sent");
    }
    assert!(seen[0].body.len() < recording.len() / 4, "a summary, not the recording");

    let json = analyze(&stub, &["--llm", "--confirm-external-llm-export", "--format", "json"], None);
    let json: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(json["narratives"][0]["replay_id"], "login-form");
    assert_eq!(json["narratives"][0]["model"], "test-model");
}

#[test]
fn a_server_error_is_retried_a_refusal_is_not_and_a_stall_times_out() {
    let stub = Stub::start(vec![
        Reply { status: 500, delay: Duration::ZERO, body: r#"{"error":{"message":"overloaded"}}"#.into() },
        narrative("Nothing went wrong (0.5s)."),
    ]);
    let out = analyze(&stub, &["--llm", "--confirm-external-llm-export"], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let seen = stub.seen();
    assert_eq!(seen.len(), 2, "a 500, then the retry");
    assert_eq!(seen[0].body, seen[1].body);
    assert!(String::from_utf8_lossy(&out.stdout).contains("Nothing went wrong (0.5s)."));

    let stub = Stub::start(vec![Reply {
        status: 400,
        delay: Duration::ZERO,
        body: r#"{"error":{"message":"unknown model test-model"}}"#.into(),
    }]);
    refused(&analyze(&stub, &["--llm", "--confirm-external-llm-export"], None), "(400: unknown model test-model)");
    assert_eq!(stub.seen().len(), 1, "a refusal is not retried");

    let stub = Stub::start(vec![Reply { delay: Duration::from_secs(5), ..narrative("too late (1s)") }]);
    let started = Instant::now();
    refused(
        &analyze(&stub, &["--llm", "--confirm-external-llm-export"], Some("1")),
        "failed after 3 tries (timed out)",
    );
    let took = started.elapsed();
    assert_eq!(stub.seen().len(), 3, "three tries");
    // 3 × 1 s deadline + 1 s + 2 s between them.
    assert!(took >= Duration::from_secs(5) && took < Duration::from_secs(12), "{took:?}");
}
