//! Inline ignore comments: `# gopherlint ignore=GL005,root-user` on the line(s) directly above
//! an instruction silences those rules for findings inside that instruction;
//! `# gopherlint global ignore=GL004` anywhere silences them for the whole file. A code that
//! silences nothing is reported as GL900 unused-ignore, so stale comments get cleaned up.

use std::collections::HashMap;

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::rules::{self, Rule};
use crate::source::{LineIndex, TextRange};
use crate::syntax::Dockerfile;

#[derive(Debug)]
struct IgnoreCode {
    /// `None` when the text names no rule.
    rule: Option<&'static Rule>,
    text: String,
    used: bool,
}

#[derive(Debug)]
struct IgnoreComment {
    /// The comment line (`#` to the end).
    range: TextRange,
    /// The `GL005,GL006` list.
    list_range: TextRange,
    global: bool,
    codes: Vec<IgnoreCode>,
    /// The instruction a local comment stands directly above.
    target: Option<TextRange>,
}

/// Reads `gopherlint [global] ignore=A,B` from a comment's text (after `#`); returns whether it
/// is global and the byte offset and text of the list within `text`.
fn parse_comment(text: &str) -> Option<(bool, usize, &str)> {
    let body = text.trim_start();
    let mut offset = text.len() - body.len();
    let rest = body.strip_prefix("gopherlint")?;
    offset += "gopherlint".len();
    let trimmed = rest.trim_start();
    if trimmed.len() == rest.len() {
        return None;
    }
    offset += rest.len() - trimmed.len();
    let (global, rest) = match trimmed.strip_prefix("global") {
        Some(after) if after.starts_with(char::is_whitespace) => {
            let t = after.trim_start();
            offset += "global".len() + (after.len() - t.len());
            (true, t)
        }
        _ => (false, trimmed),
    };
    let list = rest.strip_prefix("ignore=")?;
    offset += "ignore=".len();
    let list = list.trim_end();
    Some((global, offset, list))
}

fn collect(file: &Dockerfile, text: &str) -> Vec<IgnoreComment> {
    let index = LineIndex::new(text);
    let mut comments: Vec<IgnoreComment> = Vec::new();
    for comment in &file.comments {
        let line = &text[comment.range.start..comment.range.end];
        let Some(after_hash) = line.strip_prefix('#') else {
            continue;
        };
        let Some((global, offset, list)) = parse_comment(after_hash) else {
            continue;
        };
        let list_start = comment.range.start + 1 + offset;
        let codes = list
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(|c| IgnoreCode {
                rule: rules::find(c),
                text: c.to_string(),
                used: false,
            })
            .collect();
        comments.push(IgnoreComment {
            range: comment.range,
            list_range: TextRange::new(list_start, list_start + list.len()),
            global,
            codes,
            target: None,
        });
    }
    // A local comment applies to the instruction whose first line follows a run of comment
    // lines it belongs to.
    let comment_lines: HashMap<usize, usize> = file
        .comments
        .iter()
        .enumerate()
        .map(|(i, c)| (index.line_of(c.range.start), i))
        .collect();
    let by_range: HashMap<TextRange, usize> = comments
        .iter()
        .enumerate()
        .map(|(i, c)| (c.range, i))
        .collect();
    for instruction in &file.instructions {
        let mut line = index.line_of(instruction.range.start);
        while line > 0 {
            line -= 1;
            let Some(&comment) = comment_lines.get(&line) else {
                break;
            };
            if let Some(&ignore) = by_range.get(&file.comments[comment].range) {
                comments[ignore].target = Some(instruction.range);
            }
        }
    }
    comments
}

/// Removes suppressed diagnostics. Returns the GL900 findings for codes that silenced nothing
/// (codes of rules that are not enabled are not reported).
pub fn apply(
    file: &Dockerfile,
    text: &str,
    diagnostics: &mut Vec<Diagnostic>,
    enabled: &dyn Fn(&Rule) -> bool,
) -> Vec<Diagnostic> {
    let mut comments = collect(file, text);
    if comments.is_empty() {
        return Vec::new();
    }
    diagnostics.retain(|d| {
        let mut suppressed = false;
        for comment in &mut comments {
            let applies = comment.global
                || comment
                    .target
                    .is_some_and(|t| t.start <= d.range.start && d.range.start <= t.end);
            if !applies {
                continue;
            }
            for code in &mut comment.codes {
                if code.rule == Some(d.rule) {
                    code.used = true;
                    suppressed = true;
                }
            }
        }
        !suppressed
    });
    let mut unused = Vec::new();
    for comment in &comments {
        let stale: Vec<&IgnoreCode> = comment
            .codes
            .iter()
            .filter(|c| !c.used && c.rule.is_none_or(enabled))
            .collect();
        if stale.is_empty() {
            continue;
        }
        let kept: Vec<&str> = comment
            .codes
            .iter()
            .filter(|c| c.used || c.rule.is_some_and(|rule| !enabled(rule)))
            .map(|c| c.text.as_str())
            .collect();
        let fix = if kept.is_empty() {
            // Remove the whole comment line, with its line break.
            let start = text[..comment.range.start].rfind('\n').map_or(0, |i| i + 1);
            let end = text[comment.range.end..]
                .find('\n')
                .map_or(text.len(), |i| comment.range.end + i + 1);
            Fix::new(
                "remove the ignore comment",
                Applicability::Safe,
                vec![Edit::replace(TextRange::new(start, end), "")],
            )
        } else {
            Fix::new(
                "remove the unused codes",
                Applicability::Safe,
                vec![Edit::replace(comment.list_range, kept.join(","))],
            )
        };
        let names: Vec<String> = stale.iter().map(|c| format!("`{}`", c.text)).collect();
        let message = if stale.iter().any(|c| c.rule.is_none()) {
            format!("ignore comment names no known rule: {}", names.join(", "))
        } else if !comment.global && comment.target.is_none() {
            format!(
                "ignore comment for {} is not directly above an instruction",
                names.join(", ")
            )
        } else {
            format!(
                "unused ignore: {} reported nothing {}",
                names.join(", "),
                if comment.global {
                    "in this file"
                } else {
                    "here"
                }
            )
        };
        unused.push(
            Diagnostic::new(rules::UNUSED_IGNORE, comment.range, message)
                .with_help("remove stale suppressions so that they do not hide future findings")
                .with_fix(Some(fix)),
        );
    }
    unused
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_syntax() {
        assert_eq!(
            parse_comment(" gopherlint ignore=GL001"),
            Some((false, 19, "GL001"))
        );
        assert_eq!(
            parse_comment(" gopherlint global ignore=GL004, root-user"),
            Some((true, 26, "GL004, root-user"))
        );
        assert_eq!(parse_comment(" gopherlintignore=GL001"), None);
        assert_eq!(parse_comment(" just a comment"), None);
    }
}
