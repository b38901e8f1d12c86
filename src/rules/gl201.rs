//! GL201 go-get-install: `go get` used to install a command, which it stopped doing in Go 1.18.

use super::{Context, declare_rule};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::knowledge::go_command::binary_name;
use crate::knowledge::go_release::{GoFeature, GoRelease};
use crate::knowledge::packages;
use crate::knowledge::tools::KNOWN_GO_COMMANDS;
use crate::model::{GoGet, Model, ToolRun};
use crate::paths;
use crate::source::TextRange;

declare_rule! {
    GL201 "go-get-install", Error, fix: Unsafe, applies: ALL_CLASSES, linux: false,
    "`go get` is used to install a command, which it no longer does since Go 1.18"
}

/// How a `go get` reads.
enum Reading {
    /// It names a command: `go get` was meant to build and install it.
    Command,
    /// Packages fetched outside any module, the GOPATH way; since Go 1.18 that fails.
    OutsideModule,
}

fn check_get(ctx: &Context, get: &GoGet, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    let run = get.run;
    let argv = &run.command.argv;
    // `-d` only downloads: it never was an install.
    if get.has_flag("d") || get.package_words().is_empty() {
        return;
    }
    let mut packages = Vec::new();
    for i in get.package_words() {
        let value = run.env.expand_strict(&argv[i].text);
        let Some(text) = value.usable() else {
            return;
        };
        // Local packages (`./...`, `.`) and `all` update the module's own requirements.
        if text.starts_with(['.', '/']) || text == "all" || text.starts_with('-') {
            return;
        }
        packages.push((i, text.to_string()));
    }
    // GO111MODULE=off keeps GOPATH mode, where `go get` still builds and installs up to Go
    // 1.21; with `auto` it is GOPATH mode outside a module. An unknown value could be either.
    let no_module = model.no_module_before(run);
    if let Some(var) = run.env.get("GO111MODULE").filter(|v| v.exported) {
        // An ARG without a default is whatever the build passes.
        match var.value.as_ref().and_then(|v| v.usable()) {
            None => return,
            Some("off") => return gopath_mode(ctx, get, "`GO111MODULE=off`", out),
            Some("auto") if no_module => {
                return gopath_mode(ctx, get, "`GO111MODULE=auto` with no go.mod here", out);
            }
            Some(_) => {}
        }
    }
    let command = packages
        .iter()
        .position(|(_, p)| is_command(ctx, get, p))
        .map(|i| &packages[i]);
    // The builder's own Go, or one its chain copies in from a Go image.
    let go = match model.golang_release(run.stage) {
        GoRelease::Unknown => model
            .copied_go_release(run.stage)
            .unwrap_or(GoRelease::Unknown),
        go => go,
    };
    // Before Go 1.16 `go get` is the only way to install a command: on such a pinned release
    // it works, and nothing better exists there.
    if go.lacks(GoFeature::InstallAtVersion) {
        return;
    }
    // Go the stage installs by a means that names no release (a script of its own) may be one
    // where `go get` is the way to install, and `go install pkg@version` does not exist yet.
    // An OS package of Go (`apt-get install golang`) is a distribution's, read as unknown.
    if go == GoRelease::Unknown
        && !model.stages[run.stage].facts.is_go_toolchain()
        && model.copied_go_release(run.stage).is_none()
        && !model
            .installed_packages_in_chain(run.stage)
            .iter()
            .any(|p| packages::is_go_toolchain(p))
    {
        return;
    }
    let fails = go.has(GoFeature::GetStopsInstalling);
    let reading = match command {
        Some(_) => Reading::Command,
        // Without a command to name, a fetch outside a module is only a finding where it fails.
        None if no_module && fails => Reading::OutsideModule,
        None => return,
    };
    let builder = go.describe().unwrap_or_default();
    let get_range = argv[0].range.cover(argv[1].range);
    let (severity, message) = match (&reading, fails, command) {
        (Reading::Command, true, Some((_, package))) => (
            Severity::Error,
            if no_module {
                format!(
                    "`go get` does not install `{}`: since Go 1.18 it fails outside a module, and nothing has put a go.mod here ({builder})",
                    command_name(package)
                )
            } else {
                format!(
                    "`go get` does not install `{}`: since Go 1.18 it only edits go.mod, or fails outside a module ({builder})",
                    command_name(package)
                )
            },
        ),
        (Reading::Command, false, Some((_, package))) => (
            Severity::Warning,
            format!(
                "`go get` installs `{}` only up to Go 1.17: since Go 1.18 it only edits go.mod, or fails outside a module{}",
                command_name(package),
                if builder.is_empty() {
                    String::new()
                } else {
                    format!(" ({builder})")
                }
            ),
        ),
        _ => (
            Severity::Error,
            format!(
                "`go get` runs outside a module: since Go 1.18 it fails there (\"go.mod file not found\") ({builder})"
            ),
        ),
    };
    let mut diagnostic = ctx
        .report(&RULE, get_range, message)
        .with_severity(severity);
    diagnostic = match (&reading, command) {
        (Reading::Command, Some((word, package))) => {
            let package = package.split('@').next().unwrap_or(package);
            let help = format!(
                "install it with `go install {package}@<version>`, pinned to a release (or `@latest`)"
            );
            diagnostic
                .with_label(argv[*word].range, "a command")
                .with_help(help)
                .with_fix(fix(ctx, get, go))
        }
        _ => diagnostic.with_help(
            "build inside a module: copy go.mod and go.sum and let `go mod download` or `go build` fetch the dependencies; install commands with `go install pkg@version`",
        ),
    };
    out.push(diagnostic);
}

/// `go get` in GOPATH mode: it builds and installs up to Go 1.21; Go 1.22 removed it ("go get
/// is no longer supported outside a module"), whatever the packages are. No fix: `go install
/// pkg@version` needs module mode.
fn gopath_mode(ctx: &Context, get: &GoGet, mode: &str, out: &mut Vec<Diagnostic>) {
    let release = ctx.model.golang_release(get.run.stage);
    let (true, Some(builder)) = (release.has(GoFeature::GopathGetRemoved), release.describe())
    else {
        return;
    };
    let argv = &get.run.command.argv;
    out.push(
        ctx.report(
            &RULE,
            argv[0].range.cover(argv[1].range),
            format!(
                "`go get` fails in GOPATH mode ({mode}): Go 1.22 removed it ({builder})"
            ),
        )
        .with_help(
            "build inside a module (copy go.mod and go.sum, then `go mod download`), and install commands with `go install pkg@version`",
        ),
    );
}

/// The package is a command: a `cmd` directory in its path, a well-known command, the
/// `repo/repo` layout of a command in a subdirectory, a `protoc-gen-*` plugin, or a program of
/// its name runs afterwards. A package a later `go install`/`go build`/`go run` names was
/// pinned in go.mod for that command: not an install.
fn is_command(ctx: &Context, get: &GoGet, package: &str) -> bool {
    let path = package.split('@').next().unwrap_or(package);
    // `repo/...` fetches and (before Go 1.18) installs every package under it: a command when
    // one under it is, or when the repository's program runs afterwards.
    let wildcard = path.strip_suffix("/...");
    let path = wildcard.unwrap_or(path);
    if path.contains("...") || ctx.model.package_used_later(get.run, path) {
        return false;
    }
    let known_below = || {
        KNOWN_GO_COMMANDS.iter().any(|k| {
            k.strip_prefix(path)
                .is_some_and(|rest| rest.starts_with('/'))
        })
    };
    if wildcard.is_some() && known_below() {
        return true;
    }
    let elements: Vec<&str> = path.split('/').collect();
    let name = command_name(package);
    let repo_layout = elements.len() > 3 && elements.get(2) == elements.last();
    elements.contains(&"cmd")
        || KNOWN_GO_COMMANDS.contains(&path)
        || repo_layout
        || name.starts_with("protoc-gen-")
        || (runs_program_after(ctx.model, get.run, &name)
            && !name_is_shared(ctx, path, &name)
            && !built_later(ctx.model, get.run, &name))
}

/// A later `go build` in this stage or one built on it writes a binary of this name
/// (`go mod init mockoidc`, `go get .../mockoidc`, then `go build -o mockoidc .`): the program
/// that runs is that build's, and the fetch added a dependency for it.
fn built_later(model: &Model, run: &ToolRun, name: &str) -> bool {
    model.go_builds.iter().any(|build| {
        build.instruction > run.instruction
            && model.chain(build.stage).contains(&run.stage)
            && build.output_name().is_some_and(|output| output == name)
    })
}

/// Whether a program of this name runs after the command: later in the same RUN, in a later
/// RUN of a stage built on this one, or as the start command of a final image built on it.
fn runs_program_after(model: &Model, run: &ToolRun, name: &str) -> bool {
    let descendants: Vec<usize> = (0..model.stages.len())
        .filter(|&s| model.chain(s).contains(&run.stage))
        .collect();
    let later_in_runs = model.runs.iter().enumerate().any(|(index, r)| {
        let commands = if index == run.script {
            r.script.commands.get(run.position + 1..).unwrap_or(&[])
        } else if r.instruction > run.instruction && descendants.contains(&r.stage) {
            &r.script.commands[..]
        } else {
            &[]
        };
        commands.iter().map(std::ops::Deref::deref).any(|c| c.program() == Some(name))
    });
    let starts = model.final_stage.is_some_and(|f| descendants.contains(&f))
        && model
            .start_command()
            .and_then(|w| w.first())
            .is_some_and(|p| paths::basename(p) == name);
    later_in_runs || starts
}

/// Another package fetched or installed in the file has the same last element
/// (`github.com/revel/revel` beside `github.com/revel/cmd/revel`): the program that runs is
/// not necessarily this one.
fn name_is_shared(ctx: &Context, path: &str, name: &str) -> bool {
    let gets = ctx.model.go_gets().flat_map(|get| {
        get.package_words()
            .map(|i| get.run.command.argv[i].text.clone())
            .collect::<Vec<_>>()
    });
    let installs = ctx
        .model
        .go_builds
        .iter()
        .flat_map(|b| b.packages().map(str::to_string).collect::<Vec<_>>());
    gets.chain(installs).any(|other| {
        let other_path = other.split('@').next().unwrap_or(&other);
        let other_path = other_path.strip_suffix("/...").unwrap_or(other_path);
        other_path != path && command_name(&other) == name
    })
}

/// The binary `go install` names after the package.
fn command_name(package: &str) -> String {
    binary_name(package).unwrap_or_default().to_string()
}

/// `go get -u pkg` becomes `go install pkg@latest`: `get` is replaced, the flags `go install`
/// does not take (`-u`, `-t`, `-insecure`, `-f`, `-fix`) are removed, and `@latest` is added
/// when no version is given. Only for one package (`go install pkg@version` needs every
/// package from one module), words written plainly, and a builder whose Go has
/// `go install pkg@version` (1.16).
fn fix(ctx: &Context, get: &GoGet, go: GoRelease) -> Option<Fix> {
    let run = get.run;
    let argv = &run.command.argv;
    if run.command.nested || !run.script_complete || get.package_words().len() != 1 {
        return None;
    }
    if !go.has(GoFeature::InstallAtVersion) && go != GoRelease::Unknown {
        return None;
    }
    let package = &argv[get.first_positional];
    if !package.exact || !argv[1].exact || package.has_expansion && package.text.contains('@') {
        return None;
    }
    let mut edits = vec![Edit::replace(argv[1].range, "install")];
    for flag in &get.flags {
        if !matches!(flag.name.as_str(), "u" | "t" | "insecure" | "f" | "fix") {
            continue;
        }
        let word = flag.name_word?;
        if flag.value_word.is_some_and(|v| v != word) || word == 0 {
            return None;
        }
        edits.push(delete_word(
            ctx,
            argv[word - 1].range,
            argv[word].range,
            argv[word].exact,
        )?);
    }
    let expanded = run.env.expand(&package.text);
    let version = if expanded.text.contains('@') {
        ""
    } else {
        edits.push(Edit::insert(package.range.end, "@latest"));
        "@latest"
    };
    Some(Fix::new(
        format!("install with `go install {}{version}`", expanded.text),
        Applicability::Unsafe,
        edits,
    ))
}

/// Deletes a word and the blanks before it, when only spaces or tabs separate it from the
/// word before (no line continuation or comment is lost).
fn delete_word(ctx: &Context, before: TextRange, word: TextRange, exact: bool) -> Option<Edit> {
    let gap = ctx.slice(TextRange::new(before.end, word.start));
    if !exact || gap.is_empty() || !gap.chars().all(|c| c == ' ' || c == '\t') {
        return None;
    }
    Some(Edit::replace(TextRange::new(before.end, word.end), ""))
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for get in ctx.model.go_gets() {
        check_get(ctx, &get, out);
    }
}
