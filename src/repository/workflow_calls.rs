//! A workflow job that calls a reusable workflow (`jobs.<id>.uses: org/.github/.github/workflows/
//! docker.yml@v1`) with a Dockerfile among its inputs: the called workflow, which another
//! repository may hold, builds that file. What it does with the image cannot be read here, so
//! the build says neither that it publishes nor that it is local: only that it exists.

use std::path::Path;

use super::yaml::Node;
use super::{BuildConfig, ContextDir};

/// The inputs with which reusable workflows are commonly given the Dockerfile to build.
const DOCKERFILE_INPUTS: &[&str] = &["dockerfile", "dockerfile-path", "dockerfile_path", "file"];

/// The text may hold a job that calls a reusable workflow with a Dockerfile input.
pub(super) fn may_call_build(text: &str) -> bool {
    text.contains("uses:")
        && DOCKERFILE_INPUTS
            .iter()
            .any(|k| text.contains(&format!("{k}:")))
}

/// The build a job that calls a reusable workflow makes, from its Dockerfile input. A called
/// workflow named for linting (`reusable_dockerfile_lint.yml`) reads the file, not builds it.
pub(super) fn called_build(file: &Path, job: &Node, job_name: &str) -> Option<BuildConfig> {
    let called = job.str_at("uses")?;
    let workflow = called.split('@').next().unwrap_or(called);
    let workflow_name = workflow
        .rsplit('/')
        .next()
        .unwrap_or(workflow)
        .to_ascii_lowercase();
    if !workflow_name.ends_with(".yml") && !workflow_name.ends_with(".yaml") {
        return None;
    }
    if workflow_name.contains("lint") {
        return None;
    }
    let with = job.get("with")?;
    let dockerfile = DOCKERFILE_INPUTS
        .iter()
        .find_map(|key| with.str_at(key))
        .filter(|value| !value.contains("${{"))?;
    let dockerfile = super::join_rel(Path::new(""), dockerfile)?;
    Some(BuildConfig {
        platforms_unread: true,
        ..super::workflows::action_build(file, job, job_name, dockerfile, ContextDir::Unknown, None)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repository::yaml;

    fn job(text: &str) -> Node {
        yaml::parse(text)
            .expect("valid YAML")
            .into_iter()
            .next()
            .expect("one document")
    }

    #[test]
    fn a_called_pipeline_builds_its_dockerfile_input() {
        let pipeline = job(
            "uses: acme/.github/.github/workflows/reusable_dockerfile_pipeline.yml@v0.6.5\nwith:\n  dockerfile: Dockerfile\n",
        );
        let build = called_build(
            Path::new(".github/workflows/docker.yml"),
            &pipeline,
            "docker",
        )
        .expect("a build");
        assert_eq!(build.dockerfile, Path::new("Dockerfile"));
        assert!(!build.publishes && build.local.is_none());
        let lint = job(
            "uses: acme/.github/.github/workflows/reusable_dockerfile_lint.yml@v1\nwith:\n  dockerfile: Dockerfile\n",
        );
        assert!(called_build(Path::new("ci.yml"), &lint, "lint").is_none());
        let action = job("uses: docker/build-push-action@v6\nwith:\n  file: Dockerfile\n");
        assert!(called_build(Path::new("ci.yml"), &action, "x").is_none());
    }
}
