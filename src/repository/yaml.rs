//! YAML documents (workflows, compose, GoReleaser) read with saphyr into a small tree that keeps
//! each node's line. saphyr is a maintained, pure-Rust YAML 1.2 parser whose marked nodes carry
//! their position, which `--show-model` prints; serde_yaml is archived, and its forks neither
//! keep positions nor avoid the C-derived libyaml.

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};

/// A YAML node with its 1-based line.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub line: usize,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A scalar, as text (`true`, `8080`, `linux/amd64`).
    Scalar(String),
    Null,
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
    /// An alias or anything else not followed.
    Other,
}

/// Nodes deeper than this are not read: a document that nests so far is no build config.
const MAX_DEPTH: usize = 64;

impl Node {
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// A key's scalar value.
    pub fn str_at(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Node::as_str)
    }

    pub fn entries(&self) -> &[(String, Node)] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &[],
        }
    }

    /// The scalar is YAML true (`true`, `True`, `TRUE`).
    pub fn is_true(&self) -> bool {
        self.as_str()
            .is_some_and(|s| s.eq_ignore_ascii_case("true"))
    }
}

/// The documents of a YAML text. A syntax error is the parser's message.
pub fn parse(text: &str) -> Result<Vec<Node>, String> {
    // The parser is a dependency: should it ever panic on some input, that file is unreadable,
    // not the run lost.
    // saphyr bounds the nesting of flow collections (`[[[`), not of block ones (`- - -`): a
    // few thousand nested sequences overflow a thread's stack, which no catch_unwind catches.
    if block_nesting_bound(text) > MAX_BLOCK_NESTING {
        return Err(format!(
            "it nests blocks deeper than {MAX_BLOCK_NESTING} levels"
        ));
    }
    let loaded = std::panic::catch_unwind(|| MarkedYaml::load_from_str(text))
        .map_err(|_| "the YAML parser failed on it".to_string())?;
    let docs = loaded.map_err(|e| e.to_string())?;
    Ok(docs.iter().map(|d| convert(d, 0)).collect())
}

/// Far above any real configuration (GitHub workflows nest about ten levels), far below what
/// overflows the 2 MiB stack of a worker thread (a few thousand).
const MAX_BLOCK_NESTING: usize = 256;

/// An upper bound on the nesting of block collections: each level takes at least one column,
/// of indentation or of an indicator (`- `, `? `) before the line's content.
fn block_nesting_bound(text: &str) -> usize {
    text.lines()
        .map(|line| {
            let bytes = line.as_bytes();
            let mut at = 0;
            while at < bytes.len() {
                let next = bytes.get(at + 1).copied();
                let indicator =
                    matches!(bytes[at], b'-' | b'?') && matches!(next, None | Some(b' ' | b'\t'));
                if bytes[at] == b' ' || bytes[at] == b'\t' || indicator {
                    at += 1;
                } else {
                    break;
                }
            }
            at
        })
        .max()
        .unwrap_or(0)
}

fn scalar_text(scalar: &Scalar) -> Option<String> {
    Some(match scalar {
        Scalar::Null => return None,
        Scalar::Boolean(b) => b.to_string(),
        Scalar::Integer(i) => i.to_string(),
        Scalar::FloatingPoint(f) => f.to_string(),
        Scalar::String(s) => s.to_string(),
    })
}

fn convert(node: &MarkedYaml, depth: usize) -> Node {
    let line = node.span.start.line();
    let value = if depth > MAX_DEPTH {
        Value::Other
    } else {
        match &node.data {
            YamlData::Value(scalar) => scalar_text(scalar).map_or(Value::Null, Value::Scalar),
            YamlData::Representation(text, ..) => Value::Scalar(text.to_string()),
            YamlData::Sequence(items) => {
                Value::Seq(items.iter().map(|i| convert(i, depth + 1)).collect())
            }
            YamlData::Mapping(map) => Value::Map(
                map.iter()
                    .filter_map(|(k, v)| {
                        let key = match &k.data {
                            YamlData::Value(s) => scalar_text(s)?,
                            YamlData::Representation(text, ..) => text.to_string(),
                            _ => return None,
                        };
                        Some((key, convert(v, depth + 1)))
                    })
                    .collect(),
            ),
            YamlData::Tagged(_, inner) => return convert(inner, depth + 1),
            _ => Value::Other,
        }
    };
    Node { line, value }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_lines_and_scalars() {
        let docs = parse("a:\n  b: 1\n  c: [x, true]\n").expect("parses");
        let b = docs[0].get("a").and_then(|a| a.get("b")).expect("b");
        assert_eq!((b.line, b.as_str()), (2, Some("1")));
        let c = docs[0].get("a").and_then(|a| a.get("c")).expect("c");
        assert!(c.items()[1].is_true());
        assert!(parse("a: [\n").is_err());
    }

    #[test]
    fn refuses_block_nesting_that_would_overflow_the_stack() {
        assert_eq!(block_nesting_bound("a:\n  - - b\n"), 6);
        let deep = format!("{}x\n", "- ".repeat(5000));
        assert!(parse(&deep).unwrap_err().contains("deeper than 256"));
        let indented: String = (0..300)
            .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
            .collect();
        assert!(parse(&indented).is_err());
        let fine: String = (0..40)
            .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
            .collect();
        assert!(parse(&fine).is_ok());
    }
}
