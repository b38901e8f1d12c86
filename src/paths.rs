//! Container paths: joining, normalising, and matching COPY sources.

/// Joins `path` to the directory `base` unless it is absolute, and normalises the result.
pub fn join(base: &str, path: &str) -> String {
    if path.starts_with('/') {
        normalize(path)
    } else {
        into_normal(format!("{base}/{path}"))
    }
}

/// Most paths in Dockerfiles are already normal: absolute, with no empty, `.` or `..` part.
fn is_normal(path: &str) -> bool {
    path == "/"
        || path
            .strip_prefix('/')
            .is_some_and(|rest| rest.split('/').all(|part| !matches!(part, "" | "." | "..")))
}

/// [`normalize`] for a path already owned: kept as it is when it is normal, with no copy.
pub fn into_normal(path: String) -> String {
    if is_normal(&path) {
        path
    } else {
        normalize(&path)
    }
}

/// Collapses `//`, `/./` and `/../`; no trailing slash except for `/` itself.
pub fn normalize(path: &str) -> String {
    if is_normal(path) {
        return path.to_string();
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

pub fn basename(path: &str) -> &str {
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(path)
}

/// The directory that holds `path` (`/usr/bin` for `/usr/bin/app`; `/` at the top).
pub fn parent(path: &str) -> &str {
    match path.trim_end_matches('/').rfind('/') {
        Some(0) | None => "/",
        Some(i) => &path[..i],
    }
}

/// `path` as an absolute path: itself normalized when absolute, joined to the working directory
/// `cwd` when relative and `cwd` is known, `None` otherwise.
pub fn resolve(path: &str, cwd: Option<&str>) -> Option<String> {
    match (path.starts_with('/'), cwd) {
        (true, _) => Some(normalize(path)),
        (false, Some(cwd)) => Some(join(cwd, path)),
        (false, None) => None,
    }
}

/// Whether `dir` is `path` or one of its parent directories.
pub fn is_within(path: &str, dir: &str) -> bool {
    dir == "/"
        || path == dir
        || (path.len() > dir.len() && path.starts_with(dir) && path.as_bytes()[dir.len()] == b'/')
}

/// Matches a path against a pattern with `*`, `?` and `[...]` (no `**`), segment by segment.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // Iterative wildcard matching with backtracking to the last `*`.
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
            continue;
        }
        if pi < p.len() && t[ti] != '/' {
            if p[pi] == '?' {
                pi += 1;
                ti += 1;
                continue;
            }
            if p[pi] == '[' {
                if let Some(close) = p[pi..].iter().position(|&c| c == ']').map(|i| pi + i) {
                    let set = &p[pi + 1..close];
                    let (negate, set) = match set.first() {
                        Some('!' | '^') => (true, &set[1..]),
                        _ => (false, set),
                    };
                    let mut hit = false;
                    let mut k = 0;
                    while k < set.len() {
                        if k + 2 < set.len() && set[k + 1] == '-' {
                            hit |= set[k] <= t[ti] && t[ti] <= set[k + 2];
                            k += 3;
                        } else {
                            hit |= set[k] == t[ti];
                            k += 1;
                        }
                    }
                    if hit != negate {
                        pi = close + 1;
                        ti += 1;
                        continue;
                    }
                }
            } else if p[pi] == t[ti] {
                pi += 1;
                ti += 1;
                continue;
            }
        } else if pi < p.len() && p[pi] == '/' && t[ti] == '/' {
            pi += 1;
            ti += 1;
            continue;
        }
        match star {
            // A `*` never crosses a `/`.
            Some((sp, st)) if t[st] != '/' => {
                pi = sp + 1;
                ti = st + 1;
                star = Some((sp, st + 1));
            }
            _ => return false,
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

pub fn has_glob(path: &str) -> bool {
    path.contains(['*', '?', '['])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_and_normalises() {
        assert_eq!(join("/src", "./bin/app"), "/src/bin/app");
        assert_eq!(join("/src", "/out//app/"), "/out/app");
        assert_eq!(join("/", "a/../b"), "/b");
        for (path, normal) in [
            ("/", "/"),
            ("/usr/bin", "/usr/bin"),
            ("usr/bin", "/usr/bin"),
            ("/usr/bin/", "/usr/bin"),
            ("/usr/./bin", "/usr/bin"),
            ("/usr/bin/.", "/usr/bin"),
            ("/usr/lib/..", "/usr"),
            ("//", "/"),
            ("/..", "/"),
            ("", "/"),
        ] {
            assert_eq!(normalize(path), normal, "{path:?}");
        }
        assert!(is_within("/etc/ssl/certs/x", "/etc/ssl"));
        assert!(!is_within("/etc/ssl2", "/etc/ssl"));
    }

    #[test]
    fn globs_match_within_segments() {
        assert!(glob_match("/out/*", "/out/app"));
        assert!(!glob_match("/out/*", "/out/a/b"));
        assert!(glob_match("/go/bin/app-[a-z]*", "/go/bin/app-linux"));
        assert!(glob_match("/bin/ap?", "/bin/app"));
    }
}
