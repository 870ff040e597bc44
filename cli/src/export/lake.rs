//! The lake on its store: a local directory or an S3-compatible bucket through `object_store`,
//! its layout, the per-day manifests that make exports incremental, and the day writer that
//! buffers rows and writes Parquet parts.
//!
//! Layout under the root (`--out DIR` or `s3://bucket/prefix`):
//!
//! ```text
//! {table}/day=YYYY-MM-DD/part-00000.parquet   one or more parts per table and day
//! _rewind/days/YYYY-MM-DD.json                the day's manifest (Manifest)
//! ```
//!
//! Readers (DuckDB, Spark, Trino) skip `_`-prefixed paths, and glob `{table}/*/*.parquet`.

use super::schema::LakeTable;
use arrow_array::RecordBatch;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjPath;
use object_store::prefix::PrefixStore;
use object_store::{ObjectStore, PutPayload};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Version of the lake's layout and manifest; a manifest of another version makes its day
/// rewritten.
pub const LAKE_FORMAT: u32 = 1;

/// Arrow memory (bytes, [`RecordBatch::get_array_memory_size`]) buffered for one table of one
/// day before it is written as a part: a part is then one row group of about this size before
/// compression.
pub const PART_TARGET_BYTES: usize = 64 << 20;

/// Arrow memory (bytes) buffered over all days and tables; past it the largest buffers are
/// written out as parts until half of it is left. This bounds the writer's memory whatever
/// the number of days in flight.
pub const BUFFER_BUDGET_BYTES: usize = 256 << 20;

/// Zstandard level of the parts: level 1 compresses the dictionary-encoded columns nearly as
/// well as the default 3 at about twice the speed (the export is CPU-bound).
const ZSTD_LEVEL: i32 = 1;

/// One input as a day's manifest records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestInput {
    /// The input: its canonical path (`-` for stdin).
    pub input: String,
    /// What identifies its content ([`super::fingerprint`]).
    pub fingerprint: String,
    /// The replay it holds.
    pub replay_id: String,
    /// Whether the replay passed the filters (a filtered-out replay is recorded so that a
    /// re-run need not analyse it again).
    pub exported: bool,
}

/// `_rewind/days/YYYY-MM-DD.json`: what a day's partitions were written from. A re-run skips
/// a day whose manifest has the same `format` and `options` and whose inputs in this run all
/// have the fingerprints recorded here (see docs/lake.md, "Incremental by day").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`LAKE_FORMAT`].
    pub format: u32,
    /// The day, `YYYY-MM-DD` (UTC).
    pub day: String,
    /// The export options that shape the rows (rewind version, filters, redaction).
    pub options: String,
    /// The inputs of the day, sorted.
    pub inputs: Vec<ManifestInput>,
    /// Rows written per table.
    pub rows: BTreeMap<String, usize>,
    /// Parts written per table.
    pub parts: BTreeMap<String, usize>,
}

/// A store and the runtime that drives it.
pub struct Lake {
    store: Arc<dyn ObjectStore>,
    runtime: tokio::runtime::Runtime,
    /// `DIR` (canonical) or `s3://bucket/prefix`, for messages.
    pub description: String,
}

impl Lake {
    /// Opens `--out`: `s3://bucket[/prefix]` (credentials and region from the `AWS_*`
    /// environment variables, `endpoint` from `--s3-endpoint`; `http://` allowed), else a local
    /// directory, created if missing.
    ///
    /// # Errors
    /// A bad URL, an uncreatable directory, or the runtime not starting, as one line.
    pub fn open(out: &str, endpoint: Option<&str>) -> Result<Lake, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the I/O runtime: {e}"))?;
        let (store, description): (Arc<dyn ObjectStore>, String) = if let Some(rest) = out.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            let prefix = prefix.trim_matches('/');
            if bucket.is_empty() {
                return Err(format!("--out {out}: expected s3://bucket/prefix"));
            }
            let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
            if let Some(endpoint) = endpoint {
                builder = builder.with_endpoint(endpoint).with_allow_http(endpoint.starts_with("http://"));
            }
            let s3 = builder.build().map_err(|e| format!("--out {out}: {e}"))?;
            let store: Arc<dyn ObjectStore> =
                if prefix.is_empty() { Arc::new(s3) } else { Arc::new(PrefixStore::new(s3, prefix)) };
            (store, format!("s3://{bucket}/{prefix}"))
        } else {
            if endpoint.is_some() {
                return Err("--s3-endpoint needs --out s3://bucket/prefix".into());
            }
            std::fs::create_dir_all(out).map_err(|e| format!("{out}: {}", crate::io_reason(&e)))?;
            let root = std::fs::canonicalize(out).map_err(|e| format!("{out}: {}", crate::io_reason(&e)))?;
            let fs = LocalFileSystem::new_with_prefix(&root)
                .map_err(|e| format!("{out}: {e}"))?
                .with_automatic_cleanup(true);
            (Arc::new(fs), root.display().to_string())
        };
        Ok(Lake { store, runtime, description })
    }

    /// The manifests under `_rewind/days/`, by day. An unreadable manifest is left out (its
    /// day is then rewritten) with a warning on stderr.
    ///
    /// # Errors
    /// The store's error.
    pub fn manifests(&self) -> Result<BTreeMap<String, Manifest>, String> {
        let mut out = BTreeMap::new();
        for path in self.list(&ObjPath::from("_rewind/days"))? {
            let Some(bytes) = self.get(&path)? else { continue };
            match serde_json::from_slice::<Manifest>(&bytes) {
                Ok(m) if m.format == LAKE_FORMAT && format!("_rewind/days/{}.json", m.day) == path.as_ref() => {
                    out.insert(m.day.clone(), m);
                }
                Ok(_) => eprintln!("rewind: {}/{path}: another lake format; the day is rewritten", self.description),
                Err(e) => eprintln!("rewind: {}/{path}: unreadable ({e}); the day is rewritten", self.description),
            }
        }
        Ok(out)
    }

    fn list(&self, prefix: &ObjPath) -> Result<Vec<ObjPath>, String> {
        let listed = self.runtime.block_on(self.store.list_with_delimiter(Some(prefix))).map_err(|e| self.reason(e))?;
        Ok(listed.objects.into_iter().map(|o| o.location).collect())
    }

    fn get(&self, path: &ObjPath) -> Result<Option<Vec<u8>>, String> {
        let got = self.runtime.block_on(async { self.store.get(path).await?.bytes().await });
        match got {
            Ok(bytes) => Ok(Some(bytes.to_vec())),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(self.reason(e)),
        }
    }

    fn put(&self, path: &ObjPath, bytes: Vec<u8>) -> Result<(), String> {
        self.runtime.block_on(self.store.put(path, PutPayload::from(bytes))).map(drop).map_err(|e| self.reason(e))
    }

    fn delete(&self, path: &ObjPath) -> Result<(), String> {
        match self.runtime.block_on(self.store.delete(path)) {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(self.reason(e)),
        }
    }

    fn reason(&self, e: object_store::Error) -> String {
        format!("{}: {e}", self.description)
    }
}

/// `_rewind/days/{day}.json`.
fn manifest_path(day: &str) -> ObjPath {
    ObjPath::from(format!("_rewind/days/{day}.json"))
}

/// `{table}/day={day}`: the partition directory.
fn partition(table: LakeTable, day: &str) -> ObjPath {
    ObjPath::from(format!("{}/day={day}", table.name()))
}

/// `{table}/day={day}/part-{n:05}.parquet`.
fn part_path(table: LakeTable, day: &str, n: usize) -> ObjPath {
    ObjPath::from(format!("{}/day={day}/part-{n:05}.parquet", table.name()))
}

#[derive(Default)]
struct Buffer {
    batches: Vec<RecordBatch>,
    bytes: usize,
    rows: usize,
    parts: usize,
}

#[derive(Default)]
struct DayState {
    tables: BTreeMap<LakeTable, Buffer>,
    inputs: Vec<ManifestInput>,
    /// Whether the old manifest was removed (before the first part is written, so a crash
    /// mid-day leaves the day without a manifest and the next run rewrites it).
    opened: bool,
}

/// Writes the days of one export: rows are buffered per day and table and written as Parquet
/// parts when a buffer reaches `part_target_bytes` or all buffers `budget_bytes`;
/// [`DayWriter::finish`] writes the rest, removes stale parts and writes each day's manifest.
pub struct DayWriter<'a> {
    lake: &'a Lake,
    options: String,
    days: BTreeMap<String, DayState>,
    buffered: usize,
    part_target_bytes: usize,
    budget_bytes: usize,
    properties: WriterProperties,
}

impl<'a> DayWriter<'a> {
    /// A writer with [`PART_TARGET_BYTES`] and [`BUFFER_BUDGET_BYTES`]; `options` goes into
    /// the manifests.
    pub fn new(lake: &'a Lake, options: String) -> DayWriter<'a> {
        Self::with_limits(lake, options, PART_TARGET_BYTES, BUFFER_BUDGET_BYTES)
    }

    /// A writer with other limits (bytes of Arrow memory).
    pub fn with_limits(lake: &'a Lake, options: String, part_target_bytes: usize, budget_bytes: usize) -> Self {
        let level = ZstdLevel::try_new(ZSTD_LEVEL).unwrap_or_default();
        let properties = WriterProperties::builder()
            .set_compression(Compression::ZSTD(level))
            .set_created_by(format!("rewind {}", env!("CARGO_PKG_VERSION")))
            .build();
        DayWriter { lake, options, days: BTreeMap::new(), buffered: 0, part_target_bytes, budget_bytes, properties }
    }

    /// The days that received an input so far.
    pub fn days(&self) -> impl Iterator<Item = &str> {
        self.days.keys().map(String::as_str)
    }

    /// Adds one input of `day`: its manifest entry and, when exported, its rows.
    ///
    /// # Errors
    /// The store's or the Parquet writer's error.
    pub fn add(
        &mut self,
        day: &str,
        input: ManifestInput,
        batches: Option<super::schema::ReplayBatches>,
    ) -> Result<(), String> {
        self.days.entry(day.to_string()).or_default().inputs.push(input);
        for (table, batch) in batches.into_iter().flatten() {
            let bytes = batch.get_array_memory_size();
            let state = self.days.get_mut(day).expect("inserted above");
            let buffer = state.tables.entry(table).or_default();
            buffer.rows += batch.num_rows();
            buffer.bytes += bytes;
            buffer.batches.push(batch);
            self.buffered += bytes;
            if buffer.bytes >= self.part_target_bytes {
                self.flush(day, table)?;
            }
        }
        if self.buffered >= self.budget_bytes {
            // The largest buffers first, until half the budget is left.
            let mut sizes: Vec<(usize, String, LakeTable)> = self
                .days
                .iter()
                .flat_map(|(d, s)| s.tables.iter().map(move |(t, b)| (b.bytes, d.clone(), *t)))
                .filter(|(bytes, _, _)| *bytes > 0)
                .collect();
            sizes.sort_by_key(|s| std::cmp::Reverse(s.0));
            for (_, d, t) in sizes {
                if self.buffered <= self.budget_bytes / 2 {
                    break;
                }
                self.flush(&d, t)?;
            }
        }
        Ok(())
    }

    /// Writes the buffer of `table` on `day` as the next part (an empty buffer too: each
    /// written day has at least one part per table, so readers' globs always match).
    fn flush(&mut self, day: &str, table: LakeTable) -> Result<(), String> {
        let lake = self.lake;
        let state = self.days.entry(day.to_string()).or_default();
        if !state.opened {
            lake.delete(&manifest_path(day))?;
            state.opened = true;
        }
        let buffer = state.tables.entry(table).or_default();
        let batches = std::mem::take(&mut buffer.batches);
        self.buffered -= std::mem::take(&mut buffer.bytes);
        let n = buffer.parts;
        buffer.parts += 1;
        let bytes = encode(table, &batches, self.properties.clone())?;
        drop(batches);
        lake.put(&part_path(table, day, n), bytes)
    }

    /// Writes what is buffered, removes each written day's parts beyond those of this run,
    /// and writes the days' manifests. Returns per day the number of exported replays and of
    /// inputs.
    ///
    /// # Errors
    /// The store's or the Parquet writer's error.
    pub fn finish(mut self) -> Result<BTreeMap<String, (usize, usize)>, String> {
        let days: Vec<String> = self.days.keys().cloned().collect();
        let mut summary = BTreeMap::new();
        for day in days {
            for table in LakeTable::ALL {
                let state = self.days.get_mut(&day).expect("day listed above");
                let buffer = state.tables.entry(table).or_default();
                if !buffer.batches.is_empty() || buffer.parts == 0 {
                    self.flush(&day, table)?;
                }
            }
            let state = self.days.remove(&day).expect("day listed above");
            for (&table, buffer) in &state.tables {
                let keep: BTreeSet<ObjPath> = (0..buffer.parts).map(|n| part_path(table, &day, n)).collect();
                for path in self.lake.list(&partition(table, &day))? {
                    if !keep.contains(&path) {
                        self.lake.delete(&path)?;
                    }
                }
            }
            let mut inputs = state.inputs;
            inputs.sort_by(|a, b| a.input.cmp(&b.input));
            let exported = inputs.iter().filter(|i| i.exported).count();
            summary.insert(day.clone(), (exported, inputs.len()));
            let manifest = Manifest {
                format: LAKE_FORMAT,
                day: day.clone(),
                options: self.options.clone(),
                inputs,
                rows: state.tables.iter().map(|(t, b)| (t.name().to_string(), b.rows)).collect(),
                parts: state.tables.iter().map(|(t, b)| (t.name().to_string(), b.parts)).collect(),
            };
            let json = serde_json::to_vec_pretty(&manifest).map_err(|e| e.to_string())?;
            self.lake.put(&manifest_path(&day), json)?;
        }
        Ok(summary)
    }
}

/// One Parquet file (one row group) of `batches`.
fn encode(table: LakeTable, batches: &[RecordBatch], properties: WriterProperties) -> Result<Vec<u8>, String> {
    let fail = |e: parquet::errors::ParquetError| format!("{}: parquet: {e}", table.name());
    let mut writer = ArrowWriter::try_new(Vec::new(), table.schema(), Some(properties)).map_err(fail)?;
    for batch in batches {
        writer.write(batch).map_err(fail)?;
    }
    writer.into_inner().map_err(fail)
}

/// The UTC day (`YYYY-MM-DD`) of a Unix epoch time in ms, by the civil-from-days algorithm
/// (proleptic Gregorian calendar; H. Hinnant, "chrono-Compatible Low-Level Date Algorithms").
pub fn utc_day(epoch_ms: i64) -> String {
    let days = epoch_ms.div_euclid(86_400_000);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_days() {
        assert_eq!(utc_day(0), "1970-01-01");
        assert_eq!(utc_day(-1), "1969-12-31");
        assert_eq!(utc_day(951_782_400_000), "2000-02-29");
        assert_eq!(utc_day(1_796_594_334_866), "2026-12-06");
        assert_eq!(utc_day(1_796_601_599_999), "2026-12-06");
        assert_eq!(utc_day(1_796_601_600_000), "2026-12-07");
    }

    fn batches(n: usize) -> super::super::schema::ReplayBatches {
        let fixture = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/payment.json")).unwrap();
        let replay = rewind::analyze::session::AnalyzedSession::from_bytes(&fixture, Some(&format!("r{n}"))).unwrap();
        super::super::schema::replay_batches(replay).unwrap()
    }

    fn input(n: usize) -> ManifestInput {
        ManifestInput { input: format!("in{n}"), fingerprint: "f".into(), replay_id: format!("r{n}"), exported: true }
    }

    #[test]
    fn a_small_budget_splits_days_into_parts_and_a_rewrite_drops_stale_parts() {
        let dir = tempfile::tempdir().unwrap();
        let lake = Lake::open(dir.path().to_str().unwrap(), None).unwrap();
        // Every added replay goes past the part target: one part per replay and table.
        let mut writer = DayWriter::with_limits(&lake, "o".into(), 1, usize::MAX);
        for n in 0..3 {
            writer.add("2026-01-02", input(n), Some(batches(n))).unwrap();
        }
        let summary = writer.finish().unwrap();
        assert_eq!(summary["2026-01-02"], (3, 3));
        let parts_of = |table: &str, day: &str| {
            let mut names: Vec<String> = std::fs::read_dir(dir.path().join(table).join(format!("day={day}")))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        };
        let parts = |table: &str| parts_of(table, "2026-01-02");
        assert_eq!(parts("events"), ["part-00000.parquet", "part-00001.parquet", "part-00002.parquet"]);
        let manifest = &lake.manifests().unwrap()["2026-01-02"];
        assert_eq!(manifest.parts["events"], 3);
        assert_eq!(manifest.inputs.len(), 3);
        let events = manifest.rows["events"];

        // The whole budget is tiny: after each replay everything is written out.
        let mut writer = DayWriter::with_limits(&lake, "o".into(), usize::MAX, 1);
        writer.add("2026-01-02", input(0), Some(batches(0))).unwrap();
        assert_eq!(writer.buffered, 0);
        writer.finish().unwrap();
        assert_eq!(parts("events"), ["part-00000.parquet"], "stale parts removed");
        assert_eq!(lake.manifests().unwrap()["2026-01-02"].rows["events"] * 3, events);

        // A filtered-out input still lands in the manifest; every table gets a (0-row) part.
        let mut writer = DayWriter::new(&lake, "o".into());
        writer.add("2026-01-03", ManifestInput { exported: false, ..input(9) }, None).unwrap();
        assert_eq!(writer.finish().unwrap()["2026-01-03"], (0, 1));
        assert_eq!(parts_of("findings", "2026-01-03"), ["part-00000.parquet"]);
        assert_eq!(lake.manifests().unwrap()["2026-01-03"].rows["sessions"], 0);
    }
}
