//! Session ids and when a new session starts.

/// A session ends after this long (ms) without activity: 30 minutes, the common web-analytics
/// idle timeout (Google Analytics, PostHog, Amplitude).
pub const SESSION_IDLE_MS: f64 = 30.0 * 60.0 * 1000.0;
/// A session ends this long (ms) after it started, active or not: 24 hours (PostHog's cap).
pub const SESSION_MAX_MS: f64 = 24.0 * 60.0 * 60.0 * 1000.0;

/// One session as kept in `sessionStorage` between pages of the tab.
#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    /// `[A-Za-z0-9_-]{1,64}` (the collector uses it in paths).
    pub id: String,
    pub started_ms: f64,
    pub last_activity_ms: f64,
    /// The `seq` the next batch gets.
    pub next_seq: u64,
}

impl Session {
    /// A session starting at `now_ms`.
    pub fn new(id: String, now_ms: f64) -> Self {
        Session { id, started_ms: now_ms, last_activity_ms: now_ms, next_seq: 0 }
    }

    /// Whether activity at `now_ms` belongs to a new session (idle too long, or too old).
    /// A clock that went backwards does not end a session.
    pub fn expired(&self, now_ms: f64) -> bool {
        now_ms - self.last_activity_ms > SESSION_IDLE_MS || now_ms - self.started_ms > SESSION_MAX_MS
    }

    /// The `seq` for the next batch, advancing the counter.
    pub fn take_seq(&mut self) -> u64 {
        let s = self.next_seq;
        self.next_seq += 1;
        s
    }

    /// The storage text: `id started last next_seq`.
    pub fn to_storage(&self) -> String {
        format!("{} {} {} {}", self.id, self.started_ms as u64, self.last_activity_ms as u64, self.next_seq)
    }

    /// Parses [`to_storage`](Self::to_storage)'s text; `None` for anything else (a new session
    /// is then started).
    pub fn from_storage(text: &str) -> Option<Session> {
        let mut it = text.split(' ');
        let id = it.next().filter(|id| valid_id(id))?.to_string();
        let started_ms = it.next()?.parse::<u64>().ok()? as f64;
        let last_activity_ms = it.next()?.parse::<u64>().ok()? as f64;
        let next_seq = it.next()?.parse().ok()?;
        it.next().is_none().then_some(Session { id, started_ms, last_activity_ms, next_seq })
    }
}

/// `[A-Za-z0-9_-]{1,64}`: what the collector accepts as a session id.
pub fn valid_id(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}
