//! Terminal output with source snippets (codespan-reporting).

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity as CsSeverity};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, Config, termcolor::Buffer};

use super::{FileReport, fix_preview};
use crate::diagnostic::{Applicability, Severity};

fn severity(severity: Severity) -> CsSeverity {
    match severity {
        Severity::Error => CsSeverity::Error,
        Severity::Warning => CsSeverity::Warning,
        Severity::Info => CsSeverity::Note,
    }
}

/// Renders every report, then a summary line.
pub fn render_human(reports: &[FileReport], color: bool) -> String {
    let mut buffer = if color {
        Buffer::ansi()
    } else {
        Buffer::no_color()
    };
    let config = Config::default();
    let mut files = SimpleFiles::new();
    let (mut errors, mut warnings, mut infos, mut fixable) = (0, 0, 0, 0);
    for report in reports {
        let id = files.add(report.path.as_str(), report.text.as_str());
        for d in &report.diagnostics {
            match d.severity {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
                Severity::Info => infos += 1,
            }
            let mut labels =
                vec![Label::primary(id, d.range.start..d.range.end).with_message(d.name)];
            labels.extend(d.labels.iter().map(|l| {
                Label::secondary(id, l.range.start..l.range.end).with_message(&l.message)
            }));
            let mut notes = Vec::new();
            if let Some(help) = &d.help {
                notes.push(format!("help: {help}"));
            }
            if let Some(fix) = &d.fix {
                let kind = match fix.applicability {
                    Applicability::Safe => {
                        fixable += 1;
                        "safe fix"
                    }
                    Applicability::Unsafe => "unsafe fix",
                    Applicability::DisplayOnly => "suggestion",
                };
                let preview = fix_preview(&report.text, fix);
                let indented: Vec<String> = preview.lines().map(|l| format!("    {l}")).collect();
                notes.push(format!("{kind}: {}\n{}", fix.title, indented.join("\n")));
            }
            let diagnostic = CsDiagnostic::new(severity(d.severity))
                .with_code(d.code)
                .with_message(&d.message)
                .with_labels(labels)
                .with_notes(notes);
            // The files are in memory and every range comes from their own text.
            if term::emit_to_write_style(&mut buffer, &config, &files, &diagnostic).is_err() {
                continue;
            }
        }
    }
    let mut out = String::from_utf8_lossy(buffer.as_slice()).into_owned();
    let total = errors + warnings + infos;
    if total == 0 {
        let files = reports.len();
        out.push_str(&format!(
            "No problems found in {files} file{}.\n",
            if files == 1 { "" } else { "s" }
        ));
    } else {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        let counts: Vec<String> = [(errors, "error"), (warnings, "warning"), (infos, "info")]
            .into_iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, word)| {
                if word == "info" {
                    format!("{n} info")
                } else {
                    plural(n, word)
                }
            })
            .collect();
        out.push_str(&format!(
            "Found {}: {}.",
            plural(total, "problem"),
            counts.join(", ")
        ));
        if fixable > 0 {
            out.push_str(&format!(" {fixable} with a safe fix."));
        }
        out.push('\n');
    }
    out
}
