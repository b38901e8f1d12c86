//! Applying fixes: take the applicable fixes, sorted, skipping any that overlaps one already
//! taken; apply them, re-lint, and repeat until nothing changes. A result that no longer parses
//! is refused, and so is a file that had parse errors to begin with.

use crate::diagnostic::{Applicability, Diagnostic, Fix};
use crate::model::ModelError;
use crate::{LintOptions, lint};

/// Rounds of fix, re-lint before giving up: more means the fixes do not converge (a bug).
pub const MAX_ROUNDS: usize = 10;

/// Which fixes to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixMode {
    Safe,
    /// Safe and unsafe fixes.
    Unsafe,
}

impl FixMode {
    fn allows(self, applicability: Applicability) -> bool {
        match applicability {
            Applicability::Safe => true,
            Applicability::Unsafe => self == FixMode::Unsafe,
            Applicability::DisplayOnly => false,
        }
    }
}

/// The fixed text and what is left.
#[derive(Debug, Clone)]
pub struct FixOutcome {
    pub text: String,
    /// Fixes applied, over all rounds.
    pub applied: usize,
    /// The codes of the applied fixes, in order.
    pub applied_codes: Vec<&'static str>,
    /// Diagnostics of the fixed text.
    pub remaining: Vec<Diagnostic>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FixError {
    /// The file has parse errors: it is never modified.
    ParseErrors,
    /// A fix produced text that does not parse (a bug in that rule's fix).
    Broke {
        code: &'static str,
        message: String,
    },
    /// Fixes kept changing the file for `MAX_ROUNDS` rounds (a bug).
    DidNotConverge,
    Model(ModelError),
}

impl std::fmt::Display for FixError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FixError::ParseErrors => {
                f.write_str("not fixed: the file has parse errors (GL000); fix those first")
            }
            FixError::Broke { code, message } => write!(
                f,
                "not fixed: the {code} fix would leave a file that does not parse ({message}); this is a gopherlint bug, please report it"
            ),
            FixError::DidNotConverge => write!(
                f,
                "not fixed: fixes kept changing the file after {MAX_ROUNDS} rounds; this is a gopherlint bug, please report it"
            ),
            FixError::Model(e) => write!(f, "{e}"),
        }
    }
}

fn overlaps(taken: &[(usize, usize)], fix: &Fix) -> bool {
    fix.edits.iter().any(|e| {
        let (e_start, e_end) = (e.range.start, e.range.end);
        taken.iter().any(|&(start, end)| {
            (e_start < end && start < e_end)
                // Two edits starting at one place, or an insertion at the edge of another
                // edit: their order would be arbitrary.
                || e_start == start
                || (e_start == e_end && e_start == end)
                || (start == end && start == e_end)
        })
    })
}

/// Applies the fixes `mode` allows, round after round, until none is left.
pub fn fix(text: &str, options: &LintOptions, mode: FixMode) -> Result<FixOutcome, FixError> {
    // Asked of the parser itself: an ignore comment or `--ignore GL000` hides parse errors from
    // the diagnostics, never from this check.
    let first_parse_error = |text: &str| crate::syntax::parse(text).errors.into_iter().next();
    if first_parse_error(text).is_some() {
        return Err(FixError::ParseErrors);
    }
    let mut current = text.to_string();
    let mut diagnostics = lint(&current, options).map_err(FixError::Model)?;
    let mut applied_codes = Vec::new();
    for _ in 0..MAX_ROUNDS {
        let mut fixes: Vec<(&'static str, &Fix)> = diagnostics
            .iter()
            .filter_map(|d| d.fix.as_ref().map(|f| (d.code(), f)))
            .filter(|(_, f)| mode.allows(f.applicability) && !f.edits.is_empty())
            .collect();
        if fixes.is_empty() {
            return Ok(FixOutcome {
                text: current,
                applied: applied_codes.len(),
                applied_codes,
                remaining: diagnostics,
            });
        }
        fixes.sort_by_key(|(code, f)| (f.edits[0].range.start, *code));
        let mut taken: Vec<(usize, usize)> = Vec::new();
        let mut edits = Vec::new();
        let mut round_codes = Vec::new();
        for (code, fix) in fixes {
            if overlaps(&taken, fix) {
                continue;
            }
            taken.extend(fix.edits.iter().map(|e| (e.range.start, e.range.end)));
            edits.extend(fix.edits.iter().cloned());
            round_codes.push(code);
        }
        edits.sort_by_key(|e| (e.range.start, e.range.end));
        let combined = Fix::new("", Applicability::Safe, edits);
        let next = combined.apply_to(&current);
        if let Some(error) = first_parse_error(&next) {
            return Err(FixError::Broke {
                code: round_codes.first().copied().unwrap_or("GL000"),
                message: error.message,
            });
        }
        let next_diagnostics = lint(&next, options).map_err(FixError::Model)?;
        if next == current {
            // Fixes that change nothing: stop rather than loop.
            return Err(FixError::DidNotConverge);
        }
        applied_codes.extend(round_codes);
        current = next;
        diagnostics = next_diagnostics;
    }
    Err(FixError::DidNotConverge)
}

/// A unified diff of `before` → `after` for `path` (empty when equal).
pub fn unified_diff(path: &str, before: &str, after: &str) -> String {
    if before == after {
        return String::new();
    }
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(path, path)
        .to_string()
}

/// Writes `text` to `path` atomically: a temporary file in the same directory, the original's
/// permissions, then a rename over the original. A symbolic link is followed, so the file it
/// points to is updated and the link stays a link.
pub fn write_atomically(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    let resolved = std::fs::canonicalize(path)?;
    let path = resolved.as_path();
    let permissions = std::fs::metadata(path)?.permissions();
    let temp_path = write_temporary(path, text, Some(permissions))?;
    let result = std::fs::rename(&temp_path, path);
    if result.is_err() {
        let _ = std::fs::remove_file(&temp_path);
    }
    result
}

/// Writes a new file at `path` atomically: the text goes to a temporary file in the same
/// directory, which is then linked at `path`. The link fails with `AlreadyExists` when a file
/// has appeared there meanwhile, which is left as it is: no reader ever sees a partly written
/// file, and nothing is overwritten. Where the file system has no hard links, the rename is
/// made only if `path` is still free.
pub fn write_new_atomically(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    let temp_path = write_temporary(path, text, None)?;
    let result = match std::fs::hard_link(&temp_path, path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(e),
        Err(_) if path.exists() => Err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "the file exists",
        )),
        Err(_) => std::fs::rename(&temp_path, path),
    };
    let _ = std::fs::remove_file(&temp_path);
    result
}

/// Writes `text` to a new temporary file beside `path` (synced, with `permissions` when given)
/// and returns its path.
fn write_temporary(
    path: &std::path::Path,
    text: &str,
    permissions: Option<std::fs::Permissions>,
) -> std::io::Result<std::path::PathBuf> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut attempt = 0;
    let (temp_path, mut file) = loop {
        let candidate = dir.join(format!(
            ".{name}.gopherlint-{}-{attempt}.tmp",
            std::process::id()
        ));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
        {
            Ok(file) => break (candidate, file),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    };
    let result = (|| {
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        if let Some(permissions) = permissions {
            std::fs::set_permissions(&temp_path, permissions)?;
        }
        Ok(())
    })();
    match result {
        Ok(()) => Ok(temp_path),
        Err(e) => {
            let _ = std::fs::remove_file(&temp_path);
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_is_written_whole_and_never_over_another() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("Dockerfile");
        write_new_atomically(&path, "FROM scratch\n").expect("written");
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            "FROM scratch\n"
        );
        let error = write_new_atomically(&path, "FROM alpine\n").expect_err("exists");
        assert_eq!(error.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            "FROM scratch\n"
        );
        // No temporary file is left behind.
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, ["Dockerfile"]);
        write_atomically(&path, "FROM busybox\n").expect("replaced");
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            "FROM busybox\n"
        );
    }

    #[test]
    fn diff_has_one_hunk_with_context() {
        let diff = unified_diff("D", "a\nb\nc\nd\n", "a\nB\nc\nd\n");
        assert_eq!(diff, "--- D\n+++ D\n@@ -1,4 +1,4 @@\n a\n-b\n+B\n c\n d\n");
        let far = unified_diff(
            "D",
            &"x\n".repeat(20),
            &format!("y\n{}z\n", "x\n".repeat(19)),
        );
        assert_eq!(far.matches("@@ -").count(), 2, "{far}");
        assert_eq!(unified_diff("D", "x\n", "x\n"), "");
    }
}
