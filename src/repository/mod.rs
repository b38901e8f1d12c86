//! How the repository builds its images: GitHub workflows, bake files, compose files,
//! Makefiles and scripts, GoReleaser, Tilt and DevSpace. Read once per repository root and handed to the
//! model as inputs (context, target, build args, platforms, published or not), like
//! `--context` and `--platform`. Nothing here judges a Dockerfile.

mod bake;
mod command_line;
mod compose;
mod dev_docs;
mod devspace;
mod find;
mod gitlab_ci;
mod goreleaser;
mod image_index;
mod load;
mod run_docs;
mod select;
mod taskfile;
mod tilt;
mod workflow_calls;
mod workflow_jobs;
mod workflow_matrix;
mod workflows;
mod yaml;

use std::path::{Path, PathBuf};

use crate::knowledge::conventions;
use crate::knowledge::image_ref::ImageRef;

pub use find::{
    RootKind, find_root, is_compose_file, is_compose_name, is_root, nested_project, root_kind,
};
pub use image_index::IndexedPurpose;
pub use load::ReadPlan;
pub use run_docs::{DocumentedRun, RootNeed, RunDocs};
pub use select::{Chosen, DockerfileBuilds};

/// The kinds of configuration read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ConfigKind {
    Bake,
    Workflow,
    GoReleaser,
    Makefile,
    Script,
    Compose,
    Tilt,
    DevSpace,
    /// A composite action of the repository's own (`.github/actions/build/action.yml`): read
    /// only for what it says of the layer cache; its builds take `${{ inputs.* }}`, which
    /// only the calling workflow fills.
    Action,
    /// A GitLab CI job's `script:` (`.gitlab-ci.yml`, files under `.gitlab/`).
    GitLab,
    /// A go-task task's `cmds:` (`Taskfile.yml`).
    Taskfile,
}

impl ConfigKind {
    pub fn label(self) -> &'static str {
        match self {
            ConfigKind::Bake => "bake target",
            ConfigKind::Workflow => "workflow",
            ConfigKind::GoReleaser => "GoReleaser",
            ConfigKind::Makefile => "Makefile",
            ConfigKind::Script => "script",
            ConfigKind::Compose => "compose service",
            ConfigKind::Tilt => "Tiltfile",
            ConfigKind::DevSpace => "DevSpace image",
            ConfigKind::Action => "composite action",
            ConfigKind::GitLab => "GitLab CI job",
            ConfigKind::Taskfile => "Taskfile task",
        }
    }
}

/// The build context a configuration gives.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ContextDir {
    /// A directory of the repository, relative to its root (`""` is the root).
    Dir(PathBuf),
    /// A directory the release tool prepares (GoReleaser copies its binaries and extra files
    /// into a fresh one): none of the repository's files are in it unless listed.
    Prepared,
    /// Written with a value that cannot be read here (`${{ matrix.dir }}`, `$(DIR)`).
    Unknown,
}

/// A binary GoReleaser builds and hands to the Dockerfile, with what its build config says.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReleasedBinary {
    /// `-s -w` is in the ldflags (GoReleaser's default ldflags have it).
    pub stripped: Option<bool>,
    /// CGO_ENABLED from the build's `env`: `Some(false)` for `CGO_ENABLED=0`.
    pub cgo: Option<bool>,
}

/// One build of one Dockerfile, as a configuration file states it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BuildConfig {
    pub kind: ConfigKind,
    /// The configuration file, relative to the repository root.
    pub file: PathBuf,
    /// The 1-based line where the build is stated.
    pub line: usize,
    /// What the configuration calls it: a workflow job, a bake target, a compose service, a
    /// Make target.
    pub name: Option<String>,
    /// The Dockerfile, relative to the repository root, normalized.
    pub dockerfile: PathBuf,
    pub context: ContextDir,
    pub target: Option<String>,
    /// Build args in order; `None` for a value that cannot be read here.
    pub args: Vec<(String, Option<String>)>,
    /// Platforms as written (`linux/amd64`), expressions left out.
    pub platforms: Vec<String>,
    /// The configuration writes platforms that cannot be read here (`${{ matrix.platform }}`,
    /// `$(PLATFORMS)`): the build may be for any of them. With this false and `platforms`
    /// empty, the build is for the builder's own platform.
    pub platforms_unread: bool,
    /// The build publishes the image: `push: true`, a workflow run on tags or releases,
    /// GoReleaser, a bake target of the default group.
    pub publishes: bool,
    /// The configuration says the build is for tests or development: a compose file or
    /// service, workflow or job named so, or a tool made for local development (Tilt, DevSpace).
    pub local: Option<crate::knowledge::conventions::Intent>,
    pub released: Option<ReleasedBinary>,
    /// A program of the base image that the configuration runs in the built image, besides
    /// the image's own: `sh` from a compose service's `command: sh -c '...'`, or `netstat` from
    /// its healthcheck. The image needs its OS for it.
    pub runs_in_image: Option<String>,
    /// The build counts only when the root has no file at this path: a script's build rebased
    /// to the script's folder, for when the Dockerfile it names is found only there.
    pub only_if_absent: Option<PathBuf>,
    /// Where the documentation says what the build makes (`DEVELOP.md` for `make docker`
    /// under "To build a development Docker image:"), for messages.
    pub documented: Option<String>,
    /// The build passes `--no-cache` (`no-cache: true`, compose's `no_cache`): it reuses no
    /// layer, and BuildKit empties the cache mounts its RUN steps use before it starts.
    pub no_cache: bool,
    /// The context is the repository's Git checkout, which BuildKit fetches itself
    /// (build-push-action with no `context:`, or `{{defaultContext}}`): only committed files,
    /// and no `.git` unless `BUILDKIT_CONTEXT_KEEP_GIT_DIR` asks for it.
    pub git_checkout: bool,
    /// The build runs on the classic builder, which rejects `RUN --mount`: `docker build` with
    /// `DOCKER_BUILDKIT=0`, or in a CI job whose Docker client predates 23.0 and does not ask
    /// for BuildKit (GitLab CI's `image: docker:20.10`).
    pub classic_builder: bool,
    /// The image names the build tags, as written, where they hold no variable (compose's
    /// `image:` beside `build:`, `docker build -t app:dev`).
    pub tags: Vec<String>,
}

impl BuildConfig {
    /// A build by a tool made for local development (Tilt, DevSpace): for the cluster the
    /// developer works against (one platform), published by nothing, a development image.
    pub(crate) fn development(
        kind: ConfigKind,
        file: &Path,
        line: usize,
        name: Option<String>,
        dockerfile: PathBuf,
        context: Option<PathBuf>,
    ) -> BuildConfig {
        BuildConfig {
            kind,
            file: file.to_path_buf(),
            line,
            name,
            dockerfile,
            context: context.map_or(ContextDir::Unknown, ContextDir::Dir),
            target: None,
            args: Vec::new(),
            platforms: Vec::new(),
            platforms_unread: false,
            publishes: false,
            local: Some(crate::knowledge::conventions::Intent::Dev),
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
}

/// What holds for the whole repository, whichever of its files is linted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RepoWide {
    /// Some workflow, bake file, Makefile or script exports a build's layer cache
    /// (`cache-to`): the project keeps its dependency layers between CI runs that way, where
    /// cache mounts are not kept.
    pub layer_cache_exported: bool,
    /// The images the repository's own builds tag, by name (registry and repository, as
    /// [`ImageRef::name`] gives it), sorted: `autograph-app` from a compose service's
    /// `image: autograph-app`.
    pub built_images: Vec<String>,
    /// The publisher accounts the repository's own builds tag images under, sorted:
    /// `deepfabric` from `docker build -t deepfabric/$2:$1`. The project publishes there.
    pub built_accounts: Vec<String>,
}

impl RepoWide {
    /// A build of the repository tags `image`: the project's own image, built before the
    /// file that names it, not one a registry publishes.
    pub fn builds_image(&self, image: &ImageRef) -> bool {
        self.built_images.binary_search(&image.name()).is_ok()
    }

    /// A build of the repository tags images under the account that publishes `image`.
    pub fn tags_under_account_of(&self, image: &ImageRef) -> bool {
        image.publisher().is_some_and(|publisher| {
            self.built_accounts
                .iter()
                .any(|account| crate::knowledge::image_ref::same_account(publisher, account))
        })
    }
}

/// The image names the image builds in a text tag (`docker build -t app-base:latest .`,
/// `podman build --tag app-base`), wherever on a line the command starts: a Dockerfile's own
/// comment that tells how to build the base it starts from ("1. Build base: docker build -t
/// app-base ...") names an image made on the same machine.
pub fn image_names_tagged_in(text: &str) -> Vec<String> {
    let Some(start) = [
        "docker build",
        "docker buildx build",
        "podman build",
        "buildah bud",
    ]
    .iter()
    .filter_map(|command| text.find(command))
    .min() else {
        return Vec::new();
    };
    command_line::docker_builds(&text[start..], 0)
        .iter()
        .flat_map(|build| &build.tags)
        .map(|tag| ImageRef::parse(tag).name())
        .filter(|name| !name.is_empty() && !name.contains('$'))
        .collect()
}

/// Everything read under one repository root.
#[derive(Debug, Default)]
pub struct RepoBuilds {
    pub root: PathBuf,
    pub configs: Vec<BuildConfig>,
    /// Configuration files that could not be read, with why: each is ignored.
    pub warnings: Vec<String>,
    /// Configuration files read.
    pub files_read: usize,
    /// What holds for the whole repository (shared with each file's lint).
    pub wide: std::sync::Arc<RepoWide>,
    /// The configs of each Dockerfile, by index: a monorepo's hundreds of builds are not
    /// compared path by path for every file linted.
    by_dockerfile: std::collections::HashMap<PathBuf, Vec<usize>>,
}

/// The most configuration files read under one root, and the largest one read: a generated or
/// vendored monster is skipped, not parsed.
pub const MAX_CONFIG_FILES: usize = 400;
pub const MAX_CONFIG_BYTES: u64 = 512 * 1024;

impl RepoBuilds {
    /// Reads every configuration under `root`. Never fails: a file that does not parse adds a
    /// warning and is skipped.
    pub fn load(root: &Path) -> RepoBuilds {
        ReadPlan::new(root, true).finish()
    }

    /// The builds of a Dockerfile (`path` relative to the root).
    pub fn for_dockerfile(&self, path: &Path) -> DockerfileBuilds<'_> {
        let indexes = self
            .by_dockerfile
            .get(&normalize(path))
            .map_or(&[][..], Vec::as_slice);
        DockerfileBuilds::new(
            indexes
                .iter()
                .map(|&i| &self.configs[i])
                .filter(|c| {
                    c.only_if_absent
                        .as_ref()
                        .is_none_or(|p| !self.root.join(p).is_file())
                })
                .collect(),
            self.release_twin(&normalize(path)),
            path.file_name()
                .is_some_and(|n| n == "Dockerfile" || n == "Containerfile"),
        )
    }

    /// A published build of the file's release twin: a Dockerfile beside it named as its
    /// released variant (`Dockerfile.release` beside `Dockerfile`).
    fn release_twin(&self, path: &Path) -> Option<&BuildConfig> {
        let name = path.file_name()?.to_str()?;
        self.configs.iter().find(|c| {
            c.publishes
                && c.dockerfile.parent() == path.parent()
                && c.dockerfile
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|other| conventions::is_release_twin(name, other))
        })
    }

    /// Drops builds of no file, orders the rest by file and line, and indexes them by
    /// Dockerfile: a monorepo's hundreds of builds are not compared path by path for every
    /// file linted.
    fn index(&mut self) {
        // A build of a file not read here still tags its images.
        let mut built: Vec<String> = self
            .configs
            .iter()
            .flat_map(|c| &c.tags)
            .map(|t| ImageRef::parse(t).name())
            .filter(|n| !n.is_empty() && !n.contains('$'))
            .collect();
        built.sort();
        built.dedup();
        let mut accounts: Vec<String> = self
            .configs
            .iter()
            .flat_map(|c| &c.tags)
            .filter_map(|t| ImageRef::parse(t).publisher().map(str::to_string))
            .filter(|account| !account.is_empty() && !account.contains('$'))
            .collect();
        accounts.sort();
        accounts.dedup();
        let wide = std::sync::Arc::make_mut(&mut self.wide);
        wide.built_images = built;
        wide.built_accounts = accounts;
        self.configs
            .retain(|c| !c.dockerfile.as_os_str().is_empty());
        self.configs
            .sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        self.configs.dedup();
        for (i, config) in self.configs.iter().enumerate() {
            self.by_dockerfile
                .entry(config.dockerfile.clone())
                .or_default()
                .push(i);
        }
    }
}

/// The builds one configuration file states, `rel` being its path from the root (it names
/// the kind's conventions: a compose file's folder is its services' base). Public so that the
/// fuzzer and tests feed it any text; it never panics, and text it cannot read is an `Err`.
pub fn read_config(kind: ConfigKind, rel: &Path, text: &str) -> Result<Vec<BuildConfig>, String> {
    let mut found = Vec::new();
    match kind {
        ConfigKind::Workflow => workflows::read(rel, text, &mut found),
        ConfigKind::Bake => bake::read(rel, text, &mut found),
        ConfigKind::Compose => compose::read(rel, text, &mut found),
        ConfigKind::GoReleaser => goreleaser::read(rel, text, &mut found),
        ConfigKind::Makefile => command_line::read_makefile(rel, text, &mut found),
        ConfigKind::Script => command_line::read_script(rel, text, &mut found),
        ConfigKind::Tilt => tilt::read(rel, text, &mut found),
        ConfigKind::DevSpace => devspace::read(rel, text, &mut found),
        ConfigKind::Action => Ok(()),
        ConfigKind::GitLab => gitlab_ci::read(rel, text, &mut found),
        ConfigKind::Taskfile => taskfile::read(rel, text, &mut found),
    }?;
    Ok(found)
}

/// A parser's error in one short line: HCL's errors quote the offending source line with a
/// caret under it, and that line can be a file's whole 500 KiB. Keeps the location and the
/// reason, and caps the length.
fn brief(why: &str) -> String {
    const MAX: usize = 200;
    let mut lines = why.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().unwrap_or("").trim_start_matches("-->").trim();
    let reason = lines.find_map(|l| l.strip_prefix("= ")).map(str::trim);
    let text = match reason {
        Some(reason) => format!("{first}: {reason}"),
        None => first.to_string(),
    };
    if text.chars().count() <= MAX {
        return text;
    }
    let cut: String = text.chars().take(MAX).collect();
    format!("{cut}…")
}

/// A relative path with `.` and `..` resolved lexically (`./build/../Dockerfile` is
/// `Dockerfile`); `..` above the root is kept, so such a path matches no Dockerfile.
pub fn normalize(path: &Path) -> PathBuf {
    let mut parts: Vec<&std::ffi::OsStr> = Vec::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else {
                    parts.push("..".as_ref());
                }
            }
            std::path::Component::Normal(p) => parts.push(p),
            std::path::Component::RootDir | std::path::Component::Prefix(_) => {}
        }
    }
    parts.iter().collect()
}

/// What the folders of a configuration file say its builds are for (`test/e2e/compose.yaml`,
/// `tests/Makefile`).
fn folder_intent(file: &Path) -> Option<conventions::Intent> {
    let folders: Vec<&str> = file
        .parent()
        .into_iter()
        .flat_map(Path::components)
        .filter_map(|c| c.as_os_str().to_str())
        .collect();
    conventions::dir_intent(&folders).map(|(intent, _)| intent)
}

/// `rel` joined to the directory `base` (both relative to the root), normalized; `None` for an
/// absolute path or one holding a value not read (`$`, `${{`).
pub(crate) fn join_rel(base: &Path, rel: &str) -> Option<PathBuf> {
    let rel = rel.trim();
    if rel.is_empty() || rel.contains('$') || rel.contains("{{") || rel.starts_with('/') {
        return None;
    }
    Some(normalize(&base.join(rel)))
}

/// The line (1-based) of the first occurrence of `needle` in `text` at or after `from_line`, or
/// `from_line` when it does not occur.
pub(crate) fn line_of(text: &str, needle: &str, from_line: usize) -> usize {
    // Substring search over the whole text, then a count of newlines: one pass, not a search
    // of every line (bake files call this once per target).
    let skip = from_line.saturating_sub(1);
    let start = if skip == 0 {
        0
    } else {
        match text.match_indices('\n').nth(skip - 1) {
            Some((at, _)) => at + 1,
            None => return from_line,
        }
    };
    match text[start..].find(needle) {
        Some(at) => skip + 1 + text[start..start + at].matches('\n').count(),
        None => from_line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_relative_paths() {
        assert_eq!(
            normalize(Path::new("./build/../Dockerfile")),
            PathBuf::from("Dockerfile")
        );
        assert_eq!(normalize(Path::new("a/./b")), PathBuf::from("a/b"));
        assert_eq!(normalize(Path::new("../x")), PathBuf::from("../x"));
        assert_eq!(
            join_rel(Path::new("deploy"), "../Dockerfile"),
            Some("Dockerfile".into())
        );
        assert_eq!(join_rel(Path::new(""), "${{ matrix.file }}"), None);
    }

    #[test]
    fn lines_are_found_at_or_after_a_line() {
        let text = "a\nb x\nc\nb x\n";
        assert_eq!(line_of(text, "b x", 1), 2);
        assert_eq!(line_of(text, "b x", 2), 2);
        assert_eq!(line_of(text, "b x", 3), 4);
        assert_eq!(line_of(text, "b x", 5), 5);
        assert_eq!(line_of(text, "zz", 2), 2);
        assert_eq!(line_of(text, "a", 0), 1);
    }

    #[test]
    fn parse_errors_are_one_short_line() {
        let hcl = " --> HCL parse error in line 1, column 70\n  |\n1 | x = [[[[\n  |   ^---\n  |\n  = invalid nesting depth";
        assert_eq!(
            brief(hcl),
            "HCL parse error in line 1, column 70: invalid nesting depth"
        );
        assert_eq!(
            brief("did not find expected key"),
            "did not find expected key"
        );
        let long = "x".repeat(1000);
        assert_eq!(brief(&long).chars().count(), 201);
    }
}
