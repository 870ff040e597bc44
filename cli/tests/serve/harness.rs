//! A real `rewind serve` process on 127.0.0.1 (port 0) with its own temporary data directory,
//! and helpers to build batches and look at what was stored.

#![allow(dead_code)] // each test uses a different subset

use flate2::write::GzEncoder;
use flate2::Compression;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The keys every test server is started with.
pub const PUBLIC: &str = "test-public-key-0001";
pub const READ: &str = "test-read-key-000001";
pub const ADMIN: &str = "test-admin-key-00001";

/// The collector's lock file in its data directory (not data: left out of [`Server::files`]).
pub const LOCK_FILE: &str = ".rewind-serve.lock";
/// The SQLite session index in the data directory (the database and its WAL files).
pub const INDEX_FILES: [&str; 3] = ["index.sqlite", "index.sqlite-wal", "index.sqlite-shm"];
/// The share-link secret the collector generates in the data directory at its first start.
pub const SHARE_SECRET_FILE: &str = "share-secret";

/// How long a server may take to print its address.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// A running collector. Killed when dropped.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// The data directory (`--data-dir`).
    pub data: PathBuf,
    /// Holds the data directory and the server's stderr log.
    pub root: tempfile::TempDir,
    /// The startup block the server printed.
    pub banner: String,
    pub http: reqwest::Client,
}

impl Server {
    /// A server with the test keys, a fresh data directory, and `extra` flags.
    pub fn start(extra: &[&str]) -> Server {
        Self::start_in(tempfile::tempdir().expect("temp dir"), extra)
    }

    /// A server over an existing temporary root (its `data/` is the data directory).
    pub fn start_in(root: tempfile::TempDir, extra: &[&str]) -> Server {
        let data = root.path().join("data");
        let log = std::fs::File::create(root.path().join("server.log")).expect("log file");
        let mut child = Command::new(env!("CARGO_BIN_EXE_rewind"))
            .arg("serve")
            .args(["--addr", "127.0.0.1:0", "--data-dir"])
            .arg(&data)
            .args(["--public-key", PUBLIC, "--read-key", READ, "--admin-key", ADMIN])
            .args(["--package-dir", root.path().to_str().unwrap()])
            .args(extra)
            .current_dir(root.path())
            .env_remove("REWIND_PUBLIC_KEY")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("rewind serve starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut banner = String::new();
            let mut sent = false;
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                banner.push_str(&line);
                banner.push('\n');
                if !sent && line.starts_with("  retention") {
                    let _ = tx.send(banner.clone());
                    sent = true;
                }
            }
        });
        let banner = match rx.recv_timeout(START_TIMEOUT) {
            Ok(banner) => banner,
            Err(_) => {
                let _ = child.kill();
                let log = std::fs::read_to_string(root.path().join("server.log")).unwrap_or_default();
                panic!("rewind serve did not start: {log}");
            }
        };
        let url = banner
            .lines()
            .find_map(|l| l.trim().strip_prefix("listening on "))
            .expect("the banner names the address")
            .to_string();
        let http = reqwest::Client::builder().timeout(Duration::from_secs(60)).build().expect("client");
        Server { child, url, data, root, banner, http }
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Stops the server (SIGKILL) and gives back its temporary root, for a restart.
    pub fn stop(mut self) -> tempfile::TempDir {
        let _ = self.child.kill();
        let _ = self.child.wait();
        std::mem::replace(&mut self.root, tempfile::tempdir().expect("temp dir"))
    }

    /// What the server wrote to stderr so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.root.path().join("server.log")).unwrap_or_default()
    }

    /// POSTs `body` to `/v1/ingest` with `key` (`None`: no key header), gzip-encoded when
    /// `gzip` (the body must then already be gzip).
    pub async fn post(&self, body: Vec<u8>, key: Option<&str>, gzip: bool) -> reqwest::Response {
        let mut request = self.http.post(format!("{}/v1/ingest", self.url)).body(body);
        if let Some(key) = key {
            request = request.header("X-Rewind-Key", key);
        }
        if gzip {
            request = request.header("Content-Encoding", "gzip");
        }
        request.send().await.expect("ingest request")
    }

    /// POSTs an already gzip'd body with the public key; returns status and JSON body.
    pub async fn send(&self, body: Vec<u8>) -> (u16, Value) {
        status_json(self.post(body, Some(PUBLIC), true).await).await
    }

    /// POSTs a batch gzip'd with the public key; returns status and JSON body.
    pub async fn ingest(&self, batch: &Value) -> (u16, Value) {
        let response = self.post(gzip(&serde_json::to_vec(batch).unwrap()), Some(PUBLIC), true).await;
        status_json(response).await
    }

    /// GET `path` with `key` as a bearer token.
    pub async fn get(&self, path: &str, key: &str) -> (u16, Value) {
        let response = self.http.get(format!("{}{path}", self.url)).bearer_auth(key).send().await.expect("GET");
        status_json(response).await
    }

    /// The `/metrics` text, read with the read key.
    pub async fn metrics(&self) -> String {
        let response = self.http.get(format!("{}/metrics", self.url)).bearer_auth(READ).send().await.expect("GET");
        assert_eq!(response.status(), 200, "/metrics with the read key");
        response.text().await.expect("metrics text")
    }

    /// DELETE `path` with `key` in `X-Rewind-Key`.
    pub async fn delete(&self, path: &str, key: &str) -> (u16, Value) {
        let url = format!("{}{path}", self.url);
        let response = self.http.delete(url).header("X-Rewind-Key", key).send().await.expect("DELETE");
        status_json(response).await
    }

    /// Every file under the data directory, relative, sorted, except the SQLite session index
    /// ([`INDEX_FILES`]) and the share secret ([`SHARE_SECRET_FILE`]), which the collector
    /// creates at start.
    pub fn files(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.data.exists() {
            walk(&self.data, &self.data, &mut out);
        }
        out.retain(|f| !INDEX_FILES.contains(&f.as_str()) && f != SHARE_SECRET_FILE);
        out.sort();
        out
    }

    /// The session index's rows as the read API lists them (one page of up to 100).
    pub async fn list(&self, query: &str) -> Value {
        let (status, list) = self.get(&format!("/v1/sessions?limit=100&{query}"), READ).await;
        assert_eq!(status, 200, "{list}");
        list
    }

    /// Stored batch files (`sessions/…/{seq}.json.gz`).
    pub fn batch_files(&self) -> Vec<String> {
        self.files().into_iter().filter(|f| f.starts_with("sessions/")).collect()
    }

    /// Asserts that nothing at all was written to the data directory.
    pub fn assert_nothing_stored(&self, after: &str) {
        let files = self.files();
        assert!(files.is_empty(), "after {after}: stored {files:?}");
    }

    /// The directory holding a session's batches.
    pub fn session_dir(&self, session_id: &str) -> PathBuf {
        let file = self
            .batch_files()
            .into_iter()
            .find(|f| f.split('/').nth(4) == Some(session_id))
            .unwrap_or_else(|| panic!("no batch of {session_id} stored"));
        self.data.join(file).parent().unwrap().to_path_buf()
    }

    /// Peak resident memory of the server process so far, in KiB (Linux `VmHWM`).
    pub fn peak_rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).expect("/proc status");
        let line = status.lines().find(|l| l.starts_with("VmHWM:")).expect("VmHWM line");
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).expect("readable dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            walk(root, &path, out);
        } else if path.file_name().is_some_and(|n| n != LOCK_FILE) {
            out.push(path.strip_prefix(root).unwrap().to_string_lossy().into_owned());
        }
    }
}

/// The status and JSON body of a response (`Value::Null` when the body is not JSON).
pub async fn status_json(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.expect("response body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// gzip of `bytes`.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// The events of `fixtures/{name}.json`.
pub fn fixture_events(name: &str) -> Vec<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures").join(format!("{name}.json"));
    serde_json::from_slice(&std::fs::read(path).expect("fixture")).expect("fixture JSON")
}

/// A wire envelope.
pub fn batch(session_id: &str, seq: u64, events: &[Value]) -> Value {
    json!({
        "session_id": session_id,
        "window_id": "w1",
        "seq": seq,
        "app_id": "test-app",
        "sdk_version": "0.1.0",
        "sent_at": 1_795_248_208_007_i64,
        "events": events,
    })
}

/// `n` small events (a mouse move each) at `t0`, `t0 + 1`, …
pub fn small_events(n: usize, t0: i64) -> Vec<Value> {
    (0..n)
        .map(|i| json!({"type": 3, "data": {"source": 1, "positions": [{"x": i, "y": 2, "id": 1, "timeOffset": 0}]}, "timestamp": t0 + i as i64}))
        .collect()
}

/// Now, Unix epoch milliseconds.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64
}
