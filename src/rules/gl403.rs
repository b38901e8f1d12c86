//! GL403 remote-add-without-checksum: `ADD https://...` without `--checksum`: whatever the URL
//! serves on the day of the build goes into the image.

use super::{Context, declare_rule};
use crate::diagnostic::Diagnostic;
use crate::knowledge::{downloads, tools};
use crate::model::{Certainty, Model};
use crate::model::copy::{Copy, Remote, remote_source};

declare_rule! {
    // A download that is not checked is the same risk whatever the image is for: a test or CI
    // image runs it too, often with the repository's secrets at hand. An example or demo is
    // built by hand to show the project, and bumped by a bot: a digest there is upkeep only.
    // Windows images are built by the classic builder, which has no `ADD --checksum` (nor
    // `sha256sum` in the image): neither remedy exists there.
    GL403 "remote-add-without-checksum", Info, fix: None, applies: NOT_EXAMPLES, linux: true,
    "`ADD https://...` without `--checksum=sha256:...`: the content can change under the same URL"
}

/// A later RUN of the stage, or of one built from it, checks a digest or signature (`sha256sum
/// -c`, `gpg --verify`): the download is verified there.
fn verified_later(model: &Model, copy: &Copy) -> bool {
    model
        .runs
        .iter()
        .filter(|r| r.instruction > copy.instruction && model.chain(r.stage).contains(&copy.stage))
        .flat_map(|r| &r.script.commands)
        .any(|command| {
            let args: Vec<&str> = command.argv.iter().skip(1).map(|w| w.text.as_str()).collect();
            command
                .program()
                .is_some_and(|program| tools::verifies(program, &args))
        })
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    // Most files download nothing with ADD.
    if !ctx.text.contains("://") {
        return;
    }
    let model = ctx.model;
    for copy in model.copies.iter().filter(|c| c.is_add) {
        let instruction = model.instruction(copy.instruction);
        if instruction.flag("checksum").is_some() || verified_later(model, copy) {
            continue;
        }
        let words = instruction.arg_words();
        // The last word is the destination.
        let sources = &words[..words.len().saturating_sub(1)];
        // Each source as the stage's variables expand it, where the model reads the same
        // sources the words hold.
        let expanded = (copy.sources.len() == sources.len()).then_some(&copy.sources);
        for (i, word) in sources.iter().enumerate() {
            // `${TINI_VERSION}` from an `ENV`: one URL, whatever the build passes.
            let fixed = expanded
                .and_then(|e| e.get(i))
                .is_some_and(|v| v.certainty == Certainty::Known && !v.text.contains('$'));
            // A branch's URL serves what was pushed last, on purpose (a dataset rebuilt each
            // day): a digest would fail the next build.
            // A commit's file never changes: the URL is its pin.
            // A package repository's definition lists mirrors its vendor keeps current; the
            // packages it serves are checked against the repository's key.
            if remote_source(&word.value) != Some(Remote::Download)
                || downloads::moving_ref(&word.value).is_some()
                || downloads::pins_a_commit(&word.value)
                || downloads::serves_source_list(&word.value)
                // A placeholder on a reserved domain (`http://example.org/example`) downloads
                // nothing anyone serves.
                || downloads::on_reserved_domain(&word.value)
            {
                continue;
            }
            out.push(
                ctx.report(
                    &RULE,
                    word.range,
                    format!(
                        "`ADD {}` downloads without `--checksum`: the build takes whatever the URL serves that day, changed or tampered with",
                        word.value
                    ),
                )
                .with_help(if word.value.contains('$') && !fixed {
                    // One digest cannot fit a URL that changes with the build's arguments.
                    "the URL changes with the build's arguments, so no single digest fits it: pass the digest in a build argument next to the one that picks the file (`--checksum=$APP_SHA256`, which BuildKit expands), or download in a RUN and check the file with `sha256sum -c` against the checksums its publisher lists"
                } else {
                    "add `--checksum=sha256:<digest>` (Dockerfile syntax 1.6 and newer; `curl -fsSL <url> | sha256sum` prints it), or download in a RUN and check the file with `sha256sum -c`"
                }),
            );
        }
    }
}
