//! SARIF 2.1.0 output for GitHub code scanning and other SARIF consumers.

use std::collections::BTreeMap;

use serde_sarif::sarif;

use super::document::{ArrayFrame, OutputError, array_field, array_item, field};
use super::{FileReport, flagged_lines, positions, relative_path};
use crate::diagnostic::Severity;
use crate::rules::{RULES, Rule};
use crate::source::{LineIndex, TextRange};

/// Where the project and its rule documentation live.
pub const REPOSITORY_URL: &str = "https://github.com/gopherlint/gopherlint";
const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const FINGERPRINT_KEY: &str = "gopherlint/v1";
const SARIF_VERSION: &str = "2.1.0";
/// Columns count UTF-16 code units, as GitHub code scanning reads them.
const COLUMN_KIND: &str = "utf16CodeUnits";

fn level(severity: Severity) -> sarif::ResultLevel {
    match severity {
        Severity::Error => sarif::ResultLevel::Error,
        Severity::Warning => sarif::ResultLevel::Warning,
        Severity::Info => sarif::ResultLevel::Note,
    }
}

/// The paragraph under `## What it does` in a rule doc.
pub fn doc_section<'a>(doc: &'a str, heading: &str) -> Option<&'a str> {
    let start = doc.find(&format!("## {heading}\n"))? + heading.len() + 4;
    let rest = &doc[start..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    Some(rest[..end].trim())
}

fn descriptor(rule: &Rule) -> sarif::ReportingDescriptor {
    let full = doc_section(rule.doc, "What it does").unwrap_or(rule.summary);
    let mut tags = vec!["dockerfile".to_string()];
    if rule.applies_to == crate::rules::SERVICE {
        tags.push("go".to_string());
    }
    sarif::ReportingDescriptor::builder()
        .id(rule.code)
        .name(rule.name)
        .short_description(
            sarif::MultiformatMessageString::builder()
                .text(rule.summary)
                .build(),
        )
        .full_description(
            sarif::MultiformatMessageString::builder()
                .text(full.replace('\n', " "))
                .build(),
        )
        .help(
            sarif::MultiformatMessageString::builder()
                .text(rule.doc)
                .markdown(rule.doc)
                .build(),
        )
        .help_uri(rule.doc_url())
        .default_configuration(
            sarif::ReportingConfiguration::builder()
                .level(serde_json::json!(level(rule.severity)))
                .build(),
        )
        .properties(sarif::PropertyBag::builder().tags(tags).build())
        .build()
}

/// `path` as a URI relative to the working directory, when it is inside it.
fn artifact_location(path: &str) -> sarif::ArtifactLocation {
    match relative_path(path) {
        Some(rel) => sarif::ArtifactLocation::builder()
            .uri(encode_uri_path(&rel))
            .uri_base_id("%SRCROOT%")
            .build(),
        None => sarif::ArtifactLocation::builder()
            .uri(format!("file://{}", encode_uri_path(path)))
            .build(),
    }
}

fn encode_uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn region(report: &FileReport, index: &LineIndex, range: TextRange) -> sarif::Region {
    let (start, end) = positions(report, index, range.start, range.end);
    sarif::Region::builder()
        .start_line(start.line as i64)
        .start_column(start.utf16_column as i64)
        .end_line(end.line as i64)
        .end_column(end.utf16_column as i64)
        .build()
}

/// FNV-1a, 64 bit: stable across runs, platforms and compiler versions.
fn fnv1a(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// Each finding of a report, as it stands in the log's `results` array.
pub(crate) fn sarif_items(report: &FileReport) -> Result<Vec<String>, OutputError> {
    results(report)
        .iter()
        .map(|result| array_item(result, 4))
        .collect()
}

/// A report's findings as SARIF results.
fn results(report: &FileReport) -> Vec<sarif::Result> {
    let mut results = Vec::new();
    {
        let index = report.line_index();
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for d in &report.diagnostics {
            let location = sarif::Location::builder()
                .physical_location(
                    sarif::PhysicalLocation::builder()
                        .artifact_location(artifact_location(&report.path))
                        .region(region(report, &index, d.range))
                        .build(),
                )
                .build();
            let base = fnv1a(&[
                d.code(),
                &report.path,
                &flagged_lines(&report.text, d.range),
            ]);
            let occurrence = seen.entry(base.clone()).or_insert(0);
            *occurrence += 1;
            let fingerprint = format!("{base}:{occurrence}");
            let message = match &d.help {
                Some(help) => format!("{}. Help: {help}", d.message),
                None => d.message.clone(),
            };
            let rule_index = RULES.iter().position(|r| *r == d.rule).unwrap_or(0);
            let mut result = sarif::Result::builder()
                .rule_id(d.code())
                .rule_index(rule_index as i64)
                .level(level(d.severity))
                .message(sarif::Message::builder().text(message).build())
                .locations(vec![location])
                .partial_fingerprints(BTreeMap::from([(FINGERPRINT_KEY.to_string(), fingerprint)]))
                .build();
            if let Some(fix) = &d.fix {
                let replacements = fix
                    .edits
                    .iter()
                    .map(|e| {
                        sarif::Replacement::builder()
                            .deleted_region(region(report, &index, e.range))
                            .inserted_content(
                                sarif::ArtifactContent::builder()
                                    .text(e.replacement.clone())
                                    .build(),
                            )
                            .build()
                    })
                    .collect::<Vec<_>>();
                result.fixes = Some(vec![
                    sarif::Fix::builder()
                        .description(sarif::Message::builder().text(fix.title.clone()).build())
                        .artifact_changes(vec![
                            sarif::ArtifactChange::builder()
                                .artifact_location(artifact_location(&report.path))
                                .replacements(replacements)
                                .build(),
                        ])
                        .build(),
                ]);
            }
            results.push(result);
        }
    }
    results
}

/// The tool and its rules, and the `%SRCROOT%` the relative locations are against.
fn run_parts() -> (
    sarif::Tool,
    Option<BTreeMap<String, sarif::ArtifactLocation>>,
) {
    let driver = sarif::ToolComponent::builder()
        .name("gopherlint")
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .information_uri(REPOSITORY_URL)
        .rules(RULES.iter().map(|r| descriptor(r)).collect::<Vec<_>>())
        .build();
    let src_root = std::env::current_dir().ok().map(|cwd| {
        let root = format!(
            "file://{}/",
            encode_uri_path(&cwd.to_string_lossy()).trim_end_matches('/')
        );
        BTreeMap::from([(
            "%SRCROOT%".to_string(),
            sarif::ArtifactLocation::builder().uri(root).build(),
        )])
    });
    (sarif::Tool::builder().driver(driver).build(), src_root)
}

/// The log around the run's `results` array, field by field in the order SARIF's types
/// serialise them: `$schema`, one run (`columnKind`, `originalUriBaseIds`, the results, `tool`),
/// `version`.
pub(crate) fn sarif_frame() -> Result<ArrayFrame, OutputError> {
    let (tool, src_root) = run_parts();
    let mut before = format!(
        "{{\n{},\n  \"runs\": [\n    {{\n{},\n",
        field(1, "$schema", &SARIF_SCHEMA)?,
        field(3, "columnKind", &COLUMN_KIND)?
    );
    if let Some(root) = &src_root {
        before.push_str(&field(3, "originalUriBaseIds", root)?);
        before.push_str(",\n");
    }
    before.push_str(&array_field(3, "results"));
    let after = format!(
        ",\n{}\n    }}\n  ],\n{}\n}}\n",
        field(3, "tool", &tool)?,
        field(1, "version", &SARIF_VERSION)?
    );
    Ok(ArrayFrame::new(before, 3, &after))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{Format, linted_reports, render};

    /// The log the stream writes is serde-sarif's own rendering of the whole log.
    #[test]
    fn the_written_log_is_what_serde_sarif_writes() {
        let text = "FROM golang:1.23\nRUN go build -o /app .\nENTRYPOINT [\"/app\"]\n";
        for count in 0..=2 {
            let reports = linted_reports(&vec![text; count]);
            let (tool, src_root) = run_parts();
            let mut run = sarif::Run::builder()
                .tool(tool)
                .results(reports.iter().flat_map(results).collect::<Vec<_>>())
                .column_kind(serde_json::json!(COLUMN_KIND))
                .build();
            run.original_uri_base_ids = src_root;
            let log = sarif::Sarif::builder()
                .schema(SARIF_SCHEMA)
                .version(serde_json::json!(SARIF_VERSION))
                .runs(vec![run])
                .build();
            let expected = serde_json::to_string_pretty(&log).expect("json") + "\n";
            assert_eq!(render(Format::Sarif, &reports).expect("render"), expected);
        }
    }
}
