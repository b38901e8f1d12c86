//! The variables a stage starts with, before its own instructions: the automatic platform
//! ARGs of the build, the environment its base image sets, and the FROM reference they expand.

use super::platform::Platform;
use super::vars::{Certainty, Value, Var, Vars};
use crate::knowledge::images::BaseFacts;

/// The automatic platform ARGs of a build for `platform`, on a build machine taken to be
/// linux/amd64 like the default target.
pub(super) fn platform_args(platform: &Platform) -> Vars {
    let mut vars = Vars::default();
    for (name, value) in platform.args(&Platform::default()) {
        vars.set(
            name,
            Var {
                value: Some(Value {
                    text: value,
                    certainty: Certainty::Platform,
                }),
                origin: None,
                from_env: false,
                exported: false,
            },
        );
    }
    vars
}

/// Expands a FROM reference. When only the tag depends on a value nothing sets
/// (`golang:${GO_VERSION}-alpine` with no default), the image is still known: its name and
/// what the rest of the tag says (`alpine`), as written, with no version.
pub(super) fn image_reference(vars: &Vars, text: &str) -> Value {
    let value = vars.expand_reference(text);
    if !value.is_unknown() {
        return value;
    }
    let last_slash = text.rfind('/').map_or(0, |i| i + 1);
    let Some(colon) = text[last_slash..].find(':').map(|i| last_slash + i) else {
        return value;
    };
    let (name, tag) = (&text[..colon], &text[colon + 1..]);
    let name = vars.expand_reference(name);
    let tag = vars.expand(tag);
    if name.is_unknown() || name.text.contains('$') || tag.is_unknown() || text.contains('@') {
        return value;
    }
    Value {
        text: format!("{}:{}", name.text, text[colon + 1..].trim()),
        certainty: Certainty::Platform,
    }
}

/// Environment variables a base image sets that matter to Go builds.
pub(super) fn image_env(facts: &BaseFacts) -> Vars {
    let mut vars = Vars::default();
    for &(name, value) in facts.env {
        {
            vars.set(
                name,
                Var {
                    value: Some(Value::known(value)),
                    origin: None,
                    from_env: true,
                    exported: true,
                },
            );
        }
    }
    vars
}
