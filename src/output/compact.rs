//! One line per finding: `path:line:col: severity[CODE] message`, for editors and grep.

use super::FileReport;

/// One report's lines.
pub(crate) fn compact_file(report: &FileReport) -> String {
    let mut out = String::new();
    {
        let index = report.line_index();
        for d in &report.diagnostics {
            let pos = index.line_col(&report.text, d.range.start);
            out.push_str(&format!(
                "{}:{}:{}: {}[{}] {}\n",
                report.path,
                pos.line,
                pos.column,
                d.severity,
                d.code(),
                d.message.replace('\n', " ")
            ));
        }
    }
    out
}
