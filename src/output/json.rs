//! JSON output: a flat, versioned list of findings (schema documented in the README).

use serde::Serialize;

use super::{FileReport, positions};
use crate::diagnostic::{Applicability, Severity};
use crate::source::LineIndex;

/// Bumped on any incompatible change of the JSON shape.
pub const JSON_SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Output<'a> {
    schema_version: u32,
    tool: Tool,
    /// Every file linted, with the class of its image (see the README's "Image classes").
    files: Vec<FileOut<'a>>,
    diagnostics: Vec<Finding<'a>>,
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

pub fn render_json(reports: &[FileReport]) -> String {
    let mut diagnostics = Vec::new();
    for report in reports {
        let index = report.line_index();
        for d in &report.diagnostics {
            diagnostics.push(Finding {
                path: &report.path,
                code: d.code,
                name: d.name,
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
            });
        }
    }
    let output = Output {
        schema_version: JSON_SCHEMA_VERSION,
        tool: Tool {
            name: "gopherlint",
            version: env!("CARGO_PKG_VERSION"),
        },
        files: reports
            .iter()
            .map(|r| FileOut {
                path: &r.path,
                image_class: r.class.map(|c| c.as_str()),
            })
            .collect(),
        diagnostics,
    };
    // Serialising plain owned data cannot fail.
    let mut text = serde_json::to_string_pretty(&output).unwrap_or_default();
    text.push('\n');
    text
}
