//! Edits that remove text from an instruction: a whole instruction with its line, an ENV pair,
//! a word, a command of a RUN. Each checks that what it removes is only what it means to remove
//! (no comment inside a continuation, no redirection or shell keyword) and returns `None`
//! otherwise, so a fix is offered only where the result is certain.

use super::Context;
use crate::diagnostic::Edit;
use crate::source::TextRange;
use crate::syntax::KeyValue;

/// The whole instruction, from the start of its first line through the line ending of its
/// last: nothing is left behind, not even a continuation.
pub(crate) fn delete_instruction(ctx: &Context, index: usize) -> Option<Edit> {
    let instruction = ctx.model.instruction(index);
    let range = instruction.range;
    let line_start = ctx.text[..range.start].rfind('\n').map_or(0, |i| i + 1);
    if !ctx.text[line_start..range.start]
        .chars()
        .all(|c| c == ' ' || c == '\t')
    {
        return None;
    }
    let rest = &ctx.text[range.end..];
    let trailing = rest.len() - rest.trim_start_matches([' ', '\t', '\r']).len();
    let after = &rest[trailing..];
    let end = if after.starts_with('\n') {
        range.end + trailing + 1
    } else if after.is_empty() {
        range.end + trailing
    } else {
        return None;
    };
    Some(Edit::replace(
        TextRange::new(line_start, end),
        String::new(),
    ))
}

/// Whether `text` holds nothing but blanks and line continuations (no comment line).
pub(crate) fn is_blank(ctx: &Context, text: &str) -> bool {
    let escape = ctx.model.file.escape;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\r' | '\n' => {}
            c if c == escape => {
                // Only as a line continuation.
                while chars
                    .peek()
                    .is_some_and(|c| *c == ' ' || *c == '\t' || *c == '\r')
                {
                    chars.next();
                }
                if chars.next() != Some('\n') {
                    return false;
                }
            }
            _ => return false,
        }
    }
    true
}

/// Whether `text` is one `&&` or `;` between blanks and line continuations.
pub(crate) fn is_separator(ctx: &Context, text: &str) -> bool {
    let trimmed = text.trim_matches(|c: char| c.is_whitespace());
    for separator in ["&&", ";"] {
        if let Some(at) = text.find(separator)
            && trimmed.starts_with(separator)
            && is_blank(ctx, &text[..at])
            && is_blank(ctx, &text[at + separator.len()..])
        {
            return true;
        }
    }
    false
}

/// Pair `index` of an ENV with several `key=value` pairs, with the blank that joins it to its
/// neighbour.
pub(crate) fn delete_env_pair(ctx: &Context, pairs: &[KeyValue], index: usize) -> Option<Edit> {
    let pair = pairs.get(index)?;
    if pairs.len() < 2 || !pairs.iter().all(|p| p.equals) {
        return None;
    }
    let range = pair.key.range.cover(pair.value.range);
    let removed = if let Some(next) = pairs.get(index + 1) {
        TextRange::new(range.start, next.key.range.start)
    } else {
        let previous = &pairs[index - 1];
        TextRange::new(previous.value.range.end, range.end)
    };
    let gap = if removed.start == range.start {
        &ctx.text[range.end..removed.end]
    } else {
        &ctx.text[removed.start..range.start]
    };
    (!gap.is_empty() && is_blank(ctx, gap)).then(|| Edit::replace(removed, String::new()))
}
