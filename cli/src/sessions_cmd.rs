//! `rewind sessions`: the sessions table (one row per replay) of every recording under the
//! given paths, filtered, as CSV, JSON or JSON Lines. Streams like `rewind report`: each
//! recording is analysed on the worker pool and reduced to its row at once.

use crate::report_cmd::{analyse_all, finish};
use crate::EXIT_BAD_INPUT;
use clap::{Args, ValueEnum};
use rewind::analyze::bundle::tables::write_rows;
use rewind::analyze::bundle::{TableFormat, Where};
use std::path::PathBuf;
use std::process::ExitCode;

/// Output formats of `rewind sessions`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SessionsFormat {
    /// A header line, then one line per replay.
    Csv,
    /// One JSON array of row objects.
    Json,
    /// One row object per line.
    Jsonl,
}

/// Arguments of `rewind sessions`.
#[derive(Debug, Args)]
pub struct SessionsArgs {
    /// Recordings: files, directories, or `-` for stdin (as `rewind analyze`).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Output format: csv, json or jsonl.
    ///
    /// Columns: replay_id, distinct_id, start_time, end_time (Unix epoch ms), duration_s,
    /// n_events, n_actions, n_clicks, n_inputs, n_pages, n_errors, n_custom, entry_url, exit_url.
    #[arg(long, short, value_enum, default_value_t = SessionsFormat::Csv, value_name = "FORMAT")]
    pub format: SessionsFormat,

    /// Which replays.
    #[command(flatten)]
    pub filters: FilterArgs,

    /// Show personal data in clear (by default emails, card numbers, phone numbers, SSNs and
    /// tokens in URLs are replaced by `[REDACTED:kind]`).
    #[arg(long)]
    pub no_redact: bool,
}

/// The replay filters of `rewind sessions` and `rewind export` ([`Where`]).
#[derive(Debug, Args)]
pub struct FilterArgs {
    /// Only replays whose distinct_id is U.
    #[arg(long, value_name = "U")]
    pub user: Option<String>,

    /// Only replays that visited a page whose URL contains S (case-sensitive).
    #[arg(long, value_name = "S")]
    pub url: Option<String>,

    /// Only replays lasting at least SECONDS.
    #[arg(long, value_name = "SECONDS")]
    pub min_duration: Option<f64>,

    /// Only replays lasting at most SECONDS.
    #[arg(long, value_name = "SECONDS")]
    pub max_duration: Option<f64>,

    /// Only replays with an action of this kind (click, input, console_error, dblclick…) or a
    /// custom event with this tag.
    #[arg(long, value_name = "EVENT")]
    pub has_event: Option<String>,
}

impl FilterArgs {
    /// The filters as a [`Where`].
    pub fn to_where(&self) -> Where {
        Where {
            distinct_id: self.user.clone(),
            contains_url: self.url.clone(),
            has_event: self.has_event.clone(),
            min_duration_s: self.min_duration,
            max_duration_s: self.max_duration,
        }
    }
}

/// Runs `rewind sessions`; exit codes as `rewind report`.
pub fn run(args: &SessionsArgs) -> ExitCode {
    let query = args.filters.to_where();
    let (rows, failed) = match analyse_all(&args.paths, args.no_redact, |replay| {
        query.matches(&replay).then(|| replay.session().clone())
    }) {
        Ok(result) => result,
        Err(code) => return code,
    };
    if rows.is_empty() && failed {
        return ExitCode::from(EXIT_BAD_INPUT);
    }
    let format = match args.format {
        SessionsFormat::Csv => TableFormat::Csv,
        SessionsFormat::Json => TableFormat::Json,
        SessionsFormat::Jsonl => TableFormat::Jsonl,
    };
    let text = write_rows(format, rows.into_iter().flatten());
    finish(|out| out.write_all(text.as_bytes()), failed)
}
