//! Tiltfiles: `docker_build(...)` calls. Tilt exists for local development, so every image it
//! builds is a development build.

use std::path::Path;

use super::{BuildConfig, ConfigKind, join_rel, normalize};

/// The text of a call's arguments: from after `(` to its matching `)`, strings respected.
fn call_arguments(text: &str) -> Option<&str> {
    let mut depth = 1usize;
    let mut quote: Option<char> = None;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '(' | '[' | '{') => depth += 1,
            (None, ')' | ']' | '}') => {
                depth -= 1;
                if depth == 0 {
                    return Some(&text[..i]);
                }
            }
            _ => {}
        }
    }
    None
}

/// Splits arguments at top-level commas.
fn split_arguments(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut quote, mut start) = (0usize, None, 0usize);
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '(' | '[' | '{') => depth += 1,
            (None, ')' | ']' | '}') => depth = depth.saturating_sub(1),
            (None, ',') if depth == 0 => {
                parts.push(text[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(text[start..].trim());
    parts.retain(|p| !p.is_empty());
    parts
}

/// A string literal's value; `None` for anything computed.
fn literal(text: &str) -> Option<&str> {
    let text = text.trim();
    let quote = text.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let inner = text.strip_prefix(quote)?.strip_suffix(quote)?;
    (!inner.contains(quote)).then_some(inner)
}

pub fn read(file: &Path, text: &str, out: &mut Vec<BuildConfig>) -> Result<(), String> {
    let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut rest = text;
    let mut offset = 0;
    while let Some(pos) = rest.find("docker_build") {
        let after = &rest[pos + "docker_build".len()..];
        // `docker_build(` and `docker_build_with_restart(`; not `custom_build`.
        let open = after.find('(').filter(|&i| {
            let name = &after[..i];
            name.is_empty() || name == "_with_restart"
        });
        let consumed = pos + "docker_build".len();
        let Some(open) = open else {
            offset += consumed;
            rest = &rest[consumed..];
            continue;
        };
        let line = text[..offset + pos].matches('\n').count() + 1;
        let Some(arguments) = call_arguments(&after[open + 1..]) else {
            break;
        };
        let mut positional = Vec::new();
        let (mut dockerfile, mut target) = (None, None);
        for argument in split_arguments(arguments) {
            match argument.split_once('=') {
                Some((key, value)) if !key.contains(['"', '\'']) => match key.trim() {
                    "dockerfile" => dockerfile = Some(literal(value)),
                    "target" => target = literal(value).map(str::to_string),
                    "context" => positional.resize(positional.len().max(2), None),
                    _ => {}
                },
                _ => positional.push(literal(argument)),
            }
        }
        let context = positional
            .get(1)
            .copied()
            .flatten()
            .and_then(|c| join_rel(&dir, c));
        let dockerfile = match (dockerfile, &context) {
            (Some(Some(f)), _) => join_rel(&dir, f),
            (None, Some(c)) => Some(normalize(&c.join("Dockerfile"))),
            _ => None,
        };
        if let Some(dockerfile) = dockerfile {
            out.push(BuildConfig {
                target,
                ..BuildConfig::development(
                    ConfigKind::Tilt,
                    file,
                    line,
                    positional.first().copied().flatten().map(str::to_string),
                    dockerfile,
                    context,
                )
            });
        }
        offset += consumed;
        rest = &rest[consumed..];
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::conventions::Intent;

    #[test]
    fn reads_docker_build_calls() {
        let text = "load('ext://restart_process', 'docker_build_with_restart')\n\ndocker_build('api', '.', dockerfile='build/_local/api.Dockerfile', target='debug')\ndocker_build(\n  'web',\n  'web',\n)\ncustom_build('x', 'make', ['.'])\n";
        let mut out = Vec::new();
        read(Path::new("Tiltfile"), text, &mut out).expect("reads");
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].dockerfile, Path::new("build/_local/api.Dockerfile"));
        assert_eq!(out[0].target.as_deref(), Some("debug"));
        assert_eq!(out[0].line, 3);
        assert_eq!(out[1].dockerfile, Path::new("web/Dockerfile"));
        assert_eq!(out[1].local, Some(Intent::Dev));
    }
}
