//! Renders diagnostics: human (codespan-reporting), JSON and SARIF. Every format gets the same
//! diagnostics; files come in the order given, findings by position.

mod compact;
mod github;
mod human;
mod json;
mod sarif;
mod stream;

use crate::diagnostic::{Diagnostic, Fix};
use crate::source::{LineCol, LineIndex};

pub use compact::render_compact;
pub use github::render_github;
pub use human::render_human;
pub use json::render_json;
pub use sarif::render_sarif;
pub use stream::{OutputStream, StreamFormat};

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

/// A value as one item of a pretty-printed JSON array nested `depth` levels deep: serde_json's
/// pretty layout, indented to its place, so that documents can be written item by item.
pub(crate) fn array_item<T: serde::Serialize>(value: &T, depth: usize) -> String {
    let indent = "  ".repeat(depth);
    // Serialising plain owned data cannot fail.
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.lines()
        .map(|line| format!("{indent}{line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A pretty-printed JSON document split around one array: what comes before its items (through
/// the `[`), and after them (from the `]`).
#[derive(Debug, Clone)]
pub(crate) struct ArrayFrame {
    pub(crate) before: String,
    pub(crate) after: String,
    /// Indentation of the closing `]` when the array has items.
    close_indent: String,
}

impl ArrayFrame {
    /// Splits `text` at `marker` (`"key": []`, the array written empty), an array at `depth`.
    pub(crate) fn split(text: &str, marker: &str, depth: usize) -> ArrayFrame {
        let (head, tail) = text.split_once(marker).unwrap_or((text, ""));
        ArrayFrame {
            before: format!("{head}{}", marker.trim_end_matches(']')),
            after: format!("]{tail}\n"),
            close_indent: "  ".repeat(depth),
        }
    }

    /// What separates the items from what comes before them, for the `n`th item (0-based).
    pub(crate) fn separator(n: usize) -> &'static str {
        if n == 0 { "\n" } else { ",\n" }
    }

    /// What closes the array after `count` items.
    pub(crate) fn close(&self, count: usize) -> String {
        if count == 0 {
            self.after.clone()
        } else {
            format!("\n{}{}", self.close_indent, self.after)
        }
    }

    /// The whole document with these items.
    pub(crate) fn wrap(&self, items: &[String]) -> String {
        let mut out = self.before.clone();
        for (n, item) in items.iter().enumerate() {
            out.push_str(Self::separator(n));
            out.push_str(item);
        }
        out.push_str(&self.close(items.len()));
        out
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
