//! What several test files share: reading a rule doc's examples and the build context they
//! describe, and writing the files of a repository made for a test.

#![allow(dead_code)]

use gopherlint::LintOptions;

/// The ```dockerfile blocks under a `## <heading>` section.
pub fn examples<'a>(doc: &'a str, heading: &str) -> Vec<&'a str> {
    let Some(start) = doc.find(&format!("## {heading}\n")) else {
        return Vec::new();
    };
    let section = &doc[start + heading.len() + 4..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    section
        .split("```dockerfile\n")
        .skip(1)
        .filter_map(|block| block.split("```").next())
        .collect()
}

/// The first block of a kind (```go.mod, ```.dockerignore, ```context) under a heading.
fn block<'a>(doc: &'a str, heading: &str, kind: &str) -> Option<&'a str> {
    let start = doc.find(&format!("## {heading}\n"))?;
    let section = &doc[start + heading.len() + 4..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    let after = section.split(&format!("```{kind}\n")).nth(1)?;
    after.split("```").next()
}

/// The lint options for a section's examples: the build context its ```go.mod,
/// ```.dockerignore and ```context (the names in the context root) blocks describe.
pub fn options_for(doc: &str, heading: &str) -> LintOptions {
    use gopherlint::context::{BuildContext, DockerIgnore, GoMod, Read};
    let go_mod = block(doc, heading, "go.mod");
    let ignore = block(doc, heading, ".dockerignore");
    let listing = block(doc, heading, "context");
    if go_mod.is_none() && ignore.is_none() && listing.is_none() {
        return LintOptions::default();
    }
    let mut context = BuildContext::absent("ctx");
    context.exists = true;
    context.go_mod = go_mod.map_or(Read::Missing, |t| Read::Read(GoMod::parse(t)));
    if let Some(text) = ignore {
        context.dockerignore = Read::Read(DockerIgnore::parse(text));
        context.dockerignore_name = Some(".dockerignore".into());
    }
    context.git = listing.is_some_and(|l| l.lines().any(|n| n.trim_end_matches('/') == ".git"));
    LintOptions {
        context: Some(std::sync::Arc::new(context)),
        ..LintOptions::default()
    }
}

/// Writes `text` to `path` under `dir`, making its folders.
pub fn write(dir: &std::path::Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// What the binary prints on standard output when run in `dir` with `args`.
pub fn stdout_in(dir: &std::path::Path, args: &[&str]) -> String {
    let output = assert_cmd::Command::cargo_bin("gopherlint")
        .expect("binary")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("runs");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A repository root (it has `.git`) holding a module: go.mod with `go_mod`, an empty go.sum,
/// and a `.dockerignore` that leaves `.git` out.
pub fn module_repo(go_mod: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join(".git")).expect(".git");
    write(dir.path(), "go.mod", go_mod);
    write(dir.path(), "go.sum", "");
    write(dir.path(), ".dockerignore", ".git\n");
    dir
}

/// Each linted file's path and image class, as the JSON report gives them for a run in `dir`.
pub fn classes_in(dir: &std::path::Path) -> Vec<(String, String)> {
    let out = stdout_in(
        dir,
        &["--format", "json", "--failure-threshold", "none", "."],
    );
    let json: serde_json::Value = serde_json::from_str(&out).expect("json");
    json["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or("").to_string(),
                f["image_class"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}
