//! Which of a Dockerfile's builds gopherlint lints as, when several configurations build it.

use std::path::PathBuf;

use super::{BuildConfig, ConfigKind, ContextDir, ReleasedBinary};
use crate::knowledge::conventions::{self, Intent};

/// The builds of one Dockerfile.
#[derive(Debug, Clone, Default)]
pub struct DockerfileBuilds<'a> {
    pub configs: Vec<&'a BuildConfig>,
    /// A published build of the file's release twin (`Dockerfile.release` beside it).
    pub release_twin: Option<&'a BuildConfig>,
    /// The file has the name `docker build DIR` reads by default (`Dockerfile`): what the
    /// project's users build from source, whoever else builds it.
    pub default_name: bool,
}

/// What the chosen build hands the model and the CLI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chosen {
    pub context: ContextDir,
    pub target: Option<String>,
    pub args: Vec<(String, Option<String>)>,
    pub platforms: Vec<String>,
    /// The most platforms any build lists: 0 when every build is for the builder's own
    /// platform; `None` when some build writes platforms not read here, or nothing builds the
    /// file.
    pub platform_count: Option<usize>,
    /// How many configurations build the file: 0 when nothing does and only its published
    /// release twin says what it is (a local variant).
    pub builds: usize,
    /// Some build publishes the image.
    pub publishes: bool,
    /// Every build passes `--no-cache`: none reuses a layer or a cache mount.
    pub uncached: bool,
    /// Every build runs on the classic builder, which rejects `RUN --mount`.
    pub classic_builder: bool,
    /// Every build's context is the Git checkout BuildKit fetches: no `.git` in it.
    pub git_checkout: bool,
    /// No build publishes it and every build says it is for tests or development.
    pub local: Option<Intent>,
    /// Nothing publishes the file, and this publishes its release twin (for messages).
    pub release_twin: Option<String>,
    pub released: Option<ReleasedBinary>,
    /// A program of the base image that some build's configuration runs in the image (`sh`
    /// from a compose service's command), with that build described.
    pub runs_in_image: Option<(String, String)>,
    /// For `--show-model`: each build as `file:line (kind, name)`, the chosen one first.
    pub described: Vec<String>,
    /// The stages a compose service, Tilt resource or DevSpace image builds as its target (`target: dev`),
    /// lowercased: images of the file the repository runs as containers.
    pub run_targets: Vec<String>,
    /// The stages every build names as its target (`--target`, compose's `target:`, a bake
    /// target's), lowercased: BuildKit builds what each of them needs.
    pub targets: Vec<String>,
}

fn describe(config: &BuildConfig) -> String {
    let mut text = format!(
        "`{}:{}` ({}",
        config.file.display(),
        config.line,
        config.kind.label()
    );
    if let Some(name) = &config.name {
        text.push_str(&format!(" `{name}`"));
    }
    text.push(')');
    if config.no_cache {
        text.push_str(", without cache (`--no-cache`)");
    }
    if config.classic_builder {
        text.push_str(", classic builder");
    }
    if config.publishes {
        text.push_str(", publishes");
    }
    if let Some(doc) = &config.documented {
        text.push_str(&format!(", which {doc} says builds a development image"));
    }
    text
}

fn describe_twin(twin: &BuildConfig) -> String {
    format!(
        "`{}:{}` publishes its release twin `{}`",
        twin.file.display(),
        twin.line,
        twin.dockerfile.display()
    )
}

/// A build made on a developer's machine or for tests: a compose service, a Make target, a
/// script, Tilt, DevSpace, or a CI job named for tests (`docker-tests`). Another CI job (one that scans
/// the image, or checks that it builds) treats the image as a product.
fn builds_locally(config: &BuildConfig) -> bool {
    config.local.is_some()
        || match config.kind {
            ConfigKind::Compose
            | ConfigKind::Makefile
            | ConfigKind::Taskfile
            | ConfigKind::Script
            | ConfigKind::Tilt
            | ConfigKind::DevSpace => true,
            ConfigKind::Workflow | ConfigKind::GitLab => config
                .name
                .as_deref()
                .and_then(conventions::name_intent)
                .is_some_and(|(intent, _)| intent == Intent::Test),
            ConfigKind::Bake | ConfigKind::GoReleaser | ConfigKind::Action => false,
        }
}

impl<'a> DockerfileBuilds<'a> {
    pub(super) fn new(
        configs: Vec<&'a BuildConfig>,
        release_twin: Option<&'a BuildConfig>,
        default_name: bool,
    ) -> Self {
        DockerfileBuilds {
            configs,
            release_twin,
            default_name,
        }
    }

    /// The build to lint as: a publishing one first (what users get), then one of the default
    /// stage, then by kind (bake and workflows state most), then by file and line. Where the chosen build leaves the context
    /// unknown, another build's known one is used. `None` when nothing builds the file.
    pub fn chosen(&self) -> Option<Chosen> {
        let mut ordered = self.configs.clone();
        // Among equals, a build of the default (last) stage: what `docker build` makes of the
        // file, rather than one of its side targets.
        ordered.sort_by(|a, b| {
            let key = |c: &BuildConfig| (!c.publishes, c.target.is_some(), c.kind);
            (key(a), &a.file, a.line).cmp(&(key(b), &b.file, b.line))
        });
        let Some(&first) = ordered.first() else {
            return self.twin_only();
        };
        let context = match &first.context {
            ContextDir::Unknown => ordered
                .iter()
                .find_map(|c| matches!(c.context, ContextDir::Dir(_)).then(|| c.context.clone()))
                .unwrap_or(ContextDir::Unknown),
            known => known.clone(),
        };
        let publishes = ordered.iter().any(|c| c.publishes);
        let local = if publishes {
            None
        } else {
            // A compose file builds the images it runs, on the developer's machine: it says
            // nothing against what the other builds say the image is for. Where only compose
            // files build it, one that runs it as a plain service (`docker-compose.yml` beside
            // `docker-compose.test.yml`) says it is more than a test image.
            let others = ordered.iter().any(|c| c.kind != ConfigKind::Compose);
            let intents: Vec<Option<Intent>> = ordered
                .iter()
                .filter(|c| !others || c.kind != ConfigKind::Compose || c.local.is_some())
                .map(|c| c.local)
                .collect();
            match intents.first() {
                Some(Some(intent)) if intents.iter().all(|i| i.is_some()) => Some(*intent),
                // The project publishes the image from its release twin: these builds (a
                // compose file's, a test job's) make a local one.
                _ if self.release_twin.is_some() && ordered.iter().all(|c| builds_locally(c)) => {
                    Some(intents.iter().find_map(|i| *i).unwrap_or(Intent::Dev))
                }
                _ => None,
            }
        };
        let release_twin = self.release_twin.filter(|_| !publishes).map(describe_twin);
        let mut described: Vec<String> = ordered.iter().map(|c| describe(c)).collect();
        described.dedup();
        Some(Chosen {
            context,
            target: first.target.clone(),
            args: first.args.clone(),
            platforms: first.platforms.clone(),
            platform_count: match ordered.iter().map(|c| c.platforms.len()).max() {
                Some(n) if n >= 2 => Some(n),
                _ if ordered.iter().any(|c| c.platforms_unread) => None,
                n => n,
            },
            builds: ordered.len(),
            publishes,
            uncached: ordered.iter().all(|c| c.no_cache),
            git_checkout: ordered.iter().all(|c| c.git_checkout),
            classic_builder: ordered.iter().all(|c| c.classic_builder),
            local,
            release_twin,
            released: ordered.iter().find_map(|c| c.released.clone()),
            runs_in_image: ordered
                .iter()
                .find_map(|c| Some((c.runs_in_image.clone()?, describe(c)))),
            described,
            run_targets: ordered
                .iter()
                .filter(|c| {
                    matches!(
                        c.kind,
                        ConfigKind::Compose | ConfigKind::Tilt | ConfigKind::DevSpace
                    )
                })
                .filter_map(|c| c.target.as_deref().map(str::to_ascii_lowercase))
                .collect(),
            targets: {
                let mut targets: Vec<String> = ordered
                    .iter()
                    .filter_map(|c| c.target.as_deref().map(str::to_ascii_lowercase))
                    .collect();
                targets.sort();
                targets.dedup();
                targets
            },
        })
    }
}

impl DockerfileBuilds<'_> {
    /// Nothing builds the file, and the project publishes its release twin beside it
    /// (`Dockerfile.cli` beside a published `Dockerfile.cli.release`): the file is the variant
    /// built from source on a developer's machine. Not a plain `Dockerfile`: that one is what
    /// `docker build .` builds, the image users make from source.
    fn twin_only(&self) -> Option<Chosen> {
        let twin = self.release_twin.filter(|_| !self.default_name)?;
        Some(Chosen {
            context: ContextDir::Unknown,
            target: None,
            args: Vec::new(),
            platforms: Vec::new(),
            platform_count: None,
            builds: 0,
            publishes: false,
            uncached: false,
            git_checkout: false,
            classic_builder: false,
            local: Some(Intent::Dev),
            release_twin: Some(describe_twin(twin)),
            released: None,
            runs_in_image: None,
            described: Vec::new(),
            run_targets: Vec::new(),
            targets: Vec::new(),
        })
    }
}

impl Chosen {
    /// The context directory relative to the root, when known.
    pub fn context_dir(&self) -> Option<&PathBuf> {
        match &self.context {
            ContextDir::Dir(dir) => Some(dir),
            _ => None,
        }
    }
}
