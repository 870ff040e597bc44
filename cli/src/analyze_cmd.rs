//! `rewind analyze`: command-line paths → inputs → decoded recordings → analyses.
//!
//! Every path becomes zero or more [`Input`]s (a file, a batch directory, or stdin); each input
//! is decoded and analysed on its own, so one bad file is reported and the rest still come out.
//! `--session ID` / `--latest` analyse a collector's session instead: its events are fetched
//! into a temporary file, time-sorted, and analysed exactly as a file would be. `--llm` turns
//! the analyses into friction narratives ([`crate::llm`]).

use crate::llm;
use crate::output::{self, Format};
use crate::remote::CollectorArgs;
use crate::{escape_controls, io_reason, remote_failure, EXIT_BAD_INPUT, EXIT_OUTPUT};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use rewind::analyze::{analyze_bytes_with, analyze_reader_with, analyze_with, Analysis, AnalyzeOptions};
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
    #[arg(value_name = "PATH", conflicts_with_all = ["session", "latest"])]
    pub paths: Vec<PathBuf>,

    /// Analyse this session of `--collector` (its events are fetched, time-sorted, and
    /// analysed here, exactly as a file would be).
    #[arg(long, value_name = "ID", conflicts_with = "latest")]
    pub session: Option<String>,

    /// Analyse the newest session of `--collector` (of `--user` when given).
    #[arg(long)]
    pub latest: bool,

    /// With --latest: the newest session of this user (exact distinct_id).
    #[arg(long, value_name = "U", requires = "latest")]
    pub user: Option<String>,

    /// Ask an OpenAI-compatible chat-completions endpoint for a short friction narrative that
    /// cites timestamps, and print it instead of the analysis (markdown, or json with
    /// --format json). Sends only the redacted session summary and timeline, never events or
    /// ids. Needs --confirm-external-llm-export, REWIND_LLM_BASE_URL and REWIND_LLM_MODEL
    /// (REWIND_LLM_API_KEY and REWIND_LLM_TIMEOUT_S optional).
    #[arg(long)]
    pub llm: bool,

    /// Agree that --llm sends the redacted summary and timeline to REWIND_LLM_BASE_URL.
    #[arg(long, requires = "llm")]
    pub confirm_external_llm_export: bool,

    /// With --llm: print exactly the request body that would be sent (one JSON line per
    /// session) and send nothing.
    #[arg(long, requires = "llm")]
    pub dry_run: bool,

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
pub fn run(args: &AnalyzeArgs, collector: &CollectorArgs) -> ExitCode {
    // --llm is checked before anything is read or fetched, so a refusal costs nothing.
    let endpoint = match llm_endpoint(args) {
        Ok(endpoint) => endpoint,
        Err(message) => {
            eprintln!("rewind: {message}");
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    let (analyses, failed) = if args.session.is_some() || args.latest {
        match remote_analysis(args, collector) {
            Ok(analysis) => (vec![analysis], false),
            Err(code) => return code,
        }
    } else if args.paths.is_empty() {
        eprintln!(
            "rewind: nothing to analyse: give recordings (PATH...: files, directories, or - for stdin), or --session ID / --latest with --collector URL"
        );
        return ExitCode::from(EXIT_BAD_INPUT);
    } else if collector.on_command_line {
        eprintln!("rewind: --collector with analyze reads one session: give --session ID or --latest instead of PATH");
        return ExitCode::from(EXIT_BAD_INPUT);
    } else {
        local_analyses(args)
    };

    // Nothing decoded and something failed: the error lines say it all.
    let nothing_to_show = analyses.is_empty() && failed;
    if !nothing_to_show {
        let written = match (&endpoint, &args.out) {
            (Some(endpoint), _) => narratives(args, endpoint, &analyses),
            (None, None) => output::print(&analyses, args.format).map_err(|e| (e, EXIT_OUTPUT)),
            (None, Some(dir)) => output::write_files(&analyses, args.format, dir).map_err(|e| (e, EXIT_OUTPUT)),
        };
        if let Err((message, code)) = written {
            eprintln!("rewind: {message}");
            return ExitCode::from(code);
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

/// The analyses of the recordings under the paths, and whether any input failed (reported
/// on stderr, one line each).
fn local_analyses(args: &AnalyzeArgs) -> (Vec<Analysis>, bool) {
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
    (analyses, failed)
}

/// The analysis of `--session ID` or `--latest [--user U]`: the session's events fetched into a
/// temporary file (time-sorted, deleted afterwards) and analysed like a file. Its first
/// warnings are the collector's, worded as its `/analysis` words them (missing or unreadable
/// batches). Failures are printed (one line); the exit code is returned.
fn remote_analysis(args: &AnalyzeArgs, collector: &CollectorArgs) -> Result<Analysis, ExitCode> {
    let collector = collector.connect().map_err(|e| remote_failure(&e))?;
    let session_id = match &args.session {
        Some(id) => id.clone(),
        None => collector.latest(args.user.as_deref()).map_err(|e| remote_failure(&e))?.session_id,
    };
    let (head, path) = collector.session_file(&session_id).map_err(|e| remote_failure(&e))?;
    let label = escape_controls(&session_id);
    let mut analysis = analyze_reader_with(open_file(&path), Some(&session_id), analyze_options(args.no_redact))
        .map_err(|e| {
            eprintln!("rewind: {label}: {}", escape_controls(&e.to_string()));
            ExitCode::from(EXIT_BAD_INPUT)
        })?;
    let first = head.analysis_warnings();
    for warning in &first {
        eprintln!("rewind: {label}: warning: {}", escape_controls(warning));
    }
    print_damage(&label, &analysis.warnings);
    analysis.warnings.splice(0..0, first);
    Ok(analysis)
}

/// `--llm`'s endpoint, or `None` without `--llm`; `Err` is the one-line refusal (no confirm
/// flag, `--no-redact`, an output it cannot make, the environment incomplete).
fn llm_endpoint(args: &AnalyzeArgs) -> Result<Option<llm::Endpoint>, String> {
    if !args.llm {
        return Ok(None);
    }
    if args.no_redact {
        return Err("--llm sends only redacted outputs: drop --no-redact".into());
    }
    if !args.confirm_external_llm_export && !args.dry_run {
        return Err(format!(
            "--llm sends the session's redacted summary and timeline to {}: add --confirm-external-llm-export to agree, or --dry-run to see the request and send nothing",
            llm::BASE_URL_ENV
        ));
    }
    if args.format == Format::Csv || args.out.is_some() {
        return Err("--llm prints the narrative to stdout as markdown or json: drop --format csv and --out".into());
    }
    llm::Endpoint::from_env(args.dry_run).map(Some)
}

/// `--llm`: one request per analysis (at most [`llm::MAX_SESSIONS`]), printed as markdown
/// (`## {replay_id}` and the narrative) or `{"narratives": [{replay_id, model, narrative}]}`;
/// with `--dry-run` the request bodies, one per line, and nothing sent. `Err`: the message and
/// exit code.
fn narratives(args: &AnalyzeArgs, endpoint: &llm::Endpoint, analyses: &[Analysis]) -> Result<(), (String, u8)> {
    if analyses.len() > llm::MAX_SESSIONS {
        return Err((
            format!("--llm narrates at most {} sessions per run; {} were given", llm::MAX_SESSIONS, analyses.len()),
            EXIT_BAD_INPUT,
        ));
    }
    let bodies: Vec<String> = analyses.iter().map(|a| llm::request_body(&endpoint.model, a)).collect();
    let mut out = String::new();
    if args.dry_run {
        for body in &bodies {
            out.push_str(body);
            out.push('\n');
        }
        return output::print_text(&out).map_err(|e| (e, EXIT_OUTPUT));
    }
    let mut told = Vec::new();
    for (analysis, body) in analyses.iter().zip(&bodies) {
        let narrative = llm::narrate(endpoint, body).map_err(|e| (e, EXIT_BAD_INPUT))?;
        let id = &analysis.session.replay_id;
        if !llm::cites_timestamps(&narrative) {
            eprintln!(
                "rewind: {}: warning: the narrative cites no timestamp; check it against the timeline",
                escape_controls(id)
            );
        }
        told.push(serde_json::json!({ "replay_id": id, "model": endpoint.model, "narrative": narrative }));
        if args.format == Format::Markdown {
            out.push_str(&format!("## {}\n\n{}\n\n", escape_controls(id), narrative.trim_end()));
        }
    }
    if args.format == Format::Json {
        out = serde_json::json!({ "narratives": told }).to_string() + "\n";
    }
    output::print_text(&out).map_err(|e| (e, EXIT_OUTPUT))
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
