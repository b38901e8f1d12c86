//! JSON output: a flat, versioned list of findings (schema documented in the README).

use serde::Serialize;

use super::{FileReport, positions};
use crate::diagnostic::{Applicability, Severity};
use crate::source::LineIndex;

/// Bumped on any incompatible change of the JSON shape.
pub const JSON_SCHEMA_VERSION: u32 = 1;

/// The document. `diagnostics` comes before `files` so that findings can be written as each
/// file is linted, with only the short list of files kept to the end.
#[derive(Serialize)]
struct Output<'a> {
    schema_version: u32,
    tool: Tool,
    diagnostics: Vec<Finding<'a>>,
    /// Every file linted, with the class of its image (see the README's "Image classes").
    files: Vec<FileOut<'a>>,
}

#[derive(Serialize)]
struct FileOut<'a> {
    path: &'a str,
    image_class: Option<&'static str>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Position {
    line: usize,
    column: usize,
    offset: usize,
}

#[derive(Serialize)]
struct Range {
    start: Position,
    end: Position,
}

#[derive(Serialize)]
struct Finding<'a> {
    path: &'a str,
    code: &'a str,
    name: &'a str,
    severity: Severity,
    message: &'a str,
    range: Range,
    help: Option<&'a str>,
    labels: Vec<LabelOut<'a>>,
    fix: Option<FixOut<'a>>,
}

#[derive(Serialize)]
struct LabelOut<'a> {
    message: &'a str,
    range: Range,
}

#[derive(Serialize)]
struct FixOut<'a> {
    title: &'a str,
    applicability: Applicability,
    edits: Vec<EditOut<'a>>,
}

#[derive(Serialize)]
struct EditOut<'a> {
    range: Range,
    replacement: &'a str,
}

fn range(report: &FileReport, index: &LineIndex, r: crate::source::TextRange) -> Range {
    let (start, end) = positions(report, index, r.start, r.end);
    Range {
        start: Position {
            line: start.line,
            column: start.column,
            offset: r.start,
        },
        end: Position {
            line: end.line,
            column: end.column,
            offset: r.end,
        },
    }
}

/// Each finding of a report, as it stands in the document's `diagnostics` array.
pub(crate) fn json_items(report: &FileReport) -> Vec<String> {
    let index = report.line_index();
    report
        .diagnostics
        .iter()
        .map(|d| Finding {
            path: &report.path,
            code: d.code(),
            name: d.name(),
            severity: d.severity,
            message: &d.message,
            range: range(report, &index, d.range),
            help: d.help.as_deref(),
            labels: d
                .labels
                .iter()
                .map(|l| LabelOut {
                    message: &l.message,
                    range: range(report, &index, l.range),
                })
                .collect(),
            fix: d.fix.as_ref().map(|f| FixOut {
                title: &f.title,
                applicability: f.applicability,
                edits: f
                    .edits
                    .iter()
                    .map(|e| EditOut {
                        range: range(report, &index, e.range),
                        replacement: &e.replacement,
                    })
                    .collect(),
            }),
        })
        .map(|finding| super::array_item(&finding, 2))
        .collect()
}

/// The document around the `diagnostics` array: the text before its items and the text after
/// them, with the files (path and image class) listed.
pub(crate) fn json_frame(files: &[(String, Option<&'static str>)]) -> super::ArrayFrame {
    let output = Output {
        schema_version: JSON_SCHEMA_VERSION,
        tool: Tool {
            name: "gopherlint",
            version: env!("CARGO_PKG_VERSION"),
        },
        diagnostics: Vec::new(),
        files: files
            .iter()
            .map(|(path, class)| FileOut {
                path,
                image_class: *class,
            })
            .collect(),
    };
    // Serialising plain owned data cannot fail.
    let text = serde_json::to_string_pretty(&output).unwrap_or_default();
    super::ArrayFrame::split(&text, "\"diagnostics\": []", 1)
}

/// The document as the stream writes it, in two frames: the first around the `diagnostics`
/// items (its closing runs through the opening of `files`), the second around the `files`
/// items (its opening is empty).
pub(crate) fn json_stream_frames() -> (super::ArrayFrame, super::ArrayFrame) {
    let empty = json_frame(&[]);
    let files = super::ArrayFrame::split(empty.after.trim_end_matches('\n'), "\"files\": []", 1);
    let diagnostics = super::ArrayFrame {
        after: files.before,
        ..empty
    };
    let files = super::ArrayFrame {
        before: String::new(),
        ..files
    };
    (diagnostics, files)
}

/// A report's entry in the `files` array.
pub(crate) fn json_file_item(report: &FileReport) -> String {
    super::array_item(
        &FileOut {
            path: &report.path,
            image_class: report.class.map(|c| c.as_str()),
        },
        2,
    )
}

pub fn render_json(reports: &[FileReport]) -> String {
    let items: Vec<String> = reports.iter().flat_map(json_items).collect();
    let files: Vec<(String, Option<&'static str>)> = reports
        .iter()
        .map(|r| (r.path.clone(), r.class.map(|c| c.as_str())))
        .collect();
    json_frame(&files).wrap(&items)
}
