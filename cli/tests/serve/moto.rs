//! moto's S3-compatible server (`pip install 'moto[server]'`) on 127.0.0.1, for the tests of
//! collectors sharing one bucket. Found on `PATH` as `moto_server`, or in `REWIND_MOTO_SERVER`.

#![allow(dead_code)]

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The message a test prints when moto is absent.
pub const SKIP: &str = "skipped: moto_server not found (pip install 'moto[server]', or set REWIND_MOTO_SERVER)";

pub const BUCKET: &str = "rewind-test";

pub struct Moto(Child);

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn moto_server() -> Option<String> {
    if let Ok(path) = std::env::var("REWIND_MOTO_SERVER") {
        return Some(path);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join("moto_server")).find(|p| p.is_file()).map(|p| p.display().to_string())
}

/// Starts moto on a free port and creates the bucket; returns the endpoint URL, or `None` when
/// `program` exits at once (e.g. a pyenv shim for a Python without moto).
pub async fn start_moto(program: &str) -> Option<(Moto, String)> {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(program)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut moto = Moto(child);
    let endpoint = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    // Generous: moto (Python) starts slowly on a loaded machine.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        // moto does not check signatures: a plain PUT creates the bucket.
        if let Ok(response) = http.put(format!("{endpoint}/{BUCKET}")).send().await {
            assert!(response.status().is_success(), "create bucket: {}", response.status());
            return Some((moto, endpoint));
        }
        if moto.0.try_wait().ok().flatten().is_some() {
            return None;
        }
        assert!(Instant::now() < deadline, "moto_server did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Sets the AWS_* variables the collector reads (moto accepts any credentials); children
/// inherit them.
pub fn set_aws_env() {
    std::env::set_var("AWS_ACCESS_KEY_ID", "test");
    std::env::set_var("AWS_SECRET_ACCESS_KEY", "test");
    std::env::set_var("AWS_REGION", "us-east-1");
}
