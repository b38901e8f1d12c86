//! Code actions: a quick fix per fixable finding (unsafe ones marked so, never preferred), a
//! comment that silences a finding's rule on its instruction, and `source.fixAll.gopherlint`,
//! the safe fixes applied until none is left (as `gopherlint --fix`).

use std::collections::HashMap;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Range, TextEdit, Uri, WorkspaceEdit,
};

use super::diagnostics::to_lsp;
use super::position::Positions;
use crate::LintOptions;
use crate::diagnostic::{Applicability, Diagnostic};
use crate::fix::FixMode;
use crate::source::TextRange;

/// The kind of the fix-everything action, under the protocol's `source.fixAll`.
pub const FIX_ALL: &str = "source.fixAll.gopherlint";

/// What a code action request is about.
pub struct Request<'a> {
    pub uri: &'a Uri,
    pub text: &'a str,
    pub options: &'a LintOptions,
    pub diagnostics: &'a [Diagnostic],
    /// The range the client asks about, in bytes.
    pub range: TextRange,
    /// The kinds the client wants (`None`: any).
    pub only: Option<&'a [CodeActionKind]>,
}

/// A kind is wanted when the client asks for it or for a kind it falls under
/// (`source.fixAll` takes `source.fixAll.gopherlint`).
fn wanted(only: Option<&[CodeActionKind]>, kind: &str) -> bool {
    only.is_none_or(|kinds| {
        kinds.iter().any(|k| {
            let k = k.as_str();
            kind == k
                || kind
                    .strip_prefix(k)
                    .is_some_and(|rest| rest.starts_with('.'))
        })
    })
}

fn edit(uri: &Uri, edits: Vec<TextEdit>) -> WorkspaceEdit {
    WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        ..WorkspaceEdit::default()
    }
}

/// The ranges touch: an empty request range (a cursor) at a finding's edge counts.
fn touches(a: TextRange, b: TextRange) -> bool {
    a.start <= b.end && b.start <= a.end
}

pub fn actions(request: &Request, positions: &Positions) -> Vec<CodeActionOrCommand> {
    let mut out = Vec::new();
    let quickfix = wanted(request.only, CodeActionKind::QUICKFIX.as_str());
    let here: Vec<&Diagnostic> = request
        .diagnostics
        .iter()
        .filter(|d| touches(d.range, request.range))
        .collect();
    if quickfix {
        for d in &here {
            let Some(fix) = d
                .fix
                .as_ref()
                .filter(|f| f.applicability != Applicability::DisplayOnly)
            else {
                continue;
            };
            let safe = fix.applicability == Applicability::Safe;
            let edits = fix
                .edits
                .iter()
                .map(|e| TextEdit::new(positions.range(e.range), e.replacement.clone()))
                .collect();
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!(
                    "{}: {}{}",
                    d.code(),
                    fix.title,
                    if safe { "" } else { " (unsafe fix: review it)" }
                ),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![to_lsp(d, request.uri, positions)]),
                edit: Some(edit(request.uri, edits)),
                // An unsafe fix may change what the image does: never the one applied
                // without a look.
                is_preferred: Some(safe),
                ..CodeAction::default()
            }));
        }
        let file = crate::syntax::parse(request.text);
        let mut silenced: Vec<(&str, usize)> = Vec::new();
        for d in &here {
            let Some(at) = ignore_comment_at(request.text, &file, d.range.start) else {
                continue;
            };
            if silenced.contains(&(d.code(), at)) {
                continue;
            }
            silenced.push((d.code(), at));
            let indent: String = request.text[at..]
                .chars()
                .take_while(|c| *c == ' ' || *c == '\t')
                .collect();
            let comment = format!("{indent}# gopherlint ignore={}\n", d.code());
            let position = positions.position(at);
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("{}: ignore it on this instruction", d.code()),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![to_lsp(d, request.uri, positions)]),
                edit: Some(edit(
                    request.uri,
                    vec![TextEdit::new(Range::new(position, position), comment)],
                )),
                is_preferred: Some(false),
                ..CodeAction::default()
            }));
        }
    }
    if wanted(request.only, FIX_ALL)
        && request.diagnostics.iter().any(|d| {
            d.fix
                .as_ref()
                .is_some_and(|f| f.applicability == Applicability::Safe)
        })
        && let Ok(fixed) = crate::fix::fix(request.text, request.options, FixMode::Safe)
        && fixed.text != request.text
    {
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: format!("gopherlint: apply {} safe fixes", fixed.applied),
            kind: Some(CodeActionKind::new(FIX_ALL)),
            edit: Some(edit(
                request.uri,
                vec![TextEdit::new(positions.whole(), fixed.text)],
            )),
            ..CodeAction::default()
        }));
    }
    out
}

/// Where a `# gopherlint ignore=` comment for a finding at `offset` goes: the start of the
/// line of the instruction that holds it (a comment silences the instruction directly below
/// it). `None` for a finding outside every instruction.
fn ignore_comment_at(text: &str, file: &crate::syntax::Dockerfile, offset: usize) -> Option<usize> {
    let instruction = file
        .instructions
        .iter()
        .find(|i| i.range.start <= offset && offset <= i.range.end)?;
    let start = instruction.range.start.min(text.len());
    Some(text[..start].rfind('\n').map_or(0, |i| i + 1))
}
