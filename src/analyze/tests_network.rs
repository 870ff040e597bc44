//! Failed requests from the network plugin (`network.rs`): rewind's own payloads, rrweb's
//! `PerformanceObserver` entries and PostHog's batched requests.

use super::*;
use crate::codec::decode;

fn run(payloads: &[(i64, &str)]) -> Analysis {
    let mut all =
        vec![r#"{"type":4,"timestamp":1000,"data":{"href":"https://shop.test/checkout","width":1280,"height":720}}"#
            .to_string()];
    for (t, payload) in payloads {
        all.push(format!(r#"{{"type":6,"timestamp":{t},"data":{{"plugin":"rrweb/network@1","payload":{payload}}}}}"#));
    }
    analyze(decode(format!("[{}]", all.join(",")).as_bytes()).unwrap())
}

fn errors(a: &Analysis) -> Vec<&str> {
    a.actions.iter().filter(|x| x.action == ActionKind::NetworkError).map(|x| x.description.as_str()).collect()
}

#[test]
fn failed_fetch_and_xhr_requests_become_network_errors() {
    let req = |method: &str, url: &str, status: i64, extra: &str| {
        format!(
            r#"{{"requests":[{{"name":"{url}","method":"{method}","initiatorType":"fetch","entryType":"resource","status":{status},"startTime":10,"endTime":310,"duration":300{extra}}}]}}"#
        )
    };
    let pay = req("POST", "https://shop.test/api/pay", 402, r#","requestBody":"{}","responseHeaders":{"a":"b"}"#);
    let ok = req("GET", "https://shop.test/api/cart", 200, "");
    let down = req("get", "http://127.0.0.1:1/down", 0, "");
    let aborted = req("GET", "https://shop.test/api/search", 0, r#","aborted":true"#);
    let server = req("PUT", "https://api.other.test/v1/items?page=2", 503, "");
    let a = run(&[(2000, &pay), (2100, &ok), (2200, &down), (2300, &aborted), (2400, &server)]);
    assert_eq!(
        errors(&a),
        [
            "Request POST /api/pay failed: 402",
            "Request GET http://127.0.0.1:1/down failed: network error",
            "Request PUT https://api.other.test/v1/items?page=2 failed: 503",
        ]
    );
    let first = a.actions.iter().find(|x| x.action == ActionKind::NetworkError).unwrap();
    assert_eq!(first.t_ms, 2000);
    assert_eq!(first.action.as_str(), "network_error");
    assert_eq!(first.metadata["status"], 402);
    assert_eq!(first.metadata["method"], "POST");
    assert_eq!(first.metadata["url"], "https://shop.test/api/pay");
    assert_eq!(first.metadata["duration_ms"], 300);
    assert_eq!(first.metadata["message"], "POST /api/pay failed: 402");
    assert_eq!(first.url.as_deref(), Some("https://shop.test/checkout"));
    assert!(a.summary_markdown.contains("1.0s: Request POST /api/pay failed: 402"), "{}", a.summary_markdown);
    assert_eq!(a.session.n_errors, 0, "n_errors counts console errors only");
    let json = serde_json::to_value(&a.actions).unwrap();
    assert_eq!(json[1]["action"], "network_error");
}

#[test]
fn performance_observer_entries_need_a_real_failure_status() {
    // rrweb's plugin without headers/bodies records PerformanceObserver entries: no method, and
    // status 0 for any cross-origin response without Timing-Allow-Origin.
    let a = run(&[(
        2000,
        r#"{"requests":[
            {"name":"https://cdn.other.test/font.woff2","initiatorType":"css","entryType":"resource","status":0,"startTime":1,"endTime":2,"duration":1},
            {"name":"https://shop.test/img/missing.png","initiatorType":"img","entryType":"resource","status":404,"startTime":1,"endTime":2,"duration":1},
            {"name":"https://shop.test/app.js","initiatorType":"script","entryType":"resource","startTime":1,"endTime":2,"duration":1}
        ]}"#,
    )]);
    assert_eq!(errors(&a), ["Request /img/missing.png failed: 404"]);
    assert!(a.actions[1].metadata.get("method").is_none());
}

#[test]
fn posthog_batches_and_odd_payloads() {
    let a = run(&[
        (
            2000,
            r#"{"requests":[
                {"name":"https://shop.test/api/a","method":"GET","status":500,"timeOrigin":1,"timestamp":2,"isInitial":true,"transferSize":10},
                {"name":"https://shop.test/api/b","method":"POST","status":401,"initiatorType":"xmlhttprequest"}
            ]}"#,
        ),
        (2100, r#"{"requests":"nope"}"#),
        (2200, r#"[1,2]"#),
        (2300, r#"{"requests":[{"name":5,"method":null,"status":"500"}]}"#),
        (2400, r#"{"requests":[{"method":"GET","status":500}]}"#),
    ]);
    assert_eq!(
        errors(&a),
        ["Request GET /api/a failed: 500", "Request POST /api/b failed: 401", "Request GET  failed: 500"]
    );
}
