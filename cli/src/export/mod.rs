//! `rewind export --format parquet --out DIR|s3://bucket/prefix [filters] PATH…`: the bundle
//! tables of every recording under the paths, as a Parquet lake partitioned by day, for DuckDB,
//! Spark, Trino or ClickHouse (docs/lake.md).
//!
//! - [`schema`]: one Arrow schema per table and the rows of one analysed replay;
//! - [`lake`]: the store (local directory or S3-compatible bucket), the layout, the per-day
//!   manifests and the day writer.
//!
//! Inputs are found and analysed as `rewind report` does them (same paths, same worker pool,
//! same salvage of damaged files); each replay is turned into record batches on its worker and
//! streamed through a bounded channel to the day writer, so memory holds the replays in flight
//! and the day buffers ([`lake::BUFFER_BUDGET_BYTES`]), never the corpus.
//!
//! **Incremental by day.** A replay belongs to the UTC day of its `start_time`. Each written
//! day has a manifest listing its inputs with their fingerprints ([`fingerprint`]: size and
//! mtime of a file; count, total size and newest mtime of a batch directory's files). A day
//! is written again only when one of this run's inputs is on it and is new or changed, or the
//! day's manifest was written with other options (rewind version, filters, `--no-redact`) or is
//! missing. Then the day is rewritten from this run's inputs on that day; the parts of days
//! with no such input are neither read nor written.

pub mod lake;
pub mod schema;

use crate::analyze_cmd::{
    analyse_input, analyze_options, collect_inputs, open_file, print_damage, progress_bar, Input,
};
use crate::sessions_cmd::FilterArgs;
use crate::{escape_controls, EXIT_BAD_INPUT, EXIT_OUTPUT};
use clap::{Args, ValueEnum};
use lake::{utc_day, DayWriter, Lake, ManifestInput};
use rayon::prelude::*;
use rewind::analyze::bundle::Where;
use rewind::analyze::session::AnalyzedSession;
use schema::ReplayBatches;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Output formats of `rewind export`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// Apache Parquet, zstd-compressed, Hive-partitioned by day.
    Parquet,
}

/// Arguments of `rewind export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Recordings: files, directories (searched recursively; a directory of {seq}.json.gz batch
    /// files is one session, so a collector's data directory works as is), or `-` for stdin.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, short, value_enum, default_value_t = ExportFormat::Parquet, value_name = "FORMAT")]
    pub format: ExportFormat,

    /// Where the lake is: a local directory (created if missing) or s3://bucket/prefix
    /// (credentials and region from the AWS_* environment variables).
    ///
    /// Layout: {table}/day=YYYY-MM-DD/part-NNNNN.parquet for the tables sessions, actions,
    /// events, elements, findings and pages, plus _rewind/days/YYYY-MM-DD.json manifests.
    #[arg(long, value_name = "DIR|URL")]
    pub out: String,

    /// Endpoint of an S3-compatible server (MinIO, R2, …), e.g. http://127.0.0.1:9000.
    #[arg(long, value_name = "URL")]
    pub s3_endpoint: Option<String>,

    /// Which replays.
    #[command(flatten)]
    pub filters: FilterArgs,

    /// Export personal data in clear (by default emails, card numbers, phone numbers, SSNs and
    /// tokens are replaced by `[REDACTED:kind]`).
    #[arg(long)]
    pub no_redact: bool,
}

/// Capacity of the channel from the analysis workers to the day writer, in replays per worker:
/// enough to keep workers busy while a part is encoded, small enough to bound memory.
const CHANNEL_REPLAYS_PER_WORKER: usize = 2;

/// What identifies an input's content for the incremental rule: `bytes=N;mtime=NS` for a file
/// (mtime in ns since the Unix epoch), `files=K;bytes=N;mtime=NS` for a batch directory (its
/// files' count, total size and newest mtime). `None` for stdin and unreadable paths: such an
/// input is always analysed.
pub fn fingerprint(path: &Path) -> Option<String> {
    let mtime_ns = |meta: &std::fs::Metadata| {
        meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok().map(|d| d.as_nanos())
    };
    let meta = std::fs::metadata(path).ok()?;
    if meta.is_file() {
        return Some(format!("bytes={};mtime={}", meta.len(), mtime_ns(&meta)?));
    }
    let (mut files, mut bytes, mut newest) = (0u64, 0u64, 0u128);
    for entry in std::fs::read_dir(path).ok()? {
        let meta = entry.ok()?.metadata().ok()?;
        if meta.is_file() {
            files += 1;
            bytes += meta.len();
            newest = newest.max(mtime_ns(&meta)?);
        }
    }
    Some(format!("files={files};bytes={bytes};mtime={newest}"))
}

/// One input of this run: the input, its key in the manifests and its fingerprint.
struct Planned<'a> {
    input: &'a Input,
    key: String,
    fingerprint: Option<String>,
}

/// What analysing one input gave.
enum Outcome {
    /// The replay's day and rows (`None` when the filters left it out).
    Replay { day: String, replay_id: String, batches: Option<ReplayBatches>, damage: Vec<String> },
    /// A replay without a timestamped event: it has no day.
    NoDay,
}

/// Runs `rewind export`; returns the exit code: 0, 2 when an input was bad (the others are
/// exported), 70 on an internal error, 74 when the lake cannot be written.
pub fn run(args: &ExportArgs) -> ExitCode {
    let ExportFormat::Parquet = args.format;
    let lake = match Lake::open(&args.out, args.s3_endpoint.as_deref()) {
        Ok(lake) => lake,
        Err(reason) => {
            eprintln!("rewind: export: {}", escape_controls(&reason));
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    let query = args.filters.to_where();
    let options = format!("rewind {}; {query:?}; redact={}", env!("CARGO_PKG_VERSION"), !args.no_redact);
    match export(&lake, &args.paths, &query, &options, args.no_redact) {
        Ok((summary, failed)) => {
            let (written, unchanged) = summary;
            for (day, (exported, inputs)) in &written {
                println!("day={day}: written, {exported} sessions ({inputs} inputs)");
            }
            println!("{} days written, {unchanged} days unchanged, in {}", written.len(), lake.description);
            if failed {
                ExitCode::from(EXIT_BAD_INPUT)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(code) => code,
    }
}

type Summary = (std::collections::BTreeMap<String, (usize, usize)>, usize);

/// The export proper: plan, analyse in up to two rounds, write. `Ok` carries the days written
/// (exported replays, inputs), the number of days left unchanged and whether an input failed.
fn export(
    lake: &Lake,
    paths: &[PathBuf],
    query: &Where,
    options: &str,
    no_redact: bool,
) -> Result<(Summary, bool), ExitCode> {
    let mut failed = false;
    let inputs = collect_inputs(paths, &mut |label: &str, reason: &str| {
        failed = true;
        eprintln!("rewind: {}: {}", escape_controls(label), escape_controls(reason));
    });
    let output_error = |reason: String| {
        eprintln!("rewind: export: {}", escape_controls(&reason));
        ExitCode::from(EXIT_OUTPUT)
    };
    let manifests = lake.manifests().map_err(output_error)?;
    // Where each (input key, fingerprint) was exported, from manifests written with these options.
    let mut known: HashMap<(&str, &str), &str> = HashMap::new();
    let mut known_keys: HashMap<&str, &str> = HashMap::new();
    let mut stale_days: BTreeSet<&str> = BTreeSet::new();
    for (day, manifest) in &manifests {
        if manifest.options != options {
            stale_days.insert(day);
        }
        for i in &manifest.inputs {
            known.insert((&i.input, &i.fingerprint), day);
            known_keys.insert(&i.input, day);
        }
    }
    let planned: Vec<Planned> = inputs
        .iter()
        .map(|input| {
            let path = input.path();
            let key = path
                .map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf()).display().to_string())
                .unwrap_or_else(|| input.label());
            Planned { input, key, fingerprint: path.and_then(fingerprint) }
        })
        .collect();
    // A changed input's old day loses it, so that day is rewritten too.
    for p in &planned {
        let unchanged = p.fingerprint.as_deref().is_some_and(|f| known.contains_key(&(p.key.as_str(), f)));
        if !unchanged {
            if let Some(day) = known_keys.get(p.key.as_str()) {
                stale_days.insert(day);
            }
        }
    }
    let day_of = |p: &Planned| p.fingerprint.as_deref().and_then(|f| known.get(&(p.key.as_str(), f)).copied());
    let (first, rest): (Vec<&Planned>, Vec<&Planned>) =
        planned.iter().partition(|p| day_of(p).is_none_or(|day| stale_days.contains(day)));

    let mut writer = DayWriter::new(lake, options.to_string());
    let mut error: Option<ExitCode> = None;
    // Round 1: new and changed inputs, and the inputs of days already known to be stale.
    failed |= analyse_round(&first, query, no_redact, &mut writer, &mut error)?;
    // Round 2: the unchanged inputs of days that round 1 found new inputs on.
    let touched: BTreeSet<String> = writer.days().map(str::to_string).collect();
    let second: Vec<&Planned> = rest.into_iter().filter(|p| day_of(p).is_some_and(|d| touched.contains(d))).collect();
    if error.is_none() {
        failed |= analyse_round(&second, query, no_redact, &mut writer, &mut error)?;
    }
    if let Some(code) = error {
        return Err(code);
    }
    let written = writer.finish().map_err(output_error)?;
    let unchanged = manifests.keys().filter(|d| !written.contains_key(*d)).count();
    Ok(((written, unchanged), failed))
}

/// Analyses `inputs` on the worker pool and hands each replay to `writer` as it comes.
/// Returns whether an input failed; a write error stops the round and lands in `error`.
fn analyse_round(
    inputs: &[&Planned],
    query: &Where,
    no_redact: bool,
    writer: &mut DayWriter,
    error: &mut Option<ExitCode>,
) -> Result<bool, ExitCode> {
    if inputs.is_empty() {
        return Ok(false);
    }
    let pool = crate::report_cmd::worker_pool()?;
    let progress = progress_bar(inputs.len());
    let options = analyze_options(no_redact);
    let (send, receive) = std::sync::mpsc::sync_channel(pool.current_num_threads() * CHANNEL_REPLAYS_PER_WORKER);
    let stop = std::sync::atomic::AtomicBool::new(false);
    let mut failed = false;
    std::thread::scope(|scope| {
        scope.spawn(|| {
            pool.install(|| {
                inputs.par_iter().enumerate().for_each_with(send, |send, (i, p)| {
                    if stop.load(std::sync::atomic::Ordering::Relaxed) {
                        return;
                    }
                    let analysed = analyse_input(
                        p.input,
                        |bytes, id| AnalyzedSession::from_bytes_with(bytes, Some(id), options),
                        |path, id| AnalyzedSession::from_reader_with(open_file(path), Some(id), options),
                        |recording| AnalyzedSession::from_recording_with(recording, options),
                    );
                    let outcome = analysed.and_then(|replay| {
                        let Some(start) = replay.session().start_time else { return Ok(Outcome::NoDay) };
                        let damage = crate::analyze_cmd::damage_warnings(replay.warnings()).cloned().collect();
                        let replay_id = replay.replay_id().to_string();
                        let batches = if query.matches(&replay) { Some(schema::replay_batches(replay)?) } else { None };
                        Ok(Outcome::Replay { day: utc_day(start), replay_id, batches, damage })
                    });
                    // The receiver only goes away after an error; the round stops then.
                    let _ = send.send((i, outcome));
                });
            });
        });
        for (i, outcome) in receive {
            progress.inc(1);
            let p = inputs[i];
            let label = p.input.label();
            match outcome {
                Ok(Outcome::Replay { day, replay_id, batches, damage }) => {
                    progress.suspend(|| print_damage(&label, &damage));
                    let entry = ManifestInput {
                        input: p.key.clone(),
                        fingerprint: p.fingerprint.clone().unwrap_or_default(),
                        exported: batches.is_some(),
                        replay_id,
                    };
                    if error.is_none() {
                        if let Err(reason) = writer.add(&day, entry, batches) {
                            progress.suspend(|| eprintln!("rewind: export: {}", escape_controls(&reason)));
                            *error = Some(ExitCode::from(EXIT_OUTPUT));
                            stop.store(true, std::sync::atomic::Ordering::Relaxed);
                        }
                    }
                }
                Ok(Outcome::NoDay) => progress.suspend(|| {
                    eprintln!(
                        "rewind: {}: warning: no timestamped event, so no day: not exported",
                        escape_controls(&label)
                    );
                }),
                Err(reason) => {
                    failed = true;
                    progress.suspend(|| eprintln!("rewind: {}: {}", escape_controls(&label), escape_controls(&reason)));
                }
            }
        }
    });
    progress.finish_and_clear();
    Ok(failed)
}
