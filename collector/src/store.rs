//! Where batches and the session index live, through the `object_store` crate: a local
//! directory by default, or an S3-compatible bucket shared by several collectors.
//!
//! Layout (object keys, `/`-separated; under the data directory or the bucket prefix):
//!
//! ```text
//! sessions/YYYY/MM/DD/{session_id}/{seq}.json.gz   one batch, the gzip body as received
//! index/{session_id}.json                           the session's index record (index.rs)
//! ```
//!
//! `YYYY/MM/DD` is the UTC day the collector first saw the session, kept in its index record,
//! so a session's batches are found without scanning days. A batch directory is exactly what
//! `rewind analyze DIR` reads (`rewind::codec::decode_dir`).
//!
//! Writes are atomic and, on a local directory, durable: each object is written to a staging
//! file, synced, then linked (new objects) or renamed (replaced index records) into place, and
//! its directory synced ([`super::durable`]; `object_store`'s local store never syncs). S3
//! objects appear whole and are durable once the PUT is answered. A failed write (a full disk)
//! leaves the object as it was: whole, or absent.

use super::durable;
use axum::body::Bytes;
use futures_util::TryStreamExt;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjPath;
use object_store::prefix::PrefixStore;
use object_store::{ObjectMeta, ObjectStore, PutMode, PutOptions, PutPayload, UpdateVersion};
use std::path::PathBuf;
use std::sync::Arc;

pub use object_store::Error as StoreError;

/// Which backend, from the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreConfig {
    /// A local directory (`--data-dir`), created if missing.
    Local(PathBuf),
    /// An S3-compatible bucket (`--store s3://bucket/prefix`); credentials and region from the
    /// usual `AWS_*` environment variables, `endpoint` from `--s3-endpoint` or `AWS_ENDPOINT`.
    S3 {
        /// Bucket name.
        bucket: String,
        /// Key prefix inside the bucket, without leading or trailing `/` (may be empty).
        prefix: String,
        /// Endpoint URL of an S3-compatible server (MinIO, R2, …); `http://` is allowed.
        endpoint: Option<String>,
    },
}

impl StoreConfig {
    /// Parses `--store`: `s3://bucket` or `s3://bucket/prefix/…`.
    pub fn parse_url(url: &str, endpoint: Option<String>) -> Result<StoreConfig, String> {
        let rest = url.strip_prefix("s3://").ok_or_else(|| format!("--store {url}: expected s3://bucket/prefix"))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(format!("--store {url}: no bucket name"));
        }
        Ok(StoreConfig::S3 { bucket: bucket.to_string(), prefix: prefix.trim_matches('/').to_string(), endpoint })
    }
}

/// The open store.
#[derive(Clone, Debug)]
pub struct Store {
    inner: Arc<dyn ObjectStore>,
    /// Where the data is, for the startup block: a directory or `s3://bucket/prefix`.
    pub description: String,
    /// The local data directory (absolute), when the store is local.
    local_root: Option<PathBuf>,
    /// True when the backend supports conditional overwrites (`PutMode::Update` with e-tags:
    /// S3 and compatible stores), which keep the index right with several collectors.
    pub conditional_update: bool,
}

impl Store {
    /// Opens (and for a local directory, creates) the store.
    pub fn open(config: &StoreConfig) -> Result<Store, String> {
        match config {
            StoreConfig::Local(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
                let root = std::fs::canonicalize(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
                let fs = LocalFileSystem::new_with_prefix(&root)
                    .map_err(|e| format!("{}: {e}", dir.display()))?
                    .with_automatic_cleanup(true);
                Ok(Store {
                    inner: Arc::new(fs),
                    description: root.display().to_string(),
                    local_root: Some(root),
                    conditional_update: false,
                })
            }
            StoreConfig::S3 { bucket, prefix, endpoint } => {
                let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
                if let Some(endpoint) = endpoint {
                    builder = builder.with_endpoint(endpoint).with_allow_http(endpoint.starts_with("http://"));
                }
                let s3 = builder.build().map_err(|e| format!("s3://{bucket}: {e}"))?;
                let inner: Arc<dyn ObjectStore> =
                    if prefix.is_empty() { Arc::new(s3) } else { Arc::new(PrefixStore::new(s3, prefix.as_str())) };
                Ok(Store {
                    inner,
                    description: format!("s3://{bucket}/{prefix}"),
                    local_root: None,
                    conditional_update: true,
                })
            }
        }
    }

    /// `sessions/{day}/{session_id}/{seq}.json.gz`.
    pub fn batch_path(day: &str, session_id: &str, seq: u64) -> ObjPath {
        ObjPath::from(format!("sessions/{day}/{session_id}/{seq}.json.gz"))
    }

    /// `sessions/{day}/{session_id}/`: the prefix of a session's batches.
    pub fn session_prefix(day: &str, session_id: &str) -> ObjPath {
        ObjPath::from(format!("sessions/{day}/{session_id}"))
    }

    /// `index/{session_id}.json`.
    pub fn index_path(session_id: &str) -> ObjPath {
        ObjPath::from(format!("index/{session_id}.json"))
    }

    /// The prefix of all index records.
    pub fn index_prefix() -> ObjPath {
        ObjPath::from("index")
    }

    /// Writes `bytes` at `path` unless an object is already there: `Ok(true)` when written,
    /// `Ok(false)` when it existed (nothing written).
    pub async fn create(&self, path: &ObjPath, bytes: Bytes) -> Result<bool, StoreError> {
        Ok(self.create_versioned(path, bytes).await?.is_some())
    }

    /// [`Store::create`], returning the new object's version (`None` when it existed; empty
    /// for a local store, which has no conditional overwrite).
    pub async fn create_versioned(&self, path: &ObjPath, bytes: Bytes) -> Result<Option<UpdateVersion>, StoreError> {
        if let Some(file) = self.local_file(path) {
            let created = local_io(path, move || durable::create_new(&file, &bytes)).await?;
            return Ok(created.then_some(UpdateVersion { e_tag: None, version: None }));
        }
        match self.inner.put_opts(path, PutPayload::from(bytes), PutOptions::from(PutMode::Create)).await {
            Ok(result) => Ok(Some(UpdateVersion { e_tag: result.e_tag, version: result.version })),
            Err(StoreError::AlreadyExists { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Replaces the object at `path`. With `expected` and a backend that supports it
    /// ([`Store::conditional_update`]), only if the object is still that version: otherwise
    /// `Err(StoreError::Precondition)`. Returns the new version.
    ///
    /// On a local store the object is replaced atomically and durably (staging file, sync,
    /// rename, directory sync: [`durable::replace`]); `expected` is not checked (one collector
    /// per data directory, [`durable::DirLock`]) and the returned version is empty.
    pub async fn replace(
        &self,
        path: &ObjPath,
        bytes: Bytes,
        expected: Option<UpdateVersion>,
    ) -> Result<UpdateVersion, StoreError> {
        if let Some(file) = self.local_file(path) {
            local_io(path, move || durable::replace(&file, &bytes)).await?;
            return Ok(UpdateVersion { e_tag: None, version: None });
        }
        let mode = match expected {
            Some(version) if self.conditional_update => PutMode::Update(version),
            _ => PutMode::Overwrite,
        };
        let result = self.inner.put_opts(path, PutPayload::from(bytes), PutOptions::from(mode)).await?;
        Ok(UpdateVersion { e_tag: result.e_tag, version: result.version })
    }

    /// The file of `path` when the store is local.
    fn local_file(&self, path: &ObjPath) -> Option<PathBuf> {
        self.local_root.as_ref().map(|root| root.join(path.as_ref()))
    }

    /// The local data directory, when the store is local.
    pub fn local_root(&self) -> Option<&std::path::Path> {
        self.local_root.as_deref()
    }

    /// The object at `path` and its version, or `None` if there is none.
    pub async fn get(&self, path: &ObjPath) -> Result<Option<(Bytes, UpdateVersion)>, StoreError> {
        match self.inner.get(path).await {
            Ok(result) => {
                let version = UpdateVersion { e_tag: result.meta.e_tag.clone(), version: result.meta.version.clone() };
                Ok(Some((result.bytes().await?, version)))
            }
            Err(StoreError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Every object under `prefix` (one listing call per 1,000 objects on S3).
    pub async fn list(&self, prefix: &ObjPath) -> Result<Vec<ObjectMeta>, StoreError> {
        self.inner.list(Some(prefix)).try_collect().await
    }

    /// The stored batches of a session, as `(seq, path)` sorted by `seq`.
    pub async fn list_batches(&self, day: &str, session_id: &str) -> Result<Vec<(u64, ObjPath)>, StoreError> {
        let mut batches: Vec<(u64, ObjPath)> = self
            .list(&Self::session_prefix(day, session_id))
            .await?
            .into_iter()
            .filter_map(|meta| {
                let seq = meta.location.filename()?.strip_suffix(".json.gz")?.parse().ok()?;
                Some((seq, meta.location))
            })
            .collect();
        batches.sort_by_key(|(seq, _)| *seq);
        Ok(batches)
    }

    /// Deletes the object at `path`; a missing object is not an error.
    pub async fn delete(&self, path: &ObjPath) -> Result<(), StoreError> {
        match self.inner.delete(path).await {
            Ok(()) | Err(StoreError::NotFound { .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Deletes every object under `prefix`; returns how many.
    pub async fn delete_prefix(&self, prefix: &ObjPath) -> Result<usize, StoreError> {
        let objects = self.list(prefix).await?;
        for meta in &objects {
            self.delete(&meta.location).await?;
        }
        Ok(objects.len())
    }
}

/// Runs a blocking local write off the runtime; its I/O error becomes a [`StoreError`] that
/// keeps the `io::Error` as its source (so a full disk is recognised: [`durable::is_disk_full`]).
async fn local_io<T: Send + 'static>(
    path: &ObjPath,
    write: impl FnOnce() -> std::io::Result<T> + Send + 'static,
) -> Result<T, StoreError> {
    let generic = |source: Box<dyn std::error::Error + Send + Sync>| StoreError::Generic { store: "local", source };
    match tokio::task::spawn_blocking(write).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(source)) => Err(generic(Box::new(durable::LocalIoError { path: path.to_string(), source }))),
        Err(e) => Err(generic(e.to_string().into())),
    }
}

/// The UTC calendar day of `epoch_ms` as `YYYY/MM/DD` (proleptic Gregorian).
pub fn utc_day(epoch_ms: i64) -> String {
    let (year, month, day) = rewind::analyze::bundle::markdown::civil_date(epoch_ms);
    format!("{year:04}/{month:02}/{day:02}")
}

/// True for a `YYYY/MM/DD` day as [`utc_day`] writes it (checked before an index record's day
/// becomes part of a path).
pub fn valid_day(day: &str) -> bool {
    let b = day.as_bytes();
    b.len() == 10
        && b[4] == b'/'
        && b[7] == b'/'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// Now, in Unix epoch milliseconds.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days() {
        assert_eq!(utc_day(0), "1970/01/01");
        assert_eq!(utc_day(-1), "1969/12/31");
        assert_eq!(utc_day(951_782_400_000), "2000/02/29");
        assert_eq!(utc_day(1_795_248_208_007), "2026/11/21");
        assert_eq!(utc_day(1_795_305_599_999), "2026/11/21");
        assert_eq!(utc_day(1_795_305_600_000), "2026/11/22");
        assert!(valid_day("2026/11/21"));
        assert!(!valid_day("2026/11/2x") && !valid_day("../../etc/") && !valid_day("2026-11-21"));
    }

    #[tokio::test]
    async fn local_writes_are_whole_and_leave_no_staging_file() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&StoreConfig::Local(dir.path().to_path_buf())).unwrap();
        let path = Store::index_path("s");
        let version = store.create_versioned(&path, Bytes::from_static(b"{\"a\":\"long value\"}")).await.unwrap();
        assert!(version.is_some());
        assert!(store.create_versioned(&path, Bytes::from_static(b"{}")).await.unwrap().is_none());
        store.replace(&path, Bytes::from_static(b"{\"a\":1}"), version).await.unwrap();
        let (bytes, _) = store.get(&path).await.unwrap().unwrap();
        assert_eq!(&bytes[..], b"{\"a\":1}");
        // Without an expected version (or for a missing object) it creates the object.
        store.replace(&Store::index_path("t"), Bytes::from_static(b"{}"), None).await.unwrap();
        assert_eq!(std::fs::read(dir.path().join("index/t.json")).unwrap(), b"{}");
        let listed: Vec<String> =
            store.list(&Store::index_prefix()).await.unwrap().iter().map(|m| m.location.to_string()).collect();
        assert_eq!(listed.len(), 2, "{listed:?}");
        assert_eq!(std::fs::read_dir(dir.path().join("index")).unwrap().count(), 2);
    }

    #[test]
    fn store_urls() {
        assert_eq!(
            StoreConfig::parse_url("s3://b/some/prefix/", None).unwrap(),
            StoreConfig::S3 { bucket: "b".into(), prefix: "some/prefix".into(), endpoint: None }
        );
        assert!(StoreConfig::parse_url("s3://", None).is_err());
        assert!(StoreConfig::parse_url("gs://b", None).is_err());
    }
}
