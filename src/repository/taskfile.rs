//! Taskfile (go-task): `docker build` in a task's `cmds:`, run from the task's `dir:` (or the
//! Taskfile's folder). Like a Make target, a task runs on a developer's machine or in CI; its
//! name says what the image is for (`docker:dev`, `test:e2e`).

use std::path::Path;

use super::command_line::{docker_builds, first_build_line, pushes_image, to_config};
use super::yaml::{self, Node};
use super::{BuildConfig, ConfigKind, join_rel};
use crate::knowledge::conventions::{self, Intent};

/// The Taskfile names go-task looks for.
pub const TASKFILE_NAMES: &[&str] = &[
    "Taskfile.yml",
    "Taskfile.yaml",
    "taskfile.yml",
    "taskfile.yaml",
    "Taskfile.dist.yml",
    "Taskfile.dist.yaml",
];

/// A command's text: a string, or `{cmd: ...}` (`{task: ...}` calls another task).
fn command_text(node: &Node) -> Option<&str> {
    node.as_str().or_else(|| node.str_at("cmd"))
}

/// Go templates (`{{.IMAGE}}`) hold values not read here: written as a shell variable, the
/// word they are in is unknown and the rest of the command stays readable.
fn without_templates(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("{{") {
        out.push_str(&rest[..at]);
        match rest[at..].find("}}") {
            Some(end) => {
                out.push_str("${TASK_TEMPLATE}");
                rest = &rest[at + end + 2..];
            }
            None => {
                rest = &rest[at..];
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

pub fn read(file: &Path, text: &str, out: &mut Vec<BuildConfig>) -> Result<(), String> {
    if !super::command_line::may_hold_build_command(text) {
        return Ok(());
    }
    let docs = yaml::parse(text)?;
    let Some(doc) = docs.first() else {
        return Ok(());
    };
    let folder = file.parent().map(Path::to_path_buf).unwrap_or_default();
    for (name, task) in doc.get("tasks").map_or(&[][..], Node::entries) {
        let commands = task.get("cmds").map_or(&[][..], Node::items);
        let texts: Vec<&str> = commands.iter().filter_map(command_text).collect();
        if texts.is_empty() {
            continue;
        }
        let cwd = match task.str_at("dir") {
            None => Some(folder.clone()),
            Some(dir) if dir.contains("{{") => None,
            Some(dir) => join_rel(&folder, dir),
        };
        let Some(cwd) = cwd else {
            continue;
        };
        let script = without_templates(&texts.join("\n"));
        let pushes = pushes_image(&script);
        let first = first_build_line(text, &texts, task.line);
        // Namespaced names (`test:e2e`, `docker:dev`) are words too.
        let intent = conventions::name_intent(&name.replace(':', "-"))
            .map(|(intent, _)| intent)
            .filter(|intent| *intent != Intent::Ci);
        // Builds are numbered from the script's first line; each is placed at its own line.
        for build in docker_builds(&script, first) {
            if let Some(mut config) = to_config(
                &build,
                ConfigKind::Taskfile,
                file,
                &cwd,
                Some(name.clone()),
                pushes,
            ) {
                config.local = intent.or(config.local);
                out.push(config);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repository::ContextDir;
    use std::path::PathBuf;

    const TASKS: &str = r#"version: '3'
vars:
  IMAGE: ghcr.io/acme/api
tasks:
  docker:build:
    dir: deploy
    cmds:
      - docker build -t {{.IMAGE}}:{{.VERSION}} -f Dockerfile ..
      - cmd: docker push {{.IMAGE}}:{{.VERSION}}
  test:e2e:
    cmds:
      - task: docker:build
      - docker build -t api-e2e -f test/Dockerfile.e2e .
"#;

    #[test]
    fn reads_tasks_their_folders_and_what_they_are_for() {
        let mut out = Vec::new();
        read(Path::new("Taskfile.yml"), TASKS, &mut out).expect("read");
        assert_eq!(out.len(), 2, "{out:?}");
        assert_eq!(out[0].dockerfile, PathBuf::from("deploy/Dockerfile"));
        assert_eq!(out[0].context, ContextDir::Dir(PathBuf::new()));
        assert_eq!(out[0].line, 8);
        assert!(out[0].publishes);
        assert_eq!(out[0].local, None);
        assert_eq!(out[1].dockerfile, PathBuf::from("test/Dockerfile.e2e"));
        assert_eq!(out[1].local, Some(Intent::Test));
        assert!(!out[1].publishes);
    }

    #[test]
    fn templates_are_unknown_values() {
        assert_eq!(
            without_templates("a {{.X}} b {{ .Y"),
            "a ${TASK_TEMPLATE} b {{ .Y"
        );
    }

    #[test]
    fn malformed_yaml_is_an_error() {
        let mut out = Vec::new();
        assert!(
            read(
                Path::new("Taskfile.yml"),
                "tasks: [docker build .\n",
                &mut out
            )
            .is_err()
        );
    }
}
