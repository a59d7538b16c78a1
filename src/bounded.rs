//! Reading a file of bounded size: every file casus reads has a limit, so a file that is far too
//! large, or a device that never ends (`/dev/zero`), is an error rather than an exhausted memory.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// Reads a file of at most `limit` bytes: a larger one (or a device that never ends) is an error
/// naming the limit, read no further than one byte past it.
pub fn read_bounded(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let file = File::open(path)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: cannot read: {e}", path.display())))?;
    if bytes.len() as u64 > limit {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "{}: larger than the {} bytes casus reads",
                path.display(),
                crate::report::text::thousands(limit)
            ),
        ));
    }
    Ok(bytes)
}
