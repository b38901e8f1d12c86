//! GitLab CI: `docker build` in a job's `script:`, in `.gitlab-ci.yml` and the files under
//! `.gitlab/` that it includes. A job runs in its `image:`; on `docker:20.10` and older, the
//! `docker build` of the image's own client is the classic builder unless `DOCKER_BUILDKIT=1`
//! asks for BuildKit (Docker Engine 23.0 made BuildKit the default).

use std::path::{Path, PathBuf};

use super::BuildConfig;
use super::command_line::{first_build_line, pushes_image, run_step_builds};
use super::yaml::{self, Node};
use crate::knowledge::conventions::{self, Intent};

/// Top-level keys that configure the pipeline rather than name a job.
const GLOBAL_KEYS: &[&str] = &[
    "default",
    "include",
    "stages",
    "variables",
    "workflow",
    "image",
    "services",
    "cache",
    "before_script",
    "after_script",
    "spec",
];

/// How deep `extends:` is followed (GitLab allows 11 levels; projects use one or two).
const MAX_EXTENDS: usize = 8;

/// The lines of a `script:` value: one string, or a list whose items may be lists (GitLab
/// flattens `!reference` and anchors that way).
fn script_lines(node: &Node, out: &mut Vec<String>) {
    match node.as_str() {
        Some(text) => out.push(text.to_string()),
        None => {
            for item in node.items() {
                script_lines(item, out);
            }
        }
    }
}

/// A key of the job, or of the jobs it extends (the nearest first).
fn inherited<'a>(doc: &'a Node, job: &'a Node, key: &str) -> Option<&'a Node> {
    let mut current = job;
    for _ in 0..MAX_EXTENDS {
        if let Some(value) = current.get(key) {
            return Some(value);
        }
        let parent = current.get("extends")?;
        let name = parent
            .as_str()
            .or_else(|| parent.items().last().and_then(Node::as_str))?;
        current = doc.get(name)?;
    }
    None
}

/// A `variables:` value that turns BuildKit on (`DOCKER_BUILDKIT: 1`).
fn asks_buildkit(variables: Option<&Node>) -> bool {
    variables
        .and_then(|v| v.get("DOCKER_BUILDKIT"))
        .and_then(|v| v.as_str().or_else(|| v.str_at("value")))
        .is_some_and(|v| v == "1" || v.eq_ignore_ascii_case("true"))
}

/// The image's name as written: `image: docker:20.10` or `image: {name: docker:20.10}`.
fn image_name(node: &Node) -> Option<&str> {
    node.as_str().or_else(|| node.str_at("name"))
}

/// A `docker` image whose client predates Docker 23.0 (`docker:20.10`, `docker:19.03.12-git`):
/// its `docker build` is the classic builder. Tags without a version (`latest`, `dind`,
/// `stable`) are left unknown.
fn classic_docker_client(image: &str) -> bool {
    let image = image.strip_prefix("docker.io/").unwrap_or(image);
    let image = image.strip_prefix("library/").unwrap_or(image);
    let Some(tag) = image.strip_prefix("docker:") else {
        return false;
    };
    let major = tag.split(['.', '-']).next().unwrap_or_default();
    major.parse::<u32>().is_ok_and(|m| m < 23)
}

/// A job runs on tags only (`only: [tags]`, `only: {refs: [tags]}`, or every rule asking for
/// `$CI_COMMIT_TAG`): a release job.
fn runs_on_tags(job: &Node) -> bool {
    let names_tags = |node: &Node| node.items().iter().any(|i| i.as_str() == Some("tags"));
    if let Some(only) = job.get("only")
        && (names_tags(only) || only.get("refs").is_some_and(names_tags))
    {
        return true;
    }
    let rules = job.get("rules").map_or(&[][..], Node::items);
    !rules.is_empty()
        && rules.iter().all(|rule| {
            rule.str_at("if").is_some_and(|cond| {
                cond.contains("CI_COMMIT_TAG")
                    && !cond.contains("== null")
                    && !cond.contains("== \"\"")
                    && !cond.contains("!~")
            }) || rule.str_at("when") == Some("never")
        })
}

pub fn read(file: &Path, text: &str, out: &mut Vec<BuildConfig>) -> Result<(), String> {
    if !super::command_line::may_hold_build_command(text) {
        return Ok(());
    }
    let docs = yaml::parse(text)?;
    let Some(doc) = docs.first() else {
        return Ok(());
    };
    let global_image = doc
        .get("image")
        .or_else(|| doc.get("default").and_then(|d| d.get("image")));
    let buildkit_everywhere = asks_buildkit(doc.get("variables"));
    for (job_name, job) in doc.entries() {
        if GLOBAL_KEYS.contains(&job_name.as_str()) {
            continue;
        }
        let mut lines = Vec::new();
        for key in ["before_script", "script"] {
            if let Some(script) = inherited(doc, job, key) {
                script_lines(script, &mut lines);
            }
        }
        if lines.is_empty() {
            continue;
        }
        let script = lines.join("\n");
        if !super::command_line::may_hold_build_command(&script) {
            continue;
        }
        let commands: Vec<&str> = lines.iter().map(String::as_str).collect();
        let first = first_build_line(text, &commands, job.line);
        let pushes = pushes_image(&script);
        let image = inherited(doc, job, "image")
            .or(global_image)
            .and_then(image_name);
        let classic = image.is_some_and(classic_docker_client)
            && !buildkit_everywhere
            && !asks_buildkit(inherited(doc, job, "variables"))
            && !script.contains("DOCKER_BUILDKIT=1");
        let stage = job.str_at("stage").unwrap_or_default();
        // A test job (`stage: test`, `integration-tests`) builds the images its tests run.
        let harness = (conventions::names_test_harness(job_name)
            || conventions::names_test_harness(stage))
        .then_some(Intent::Test);
        let mut builds = run_step_builds(
            file,
            &script,
            first,
            &PathBuf::new(),
            Some(job_name.clone()),
            pushes || runs_on_tags(job),
            classic,
        );
        for build in &mut builds {
            build.kind = super::ConfigKind::GitLab;
            build.local = build.local.or(harness);
        }
        out.extend(builds);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repository::ContextDir;

    const PIPELINE: &str = r#"stages: [test, release]
variables:
  IMAGE: $CI_REGISTRY_IMAGE
.docker:
  image: docker:20.10
  services: [docker:20.10-dind]
release-image:
  extends: .docker
  stage: release
  only: [tags]
  script:
    - docker build -f build/Dockerfile -t $IMAGE:$CI_COMMIT_TAG .
integration-tests:
  image: docker:27
  stage: test
  script:
    - docker build -t peer:ci -f test/Dockerfile.peer test
    - docker run peer:ci
"#;

    #[test]
    fn reads_jobs_their_images_and_what_they_are_for() {
        let mut out = Vec::new();
        read(Path::new(".gitlab-ci.yml"), PIPELINE, &mut out).expect("read");
        assert_eq!(out.len(), 2);
        let release = &out[0];
        assert_eq!(release.dockerfile, PathBuf::from("build/Dockerfile"));
        assert_eq!(release.context, ContextDir::Dir(PathBuf::new()));
        assert_eq!(release.line, 12);
        assert!(release.publishes);
        assert!(release.classic_builder);
        assert_eq!(release.local, None);
        let tests = &out[1];
        assert_eq!(tests.dockerfile, PathBuf::from("test/Dockerfile.peer"));
        assert!(!tests.publishes);
        assert!(!tests.classic_builder);
        assert_eq!(tests.local, Some(Intent::Test));
    }

    #[test]
    fn buildkit_asked_for_or_buildx_is_no_classic_build() {
        let asked = PIPELINE.replace("  IMAGE:", "  DOCKER_BUILDKIT: 1\n  IMAGE:");
        let mut out = Vec::new();
        read(Path::new(".gitlab-ci.yml"), &asked, &mut out).expect("read");
        assert!(!out[0].classic_builder);
        let buildx = PIPELINE.replace("docker build -f build", "docker buildx build -f build");
        let mut out = Vec::new();
        read(Path::new(".gitlab-ci.yml"), &buildx, &mut out).expect("read");
        assert!(!out[0].classic_builder);
    }

    #[test]
    fn docker_client_versions() {
        assert!(classic_docker_client("docker:20.10"));
        assert!(classic_docker_client("docker:19.03.12-git"));
        assert!(!classic_docker_client("docker:24.0.5"));
        assert!(!classic_docker_client("docker:latest"));
        assert!(!classic_docker_client("docker:stable"));
        assert!(!classic_docker_client("golang:1.20"));
    }

    #[test]
    fn malformed_yaml_is_an_error() {
        let mut out = Vec::new();
        assert!(
            read(
                Path::new(".gitlab-ci.yml"),
                "a: [docker build .\n",
                &mut out
            )
            .is_err()
        );
    }
}
