//! The index's old layout: one JSON record per session at `index/{session_id}.json` in the
//! store, written by collectors before the index was a database. [`import`] copies those
//! records into the database once, at start; the files are left in place (a collector of the
//! old version can still read them) but no longer read or written.

use super::{AnalysisRow, Index, SessionRecord};
use crate::limits::MAX_SEQ;
use crate::store::{valid_day, Store, StoreError};
use futures_util::{stream, StreamExt, TryStreamExt};
use object_store::path::Path as ObjPath;
use serde::Deserialize;

/// `meta` key set once the old records were imported.
const IMPORTED_KEY: &str = "legacy_json_index_imported";
/// Most `seq`s one old record may list (each becomes a row); a record listing more is damaged
/// or hostile (sparse `seq`s grew records to 720 KB) and is skipped: 2^20.
const MAX_IMPORTED_SEQS: u64 = 1 << 20;
/// Records read from the store at once during the import.
const FETCH_CONCURRENCY: usize = 16;

/// A record of the old layout (only the fields the database keeps).
#[derive(Debug, Deserialize)]
struct OldRecord {
    session_id: String,
    day: String,
    app_id: Option<String>,
    distinct_id: Option<String>,
    sdk_version: Option<String>,
    start_time: Option<i64>,
    end_time: Option<i64>,
    first_received_at: i64,
    last_received_at: i64,
    entry_url: Option<String>,
    n_events: u64,
    n_batches: u64,
    n_errors: u64,
    bytes: u64,
    /// Stored `seq`s as sorted, disjoint, inclusive ranges `[first, last]`.
    seqs: Vec<[u64; 2]>,
}

/// Parses one old record; `None` (with why) for a damaged one or one whose name, id or day
/// disagree.
fn parse(bytes: &[u8], id: &str) -> Result<(SessionRecord, Vec<u64>), String> {
    let old: OldRecord = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    if old.session_id != id || !valid_day(&old.day) {
        return Err("wrong session id or day".into());
    }
    let mut seqs = Vec::new();
    let mut count = 0u64;
    for [a, b] in &old.seqs {
        count = count.saturating_add(b.saturating_sub(*a).saturating_add(1));
        if a > b || *b > MAX_SEQ || count > MAX_IMPORTED_SEQS {
            return Err(format!("seq range [{a}, {b}] out of bounds"));
        }
        seqs.extend(*a..=*b);
    }
    let record = SessionRecord {
        session_id: old.session_id,
        day: old.day,
        app_id: old.app_id,
        distinct_id: old.distinct_id,
        sdk_version: old.sdk_version,
        start_time: old.start_time,
        end_time: old.end_time,
        first_received_at: old.first_received_at,
        last_received_at: old.last_received_at,
        entry_url: old.entry_url,
        n_events: old.n_events,
        n_batches: old.n_batches.max(seqs.len() as u64),
        n_errors: old.n_errors,
        bytes: old.bytes,
        max_seq: seqs.last().copied(),
        // The old records had rage counts only: the worker analyses every session again.
        analysed_batches: 0,
        analysis: AnalysisRow::default(),
    };
    Ok((record, seqs))
}

/// Imports every `index/*.json` record of `store` into `index`, once per database (a `meta`
/// row remembers it; a session already in the database is left alone, so an interrupted or
/// concurrent import is harmless). A damaged record is skipped with a message on stderr.
/// Returns how many sessions were imported.
pub async fn import(index: &Index, store: &Store) -> Result<usize, StoreError> {
    if index.meta(IMPORTED_KEY).await?.is_some() {
        return Ok(0);
    }
    let listed = store.list(&ObjPath::from("index")).await?;
    let ids: Vec<String> =
        listed.iter().filter_map(|meta| meta.location.filename()?.strip_suffix(".json").map(String::from)).collect();
    let imported: Vec<bool> = stream::iter(ids)
        .map(|id| async move {
            let path = ObjPath::from(format!("index/{id}.json"));
            let Some((bytes, _)) = store.get(&path).await? else { return Ok::<bool, StoreError>(false) };
            match parse(&bytes, &id) {
                Ok((record, seqs)) => {
                    let pages: Vec<(String, Option<String>)> =
                        record.entry_url.iter().map(|u| (u.clone(), None)).collect();
                    Ok(index.insert_records(&[(record, seqs, pages)]).await? == 1)
                }
                Err(why) => {
                    eprintln!("rewind serve: index/{id}.json not imported: {why}");
                    Ok(false)
                }
            }
        })
        .buffer_unordered(FETCH_CONCURRENCY)
        .try_collect()
        .await?;
    let n = imported.iter().filter(|i| **i).count();
    index.set_meta(IMPORTED_KEY, &crate::store::now_ms().to_string()).await?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_records_parse_with_their_seqs() {
        let old = r#"{"session_id":"abc","day":"2026/11/21","app_id":"shop","distinct_id":"u1","sdk_version":null,
            "start_time":1,"end_time":2,"first_received_at":3,"last_received_at":4,"entry_url":"https://a/",
            "n_events":5,"n_batches":3,"n_errors":1,"bytes":10,"seqs":[[0,1],[5,5]],"n_rage_clicks":2,"rage_batches":3}"#;
        let (r, seqs) = parse(old.as_bytes(), "abc").unwrap();
        assert_eq!(seqs, [0, 1, 5]);
        assert_eq!((r.n_batches, r.max_seq, r.analysed_batches), (3, Some(5), 0));
        assert_eq!(r.view().missing_batches, 3);
        assert!(parse(old.as_bytes(), "abd").is_err());
        let evil = old.replace("2026/11/21", "../../../x");
        assert!(parse(evil.as_bytes(), "abc").is_err());
        let huge = old.replace("[5,5]", "[5,99999999]");
        assert!(parse(huge.as_bytes(), "abc").is_err());
    }
}
