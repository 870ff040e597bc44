//! `rewind fetch ID`: one session of a collector as a file that rrweb-player and every rewind
//! command read — a time-sorted rrweb event array (`json`), one event per line (`jsonl`), or
//! gzip of the array (`gz`).
//!
//! The events stream from the collector through [`crate::remote::events`]' external sort, so
//! memory stays bounded whatever the session's size. A file is written beside its final name
//! and renamed into place at the end: an interrupted fetch leaves no half file behind.

use crate::remote::events::{EventWriter, Layout};
use crate::remote::{CollectorArgs, RemoteError};
use crate::{escape_controls, io_reason, remote_failure, EXIT_BAD_INPUT, EXIT_OUTPUT};
use clap::{Args, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// File formats of `rewind fetch`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FetchFormat {
    /// A JSON array of rrweb events, one per line, in timestamp order.
    Json,
    /// JSON Lines: one rrweb event per line, in timestamp order.
    Jsonl,
    /// The JSON array, gzip'd.
    Gz,
}

/// Arguments of `rewind fetch`.
#[derive(Debug, Args)]
pub struct FetchArgs {
    /// The session id (as `rewind sessions --collector` lists it).
    #[arg(value_name = "ID")]
    pub session_id: String,

    /// Write to FILE instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// File format: json, jsonl or gz.
    #[arg(long, short, value_enum, default_value_t = FetchFormat::Json, value_name = "FORMAT")]
    pub format: FetchFormat,
}

/// Runs `rewind fetch`: 0 when written (the collector's warnings, such as missing batches, on
/// stderr), 2 when the collector cannot be read or refuses, 74 when the output cannot be
/// written.
pub fn run(args: &FetchArgs, collector: &CollectorArgs) -> ExitCode {
    if args.format == FetchFormat::Gz && args.output.is_none() && std::io::stdout().is_terminal() {
        eprintln!("rewind: not writing gzip to a terminal: pass -o FILE or pipe the output");
        return ExitCode::from(EXIT_BAD_INPUT);
    }
    let collector = match collector.connect() {
        Ok(collector) => collector,
        Err(e) => return remote_failure(&e),
    };
    let (head, sorter) = match collector.session_events(&args.session_id) {
        Ok(fetched) => fetched,
        Err(e) => return remote_failure(&e),
    };
    let label = escape_controls(&args.session_id);
    for warning in head.analysis_warnings() {
        eprintln!("rewind: {label}: warning: {}", escape_controls(&warning));
    }
    let layout = if args.format == FetchFormat::Jsonl { Layout::Lines } else { Layout::Array };
    let gzip = args.format == FetchFormat::Gz;
    let written = match &args.output {
        None => {
            let mut writer = EventWriter::new(PipeTolerant(std::io::stdout().lock()), layout, gzip);
            sorter
                .finish(|event| writer.event(event))
                .and_then(|_| writer.finish().map_err(|e| RemoteError::Io(io_reason(&e))))
                .map_err(|e| ("stdout".to_string(), e))
        }
        Some(path) => write_file(path, layout, gzip, sorter),
    };
    match written {
        Ok(n) => {
            if let Some(path) = &args.output {
                eprintln!("wrote {} ({n} event{})", path.display(), if n == 1 { "" } else { "s" });
            }
            ExitCode::SUCCESS
        }
        Err((place, e)) => {
            eprintln!("rewind: {place}: {e}");
            ExitCode::from(EXIT_OUTPUT)
        }
    }
}

/// Stdout where a closed pipe (`rewind fetch … | head`) is not an error: what the reader no
/// longer wants is dropped.
struct PipeTolerant<W>(W);

impl<W: Write> Write for PipeTolerant<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self.0.write(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(buf.len()),
            other => other,
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self.0.flush() {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            other => other,
        }
    }
}

/// Writes the events to a temporary file beside `path`, then renames it to `path`.
fn write_file(
    path: &Path,
    layout: Layout,
    gzip: bool,
    sorter: crate::remote::events::EventSorter,
) -> Result<u64, (String, RemoteError)> {
    let place = || path.display().to_string();
    let io = |e: std::io::Error| (place(), RemoteError::Io(io_reason(&e)));
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let file = tempfile::Builder::new().prefix(".rewind-fetch-").suffix(".part").tempfile_in(dir).map_err(io)?;
    let mut writer = EventWriter::new(file.as_file(), layout, gzip);
    sorter.finish(|event| writer.event(event)).map_err(|e| (place(), e))?;
    let n = writer.finish().map_err(io)?;
    file.as_file().sync_all().map_err(io)?;
    file.persist(path).map_err(|e| io(e.error))?;
    Ok(n)
}
