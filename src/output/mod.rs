//! Renders diagnostics: human (codespan-reporting), JSON, SARIF, GitHub annotations, compact
//! lines, GitLab Code Quality and Checkstyle XML. Every format gets the same diagnostics; files come in the order given, findings by
//! position. There is one way to write output, the stream (file by file); rendering all reports
//! at once is the stream written into a buffer.

mod checkstyle;
mod compact;
mod document;
mod github;
mod gitlab;
mod human;
mod json;
mod sarif;
mod stream;

use crate::diagnostic::{Diagnostic, Fix};
use crate::source::{LineCol, LineIndex, TextRange};

pub use document::OutputError;
pub use sarif::{REPOSITORY_URL, doc_section};
pub use stream::{OutputStream, RenderedFile, render_file};

/// An output format, as the stream writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human { color: bool },
    Json,
    Sarif,
    Github,
    Compact,
    Gitlab,
    Checkstyle,
}

/// Every report in one text: the stream, written into a buffer.
pub fn render(format: Format, reports: &[FileReport]) -> Result<String, OutputError> {
    let mut stream = OutputStream::new(format)?;
    let mut out = String::new();
    for report in reports {
        out.push_str(&stream.file(report)?);
    }
    let mut closing = Vec::new();
    stream
        .finish(false, &mut closing)
        .map_err(|e| OutputError::from(serde_json::Error::io(e)))?;
    out.push_str(&String::from_utf8_lossy(&closing));
    Ok(out)
}

/// The diagnostics of one file with the text they point into.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub path: String,
    pub text: String,
    pub diagnostics: Vec<Diagnostic>,
    /// The class gopherlint gave the shipped image (`None` when the file could not be read).
    pub class: Option<crate::model::ImageClass>,
}

impl FileReport {
    pub fn line_index(&self) -> LineIndex {
        LineIndex::new(&self.text)
    }
}

/// Start and end positions of a byte range.
pub(crate) fn positions(
    report: &FileReport,
    index: &LineIndex,
    start: usize,
    end: usize,
) -> (LineCol, LineCol) {
    (
        index.line_col(&report.text, start),
        index.line_col(&report.text, end),
    )
}

/// `path` relative to the working directory with `/` between its parts, when it is inside it (a
/// relative path is, `./` dropped): how SARIF and GitLab name a file of the repository, which
/// CI runs gopherlint from.
pub(crate) fn relative_path(path: &str) -> Option<String> {
    let cwd = std::env::current_dir().ok()?;
    let p = std::path::Path::new(path);
    let relative = if p.is_absolute() {
        p.strip_prefix(&cwd).ok()?.to_string_lossy().into_owned()
    } else {
        path.trim_start_matches("./").to_string()
    };
    Some(relative.replace('\\', "/"))
}

/// The text of the lines a range touches, whitespace collapsed: what fingerprints hash, so that
/// a finding keeps its identity when lines are added above it.
pub(crate) fn flagged_lines(text: &str, range: TextRange) -> String {
    let start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let end = text[range.end..]
        .find('\n')
        .map_or(text.len(), |i| range.end + i);
    text[start..end]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The lines of the fixed file around each of a fix's edits, for showing what the fix writes.
/// Edits on lines far apart are shown as separate snippets joined by `...`.
pub(crate) fn fix_preview(text: &str, fix: &Fix) -> String {
    let fixed = fix.apply_to(text);
    // Line ranges (in the fixed text) touched by each edit.
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let mut delta: isize = 0;
    for edit in &fix.edits {
        let start = (edit.range.start as isize + delta) as usize;
        let end = start + edit.replacement.len();
        delta += edit.replacement.len() as isize - edit.range.len() as isize;
        let start = crate::source::floor_char_boundary(&fixed, start.min(fixed.len()));
        let end = crate::source::floor_char_boundary(&fixed, end.min(fixed.len()));
        let line_start = fixed[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = fixed[end..].find('\n').map_or(fixed.len(), |i| end + i);
        match spans.last_mut() {
            Some(last) if line_start <= last.1 + 1 => last.1 = last.1.max(line_end),
            _ => spans.push((line_start, line_end)),
        }
    }
    spans
        .iter()
        .map(|&(start, end)| {
            fixed[start..end]
                .lines()
                .map(|l| l.trim_end_matches('\r'))
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect::<Vec<_>>()
        .join("\n...\n")
}

/// Reports of texts linted with the default options, for the output tests.
#[cfg(test)]
pub(crate) fn linted_reports(texts: &[&str]) -> Vec<FileReport> {
    texts
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let result = crate::lint_result(text, &crate::LintOptions::default()).expect("lint");
            FileReport {
                path: format!("{i}/Dockerfile"),
                text: text.to_string(),
                diagnostics: result.diagnostics,
                class: Some(result.class),
            }
        })
        .collect()
}
