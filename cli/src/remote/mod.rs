//! The collector's read API as a client: what `rewind sessions|fetch|analyze|report --collector
//! URL` are built on, and what an agent bridge (an MCP server over stdio) can reuse.
//!
//! Design: one blocking HTTP client ([`reqwest::blocking`], which runs its own small runtime
//! thread), so an event stream is a plain [`std::io::Read`] that [`events`] parses and sorts
//! with bounded memory. Async callers (a tokio task) call it through
//! `tokio::task::spawn_blocking`.
//!
//! The read key is a secret, handled as one:
//! - it comes from [`READ_KEY_ENV`] or a `--read-key-file`, never from a flag's value or the URL
//!   (command lines end up in shell history and `ps`, URLs in logs and proxies);
//! - it travels only in the `X-Rewind-Key` header the collector reads
//!   (collector/src/auth.rs), and [`ReadKey`]'s `Debug` does not show it;
//! - a collector URL with userinfo (`https://user:secret@…`), a query string or a fragment is
//!   refused: a base URL needs none, and a key put there would be sent and logged;
//! - error messages name the collector by its origin only, never the key.
//!
//! Every failure is one [`RemoteError`] line; the commands print it and exit 2 (401 wrong key,
//! 403 a key that may not read, 404 unknown session, unreachable collector, anything else the
//! collector refused).

pub mod events;
pub mod query;

use reqwest::blocking::{Client, Response};
use reqwest::{StatusCode, Url};
use std::fmt;
use std::io::Read;
use std::path::Path;
use std::time::Duration;

/// Environment variable naming the collector (`--collector`'s default).
pub const COLLECTOR_ENV: &str = "REWIND_COLLECTOR";
/// Environment variable holding the read key.
pub const READ_KEY_ENV: &str = "REWIND_READ_KEY";
/// The header the collector reads the key from (collector/src/auth.rs `KEY_HEADER`).
pub const KEY_HEADER: &str = "X-Rewind-Key";

/// Time to open a connection to the collector: 10 s.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest wait for the collector's answer, and for each further piece of a streamed body:
/// 60 s. A whole session may take longer to stream; only a stall fails it.
pub const IO_TIMEOUT: Duration = Duration::from_secs(60);
/// Tries of one request the collector turned away for now (429, 503): 3. It says when to
/// retry (`Retry-After`: 1 s for a busy key or store, collector/src/read.rs).
pub const MAX_ATTEMPTS: u32 = 3;
/// Longest `Retry-After` waited for before giving up: 5 s (a disk-full 507 says 30 s, and is
/// not retried).
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(5);
/// Largest key file read, in bytes: 4 KiB (collector keys are tens of bytes).
pub const MAX_KEY_FILE_BYTES: u64 = 4 << 10;
/// Largest JSON answer read whole (a sessions page, an error), in bytes: 16 MiB. A page is at
/// most 100 sessions (collector `MAX_LIST_LIMIT`), a few hundred KiB. Events are streamed.
pub const MAX_ANSWER_BYTES: u64 = 16 << 20;
/// Longest error text quoted from the collector, in characters.
const MAX_QUOTED_CHARS: usize = 200;

/// Why a request to the collector failed. `Display` is one line without the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemoteError {
    /// The command line or environment is not usable (no key, a URL carrying a secret…).
    Config(String),
    /// 401: no key or an unknown one.
    Unauthorized(String),
    /// 403: a known key that may not read (a public, ingest-only key).
    Forbidden(String),
    /// 404: no such session.
    NotFound(String),
    /// No answer: connection refused, DNS, TLS, timeout.
    Unreachable(String),
    /// Any other refusal, with the collector's status and reason.
    Refused {
        /// The HTTP status.
        status: u16,
        /// The collector's reason, one line.
        message: String,
    },
    /// An answer that is not what the read API sends.
    Protocol(String),
    /// A local file could not be written or read.
    Io(String),
}

impl fmt::Display for RemoteError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            RemoteError::Config(m) | RemoteError::Io(m) => f.write_str(m),
            RemoteError::Unauthorized(m) => {
                write!(f, "the collector refused the read key (401: {m}); check {READ_KEY_ENV} or --read-key-file")
            }
            RemoteError::Forbidden(m) => {
                write!(f, "the collector does not let this key read (403: {m}); use the read key, not a public key")
            }
            RemoteError::NotFound(m) => write!(f, "not found on the collector (404: {m})"),
            RemoteError::Unreachable(m) => write!(f, "cannot reach the collector: {m}"),
            RemoteError::Refused { status, message } => {
                write!(f, "the collector refused the request ({status}: {message})")
            }
            RemoteError::Protocol(m) => write!(f, "unexpected answer from the collector: {m}"),
        }
    }
}

/// Where the collector is and how to read its key: `--collector URL` (or [`COLLECTOR_ENV`])
/// and `--read-key-file PATH` (or [`READ_KEY_ENV`]). Global options of `rewind`.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct CollectorArgs {
    /// Read sessions from this collector (`rewind serve`) instead of files: its base URL, e.g.
    /// https://replay.example.com. Used by `sessions`, `report` and `analyze` when no PATH is
    /// given, and by `fetch`. The read key comes from REWIND_READ_KEY or --read-key-file, never
    /// from the URL (a URL with a user, password, query or fragment is refused).
    #[arg(long, global = true, env = COLLECTOR_ENV, value_name = "URL")]
    pub collector: Option<String>,

    /// Read the collector's read key from this file (its first line; default: the
    /// REWIND_READ_KEY environment variable).
    #[arg(long, global = true, value_name = "PATH")]
    pub read_key_file: Option<std::path::PathBuf>,

    /// `--collector` was typed, not taken from the environment (set after parsing).
    #[arg(skip)]
    pub on_command_line: bool,
}

impl CollectorArgs {
    /// The client, or why there is none (no URL, no key, a URL that could carry a secret).
    pub fn connect(&self) -> Result<Collector, RemoteError> {
        let Some(url) = self.collector.as_deref().filter(|u| !u.trim().is_empty()) else {
            return Err(RemoteError::Config(format!("no collector: pass --collector URL or set {COLLECTOR_ENV}")));
        };
        // The URL is checked before the key is read, so a bad URL never meets the key.
        parse_base_url(url)?;
        Collector::new(url, ReadKey::load(self.read_key_file.as_deref())?)
    }
}

/// The read key. Its `Debug` hides it; it is only ever put in [`KEY_HEADER`].
#[derive(Clone)]
pub struct ReadKey(String);

impl fmt::Debug for ReadKey {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("ReadKey(…)")
    }
}

impl ReadKey {
    /// The key from `file` when given, else from [`READ_KEY_ENV`]; surrounding whitespace (a
    /// file's final newline) is dropped. Errors never quote the key.
    pub fn load(file: Option<&Path>) -> Result<ReadKey, RemoteError> {
        let (text, origin) = match file {
            Some(path) => (read_key_file(path)?, format!("--read-key-file {}", path.display())),
            None => match std::env::var(READ_KEY_ENV) {
                Ok(text) => (text, READ_KEY_ENV.to_string()),
                Err(std::env::VarError::NotPresent) => {
                    return Err(RemoteError::Config(format!(
                        "no read key: set {READ_KEY_ENV} or pass --read-key-file PATH"
                    )))
                }
                Err(std::env::VarError::NotUnicode(_)) => {
                    return Err(RemoteError::Config(format!("{READ_KEY_ENV} is not valid UTF-8")))
                }
            },
        };
        Self::parse(&text).map_err(|reason| RemoteError::Config(format!("{origin}: {reason}")))
    }

    /// The key's text, for a front end that sends it itself (`rewind mcp`'s bearer header).
    /// Never print it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// A key from its text; `Err` says what is wrong without quoting it.
    pub fn parse(text: &str) -> Result<ReadKey, String> {
        let key = text.trim();
        if key.is_empty() {
            return Err("the read key is empty".into());
        }
        // What an HTTP header may carry and the collector accepts (printable ASCII, no spaces).
        if !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err("the read key must be printable ASCII without spaces".into());
        }
        Ok(ReadKey(key.to_string()))
    }
}

fn read_key_file(path: &Path) -> Result<String, RemoteError> {
    let fail = |reason: String| RemoteError::Config(format!("--read-key-file {}: {reason}", path.display()));
    let file = std::fs::File::open(path).map_err(|e| fail(crate::io_reason(&e)))?;
    let mut text = String::new();
    file.take(MAX_KEY_FILE_BYTES + 1).read_to_string(&mut text).map_err(|e| fail(crate::io_reason(&e)))?;
    if text.len() as u64 > MAX_KEY_FILE_BYTES {
        return Err(fail(format!("larger than {MAX_KEY_FILE_BYTES} bytes; a read key is one line")));
    }
    Ok(text)
}

/// Checks a collector base URL: http or https, a host, and no userinfo, query or fragment
/// (where a secret would travel in the clear and be logged). Errors never quote the URL's
/// userinfo or query.
pub fn parse_base_url(text: &str) -> Result<Url, RemoteError> {
    let bad = |reason: &str| RemoteError::Config(format!("--collector: {reason}"));
    let url = Url::parse(text.trim()).map_err(|e| bad(&format!("not a URL ({e}); e.g. https://replay.example.com")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("the URL must start with http:// or https://"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("the URL has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(&format!(
            "refusing a URL with a user name or password; the read key goes in {READ_KEY_ENV} or --read-key-file, never in the URL"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad(&format!(
            "refusing a URL with a query string or fragment (a key there would be logged); give the base URL, and the read key in {READ_KEY_ENV} or --read-key-file"
        )));
    }
    Ok(url)
}

/// A collector's read API with the read key.
#[derive(Debug, Clone)]
pub struct Collector {
    base: Url,
    key: ReadKey,
    http: Client,
}

impl Collector {
    /// A client for the collector at `base_url` (see [`parse_base_url`]) with `key`.
    pub fn new(base_url: &str, key: ReadKey) -> Result<Collector, RemoteError> {
        let base = parse_base_url(base_url)?;
        let http = Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            // reqwest's blocking timeout bounds the wait for the answer and then each read of
            // the body, not the whole transfer: a long session streams as long as it flows.
            .timeout(IO_TIMEOUT)
            .user_agent(concat!("rewind-cli/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| RemoteError::Config(format!("cannot set up the HTTP client: {e}")))?;
        Ok(Collector { base, key, http })
    }

    /// The collector's origin (`https://host:port`), for messages.
    pub fn origin(&self) -> String {
        self.base.origin().ascii_serialization()
    }

    /// `base` + `/v1/sessions` + `segments`, each segment percent-encoded.
    pub(crate) fn endpoint(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(["v1", "sessions"]).extend(segments);
        }
        url
    }

    /// GETs `url` with the key; the answer when it is 2xx. 429 and 503 are retried as the
    /// collector's `Retry-After` says (up to [`MAX_RETRY_AFTER`], [`MAX_ATTEMPTS`] tries);
    /// every other failure is its [`RemoteError`]. `what` names the thing asked for in a 404.
    pub fn get(&self, url: Url, what: &str) -> Result<Response, RemoteError> {
        let mut attempt = 1;
        loop {
            let response =
                self.http.get(url.clone()).header(KEY_HEADER, &self.key.0).send().map_err(|e| self.unreachable(&e))?;
            let status = response.status();
            if status.is_success() {
                return Ok(response);
            }
            let retry_after = retry_after(&response).filter(|wait| *wait <= MAX_RETRY_AFTER);
            let busy = matches!(status, StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE);
            if let (true, Some(wait), true) = (busy, retry_after, attempt < MAX_ATTEMPTS) {
                attempt += 1;
                std::thread::sleep(wait);
                continue;
            }
            let message = error_text(response);
            return Err(match status {
                StatusCode::UNAUTHORIZED => RemoteError::Unauthorized(message),
                StatusCode::FORBIDDEN => RemoteError::Forbidden(message),
                StatusCode::NOT_FOUND => RemoteError::NotFound(format!("{what}: {message}")),
                _ => RemoteError::Refused { status: status.as_u16(), message },
            });
        }
    }

    /// GETs `url` and parses its JSON answer (at most [`MAX_ANSWER_BYTES`]).
    pub fn get_json<T: serde::de::DeserializeOwned>(&self, url: Url, what: &str) -> Result<T, RemoteError> {
        let response = self.get(url, what)?;
        let mut text = Vec::new();
        response
            .take(MAX_ANSWER_BYTES + 1)
            .read_to_end(&mut text)
            .map_err(|e| RemoteError::Unreachable(format!("{}: {}", self.origin(), crate::io_reason(&e))))?;
        if text.len() as u64 > MAX_ANSWER_BYTES {
            return Err(RemoteError::Protocol(format!("an answer larger than {MAX_ANSWER_BYTES} bytes")));
        }
        serde_json::from_slice(&text).map_err(|e| RemoteError::Protocol(format!("{what}: {e}")))
    }

    /// Lists one page of sessions ([`query::ListQuery`]).
    pub fn list(&self, query: &query::ListQuery) -> Result<query::SessionPage, RemoteError> {
        let mut url = self.endpoint(&[]);
        query.apply(&mut url);
        self.get_json(url, "sessions")
    }

    /// The newest session (of `user` when given), or [`RemoteError::NotFound`].
    pub fn latest(&self, user: Option<&str>) -> Result<query::RemoteSession, RemoteError> {
        let query = query::ListQuery { user: user.map(str::to_string), limit: Some(1), ..Default::default() };
        let page = self.list(&query)?;
        page.sessions.into_iter().next().ok_or_else(|| {
            RemoteError::NotFound(match user {
                Some(user) => format!("no session of user {}", crate::escape_controls(user)),
                None => "the collector has no sessions".to_string(),
            })
        })
    }

    /// `GET /v1/sessions/{id}`: the session, its gaps and warnings, then its events, streamed
    /// ([`events::read_session`] parses it).
    pub fn session_stream(&self, session_id: &str) -> Result<Response, RemoteError> {
        self.get(self.endpoint(&[session_id]), &format!("session {}", crate::escape_controls(session_id)))
    }

    /// Session `id`'s events, streamed from `GET /v1/sessions/{id}` into a sorter (memory
    /// bounded by [`events::RUN_BYTES`]), with what the collector said of the session.
    pub fn session_events(&self, session_id: &str) -> Result<(events::SessionHead, events::EventSorter), RemoteError> {
        let body = self.session_stream(session_id)?;
        let mut sorter = events::EventSorter::default();
        let head = events::read_session(body, |event| sorter.push(event))?;
        Ok((head, sorter))
    }

    /// Session `id` downloaded into a temporary file as a time-sorted
    /// [`events::Layout::Envelope`] (the session id and user with the events), for the
    /// analyzer to read like any recording. The file is deleted when the path is dropped.
    pub fn session_file(&self, session_id: &str) -> Result<(events::SessionHead, tempfile::TempPath), RemoteError> {
        let (head, sorter) = self.session_events(session_id)?;
        let io = |e: std::io::Error| RemoteError::Io(format!("temporary file: {}", crate::io_reason(&e)));
        let file = tempfile::NamedTempFile::new().map_err(io)?;
        let layout = events::Layout::Envelope {
            session_id: head.session.session_id.clone(),
            distinct_id: head.session.distinct_id.clone(),
        };
        let (file, path) = file.into_parts();
        let mut writer = events::EventWriter::new(file, layout, false);
        sorter.finish(|event| writer.event(event))?;
        writer.finish().map_err(io)?;
        Ok((head, path))
    }

    /// A transport failure as one line: the collector's origin and the innermost cause.
    pub(crate) fn unreachable(&self, e: &reqwest::Error) -> RemoteError {
        RemoteError::Unreachable(format!("{}: {}", self.origin(), transport_reason(e)))
    }
}

/// The innermost cause of a transport error, without Rust's ` (os error N)` and without the
/// URL reqwest would add.
pub(crate) fn transport_reason(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        return "timed out".to_string();
    }
    let mut source: &dyn std::error::Error = e;
    while let Some(inner) = source.source() {
        source = inner;
    }
    let text = source.to_string();
    let text = match text.rfind(" (os error ") {
        Some(i) if text.ends_with(')') => text[..i].to_string(),
        _ => text,
    };
    crate::escape_controls(&text)
}

/// `Retry-After` in seconds, as a duration.
pub(crate) fn retry_after(response: &Response) -> Option<Duration> {
    let value = response.headers().get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// The `error` text of a refusal (`{"error": "…"}`, collector/src/api.rs), else its status
/// reason; one line, at most [`MAX_QUOTED_CHARS`] characters.
pub(crate) fn error_text(response: Response) -> String {
    let status = response.status();
    let mut body = Vec::new();
    let _ = response.take(64 << 10).read_to_end(&mut body);
    let message = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| {
            v.get("error")
                .and_then(|e| e.as_str())
                .map(str::to_string)
                .or_else(|| v.pointer("/error/message").and_then(|m| m.as_str()).map(str::to_string))
        })
        .unwrap_or_else(|| status.canonical_reason().unwrap_or("no reason given").to_string());
    one_line(&message, MAX_QUOTED_CHARS)
}

/// `text` on one line (controls escaped), cut to `max` characters with `…`.
pub(crate) fn one_line(text: &str, max: usize) -> String {
    let text = crate::escape_controls(text);
    if text.chars().count() <= max {
        return text;
    }
    let mut cut: String = text.chars().take(max).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_that_could_carry_a_secret_are_refused() {
        assert!(parse_base_url("https://replay.example.com").is_ok());
        assert!(parse_base_url("http://127.0.0.1:8377/rewind/").is_ok());
        for bad in [
            "https://user:rk_secret@replay.example.com",
            "https://rk_secret@replay.example.com",
            "https://replay.example.com/?key=rk_secret",
            "https://replay.example.com/?read_key=rk_secret",
            "https://replay.example.com/#rk_secret",
            "ftp://replay.example.com",
            "replay.example.com",
        ] {
            let error = parse_base_url(bad).unwrap_err().to_string();
            assert!(!error.contains("rk_secret"), "{bad}: {error}");
            assert!(!error.contains('\n'), "{error}");
        }
    }

    #[test]
    fn keys_are_checked_and_never_shown() {
        assert!(ReadKey::parse("  rk_0123456789abcdef\n").is_ok());
        assert!(ReadKey::parse(" \n").is_err());
        let error = ReadKey::parse("rk 0123 secret").unwrap_err();
        assert!(!error.contains("secret"), "{error}");
        assert_eq!(format!("{:?}", ReadKey::parse("rk_secret_value_1").unwrap()), "ReadKey(…)");
    }

    #[test]
    fn endpoints_keep_a_base_path_and_encode_ids() {
        let c = Collector::new("http://127.0.0.1:1/rewind/", ReadKey::parse("k").unwrap()).unwrap();
        assert_eq!(c.endpoint(&[]).as_str(), "http://127.0.0.1:1/rewind/v1/sessions");
        assert_eq!(c.endpoint(&["a/b?c"]).as_str(), "http://127.0.0.1:1/rewind/v1/sessions/a%2Fb%3Fc");
        assert_eq!(c.origin(), "http://127.0.0.1:1");
    }

    #[test]
    fn quoted_text_is_one_bounded_line() {
        assert_eq!(one_line("a\nb", 10), "a\\nb");
        assert_eq!(one_line("abcdef", 3), "abc…");
    }
}
