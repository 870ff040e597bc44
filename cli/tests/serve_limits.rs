//! `rewind serve`'s connection limits over real sockets: the header-read (and idle) timeout,
//! the connection limit, the ingest body budget and timeout, HTTP/1 only, and the per-key
//! read concurrency.

#[path = "serve/harness.rs"]
mod harness;

use harness::*;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

fn addr(server: &Server) -> String {
    server.url.trim_start_matches("http://").to_string()
}

/// Reads until the peer closes (or `limit` passes); returns what was read and when it closed.
fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> (Vec<u8>, Option<Duration>) {
    let start = Instant::now();
    stream.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    while start.elapsed() < limit {
        match stream.read(&mut buf) {
            Ok(0) => return (out, Some(start.elapsed())),
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
            Err(_) => return (out, Some(start.elapsed())),
        }
    }
    (out, None)
}

fn open_fds(server: &Server) -> usize {
    std::fs::read_dir(format!("/proc/{}/fd", server.pid())).map(|d| d.count()).unwrap_or(0)
}

#[tokio::test]
async fn idle_and_trickling_connections_are_closed_after_the_header_timeout() {
    let server = Server::start(&["--header-timeout-secs", "2"]);
    let mut idle = TcpStream::connect(addr(&server)).unwrap();
    let mut slow = TcpStream::connect(addr(&server)).unwrap();
    let trickle = std::thread::spawn(move || {
        // 1 byte every 300 ms: a request head that never ends.
        for b in b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".iter() {
            if slow.write_all(&[*b]).is_err() {
                return Some(());
            }
            std::thread::sleep(Duration::from_millis(300));
        }
        None
    });
    let (_, closed) = read_until_closed(&mut idle, Duration::from_secs(8));
    let closed = closed.expect("an idle connection is closed");
    assert!(closed >= Duration::from_millis(1500) && closed < Duration::from_secs(5), "{closed:?}");
    assert_eq!(trickle.join().unwrap(), Some(()), "the trickling client was cut off");
    // A keep-alive connection serves requests, then goes idle and is closed the same way.
    let mut kept = TcpStream::connect(addr(&server)).unwrap();
    kept.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let (answer, closed) = read_until_closed(&mut kept, Duration::from_secs(8));
    assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"), "{answer:?}");
    assert!(closed.is_some(), "closed once idle");
}

#[tokio::test]
async fn connections_past_the_limit_are_closed_and_health_recovers() {
    let server = Server::start(&["--max-connections", "40", "--header-timeout-secs", "2"]);
    let before = open_fds(&server);
    let held: Vec<TcpStream> = (0..150).filter_map(|_| TcpStream::connect(addr(&server)).ok()).collect();
    std::thread::sleep(Duration::from_millis(500));
    let during = open_fds(&server);
    assert!(during <= before + 40 + 5, "descriptors stay bounded: {before} → {during}");
    // Once the idle connections time out, /health answers at once.
    std::thread::sleep(Duration::from_millis(2500));
    let started = Instant::now();
    let health = reqwest::get(format!("{}/health", server.url)).await.unwrap();
    assert_eq!(health.status(), 200);
    assert!(started.elapsed() < Duration::from_secs(1), "{:?}", started.elapsed());
    drop(held);
}

#[tokio::test]
async fn slow_bodies_do_not_hold_up_a_normal_ingest_and_time_out() {
    let server = Server::start(&["--body-timeout-secs", "3", "--header-timeout-secs", "30"]);
    let slow: Vec<TcpStream> = (0..70)
        .map(|_| {
            let mut s = TcpStream::connect(addr(&server)).unwrap();
            let head = format!(
                "POST /v1/ingest HTTP/1.1\r\nHost: x\r\nX-Rewind-Key: {PUBLIC}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{{"
            );
            s.write_all(head.as_bytes()).unwrap();
            s
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let started = Instant::now();
    let (status, body) = server.ingest(&batch("s-normal", 0, &small_events(3, now_ms()))).await;
    assert_eq!(status, 200, "{body}");
    assert!(started.elapsed() < Duration::from_secs(2), "a normal ingest waited {:?}", started.elapsed());
    // The slow ones get 408 and are disconnected after the body timeout.
    let mut timed_out = 0;
    for mut s in slow {
        let (answer, closed) = read_until_closed(&mut s, Duration::from_secs(6));
        if String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 408") && closed.is_some() {
            timed_out += 1;
        }
    }
    assert_eq!(timed_out, 70);
}

#[tokio::test]
async fn http2_cleartext_is_not_spoken() {
    let server = Server::start(&[]);
    let mut s = TcpStream::connect(addr(&server)).unwrap();
    // The HTTP/2 connection preface, then an empty SETTINGS frame.
    s.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00").unwrap();
    let (answer, closed) = read_until_closed(&mut s, Duration::from_secs(5));
    assert!(closed.is_some(), "closed");
    // An HTTP/2 server would answer with its own SETTINGS frame (type 4 at byte 3).
    assert!(answer.is_empty() || answer.starts_with(b"HTTP/1.1 4"), "{:?}", String::from_utf8_lossy(&answer));
    let (status, _) = server.get("/v1/sessions", READ).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_key_has_at_most_four_reads_in_flight() {
    let server = Server::start(&["--no-server-redaction"]);
    // A session big enough that its streamed body is not sent in one go.
    for seq in 0..6 {
        let events: Vec<_> = (0..2000)
            .map(|i| serde_json::json!({"type": 5, "data": {"tag": "t", "payload": format!("{seq}-{i}-{}", "x".repeat(500))}, "timestamp": 1_795_248_208_000_i64 + seq * 10_000 + i}))
            .collect();
        assert_eq!(server.ingest(&batch("s-big", seq as u64, &events)).await.0, 200);
    }
    let url = format!("{}/v1/sessions/s-big", server.url);
    let mut open = Vec::new();
    for _ in 0..4 {
        let response = server.http.get(&url).bearer_auth(READ).send().await.unwrap();
        assert_eq!(response.status(), 200);
        open.push(response); // headers read, body not: the read is still in flight
    }
    let fifth = server.http.get(&url).bearer_auth(READ).send().await.unwrap();
    assert_eq!(fifth.status(), 429);
    assert_eq!(fifth.headers()["retry-after"], "1");
    // The admin key has its own slots.
    let admin = server.http.get(&url).bearer_auth(ADMIN).send().await.unwrap();
    assert_eq!(admin.status(), 200);
    drop(admin);
    // Finishing (or dropping) a read gives its slot back.
    let whole = open.pop().unwrap().text().await.unwrap();
    assert!(whole.ends_with("]}"));
    drop(open);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (status, session) = server.get("/v1/sessions/s-big", READ).await;
    assert_eq!((status, session["events"].as_array().map(Vec::len)), (200, Some(12_000)));
}
