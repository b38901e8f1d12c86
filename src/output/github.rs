//! GitHub Actions workflow commands: one annotation per finding.

use super::FileReport;
use crate::diagnostic::Severity;

/// Escapes a workflow command's message.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command property value.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// One report's annotations.
pub(crate) fn github_file(report: &FileReport) -> String {
    let mut out = String::new();
    {
        let index = report.line_index();
        for d in &report.diagnostics {
            let (start, end) = super::positions(report, &index, d.range.start, d.range.end);
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            out.push_str(&format!(
                "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
                escape_property(&report.path),
                start.line,
                start.column,
                end.line,
                end.column,
                escape_property(&format!("{} {}", d.code(), d.name())),
                escape_data(&d.message),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_actions_toolkit() {
        assert_eq!(escape_data("50%\nnext"), "50%25%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
