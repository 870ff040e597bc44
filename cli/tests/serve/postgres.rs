//! A real PostgreSQL server for the collector's `--index postgres://…` tests: Debian's
//! `postgresql` package (scripts/setup.sh installs it), `initdb` in a temporary directory and
//! `pg_ctl` on a free 127.0.0.1 port, trust authentication, stopped when dropped.
//!
//! PostgreSQL refuses to run as root; as root (CI) the server runs as the unprivileged `nobody`
//! through `runuser`, its directory handed to that user. Found at
//! `/usr/lib/postgresql/*/bin` or in `REWIND_PG_BIN`; when absent the tests print that they
//! were skipped and pass.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The unprivileged user PostgreSQL runs as when the tests run as root.
const PG_USER: &str = "nobody";

/// A running PostgreSQL server.
pub struct Postgres {
    bin: PathBuf,
    dir: tempfile::TempDir,
    as_root: bool,
    /// `postgres://rewind@127.0.0.1:PORT/postgres`.
    pub url: String,
}

/// The directory holding `initdb` and `pg_ctl`, if PostgreSQL is installed.
pub fn pg_bin() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("REWIND_PG_BIN") {
        return Some(PathBuf::from(dir));
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| Some(e.ok()?.path().join("bin")))
        .filter(|bin| bin.join("initdb").is_file() && bin.join("pg_ctl").is_file())
        .collect();
    versions.sort();
    versions.pop()
}

fn is_root() -> bool {
    // The owner of /proc/self is the effective user.
    std::os::unix::fs::MetadataExt::uid(&std::fs::metadata("/proc/self").expect("/proc/self")) == 0
}

impl Postgres {
    /// Starts a fresh server, or says why it cannot (`Err` with a message to print as a skip).
    pub fn start() -> Result<Postgres, String> {
        let bin = pg_bin().ok_or("skipped: PostgreSQL not found (apt-get install postgresql, or set REWIND_PG_BIN)")?;
        let dir = tempfile::tempdir().expect("temp dir");
        let as_root = is_root();
        if as_root {
            let status = Command::new("chown").args(["-R", PG_USER]).arg(dir.path()).status().expect("chown");
            assert!(status.success(), "chown {PG_USER} {}", dir.path().display());
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let pg = Postgres { bin, as_root, url: format!("postgres://rewind@127.0.0.1:{port}/postgres"), dir };
        let data = pg.dir.path().join("data");
        let out = pg
            .command("initdb")
            .args(["-A", "trust", "-U", "rewind", "-E", "UTF8", "--no-sync", "-D"])
            .arg(&data)
            .output()
            .expect("initdb runs");
        assert!(out.status.success(), "initdb: {}", String::from_utf8_lossy(&out.stderr));
        let options = format!(
            "-p {port} -h 127.0.0.1 -k {} -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
            pg.dir.path().display()
        );
        let out = pg
            .command("pg_ctl")
            .args(["-w", "-t", "60", "-D"])
            .arg(&data)
            .arg("-l")
            .arg(pg.dir.path().join("log"))
            .args(["-o", &options, "start"])
            .output()
            .expect("pg_ctl runs");
        let log = std::fs::read_to_string(pg.dir.path().join("log")).unwrap_or_default();
        assert!(out.status.success(), "pg_ctl start: {}{log}", String::from_utf8_lossy(&out.stderr));
        Ok(pg)
    }

    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        let mut command = if self.as_root {
            let mut c = Command::new("runuser");
            c.args(["-u", PG_USER, "--"]).arg(path);
            c
        } else {
            Command::new(path)
        };
        command.stdin(Stdio::null()).current_dir(self.dir.path());
        command
    }

    /// The server's directory (data and log).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let data = self.dir.path().join("data");
        let _ = self.command("pg_ctl").args(["-D"]).arg(&data).args(["-m", "immediate", "stop"]).output();
    }
}
