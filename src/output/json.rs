//! JSON output: a flat, versioned list of findings (schema documented in the README).

use serde::Serialize;

use super::document::{ArrayFrame, OutputError, array_field, array_item, field};
use super::{FileReport, positions};
use crate::diagnostic::{Applicability, Severity};
use crate::source::LineIndex;

/// Bumped on any incompatible change of the JSON shape.
pub const JSON_SCHEMA_VERSION: u32 = 1;

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
pub(crate) fn json_items(report: &FileReport) -> Result<Vec<String>, OutputError> {
    findings(report)
        .iter()
        .map(|finding| array_item(finding, 2))
        .collect()
}

/// A report's findings as the document writes them.
fn findings(report: &FileReport) -> Vec<Finding<'_>> {
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
        .collect()
}

/// The document in two frames, as the stream writes it: `{`, the schema version and the tool,
/// then the `diagnostics` array; the `files` array closes it (every file is known only at the
/// end). The second frame's opening is the first one's closing.
pub(crate) fn json_frames() -> Result<(ArrayFrame, ArrayFrame), OutputError> {
    let tool = Tool {
        name: "gopherlint",
        version: env!("CARGO_PKG_VERSION"),
    };
    let head = format!(
        "{{\n{},\n{},\n{}",
        field(1, "schema_version", &JSON_SCHEMA_VERSION)?,
        field(1, "tool", &tool)?,
        array_field(1, "diagnostics")
    );
    let diagnostics = ArrayFrame::new(head, 1, &format!(",\n{}", array_field(1, "files")));
    let files = ArrayFrame::new(String::new(), 1, "\n}\n");
    Ok((diagnostics, files))
}

/// A report's entry in the `files` array.
pub(crate) fn json_file_item(report: &FileReport) -> Result<String, OutputError> {
    array_item(
        &FileOut {
            path: &report.path,
            image_class: report.class.map(|c| c.as_str()),
        },
        2,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{Format, linted_reports, render};

    /// The whole document, as one value (the schema the README documents).
    #[derive(Serialize)]
    struct Document<'a> {
        schema_version: u32,
        tool: Tool,
        diagnostics: Vec<Finding<'a>>,
        files: Vec<FileOut<'a>>,
    }

    /// The document the stream writes is serde_json's own rendering of the whole document.
    #[test]
    fn the_written_document_is_what_serde_json_writes() {
        let texts = [
            "FROM golang:1.23\nRUN go build -o /app .\nENTRYPOINT [\"/app\"]\n",
            "FROM scratch\nCOPY app /app\nUSER 65532\nENTRYPOINT [\"/app\"]\n",
        ];
        for count in 0..=texts.len() {
            let reports = linted_reports(&texts[..count]);
            let written = render(Format::Json, &reports).expect("render");
            let whole = Document {
                schema_version: JSON_SCHEMA_VERSION,
                tool: Tool {
                    name: "gopherlint",
                    version: env!("CARGO_PKG_VERSION"),
                },
                diagnostics: reports.iter().flat_map(findings).collect(),
                files: reports
                    .iter()
                    .map(|r| FileOut {
                        path: &r.path,
                        image_class: r.class.map(|c| c.as_str()),
                    })
                    .collect(),
            };
            let expected = serde_json::to_string_pretty(&whole).expect("json") + "\n";
            assert_eq!(written, expected);
        }
    }
}
