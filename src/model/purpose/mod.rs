//! What the shipped image is for: a Go service, a Go toolchain, a check stage, an export of
//! files, a test image, or unknown. Every rule declares the classes it applies to, so this is
//! the one place that decides whether, say, "the toolchain ships with the binary" is a finding
//! or the whole point of the image.

mod contents;
mod evidence;

use super::facts::FileFacts;
use super::go_build::GoBuild;
use super::shipping::Shipping;
use crate::knowledge::conventions::{self, Intent};

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
                // Named as a fixture, and built by nothing the repository runs.
                || (self.build.is_none()
                    && parts.last().is_some_and(|name| conventions::names_fixture(name)))
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
        // An environment one works in (a browser IDE, an editor and a shell): a development
        // image, a toolchain when it carries Go.
        if let Some(tools) = self.workstation_tools() {
            let class = if self.final_has_go_toolchain() {
                ImageClass::Toolchain
            } else {
                ImageClass::Dev
            };
            let named: Vec<String> = tools.iter().map(|t| format!("`{t}`")).collect();
            return (
                class,
                Signal::Contents,
                format!(
                    "it installs {}: a development environment to work in",
                    named.join(", ")
                ),
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
}
