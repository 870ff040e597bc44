//! Durable writes to the local data directory, the data directory's lock, and the cleanup of
//! staging files a crash left behind.
//!
//! `object_store`'s `LocalFileSystem` (0.12) writes a staging file and links or renames it
//! into place but never calls `fsync`, so an acknowledged batch could vanish, or be a 0-byte
//! file, after a power cut. Every local write therefore goes through here:
//! write the staging file → `fsync` it → link (new objects) or rename (replacements) it into
//! place → `fsync` the directory, so the name is on disk too. Directories created on the way
//! are made durable the same way (their parent is synced). S3 keeps `object_store`'s put:
//! an S3 object is durable once the PUT is answered.
//!
//! Staging files are named `{object}#{n}` (`n` decimal), the convention of `object_store`'s own
//! staging files, which its listings skip; [`clean_staging`] removes those older than the
//! process at start.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

/// Name of the lock file in the data directory ([`DirLock`]).
pub const LOCK_FILE: &str = ".rewind-serve.lock";

/// The staging number of the next write (unique within the process; a leftover of a crashed
/// process with the same number is skipped by `create_new`).
static NEXT_STAGING: AtomicU64 = AtomicU64::new(1);

/// Writes `bytes` at `dest` unless a file is already there: `Ok(true)` when written,
/// `Ok(false)` when it existed (nothing written, no staging file left). Durable when it
/// returns `Ok(true)`.
///
/// # Errors
/// The I/O error (e.g. `StorageFull`); the staging file is removed first, so a failed write
/// leaves nothing behind and the object is either whole or absent.
pub fn create_new(dest: &Path, bytes: &[u8]) -> io::Result<bool> {
    link_new(dest, write_staging(dest, bytes, None)?)
}

/// [`create_new`] for a secret: the file is readable and writable by its owner only (mode
/// 0600 on Unix) from its creation, so no other user can read it even for a moment.
///
/// # Errors
/// As [`create_new`].
pub fn create_new_private(dest: &Path, bytes: &[u8]) -> io::Result<bool> {
    link_new(dest, write_staging(dest, bytes, Some(0o600))?)
}

/// Moves the written `staging` file to `dest` unless `dest` exists (then removes it).
fn link_new(dest: &Path, staging: PathBuf) -> io::Result<bool> {
    match rename_no_replace(&staging, dest) {
        Some(Ok(())) => return sync_parent(dest).map(|()| true),
        Some(Err(e)) if e.kind() == io::ErrorKind::AlreadyExists => {
            let _ = std::fs::remove_file(&staging);
            return Ok(false);
        }
        Some(Err(e)) => {
            let _ = std::fs::remove_file(&staging);
            return Err(e);
        }
        None => {}
    }
    let linked = std::fs::hard_link(&staging, dest);
    let _ = std::fs::remove_file(&staging);
    match linked {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Ok(false),
        Err(e) => return Err(e),
    }
    sync_parent(dest)?;
    Ok(true)
}

/// `renameat2(RENAME_NOREPLACE)`: one directory operation where a hard link and an unlink
/// are two, with the same outcome (a second writer of `dest` fails with `AlreadyExists`).
/// `None` when the file system or kernel does not support the flag (the caller links).
#[cfg(target_os = "linux")]
fn rename_no_replace(staging: &Path, dest: &Path) -> Option<io::Result<()>> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    match renameat_with(CWD, staging, CWD, dest, RenameFlags::NOREPLACE) {
        Ok(()) => Some(Ok(())),
        Err(rustix::io::Errno::INVAL | rustix::io::Errno::NOSYS | rustix::io::Errno::NOTSUP) => None,
        Err(e) => Some(Err(e.into())),
    }
}

/// Elsewhere the caller links (no portable no-replace rename).
#[cfg(not(target_os = "linux"))]
fn rename_no_replace(_: &Path, _: &Path) -> Option<io::Result<()>> {
    None
}

/// Replaces (or creates) the file at `dest` with `bytes`, atomically: a reader sees the old
/// or the new content, never a mix or a torn write, also after a crash or a full disk.
///
/// # Errors
/// The I/O error; the staging file is removed and `dest` keeps its old content.
pub fn replace(dest: &Path, bytes: &[u8]) -> io::Result<()> {
    let staging = write_staging(dest, bytes, None)?;
    if let Err(e) = std::fs::rename(&staging, dest) {
        let _ = std::fs::remove_file(&staging);
        return Err(e);
    }
    sync_parent(dest)
}

/// Writes and syncs a new staging file beside `dest` (creating `dest`'s directories durably).
/// `mode`: the file's permissions on Unix (default: 0666 less the umask).
fn write_staging(dest: &Path, bytes: &[u8], mode: Option<u32>) -> io::Result<PathBuf> {
    let parent = dest.parent().ok_or_else(|| io::Error::other("object path without a directory"))?;
    ensure_dir(parent)?;
    loop {
        let n = NEXT_STAGING.fetch_add(1, Ordering::Relaxed);
        let mut name = dest.as_os_str().to_owned();
        name.push(format!("#{n}"));
        let staging = PathBuf::from(name);
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        if let Some(mode) = mode {
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
        }
        #[cfg(not(unix))]
        let _ = mode;
        let mut file = match options.open(&staging) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        };
        let written = file.write_all(bytes).and_then(|()| file.sync_all());
        if let Err(e) = written {
            drop(file);
            let _ = std::fs::remove_file(&staging);
            return Err(e);
        }
        return Ok(staging);
    }
}

/// Creates `dir` and its missing ancestors, syncing the parent of each one created.
fn ensure_dir(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent() {
        ensure_dir(parent)?;
    }
    match std::fs::create_dir(dir) {
        Ok(()) => sync_parent(dir),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// `fsync` of the directory holding `path`, so a new or renamed name in it survives a power cut.
fn sync_parent(path: &Path) -> io::Result<()> {
    match path.parent() {
        Some(parent) => sync_dir(parent),
        None => Ok(()),
    }
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Directories cannot be opened for syncing elsewhere; renames there are as durable as the
/// platform makes them.
#[cfg(not(unix))]
fn sync_dir(_: &Path) -> io::Result<()> {
    Ok(())
}

/// True for a staging file's name: `{anything}#{digits}`.
pub fn is_staging_name(name: &str) -> bool {
    name.rsplit_once('#').is_some_and(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Removes the staging files ([`is_staging_name`]) under `root/sessions` and `root/index`
/// last modified before `before` (the process's start, so a write in progress is never
/// touched): the leftovers of writes a crash or kill interrupted. Returns how many.
///
/// # Errors
/// None: unreadable directories and files that cannot be removed are skipped (the next start
/// tries again).
pub fn clean_staging(root: &Path, before: SystemTime) -> usize {
    let mut removed = 0;
    let mut dirs = vec![root.join("sessions"), root.join("index")];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else { continue };
            if kind.is_dir() {
                dirs.push(entry.path());
            } else if kind.is_file() && entry.file_name().to_str().is_some_and(is_staging_name) {
                let old = entry.metadata().and_then(|m| m.modified()).is_ok_and(|t| t < before);
                if old && std::fs::remove_file(entry.path()).is_ok() {
                    removed += 1;
                }
            }
        }
    }
    removed
}

/// An exclusive lock on a local data directory, held for the life of the process (the kernel
/// releases it when the process ends, also on `kill -9`): two collectors on one directory
/// would lose index updates, since a local directory has no conditional overwrite.
#[derive(Debug)]
pub struct DirLock {
    _file: File,
}

impl DirLock {
    /// Takes the lock on `dir` (its [`LOCK_FILE`], created if missing), without waiting.
    ///
    /// # Errors
    /// One line: the directory is in use by another collector, or the lock file cannot be
    /// opened.
    pub fn acquire(dir: &Path) -> Result<DirLock, String> {
        let path = dir.join(LOCK_FILE);
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        match lock_exclusive(&file) {
            Ok(true) => Ok(DirLock { _file: file }),
            Ok(false) => Err(format!(
                "another rewind serve is using the data directory {} (its lock file {} is held); stop it or give this one another --data-dir",
                dir.display(),
                path.display()
            )),
            Err(e) => Err(format!("{}: cannot lock: {e}", path.display())),
        }
    }
}

/// `flock(LOCK_EX | LOCK_NB)`: `Ok(false)` when another open file holds it.
#[cfg(unix)]
fn lock_exclusive(file: &File) -> io::Result<bool> {
    use rustix::fs::{flock, FlockOperation};
    match flock(file, FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => Ok(true),
        Err(rustix::io::Errno::WOULDBLOCK) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// No advisory lock elsewhere: the directory is not protected.
#[cfg(not(unix))]
fn lock_exclusive(_: &File) -> io::Result<bool> {
    Ok(true)
}

/// An I/O error of a local write, with the object it was writing.
#[derive(Debug)]
pub struct LocalIoError {
    /// The object key.
    pub path: String,
    /// The error, kept whole (its OS code tells a full disk).
    pub source: io::Error,
}

impl std::fmt::Display for LocalIoError {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.source)
    }
}

impl std::error::Error for LocalIoError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// True when `error` (or an error it wraps) is a full disk or an exhausted quota.
pub fn is_disk_full(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(e) = current {
        if let Some(io) = e.downcast_ref::<io::Error>() {
            // ENOSPC 28, EDQUOT 122 (Linux).
            if matches!(io.raw_os_error(), Some(28 | 122)) {
                return true;
            }
        }
        current = e.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_replace_and_clean() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("sessions/2026/01/02/s/0.json.gz");
        assert!(create_new(&dest, b"one").unwrap());
        assert!(!create_new(&dest, b"two").unwrap());
        assert_eq!(std::fs::read(&dest).unwrap(), b"one");
        replace(&dest, b"three").unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"three");
        // No staging file is left by any of them.
        let names: Vec<String> = std::fs::read_dir(dest.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, ["0.json.gz"]);
        // A crash's leftovers: removed when older than the start, kept otherwise.
        std::fs::write(dest.with_file_name("1.json.gz#1"), b"").unwrap();
        std::fs::create_dir_all(dir.path().join("index")).unwrap();
        std::fs::write(dir.path().join("index/x.json#12"), b"").unwrap();
        assert_eq!(clean_staging(dir.path(), SystemTime::UNIX_EPOCH), 0);
        let later = SystemTime::now() + std::time::Duration::from_secs(5);
        assert_eq!(clean_staging(dir.path(), later), 2);
        assert!(dest.exists());
        assert!(is_staging_name("3.json.gz#1") && !is_staging_name("3.json.gz") && !is_staging_name("a#b1"));
    }

    #[test]
    fn lock_refuses_a_second_holder() {
        let dir = tempfile::tempdir().unwrap();
        let first = DirLock::acquire(dir.path()).unwrap();
        let second = DirLock::acquire(dir.path()).unwrap_err();
        assert!(second.contains("another rewind serve is using the data directory"), "{second}");
        drop(first);
        DirLock::acquire(dir.path()).unwrap();
    }

    #[test]
    fn disk_full_is_recognised_through_wrappers() {
        let full = io::Error::from_raw_os_error(28);
        assert!(is_disk_full(&full));
        let wrapped = object_store::Error::Generic { store: "x", source: Box::new(full) };
        assert!(is_disk_full(&wrapped));
        assert!(!is_disk_full(&io::Error::from_raw_os_error(2)));
    }
}
