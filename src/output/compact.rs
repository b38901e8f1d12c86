//! One line per finding: `path:line:col: severity[CODE] message`, for editors and grep.

use std::fmt::Write;

use super::FileReport;

/// One report's lines, written into one buffer (no string per finding: the output is written
/// by one thread while the others lint, so its cost is not shared).
pub(crate) fn compact_file(report: &FileReport) -> String {
    let mut out = String::with_capacity(
        report
            .diagnostics
            .iter()
            .map(|d| report.path.len() + d.message.len() + 32)
            .sum(),
    );
    let index = report.line_index();
    for d in &report.diagnostics {
        let pos = index.line_col(&report.text, d.range.start);
        // Writing into a String cannot fail.
        let _ = write!(
            out,
            "{}:{}:{}: {}[{}] ",
            report.path,
            pos.line,
            pos.column,
            d.severity,
            d.code()
        );
        for (i, line) in d.message.split('\n').enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}
