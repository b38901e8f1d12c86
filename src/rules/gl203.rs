//! GL203 obsolete-installsuffix: `-installsuffix` in a go build's flags or GOFLAGS.

use super::flag_edits::{delete_flag, remove_goflags};
use super::{Context, declare_rule};
use crate::diagnostic::{Applicability, Diagnostic, Fix};
use crate::knowledge::go_command::FlagSource;
use crate::source::TextRange;

declare_rule! {
    // A go flag is obsolete wherever the build runs, whatever the image is for.
    GL203 "obsolete-installsuffix", Info, fix: Safe, applies: MAINTAINED, linux: false,
    "`-installsuffix` in the go flags or GOFLAGS: a leftover from before the build cache"
}

const WHY: &str = "module builds install no packages, and since Go 1.10 the build cache keeps cgo and non-cgo builds apart";
// Not "`CGO_ENABLED=0` makes the static build": many builds that carry the flag set cgo on.
const HELP: &str = "delete it: it changes nothing in the binary, with cgo on or off";

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    // An ENV or ARG GOFLAGS reaches several builds: reported once, where it is set.
    let mut origins: Vec<TextRange> = Vec::new();
    // Before Go 1.10 the flag kept cgo and non-cgo packages apart in GOPATH/pkg: it mattered.
    for build in ctx
        .model
        .go_builds
        .iter()
        .filter(|b| !ctx.model.predates_build_cache(b.stage))
        // A stage that builds only for a debug target (a `delve-builder`) ships nothing released.
        .filter(|b| !ctx.model.serves_only_debugging(b.stage))
    {
        for flag_use in build.flag_uses("installsuffix") {
            let flag = flag_use.flag;
            // Without a value `go` stops with "flag needs an argument": not this rule's business.
            let Some(value) = flag.value.as_deref() else {
                continue;
            };
            let shown = if value.is_empty() || value.contains(['$', '`', '\n']) {
                "`-installsuffix`".to_string()
            } else {
                format!("`-installsuffix {value}`")
            };
            match flag_use.source {
                FlagSource::Argv => {
                    let Some(range) = build.flag_range(flag) else {
                        continue;
                    };
                    let fix = delete_flag(ctx, build, flag).map(|edit| {
                        Fix::new(format!("delete {shown}"), Applicability::Safe, vec![edit])
                    });
                    out.push(
                        ctx.report(&RULE, range, format!("{shown} is obsolete: {WHY}"))
                            .with_help(HELP)
                            .with_fix(fix),
                    );
                }
                FlagSource::Goflags => {
                    let range = build.goflags_origin.unwrap_or(build.go_range);
                    if origins.contains(&range) {
                        continue;
                    }
                    origins.push(range);
                    let fix =
                        remove_goflags(ctx, build, &|f| f.name == "installsuffix").map(|edit| {
                            Fix::new(
                                "delete `-installsuffix` from `GOFLAGS`",
                                Applicability::Safe,
                                vec![edit],
                            )
                        });
                    let mut diagnostic = ctx
                        .report(
                            &RULE,
                            range,
                            format!("`GOFLAGS` passes {shown}, which is obsolete: {WHY}"),
                        )
                        .with_help(HELP)
                        .with_fix(fix);
                    if range != build.go_range {
                        diagnostic = diagnostic
                            .with_label(build.go_range, "a go command reads `GOFLAGS` here");
                    }
                    out.push(diagnostic);
                }
            }
        }
    }
}
