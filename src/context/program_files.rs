//! What the program's own source shows of the files it needs at run time: files read from its
//! working directory. The same walk as
//! [`super::go_source`]: the built packages and the in-module packages they import.

use std::path::Path;

use super::go_source::walk;
use crate::knowledge::relative_reads::first_relative_read;

/// The first file of the program that reads a path relative to its working directory, with
/// that path (`params.txt`, `.env` for a dotenv loader called without one). `None` when the
/// walk cannot read the program, `Some(None)` when no file does.
pub fn reads_relative_files(
    root: &Path,
    module: &str,
    start: &[String],
) -> Option<Option<(String, String)>> {
    walk(root, module, start, |file, text, _| {
        first_relative_read(text).map(|path| (file.to_string(), path))
    })
}
