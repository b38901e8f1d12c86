//! GitLab Code Quality: a JSON array of issues in the subset of the Code Climate format that
//! GitLab reads from a job's `artifacts: reports: codequality` file, for the merge request
//! widget, the changes view and the pipeline's Code Quality tab.
//!
//! GitLab keeps one issue per fingerprint (two issues with the same fingerprint show as one)
//! and compares the fingerprints of a merge request's pipeline with the target branch's: an
//! issue whose fingerprint changes shows as fixed and new. So a fingerprint is unique in a
//! report and stays the same from run to run while the flagged line does.

use std::collections::HashMap;
use std::fmt::Write;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::document::{ArrayFrame, OutputError, array_item};
use super::{FileReport, flagged_lines, positions, relative_path};
use crate::diagnostic::{Diagnostic, Severity};

/// Names the fingerprints' recipe and is hashed with them: a change of recipe is a new name,
/// and every fingerprint changes with it once, on purpose.
const FINGERPRINT_SCHEME: &str = "gopherlint/gitlab/v1";

/// One issue. GitLab reads `description`, `check_name`, `fingerprint`, `severity` and
/// `location` (and ignores the rest); `type` and `categories` are what the Code Climate
/// specification requires besides, for the other tools that read these reports.
#[derive(Serialize)]
struct Issue<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    description: String,
    check_name: &'static str,
    categories: &'static [&'static str],
    fingerprint: String,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

/// 1-based, inclusive.
#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

/// GitLab's severities are `info`, `minor`, `major`, `critical` and `blocker`; the widget sorts
/// and marks issues by them. An error is an image that fails to build or run, or runs the
/// toolchain in production: `critical`, above anything style checkers report, and `blocker`
/// left for what stops a whole pipeline. A warning is a real defect to fix in review (root,
/// a floating base, credentials in a layer): `major`. Info is advice that may not apply:
/// `info`. Nothing of ours is `minor`: between advice and a defect there is no third level.
fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "critical",
        Severity::Warning => "major",
        Severity::Info => "info",
    }
}

/// The Code Climate categories of a rule's findings (`Bug Risk`, `Clarity`, `Compatibility`,
/// `Complexity`, `Duplication`, `Performance`, `Security`, `Style`), from what its doc says
/// the problem costs: a failed build or start is a bug risk, size and build time are
/// performance, what an attacker or a tampered download gains is security, noise that
/// changes nothing is clarity. `None` for a rule this table does not know (a test keeps it
/// complete).
fn categories(code: &str) -> Option<&'static [&'static str]> {
    const BUG: &[&str] = &["Bug Risk"];
    const SPEED: &[&str] = &["Performance"];
    const SECURITY: &[&str] = &["Security"];
    const CLARITY: &[&str] = &["Clarity"];
    const SIZE_AND_SURFACE: &[&str] = &["Performance", "Security"];
    const OUTDATED: &[&str] = &["Bug Risk", "Compatibility"];
    Some(match code {
        // The image cannot be built, or fails at start or at its first TLS or time zone call.
        "GL000" | "GL004" | "GL006" | "GL101" | "GL102" | "GL103" | "GL105" | "GL106" | "GL108"
        | "GL207" | "GL208" => BUG,
        // The toolchain, sources, a full OS or the build's inputs ship: megabytes, and what
        // a compromise can use.
        "GL001" | "GL002" | "GL107" => SIZE_AND_SURFACE,
        // Size, start-up, build time and cache reuse.
        "GL003" | "GL204" | "GL209" | "GL210" | "GL213" | "GL301" | "GL302" | "GL303" | "GL304"
        | "GL305" => SPEED,
        // Root, recorded build paths, unverified or floating inputs, credentials in layers.
        "GL005" | "GL206" | "GL401" | "GL402" | "GL403" | "GL404" | "GL405" => SECURITY,
        // Kubernetes' runAsNonRoot refuses a user name: it cannot tell whether it is root.
        "GL104" => &["Compatibility", "Security"],
        // Commands and tools the Go releases in use no longer run as the file expects.
        "GL201" | "GL202" | "GL212" => OUTDATED,
        // Flags, settings and installs that change nothing, and ignore comments that hide
        // nothing.
        "GL203" | "GL205" | "GL211" | "GL214" | "GL900" => CLARITY,
        _ => return None,
    })
}

/// SHA-256 (FIPS 180-4), in lowercase hex, of the parts in order, each preceded by its length
/// in bytes as an 8-byte little-endian number, so that no two lists of parts hash the same
/// bytes. A documented algorithm, never Rust's `DefaultHasher`, whose output may change
/// between compiler releases.
fn fingerprint(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    let mut hex = String::with_capacity(64);
    for byte in hasher.finalize() {
        // Writing into a String cannot fail.
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// The issue's one-line description: the code, for `gopherlint --explain`, then the message.
/// The Code Climate format wants a single line; a message's line breaks become spaces.
fn description(d: &Diagnostic) -> String {
    let mut out = format!("{}: ", d.code());
    for (i, line) in d.message.lines().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

/// Each finding of a report, as it stands in the report's array.
pub(crate) fn gitlab_items(report: &FileReport) -> Result<Vec<String>, OutputError> {
    // GitLab links an issue to `path` in the repository: relative to where CI runs gopherlint,
    // its checkout; a path outside it is kept as gopherlint reports it.
    let path = relative_path(&report.path).unwrap_or_else(|| report.path.clone());
    issues(report, &path)
        .iter()
        .map(|issue| array_item(issue, 1))
        .collect()
}

/// A report's findings as issues. A fingerprint hashes the path, the code and the flagged
/// lines with whitespace collapsed, so lines added or removed elsewhere leave it alone; and
/// the finding's place among the report's findings of that code on those same lines (1 for
/// the first), so findings that share all three stay apart.
fn issues<'a>(report: &FileReport, path: &'a str) -> Vec<Issue<'a>> {
    let index = report.line_index();
    let mut seen: HashMap<(&str, String), usize> = HashMap::new();
    report
        .diagnostics
        .iter()
        .map(|d| {
            let (start, end) = positions(report, &index, d.range.start, d.range.end);
            // A range that ends just after a line break ends on the line before.
            let end_line = if end.line > start.line && end.column == 1 {
                end.line - 1
            } else {
                end.line
            };
            let lines = flagged_lines(&report.text, d.range);
            let occurrence = seen.entry((d.code(), lines.clone())).or_insert(0);
            *occurrence += 1;
            let occurrence = occurrence.to_string();
            Issue {
                kind: "issue",
                description: description(d),
                check_name: d.code(),
                // The format requires a category: a rule missing from the table (a test forbids
                // it) still gets one.
                categories: categories(d.code()).unwrap_or(&["Bug Risk"]),
                fingerprint: fingerprint(&[
                    FINGERPRINT_SCHEME,
                    path,
                    d.code(),
                    &lines,
                    &occurrence,
                ]),
                severity: severity(d.severity),
                location: Location {
                    path,
                    lines: Lines {
                        begin: start.line,
                        end: end_line,
                    },
                },
            }
        })
        .collect()
}

/// The report around its issues: a bare array, `[]` when there is none.
pub(crate) fn gitlab_frame() -> ArrayFrame {
    ArrayFrame::new("[".to_string(), 0, "\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{Format, linted_reports, render};
    use crate::rules::RULES;

    /// The report the stream writes is serde_json's own rendering of the whole array.
    #[test]
    fn the_written_report_is_what_serde_json_writes() {
        let texts = [
            "FROM golang:1.23\nRUN go build -o /app .\nENTRYPOINT [\"/app\"]\n",
            "FROM scratch\nCOPY app /app\nUSER 65532\nENTRYPOINT [\"/app\"]\n",
        ];
        for count in 0..=texts.len() {
            let reports = linted_reports(&texts[..count]);
            let written = render(Format::Gitlab, &reports).expect("render");
            let whole: Vec<Issue> = reports.iter().flat_map(|r| issues(r, &r.path)).collect();
            let expected = serde_json::to_string_pretty(&whole).expect("json") + "\n";
            assert_eq!(written, expected);
        }
        assert_eq!(render(Format::Gitlab, &[]).expect("render"), "[]\n");
    }

    /// The recipe is pinned: a fingerprint that changed would show every finding of every
    /// project as fixed and new at once.
    #[test]
    fn the_fingerprint_recipe_is_pinned() {
        // SHA-256 of the empty input, a published test vector. The second value was computed
        // apart, with Python's hashlib and struct.pack("<Q", len) before each part.
        assert_eq!(
            fingerprint(&[]),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            fingerprint(&[
                FINGERPRINT_SCHEME,
                "Dockerfile",
                "GL003",
                "RUN go build -o /app .",
                "1"
            ]),
            "8108daa57eff0d540ca0e2c28d06502365acb17bcf77d9dcf2d2f23b02049aa9"
        );
        // Lengths keep parts apart: moving a byte from one part to the next changes the hash.
        assert_ne!(fingerprint(&["ab", "c"]), fingerprint(&["a", "bc"]));
    }

    #[test]
    fn every_rule_has_its_categories() {
        const VALID: &[&str] = &[
            "Bug Risk",
            "Clarity",
            "Compatibility",
            "Complexity",
            "Duplication",
            "Performance",
            "Security",
            "Style",
        ];
        for rule in RULES {
            let categories = categories(rule.code)
                .unwrap_or_else(|| panic!("{}: no Code Climate category", rule.code));
            assert!(!categories.is_empty(), "{}", rule.code);
            for category in categories {
                assert!(VALID.contains(category), "{}: {category}", rule.code);
            }
        }
    }

    #[test]
    fn descriptions_are_one_line_with_the_code() {
        let reports =
            linted_reports(&["FROM golang:1.23\nRUN go build -o /app .\nENTRYPOINT [\"/app\"]\n"]);
        let d = reports[0].diagnostics.first().expect("a finding");
        let mut multiline = d.clone();
        multiline.message = "first\nsecond".into();
        assert_eq!(
            description(&multiline),
            format!("{}: first second", d.code())
        );
    }
}
