//! Compose files: each service's `build`.

use std::path::{Path, PathBuf};

use super::yaml::{self, Node};
use super::{BuildConfig, ConfigKind, ContextDir, join_rel, normalize};
use crate::knowledge::conventions::{self, Intent};
use crate::knowledge::{shells, tools};

/// `args` as a map (`VERSION: "1.2"`) or a list (`- VERSION=1.2`, `- VERSION` from the
/// environment).
fn args(node: Option<&Node>) -> Vec<(String, Option<String>)> {
    let Some(node) = node else {
        return Vec::new();
    };
    let known = |v: &str| (!v.contains('$')).then(|| v.to_string());
    let mut out: Vec<(String, Option<String>)> = node
        .entries()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().and_then(known)))
        .collect();
    out.extend(node.items().iter().filter_map(Node::as_str).map(
        |item| match item.split_once('=') {
            Some((k, v)) => (k.to_string(), known(v)),
            None => (item.to_string(), None),
        },
    ));
    out
}

/// What the compose file's name, its directory or the service's name says the build is for
/// (`docker-compose.dev.yml`, `test/e2e/compose.yaml`, a service `tests`).
fn local_intent(file: &Path, service: &str) -> Option<Intent> {
    let name = file
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    if let Some((intent, _)) = conventions::name_intent(name) {
        return Some(intent);
    }
    if let Some(intent) = super::folder_intent(file) {
        return Some(intent);
    }
    conventions::name_intent(service).map(|(intent, _)| intent)
}

/// A program of the base image that the service runs in its container: the shell of a
/// `command` or `entrypoint` such as `sh -c 'app serve & ...'`, or what its healthcheck runs
/// (a string `test` or `CMD-SHELL` runs `/bin/sh`; `["CMD", "netstat", ...]` runs netstat).
fn base_program_run(service: &Node) -> Option<String> {
    let first_word = |node: &Node| -> Option<String> {
        match node.as_str() {
            Some(text) => text.split_whitespace().next().map(str::to_string),
            None => node
                .items()
                .first()
                .and_then(Node::as_str)
                .map(str::to_string),
        }
    };
    let from_os = |program: &str| {
        let name = crate::paths::basename(program);
        (shells::is_posix_shell(name) || tools::BASE_UTILITIES.contains(&name))
            .then(|| name.to_string())
    };
    for key in ["entrypoint", "command"] {
        if let Some(program) = service.get(key).and_then(first_word)
            && let Some(name) = from_os(&program)
        {
            return Some(name);
        }
    }
    let test = service.get("healthcheck")?.get("test")?;
    if test.as_str().is_some() {
        return Some("sh".to_string());
    }
    let items: Vec<&str> = test.items().iter().filter_map(Node::as_str).collect();
    match items.as_slice() {
        ["CMD-SHELL", ..] => Some("sh".to_string()),
        ["CMD", program, ..] => from_os(program),
        _ => None,
    }
}

pub fn read(file: &Path, text: &str, out: &mut Vec<BuildConfig>) -> Result<(), String> {
    if !text.contains("build") {
        return Ok(());
    }
    let docs = yaml::parse(text)?;
    let Some(doc) = docs.first() else {
        return Ok(());
    };
    let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
    for (service, spec) in doc.get("services").map_or(&[][..], Node::entries) {
        let Some(build) = spec.get("build") else {
            continue;
        };
        // `build: ./dir` is the context alone.
        let (context_text, dockerfile_text) = match build.as_str() {
            Some(c) => (Some(c), None),
            None => (build.str_at("context"), build.str_at("dockerfile")),
        };
        if build.get("dockerfile_inline").is_some() {
            continue;
        }
        let context_text = context_text.unwrap_or(".");
        if context_text.contains("://") || context_text.starts_with("git@") {
            continue;
        }
        let context = match join_rel(&dir, context_text) {
            Some(c) => ContextDir::Dir(c),
            None => ContextDir::Unknown,
        };
        let ContextDir::Dir(context_dir) = &context else {
            continue;
        };
        let dockerfile: PathBuf = match dockerfile_text {
            None => normalize(&context_dir.join("Dockerfile")),
            Some(f) => match join_rel(context_dir, f) {
                Some(p) => p,
                None => continue,
            },
        };
        out.push(BuildConfig {
            kind: ConfigKind::Compose,
            file: file.to_path_buf(),
            line: build.line,
            name: Some(service.clone()),
            dockerfile,
            context,
            target: build
                .str_at("target")
                .filter(|t| !t.contains('$'))
                .map(str::to_string),
            args: args(build.get("args")),
            platforms_unread: build.get("platforms").is_some_and(|list| {
                list.items()
                    .iter()
                    .any(|p| p.as_str().is_none_or(|p| p.contains('$')))
            }),
            platforms: build
                .get("platforms")
                .map_or(&[][..], Node::items)
                .iter()
                .filter_map(Node::as_str)
                .filter(|p| !p.contains('$'))
                .map(str::to_string)
                .collect(),
            publishes: false,
            local: local_intent(file, service),
            released: None,
            runs_in_image: base_program_run(spec),
            only_if_absent: None,
            documented: None,
            no_cache: build.get("no_cache").is_some_and(Node::is_true),
            git_checkout: false,
            classic_builder: false,
            tags: spec
                .str_at("image")
                .filter(|i| !i.contains('$'))
                .map(str::to_string)
                .into_iter()
                .collect(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_services() {
        let text = "services:\n  api:\n    build: .\n  dev:\n    build:\n      context: ..\n      dockerfile: hack/dev.Dockerfile\n      target: dev\n      args:\n        GO_VERSION: \"1.23\"\n        TOKEN: ${TOKEN}\n  db:\n    image: postgres\n";
        let mut out = Vec::new();
        read(Path::new("deploy/compose.yaml"), text, &mut out).expect("reads");
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].dockerfile, PathBuf::from("deploy/Dockerfile"));
        assert_eq!(out[0].local, None);
        assert_eq!(out[1].dockerfile, PathBuf::from("hack/dev.Dockerfile"));
        assert_eq!(out[1].context, ContextDir::Dir(PathBuf::new()));
        assert_eq!(out[1].line, 6);
        assert_eq!(out[1].local, Some(Intent::Dev));
        assert_eq!(
            out[1].args,
            vec![
                ("GO_VERSION".into(), Some("1.23".into())),
                ("TOKEN".into(), None)
            ]
        );
    }
}
