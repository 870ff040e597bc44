//! `rewind analyze`: command-line paths → inputs → decoded recordings → analyses.
//!
//! Every path becomes zero or more [`Input`]s (a file, a batch directory, or stdin); each input
//! is decoded and analysed on its own, so one bad file is reported and the rest still come out.

use crate::output::{self, Format};
use crate::{escape_controls, io_reason, EXIT_BAD_INPUT, EXIT_OUTPUT};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use rewind::analyze::{analyze_bytes_with, analyze_reader_with, analyze_with, AnalyzeOptions};
use rewind::codec::{decode_dir, is_batch_dir, DecodeError, SALVAGE_WARNING};
use rewind::model::Recording;
use std::collections::HashSet;
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// File name endings a directory walk picks up (`.json.gz` and `.jsonl.gz` end in `.gz`).
/// The format itself is always detected from the bytes.
const WALK_SUFFIXES: [&str; 3] = [".json", ".jsonl", ".gz"];

/// Show a progress bar only for more inputs than this (and only on a terminal).
const PROGRESS_MIN_INPUTS: usize = 3;

/// Arguments of `rewind analyze`.
#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Recordings to analyse: files, directories, or `-` for stdin.
    ///
    /// A file holds a JSON array of rrweb events, an {"events": [...]} envelope, JSON Lines,
    /// or gzip of any of these (detected from the bytes, not the name). A directory is searched
    /// recursively, in path order, for *.json, *.jsonl and *.gz files; a directory holding only
    /// {seq}.json[l][.gz] batch files is one session. `-` reads standard input (stdin).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Output format: markdown, json or csv.
    ///
    /// `markdown`: a totals table, then each replay's timeline (times in seconds since the
    /// replay's first event). `json`: {"replays": [...]}, one object per replay (times in Unix
    /// epoch milliseconds, durations in seconds). `csv`: one row per action (times in Unix
    /// epoch milliseconds).
    #[arg(long, short, value_enum, default_value_t = Format::Markdown, value_name = "FORMAT")]
    pub format: Format,

    /// Write files into DIR instead of printing to stdout.
    ///
    /// DIR is created if missing. markdown writes DIR/{replay_id}.md per replay, json writes
    /// DIR/analysis.json, csv writes DIR/actions.csv; each written file is named on stderr.
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Show personal data in clear.
    ///
    /// By default emails, card numbers, phone numbers, SSNs and tokens in typed values,
    /// descriptions, URLs, console messages and custom payloads are replaced by
    /// `[REDACTED:kind]`, and their number is reported (`redactions` in JSON, a warning line).
    #[arg(long)]
    pub no_redact: bool,
}

/// The analyzer options the `--no-redact` flag selects.
pub(crate) fn analyze_options(no_redact: bool) -> AnalyzeOptions {
    AnalyzeOptions { redact: !no_redact }
}

/// Where one replay's bytes come from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Source {
    Stdin,
    File(PathBuf),
    /// A directory of one session's batch files ([`is_batch_dir`]).
    BatchDir(PathBuf),
}

/// One replay to analyse. `rewind report` and `rewind sessions` reuse the discovery
/// ([`collect_inputs`]) and reading ([`analyse_input`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Input {
    source: Source,
}

impl Input {
    /// The path as the user (or the directory walk) spelled it, for messages.
    pub(crate) fn label(&self) -> String {
        match &self.source {
            Source::Stdin => "-".to_string(),
            Source::File(p) | Source::BatchDir(p) => p.display().to_string(),
        }
    }

    /// The replay id used when the recording carries no session id.
    /// The file or batch directory read; `None` for stdin.
    #[cfg_attr(not(feature = "export"), allow(dead_code))]
    pub(crate) fn path(&self) -> Option<&Path> {
        match &self.source {
            Source::Stdin => None,
            Source::File(p) | Source::BatchDir(p) => Some(p),
        }
    }

    fn fallback_id(&self) -> String {
        match &self.source {
            Source::Stdin => "stdin".to_string(),
            Source::File(p) => file_stem_id(p),
            Source::BatchDir(p) => dir_name_id(p),
        }
    }
}

/// Runs `rewind analyze`; returns the process exit code.
pub fn run(args: &AnalyzeArgs) -> ExitCode {
    let mut failed = false;
    let mut report = |label: &str, reason: &str| {
        failed = true;
        eprintln!("rewind: {}: {}", escape_controls(label), escape_controls(reason));
    };

    let inputs = collect_inputs(&args.paths, &mut report);

    let progress = progress_bar(inputs.len());

    let mut analyses = Vec::with_capacity(inputs.len());
    for input in &inputs {
        let label = input.label();
        progress.set_message(label.clone());
        let options = analyze_options(args.no_redact);
        let analysed = analyse_input(
            input,
            |bytes, id| analyze_bytes_with(bytes, Some(id), options),
            |path, id| analyze_reader_with(open_file(path), Some(id), options),
            |recording| analyze_with(recording, options),
        );
        match analysed {
            Ok(analysis) => {
                progress.suspend(|| print_damage(&label, &analysis.warnings));
                analyses.push(analysis);
            }
            Err(reason) => progress.suspend(|| report(&label, &reason)),
        }
        progress.inc(1);
    }
    progress.finish_and_clear();

    // Nothing decoded and something failed: the error lines say it all.
    let nothing_to_show = analyses.is_empty() && failed;
    if !nothing_to_show {
        let written = match &args.out {
            None => output::print(&analyses, args.format),
            Some(dir) => output::write_files(&analyses, args.format, dir),
        };
        if let Err(e) = written {
            eprintln!("rewind: {e}");
            return ExitCode::from(EXIT_OUTPUT);
        }
    }
    // The process ends here: freeing every action one by one would only cost time (3 % of
    // a 50 MB recording's run, BENCHMARKS.md "Analyzer vs JSON parse").
    std::mem::forget(analyses);
    if failed {
        ExitCode::from(EXIT_BAD_INPUT)
    } else {
        ExitCode::SUCCESS
    }
}

/// A progress bar on stderr for `n` inputs: only on a terminal and for more than
/// [`PROGRESS_MIN_INPUTS`] inputs, else hidden.
pub(crate) fn progress_bar(n: usize) -> ProgressBar {
    if n > PROGRESS_MIN_INPUTS && std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(n as u64);
        if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} {wide_msg}") {
            bar.set_style(style);
        }
        bar
    } else {
        ProgressBar::hidden()
    }
}

/// Prints the decoder's damage warnings (a salvaged recording: what was recovered, skipped,
/// and where the damage starts) on stderr, one line each: the recording still counts as
/// analysed (exit 0), but stdout alone would not say that events are missing.
pub(crate) fn print_damage(label: &str, warnings: &[String]) {
    for warning in damage_warnings(warnings) {
        eprintln!("rewind: {}: warning: {}", escape_controls(label), escape_controls(warning));
    }
}

/// The warnings that say a recording was damaged (see [`SALVAGE_WARNING`]).
pub(crate) fn damage_warnings(warnings: &[String]) -> impl Iterator<Item = &String> {
    warnings.iter().filter(|w| w.starts_with(SALVAGE_WARNING))
}

/// Reads and analyses one input: a file through `from_file` (which reads it in a window and
/// analyses while it reads, e.g. [`analyze_reader_with`] on [`open_file`]), stdin through
/// `from_bytes` (it cannot be read twice, so it is read whole first: [`analyze_bytes_with`]), a
/// batch directory's joined recording through `from_recording`. All get the input's fallback
/// replay id. The error is the one-line reason (no path). No input is held past this call.
pub(crate) fn analyse_input<T>(
    input: &Input,
    from_bytes: impl FnOnce(&[u8], &str) -> Result<T, DecodeError>,
    from_file: impl FnOnce(&Path, &str) -> Result<T, DecodeError>,
    from_recording: impl FnOnce(Recording) -> T,
) -> Result<T, String> {
    match &input.source {
        Source::Stdin => {
            let mut bytes = Vec::new();
            std::io::stdin().lock().read_to_end(&mut bytes).map_err(|e| io_reason(&e))?;
            from_bytes(&bytes, &input.fallback_id()).map_err(|e| e.to_string())
        }
        Source::File(path) => from_file(path, &input.fallback_id()).map_err(|e| e.to_string()),
        Source::BatchDir(path) => {
            let mut recording = decode_dir(path).map_err(|e| e.to_string())?;
            recording.fill_session_id(input.fallback_id());
            Ok(from_recording(recording))
        }
    }
}

/// Opens `path` for the library's reader-based analysis, as often as it asks: each call a
/// fresh reader from the start. I/O errors (opening or reading) carry [`io_reason`]'s text, the
/// same one-line reason a whole-file read gave.
pub(crate) fn open_file(path: &Path) -> impl FnMut() -> Result<ReasonedFile, DecodeError> + '_ {
    move || std::fs::File::open(path).map(ReasonedFile).map_err(|e| DecodeError::Io { message: io_reason(&e) })
}

/// A file whose read errors say [`io_reason`]'s text.
pub(crate) struct ReasonedFile(std::fs::File);

impl Read for ReasonedFile {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.0.read(buf).map_err(|e| std::io::Error::new(e.kind(), io_reason(&e)))
    }
}

/// Expands the command-line paths into inputs, reporting paths that cannot be read.
pub(crate) fn collect_inputs(paths: &[PathBuf], report: &mut impl FnMut(&str, &str)) -> Vec<Input> {
    let mut inputs = Vec::new();
    for path in paths {
        let label = path.display().to_string();
        if path.as_os_str() == "-" {
            inputs.push(Input { source: Source::Stdin });
            continue;
        }
        let meta = match std::fs::metadata(path) {
            Ok(meta) => meta,
            Err(e) => {
                report(&label, &io_reason(&e));
                continue;
            }
        };
        if !meta.is_dir() {
            inputs.push(Input { source: Source::File(path.clone()) });
        } else if is_batch_dir(path) {
            inputs.push(Input { source: Source::BatchDir(path.clone()) });
        } else {
            let before = inputs.len();
            let mut visited = HashSet::new();
            walk(path, &mut inputs, &mut visited, report);
            if inputs.len() == before {
                report(&label, "no recordings found (looked for *.json, *.jsonl and *.gz files)");
            }
        }
    }
    inputs
}

/// Recursively collects recordings and batch directories under `dir`, in path order.
/// `visited` holds canonical directory paths, so symlink loops are walked once.
fn walk(dir: &Path, inputs: &mut Vec<Input>, visited: &mut HashSet<PathBuf>, report: &mut impl FnMut(&str, &str)) {
    if let Ok(canonical) = std::fs::canonicalize(dir) {
        if !visited.insert(canonical) {
            return;
        }
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            report(&dir.display().to_string(), &io_reason(&e));
            return;
        }
    };
    let mut paths = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) => paths.push(entry.path()),
            Err(e) => report(&dir.display().to_string(), &io_reason(&e)),
        }
    }
    paths.sort();
    for path in paths {
        // Follows symlinks; a dangling one is skipped like any other non-recording.
        let Ok(meta) = std::fs::metadata(&path) else { continue };
        if meta.is_dir() {
            if is_batch_dir(&path) {
                inputs.push(Input { source: Source::BatchDir(path) });
            } else {
                walk(&path, inputs, visited, report);
            }
        } else if meta.is_file() && has_recording_suffix(&path) {
            inputs.push(Input { source: Source::File(path) });
        }
    }
}

fn has_recording_suffix(path: &Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    WALK_SUFFIXES.iter().any(|suffix| name.len() > suffix.len() && name.ends_with(suffix))
}

/// A file's name without its `.json`, `.jsonl` and `.gz` extensions (`login-form.json.gz` →
/// `login-form`).
fn file_stem_id(path: &Path) -> String {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut stem = name.as_str();
    while let Some(shorter) = [".gz", ".jsonl", ".json"].iter().find_map(|ext| stem.strip_suffix(ext)) {
        stem = shorter;
    }
    if stem.is_empty() {
        if name.is_empty() {
            "replay".to_string()
        } else {
            name
        }
    } else {
        stem.to_string()
    }
}

/// A directory's own name (for `.` or `..`, the name it resolves to).
fn dir_name_id(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .or_else(|| std::fs::canonicalize(path).ok()?.file_name().map(|n| n.to_string_lossy().into_owned()));
    name.filter(|n| !n.is_empty()).unwrap_or_else(|| "replay".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stem_ids() {
        assert_eq!(file_stem_id(Path::new("a/login-form.json")), "login-form");
        assert_eq!(file_stem_id(Path::new("login-form.json.gz")), "login-form");
        assert_eq!(file_stem_id(Path::new("x.jsonl.gz")), "x");
        assert_eq!(file_stem_id(Path::new("a.b.json")), "a.b");
        assert_eq!(file_stem_id(Path::new("noext")), "noext");
        assert_eq!(file_stem_id(Path::new(".json")), ".json");
    }

    #[test]
    fn suffixes() {
        assert!(has_recording_suffix(Path::new("d/0.json.gz")));
        assert!(has_recording_suffix(Path::new("x.jsonl")));
        assert!(!has_recording_suffix(Path::new("x.txt")));
        assert!(!has_recording_suffix(Path::new(".json")));
    }
}
