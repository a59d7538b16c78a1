//! How an output directory changes: the files a command writes become current together, and a
//! process that dies at any instant (a second Ctrl-C, a kill, a full disk, a power cut) leaves
//! either the previous set or the new one, never a mixture and never a stray temporary file.
//!
//! The protocol, in order:
//!
//! 1. **Lock.** A command that writes into a directory holds an exclusive lock on it
//!    ([`DirLock`], `flock` on the directory itself) for as long as it runs; a second casus command
//!    on the same directory is refused rather than interleaved.
//! 2. **Recover.** Under the lock, a journal left by a process that died after its commit point is
//!    rolled forward (step 5), and temporary files (`.casus-*.tmp`) left by a process that died
//!    before it are removed.
//! 3. **Stage.** Every new file is written under a fresh name created exclusively (`O_EXCL`: never
//!    an existing file, never through a planted symlink), hashed as it is written, and synced.
//! 4. **Commit point.** The journal `.casus-journal.json` (the staged files and their names, the
//!    files to remove, and the new `manifest.json`) is staged the same way and renamed into place,
//!    and the directory is synced. Before this instant the previous set stands; after it, the new.
//! 5. **Roll forward.** The staged files are renamed over their names, retired files removed,
//!    `manifest.json` replaced, the directory synced and the journal removed. Every part is
//!    idempotent, so a roll forward that is itself interrupted is simply done again.
//!
//! `manifest.json` lists every file casus vouches for in the directory, with its size and SHA-256.
//! Readers (`casus merge`, `casus run --resume`, `casus report`) recover first and then read only
//! what the manifest vouches for, byte for byte: a file that differs from its entry is refused as
//! edited or damaged, and files the manifest does not list are ignored.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest, Sha256};

pub use crate::bounded::read_bounded;

/// The file listing what casus vouches for in an output directory.
pub const MANIFEST: &str = "manifest.json";
/// The journal of a commit under way.
const JOURNAL: &str = ".casus-journal.json";
/// Temporary files are `.casus-PID-N-NAME.tmp`.
const TEMP_PREFIX: &str = ".casus-";
const TEMP_SUFFIX: &str = ".tmp";

/// The largest manifest or journal casus reads (they list a few dozen files).
const MAX_LIST_BYTES: u64 = 1024 * 1024;

fn error(path: &Path, what: &str, e: impl std::fmt::Display) -> io::Error {
    io::Error::other(format!("{}: {what}: {e}", path.display()))
}

/// What casus vouches for in an output directory: each file's size and SHA-256.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Manifest {
    /// The casus that made the last commit.
    pub casus_version: String,
    /// Every file of the directory's results, by name.
    pub files: BTreeMap<String, Entry>,
}

/// One vouched file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    /// Its size.
    pub bytes: u64,
    /// Its SHA-256, in lower-case hex.
    pub sha256: String,
}

/// The size and SHA-256 of bytes as they pass, written or read.
#[derive(Default)]
struct Tally {
    hash: Sha256,
    bytes: u64,
}

impl Tally {
    fn add(&mut self, buf: &[u8]) {
        self.hash.update(buf);
        self.bytes += buf.len() as u64;
    }

    /// What passed, as a manifest entry.
    fn entry(self) -> Entry {
        Entry {
            bytes: self.bytes,
            sha256: crate::monte_carlo::hex(&self.hash.finalize()),
        }
    }
}

/// A commit under way, as its journal records it.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Journal {
    /// `[temporary name, name]` of every staged file.
    renames: Vec<[String; 2]>,
    /// Files the commit retires.
    removals: Vec<String>,
    /// The manifest once the commit is done.
    manifest: Manifest,
}

/// An exclusive or shared lock on a directory, held until dropped. A lock another process holds is
/// an error at once, never a wait. On a file system without locks the lock is not taken and the
/// command goes on: a crash is still safe, but a second command on the same directory is no longer
/// kept apart.
#[derive(Debug)]
pub struct DirLock {
    _handle: File,
}

impl DirLock {
    /// The exclusive lock of a command that writes into `dir`.
    pub fn exclusive(dir: &Path) -> io::Result<DirLock> {
        Self::take(dir, true)
    }

    /// The shared lock of a command that only reads `dir`.
    pub fn shared(dir: &Path) -> io::Result<DirLock> {
        Self::take(dir, false)
    }

    fn take(dir: &Path, exclusive: bool) -> io::Result<DirLock> {
        let handle = File::open(dir).map_err(|e| error(dir, "cannot open the directory", e))?;
        let locked = if exclusive {
            handle.try_lock()
        } else {
            handle.try_lock_shared()
        };
        match locked {
            Ok(()) => Ok(DirLock { _handle: handle }),
            // A file system without locks (Lustre mounted without `flock`, some NFS setups):
            // each command stays crash-safe, but two commands on one directory at once are no
            // longer kept apart (README.md says to run one at a time there).
            Err(fs::TryLockError::Error(e)) if unsupported(&e) => Ok(DirLock { _handle: handle }),
            Err(fs::TryLockError::WouldBlock) => Err(io::Error::new(
                io::ErrorKind::ResourceBusy,
                format!(
                    "{}: another casus command is using this directory; wait for it to finish",
                    dir.display()
                ),
            )),
            Err(fs::TryLockError::Error(e)) => Err(error(dir, "cannot lock the directory", e)),
        }
    }
}

/// Whether a lock failed because the file system has none: ENOSYS, ENOLCK or EOPNOTSUPP.
fn unsupported(e: &io::Error) -> bool {
    const ENOLCK: i32 = 37;
    const EOPNOTSUPP: i32 = 95;
    e.kind() == io::ErrorKind::Unsupported || matches!(e.raw_os_error(), Some(ENOLCK | EOPNOTSUPP))
}

/// Opens `dir` for reading: a shared lock, after completing (under an exclusive one) a commit an
/// interrupted process left, and removing its temporary files if no one else has the directory
/// open (they are harmless to a reader, so a directory in use or read-only keeps them).
pub fn open_for_reading(dir: &Path) -> io::Result<DirLock> {
    if fs::symlink_metadata(dir.join(JOURNAL)).is_ok() {
        let lock = DirLock::exclusive(dir)?;
        recover(dir)?;
        drop(lock);
    } else if !temporaries(dir)?.is_empty()
        && let Ok(lock) = DirLock::exclusive(dir)
    {
        for temp in temporaries(dir)? {
            let _ = fs::remove_file(temp); // best effort, as above
        }
        drop(lock);
    }
    DirLock::shared(dir)
}

/// The temporary files in `dir`.
fn temporaries(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let entries = fs::read_dir(dir).map_err(|e| error(dir, "cannot read the directory", e))?;
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| error(dir, "cannot read the directory", e))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX) {
            found.push(entry.path());
        }
    }
    Ok(found)
}

/// Completes a commit an interrupted process left in `dir` and removes the temporary files of one
/// that died before its commit point. The caller holds the exclusive lock.
pub fn recover(dir: &Path) -> io::Result<()> {
    roll_forward(dir).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!(
                "completing the interrupted commit in {}: {e}",
                dir.display()
            ),
        )
    })?;
    for temp in temporaries(dir)? {
        remove_if_there(&temp)?;
    }
    Ok(())
}

/// Reads `manifest.json`, or `None` if the directory has none.
pub fn read_manifest(dir: &Path) -> io::Result<Option<Manifest>> {
    let path = dir.join(MANIFEST);
    match read_bounded(&path, MAX_LIST_BYTES) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| invalid(&path, format!("not a casus manifest: {e}"))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// The manifest of a directory whose results are to be read: an error if there is none.
pub fn manifest_of(dir: &Path) -> io::Result<Manifest> {
    read_manifest(dir)?.ok_or_else(|| {
        invalid(
            dir,
            format!(
                "no {MANIFEST}: not a directory of results casus {} completed (casus writes its \
                 manifest last, with each file's size and SHA-256)",
                crate::VERSION
            ),
        )
    })
}

fn invalid(path: &Path, what: impl std::fmt::Display) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("{}: {what}", path.display()),
    )
}

/// Reads a file the manifest vouches for, at most `limit` bytes, and checks it against its entry;
/// `None` if the manifest does not list it.
pub fn read_vouched(
    dir: &Path,
    manifest: &Manifest,
    name: &str,
    limit: u64,
) -> io::Result<Option<Vec<u8>>> {
    let Some(entry) = manifest.files.get(name) else {
        return Ok(None);
    };
    let path = dir.join(name);
    let bytes = read_bounded(&path, limit)?;
    let mut read = Tally::default();
    read.add(&bytes);
    check(&path, entry, &read.entry())?;
    Ok(Some(bytes))
}

/// A reader of a vouched file that hashes what it reads; [`Vouched::finish`] checks the whole file
/// was read and matches its entry.
pub struct Vouched {
    file: io::BufReader<File>,
    path: PathBuf,
    entry: Entry,
    read: Tally,
}

impl Vouched {
    /// Opens `name` in `dir`, which the manifest must list.
    pub fn open(dir: &Path, manifest: &Manifest, name: &str) -> io::Result<Vouched> {
        let path = dir.join(name);
        let entry = manifest.files.get(name).cloned().ok_or_else(|| {
            invalid(
                &path,
                format!("not listed in {MANIFEST}: casus did not complete it"),
            )
        })?;
        let file = File::open(&path).map_err(|e| error(&path, "cannot read", e))?;
        Ok(Vouched {
            file: io::BufReader::new(file),
            path,
            entry,
            read: Tally::default(),
        })
    }

    /// Reads what is left (past the part its entry vouches for it stops) and checks the file.
    pub fn finish(mut self) -> io::Result<()> {
        let rest = self.entry.bytes.saturating_sub(self.read.bytes) + 1;
        io::copy(&mut (&mut self).take(rest), &mut io::sink())
            .map_err(|e| error(&self.path, "cannot read", e))?;
        check(&self.path, &self.entry, &self.read.entry())
    }
}

impl Read for Vouched {
    /// Reads no further than one byte past the size vouched for, so a file swapped for a huge one
    /// (or for a device that never ends) is refused after that many bytes.
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = (self.entry.bytes + 1).saturating_sub(self.read.bytes);
        let len = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = self.file.read(&mut buf[..len])?;
        self.read.add(&buf[..n]);
        Ok(n)
    }
}

/// Refuses a file whose bytes (`read`) are not those its entry vouches for.
fn check(path: &Path, entry: &Entry, read: &Entry) -> io::Result<()> {
    if read != entry {
        return Err(invalid(
            path,
            format!(
                "not the file casus wrote: its size or SHA-256 differs from its entry in \
                 {MANIFEST}; it was edited or damaged"
            ),
        ));
    }
    Ok(())
}

/// A file being written under a temporary name: hashed as written, removed if dropped before it is
/// finished and committed.
pub struct Staging {
    out: BufWriter<File>,
    temp: PathBuf,
    name: String,
    written: Tally,
}

impl Staging {
    /// Creates a fresh temporary file in `dir` for the file `name`.
    pub fn create(dir: &Path, name: &str) -> io::Result<Staging> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        for _ in 0..1000 {
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let temp = dir.join(format!(
                "{TEMP_PREFIX}{}-{n}-{name}{TEMP_SUFFIX}",
                std::process::id()
            ));
            // `create_new` is O_CREAT | O_EXCL: it fails on any existing name, a symlink included,
            // so nothing planted there is followed.
            match OpenOptions::new().write(true).create_new(true).open(&temp) {
                Ok(file) => {
                    return Ok(Staging {
                        out: BufWriter::new(file),
                        temp,
                        name: name.to_owned(),
                        written: Tally::default(),
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(error(&dir.join(name), "cannot write", e)),
            }
        }
        Err(error(
            &dir.join(name),
            "cannot write",
            "no free temporary name",
        ))
    }

    /// The temporary file's path.
    pub fn temp_path(&self) -> &Path {
        &self.temp
    }

    /// Flushes and syncs the file: it is then ready to commit.
    pub fn finish(mut self) -> io::Result<Staged> {
        let done = fault::step()
            .and_then(|()| self.out.flush())
            .and_then(|()| self.out.get_ref().sync_all());
        if let Err(e) = done {
            return Err(error(
                &self.temp.with_file_name(&self.name),
                "cannot write",
                e,
            ));
        }
        Ok(Staged {
            temp: std::mem::take(&mut self.temp),
            name: std::mem::take(&mut self.name),
            entry: std::mem::take(&mut self.written).entry(),
        })
    }
}

impl Write for Staging {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.out.write(buf)?;
        self.written.add(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.temp.as_os_str().is_empty() {
            let _ = fs::remove_file(&self.temp); // best effort: an error is already on its way
        }
    }
}

/// A file written, synced and ready to commit; removed if dropped uncommitted.
#[derive(Debug)]
pub struct Staged {
    temp: PathBuf,
    name: String,
    entry: Entry,
}

impl Staged {
    /// Renames the file to `path` on its own, outside any commit (a single file such as a
    /// generated scenario).
    pub fn rename_to(mut self, path: &Path) -> io::Result<()> {
        fs::rename(&self.temp, path).map_err(|e| error(path, "cannot write", e))?;
        self.temp = PathBuf::new();
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.temp.as_os_str().is_empty() {
            let _ = fs::remove_file(&self.temp); // best effort: an error is already on its way
        }
    }
}

/// The files one command makes current in a directory, and the files it retires.
pub struct Commit<'d> {
    dir: &'d Path,
    staged: Vec<Staged>,
    removals: BTreeSet<String>,
}

impl<'d> Commit<'d> {
    /// A commit into `dir`, whose exclusive lock the caller holds.
    pub fn new(dir: &'d Path) -> Self {
        Commit {
            dir,
            staged: Vec::new(),
            removals: BTreeSet::new(),
        }
    }

    /// Stages the file `name` as `write` writes it.
    pub fn write(
        &mut self,
        name: &str,
        write: impl FnOnce(&mut Staging) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut staging = Staging::create(self.dir, name)?;
        write(&mut staging).map_err(|e| error(&self.dir.join(name), "cannot write", e))?;
        self.staged.push(staging.finish()?);
        Ok(())
    }

    /// Adds a file staged elsewhere (a table written as runs complete).
    pub fn add(&mut self, staged: Staged) {
        self.staged.push(staged);
    }

    /// Retires a file: removed from the directory and the manifest when the commit is done.
    pub fn remove(&mut self, name: &str) {
        self.removals.insert(name.to_owned());
    }

    /// Makes the staged files current and the retired ones gone, as one step (module docs).
    pub fn apply(mut self) -> io::Result<()> {
        let mut manifest = read_manifest(self.dir)?.unwrap_or_default();
        manifest.casus_version = crate::VERSION.to_owned();
        for name in &self.removals {
            manifest.files.remove(name);
        }
        let mut renames = Vec::new();
        for staged in &self.staged {
            self.removals.remove(&staged.name);
            manifest
                .files
                .insert(staged.name.clone(), staged.entry.clone());
            renames.push([file_name(&staged.temp), staged.name.clone()]);
        }
        let journal = Journal {
            renames,
            removals: std::mem::take(&mut self.removals).into_iter().collect(),
            manifest,
        };
        let mut staging = Staging::create(self.dir, JOURNAL)?;
        serde_json::to_writer_pretty(&mut staging, &journal).map_err(io::Error::other)?;
        let mut staged = staging.finish()?;
        let path = self.dir.join(JOURNAL);
        fault::step()
            .and_then(|()| fs::rename(&staged.temp, &path))
            .and_then(|()| sync_dir(self.dir))
            .map_err(|e| error(&path, "cannot commit", e))?;
        // The commit point is passed: the staged files belong to the journal now.
        staged.temp = PathBuf::new();
        for s in &mut self.staged {
            s.temp = PathBuf::new();
        }
        roll_forward(self.dir).map(|_| ())
    }
}

/// Does what the journal in `dir` says, if there is one; whether there was.
fn roll_forward(dir: &Path) -> io::Result<bool> {
    let path = dir.join(JOURNAL);
    match fs::symlink_metadata(&path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(error(&path, "cannot read", e)),
        Ok(meta) if !meta.is_file() => {
            return Err(invalid(
                &path,
                "not a regular file; casus does not follow it",
            ));
        }
        Ok(_) => {}
    }
    let journal: Journal = serde_json::from_slice(&read_bounded(&path, MAX_LIST_BYTES)?)
        .map_err(|e| invalid(&path, format!("not a casus journal: {e}")))?;
    let plain = |name: &str| {
        let ok = !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\']);
        if ok {
            Ok(())
        } else {
            Err(invalid(
                &path,
                format!("names `{name}`, which is not a file in the directory"),
            ))
        }
    };
    for [temp, name] in &journal.renames {
        plain(temp)?;
        plain(name)?;
        let from = dir.join(temp);
        if fs::symlink_metadata(&from).is_ok() {
            fault::step()
                .and_then(|()| fs::rename(&from, dir.join(name)))
                .map_err(|e| error(&dir.join(name), "cannot commit", e))?;
        }
    }
    for name in &journal.removals {
        plain(name)?;
        remove_if_there(&dir.join(name))?;
    }
    let mut staging = Staging::create(dir, MANIFEST)?;
    serde_json::to_writer_pretty(&mut staging, &journal.manifest).map_err(io::Error::other)?;
    staging.write_all(b"\n")?;
    let mut staged = staging.finish()?;
    let manifest = dir.join(MANIFEST);
    fault::step()
        .and_then(|()| fs::rename(&staged.temp, &manifest))
        .map_err(|e| error(&manifest, "cannot commit", e))?;
    staged.temp = PathBuf::new();
    sync_dir(dir).map_err(|e| error(dir, "cannot sync", e))?;
    fault::step().map_err(|e| error(&path, "cannot remove", e))?;
    remove_if_there(&path)?;
    sync_dir(dir).map_err(|e| error(dir, "cannot sync", e))?;
    Ok(true)
}

fn remove_if_there(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(error(path, "cannot remove", e)),
        _ => Ok(()),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Syncs a directory, so that the renames in it survive a power cut.
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// A test hook that makes the commit steps fail on demand, so that the fault-injection tests
/// (`tests/faults.rs`) can stop a real process at every step. `CASUS_FAULT=crash:N` ends the process
/// at once (exit status 86, no clean-up, as a kill would) at the Nth step; `CASUS_FAULT=full:N`
/// fails the Nth step with "No space left on device". Steps are the syncing of each staged file,
/// the commit point, each rename, the manifest's rename and the journal's removal.
mod fault {
    use super::*;

    /// The exit status of an injected crash.
    const CRASH_STATUS: i32 = 86;
    /// ENOSPC on Linux.
    const NO_SPACE: i32 = 28;

    enum Fault {
        Crash(u64),
        Full(u64),
    }

    fn planned() -> Option<&'static Fault> {
        static PLAN: OnceLock<Option<Fault>> = OnceLock::new();
        PLAN.get_or_init(|| {
            let plan = std::env::var("CASUS_FAULT").ok()?;
            let (kind, n) = plan.split_once(':')?;
            let n: u64 = n.parse().ok()?;
            match kind {
                "crash" => Some(Fault::Crash(n)),
                "full" => Some(Fault::Full(n)),
                _ => None,
            }
        })
        .as_ref()
    }

    /// One step of a commit: where an injected fault strikes.
    pub(super) fn step() -> io::Result<()> {
        static STEPS: AtomicU64 = AtomicU64::new(0);
        let Some(plan) = planned() else {
            return Ok(());
        };
        let step = STEPS.fetch_add(1, Ordering::SeqCst) + 1;
        match *plan {
            Fault::Crash(n) if n == step => std::process::exit(CRASH_STATUS),
            Fault::Full(n) if n == step => Err(io::Error::from_raw_os_error(NO_SPACE)),
            _ => Ok(()),
        }
    }
}
