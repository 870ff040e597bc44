//! `rewind serve`'s storage safety with the real binary: one collector per data directory, the
//! cleanup of staging files a crash left, a full disk (a small tmpfs), and `kill -9` during
//! load.

#[path = "serve/harness.rs"]
mod harness;

use harness::*;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[tokio::test]
async fn a_second_collector_on_the_same_directory_is_refused() {
    let server = Server::start(&[]);
    let output = Command::new(env!("CARGO_BIN_EXE_rewind"))
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(&server.data)
        .output()
        .expect("second collector runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains("another rewind serve is using the data directory"), "{stderr}");
    // The first one is unaffected, and the lock goes with its process (even on kill -9).
    assert_eq!(server.ingest(&batch("s-lock", 0, &small_events(2, now_ms()))).await.0, 200);
    let root = server.stop();
    let again = Server::start_in(root, &[]);
    let (status, list) = again.get("/v1/sessions", READ).await;
    assert_eq!((status, list["total"].as_u64()), (200, Some(1)));
}

#[tokio::test]
async fn staging_files_left_by_a_crash_are_removed_at_start() {
    let server = Server::start(&[]);
    assert_eq!(server.ingest(&batch("s-stale", 0, &small_events(2, now_ms()))).await.0, 200);
    let dir = server.session_dir("s-stale");
    let data = server.data.clone();
    let root = server.stop();
    // What a write killed midway leaves: a 0-byte staging file beside the batches, and a torn
    // one in the old JSON index's directory (a data directory from before the index database).
    std::fs::write(dir.join("1.json.gz#1"), b"").unwrap();
    std::fs::create_dir_all(data.join("index")).unwrap();
    std::fs::write(data.join("index/s-stale.json#7"), b"{\"half").unwrap();
    let server = Server::start_in(root, &[]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while server.files().iter().any(|f| f.contains('#')) {
        assert!(Instant::now() < deadline, "staging files still there: {:?}", server.files());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(server.log().contains("removed 2 staging files"), "{}", server.log());
    let (status, session) = server.get("/v1/sessions/s-stale", READ).await;
    assert_eq!((status, session["session"]["n_batches"].as_u64()), (200, Some(1)), "{session}");
}

/// A tmpfs of `size` mounted at `dir`, unmounted when dropped; `None` (with a message) where
/// mounting is not allowed.
struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(dir).unwrap();
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .stderr(std::process::Stdio::null())
            .status();
        if status.is_ok_and(|s| s.success()) {
            Some(Tmpfs(dir.to_path_buf()))
        } else {
            eprintln!(
                "SKIPPED: cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN); the disk-full test did not run"
            );
            None
        }
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// `n` bytes of hex digits from a xorshift generator: text gzip cannot shrink much.
fn noise(seed: u64, n: usize) -> String {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from_digit(((x >> 40) % 16) as u32, 16).unwrap()
        })
        .collect()
}

/// A batch of `session` whose gzip body is about 60 KB.
fn bulky_batch(session: &str, seq: u64) -> Value {
    let t = 1_795_248_208_000 + seq as i64 * 1000;
    let events = vec![
        // Strings under the stored-string cap (16 KiB), so they are stored whole.
        json!({"type": 5, "data": {"tag": "noise", "payload": (0..8).map(|i| noise(seq * 8 + i + 1, 15_000)).collect::<Vec<_>>()}, "timestamp": t}),
        json!({"type": 3, "data": {"source": 1, "positions": [{"x": 1, "y": 2, "id": 1, "timeOffset": 0}]}, "timestamp": t + 1}),
    ];
    batch(session, seq, &events)
}

#[tokio::test]
async fn a_full_disk_answers_507_corrupts_nothing_and_recovers() {
    let root = tempfile::tempdir().unwrap();
    let Some(_tmpfs) = Tmpfs::mount(&root.path().join("data"), "3m") else { return };
    let server = Server::start_in(root, &["--no-server-redaction"]);
    let mut acked = BTreeSet::new();
    let mut refused = None;
    for seq in 0..200 {
        let body = gzip(&serde_json::to_vec(&bulky_batch("s-full", seq)).unwrap());
        let response = server.post(body, Some(PUBLIC), true).await;
        match response.status().as_u16() {
            200 => {
                acked.insert(seq);
            }
            507 => {
                let retry: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
                assert!(retry >= 1);
                refused = Some(seq);
                break;
            }
            other => panic!("seq {seq}: {other} {}\n{}", response.text().await.unwrap(), server.log()),
        }
    }
    let df = Command::new("df").arg(&server.data).output().unwrap();
    let refused = refused.unwrap_or_else(|| {
        panic!("the 3 MB disk did not fill up: {}\n{:?}", String::from_utf8_lossy(&df.stdout), server.files().len())
    });
    assert!(acked.len() >= 5, "{acked:?}");
    // Nothing torn, nothing half-written: every file is whole and no staging file is left.
    let check_files = |server: &Server| {
        for file in server.files() {
            assert!(!file.contains('#'), "staging file left: {file}");
            let bytes = std::fs::read(server.data.join(&file)).unwrap();
            if file.ends_with(".json.gz") {
                let mut json = Vec::new();
                std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut json).unwrap();
                serde_json::from_slice::<Value>(&json).unwrap_or_else(|e| panic!("{file}: {e}"));
            } else {
                serde_json::from_slice::<Value>(&bytes).unwrap_or_else(|e| panic!("{file}: {e}"));
            }
        }
    };
    check_files(&server);
    // Still full: still 507, and reads work.
    let (status, _) = server.ingest(&bulky_batch("s-full", refused)).await;
    assert_eq!(status, 507);
    let (status, session) = server.get("/v1/sessions/s-full", READ).await;
    assert_eq!(status, 200);
    assert_eq!(session["session"]["n_batches"].as_u64(), Some(acked.len() as u64));
    // Space returns (the retention sweep or an operator deletes a session): the same batch
    // goes through on retry, with no restart.
    let (status, _) = server.delete("/v1/sessions/s-full", ADMIN).await;
    assert_eq!(status, 200);
    let (status, body) = server.ingest(&bulky_batch("s-full", refused)).await;
    assert_eq!(status, 200, "{body}");
    let (status, session) = server.get("/v1/sessions/s-full", READ).await;
    assert_eq!((status, session["session"]["n_batches"].as_u64()), (200, Some(1)), "{session}");
    check_files(&server);
    drop(server); // before the tmpfs is unmounted
}

/// Sends every batch of `pending` until acknowledged or the server dies; acknowledged ones
/// move to `acked`.
async fn load(url: String, pending: Arc<Mutex<BTreeMap<(u32, u64), Value>>>, acked: Arc<Mutex<BTreeSet<(u32, u64)>>>) {
    let http = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().unwrap();
    loop {
        let next = pending.lock().unwrap().iter().next().map(|(k, v)| (*k, v.clone()));
        let Some((key, batch)) = next else { return };
        let body = gzip(&serde_json::to_vec(&batch).unwrap());
        let sent = http
            .post(format!("{url}/v1/ingest"))
            .header("X-Rewind-Key", PUBLIC)
            .header("Content-Encoding", "gzip")
            .body(body)
            .send()
            .await;
        match sent {
            Ok(response) if response.status() == 200 => {
                pending.lock().unwrap().remove(&key);
                acked.lock().unwrap().insert(key);
            }
            Ok(_) => {}
            Err(_) => return, // killed
        }
    }
}

#[tokio::test]
async fn kill_9_during_load_loses_no_acknowledged_batch() {
    const ROUNDS: u64 = 20;
    const SESSIONS: u32 = 4;
    const PER_ROUND: u64 = 40;
    let mut root = tempfile::tempdir().unwrap();
    let acked: Arc<Mutex<BTreeSet<(u32, u64)>>> = Arc::default();
    let pending: Arc<Mutex<BTreeMap<(u32, u64), Value>>> = Arc::default();
    // Every event's timestamp is unique, so each stored event is found once.
    let make = |s: u32, seq: u64| {
        let t0 = 1_795_248_208_000 + (s as i64) * 10_000_000 + seq as i64 * 10;
        batch(&format!("s-crash-{s}"), seq, &small_events(5, t0))
    };
    for round in 0..ROUNDS {
        for s in 0..SESSIONS {
            for seq in round * PER_ROUND..(round + 1) * PER_ROUND {
                pending.lock().unwrap().insert((s, seq), make(s, seq));
            }
        }
        let server = Server::start_in(root, &["--no-server-redaction", "--max-seq", "100000"]);
        let tasks: Vec<_> =
            (0..4).map(|_| tokio::spawn(load(server.url.clone(), pending.clone(), acked.clone()))).collect();
        tokio::time::sleep(Duration::from_millis(150 + 37 * round)).await;
        root = server.stop(); // SIGKILL, mid-load
        for task in tasks {
            task.await.unwrap();
        }
    }
    let acked_before = acked.lock().unwrap().len();
    assert!(acked_before > 0);
    // The SDK resends what was not acknowledged; everything goes through once the server stays up.
    let server = Server::start_in(root, &["--no-server-redaction", "--max-seq", "100000"]);
    let tasks: Vec<_> =
        (0..4).map(|_| tokio::spawn(load(server.url.clone(), pending.clone(), acked.clone()))).collect();
    for task in tasks {
        task.await.unwrap();
    }
    assert!(pending.lock().unwrap().is_empty());
    let files = server.files();
    assert!(
        !files.iter().any(|f| f.contains('#')) || {
            // Staging files of the last kill are removed in the background shortly after start.
            tokio::time::sleep(Duration::from_secs(2)).await;
            !server.files().iter().any(|f| f.contains('#'))
        }
    );
    let (status, list) = server.get("/v1/sessions?limit=100", READ).await;
    assert_eq!((status, list["total"].as_u64()), (200, Some(SESSIONS as u64)));
    for s in 0..SESSIONS {
        let id = format!("s-crash-{s}");
        let on_disk = server.batch_files().iter().filter(|f| f.split('/').nth(4) == Some(id.as_str())).count();
        let (status, session) = server.get(&format!("/v1/sessions/{id}"), READ).await;
        assert_eq!(status, 200);
        let expected = ROUNDS * PER_ROUND;
        assert_eq!(on_disk as u64, expected, "{id}: stored once each");
        assert_eq!(session["session"]["n_batches"].as_u64(), Some(expected), "{id}: the index equals the files");
        assert_eq!(session["gaps"], json!([]));
        let times: Vec<i64> =
            session["events"].as_array().unwrap().iter().map(|e| e["timestamp"].as_i64().unwrap()).collect();
        let unique: BTreeSet<i64> = times.iter().copied().collect();
        assert_eq!((times.len(), unique.len()), (expected as usize * 5, expected as usize * 5), "{id}");
    }
    eprintln!("kill -9 ×{ROUNDS}: {acked_before} batches acknowledged under load, all stored once and readable");
}
