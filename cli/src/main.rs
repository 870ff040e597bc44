//! `rewind`: the command line for rewind, session replay for the web.
//!
//! `rewind analyze PATH...` turns exported rrweb recordings into user actions, a markdown
//! timeline, JSON or CSV. The work happens in the `rewind` library; this binary finds the
//! inputs ([`analyze_cmd`]) and renders the results ([`output`]). `rewind serve` is the
//! collector crate (`rewind_collector`), built in by the default feature `serve`. `rewind report` and
//! `rewind sessions` ([`report_cmd`], [`sessions_cmd`]) stream many recordings through the
//! bundle analytics; `rewind export` (default feature `export`) writes their tables as a
//! Parquet lake. With `--collector URL` (or `REWIND_COLLECTOR`) and no paths, `sessions`,
//! `report` and `analyze` read a collector's sessions instead, and `rewind fetch` downloads one
//! ([`remote`], the client, is shared with other front ends). `rewind analyze --llm` asks an
//! OpenAI-compatible endpoint for a friction narrative ([`llm`]), only when told to. `rewind mcp`
//! ([`mcp_cmd`], default feature `mcp`) serves the `--collector`'s MCP tools to an agent over
//! stdio.
//!
//! Exit codes: 0 success, 2 bad input or usage, 70 internal error, 74 output error. A damaged
//! recording from which events were recovered is a success (exit 0) with a warning on stderr;
//! only input from which nothing can be recovered is bad input.

#![warn(missing_docs)]

mod allocator;
mod analyze_cmd;
#[cfg(feature = "export")]
mod export;
mod fetch_cmd;
mod llm;
#[cfg(feature = "mcp")]
mod mcp_cmd;
mod output;
pub mod remote;
mod report_cmd;
mod sessions_cmd;

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit code for bad input (and clap's usage errors).
pub const EXIT_BAD_INPUT: u8 = 2;
/// Exit code for an internal error (a panic): sysexits `EX_SOFTWARE`.
pub const EXIT_INTERNAL: i32 = 70;
/// Exit code when output cannot be written: sysexits `EX_IOERR`.
pub const EXIT_OUTPUT: u8 = 74;

/// Stack size of the worker thread, in bytes: headroom for deeply nested recordings.
const WORKER_STACK_BYTES: usize = 64 << 20;

/// Session replay for the web: analyse rrweb recordings from the command line.
#[derive(Debug, Parser)]
#[command(name = "rewind", version, about, long_about = None)]
#[command(after_help = "Exit codes: 0 success, 2 bad input or usage, 70 internal error, 74 output not writable.\n\
Damaged recordings (truncated files or gzip streams, unreadable events) are salvaged: every intact event is\n\
analysed, a warning on stderr says how many events were recovered and skipped and at which byte the damage\n\
starts, and the exit code is 0. Exit 2 only when nothing could be recovered.\n\
Outputs are redacted by default (emails, card numbers, phone numbers, SSNs, tokens); --no-redact shows them.")]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,

    /// The collector to read from, for the commands that can.
    #[command(flatten)]
    pub collector: remote::CollectorArgs,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Extract user actions and a timeline from rrweb recordings.
    Analyze(analyze_cmd::AnalyzeArgs),
    /// Report on many recordings: sessions, top clicks, rage and dead clicks, errors, and
    /// frustration ranked by users affected.
    Report(report_cmd::ReportArgs),
    /// Print the sessions table (one row per recording, or per session of a collector), filtered.
    Sessions(sessions_cmd::SessionsArgs),
    /// Download a session from a collector as a time-sorted rrweb event array.
    Fetch(fetch_cmd::FetchArgs),
    /// Export the bundle tables of many recordings as a Parquet lake partitioned by day (a
    /// directory or s3://), incrementally: for DuckDB, Spark, Trino or ClickHouse.
    #[cfg(feature = "export")]
    Export(export::ExportArgs),
    /// Run the collector: ingest batches from the SDK, store them, serve the read API and viewer.
    #[cfg(feature = "serve")]
    Serve(Box<rewind_collector::ServeArgs>),
    /// Serve a collector's MCP tools (search, summaries, timelines, the page at a moment,
    /// friction, cohorts) to an AI agent over stdio; the read key from env REWIND_READ_KEY.
    #[cfg(feature = "mcp")]
    Mcp(mcp_cmd::McpArgs),
}

/// Whether `command` is `rewind mcp`, which reads the collector too (false without the feature).
fn is_mcp(command: &Command) -> bool {
    #[cfg(feature = "mcp")]
    return matches!(command, Command::Mcp(_));
    #[cfg(not(feature = "mcp"))]
    {
        let _ = command;
        false
    }
}

fn main() -> ExitCode {
    install_panic_hook();
    let matches = Cli::command().get_matches();
    let mut cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    cli.collector.on_command_line = given_on_command_line(&matches, "collector");
    let collector = cli.collector;
    // The core parses node trees recursively, up to rewind::model::MAX_NODE_DEPTH levels (a
    // debug build overflows 1 MiB of stack near 300 levels). A roomy worker thread keeps the
    // deepest accepted recordings well clear of a stack overflow, which no hook could catch.
    let worker = std::thread::Builder::new().name("rewind".into()).stack_size(WORKER_STACK_BYTES).spawn(move || {
        let reads_collector =
            matches!(cli.command, Command::Analyze(_) | Command::Report(_) | Command::Sessions(_) | Command::Fetch(_))
                || is_mcp(&cli.command);
        if !reads_collector && (collector.on_command_line || collector.read_key_file.is_some()) {
            eprintln!("rewind: --collector and --read-key-file are for sessions, fetch, analyze, report and mcp");
            return ExitCode::from(EXIT_BAD_INPUT);
        }
        match cli.command {
            Command::Analyze(args) => analyze_cmd::run(&args, &collector),
            Command::Report(args) => report_cmd::run(&args, &collector),
            Command::Sessions(args) => sessions_cmd::run(&args, &collector),
            Command::Fetch(args) => fetch_cmd::run(&args, &collector),
            #[cfg(feature = "export")]
            Command::Export(args) => export::run(&args),
            #[cfg(feature = "mcp")]
            Command::Mcp(args) => mcp_cmd::run(&args, &collector),
            #[cfg(feature = "serve")]
            Command::Serve(args) => match rewind_collector::run(&args) {
                Ok(()) => ExitCode::SUCCESS,
                Err(reason) => {
                    eprintln!("rewind: serve: {reason}");
                    ExitCode::from(EXIT_BAD_INPUT)
                }
            },
        }
    });
    match worker {
        Ok(handle) => handle.join().unwrap_or(ExitCode::from(EXIT_INTERNAL as u8)),
        Err(e) => {
            eprintln!("rewind: cannot start worker thread: {e}");
            ExitCode::from(EXIT_INTERNAL as u8)
        }
    }
}

/// Whether the global option `id` was typed on the command line (not taken from its
/// environment variable), before or after the subcommand.
fn given_on_command_line(matches: &clap::ArgMatches, id: &str) -> bool {
    let mut level = Some(matches);
    while let Some(m) = level {
        if m.value_source(id) == Some(ValueSource::CommandLine) {
            return true;
        }
        level = m.subcommand().map(|(_, sub)| sub);
    }
    false
}

/// Where a command that reads recordings reads them from.
#[derive(Debug)]
pub(crate) enum Source<'a> {
    /// The recordings under these paths.
    Files(&'a [PathBuf]),
    /// The collector's sessions.
    Collector(remote::Collector),
}

/// Picks files or the collector: paths win over `REWIND_COLLECTOR`, `--collector` with paths
/// is a usage error, and neither is one too. Errors are printed; the exit code is returned.
pub(crate) fn source<'a>(paths: &'a [PathBuf], collector: &remote::CollectorArgs) -> Result<Source<'a>, ExitCode> {
    let usage = |message: &str| {
        eprintln!("rewind: {message}");
        ExitCode::from(EXIT_BAD_INPUT)
    };
    if !paths.is_empty() {
        if collector.on_command_line {
            return Err(usage("give recordings (PATH...) or --collector URL, not both"));
        }
        return Ok(Source::Files(paths));
    }
    if collector.collector.is_none() {
        return Err(usage(
            "nothing to read: give recordings (PATH...: files, directories, or - for stdin) or --collector URL",
        ));
    }
    collector.connect().map(Source::Collector).map_err(|e| remote_failure(&e))
}

/// Prints a collector failure (one line) and returns exit code 2.
pub(crate) fn remote_failure(e: &remote::RemoteError) -> ExitCode {
    eprintln!("rewind: {e}");
    match e {
        remote::RemoteError::Io(_) => ExitCode::from(EXIT_OUTPUT),
        _ => ExitCode::from(EXIT_BAD_INPUT),
    }
}

/// Last resort: a panic prints one line (no backtrace) and exits with [`EXIT_INTERNAL`].
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("unknown panic");
        let message = message.lines().next().unwrap_or_default();
        let place = info.location().map(|l| format!(" ({}:{})", l.file(), l.line())).unwrap_or_default();
        eprintln!("rewind: internal error: {message}{place}; please report this bug");
        std::process::exit(EXIT_INTERNAL);
    }));
}

/// An I/O error as a reason: `No such file or directory`, without Rust's ` (os error 2)`.
pub(crate) fn io_reason(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.rfind(" (os error ") {
        Some(i) if text.ends_with(')') => text[..i].to_string(),
        _ => text,
    }
}

/// `text` with control characters (newlines included) escaped as `\n`, `\u{7}`…, so a message
/// quoting the input stays on one line.
pub(crate) fn escape_controls(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() }).collect()
}

#[cfg(test)]
mod tests {
    use super::{escape_controls, io_reason, Cli};
    use clap::CommandFactory;

    #[test]
    fn control_characters_escaped() {
        assert_eq!(escape_controls("keys [a\nb\u{7}] ok"), "keys [a\\nb\\u{7}] ok");
    }

    #[test]
    fn io_reasons_drop_os_error() {
        let e = std::io::Error::from_raw_os_error(2);
        assert_eq!(io_reason(&e), "No such file or directory");
    }

    #[test]
    fn cli_definition_is_valid() {
        Cli::command().debug_assert();
    }
}
