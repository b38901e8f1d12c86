//! Variables and their values: what is known for certain, what is only a default a build
//! argument may override, what depends on the target platform, and what cannot be known.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::source::TextRange;

/// How certain a value is, weakest last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Certainty {
    /// Always this value.
    Known,
    /// The default of a build argument: a `--build-arg` may change it.
    Default,
    /// Depends on the platform (`$TARGETARCH` and the like): the text holds the value for the
    /// platform being linted.
    Platform,
    /// Cannot be known from the Dockerfile.
    Unknown,
}

/// A value with its certainty. Unknown values carry no meaningful text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    pub text: String,
    pub certainty: Certainty,
}

impl Value {
    pub fn known(text: impl Into<String>) -> Value {
        Value {
            text: text.into(),
            certainty: Certainty::Known,
        }
    }

    pub fn unknown() -> Value {
        Value {
            text: String::new(),
            certainty: Certainty::Unknown,
        }
    }

    pub fn is_unknown(&self) -> bool {
        self.certainty == Certainty::Unknown
    }

    /// The text when it is known or a default, i.e. what a plain build uses.
    pub fn usable(&self) -> Option<&str> {
        (self.certainty <= Certainty::Default).then_some(self.text.as_str())
    }

    /// The text for the platform being linted: known, a default, or resolved from the
    /// automatic platform ARGs (as `docker build` resolves `FROM app-$TARGETOS`).
    pub fn resolved(&self) -> Option<&str> {
        (self.certainty <= Certainty::Platform).then_some(self.text.as_str())
    }
}

/// A variable in scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Var {
    /// `None` when declared (`ARG NAME`) but not set unless a build argument gives it.
    pub value: Option<Value>,
    /// Where it was set, for pointing at it.
    pub origin: Option<TextRange>,
    /// Set by ENV (beats ARG) rather than ARG.
    pub from_env: bool,
    /// Visible to processes (ENV, ARG, `export`), not only to the shell.
    pub exported: bool,
}

/// `$NAME` or `${NAME}`: a word that is one variable and nothing else.
pub fn bare_variable(word: &str) -> Option<&str> {
    let name = word
        .strip_prefix("${")
        .and_then(|v| v.strip_suffix('}'))
        .or_else(|| word.strip_prefix('$'))?;
    let valid = !name.is_empty() && name.chars().all(|c| c == '_' || c.is_ascii_alphanumeric());
    valid.then_some(name)
}

/// A scope of variables. Shared on clone and copied on the first change: every RUN command
/// that gopherlint follows keeps the scope it saw, and most of them change nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vars {
    map: Arc<BTreeMap<String, Var>>,
}

impl Vars {
    pub fn get(&self, name: &str) -> Option<&Var> {
        self.map.get(name)
    }

    pub fn set(&mut self, name: impl Into<String>, var: Var) {
        Arc::make_mut(&mut self.map).insert(name.into(), var);
    }

    pub fn remove(&mut self, name: &str) {
        if self.map.contains_key(name) {
            Arc::make_mut(&mut self.map).remove(name);
        }
    }

    /// Every variable in scope, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Var)> {
        self.map.iter().map(|(name, var)| (name.as_str(), var))
    }

    pub fn get_mut(&mut self, name: &str) -> Option<&mut Var> {
        // Only a variable that is there is worth unsharing the scope for.
        if !self.map.contains_key(name) {
            return None;
        }
        Arc::make_mut(&mut self.map).get_mut(name)
    }

    /// The value of an exported variable as a process sees it; `None` when unset.
    pub fn exported_value(&self, name: &str) -> Option<(&Value, Option<TextRange>)> {
        let var = self.map.get(name).filter(|v| v.exported)?;
        Some((var.value.as_ref()?, var.origin))
    }

    /// Expands `$NAME`, `${NAME}` and `${NAME:-word}`-style references in `text`.
    pub fn expand(&self, text: &str) -> Value {
        expand_nested(text, &|name| self.lookup(name), 0, false)
    }

    /// Expands a reference that must name something (an image or a stage): a variable that
    /// nothing sets, used without a default, makes the whole value Unknown rather than empty
    /// (`FROM ${BASE_IMAGE}` with `ARG BASE_IMAGE` and no default).
    pub fn expand_reference(&self, text: &str) -> Value {
        let value = expand_nested(text, &|name| self.lookup(name), 0, true);
        if value.text.trim().is_empty() {
            return Value::unknown();
        }
        value
    }

    /// Expands a value where a variable that nothing sets, used without a default, means the
    /// value is given at build time: Unknown, not empty (`-ldflags "$LDFLAGS"`). A build
    /// argument whose default is empty (`ARG LDFLAGS=""`) is such a slot too.
    pub fn expand_strict(&self, text: &str) -> Value {
        expand_nested(text, &|name| self.lookup(name), 0, true)
    }

    /// `text` with every reference whose value cannot be known (`$(git describe)`, a variable
    /// set from one) replaced by `?`, the rest kept for expansion: for values where an unknown
    /// part cannot change what matters (a version inside `-X main.version=$V`).
    pub fn mask_unknown(&self, text: &str) -> String {
        let bytes = text.as_bytes();
        let mut out = String::with_capacity(text.len());
        let mut i = 0;
        while i < bytes.len() {
            let end = match (bytes[i], bytes.get(i + 1)) {
                (b'$', Some(b'(')) => closing(text, i + 1, b'(', b')'),
                (b'$', Some(b'{')) => closing(text, i + 1, b'{', b'}'),
                (b'$', Some(b)) if b.is_ascii_alphabetic() || *b == b'_' => Some(
                    i + 1
                        + text[i + 1..]
                            .bytes()
                            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
                            .count(),
                ),
                (b'`', _) => text[i + 1..].find('`').map(|n| i + n + 2),
                _ => None,
            };
            match end {
                Some(end) => {
                    let reference = &text[i..end];
                    if reference.starts_with('`') || self.expand(reference).is_unknown() {
                        out.push('?');
                    } else {
                        out.push_str(reference);
                    }
                    i = end;
                }
                None => {
                    // Step over a whole character: text before a `$` may be any UTF-8.
                    let step = text[i..].chars().next().map_or(1, char::len_utf8);
                    let next = text[i + step..]
                        .find(['$', '`'])
                        .map_or(text.len(), |n| i + step + n);
                    out.push_str(&text[i..next]);
                    i = next;
                }
            }
        }
        out
    }

    fn lookup(&self, name: &str) -> Lookup {
        match self.map.get(name) {
            None => Lookup::Absent,
            Some(Var { value: None, .. }) => Lookup::Unset,
            Some(Var {
                value: Some(value), ..
            }) => Lookup::Set(value.clone()),
        }
    }
}

/// The end (exclusive) of a bracketed span opening at `open_at`, nesting counted.
fn closing(text: &str, open_at: usize, open: u8, close: u8) -> Option<usize> {
    let mut depth = 0usize;
    for (offset, b) in text.bytes().enumerate().skip(open_at) {
        if b == open {
            depth += 1;
        } else if b == close {
            depth -= 1;
            if depth == 0 {
                return Some(offset + 1);
            }
        }
    }
    None
}

/// What a name resolves to during expansion.
pub enum Lookup {
    /// Never declared: expands to nothing.
    Absent,
    /// Declared without a value: empty unless a build argument sets it.
    Unset,
    Set(Value),
}

/// How deep `${A:-${B:-...}}` defaults are followed before the value counts as unknown.
const MAX_EXPANSION_DEPTH: usize = 8;

/// `strict`: a reference to a variable without a value and without a default word is Unknown.
fn expand_nested(text: &str, lookup: &dyn Fn(&str) -> Lookup, depth: usize, strict: bool) -> Value {
    if depth > MAX_EXPANSION_DEPTH {
        return Value::unknown();
    }
    if !text.contains('$') {
        return Value::known(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut certainty = Certainty::Known;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'$' {
            let next = text[i..].find('$').map_or(text.len(), |n| i + n);
            out.push_str(&text[i..next]);
            i = next;
            continue;
        }
        let (name, operator, word, end) = match bytes.get(i + 1) {
            Some(b'{') => {
                let Some(close) = text[i..].find('}').map(|n| i + n) else {
                    return Value::unknown();
                };
                let inner = &text[i + 2..close];
                let name_len = inner
                    .bytes()
                    .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
                    .count();
                let rest = &inner[name_len..];
                let (operator, word) = ["-", ":-", "+", ":+"]
                    .iter()
                    .rev()
                    .find_map(|op| rest.strip_prefix(op).map(|w| (Some(*op), w)))
                    .unwrap_or((None, rest));
                if operator.is_none() && !rest.is_empty() {
                    // `${X%suffix}`, `${X/a/b}`...: not evaluated.
                    return Value::unknown();
                }
                (&inner[..name_len], operator, word, close + 1)
            }
            Some(b) if b.is_ascii_alphabetic() || *b == b'_' => {
                let name_len = text[i + 1..]
                    .bytes()
                    .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
                    .count();
                (&text[i + 1..i + 1 + name_len], None, "", i + 1 + name_len)
            }
            Some(b'(') | Some(b'`') => return Value::unknown(),
            _ => {
                out.push('$');
                i += 1;
                continue;
            }
        };
        if name.is_empty() {
            return Value::unknown();
        }
        let found = lookup(name);
        // `ARG LDFLAGS=""` is a slot for a build argument, as unknown as `ARG LDFLAGS`.
        let empty_default = matches!(&found, Lookup::Set(v) if v.text.is_empty() && v.certainty == Certainty::Default);
        if strict
            && operator.is_none()
            && (empty_default || matches!(found, Lookup::Absent | Lookup::Unset))
        {
            return Value::unknown();
        }
        let declared_unset = matches!(found, Lookup::Unset);
        let is_set = matches!(found, Lookup::Set(_));
        let (value, is_set_nonempty) = match found {
            Lookup::Absent => (Value::known(""), false),
            Lookup::Unset => (
                Value {
                    text: String::new(),
                    certainty: Certainty::Default,
                },
                false,
            ),
            Lookup::Set(v) => {
                let nonempty = !v.text.is_empty() || v.certainty == Certainty::Unknown;
                (v, nonempty)
            }
        };
        let replacement = match operator {
            None => value,
            Some(":-") if is_set_nonempty => value,
            Some("-") if is_set => value,
            Some(":-") | Some("-") => expand_nested(word, lookup, depth + 1, strict),
            Some(":+") if is_set_nonempty => expand_nested(word, lookup, depth + 1, strict),
            Some("+") if is_set => expand_nested(word, lookup, depth + 1, strict),
            Some(_) => Value::known(""),
        };
        certainty = certainty.max(replacement.certainty);
        if declared_unset {
            // A build argument may still set it.
            certainty = certainty.max(Certainty::Default);
        }
        out.push_str(&replacement.text);
        i = end;
    }
    if certainty == Certainty::Unknown {
        return Value::unknown();
    }
    Value {
        text: out,
        certainty,
    }
}

/// An assignment written as one word (`export NAME=value`, PowerShell's `$Env:NAME=value`):
/// `value` is the text after its `=`, with the word's span.
pub(super) fn word_assignment(
    word: &crate::shell::ShellWord,
    name: &str,
    value: &str,
    has_expansion: bool,
) -> crate::shell::Assignment {
    crate::shell::Assignment {
        name: name.to_string(),
        value: crate::shell::ShellWord {
            text: value.to_string(),
            has_expansion,
            ..word.clone()
        },
        range: word.range,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope() -> Vars {
        let mut vars = Vars::default();
        let var = |value: Option<Value>| Var {
            value,
            origin: None,
            from_env: false,
            exported: true,
        };
        vars.set("A", var(Some(Value::known("1"))));
        vars.set(
            "D",
            var(Some(Value {
                text: "d".into(),
                certainty: Certainty::Default,
            })),
        );
        vars.set("U", var(None));
        vars.set(
            "TARGETARCH",
            var(Some(Value {
                text: "arm64".into(),
                certainty: Certainty::Platform,
            })),
        );
        vars
    }

    #[test]
    fn expands_references() {
        let vars = scope();
        assert_eq!(vars.expand("x$A${A}"), Value::known("x11"));
        assert_eq!(vars.expand("${MISSING:-z}"), Value::known("z"));
        assert_eq!(vars.expand("$D").certainty, Certainty::Default);
        assert_eq!(vars.expand("${U:-0}").text, "0");
        assert_eq!(vars.expand("${U:-0}").certainty, Certainty::Default);
        let platform = vars.expand("/out/${TARGETARCH}/app");
        assert_eq!(platform.text, "/out/arm64/app");
        assert_eq!(platform.usable(), None);
        assert_eq!(platform.resolved(), Some("/out/arm64/app"));
        assert_eq!(vars.expand("x${U:+-debug}").text, "x");
        assert!(vars.expand_reference("${U}/base").is_unknown());
        assert!(vars.expand_reference("$MISSING").is_unknown());
        assert_eq!(
            vars.mask_unknown("-X v=$(git describe) -X a=${A} `date` $D"),
            "-X v=? -X a=${A} ? $D"
        );
        // Found by fuzzing: text that starts with a multi-byte character.
        assert_eq!(vars.mask_unknown("ӈ-X v=$(x) é"), "ӈ-X v=? é");
        assert_eq!(vars.mask_unknown("é$"), "é$");
        assert_eq!(vars.expand_reference("${U:-alpine}").text, "alpine");
        assert_eq!(
            vars.expand_reference("app-$TARGETARCH").resolved(),
            Some("app-arm64")
        );
        assert!(vars.expand("$(pwd)").is_unknown());
        assert!(vars.expand("${A%x}").is_unknown());
        assert_eq!(vars.expand("cost $ 5"), Value::known("cost $ 5"));
    }
}
