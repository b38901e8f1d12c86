//! GL202 legacy-dependency-manager: dep, glide, godep or govendor, which Go modules replaced.

use super::{Context, declare_rule};
use crate::diagnostic::Diagnostic;
use crate::knowledge::tools::legacy_managers::{
    DOWNLOADS, MANIFESTS, OS_PACKAGES, PACKAGES, PROGRAMS,
};
use crate::model::CopySource;
use crate::model::scripts::installed_packages;
use crate::paths;
use crate::shell::Command;
use crate::source::TextRange;
use crate::syntax::Keyword;

declare_rule! {
    GL202 "legacy-dependency-manager", Warning, fix: None, applies: ALL_CLASSES, linux: false,
    "The build uses dep, glide, godep or govendor, which Go modules replaced"
}

fn diagnostic(ctx: &Context, range: TextRange, manager: &str, what: String) -> Diagnostic {
    ctx.report(
        &RULE,
        range,
        format!("{what}, a dependency manager Go modules replaced"),
    )
    .with_help(format!(
        "move `{manager}`'s dependencies to Go modules: a go.mod and go.sum in the repository, and `go mod download` in the image instead of installing and running `{manager}`"
    ))
}

/// What in a command uses a legacy manager: running it, or installing it.
fn in_command(command: &Command) -> Option<(TextRange, &'static str, String)> {
    let program = command.program()?;
    let first = command.argv.first()?;
    if let Some(&name) = PROGRAMS.iter().find(|&&p| p == program) {
        return Some((first.range, name, format!("the build runs `{name}`")));
    }
    let installed = |word: &crate::shell::ShellWord, manager: &'static str| {
        Some((
            word.range,
            manager,
            format!("the build installs `{manager}`"),
        ))
    };
    match program {
        "go" => {
            let sub = command.argv.get(1)?;
            if !matches!(sub.text.as_str(), "get" | "install" | "build") {
                return None;
            }
            command.argv.iter().skip(2).find_map(|w| {
                let path = w.text.split('@').next()?;
                // `github.com/golang/dep/...` installs everything under it, dep included.
                let path = path.strip_suffix("/...").unwrap_or(path);
                let (_, manager) = PACKAGES.iter().find(|(p, _)| *p == path)?;
                installed(w, manager)
            })
        }
        "curl" | "wget" => command.argv.iter().skip(1).find_map(|w| {
            let (_, manager) = DOWNLOADS.iter().find(|(u, _)| w.text.contains(u))?;
            installed(w, manager)
        }),
        _ => {
            let packages = installed_packages(command)?;
            command.argv.iter().find_map(|w| {
                let name = w.text.split(['=', '>', '<']).next()?;
                let (_, manager) = OS_PACKAGES.iter().find(|(p, _)| *p == name)?;
                packages.iter().any(|p| p == &w.text).then_some(())?;
                installed(w, manager)
            })
        }
    }
}

/// The manager whose manifest a copied path is.
fn manifest(path: &str) -> Option<&'static str> {
    let path = path.trim_end_matches('/');
    MANIFESTS.iter().find_map(|(name, manager)| {
        let matches = if name.contains('/') {
            path == *name || path.ends_with(&format!("/{name}"))
        } else {
            let base = paths::basename(path);
            base == *name || (paths::has_glob(base) && glob_names(base, name))
        };
        matches.then_some(*manager)
    })
}

/// A glob matches the manifest's name and spells at least its first four letters
/// (`Gopkg.*`, `glide.*`), so that `COPY * ./` is not read as copying a manifest.
fn glob_names(pattern: &str, name: &str) -> bool {
    let literal = pattern.split(['*', '?', '[']).next().unwrap_or_default();
    literal.len() >= 4 && name.starts_with(literal) && paths::glob_match(pattern, name)
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    // `dep` and `glide` are ordinary words: only in a file that builds Go are they these tools.
    if !ctx.model.builds_go {
        return;
    }
    // Every use, in file order: (where, manager, what the file does with it).
    let mut uses: Vec<(TextRange, &'static str, String)> = Vec::new();
    for run in &ctx.model.runs {
        uses.extend(run.script.commands.iter().map(std::ops::Deref::deref).filter_map(in_command));
    }
    for copy in &ctx.model.copies {
        if copy.source != CopySource::Context {
            continue;
        }
        let words = ctx.model.instruction(copy.instruction).arg_words();
        let Some((_, sources)) = words.split_last() else {
            continue;
        };
        // `ADD https://github.com/golang/dep/releases/download/...`: a download of the tool.
        if copy.is_add
            && let Some((range, manager)) = sources.iter().find_map(|word| {
                let (_, manager) = DOWNLOADS.iter().find(|(url, _)| word.value.contains(url))?;
                Some((word.range, *manager))
            })
        {
            uses.push((range, manager, format!("the build installs `{manager}`")));
            continue;
        }
        let found = sources.iter().zip(&copy.sources).find_map(|(word, value)| {
            let path = value.usable()?;
            manifest(path).map(|manager| (word.range, manager))
        });
        if let Some((range, manager)) = found {
            let keyword = match ctx.model.instruction(copy.instruction).keyword {
                Keyword::Add => "adds",
                _ => "copies",
            };
            uses.push((
                range,
                manager,
                format!("the build {keyword} a manifest of `{manager}`"),
            ));
        }
    }
    uses.sort_by_key(|(range, _, _)| range.start);
    // One finding per manager, at its first use; the other uses are labels (installing dep,
    // then running `dep ensure`, is one problem to solve).
    let mut managers: Vec<&str> = uses.iter().map(|(_, m, _)| *m).collect();
    managers.dedup();
    let mut seen = Vec::new();
    for manager in managers {
        if seen.contains(&manager) {
            continue;
        }
        seen.push(manager);
        let mut of_manager = uses.iter().filter(|(_, m, _)| *m == manager);
        let Some((range, _, what)) = of_manager.next() else {
            continue;
        };
        let mut found = diagnostic(ctx, *range, manager, what.clone());
        for (range, _, what) in of_manager {
            let what = what.strip_prefix("the build ").unwrap_or(what);
            found = found.with_label(*range, format!("also {what} here"));
        }
        out.push(found);
    }
}
