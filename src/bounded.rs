//! Reading a file of bounded size: every file casus reads has a limit, so a file that is far too
//! large, or a device that never ends (`/dev/zero`), is an error rather than an exhausted memory.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// Reads everything `source` holds if it is at most `limit` bytes, reading no further than one
/// byte past it; `None` if it holds more (a file that grew since its size was taken, a pipe, or a
/// device that never ends).
pub fn read_at_most(source: impl Read, limit: u64) -> io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    source.take(limit + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= limit).then_some(bytes))
}

/// Reads a file of at most `limit` bytes, no further than one byte past it: a larger one is an
/// error naming the limit.
pub fn read_bounded(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let file = File::open(path)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
    read_at_most(file, limit)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: cannot read: {e}", path.display())))?
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "{}: larger than the {} bytes casus reads",
                    path.display(),
                    crate::report::text::thousands(limit)
                ),
            )
        })
}
