//! `docker build` command lines, wherever they are written: Makefile recipes, shell scripts,
//! a workflow's `run:` steps. Read with gopherlint's own shell lexer.

use std::path::Path;

use super::{BuildConfig, ConfigKind, ContextDir, join_rel, normalize};
use crate::knowledge::conventions::{self, Intent};
use crate::makefile;
use crate::shell::{self, Command};
use crate::syntax::LogicalLine;

/// One `docker build` (or `docker buildx build`, `podman build`, `buildah bud`) as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct DockerBuild {
    /// The 1-based line the command starts on.
    pub line: usize,
    /// `-f` as written; `None` when not given.
    pub file: Option<String>,
    /// The context operand as written.
    pub context: Option<String>,
    pub target: Option<String>,
    pub args: Vec<(String, Option<String>)>,
    pub platforms: Vec<String>,
    /// `--platform` with a value not read here (`$(PLATFORMS)`).
    pub platforms_unread: bool,
    /// `--push`, or an output of type registry.
    pub push: bool,
    /// `--no-cache`: no layer and no cache mount is reused.
    pub no_cache: bool,
    /// The image names given with `-t`, as written.
    pub tags: Vec<String>,
    /// The directory an earlier `cd` of the same command line moved to (`cd tools/mock &&
    /// docker build .`): `-f` and the context are read from there.
    pub cd: Option<String>,
    /// `docker build` itself (not buildx, podman or buildah): the classic builder where the
    /// client predates Docker 23.0 and BuildKit is not asked for.
    pub docker_cli: bool,
    /// `DOCKER_BUILDKIT=0 docker build`: the classic builder, asked for.
    pub classic: bool,
}

/// Options of `docker build` that take a value in the next word (the rest are flags).
const VALUE_OPTIONS: &[&str] = &[
    "-t",
    "--tag",
    "--label",
    "--cache-from",
    "--cache-to",
    "--secret",
    "--ssh",
    "--build-context",
    "--progress",
    "--iidfile",
    "--metadata-file",
    "--network",
    "--add-host",
    "--shm-size",
    "--ulimit",
    "--builder",
    "--annotation",
    "--attest",
    "--cgroup-parent",
    "--isolation",
    "-m",
    "--memory",
    "--memory-swap",
    "--cpu-shares",
    "--cpuset-cpus",
    "--cpu-quota",
    "--cpu-period",
    "--security-opt",
    "--squash-all",
    "--format",
    "--arch",
    "--os",
    "--authfile",
    "--jobs",
    "--layers",
    "--creds",
    "--sign-by",
    "--volume",
    "-v",
];

/// Whether `text` may hold a build command (`docker build`, `docker buildx build`, `podman
/// build`, `buildah bud`, ...): a program name followed by build words, as `build_start`
/// reads them, with quotes, whitespace and line continuations between them. A cheap test
/// that spares parsing text that builds nothing; it never says no to text `build_start`
/// would accept.
pub(super) fn may_hold_build_command(text: &str) -> bool {
    ["docker", "podman", "buildah"].iter().any(|program| {
        text.match_indices(program).any(|(at, _)| {
            let after = &text[at + program.len()..];
            let words: Vec<&str> = after
                .split(|c: char| c.is_whitespace() || c == '\\')
                .map(|w| w.trim_matches(|c| c == '"' || c == '\''))
                .filter(|w| !w.is_empty())
                .take(2)
                .collect();
            let mut argv = vec![*program];
            argv.extend(words);
            build_start(&argv).is_some()
        })
    })
}

/// A script pushes the image it builds (`docker push`, `podman push`).
pub(super) fn pushes_image(text: &str) -> bool {
    text.contains("docker push") || text.contains("podman push")
}

/// The line of `file_text` (1-based) where the first of `commands` that builds an image is,
/// looked for from `from_line` (a CI job's or task's key): builds are numbered from there.
pub(super) fn first_build_line(file_text: &str, commands: &[&str], from_line: usize) -> usize {
    let first = commands
        .iter()
        .flat_map(|c| c.lines())
        .find(|l| l.contains("build"))
        .unwrap_or_default()
        .trim();
    super::line_of(file_text, first, from_line.max(1))
}

/// The `docker build` word positions: the index of the first option, for a build command.
fn build_start(argv: &[&str]) -> Option<usize> {
    let program = argv.first()?.rsplit('/').next()?;
    match (program, argv.get(1).copied(), argv.get(2).copied()) {
        ("docker" | "podman", Some("build"), _) => Some(2),
        ("docker" | "podman", Some("buildx" | "image"), Some("build")) => Some(3),
        ("docker", Some("buildx"), Some("b")) => Some(3),
        ("buildah", Some("bud" | "build" | "build-using-dockerfile"), _) => Some(2),
        _ => None,
    }
}

/// A word's text, or `None` when it holds a value not read (`$VAR`, `$(cmd)`).
fn plain(word: &shell::ShellWord) -> Option<String> {
    (!word.has_expansion && !word.text.contains('$')).then(|| word.text.clone())
}

/// Reads one command, when it is a build.
fn read_build(command: &Command, line: usize) -> Option<DockerBuild> {
    let texts: Vec<&str> = command.argv.iter().map(|w| w.text.as_str()).collect();
    let start = build_start(&texts)?;
    let docker_cli = matches!(texts.get(1).copied(), Some("build" | "image"))
        && command.program() == Some("docker");
    let classic = command
        .assignments
        .iter()
        .any(|a| a.name == "DOCKER_BUILDKIT" && matches!(a.value.text.as_str(), "0" | "false"));
    let mut build = DockerBuild {
        line,
        docker_cli,
        classic: docker_cli && classic,
        ..DockerBuild::default()
    };
    let mut i = start;
    let mut context_seen = false;
    while i < command.argv.len() {
        let word = &command.argv[i];
        let text = word.text.as_str();
        let (option, inline) = match text.split_once('=') {
            Some((o, v)) if o.starts_with("--") => (o, Some(v.to_string())),
            _ => (text, None),
        };
        let mut value = || -> Option<String> {
            match &inline {
                Some(v) => (!v.contains('$')).then(|| v.clone()),
                None => {
                    i += 1;
                    command.argv.get(i).and_then(plain)
                }
            }
        };
        match option {
            "-f" | "--file" => build.file = Some(value().unwrap_or_else(|| "$".into())),
            _ if option.starts_with("-f") && option.len() > 2 && !option.starts_with("--") => {
                build.file = Some(option[2..].to_string());
            }
            "--target" => build.target = Some(value().unwrap_or_else(|| "$".into())),
            "--build-arg" => match value() {
                // `--build-arg NAME` passes the variable from the environment, and
                // nothing when it is unset: the Dockerfile's default is what is known.
                Some(pair) => {
                    if let Some((k, v)) = pair.split_once('=') {
                        build.args.push((k.to_string(), Some(v.to_string())));
                    }
                }
                None => {
                    if let Some(name) = command.argv.get(i).and_then(|w| {
                        let (k, _) = w.text.split_once('=')?;
                        (!k.contains('$')).then(|| k.to_string())
                    }) {
                        build.args.push((name, None));
                    }
                }
            },
            "--platform" => match value() {
                Some(list) => build
                    .platforms
                    .extend(list.split(',').map(|p| p.trim().to_string())),
                None => build.platforms_unread = true,
            },
            "-t" | "--tag" => {
                let tag = match &inline {
                    Some(v) => Some(v.clone()),
                    None => {
                        i += 1;
                        command.argv.get(i).map(|w| w.text.clone())
                    }
                };
                build.tags.extend(tag);
            }
            "--push" => build.push = true,
            "--no-cache" => build.no_cache = inline.as_deref().is_none_or(|v| v != "false"),
            "-o" | "--output" => {
                let registry =
                    value().is_some_and(|v| v.contains("type=registry") || v.contains("push=true"));
                build.push |= registry;
            }
            _ if VALUE_OPTIONS.contains(&option) => i += usize::from(inline.is_none()),
            _ if option.starts_with('-') => {}
            _ if !context_seen => {
                context_seen = true;
                build.context = Some(plain(word).unwrap_or_else(|| "$".into()));
            }
            _ => {}
        }
        i += 1;
    }
    Some(build)
}

/// The builds in a shell text, with continuation lines joined. `first_line` is the line of
/// the text's first line in its file.
pub(super) fn docker_builds(text: &str, first_line: usize) -> Vec<DockerBuild> {
    let mut builds = Vec::new();
    let mut logical = String::new();
    let mut start = first_line;
    for (i, raw) in text.lines().enumerate() {
        if logical.is_empty() {
            start = first_line + i;
        }
        match raw.strip_suffix('\\') {
            Some(rest) => {
                logical.push_str(rest);
                logical.push(' ');
            }
            None => {
                logical.push_str(raw);
                read_line(&logical, start, &mut builds);
                logical.clear();
            }
        }
    }
    if !logical.is_empty() {
        read_line(&logical, start, &mut builds);
    }
    builds
}

fn read_line(text: &str, line: usize, builds: &mut Vec<DockerBuild>) {
    // Cheap test first: most lines of a Makefile or script build nothing.
    if !text.contains("build") && !text.contains(" bud") {
        return;
    }
    let trimmed = text.trim_start();
    if trimmed.starts_with('#') {
        return;
    }
    let script = shell::parse_script(&LogicalLine::contiguous(text, 0));
    // Where a `cd` earlier on the line moved to: `Some(None)` once it went somewhere not
    // read here (`cd $DIR`), after which no build's paths are known.
    let mut cd: Option<Option<String>> = None;
    for command in &script.commands {
        if command.program() == Some("cd") {
            let dir = match command.argv.get(1).and_then(plain) {
                Some(dir) if !dir.starts_with('/') && dir != "-" => match &cd {
                    Some(Some(before)) => Some(format!("{before}/{dir}")),
                    Some(None) => None,
                    None => Some(dir),
                },
                _ => None,
            };
            cd = Some(dir);
            continue;
        }
        if let Some(mut build) = read_build(command, line) {
            match &cd {
                Some(None) => continue,
                Some(Some(dir)) => build.cd = Some(dir.clone()),
                None => {}
            }
            builds.push(build);
        }
    }
}

/// The configuration a build gives, with paths resolved from `cwd` (relative to the root):
/// `-f` is relative to where the command runs, the context too, and the default Dockerfile is
/// the context's.
pub(super) fn to_config(
    build: &DockerBuild,
    kind: ConfigKind,
    file: &Path,
    cwd: &Path,
    name: Option<String>,
    publishes: bool,
) -> Option<BuildConfig> {
    let moved;
    let cwd = match &build.cd {
        Some(dir) => {
            moved = join_rel(cwd, dir)?;
            moved.as_path()
        }
        None => cwd,
    };
    let context_text = build.context.as_deref()?;
    // A context from standard input or a URL holds none of the repository's files.
    let context = if context_text == "-"
        || context_text.contains("://")
        || context_text.starts_with("git@")
    {
        return None;
    } else {
        match join_rel(cwd, context_text) {
            Some(dir) => ContextDir::Dir(dir),
            None => ContextDir::Unknown,
        }
    };
    // A Dockerfile not read here (`-f $FILE`, a context `$DIR`) is a build of no known file;
    // kept only for the image names it tags (the repository builds them), with no path.
    let unread = || (!build.tags.is_empty()).then(std::path::PathBuf::new);
    let dockerfile = match build.file.as_deref() {
        Some("-") => return None,
        Some(f) => join_rel(cwd, f).or_else(unread)?,
        None => match &context {
            ContextDir::Dir(dir) => normalize(&dir.join("Dockerfile")),
            _ => unread()?,
        },
    };
    // Pushed only to a registry that forgets it within hours (`ttl.sh/me/app:24h`): a
    // developer's image, not a release.
    let ephemeral = !build.tags.is_empty()
        && build
            .tags
            .iter()
            .all(|t| conventions::is_ephemeral_registry(t));
    Some(BuildConfig {
        kind,
        file: file.to_path_buf(),
        line: build.line,
        name,
        dockerfile,
        context,
        target: build.target.clone().filter(|t| !t.contains('$')),
        args: build.args.clone(),
        platforms: build.platforms.clone(),
        platforms_unread: build.platforms_unread,
        publishes: (publishes || build.push) && !ephemeral,
        local: ephemeral.then_some(Intent::Dev),
        released: None,
        runs_in_image: None,
        only_if_absent: None,
        documented: None,
        no_cache: build.no_cache,
        git_checkout: false,
        classic_builder: build.classic,
        // A tag whose account is written out keeps it (`acme/$NAME:$VERSION`): the image
        // name is unknown, the account it is pushed under is not.
        tags: build
            .tags
            .iter()
            .filter(|t| {
                !t.contains('$')
                    || t.split_once('/')
                        .is_some_and(|(account, _)| !account.contains('$'))
            })
            .cloned()
            .collect(),
    })
}

/// What the folder of a Makefile or script says its builds are for (`tests/Makefile`,
/// `e2e/build.sh`): tests, development or examples. Not CI: CI folders build release images
/// too.
fn folder_intent(file: &Path) -> Option<Intent> {
    super::folder_intent(file).filter(|intent| *intent != Intent::Ci)
}

/// The builds in a Makefile: each recipe's commands, named by their target.
pub(super) fn read_makefile(
    file: &Path,
    text: &str,
    out: &mut Vec<BuildConfig>,
) -> Result<(), String> {
    let cwd = file.parent().map(Path::to_path_buf).unwrap_or_default();
    let folder_intent = folder_intent(file);
    for rule in makefile::rules(text) {
        let Some(&(first, _)) = rule.recipe.first() else {
            continue;
        };
        let pushes = rule.recipe.iter().any(|(_, l)| pushes_image(l));
        let text: String = rule
            .recipe
            .iter()
            .map(|(_, l)| format!("{}\n", l.replace("$(CURDIR)", ".")))
            .collect();
        // A target named for tests or development (`test-integration`, `docker-dev`) builds
        // its image for that. Not `ci`: a CI target often builds the release image to check it.
        // So does a Makefile in a folder for tests (`tests/Makefile`).
        let target = (!rule.target.is_empty()).then(|| rule.target.clone());
        let intent = target
            .as_deref()
            .and_then(conventions::name_intent)
            .map(|(intent, _)| intent)
            .or(folder_intent)
            .filter(|intent| *intent != Intent::Ci);
        for build in docker_builds(&text, first) {
            if let Some(mut config) = to_config(
                &build,
                ConfigKind::Makefile,
                file,
                &cwd,
                target.clone(),
                pushes,
            ) {
                config.local = intent.or(config.local);
                out.push(config);
            }
        }
    }
    Ok(())
}

/// The builds in a shell script. Paths are read from the repository root (CI runs scripts
/// from there), unless the file does not exist there and does beside the script: the caller
/// resolves that with the Dockerfiles present.
pub(super) fn read_script(
    file: &Path,
    text: &str,
    out: &mut Vec<BuildConfig>,
) -> Result<(), String> {
    let pushes = pushes_image(text);
    let intent = folder_intent(file);
    for build in docker_builds(text, 1) {
        if let Some(mut config) = to_config(
            &build,
            ConfigKind::Script,
            file,
            Path::new(""),
            None,
            pushes,
        ) {
            config.local = intent.or(config.local);
            out.push(config);
        }
    }
    Ok(())
}

/// For a workflow's `run:` step: its builds, read from `cwd` (the step's working directory).
/// `${{ expr }}` is GitHub's, not the shell's: each becomes a shell variable nothing sets, a
/// value not read here. (The expression's own spaces and braces would otherwise split the
/// word or leave a substitution open, and lose the whole command.) An expression never closed
/// is left as it is.
fn without_expressions(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        let Some(len) = rest[start..].find("}}") else {
            break;
        };
        out.push_str(&rest[..start]);
        out.push_str("${GITHUB_EXPRESSION}");
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    out
}

pub(super) fn run_step_builds(
    file: &Path,
    text: &str,
    first_line: usize,
    cwd: &Path,
    name: Option<String>,
    publishes: bool,
    classic_client: bool,
) -> Vec<BuildConfig> {
    let text = without_expressions(text);
    docker_builds(&text, first_line)
        .iter()
        .filter_map(|b| {
            let mut config = to_config(
                b,
                ConfigKind::Workflow,
                file,
                cwd,
                name.clone(),
                publishes || b.push,
            )?;
            config.classic_builder |= classic_client && b.docker_cli;
            Some(config)
        })
        .collect()
}

#[cfg(test)]
#[path = "command_line_tests.rs"]
mod tests;
