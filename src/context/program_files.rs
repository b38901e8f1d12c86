//! What the program's own source shows of the files it needs at run time: files read from its
//! working directory, or found by the path of its source file. The same walk as
//! [`super::go_source`]: the built packages and the in-module packages they import.

use std::path::Path;

use super::go_source::walk;
use crate::knowledge::relative_reads::{first_relative_read, locates_files_by_source_path};

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

/// The first file of the program that finds files by its own source file's path
/// (`runtime.Caller(0)`, then its directory). `None` when the walk cannot read the program,
/// `Some(None)` when no file does.
pub fn finds_files_by_source_path(
    root: &Path,
    module: &str,
    start: &[String],
) -> Option<Option<String>> {
    walk(root, module, start, |file, text, _| {
        locates_files_by_source_path(text).then(|| file.to_string())
    })
}
