//! Go binaries built by commands gopherlint cannot read (`RUN make build`, `./build.sh`):
//! decided from what the final stage copies out of a Go stage and what that stage runs, not
//! from whether the stage happens to run some other `go install` too.

use super::{CopySource, Model, paths};

/// Programs that drive a build without showing its `go build` line.
const BUILD_DRIVERS: &[&str] = &[
    "make",
    "gmake",
    "mage",
    "task",
    "just",
    "bazel",
    "bazelisk",
    "goreleaser",
    "ko",
    "earthly",
    "xx-go-build",
];

/// File extensions of things that are not executables (site output, configs, scripts).
const DATA_EXTENSIONS: &[&str] = &[
    "html", "htm", "css", "js", "mjs", "json", "yaml", "yml", "toml", "md", "txt", "conf", "cfg",
    "ini", "xml", "sh", "py", "sql", "pem", "crt", "key", "png", "svg", "ico", "jpg", "jpeg",
    "gif", "map", "tmpl", "tpl", "gz", "tgz", "tar", "zip", "deb", "rpm", "csv", "proto",
];

/// Names of directories that hold data rather than binaries.
const DATA_NAMES: &[&str] = &[
    "public",
    "dist",
    "static",
    "www",
    "site",
    "docs",
    "assets",
    "templates",
    "web",
    "ui",
    "config",
    "configs",
    "migrations",
    "scripts",
    "frontend",
    "locales",
    "i18n",
    "license",
    "readme",
    "node_modules",
    "src",
    "go.mod",
    "go.sum",
];

/// A copied path that may be an executable: no data extension, not a data directory, not
/// a system, Go distribution or module cache location.
fn looks_like_binary(path: &str) -> bool {
    let path = paths::normalize(path);
    if path == "/"
        || [
            "/etc",
            "/usr/share",
            "/usr/local/go",
            "/go/pkg",
            "/root/.cache",
            "/tmp",
        ]
        .iter()
        .any(|dir| paths::is_within(&path, dir))
    {
        return false;
    }
    let name = paths::basename(&path).to_ascii_lowercase();
    if DATA_NAMES.contains(&name.as_str()) {
        return false;
    }
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => !DATA_EXTENSIONS.contains(&ext),
        _ => true,
    }
}

/// A binary built where gopherlint cannot see the `go build`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpaqueBinary {
    /// The stage that builds it.
    pub stage: usize,
    /// Where it lands in the final image; `None` when that cannot be told.
    pub landing: Option<String>,
}

impl Model<'_> {
    /// Whether a stage chain runs a build command whose go build gopherlint cannot see.
    fn runs_opaque_build(&self, stage: usize) -> bool {
        let chain = self.chain(stage);
        self.runs
            .iter()
            .filter(|r| chain.contains(&r.stage))
            .flat_map(|r| r.script.commands.iter())
            .any(|command| {
                let Some(program) = command.program() else {
                    return false;
                };
                let first = command.argv[0].text.as_str();
                let script_arg = matches!(program, "sh" | "bash" | "ash")
                    && command
                        .argv
                        .get(1)
                        .is_some_and(|a| a.text.ends_with(".sh") || a.text.contains('/'));
                BUILD_DRIVERS.contains(&program)
                    || program.ends_with(".sh")
                    || first.starts_with("./")
                    || (first.contains('/') && !first.starts_with('/'))
                    || script_arg
            })
    }

    /// Whether a visible go build in the stage's chain explains a copied path (its output is
    /// that path, inside it, or unknown).
    fn explained_by_build(&self, stage: usize, path: &str) -> bool {
        let chain = self.chain(stage);
        self.go_builds
            .iter()
            .filter(|b| chain.contains(&b.stage))
            .any(|b| match b.output.as_ref().and_then(|o| o.usable()) {
                None => true,
                Some(out) => paths::is_within(out, &paths::normalize(path)),
            })
    }

    /// Binaries built by unseen commands in Go stages and copied into the final image: the
    /// stage that built each, and where it lands (`None` for an unknown place).
    pub fn opaque_go_copies(&self) -> Vec<OpaqueBinary> {
        let chain = self.final_chain();
        let mut out = Vec::new();
        for copy in self.final_copies() {
            let CopySource::Stage(source) = copy.source else {
                continue;
            };
            if chain.contains(&source) {
                continue;
            }
            let go_stage = self.stages[source].facts.is_go_toolchain();
            if !go_stage || !self.runs_opaque_build(source) {
                continue;
            }
            let landings = copy.landing_paths();
            for (i, src) in copy.sources.iter().enumerate() {
                let Some(path) = src.usable() else {
                    continue;
                };
                if !looks_like_binary(path) || self.explained_by_build(source, path) {
                    continue;
                }
                out.push(OpaqueBinary {
                    stage: source,
                    landing: landings.get(i).cloned().unwrap_or(None),
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::looks_like_binary;

    #[test]
    fn binaries_and_data() {
        assert!(looks_like_binary("/src/bin/server"));
        assert!(looks_like_binary("/out/app.exe"));
        assert!(looks_like_binary("/go/bin/"));
        assert!(!looks_like_binary("/src/public"));
        assert!(!looks_like_binary("/src/site/index.html"));
        assert!(!looks_like_binary("/etc/ssl/certs/ca-certificates.crt"));
        assert!(!looks_like_binary("/usr/local/go"));
        assert!(!looks_like_binary("/app/config.yaml"));
    }
}
