//! `rewind analyze … --llm`: a short friction narrative of a session from an OpenAI-compatible
//! chat-completions endpoint. Off by default, and an export of data to a third party, so:
//!
//! - it runs only with `--confirm-external-llm-export` (or `--dry-run`, which sends nothing and
//!   prints exactly the request body that would be sent);
//! - the request holds only the analyzer's redacted outputs: the session summary (duration,
//!   counts, entry and exit page) and the markdown timeline. Never raw rrweb events, never the
//!   session or user id, and never with `--no-redact`. The redaction rules run once more over
//!   the whole message before it leaves ([`rewind::privacy::redact`]);
//! - the prompt is at most [`MAX_PROMPT_BYTES`] (the timeline is cut at a line, saying so),
//!   the answer at most [`MAX_OUTPUT_TOKENS`] tokens and [`MAX_RESPONSE_BYTES`] bytes;
//! - each request has a deadline ([`DEFAULT_TIMEOUT_S`], `REWIND_LLM_TIMEOUT_S`) and is tried
//!   [`MAX_ATTEMPTS`] times on a network error, 408, 429 or 5xx, waiting [`RETRY_BASE_DELAY`]
//!   doubled each time (or the endpoint's `Retry-After`, up to [`MAX_RETRY_AFTER`]).
//!
//! The endpoint: `REWIND_LLM_BASE_URL` (e.g. `https://api.openai.com/v1`; the request goes to
//! `{base}/chat/completions`), `REWIND_LLM_MODEL`, and `REWIND_LLM_API_KEY` sent as
//! `Authorization: Bearer` (optional: local servers often need none). Plain http is accepted
//! for loopback hosts only, so a key never crosses a network in the clear.

use crate::output::format_duration;
use crate::remote::{one_line, retry_after};
use reqwest::blocking::Client;
use reqwest::{StatusCode, Url};
use rewind::analyze::Analysis;
use serde::Serialize;
use std::fmt::Write as _;
use std::io::Read;
use std::time::Duration;

/// Environment variable: the endpoint's base URL (`{base}/chat/completions` is called).
pub const BASE_URL_ENV: &str = "REWIND_LLM_BASE_URL";
/// Environment variable: the API key, sent as `Authorization: Bearer`.
pub const API_KEY_ENV: &str = "REWIND_LLM_API_KEY";
/// Environment variable: the model name.
pub const MODEL_ENV: &str = "REWIND_LLM_MODEL";
/// Environment variable: the per-request deadline in seconds (default [`DEFAULT_TIMEOUT_S`]).
pub const TIMEOUT_ENV: &str = "REWIND_LLM_TIMEOUT_S";

/// Largest prompt (system and user message text) sent, in bytes: 24,000, about 6,000 tokens
/// at OpenAI's rule of thumb of ~4 characters per token — room for a timeline of several
/// hundred actions in any current model's context, and a bounded cost per session.
pub const MAX_PROMPT_BYTES: usize = 24_000;
/// Longest answer asked for, in tokens (`max_tokens`): 400, a few short paragraphs.
pub const MAX_OUTPUT_TOKENS: u32 = 400;
/// Largest answer read, in bytes: 1 MiB (a 400-token answer is a few KiB).
pub const MAX_RESPONSE_BYTES: u64 = 1 << 20;
/// Deadline of one request, in seconds, unless `REWIND_LLM_TIMEOUT_S` says otherwise: 60 s
/// (a 400-token answer takes seconds on hosted models, tens of seconds on a laptop's).
pub const DEFAULT_TIMEOUT_S: u64 = 60;
/// Largest `REWIND_LLM_TIMEOUT_S` accepted: 600 s.
pub const MAX_TIMEOUT_S: u64 = 600;
/// Tries per request: 3 (the first and two retries).
pub const MAX_ATTEMPTS: u32 = 3;
/// Wait before the first retry, doubled before each next: 1 s.
pub const RETRY_BASE_DELAY: Duration = Duration::from_secs(1);
/// Longest `Retry-After` honoured: 30 s; a longer one ends the tries.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);
/// Most sessions narrated in one command: 10 (each is one request, and an export).
pub const MAX_SESSIONS: usize = 10;

/// The instructions sent with every timeline.
pub const SYSTEM_PROMPT: &str = "You are a UX researcher reading the recorded timeline of one visit to a web app. \
Each timeline line is `SECONDS: action`, seconds since the visit started. Personal data has been replaced by \
[REDACTED:kind] markers; never guess it. Write a short friction narrative (at most 150 words, plain prose): what \
the user tried to do, where they struggled (rage or dead clicks, errors, repeated attempts, hesitation, \
abandoned forms) and how the visit ended. Cite the timestamp of every moment you mention as it appears in the \
timeline, e.g. (12.3s). Say so plainly if the visit shows no friction. Use only what the timeline says.";

/// The endpoint and model, from the environment.
#[derive(Clone, Debug)]
pub struct Endpoint {
    /// `{base}/chat/completions`.
    pub url: Url,
    /// The model name.
    pub model: String,
    api_key: Option<String>,
    /// Deadline of one request.
    pub timeout: Duration,
}

impl Endpoint {
    /// The endpoint from [`BASE_URL_ENV`], [`MODEL_ENV`], [`API_KEY_ENV`] and [`TIMEOUT_ENV`].
    /// `dry_run` needs only the model (the body names it). Errors never quote the key.
    pub fn from_env(dry_run: bool) -> Result<Endpoint, String> {
        let var = |name: &str| std::env::var(name).ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let model = var(MODEL_ENV).ok_or_else(|| format!("--llm needs the model name in {MODEL_ENV}"))?;
        let url = match var(BASE_URL_ENV) {
            Some(base) => completions_url(&base)?,
            None if dry_run => Url::parse("https://llm.invalid/v1/chat/completions").expect("a valid URL"),
            None => return Err(format!("--llm needs the endpoint in {BASE_URL_ENV} (e.g. https://api.openai.com/v1)")),
        };
        let timeout = match var(TIMEOUT_ENV) {
            None => DEFAULT_TIMEOUT_S,
            Some(v) => match v.parse::<u64>() {
                Ok(s) if (1..=MAX_TIMEOUT_S).contains(&s) => s,
                _ => return Err(format!("{TIMEOUT_ENV} must be whole seconds from 1 to {MAX_TIMEOUT_S}")),
            },
        };
        Ok(Endpoint { url, model, api_key: var(API_KEY_ENV), timeout: Duration::from_secs(timeout) })
    }
}

/// `{base}/chat/completions` for a base URL: http(s), no userinfo, query or fragment, and plain
/// http only to a loopback host.
pub fn completions_url(base: &str) -> Result<Url, String> {
    let bad = |reason: &str| format!("{BASE_URL_ENV}: {reason}");
    let mut url = Url::parse(base).map_err(|e| bad(&format!("not a URL ({e})")))?;
    if !url.username().is_empty() || url.password().is_some() || url.query().is_some() || url.fragment().is_some() {
        return Err(bad(&format!("give the base URL only; the API key goes in {API_KEY_ENV}")));
    }
    let host = url.host_str().unwrap_or("").trim_start_matches('[').trim_end_matches(']');
    let loopback =
        host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => return Err(bad("plain http is allowed for localhost only; use https")),
        _ => return Err(bad("the URL must start with https://")),
    }
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty().extend(["chat", "completions"]);
    }
    Ok(url)
}

#[derive(Serialize)]
struct Message<'a> {
    role: &'a str,
    content: &'a str,
}

#[derive(Serialize)]
struct ChatRequest<'a> {
    model: &'a str,
    messages: [Message<'a>; 2],
    max_tokens: u32,
}

/// The user message for one analysis: the redacted session summary and timeline, cut to fit
/// [`MAX_PROMPT_BYTES`] with the system prompt, then redacted once more.
pub fn user_message(analysis: &Analysis) -> String {
    let s = &analysis.session;
    let mut head = String::from("Session summary (personal data redacted):\n");
    let _ = writeln!(head, "- duration: {}", format_duration(s.duration_s));
    let count = |n: usize, noun: &str| format!("{n} {noun}{}", if n == 1 { "" } else { "s" });
    let _ = writeln!(
        head,
        "- {}: {}, {}, {}, {}",
        count(s.n_actions, "action"),
        count(s.n_clicks, "click"),
        count(s.n_inputs, "input"),
        count(s.n_pages, "page"),
        count(s.n_errors, "console error")
    );
    if let Some(entry) = &s.entry_url {
        let _ = writeln!(head, "- entry page: {}", one_line(entry, 300));
    }
    if let Some(exit) = s.exit_url.as_ref().filter(|exit| Some(*exit) != s.entry_url.as_ref()) {
        let _ = writeln!(head, "- exit page: {}", one_line(exit, 300));
    }
    head.push_str("\nTimeline (seconds since the visit started: action):\n");
    let budget = MAX_PROMPT_BYTES.saturating_sub(SYSTEM_PROMPT.len() + head.len());
    let message = head + &cut_lines(&analysis.summary_markdown, budget);
    rewind::privacy::redact::redact_text_seen(&message, &[], &mut |_| {})
}

/// `text`'s whole lines that fit in `budget` bytes, with a last line saying how many were cut.
fn cut_lines(text: &str, budget: usize) -> String {
    if text.len() <= budget {
        return text.to_string();
    }
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        let note = format!("… {} more timeline lines cut to fit the prompt limit\n", lines.len() - i);
        if out.len() + line.len() + 1 + note.len() > budget {
            if out.len() + note.len() <= budget {
                out.push_str(&note);
            }
            return out;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The exact request body for one analysis (compact JSON, one line).
pub fn request_body(endpoint_model: &str, analysis: &Analysis) -> String {
    let user = user_message(analysis);
    let request = ChatRequest {
        model: endpoint_model,
        messages: [Message { role: "system", content: SYSTEM_PROMPT }, Message { role: "user", content: &user }],
        max_tokens: MAX_OUTPUT_TOKENS,
    };
    serde_json::to_string(&request).expect("strings and numbers serialize")
}

/// Sends `body` to the endpoint, with [`MAX_ATTEMPTS`] tries; the narrative text, or one line
/// saying why there is none.
pub fn narrate(endpoint: &Endpoint, body: &str) -> Result<String, String> {
    let http = Client::builder()
        .timeout(endpoint.timeout)
        .user_agent(concat!("rewind-cli/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("cannot set up the HTTP client: {e}"))?;
    let mut delay = RETRY_BASE_DELAY;
    let mut attempt = 1;
    loop {
        let mut request = http
            .post(endpoint.url.clone())
            .timeout(endpoint.timeout)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_string());
        if let Some(key) = &endpoint.api_key {
            request = request.bearer_auth(key);
        }
        let (retry, wait, reason) = match request.send() {
            Err(e) => (true, None, crate::remote::transport_reason(&e)),
            Ok(response) if response.status().is_success() => return read_narrative(response),
            Ok(response) => {
                let status = response.status();
                let retryable = status == StatusCode::REQUEST_TIMEOUT
                    || status == StatusCode::TOO_MANY_REQUESTS
                    || status.is_server_error();
                let wait = retry_after(&response);
                (retryable, wait, format!("{}: {}", status.as_u16(), crate::remote::error_text(response)))
            }
        };
        let wait = wait.unwrap_or(delay);
        if !retry || attempt >= MAX_ATTEMPTS || wait > MAX_RETRY_AFTER {
            let tries = if attempt == 1 { String::new() } else { format!(" after {attempt} tries") };
            return Err(format!(
                "the LLM endpoint {} failed{tries} ({reason})",
                endpoint.url.origin().ascii_serialization()
            ));
        }
        std::thread::sleep(wait);
        attempt += 1;
        delay *= 2;
    }
}

/// `choices[0].message.content` of a chat-completions answer.
fn read_narrative(response: reqwest::blocking::Response) -> Result<String, String> {
    let mut bytes = Vec::new();
    response
        .take(MAX_RESPONSE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("the LLM endpoint's answer broke off: {}", crate::io_reason(&e)))?;
    if bytes.len() as u64 > MAX_RESPONSE_BYTES {
        return Err(format!("the LLM endpoint's answer is larger than {MAX_RESPONSE_BYTES} bytes"));
    }
    let answer: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| format!("the LLM endpoint's answer is not JSON: {e}"))?;
    let text = answer
        .pointer("/choices/0/message/content")
        .and_then(|c| c.as_str())
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or("the LLM endpoint's answer has no choices[0].message.content")?;
    Ok(text.to_string())
}

/// Whether `narrative` cites at least one timestamp (`12.3s`, `(4s)`), as asked.
pub fn cites_timestamps(narrative: &str) -> bool {
    let bytes = narrative.as_bytes();
    bytes.iter().enumerate().any(|(i, b)| {
        *b == b's'
            && i > 0
            && bytes[i - 1].is_ascii_digit()
            && bytes.get(i + 1).is_none_or(|next| !next.is_ascii_alphanumeric())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_take_https_or_loopback_http_and_no_secrets_in_the_url() {
        assert_eq!(
            completions_url("https://api.openai.com/v1").unwrap().as_str(),
            "https://api.openai.com/v1/chat/completions"
        );
        assert_eq!(
            completions_url("http://127.0.0.1:11434/v1/").unwrap().as_str(),
            "http://127.0.0.1:11434/v1/chat/completions"
        );
        assert!(completions_url("http://localhost:8080").is_ok());
        assert!(completions_url("http://llm.lan/v1").unwrap_err().contains("https"));
        let error = completions_url("https://api.example/v1?key=sk-secret").unwrap_err();
        assert!(!error.contains("sk-secret"), "{error}");
        assert!(completions_url("https://u:sk-secret@api.example/v1").is_err());
    }

    #[test]
    fn long_timelines_are_cut_at_a_line_within_the_limit() {
        let timeline: String = (0..5_000).map(|i| format!("{i}.0s: Clicked button \"Next page\"\n")).collect();
        let cut = cut_lines(&timeline, 1_000);
        assert!(cut.len() <= 1_000, "{}", cut.len());
        assert!(cut.starts_with("0.0s: Clicked") && cut.ends_with("more timeline lines cut to fit the prompt limit\n"));
        assert_eq!(cut_lines("a\nb\n", 100), "a\nb\n");
    }

    #[test]
    fn timestamp_citations() {
        assert!(cites_timestamps("They rage-clicked Apply (12.3s) and left."));
        assert!(cites_timestamps("At 4s they left"));
        assert!(!cites_timestamps("The user struggled with forms."));
        assert!(!cites_timestamps("4 seconds later"));
    }
}
