//! Edits that take go flags out of a command or of a GOFLAGS value (GL203–GL205). Only words
//! written plainly are edited, and an edit never leaves an empty value or a dangling line
//! continuation behind.

use super::Context;
use crate::diagnostic::Edit;
use crate::knowledge::go_command::{self, GoFlag};
use crate::model::GoBuild;
use crate::source::TextRange;

/// The build's words can be edited: the whole RUN was read and the command is not inside a
/// quoted `sh -c` script.
pub fn editable(build: &GoBuild) -> bool {
    build.script_complete && !build.command.nested
}

/// Deletes argv words `first..=last` of the build's command with the blank that separates
/// them from their neighbours; a word alone on a continued line goes with its line.
pub fn delete_words(ctx: &Context, build: &GoBuild, first: usize, last: usize) -> Option<Edit> {
    if !editable(build) {
        return None;
    }
    let words = build.command.argv.get(first..=last)?;
    if !words.iter().all(|w| w.exact) {
        return None;
    }
    let start = words.first()?.range.start;
    let end = words.last()?.range.end;
    delete_span(ctx, start, end)
}

/// Deletes the flag (name and value words) from the build's command.
pub fn delete_flag(ctx: &Context, build: &GoBuild, flag: &GoFlag) -> Option<Edit> {
    let first = flag.name_word?;
    delete_words(ctx, build, first, flag.value_word.unwrap_or(first))
}

/// Deletes `start..end` (one line of text) and the blank beside it.
fn delete_span(ctx: &Context, start: usize, end: usize) -> Option<Edit> {
    let text = ctx.text;
    if text[start..end].contains('\n') {
        return None;
    }
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    let before = &text[line_start..start];
    let blank_before = before.len() - before.trim_end_matches([' ', '\t']).len();
    let after = &text[end..line_end];
    let blank_after = after.len() - after.trim_start_matches([' ', '\t']).len();
    let next = after[blank_after..].trim_end_matches('\r');
    // Another word before it on the line: take the blank before (`go build -a -o x`).
    if !before.trim().is_empty() && blank_before > 0 {
        return Some(Edit::replace(TextRange::new(start - blank_before, end), ""));
    }
    // First on its line, with more after it: take the blank after.
    let escape = ctx.model.file.escape.to_string();
    if before.trim().is_empty() && blank_after > 0 && !next.is_empty() && next != escape {
        return Some(Edit::replace(TextRange::new(start, end + blank_after), ""));
    }
    // Alone on a continued line: drop the line; the continuation before it carries on.
    if before.trim().is_empty() && next == escape && line_end < text.len() {
        return Some(Edit::replace(TextRange::new(line_start, line_end + 1), ""));
    }
    None
}

/// The value of a command-line flag as written: its range (quotes included) and its text.
/// `None` when the flag name is not written plainly before `=`.
pub fn written_value(ctx: &Context, build: &GoBuild, flag: &GoFlag) -> Option<TextRange> {
    let word = build.command.argv.get(flag.value_word?)?;
    if !word.exact {
        return None;
    }
    if flag.name_word != flag.value_word {
        return Some(word.range);
    }
    let raw = ctx.slice(word.range);
    let eq = raw.find('=')?;
    let name = raw[..eq].trim_start_matches('-');
    if name != flag.name || !raw.starts_with('-') {
        return None;
    }
    Some(TextRange::new(word.range.start + eq + 1, word.range.end))
}

/// The inside of a written value that is one plain string: wholly in single quotes, wholly in
/// double quotes with nothing the shell would read inside, or bare. Returns its range and
/// whether it was quoted. Escapes, command substitutions and mixed quoting give `None`, and so
/// do variables unless `variables` allows them (`${VERSION}`, left as they are by an edit
/// beside them).
pub fn plain_inside(
    ctx: &Context,
    range: TextRange,
    variables: bool,
) -> Option<(TextRange, Option<char>)> {
    let raw = ctx.slice(range);
    let special = |s: &str| {
        s.contains(['\\', '`', '\n']) || s.contains("$(") || (!variables && s.contains('$'))
    };
    for q in ['\'', '"'] {
        if raw.len() >= 2 && raw.starts_with(q) && raw.ends_with(q) {
            let inner = &raw[1..raw.len() - 1];
            if inner.contains(q) || (q == '"' && special(inner)) || inner.contains('\n') {
                return None;
            }
            return Some((TextRange::new(range.start + 1, range.end - 1), Some(q)));
        }
    }
    if special(raw) || raw.contains(['\'', '"', ' ', '\t']) {
        return None;
    }
    Some((range, None))
}

/// Removes GOFLAGS entries from where GOFLAGS is set (`ENV`, `ARG`, an assignment), when the
/// value is written plainly (`GOFLAGS=-a`, `GOFLAGS="-a -mod=vendor"`). An emptied value
/// stays set, as `GOFLAGS=""`, which `go` reads as no flags.
pub fn remove_goflags(
    ctx: &Context,
    build: &GoBuild,
    drop: &dyn Fn(&GoFlag) -> bool,
) -> Option<Edit> {
    let origin = build.goflags_origin?;
    let run = ctx.model.instruction(build.instruction).range;
    if run.contains_range(origin) && !editable(build) {
        return None;
    }
    let raw = ctx.slice(origin);
    let value_at = raw.strip_prefix("GOFLAGS=")?;
    let value_range = TextRange::new(origin.end - value_at.len(), origin.end);
    let (inside, quote) = plain_inside(ctx, value_range, false)?;
    let entries: Vec<&str> = ctx.slice(inside).split_whitespace().collect();
    let parsed = go_command::parse_goflags(ctx.slice(inside));
    if parsed.len() != entries.len() {
        return None;
    }
    let kept: Vec<&str> = entries
        .iter()
        .zip(&parsed)
        .filter(|(_, flag)| !drop(flag))
        .map(|(entry, _)| *entry)
        .collect();
    if kept.len() == entries.len() {
        return None;
    }
    let joined = kept.join(" ");
    let replacement = match quote {
        Some(q) => format!("{q}{joined}{q}"),
        None if kept.len() == 1 => joined,
        None => format!("\"{joined}\""),
    };
    Some(Edit::replace(value_range, replacement))
}
