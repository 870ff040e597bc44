//! A directory of rewind batch files for one session (as the collector stores them:
//! `{seq}.json.gz`), joined in `seq` order.

use super::{decode_or_salvage, finish, DecodeError, SALVAGE_WARNING};
use crate::model::Recording;
use std::path::{Path, PathBuf};

/// True when `path` is a directory whose regular files are all named `{number}.json`,
/// `{number}.json.gz` or `{number}.jsonl[.gz]` (at least one): the layout of one session's batches.
pub fn is_batch_dir(path: &Path) -> bool {
    match batch_files(path) {
        Ok(files) => !files.is_empty(),
        Err(_) => false,
    }
}

fn batch_files(path: &Path) -> Result<Vec<PathBuf>, DecodeError> {
    let io = |e: std::io::Error| io_error(path, e);
    let mut files = Vec::new();
    for entry in std::fs::read_dir(path).map_err(io)? {
        let entry = entry.map_err(io)?;
        if !entry.file_type().map_err(io)?.is_file() {
            continue;
        }
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let stem = ["json.gz", "jsonl.gz", "json", "jsonl"]
            .iter()
            .find_map(|ext| name.strip_suffix(ext).and_then(|s| s.strip_suffix('.')));
        match stem {
            Some(stem) if !stem.is_empty() && stem.bytes().all(|b| b.is_ascii_digit()) => files.push(entry.path()),
            _ => return Ok(Vec::new()),
        }
    }
    Ok(files)
}

/// Reads every batch file of one session directory and joins their events in `seq` order
/// (the envelope's `seq`, falling back to the number in the file name). A batch stored twice
/// (same `seq`) counts once. Gaps in `seq` are reported in [`Recording::warnings`].
///
/// A damaged batch file is salvaged like [`super::decode`] input (its warning names the
/// file); a file from which nothing can be recovered is left out with a warning, as long as
/// another file recovers something.
///
/// Errors: [`DecodeError::Io`] when the directory cannot be read or holds no batch files,
/// [`DecodeError::InFile`] with the error of the first batch file when no file decodes, or
/// [`DecodeError::UnsupportedFormat`] when the batches belong to different sessions.
pub fn decode_dir(path: &Path) -> Result<Recording, DecodeError> {
    let files = batch_files(path)?;
    if files.is_empty() {
        return Err(DecodeError::Io {
            message: format!("{}: no rewind batch files ({{seq}}.json.gz)", path.display()),
        });
    }
    let mut batches = Vec::with_capacity(files.len());
    let mut file_warnings = Vec::new();
    let mut first_error = None;
    for file in &files {
        let bytes = std::fs::read(file).map_err(|e| io_error(file, e))?;
        let name_seq: u64 = file
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.split('.').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(u64::MAX);
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let in_file = |error| DecodeError::InFile { file: name.clone(), error: Box::new(error) };
        let (decoded, salvage) = match decode_or_salvage(&bytes) {
            Ok(decoded) => decoded,
            Err(error) => {
                file_warnings.push(format!("{SALVAGE_WARNING}{name} left out, nothing recovered: {error}"));
                first_error.get_or_insert(in_file(error));
                continue;
            }
        };
        if let Some(salvage) = salvage {
            let account = salvage.to_string();
            file_warnings.push(format!("{SALVAGE_WARNING}{name}: {}", &account[SALVAGE_WARNING.len()..]));
        }
        for batch in decoded {
            batches.push((batch.seq.unwrap_or(name_seq), batch));
        }
    }
    if batches.is_empty() {
        if let Some(error) = first_error {
            return Err(error);
        }
    }
    batches.sort_by_key(|(seq, _)| *seq);
    batches.dedup_by_key(|(seq, _)| *seq);
    let mut recording = Recording { warnings: file_warnings, ..Recording::default() };
    let missing: Vec<String> = batches
        .windows(2)
        .filter(|w| w[1].0 > w[0].0.saturating_add(1))
        .map(|w| {
            let (first, last) = (w[0].0 + 1, w[1].0 - 1);
            if first == last {
                first.to_string()
            } else {
                format!("{first}–{last}")
            }
        })
        .collect();
    if !missing.is_empty() {
        recording.warnings.push(format!("batches missing from the session: seq {}", missing.join(", ")));
    }
    for (_, batch) in batches {
        match (&recording.session_id, &batch.session_id) {
            (Some(a), Some(b)) if a != b => {
                return Err(DecodeError::UnsupportedFormat {
                    seen: format!("batches of two sessions ({a} and {b}) in {}", path.display()),
                })
            }
            (None, Some(_)) => recording.session_id = batch.session_id,
            _ => {}
        }
        recording.distinct_id = recording.distinct_id.or(batch.distinct_id);
        recording.events.extend(batch.events);
    }
    finish(&mut recording);
    Ok(recording)
}

/// An I/O error naming the path, without Rust's " (os error N)" suffix.
fn io_error(path: &Path, e: std::io::Error) -> DecodeError {
    let message = e.to_string();
    let message = message.split(" (os error").next().unwrap_or(&message).to_string();
    DecodeError::Io { message: format!("{}: {message}", path.display()) }
}
