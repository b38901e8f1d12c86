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
    let loaded = std::panic::catch_unwind(|| MarkedYaml::load_from_str(text))
        .map_err(|_| "the YAML parser failed on it".to_string())?;
    let docs = loaded.map_err(|e| e.to_string())?;
    Ok(docs.iter().map(|d| convert(d, 0)).collect())
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
}
