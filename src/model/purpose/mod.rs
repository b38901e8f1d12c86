//! What the shipped image is for: a Go service, a Go toolchain, a check stage, an export of
//! files, a test image, or unknown. Every rule declares the classes it applies to, so this is
//! the one place that decides whether, say, "the toolchain ships with the binary" is a finding
//! or the whole point of the image.

mod evidence;

use super::facts::FileFacts;
use super::go_build::GoBuild;
use super::shipping::{Shipping, is_go_run};
use super::stage::StageBase;
use crate::knowledge::conventions::{self, Intent};
use crate::knowledge::{packages, shells, tools};
use crate::paths;
use crate::syntax::Keyword;

/// The purpose of the shipped image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum ImageClass {
    /// Runs or ships a Go binary this file builds.
    Service,
    /// Ships a program built outside the file (copied in from the build context) in a Go
    /// module's repository: a release image of a binary that a Makefile or GoReleaser built.
    Prebuilt,
    /// Exists to run Go: a build image, tools on a Go base, a devcontainer, a program that
    /// needs Go at run time.
    Toolchain,
    /// Only RUNs checks (lint, validate, vendor), starts nothing and ships nothing built.
    Check,
    /// Files for the host (`docker build --output`), not an image that runs.
    ExportOnly,
    /// Built to run tests or CI jobs (under `test/` or `.circleci/`, a test build, a CI
    /// runner base): size and hardening advice is beside the point there.
    Test,
    /// A debug or local-development image: symbols, a debugger, a shell and root on purpose.
    Dev,
    /// Shows how to use the project (examples, demos, tutorials, docs): build hygiene is
    /// beside the point, whether it works is not.
    Example,
    /// Nothing tells.
    #[default]
    Unknown,
}

impl ImageClass {
    pub const ALL: [ImageClass; 9] = [
        ImageClass::Service,
        ImageClass::Prebuilt,
        ImageClass::Toolchain,
        ImageClass::Check,
        ImageClass::ExportOnly,
        ImageClass::Test,
        ImageClass::Dev,
        ImageClass::Example,
        ImageClass::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ImageClass::Service => "service",
            ImageClass::Prebuilt => "prebuilt",
            ImageClass::Toolchain => "toolchain",
            ImageClass::Check => "check",
            ImageClass::ExportOnly => "export-only",
            ImageClass::Test => "test",
            ImageClass::Dev => "dev",
            ImageClass::Example => "example",
            ImageClass::Unknown => "unknown",
        }
    }

    pub fn parse(text: &str) -> Option<ImageClass> {
        ImageClass::ALL.into_iter().find(|c| c.as_str() == text)
    }

    /// The class an intent stated in a name or a comment gives an image.
    pub(crate) fn of_intent(intent: Intent) -> ImageClass {
        match intent {
            Intent::Test | Intent::Ci => ImageClass::Test,
            Intent::Example => ImageClass::Example,
            Intent::Dev => ImageClass::Dev,
        }
    }
}

impl std::fmt::Display for ImageClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which kind of evidence decided the class. The file's own words come first (a comment,
/// then its name, then its directory), then what it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Signal {
    Config,
    Comment,
    /// A description label of the shipped image.
    Label,
    FileName,
    /// How the repository builds the file: published, or only built for local use.
    Build,
    StageName,
    Directory,
    /// The repository's documentation: a README that describes the image's directory.
    Docs,
    Base,
    Start,
    Builds,
    #[default]
    Contents,
}

impl Signal {
    pub fn as_str(self) -> &'static str {
        match self {
            Signal::Config => "configuration",
            Signal::Build => "the repository's build configuration",
            Signal::Comment => "a comment",
            Signal::Label => "a description label",
            Signal::FileName => "the file name",
            Signal::StageName => "the shipped stage's name",
            Signal::Directory => "the directory",
            Signal::Docs => "the repository's documentation",
            Signal::Base => "the base image",
            Signal::Start => "the start command",
            Signal::Builds => "the go builds",
            Signal::Contents => "the contents",
        }
    }
}

/// The class of the shipped image and why.
#[derive(Debug, Clone, Default)]
pub struct Purpose {
    pub class: ImageClass,
    /// The kind of evidence that decided, for `--show-model`.
    pub signal: Signal,
    /// One sentence: the evidence, for `--show-model`.
    pub reason: String,
    /// A Windows image (Windows base or a PowerShell/cmd SHELL): outside the Linux runtime model.
    pub windows: bool,
    /// The file is test data (under `testdata/`, `testfiles/`...): an input to a program's
    /// tests, possibly wrong on purpose, that no rule judges.
    pub test_data: bool,
    /// The directory of other projects' code the file is under (`third_party/`), when nothing
    /// in the repository builds it: another project's Dockerfile, copied in, that no rule
    /// judges.
    pub vendored: Option<String>,
    /// The file is named after its final base (`Dockerfile.alpine`, `cli.alpine.multiarch`): a
    /// flavour of the image on that base, published on purpose (usually beside a minimal one).
    pub base_flavour: Option<String>,
    /// The GOARCH the file's name names (`Dockerfile.arm64`): one file per architecture,
    /// each built for its own.
    pub named_architecture: Option<&'static str>,
}

/// What classification reads: the facts and what ships.
struct Classifier<'m, 'a> {
    facts: &'m FileFacts<'a>,
    shipping: &'m Shipping,
}

impl<'a> std::ops::Deref for Classifier<'_, 'a> {
    type Target = FileFacts<'a>;

    fn deref(&self) -> &FileFacts<'a> {
        self.facts
    }
}

/// The fourth step of the model: classifies the shipped image. `path` is the file's path, for
/// conventions the Dockerfile itself cannot show (`.devcontainer/`, `test/`).
pub(super) fn classify(
    facts: &FileFacts,
    shipping: &Shipping,
    path: Option<&str>,
    nested_project: Option<&str>,
) -> Purpose {
    Classifier { facts, shipping }.classify(path, nested_project)
}

impl Classifier<'_, '_> {
    fn shipped(&self) -> impl Iterator<Item = &GoBuild> {
        self.go_builds
            .iter()
            .filter(|b| self.shipping.builds[b.index].ships)
    }

    fn classify(&self, path: Option<&str>, nested_project: Option<&str>) -> Purpose {
        // Told by the path alone: a parser's test input may have no stage at all.
        let test_data = path.is_some_and(|p| {
            let p = p.replace('\\', "/");
            let parts: Vec<&str> = p.split('/').collect();
            conventions::test_data_dir(&parts[..parts.len().saturating_sub(1)]).is_some()
        });
        // Or another project's source tree, copied whole (its own `.github/`, its own module).
        let vendored = path
            .filter(|_| self.build.is_none())
            .and_then(|p| {
                let parts: Vec<&str> = p.split(['/', '\\']).collect();
                conventions::vendored_dir(&parts[..parts.len().saturating_sub(1)])
                    .map(str::to_string)
            })
            .or_else(|| {
                nested_project
                    .filter(|_| self.build.is_none())
                    .map(str::to_string)
            });
        let Some(stage) = self.final_stage() else {
            return Purpose {
                test_data,
                vendored,
                ..Purpose::default()
            };
        };
        let windows =
            stage.facts.family == crate::knowledge::images::Family::Windows || !stage.posix_shell;
        let (class, signal, reason) = self.decide(path);
        let base_flavour = path.and_then(|p| {
            let name = p.rsplit(['/', '\\']).next()?.to_ascii_lowercase();
            let base = stage
                .root_image
                .as_ref()?
                .repository
                .rsplit('/')
                .next()?
                .to_string();
            name.split(['.', '-', '_'])
                .any(|word| word == base)
                .then_some(base)
        });
        let named_architecture = path
            .and_then(|p| p.rsplit(['/', '\\']).next())
            .and_then(conventions::named_architecture);
        Purpose {
            class,
            signal,
            reason,
            windows,
            test_data,
            vendored,
            base_flavour,
            named_architecture,
        }
    }

    /// The class, the kind of evidence and the reason. What the image is, structurally, comes
    /// first (files for the host, a devcontainer); then what the file says it is for, in its
    /// own words before its name and its directory; then what it does.
    fn decide(&self, path: Option<&str>) -> (ImageClass, Signal, String) {
        let path = path.map(|p| p.replace('\\', "/")).unwrap_or_default();
        let parts: Vec<&str> = path.split('/').collect();
        let (dirs, file_name) = match parts.split_last() {
            Some((name, dirs)) if !path.is_empty() => (dirs.to_vec(), *name),
            _ => (Vec::new(), ""),
        };
        if self.final_is_export_only() {
            return (
                ImageClass::ExportOnly,
                Signal::Contents,
                "the shipped stage is `scratch` with only COPY/ARG/LABEL and no start command: files for the host, not an image that runs".into(),
            );
        }
        let root_image = self.final_stage().and_then(|s| s.root_image.as_ref());
        let devcontainer_base = root_image.is_some_and(|i| {
            let name = i.name();
            name.starts_with("mcr.microsoft.com/devcontainers/")
                || name.starts_with("mcr.microsoft.com/vscode/devcontainers/")
        });
        if dirs.contains(&".devcontainer") || devcontainer_base {
            let signal = if devcontainer_base {
                Signal::Base
            } else {
                Signal::Directory
            };
            return (
                ImageClass::Toolchain,
                signal,
                "a devcontainer: a development environment that exists to run Go".into(),
            );
        }
        // A development image that carries Go is a toolchain: it exists to run Go.
        let of_intent = |intent: Intent| match ImageClass::of_intent(intent) {
            ImageClass::Dev if self.final_has_go_toolchain() => ImageClass::Toolchain,
            class => class,
        };
        if let Some(dir) = conventions::test_data_dir(&dirs) {
            return (
                ImageClass::Test,
                Signal::Directory,
                format!(
                    "the file is under `{dir}/`: test data, an input to a program's tests rather than an image anyone builds"
                ),
            );
        }
        if let Some(framework) = self.context().and_then(|c| c.scaffold) {
            return (
                ImageClass::Example,
                Signal::Directory,
                format!(
                    "the file is {framework}'s generated project scaffolding, not an image the project deploys"
                ),
            );
        }
        // A GitHub container action's image: GitHub builds it on each run of the action, in CI.
        if let Some(image) = self.context().and_then(|c| {
            let image = c.container_action.as_deref()?;
            let built = std::path::Path::new(&c.dir).join(image);
            (!file_name.is_empty() && built.ends_with(&path)).then_some(image)
        }) {
            return (
                ImageClass::Test,
                Signal::Build,
                format!(
                    "the GitHub action beside it runs `{image}` (`using: docker`): {}",
                    Intent::Ci.describe()
                ),
            );
        }
        if let Some(stated) = self.stated_intent() {
            return (
                of_intent(stated.intent),
                if stated.by_label {
                    Signal::Label
                } else {
                    Signal::Comment
                },
                format!(
                    "line {} says \"{}\": {}",
                    stated.line,
                    stated.phrase,
                    stated.intent.describe()
                ),
            );
        }
        if let Some((intent, word)) = conventions::name_intent(file_name) {
            return (
                of_intent(intent),
                Signal::FileName,
                format!("the file name says `{word}`: {}", intent.describe()),
            );
        }
        // `FROM base AS dev` shipped by default: the stage says what it is for.
        if let Some((intent, word)) = self
            .final_stage()
            .and_then(|s| s.name.as_deref())
            .and_then(conventions::name_intent)
        {
            return (
                of_intent(intent),
                Signal::StageName,
                format!(
                    "the shipped stage's name says `{word}`: {}",
                    intent.describe()
                ),
            );
        }
        if let Some((intent, dir)) = conventions::dir_intent(&dirs) {
            return (
                of_intent(intent),
                Signal::Directory,
                format!("the file is under `{dir}/`: {}", intent.describe()),
            );
        }
        // The maintainers' description of the image's directory in a README index of images
        // (an example, an e2e fixture), even where the repository publishes it.
        if let Some(indexed) = self
            .run_docs
            .as_ref()
            .and_then(|docs| docs.indexed_purpose(&path))
        {
            return (
                of_intent(indexed.intent),
                Signal::Docs,
                format!(
                    "`{}:{}` describes `{}/` with \"{}\": {}",
                    indexed.readme,
                    indexed.line,
                    indexed.dir,
                    indexed.phrase,
                    indexed.intent.describe()
                ),
            );
        }
        // The started program's own name (`demo-server`, `mock-oidc`), as the file's name would.
        if let Some((intent, word, program)) = self.shipping.start.as_ref().and_then(|start| {
            let program = start.first()?;
            conventions::program_intent(program).map(|(i, w)| (i, w, program))
        }) {
            return (
                of_intent(intent),
                Signal::Start,
                format!(
                    "the start command runs `{program}`, named for `{word}`: {}",
                    intent.describe()
                ),
            );
        }
        // How the repository builds the file: a published image is what the project ships
        // (unless its own words, name or folder say it is for tests: projects publish their
        // e2e images too); one only a development tool or a test compose file builds is not.
        if let Some(build) = self.build.as_deref() {
            if build.publishes {
                return self.by_contents_released(build);
            }
            if let Some(intent) = build.local {
                let twin = build
                    .release_twin
                    .as_ref()
                    .map(|twin| format!(", while {twin}"))
                    .unwrap_or_default();
                let builders = match build.described.as_slice() {
                    [] => "a local build builds it".to_string(),
                    [one] => format!("{one} builds it"),
                    [first, rest @ ..] => {
                        format!("{first} and {} more build it", rest.len())
                    }
                };
                let why = if build.builds == 0 {
                    format!("nothing in the repository builds it{twin}")
                } else {
                    format!("only {builders}, and nothing publishes it{twin}")
                };
                return (
                    of_intent(intent),
                    Signal::Build,
                    format!("{why}: {}", intent.describe()),
                );
            }
        }
        if let Some(image) = root_image.filter(|i| conventions::is_ci_runner_image(&i.name())) {
            return (
                ImageClass::Test,
                Signal::Base,
                format!(
                    "`{}` is a CI runner image: {}",
                    image.name(),
                    Intent::Ci.describe()
                ),
            );
        }
        match self.build.as_deref() {
            Some(build) => self.by_contents_released(build),
            None => self.by_contents(),
        }
    }

    /// By contents, where a release tool built the binary the file copies (GoReleaser): a
    /// file that starts a copied program gopherlint cannot place is a prebuilt image.
    fn by_contents_released(
        &self,
        build: &crate::repository::Chosen,
    ) -> (ImageClass, Signal, String) {
        let decided = self.by_contents();
        if decided.0 == ImageClass::Unknown
            && build.released.is_some()
            && self.shipping.start.is_some()
        {
            return (
                ImageClass::Prebuilt,
                Signal::Build,
                format!(
                    "GoReleaser builds the binary it copies ({})",
                    build.described.first().map_or("", String::as_str)
                ),
            );
        }
        decided
    }

    /// The class from what the file does: what it starts, builds and ships.
    fn by_contents(&self) -> (ImageClass, Signal, String) {
        let Some(stage) = self.final_stage() else {
            return (ImageClass::Unknown, Signal::Contents, String::new());
        };
        let start = self.shipping.start.clone();
        let toolchain = self.final_has_go_toolchain();
        if let Some(program) = start.as_ref().and_then(|s| s.first()) {
            let name = paths::basename(program).to_ascii_lowercase();
            if tools::DEBUGGERS.contains(&name.as_str()) {
                return (
                    ImageClass::Dev,
                    Signal::Start,
                    format!(
                        "it starts the debugger `{name}`: {}",
                        Intent::Dev.describe()
                    ),
                );
            }
        }
        if let Some(why) = self.needs_go_at_run_time() {
            return (ImageClass::Toolchain, Signal::Contents, why);
        }
        if let Some(found) = self
            .test_or_debug_builds()
            .or_else(|| self.maintainer_tool_builds())
        {
            return found;
        }
        if let Some(start) = &start {
            let program = start
                .first()
                .map(|p| paths::basename(p).to_ascii_lowercase());
            if is_go_run(start) {
                return (
                    ImageClass::Service,
                    Signal::Start,
                    "the start command is `go run`: it compiles the service each time it starts"
                        .into(),
                );
            }
            if toolchain
                && let Some(p) = program.as_deref()
                && tools::LIVE_RELOADERS.contains(&p)
            {
                return (
                    ImageClass::Toolchain,
                    Signal::Start,
                    format!(
                        "the start command runs `{p}`, which rebuilds and reruns the sources: a development image"
                    ),
                );
            }
            match self.starts_built_binary(start) {
                Some(true) if toolchain && tools::is_go_dev_tool(paths::basename(&start[0])) => {
                    return (
                        ImageClass::Toolchain,
                        Signal::Start,
                        format!(
                            "it starts `{}`, a Go development tool installed with `go install pkg@version` on a Go toolchain",
                            start[0]
                        ),
                    );
                }
                Some(_) => {
                    return (
                        ImageClass::Service,
                        Signal::Start,
                        format!("the start command runs `{}`, built in this file", start[0]),
                    );
                }
                None => {}
            }
        }
        if start.is_none()
            && let Some(tool) = self
                .final_installed_packages()
                .into_iter()
                .find(|p| packages::is_packaging_tool(p))
        {
            return (
                ImageClass::Toolchain,
                Signal::Contents,
                format!(
                    "it installs `{tool}` and starts nothing: an image that builds OS packages"
                ),
            );
        }
        let local_ships = self.shipped().any(|b| !b.is_tool_install());
        let any_ships = self.shipped().next().is_some() || !self.shipping.opaque.is_empty();
        // Tools installed from elsewhere (`go install golang.org/x/lint/golint@latest`) in an
        // image that starts nothing: a base of tools for other builds, not a service.
        if start.is_none() && any_ships && !local_ships && self.shipping.opaque.is_empty() {
            return (
                ImageClass::Toolchain,
                Signal::Contents,
                "it starts nothing and ships only tools installed with `go install pkg@version`: an image of tools for other builds".into(),
            );
        }
        if !toolchain && any_ships {
            return (
                ImageClass::Service,
                Signal::Contents,
                "a Go binary built in this file is copied into the shipped image".into(),
            );
        }
        // A start command that is a script or a shell may run anything: on a toolchain it
        // says nothing of a service (CI build images start through `entrypoint.sh`).
        let starts_program = start.as_ref().and_then(|s| s.first()).is_some_and(|p| {
            let name = paths::basename(p);
            !(name.ends_with(".sh") || shells::is_posix_shell(name))
        });
        if toolchain && local_ships && (starts_program || self.final_chain_has(Keyword::Expose)) {
            return (
                ImageClass::Service,
                Signal::Contents,
                "it compiles Go in the shipped stage and starts a program or EXPOSEs a port".into(),
            );
        }
        // Only where Go is at hand: another image (a database, a Java runtime) with RUN steps
        // and the start command of its base is not a check stage.
        let mounts_tools = stage.body.iter().any(|&i| {
            let instruction = self.instruction(i);
            instruction.keyword == Keyword::Run
                && instruction.flags.iter().any(|f| {
                    f.name == "mount" && f.value.as_deref().is_some_and(|v| v.contains("from="))
                })
        });
        // A check stage extends another stage (`FROM base AS validate`) or mounts its tools.
        let extends_stage = matches!(stage.base, StageBase::Stage(_));
        if start.is_none()
            && ((toolchain && extends_stage) || mounts_tools)
            && self.is_check_stage()
        {
            return (
                ImageClass::Check,
                Signal::Contents,
                "the shipped stage only RUNs commands, starts nothing and ships nothing built: a check stage".into(),
            );
        }
        if toolchain {
            let why = if local_ships {
                "it compiles Go on a Go toolchain, and neither starts what it builds nor EXPOSEs a port: a build image"
            } else if self.shipped().next().is_some() {
                "it installs Go tools onto a Go toolchain"
            } else {
                "it is a Go toolchain and compiles nothing it starts"
            };
            return (ImageClass::Toolchain, Signal::Contents, why.into());
        }
        if matches!(stage.base, StageBase::Unknown) || stage.root_image.is_none() {
            return (
                ImageClass::Unknown,
                Signal::Base,
                "the base image cannot be resolved".into(),
            );
        }
        if let Some(program) = self.prebuilt_program() {
            return (
                ImageClass::Prebuilt,
                Signal::Contents,
                format!(
                    "it ships {program}, copied in from the build context: a binary built outside this file"
                ),
            );
        }
        (
            ImageClass::Unknown,
            Signal::Contents,
            "it ships no Go binary built in this file".into(),
        )
    }
}
