//! `.dockerignore` with Docker's pattern semantics: one pattern a line, `#` comments, `!`
//! exceptions, the last matching pattern wins, a pattern that matches a directory excludes
//! what is in it, `**` spans any number of directories, `*`, `?` and `[...]` stay within one.

use crate::paths::glob_match;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Pattern {
    segments: Vec<String>,
    exception: bool,
}

/// The patterns of a `.dockerignore`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DockerIgnore {
    patterns: Vec<Pattern>,
}

impl DockerIgnore {
    pub fn parse(text: &str) -> DockerIgnore {
        let mut patterns = Vec::new();
        for line in text.lines() {
            if line.starts_with('#') {
                continue;
            }
            let mut pattern = line.trim();
            let exception = pattern.starts_with('!');
            if exception {
                pattern = pattern[1..].trim();
            }
            let cleaned = clean(pattern);
            if cleaned.is_empty() {
                continue;
            }
            patterns.push(Pattern {
                segments: cleaned.split('/').map(str::to_string).collect(),
                exception,
            });
        }
        DockerIgnore { patterns }
    }

    /// Whether the context path (relative to the context root, `/`-separated) is left out of
    /// what `docker build` sends.
    pub fn excludes(&self, path: &str) -> bool {
        let path = clean(path);
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let mut excluded = false;
        for pattern in &self.patterns {
            // The path itself, or a directory it is in.
            let hit = (1..=segments.len()).any(|n| matches(&pattern.segments, &segments[..n]));
            if hit {
                excluded = !pattern.exception;
            }
        }
        excluded
    }
}

/// `filepath.Clean` for patterns and paths: no `.` or empty segments, `..` resolved, no
/// leading `/`.
fn clean(text: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in text.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// Whether the pattern's segments match the path's, `**` standing for any number of segments.
/// Dynamic programming over (pattern, path) positions: linear in their product, whatever the
/// number of `**` (a recursive search is exponential on `**/**/**/...`).
fn matches(pattern: &[String], path: &[&str]) -> bool {
    let n = path.len();
    // reachable[j]: the first i pattern segments can match the first j path segments.
    let mut reachable = vec![false; n + 1];
    reachable[0] = true;
    for segment in pattern {
        let mut next = vec![false; n + 1];
        if segment == "**" {
            let mut any = false;
            for j in 0..=n {
                any |= reachable[j];
                next[j] = any;
            }
        } else {
            let glob = segment.replace("**", "*");
            for j in 0..n {
                if reachable[j] && glob_match(&glob, path[j]) {
                    next[j + 1] = true;
                }
            }
        }
        reachable = next;
    }
    reachable[n]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_semantics() {
        let ignore = DockerIgnore::parse(
            "# comment\n.git\n  *.md  \n**/testdata\n/bin/\n!README.md\nvendor/**/*.go\n!vendor/keep/**\n",
        );
        assert!(ignore.excludes(".git"));
        assert!(ignore.excludes(".git/HEAD"));
        assert!(ignore.excludes("CHANGES.md"));
        assert!(!ignore.excludes("README.md"));
        assert!(
            !ignore.excludes("docs/guide.md"),
            "`*.md` is for the root only"
        );
        assert!(ignore.excludes("pkg/a/testdata/x.json"));
        assert!(ignore.excludes("bin/server"));
        assert!(ignore.excludes("vendor/a/b/c.go"));
        assert!(!ignore.excludes("vendor/keep/c.go"));
        assert!(!ignore.excludes("go.mod"));
        assert!(!DockerIgnore::parse("").excludes(".git"));
    }

    #[test]
    fn exceptions_and_order() {
        let ignore = DockerIgnore::parse("*\n!go.mod\n!cmd\n");
        assert!(!ignore.excludes("go.mod"));
        assert!(!ignore.excludes("cmd/server/main.go"));
        assert!(ignore.excludes(".git"));
        let ignore = DockerIgnore::parse("!x\nx\n");
        assert!(ignore.excludes("x"));
        // Many `**` are linear, not exponential.
        let deep = "**/".repeat(200) + "z";
        let ignore = DockerIgnore::parse(&deep);
        assert!(ignore.excludes("a/b/c/d/e/f/g/h/i/j/k/l/z"));
        assert!(!ignore.excludes("a/b/c/d/e/f/g/h/i/j/k/l/y"));
    }
}
