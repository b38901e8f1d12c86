//! One line per finding: `path:line:col: severity[CODE] message`, for editors and grep.

use super::FileReport;

pub fn render_compact(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for report in reports {
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
