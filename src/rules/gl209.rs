//! GL209 upx-packed-binary: a binary that ships is packed with upx.

use super::{Context, declare_rule};
use crate::knowledge::go_linker::{ldflags_words, strip_flags};
use crate::diagnostic::Diagnostic;

declare_rule! {
    GL209 "upx-packed-binary", Info, fix: None, applies: HARDENING, linux: true,
    "A binary that ships in the final image is packed with `upx`"
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    if model.final_is_export_only() {
        return;
    }
    for run in model.upx_runs() {
        let files = model.upx_packed_files(run);
        let argv = &run.command.argv;
        let mut shipped: Option<(String, Option<String>)> = None;
        for file in &files {
            match file {
                Some(path) => {
                    let (ships, landed) = model.trace(run.stage, Some(path));
                    if ships {
                        shipped = Some((path.clone(), landed.first().cloned()));
                        break;
                    }
                }
                // A path gopherlint cannot resolve, in a stage whose go build ships before it:
                // upx runs right after the build to pack what it built.
                None => {
                    let build_ships = model.go_builds.iter().any(|b| {
                        b.stage == run.stage && b.instruction <= run.instruction && model.ships(b)
                    });
                    if build_ships {
                        shipped = Some((String::new(), None));
                        break;
                    }
                }
            }
        }
        let Some((path, landed)) = shipped else {
            continue;
        };
        let program = run.command.program().unwrap_or("upx");
        let message = match (path.is_empty(), landed) {
            (true, _) => format!(
                "`{program}` packs the binary built in this stage, which ships in the final image"
            ),
            (false, Some(landed)) if landed != path => {
                format!("`{program}` packs `{path}`, which ships in the final image as `{landed}`")
            }
            (false, _) => format!("`{program}` packs `{path}`, which ships in the final image"),
        };
        // Where the build strips already, `-s -w` is no alternative to offer.
        let stripped = model.go_builds.iter().any(|b| {
            b.stage == run.stage
                && b.instruction <= run.instruction
                && model.ships(b)
                && b.ldflags()
                    .and_then(|f| f.value.as_deref())
                    .and_then(ldflags_words)
                    .is_some_and(|words| strip_flags(&words) == (true, true))
        });
        let costs = "ship the binary unpacked: a packed binary unpacks itself into memory at every start, so it starts slower, uses more memory (the pages cannot be shared between processes), and is often flagged by malware scanners";
        let help = if stripped {
            format!("{costs}; the build already strips it with `-s -w`")
        } else {
            format!("{costs}; `-ldflags=\"-s -w\"` shrinks it without these costs")
        };
        out.push(ctx.report(&RULE, argv[0].range, message).with_help(help));
    }
}
