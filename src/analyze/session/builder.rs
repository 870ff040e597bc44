//! Building an [`AnalyzedSession`]: the single pass over a recording's events (`pass.rs`), fed
//! all at once ([`AnalyzedSession::from_recording`], [`AnalyzedSession::from_bytes`]) or one
//! event at a time ([`AnalyzedSessionBuilder`]).

use super::facts::AnalyzedSession;
use super::pass::Pass;
use crate::analyze::AnalyzeOptions;
use crate::codec::{self, DecodeError, EventSink};
use crate::model::{Event, Recording};

/// [`AnalyzedSession::from_recording`]'s single pass fed one event at a time, so a caller can spread
/// the work over time (the player analyses between animation frames). Events must come in
/// [`codec::decode`]'s order; the result is then exactly `from_recording`'s (it is built
/// this way).
pub struct AnalyzedSessionBuilder {
    pass: Pass,
}

impl std::fmt::Debug for AnalyzedSessionBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnalyzedSessionBuilder").finish_non_exhaustive()
    }
}

impl Default for AnalyzedSessionBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl AnalyzedSessionBuilder {
    /// An empty pass, outputs redacted.
    pub fn new() -> Self {
        Self::with_options(AnalyzeOptions::default())
    }

    /// An empty pass with explicit options (e.g. redaction off).
    pub fn with_options(options: AnalyzeOptions) -> Self {
        AnalyzedSessionBuilder { pass: Pass::new(options) }
    }

    /// Analyses the next event (consumed).
    pub fn push(&mut self, event: Event) {
        self.pass.push(event);
    }

    /// The replay of the events pushed; `replay_id` as in [`AnalyzedSession::from_recording`].
    pub fn finish(self, replay_id: Option<String>, distinct_id: Option<String>) -> AnalyzedSession {
        self.pass.finish(replay_id, distinct_id)
    }
}

impl EventSink for AnalyzedSessionBuilder {
    fn push(&mut self, event: Event) {
        self.pass.push(event);
    }
}

impl AnalyzedSession {
    /// Analyses a decoded recording (events sorted, as [`codec::decode`] returns them) in one
    /// pass, consuming its events. `replay_id` is the recording's session id, else
    /// `rrweb-{start_time}`; use [`Recording::fill_session_id`] first to supply one.
    pub fn from_recording(recording: Recording) -> AnalyzedSession {
        Self::from_recording_with(recording, AnalyzeOptions::default())
    }

    /// [`AnalyzedSession::from_recording`] with explicit options (e.g. redaction off).
    pub fn from_recording_with(recording: Recording, options: AnalyzeOptions) -> AnalyzedSession {
        let Recording { events, session_id, distinct_id, warnings } = recording;
        let mut builder = AnalyzedSessionBuilder::with_options(options);
        for event in events {
            builder.push(event);
        }
        let mut replay = builder.finish(session_id, distinct_id);
        replay.warnings.splice(0..0, warnings);
        replay
    }

    /// Decodes raw recording bytes (any format [`codec::decode`] accepts) and analyses them
    /// while they are read ([`codec::decode_into`]), with the result of
    /// [`AnalyzedSession::from_recording`] on the decoded recording. `fallback_id` becomes the
    /// replay id when the recording carries no session id.
    ///
    /// # Errors
    /// The decoder's [`DecodeError`] (empty input, invalid JSON or gzip, unsupported format…).
    pub fn from_bytes(bytes: &[u8], fallback_id: Option<&str>) -> Result<AnalyzedSession, DecodeError> {
        Self::from_bytes_with(bytes, fallback_id, AnalyzeOptions::default())
    }

    /// [`AnalyzedSession::from_bytes`] with explicit options (e.g. redaction off).
    ///
    /// # Errors
    /// As [`AnalyzedSession::from_bytes`].
    pub fn from_bytes_with(
        bytes: &[u8],
        fallback_id: Option<&str>,
        options: AnalyzeOptions,
    ) -> Result<AnalyzedSession, DecodeError> {
        let new = || AnalyzedSessionBuilder::with_options(options);
        let decoded = codec::decode_lean_into(bytes, new, Some(crate::analyze::dom::LEAN))?;
        Ok(Self::finish_decoded(decoded, fallback_id))
    }

    /// [`AnalyzedSession::from_bytes_with`] on the bytes `open` reads, without holding them
    /// whole ([`crate::analyze::analyze_reader_with`]'s reading). Native only.
    ///
    /// # Errors
    /// `open`'s error, [`DecodeError::Io`] when the input cannot be read again, or the decoder's.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_reader_with<R: std::io::Read>(
        open: impl FnMut() -> Result<R, DecodeError>,
        fallback_id: Option<&str>,
        options: AnalyzeOptions,
    ) -> Result<AnalyzedSession, DecodeError> {
        let new = || AnalyzedSessionBuilder::with_options(options);
        let decoded = codec::decode_lean_reader_into(open, new, Some(crate::analyze::dom::LEAN))?;
        Ok(Self::finish_decoded(decoded, fallback_id))
    }

    fn finish_decoded(
        (builder, mut recording): (AnalyzedSessionBuilder, Recording),
        fallback_id: Option<&str>,
    ) -> AnalyzedSession {
        if let Some(id) = fallback_id {
            recording.fill_session_id(id);
        }
        let mut replay = builder.finish(recording.session_id, recording.distinct_id);
        replay.warnings.splice(0..0, recording.warnings);
        replay
    }
}
