//! GitHub workflows: `docker/build-push-action` steps and `docker build` in `run:` steps.

use std::path::{Path, PathBuf};

use super::command_line::run_step_builds;
use super::workflow_matrix::{self, Combination};
use super::yaml::{self, Node};
use super::{BuildConfig, ConfigKind, ContextDir, join_rel, normalize};
use crate::knowledge::conventions::{self, Intent};

/// The workflow runs on tags or releases: what it builds is what the project publishes.
fn runs_on_release(on: Option<&Node>) -> bool {
    let Some(on) = on else {
        return false;
    };
    let names = |node: &Node| -> Vec<String> {
        match node.as_str() {
            Some(s) => vec![s.to_string()],
            None => node
                .items()
                .iter()
                .filter_map(|n| n.as_str().map(str::to_string))
                .chain(node.entries().iter().map(|(k, _)| k.clone()))
                .collect(),
        }
    };
    if names(on).iter().any(|n| n == "release") {
        return true;
    }
    on.get("push")
        .is_some_and(|push| push.get("tags").is_some())
}

/// A list input: a YAML list, or a string of comma- or newline-separated items.
fn list(node: Option<&Node>) -> Vec<String> {
    let Some(node) = node else {
        return Vec::new();
    };
    let items: Vec<String> = match node.as_str() {
        Some(s) => return list_text(s),
        None => node
            .items()
            .iter()
            .filter_map(|n| n.as_str().map(str::to_string))
            .collect(),
    };
    items
        .into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty() && !s.starts_with('#'))
        .collect()
}

/// The items of a list written as one scalar, separated by commas or lines.
fn list_text(text: &str) -> Vec<String> {
    without_expressions(text)
        .split([',', '\n'])
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty() && !s.starts_with('#'))
        .collect()
}

/// A list with `${{ ... }}` expressions in it, each replaced by the quoted values it can give
/// that look like list items (`${{ cond && 'linux/amd64' || 'linux/amd64,linux/arm64' }}`
/// gives both lists: every platform some run builds). An expression with no such literal
/// (`${{ matrix.platform }}`) is dropped: what it gives is not known here.
fn without_expressions(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find("${{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 3..];
        let Some(close) = after.find("}}") else {
            return out;
        };
        let literals: Vec<&str> = after[..close]
            .split('\'')
            .skip(1)
            .step_by(2)
            .filter(|l| l.contains('/') && !l.contains(char::is_whitespace))
            .collect();
        out.push(',');
        out.push_str(&literals.join(","));
        out.push(',');
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    out
}

/// Each item once, in first-seen order.
fn dedup(items: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// `build-args`: `NAME=value` lines; a value holding an expression is not read.
fn build_args(node: Option<&Node>) -> Vec<(String, Option<String>)> {
    let Some(text) = node.and_then(Node::as_str) else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|l| {
            let (k, v) = l.trim().split_once('=')?;
            let k = k.trim();
            (!k.is_empty() && !k.contains("${{")).then(|| {
                let v = v.trim();
                (k.to_string(), (!v.contains("${{")).then(|| v.to_string()))
            })
        })
        .collect()
}

/// An action's context input (`context`, `workdir`), from the workspace root: the checkout
/// itself when the step does not set it, unknown when it is an expression.
fn context_input(value: Option<String>) -> ContextDir {
    match value {
        None => ContextDir::Dir(PathBuf::new()),
        Some(dir) => match join_rel(Path::new(""), &dir) {
            Some(dir) => ContextDir::Dir(dir),
            None => ContextDir::Unknown,
        },
    }
}

/// `outer` with the scalar variables of an `env:` map added, each replacing one of the same
/// name: a step's over its job's, a job's over its workflow's.
fn with_env(outer: &[(String, String)], env: Option<&Node>) -> Vec<(String, String)> {
    let mut values = outer.to_vec();
    for (name, node) in env.map_or(&[][..], Node::entries) {
        let Some(value) = node.as_str() else {
            continue;
        };
        values.retain(|(n, _)| n != name);
        values.push((name.clone(), value.to_string()));
    }
    values
}

/// A build by an action step of job `job`: what every such build records, before the inputs
/// each action has of its own (build args, platforms, publication).
pub(super) fn action_build(
    file: &Path,
    step: &Node,
    job: &str,
    dockerfile: PathBuf,
    context: ContextDir,
    target: Option<String>,
) -> BuildConfig {
    BuildConfig {
        kind: ConfigKind::Workflow,
        file: file.to_path_buf(),
        line: step.line,
        name: Some(job.to_string()),
        dockerfile,
        context,
        target: target.filter(|t| !t.contains("${{")),
        args: Vec::new(),
        platforms: Vec::new(),
        platforms_unread: false,
        publishes: false,
        local: None,
        released: None,
        runs_in_image: None,
        only_if_absent: None,
        documented: None,
        no_cache: false,
        tags: Vec::new(),
        git_checkout: false,
        classic_builder: false,
    }
}

/// The build-push-action's name for the Git context it builds by default.
const DEFAULT_CONTEXT: &str = "{{defaultContext}}";
/// The build argument that keeps `.git` in a Git context.
const KEEP_GIT_DIR: &str = "BUILDKIT_CONTEXT_KEEP_GIT_DIR";

/// A `docker/build-push-action` step. Its `context` and `file` are read from the workspace
/// root; with no `file`, the Dockerfile is the context's. With no `context`, the action builds
/// the Git checkout itself (the repository root).
fn build_push_step(
    file: &Path,
    step: &Node,
    job: &str,
    env: &[(String, String)],
    on_release: bool,
    combination: Option<&Combination>,
) -> Option<BuildConfig> {
    let with = step.get("with");
    let env = with_env(env, step.get("env"));
    let resolve = |text: &str| {
        let text = match combination {
            Some(c) => workflow_matrix::substitute(text, c),
            None => text.to_string(),
        };
        workflow_matrix::substitute_values(&text, "env.", &env)
    };
    let input = |key: &str| with.and_then(|w| w.str_at(key)).map(resolve);
    // With no `context`, or `{{defaultContext}}` (`{{defaultContext}}:docker` for a folder of
    // it), the action builds the Git checkout BuildKit fetches, not the workspace.
    let (context, git_checkout) = match input("context") {
        None => (ContextDir::Dir(PathBuf::new()), true),
        Some(text) => match text.trim().strip_prefix(DEFAULT_CONTEXT) {
            Some(rest) => (
                context_input(rest.strip_prefix(':').map(str::to_string)),
                true,
            ),
            None => (context_input(Some(text)), false),
        },
    };
    let args = build_args(with.and_then(|w| w.get("build-args")));
    let keeps_git_dir = args.iter().any(|(name, value)| {
        name == KEEP_GIT_DIR
            && value
                .as_deref()
                .is_some_and(|v| v.trim() != "0" && !v.trim().eq_ignore_ascii_case("false"))
    });
    let dockerfile = match (input("file"), &context) {
        (Some(f), _) => join_rel(Path::new(""), &f)?,
        (None, ContextDir::Dir(dir)) => normalize(&dir.join("Dockerfile")),
        (None, _) => return None,
    };
    // `platforms: ${{ env.PLATFORMS }}` read through the workflow's, job's or step's `env`.
    let (platforms, platforms_unread) = match with.and_then(|w| w.get("platforms")) {
        None => (Vec::new(), false),
        Some(node) => match node.as_str() {
            Some(text) => {
                let text = resolve(text);
                (list_text(&text), text.contains("${{"))
            }
            None => (
                list(Some(node)),
                node.items()
                    .iter()
                    .any(|i| i.as_str().is_none_or(|s| s.contains("${{"))),
            ),
        },
    };
    let push = with.and_then(|w| w.get("push"));
    // `push: ${{ github.event_name != 'pull_request' }}` pushes on some events: it publishes.
    // Or an output that pushes: `type=registry`, or `type=image,...,push=true` (by digest, for a
    // multi-platform manifest a later job assembles).
    let pushing_output = input("outputs").is_some_and(|o| {
        o.split([',', '\n'])
            .map(str::trim)
            .any(|part| part == "type=registry" || part == "push=true")
    });
    let publishes = on_release
        || pushing_output
        || push.is_some_and(|p| p.is_true() || p.as_str().is_some_and(|s| s.contains("${{")));
    Some(BuildConfig {
        args,
        git_checkout: git_checkout && !keeps_git_dir,
        classic_builder: false,
        platforms: dedup(platforms),
        platforms_unread,
        publishes,
        no_cache: input("no-cache").is_some_and(|v| v.trim().eq_ignore_ascii_case("true")),
        ..action_build(file, step, job, dockerfile, context, input("target"))
    })
}

/// A build-push step once per matrix combination when its Dockerfile or context is a matrix
/// value (`file: ${{ matrix.dockerfile }}`): one build of each file the job builds.
fn build_push_steps<'a>(
    file: &Path,
    step: &Node,
    job: &str,
    env: &[(String, String)],
    on_release: bool,
    combinations: impl FnOnce() -> &'a [Combination],
) -> Vec<BuildConfig> {
    let with = step.get("with");
    let by_matrix = ["file", "context"].iter().any(|key| {
        with.and_then(|w| w.str_at(key))
            .is_some_and(workflow_matrix::refers_to_matrix)
    });
    let combinations = if by_matrix { combinations() } else { &[] };
    if combinations.is_empty() {
        return build_push_step(file, step, job, env, on_release, None)
            .into_iter()
            .collect();
    }
    let mut builds: Vec<BuildConfig> = Vec::new();
    for combination in combinations {
        if let Some(build) = build_push_step(file, step, job, env, on_release, Some(combination))
            && !builds.contains(&build)
        {
            builds.push(build);
        }
    }
    builds
}

/// HashiCorp's release action (`hashicorp/actions-docker-build`): it builds `dockerfile`
/// (default `Dockerfile`) in `workdir` (default the checkout) at the required `target`, and
/// tags the image for its release registries.
const HASHICORP_BUILD_ACTION: &str = "hashicorp/actions-docker-build";

fn hashicorp_build_step(file: &Path, step: &Node, job: &str) -> Option<BuildConfig> {
    let with = step.get("with");
    let input = |key: &str| with.and_then(|w| w.str_at(key)).map(str::to_string);
    let context = context_input(input("workdir"));
    let ContextDir::Dir(dir) = &context else {
        return None;
    };
    let dockerfile = join_rel(
        dir,
        &input("dockerfile").unwrap_or_else(|| "Dockerfile".into()),
    )?;
    let arch = input("arch");
    Some(BuildConfig {
        platforms: arch
            .iter()
            .filter(|a| !a.contains("${{"))
            .map(|a| format!("linux/{a}"))
            .collect(),
        platforms_unread: arch.as_deref().is_some_and(|a| a.contains("${{")),
        publishes: true,
        ..action_build(file, step, job, dockerfile, context, input("target"))
    })
}

/// A workflow, or one of its jobs, may build an image: it uses build-push-action or runs a
/// build command.
fn may_build(text: &str) -> bool {
    text.contains("docker/build-push-action")
        || text.contains(HASHICORP_BUILD_ACTION)
        || super::workflow_calls::may_call_build(text)
        || super::command_line::may_hold_build_command(text)
}

pub fn read(file: &Path, text: &str, out: &mut Vec<BuildConfig>) -> Result<(), String> {
    // Most workflows build no image (they log in, set up buildx, run tests): skip the parse
    // unless a step can build one, and parse only the jobs that can.
    if !may_build(text) {
        return Ok(());
    }
    let building = super::workflow_jobs::building_jobs_only(text, may_build);
    let text = building.as_deref().unwrap_or(text);
    let docs = yaml::parse(text)?;
    let Some(doc) = docs.first() else {
        return Ok(());
    };
    // `on:` is YAML 1.1's boolean true to some parsers; saphyr reads YAML 1.2, where it is a key.
    let on_release = runs_on_release(doc.get("on").or_else(|| doc.get("true")));
    let default_dir = |node: &Node| {
        node.get("defaults")
            .and_then(|d| d.get("run"))
            .and_then(|r| r.str_at("working-directory"))
            .map(str::to_string)
    };
    let workflow_dir = default_dir(doc);
    let workflow_env = with_env(&[], doc.get("env"));
    let file_name = file
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    for (job_name, job) in doc.get("jobs").map_or(&[][..], Node::entries) {
        // A job of a test-harness workflow (`test-integration.yaml`, a job `e2e`) builds the
        // images its tests run: that is what they are for, unless a build publishes them.
        let harness = (conventions::names_test_harness(file_name)
            || conventions::names_test_harness(job_name))
        .then_some(Intent::Test);
        let first_new = out.len();
        // A call of a reusable workflow with the Dockerfile as an input builds it elsewhere.
        if let Some(build) = super::workflow_calls::called_build(file, job, job_name) {
            out.push(build);
        }
        let job_dir = default_dir(job).or_else(|| workflow_dir.clone());
        let env = with_env(&workflow_env, job.get("env"));
        // Worked out when a build step first reads a matrix value: most jobs' steps do not.
        let combinations: std::cell::OnceCell<Vec<Combination>> = std::cell::OnceCell::new();
        for step in job.get("steps").map_or(&[][..], Node::items) {
            if let Some(uses) = step.str_at("uses") {
                if uses.starts_with("docker/build-push-action") {
                    out.extend(build_push_steps(
                        file,
                        step,
                        job_name,
                        &env,
                        on_release,
                        || combinations.get_or_init(|| workflow_matrix::combinations(job)),
                    ));
                } else if uses.starts_with(HASHICORP_BUILD_ACTION) {
                    out.extend(hashicorp_build_step(file, step, job_name));
                }
                continue;
            }
            let Some(run) = step.get("run") else {
                continue;
            };
            let Some(script) = run.as_str() else {
                continue;
            };
            let dir = step
                .str_at("working-directory")
                .map(str::to_string)
                .or_else(|| job_dir.clone());
            let cwd = match dir {
                None => Some(PathBuf::new()),
                Some(d) => join_rel(Path::new(""), &d),
            };
            let Some(cwd) = cwd else {
                continue;
            };
            // Where the script's first line is in the file (a block scalar, `run: |`, starts
            // after its key; parsers mark either line).
            let first_text = script.lines().next().unwrap_or_default().trim();
            let first = super::line_of(text, first_text, run.line.saturating_sub(1).max(1));
            let pushes = super::command_line::pushes_image(script);
            out.extend(run_step_builds(
                file,
                script,
                first,
                &cwd,
                Some(job_name.clone()),
                pushes || on_release,
                false,
            ));
        }
        for config in &mut out[first_new..] {
            config.local = config.local.or(harness);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const RELEASE: &str = r#"name: release
on:
  push:
    tags: ["v*"]
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: docker/build-push-action@v6
        with:
          context: .
          file: build/Dockerfile
          platforms: linux/amd64,linux/arm64
          build-args: |
            LDFLAGS=-s -w -X main.version=1.4.0
            COMMIT=${{ github.sha }}
          push: true
  smoke:
    runs-on: ubuntu-latest
    defaults:
      run:
        working-directory: test
    steps:
      - run: |
          docker build -t smoke -f e2e.Dockerfile .
"#;

    #[test]
    fn platforms_from_an_expression_are_the_ones_it_can_give() {
        let scalar = |text: &str| Node {
            line: 1,
            value: yaml::Value::Scalar(text.into()),
        };
        let node = scalar(
            "${{ github.event_name == 'pull_request' && 'linux/amd64' || 'linux/amd64,linux/arm64' }}",
        );
        assert_eq!(dedup(list(Some(&node))), vec!["linux/amd64", "linux/arm64"]);
        let matrix = scalar("${{ matrix.platform }}");
        assert!(list(Some(&matrix)).is_empty());
    }

    #[test]
    fn reads_build_push_action_and_run_steps() {
        let mut out = Vec::new();
        read(
            Path::new(".github/workflows/release.yml"),
            RELEASE,
            &mut out,
        )
        .expect("reads");
        assert_eq!(out.len(), 2);
        let image = &out[0];
        assert_eq!(image.dockerfile, PathBuf::from("build/Dockerfile"));
        assert_eq!(image.context, ContextDir::Dir(PathBuf::new()));
        assert_eq!(image.line, 10);
        assert!(image.publishes);
        assert_eq!(image.platforms, vec!["linux/amd64", "linux/arm64"]);
        assert_eq!(
            image.args,
            vec![
                ("LDFLAGS".into(), Some("-s -w -X main.version=1.4.0".into())),
                ("COMMIT".into(), None)
            ]
        );
        let smoke = &out[1];
        assert_eq!(smoke.dockerfile, PathBuf::from("test/e2e.Dockerfile"));
        assert_eq!(smoke.context, ContextDir::Dir(PathBuf::from("test")));
        assert_eq!(smoke.line, 26);
        // A run step of a workflow run on tags is part of the release.
        assert!(smoke.publishes);
    }

    #[test]
    fn reads_hashicorps_release_action() {
        let text = "on: push
jobs:
  build-docker:
    strategy:
      matrix:
        arch: [amd64, arm64]
    steps:
      - uses: hashicorp/actions-docker-build@v2
        with:
          target: crt
          arch: ${{ matrix.arch }}
          dockerfile: CRT.Dockerfile
          workdir: control-plane
      - uses: hashicorp/actions-docker-build@v2
        with:
          target: default
          arch: amd64
";
        let mut out = Vec::new();
        read(Path::new(".github/workflows/build.yml"), text, &mut out).expect("reads");
        assert_eq!(out.len(), 2);
        assert_eq!(
            out[0].dockerfile,
            PathBuf::from("control-plane/CRT.Dockerfile")
        );
        assert_eq!(
            out[0].context,
            ContextDir::Dir(PathBuf::from("control-plane"))
        );
        assert_eq!(out[0].target.as_deref(), Some("crt"));
        assert!(out[0].publishes && out[0].platforms_unread);
        assert_eq!(out[1].dockerfile, PathBuf::from("Dockerfile"));
        assert_eq!(out[1].target.as_deref(), Some("default"));
        assert_eq!(out[1].platforms, vec!["linux/amd64"]);
    }

    /// A matrix of mappings names each Dockerfile (`${{ matrix.image.dockerfile }}`), and an
    /// output with `push=true` pushes by digest for a manifest a later job assembles.
    #[test]
    fn matrix_mappings_and_pushing_outputs() {
        let text = "on: push
jobs:
  docker:
    strategy:
      matrix:
        image:
          - name: latest
            dockerfile: Dockerfile
          - name: dev
            dockerfile: Dockerfile.dev
        platform: [linux/amd64, linux/arm64]
    steps:
      - uses: docker/build-push-action@v6
        with:
          file: ${{ matrix.image.dockerfile }}
          platforms: ${{ matrix.platform }}
          outputs: type=image,name=ghcr.io/acme/app,push-by-digest=true,push=true
";
        let mut out = Vec::new();
        read(Path::new(".github/workflows/docker.yml"), text, &mut out).expect("reads");
        let mut files: Vec<PathBuf> = out.iter().map(|c| c.dockerfile.clone()).collect();
        files.dedup();
        assert_eq!(
            files,
            [PathBuf::from("Dockerfile"), PathBuf::from("Dockerfile.dev")]
        );
        assert!(out.iter().all(|c| c.publishes));
    }

    /// A test-harness workflow's builds are for its tests; a plain `ci` or `test` workflow
    /// may be checking the release image, and says nothing.
    #[test]
    fn test_harness_workflows_build_test_images() {
        let workflow = "on: [pull_request]\njobs:\n  build:\n    runs-on: x\n    steps:\n      - run: |\n          docker build --file Dockerfile.peer --tag peer:${{ github.sha }} .\n";
        let mut harness = Vec::new();
        read(
            Path::new(".github/workflows/test-integration.yaml"),
            workflow,
            &mut harness,
        )
        .expect("reads");
        assert_eq!(harness.len(), 1);
        assert_eq!(harness[0].local, Some(Intent::Test));
        let mut plain = Vec::new();
        read(Path::new(".github/workflows/ci.yml"), workflow, &mut plain).expect("reads");
        assert_eq!(plain.len(), 1);
        assert_eq!(plain[0].local, None);
        let job = workflow.replace("  build:", "  e2e:");
        let mut by_job = Vec::new();
        read(Path::new(".github/workflows/ci.yml"), &job, &mut by_job).expect("reads");
        assert_eq!(by_job[0].local, Some(Intent::Test));
    }

    #[test]
    fn malformed_yaml_is_an_error() {
        let mut out = Vec::new();
        assert!(read(Path::new("w.yml"), "jobs: [docker build .\n", &mut out).is_err());
        // A workflow that cannot build an image is not parsed, broken or not.
        assert!(read(Path::new("w.yml"), "jobs: [docker\n", &mut out).is_ok());
    }
}
