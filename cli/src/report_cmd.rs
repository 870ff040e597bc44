//! `rewind report`: the bundle report (sessions, top clicks, rage and dead clicks, error
//! sessions, long pauses, the friction report) over every recording under the given paths.
//!
//! Recordings stream through analysis in parallel ([`analyse_all`]: a rayon pool, one
//! recording per worker at a time), and each is reduced at once to its
//! [`ReplayPart`] — the few rows and findings the report shows — so memory holds the parts
//! plus the recordings in flight, never the whole corpus. `rewind sessions` streams the same
//! way.
//!
//! With `--collector` and no paths, the sessions matching the filters are listed page by page
//! and fetched one at a time into a temporary file (time-sorted, [`crate::remote::events`]),
//! analysed from there and reduced to their part, so memory holds one session in flight and
//! the parts, whatever the number of sessions. A progress bar shows on stderr when it is a
//! terminal.

use crate::analyze_cmd::{
    analyse_input, analyze_options, collect_inputs, damage_warnings, open_file, progress_bar, Input,
};
use crate::remote::{Collector, CollectorArgs, RemoteError};
use crate::sessions_cmd::{each_session, list_query, local_only, CollectorFilterArgs, FilterArgs};
use crate::{
    escape_controls, io_reason, remote_failure, source, Source, EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OUTPUT,
    WORKER_STACK_BYTES,
};
use clap::{Args, ValueEnum};
use rayon::prelude::*;
use rewind::analyze::bundle::{BundleReport, ReplayPart, ReportOptions};
use rewind::analyze::session::AnalyzedSession;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Output formats of `rewind report`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Tables and the ranked friction report, for people and LLMs.
    Markdown,
    /// One JSON object: n_replays, n_users, sessions, top_clicks, rage_clicks, dead_clicks,
    /// error_sessions, long_pauses, friction.
    Json,
}

/// Arguments of `rewind report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Recordings: files, directories (searched recursively for *.json, *.jsonl and *.gz; a
    /// directory of {seq}.json.gz batch files is one session), or `-` for stdin. Without any,
    /// the sessions of `--collector`.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Output format: markdown or json.
    ///
    /// Times in JSON are Unix epoch milliseconds (`*_ms`, `start_time`, `end_time`),
    /// durations and offsets seconds (`*_s`).
    #[arg(long, short, value_enum, default_value_t = ReportFormat::Markdown, value_name = "FORMAT")]
    pub format: ReportFormat,

    /// Rows of top clicks and long pauses; in markdown also the groups shown per section.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub top: usize,

    /// Show personal data in clear (by default emails, card numbers, phone numbers, SSNs and
    /// tokens are replaced by `[REDACTED:kind]`; the report says how many).
    #[arg(long)]
    pub no_redact: bool,

    /// Which replays.
    #[command(flatten)]
    pub filters: FilterArgs,

    /// Which sessions of a collector.
    #[command(flatten)]
    pub remote: CollectorFilterArgs,

    /// At most N sessions from a collector, newest first (default: every match).
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

/// Runs `rewind report`; returns the process exit code (0, or 2 when an input was bad or the
/// collector cannot be read, 74 when stdout cannot be written).
pub fn run(args: &ReportArgs, collector: &CollectorArgs) -> ExitCode {
    let options = ReportOptions { top: args.top, ..ReportOptions::default() };
    let (parts, failed) = match source(&args.paths, collector) {
        Err(code) => return code,
        Ok(Source::Collector(collector)) => match remote_parts(args, &collector, &options) {
            Ok(result) => result,
            Err(code) => return code,
        },
        Ok(Source::Files(paths)) => {
            if let Err(code) = local_only(&args.remote) {
                return code;
            }
            if args.limit.is_some() {
                eprintln!("rewind: --limit picks a collector's newest sessions: use it with --collector and no PATH");
                return ExitCode::from(EXIT_BAD_INPUT);
            }
            let query = args.filters.to_where();
            match analyse_all(paths, args.no_redact, |replay| {
                query.matches(&replay).then(|| ReplayPart::new(&replay, &options))
            }) {
                Ok((parts, failed)) => (parts.into_iter().flatten().collect(), failed),
                Err(code) => return code,
            }
        }
    };
    if parts.is_empty() && failed {
        return ExitCode::from(EXIT_BAD_INPUT);
    }
    let report = BundleReport::from_parts(parts, &options);
    match args.format {
        ReportFormat::Markdown => finish(|out| out.write_all(report.to_markdown(args.top).as_bytes()), failed),
        // Streamed: the JSON of many replays' findings runs to tens of MB.
        ReportFormat::Json => finish(|out| report.write_json(out), failed),
    }
}

/// The parts of a collector's sessions matching the filters, fetched and analysed one at a
/// time. A session that cannot be analysed is reported on stderr and skipped (the flag says
/// so), one deleted since it was listed is skipped with a warning; a refusal (wrong key…)
/// stops the report with exit 2.
fn remote_parts(
    args: &ReportArgs,
    collector: &Collector,
    options: &ReportOptions,
) -> Result<(Vec<ReplayPart>, bool), ExitCode> {
    let query = list_query(&args.filters, &args.remote).map_err(|message| {
        eprintln!("rewind: {message}");
        ExitCode::from(EXIT_BAD_INPUT)
    })?;
    let analyze = analyze_options(args.no_redact);
    let mut progress = None;
    let mut parts = Vec::new();
    let mut failed = false;
    let walked = each_session(collector, query, args.limit, |session, (total, _)| {
        let n = args.limit.map_or(total, |limit| total.min(limit as u64));
        let bar = progress.get_or_insert_with(|| progress_bar(usize::try_from(n).unwrap_or(usize::MAX)));
        let id = session.session_id;
        let label = escape_controls(&id);
        bar.set_message(label.clone());
        match collector.session_file(&id) {
            Ok((head, path)) => {
                let analysed = AnalyzedSession::from_reader_with(open_file(&path), Some(&id), analyze);
                match analysed {
                    Ok(replay) => {
                        let mut damage: Vec<String> = head.analysis_warnings();
                        damage.extend(damage_warnings(replay.warnings()).cloned());
                        bar.suspend(|| {
                            damage.iter().for_each(|w| eprintln!("rewind: {label}: warning: {}", escape_controls(w)))
                        });
                        parts.push(ReplayPart::new(&replay, options));
                    }
                    Err(e) => {
                        failed = true;
                        bar.suspend(|| eprintln!("rewind: {label}: {}", escape_controls(&e.to_string())));
                    }
                }
            }
            Err(RemoteError::NotFound(_)) => {
                bar.suspend(|| {
                    eprintln!("rewind: {label}: warning: deleted from the collector since it was listed; skipped")
                });
            }
            Err(e) => return Err(e),
        }
        bar.inc(1);
        Ok(())
    });
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    match walked {
        Ok(_) => Ok((parts, failed)),
        Err(e) => Err(remote_failure(&e)),
    }
}

/// Finds the inputs under `paths`, then decodes and analyses each on a rayon pool (redacted
/// unless `no_redact`) and reduces its [`AnalyzedSession`] with `reduce`, in input order. Bad inputs
/// are reported on stderr (one line each, in input order, after the progress bar) and
/// skipped; the flag says whether any was. Damaged recordings that were salvaged get a
/// warning line each. `Err` is an exit code: the worker pool could not start.
pub(crate) fn analyse_all<T: Send>(
    paths: &[PathBuf],
    no_redact: bool,
    reduce: impl Fn(AnalyzedSession) -> T + Sync,
) -> Result<(Vec<T>, bool), ExitCode> {
    let mut failed = false;
    let mut report = |label: &str, reason: &str| {
        failed = true;
        eprintln!("rewind: {}: {}", escape_controls(label), escape_controls(reason));
    };
    let inputs: Vec<Input> = collect_inputs(paths, &mut report);
    let pool = worker_pool()?;
    let progress = progress_bar(inputs.len());
    let options = analyze_options(no_redact);
    type Analysed<T> = Result<(T, Vec<String>), String>;
    let results: Vec<Analysed<T>> = pool.install(|| {
        inputs
            .par_iter()
            .map(|input| {
                progress.set_message(input.label());
                // A file is read in a window and its events are analysed as they are read (neither
                // the file nor its events are ever held whole).
                let analysed = analyse_input(
                    input,
                    |bytes, id| AnalyzedSession::from_bytes_with(bytes, Some(id), options),
                    |path, id| AnalyzedSession::from_reader_with(open_file(path), Some(id), options),
                    |recording| AnalyzedSession::from_recording_with(recording, options),
                );
                let result = analysed.map(|replay| {
                    let damage = damage_warnings(replay.warnings()).cloned().collect();
                    (reduce(replay), damage)
                });
                progress.inc(1);
                result
            })
            .collect()
    });
    progress.finish_and_clear();
    let mut kept = Vec::with_capacity(results.len());
    for (input, result) in inputs.iter().zip(results) {
        match result {
            Ok((value, damage)) => {
                crate::analyze_cmd::print_damage(&input.label(), &damage);
                kept.push(value);
            }
            Err(reason) => report(&input.label(), &reason),
        }
    }
    Ok((kept, failed))
}

/// Writes the output to stdout through `write` (a closed pipe is not an error) and picks the
/// exit code.
pub(crate) fn finish(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>, failed: bool) -> ExitCode {
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    match write(&mut stdout).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("rewind: stdout: {}", io_reason(&e));
            return ExitCode::from(EXIT_OUTPUT);
        }
        _ => {}
    }
    if failed {
        ExitCode::from(EXIT_BAD_INPUT)
    } else {
        ExitCode::SUCCESS
    }
}

/// The worker pool of `rewind report`, `rewind sessions` and `rewind export`: one analysis per
/// worker. Workers parse node trees recursively, like the main worker thread: same stack
/// ([`WORKER_STACK_BYTES`]). Exit code [`EXIT_INTERNAL`] when the threads cannot start.
pub(crate) fn worker_pool() -> Result<rayon::ThreadPool, ExitCode> {
    rayon::ThreadPoolBuilder::new()
        .thread_name(|i| format!("rewind-{i}"))
        .stack_size(WORKER_STACK_BYTES)
        .build()
        .map_err(|e| {
            eprintln!("rewind: cannot start worker threads: {e}");
            ExitCode::from(EXIT_INTERNAL as u8)
        })
}
