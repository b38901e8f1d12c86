//! Makefiles, read as far as gopherlint needs: the variables a file sets with plain values, and
//! its rules (targets, prerequisites and recipe lines, with those variables substituted). The
//! repository reads them for `docker build` commands; the build context's Makefile tells what
//! a `RUN make` in a Dockerfile runs. Conditionals (`ifeq`) are not evaluated: the lines of
//! every branch are read.

use std::collections::HashMap;

/// The names make looks for, in its order, when no `-f` is given.
pub const NAMES: [&str; 3] = ["GNUmakefile", "makefile", "Makefile"];

/// How many included files are read for one Makefile: a build's configuration sits in one or
/// two (`include Makefile.def`), and a chain of includes is never followed far.
const MAX_INCLUDED: usize = 8;

/// The Makefile `make` reads in a folder (`GNUmakefile`, `makefile`, `Makefile`), with the text
/// of the files it includes (`include Makefile.def`, `-include config.mk`, and theirs) after
/// its own, read with `read` (a path relative to that folder). Included names made of
/// variables or globs are not read.
pub fn read_with_includes(read: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let (main, mut text) = NAMES
        .iter()
        .find_map(|name| Some((name.to_string(), read(name)?)))?;
    let mut pending: Vec<String> = included(&text);
    pending.reverse();
    let mut seen: Vec<String> = vec![main];
    while let Some(name) = pending.pop() {
        if seen.len() > MAX_INCLUDED || seen.contains(&name) {
            continue;
        }
        seen.push(name.clone());
        if let Some(more) = read(&name) {
            let mut nested = included(&more);
            nested.reverse();
            pending.extend(nested);
            text.push('\n');
            text.push_str(&more);
        }
    }
    Some(text)
}

/// The files a Makefile includes by plain name (`include a.mk b.mk`, `-include`, `sinclude`).
fn included(text: &str) -> Vec<String> {
    text.lines()
        .filter(|line| !line.starts_with('\t'))
        .filter_map(|line| {
            let line = line.split('#').next().unwrap_or_default().trim_end();
            ["include ", "-include ", "sinclude "]
                .iter()
                .find_map(|keyword| line.strip_prefix(keyword))
        })
        .flat_map(str::split_whitespace)
        .filter(|name| !name.contains(['$', '*', '?', '[', '%']))
        .map(|name| name.trim_start_matches("./").to_string())
        .collect()
}

/// One rule: its target (the words before `:`; empty for recipe lines before any rule), its
/// prerequisites, and its recipe lines (1-based line number, text with variables substituted
/// and the `@`, `-`, `+` prefixes removed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub target: String,
    pub prerequisites: Vec<String>,
    pub recipe: Vec<(usize, String)>,
}

/// The rules of a Makefile, in file order. A rule with no recipe is kept (its prerequisites
/// may do the work).
pub fn rules(text: &str) -> Vec<Rule> {
    let vars = variables(text);
    let mut out: Vec<Rule> = Vec::new();
    let mut current = Rule {
        target: String::new(),
        prerequisites: Vec::new(),
        recipe: Vec::new(),
    };
    for (i, line) in text.lines().enumerate() {
        if let Some(command) = line.strip_prefix('\t') {
            // `@`, `-` and `+` prefix a command, not a continued line (`\t-f Dockerfile .`).
            let continued = current
                .recipe
                .last()
                .is_some_and(|(_, l)| l.ends_with('\\'));
            let command = if continued {
                command
            } else {
                command.trim_start_matches(['@', '-', '+'])
            };
            current.recipe.push((i + 1, substitute(command, &vars)));
            continue;
        }
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let next = line
            .split_once(':')
            .filter(|(t, rest)| !rest.starts_with('=') && !t.contains('='))
            .map(|(t, rest)| Rule {
                target: substitute(t.trim(), &vars),
                prerequisites: rest
                    .split([';', '#'])
                    .next()
                    .unwrap_or_default()
                    .split_whitespace()
                    .map(|p| substitute(p, &vars))
                    .collect(),
                recipe: Vec::new(),
            })
            .unwrap_or(Rule {
                target: String::new(),
                prerequisites: Vec::new(),
                recipe: Vec::new(),
            });
        let done = std::mem::replace(&mut current, next);
        if !done.target.is_empty() || !done.recipe.is_empty() {
            out.push(done);
        }
    }
    if !current.target.is_empty() || !current.recipe.is_empty() {
        out.push(current);
    }
    out
}

/// `text` with `$(NAME)` and `${NAME}` replaced by the values [`variables`] read; others stay.
pub fn substitute(text: &str, vars: &HashMap<String, String>) -> String {
    substitute_at(text, vars, 0)
}

/// Make variables set in the file with a plain value (`IMAGE ?= app`, `DIR := build`), for
/// `$(NAME)` and `${NAME}` in recipes. Values from the environment or the command line stay
/// unknown.
pub fn variables(text: &str) -> HashMap<String, String> {
    let mut vars = HashMap::new();
    for line in text.lines() {
        if line.starts_with('\t') {
            continue;
        }
        let line = line
            .trim_start_matches("export ")
            .trim_start_matches("override ");
        let Some(eq) = line.find('=') else {
            continue;
        };
        let (name, value) = (&line[..eq], line[eq + 1..].trim());
        let name = name.trim_end_matches([':', '?', '+', '!']).trim();
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            continue;
        }
        // `+=` and `!=` (a shell command) give values not read here; a later plain assignment
        // replaces an earlier one, as make does for `=` and `:=`.
        if line[..eq].ends_with(['+', '!']) || value.contains("$(shell") {
            vars.remove(name);
            continue;
        }
        let conditional = line[..eq].ends_with('?');
        if conditional && vars.contains_key(name) {
            continue;
        }
        vars.insert(name.to_string(), value.to_string());
    }
    vars
}

/// `$(NAME)` and `${NAME}` replaced by the Make variables known, up to a few levels deep;
/// `$$` is the shell's `$`.
fn substitute_at(text: &str, vars: &HashMap<String, String>, depth: usize) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        let close = match after.chars().next() {
            Some('$') => {
                out.push('$');
                rest = &after[1..];
                continue;
            }
            Some('(') => ')',
            Some('{') => '}',
            _ => {
                out.push('$');
                rest = after;
                continue;
            }
        };
        match after[1..].find(close) {
            Some(end) => {
                let name = &after[1..1 + end];
                match vars.get(name) {
                    Some(value) if depth < 4 => {
                        out.push_str(&substitute_at(value, vars, depth + 1))
                    }
                    _ => {
                        out.push('$');
                        out.push_str(&after[..end + 2]);
                    }
                }
                rest = &after[end + 2..];
            }
            None => {
                out.push('$');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_makefile_with_the_files_it_includes() {
        let files = [
            (
                "Makefile",
                "include Makefile.def\n-include local.mk $(CONF)\nall:\n\tgo build\n",
            ),
            (
                "Makefile.def",
                "GitSHA=`git rev-parse HEAD`\ninclude Makefile\n",
            ),
        ];
        let read = |name: &str| {
            files
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, t)| t.to_string())
        };
        let text = read_with_includes(&read).expect("read");
        assert!(text.starts_with("include Makefile.def"));
        assert!(text.contains("GitSHA=`git rev-parse HEAD`"));
        assert_eq!(
            text.matches("all:").count(),
            1,
            "no file is read twice: {text}"
        );
        assert_eq!(read_with_includes(&|_: &str| None), None);
    }

    #[test]
    fn reads_rules_with_prerequisites_and_substituted_recipes() {
        let text = "GO ?= go\nBIN := bin\n\n.PHONY: all\nall: build # default\n\nbuild: deps\n\t@CGO_ENABLED=0 $(GO) build -o ${BIN}/app \\\n\t-trimpath .\nIMAGE = x:y\n";
        let rules = rules(text);
        let names: Vec<&str> = rules.iter().map(|r| r.target.as_str()).collect();
        assert_eq!(names, vec![".PHONY", "all", "build"]);
        assert_eq!(rules[1].prerequisites, vec!["build"]);
        assert_eq!(rules[2].prerequisites, vec!["deps"]);
        assert_eq!(
            rules[2].recipe,
            vec![
                (8, "CGO_ENABLED=0 go build -o bin/app \\".to_string()),
                (9, "-trimpath .".to_string())
            ]
        );
    }
}
