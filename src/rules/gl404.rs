//! GL404 unpinned-go-install: `go install pkg@latest` or `go run pkg@latest` (or a branch):
//! the tool's version floats, and with it what the build generates or ships.

use super::{Context, declare_rule};
use crate::diagnostic::Diagnostic;
use crate::knowledge::go_command::GoSubcommand;
use crate::knowledge::tools::legacy_managers;

declare_rule! {
    // Where the file is maintained for its own sake: a debug or development image follows the
    // newest debugger or linter on purpose, and nothing built there ships.
    GL404 "unpinned-go-install", Info, fix: None, applies: MAINTAINED, linux: false,
    "`go install pkg@latest` or `go run pkg@latest`: the tool's version floats"
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    // A file with no `@` has no `pkg@query`.
    if !ctx.text.contains('@') {
        return;
    }
    // The module of the build context: the project's own.
    let own_module = ctx
        .model
        .context_go_mod()
        .and_then(|m| m.module.clone())
        .filter(|m| m.contains('/'));
    for tool in ctx.model.floating_go_tools() {
        // `go install github.com/acme/tool@latest` in acme/tool's own repository: the image
        // packages the project's newest release, which is what it is for.
        if own_module.as_deref().is_some_and(|m| {
            tool.package == m || tool.package.strip_prefix(m).is_some_and(|r| r.starts_with('/'))
        }) {
            continue;
        }
        // A legacy dependency manager is to be dropped, not pinned: GL202's finding.
        if legacy_managers::PACKAGES.iter().any(|(p, _)| *p == tool.package) {
            continue;
        }
        let command = match tool.subcommand {
            GoSubcommand::Run => "go run",
            _ => "go install",
        };
        let what = match tool.query.as_str() {
            "latest" | "upgrade" | "patch" => "builds whichever release is newest when the image is built",
            "HEAD" => "builds whichever commit is newest when the image is built",
            _ => "builds whichever commit is newest on that branch when the image is built",
        };
        out.push(
            ctx.report(
                &RULE,
                tool.range,
                format!(
                    "`{command} {}@{}` {what}: the same file can build with another version of the tool tomorrow",
                    tool.package, tool.query
                ),
            )
            .with_help(format!(
                "pin a release: `{}@vX.Y.Z` (or keep it in go.mod with a `tool` directive and run `go tool`, Go 1.24 and newer), so a new version comes in a reviewed commit",
                tool.package
            )),
        );
    }
}
