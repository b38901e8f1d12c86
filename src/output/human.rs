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

/// What the summary line counts.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Counts {
    errors: usize,
    warnings: usize,
    infos: usize,
    fixable: usize,
    files: usize,
}

impl Counts {
    pub(crate) fn add(&mut self, other: &Counts) {
        self.errors += other.errors;
        self.warnings += other.warnings;
        self.infos += other.infos;
        self.fixable += other.fixable;
        self.files += other.files;
    }
}

/// One report's findings with their snippets; adds them to `counts`.
pub(crate) fn render_human_file(report: &FileReport, color: bool, counts: &mut Counts) -> String {
    let mut buffer = if color {
        Buffer::ansi()
    } else {
        Buffer::no_color()
    };
    let config = Config::default();
    let mut files = SimpleFiles::new();
    counts.files += 1;
    let id = files.add(report.path.as_str(), report.text.as_str());
    for d in &report.diagnostics {
        match d.severity {
            Severity::Error => counts.errors += 1,
            Severity::Warning => counts.warnings += 1,
            Severity::Info => counts.infos += 1,
        }
        let mut labels =
            vec![Label::primary(id, d.range.start..d.range.end).with_message(d.name())];
        labels.extend(
            d.labels
                .iter()
                .map(|l| Label::secondary(id, l.range.start..l.range.end).with_message(&l.message)),
        );
        let mut notes = Vec::new();
        if let Some(help) = &d.help {
            notes.push(format!("help: {help}"));
        }
        if let Some(fix) = &d.fix {
            let kind = match fix.applicability {
                Applicability::Safe => {
                    counts.fixable += 1;
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
            .with_code(d.code())
            .with_message(&d.message)
            .with_labels(labels)
            .with_notes(notes);
        // The file is in memory and every range comes from its own text.
        if term::emit_to_write_style(&mut buffer, &config, &files, &diagnostic).is_err() {
            continue;
        }
    }
    String::from_utf8_lossy(buffer.as_slice()).into_owned()
}

/// The closing line: what was found, or that nothing was.
pub(crate) fn human_summary(counts: &Counts) -> String {
    let mut out = String::new();
    let Counts {
        errors,
        warnings,
        infos,
        fixable,
        files,
    } = *counts;
    let total = errors + warnings + infos;
    if total == 0 {
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
