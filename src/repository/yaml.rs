//! YAML documents (workflows, compose, GoReleaser) read with saphyr's parser into a small tree
//! that keeps each node's line. saphyr is a maintained, pure-Rust YAML 1.2 parser whose events
//! carry their position, which `--show-model` prints; serde_yaml is archived, and its forks
//! neither keep positions nor avoid the C-derived libyaml.

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
    let strict = parse_strict(text);
    if strict.is_ok() {
        return strict;
    }
    // go-yaml, which GoReleaser, Compose and Kubernetes read with, accepts a flow collection's
    // closing bracket at its key's indentation (`args: [` ... `]` under `args`); YAML 1.2 and
    // saphyr do not. Indenting such closers (insignificant inside a flow collection) reads
    // what those tools read; lines keep their numbers, and a file that still fails gives the
    // first error.
    match relax_flow_closers(text) {
        Some(relaxed) => parse_strict(&relaxed).or(strict),
        None => strict,
    }
}

/// The text with each line that starts with a flow closer (`]`, `}`) indented to the line
/// before it, when it is indented less; `None` when there is no such line.
fn relax_flow_closers(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len() + 64);
    let mut previous_indent = 0;
    let mut changed = false;
    for line in text.split_inclusive('\n') {
        let body = line.trim_start_matches(' ');
        let indent = line.len() - body.len();
        if body.trim().is_empty() {
            out.push_str(line);
            continue;
        }
        if body.starts_with([']', '}']) && indent < previous_indent {
            out.extend(std::iter::repeat_n(' ', previous_indent));
            out.push_str(body);
            changed = true;
            continue;
        }
        previous_indent = indent;
        out.push_str(line);
    }
    changed.then_some(out)
}

fn parse_strict(text: &str) -> Result<Vec<Node>, String> {
    // saphyr bounds the nesting of flow collections (`[[[`), not of block ones (`- - -`): a
    // few thousand nested sequences overflow a thread's stack, which no catch_unwind catches.
    if block_nesting_bound(text) > MAX_BLOCK_NESTING {
        return Err(format!(
            "it nests blocks deeper than {MAX_BLOCK_NESTING} levels"
        ));
    }
    // The parser is a dependency: should it ever panic on some input, that file is unreadable,
    // not the run lost.
    std::panic::catch_unwind(|| {
        let mut tree = TreeBuilder::default();
        let parsed = saphyr_parser::Parser::new_from_str(text).load(&mut tree, true);
        parsed.map_err(|e| e.to_string())?;
        match tree.error {
            Some(why) => Err(why),
            None => Ok(tree.docs),
        }
    })
    .map_err(|_| "the YAML parser failed on it".to_string())?
}

/// The most nodes aliases may copy in one document set: anchors nested in anchors multiply
/// (`a: &a [x, x]`, `b: &b [*a, *a]`, ...), and a few lines would otherwise fill memory.
const ALIAS_BUDGET: usize = 100_000;

/// Builds the tree straight from the parser's events. saphyr's own loader builds hashed,
/// core-schema-typed nodes first; this keeps every scalar as written (`1.20` stays `1.20`, a
/// Go version, not the float 1.2), which is what a build argument is, and costs half as much.
#[derive(Default)]
struct TreeBuilder {
    docs: Vec<Node>,
    open: Vec<Open>,
    /// Anchored nodes by id, with their size in nodes.
    anchors: std::collections::HashMap<usize, (Node, usize)>,
    alias_budget_used: usize,
    error: Option<String>,
}

/// A collection being read, with the anchor it will be known by and its size so far.
struct Open {
    line: usize,
    anchor: usize,
    size: usize,
    items: OpenItems,
}

enum OpenItems {
    Seq(Vec<Node>),
    /// Entries, and the key read whose value comes next (`Some(None)`: a key that is not a
    /// scalar, whose entry is dropped).
    Map(Vec<(String, Node)>, Option<Option<String>>, usize),
}

impl TreeBuilder {
    fn finish(&mut self, node: Node, size: usize, anchor: usize, key_line: usize) {
        if anchor > 0 {
            self.anchors.insert(anchor, (node.clone(), size));
        }
        let Some(parent) = self.open.last_mut() else {
            self.docs.push(node);
            return;
        };
        parent.size += size;
        match &mut parent.items {
            OpenItems::Seq(items) => items.push(node),
            OpenItems::Map(entries, key, at) => match key.take() {
                None => {
                    *key = Some(node.as_str().map(str::to_string));
                    *at = key_line;
                }
                Some(None) => {}
                Some(Some(name)) => {
                    // As GitHub and compose do: a key given twice makes the file invalid.
                    if entries.iter().any(|(k, _)| *k == name) {
                        self.error.get_or_insert_with(|| {
                            format!("duplicated key in mapping at line {at}")
                        });
                    }
                    entries.push((name, node));
                }
            },
        }
    }
}

impl<'input> saphyr_parser::SpannedEventReceiver<'input> for TreeBuilder {
    fn on_event(&mut self, event: saphyr_parser::Event<'input>, span: saphyr_parser::Span) {
        use saphyr_parser::{Event, ScalarStyle};
        let line = span.start.line();
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let null = style == ScalarStyle::Plain
                    && tag.is_none()
                    && matches!(&*text, "" | "~" | "null" | "Null" | "NULL");
                let value = if null {
                    Value::Null
                } else {
                    Value::Scalar(text.into_owned())
                };
                self.finish(Node { line, value }, 1, anchor, line);
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                let items = if matches!(event, Event::SequenceStart(..)) {
                    OpenItems::Seq(Vec::new())
                } else {
                    OpenItems::Map(Vec::new(), None, line)
                };
                self.open.push(Open {
                    line,
                    anchor,
                    size: 1,
                    items,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(done) = self.open.pop() else { return };
                let value = if self.open.len() > MAX_DEPTH {
                    Value::Other
                } else {
                    match done.items {
                        OpenItems::Seq(items) => Value::Seq(items),
                        OpenItems::Map(entries, ..) => Value::Map(entries),
                    }
                };
                let node = Node {
                    line: done.line,
                    value,
                };
                self.finish(node, done.size, done.anchor, done.line);
            }
            Event::Alias(id) => {
                let copied = match self.anchors.get(&id) {
                    Some((node, size)) if self.alias_budget_used + size <= ALIAS_BUDGET => {
                        self.alias_budget_used += size;
                        Some((node.clone(), *size))
                    }
                    Some(_) => {
                        self.error.get_or_insert_with(|| {
                            format!("aliases at line {line} copy more than {ALIAS_BUDGET} nodes")
                        });
                        None
                    }
                    None => None,
                };
                let (node, size) = copied.map_or(
                    (
                        Node {
                            line,
                            value: Value::Other,
                        },
                        1,
                    ),
                    |(node, size)| (Node { line, ..node }, size),
                );
                self.finish(node, size, 0, line);
            }
            _ => {}
        }
    }
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
    fn scalars_stay_as_written() {
        let docs = parse("go: 1.20\nport: 0x1F\nnone: ~\nquoted: 'null'\n").expect("parses");
        assert_eq!(docs[0].str_at("go"), Some("1.20"));
        assert_eq!(docs[0].str_at("port"), Some("0x1F"));
        assert_eq!(docs[0].get("none").map(|n| &n.value), Some(&Value::Null));
        assert_eq!(docs[0].str_at("quoted"), Some("null"));
    }

    #[test]
    fn aliases_copy_their_anchor_within_a_budget() {
        let docs = parse("base: &b {context: .}\napi:\n  build: *b\n").expect("parses");
        let build = docs[0]
            .get("api")
            .and_then(|a| a.get("build"))
            .expect("build");
        assert_eq!((build.line, build.str_at("context")), (3, Some(".")));
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..8 {
            let p = i - 1;
            bomb.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
        }
        assert!(parse(&bomb).unwrap_err().contains("copy more than"));
    }

    #[test]
    fn a_key_given_twice_makes_the_file_invalid() {
        assert!(
            parse("a: 1\nb: 2\na: 3\n")
                .unwrap_err()
                .contains("duplicated key")
        );
        let docs = parse("- a: 1\n- a: 2\n").expect("keys repeat across maps");
        assert_eq!(docs[0].items().len(), 2);
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

    #[test]
    fn reads_a_flow_closer_at_its_keys_indentation_as_go_yaml_does() {
        let text = "signs:\n  - id: gpg\n    args: [\n      \"--batch\",\n    ]\n    artifacts: checksum\n";
        let docs = parse(text).expect("go-yaml reads it");
        let sign = &docs[0].get("signs").expect("signs").items()[0];
        assert_eq!(sign.get("args").map(|a| a.items().len()), Some(1));
        assert_eq!(sign.get("artifacts").map(|a| a.line), Some(6));
        // A file that is broken anyway still reports its error.
        assert!(parse("a: [\n  b\n]\nc: [\n").is_err());
    }
}
