//! GL006 missing-ca-certificates: a `scratch` image with no CA bundle for Go's TLS.

use super::{Context, GOPHERFILE_HINT, declare_rule};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::knowledge::files::{CA_BUNDLE, EMBEDDED_CA_MODULES};
use crate::knowledge::images::Family;
use crate::knowledge::network;
use crate::context::go_source::Outbound;
use crate::model::{CopySource, ImageClass, Model, Presence};

declare_rule! {
    GL006 "missing-ca-certificates", Warning, fix: Sometimes, applies: GO_BINARY, linux: false,
    "A `scratch` final image has no CA certificates for TLS"
}

/// The stage to copy the CA bundle from (how COPY --from names it, and its index): the one
/// that builds the shipped binary.
fn bundle_source(model: &Model) -> Option<(String, usize)> {
    let chain = model.final_chain();
    let source = model
        .shipped_builds()
        .map(|b| b.stage)
        .chain(model.final_copies().filter_map(|c| match c.source {
            CopySource::Stage(s) if !chain.contains(&s) => Some(s),
            _ => None,
        }))
        .next()?;
    let build = &model.stages[source];
    let reference = build
        .name
        .clone()
        .unwrap_or_else(|| build.index.to_string());
    Some((reference, source))
}

/// Copies the CA bundle from the stage that builds the shipped binary. Safe when that stage is
/// an official `golang` image, which has the bundle at that path.
fn fix(ctx: &Context, model: &Model) -> Option<Fix> {
    let stage = model.final_stage()?;
    let (reference, source) = bundle_source(model)?;
    let build = &model.stages[source];
    let official = build
        .root_image
        .as_ref()
        .is_some_and(|i| i.is_official_golang());
    let applicability = if official {
        Applicability::Safe
    } else {
        Applicability::Unsafe
    };
    if !ctx.can_insert_after(stage.from) {
        return None;
    }
    let from = model.instruction(stage.from);
    let line = format!(
        "{}{} --from={reference} {CA_BUNDLE} /etc/ssl/certs/",
        ctx.newline(),
        ctx.keyword("COPY")
    );
    Some(Fix::new(
        "copy the CA bundle from the build stage",
        applicability,
        vec![Edit::insert(from.range.end, line)],
    ))
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    let Some(stage) = model.final_stage() else {
        return;
    };
    // A debug or example image may ship anything: only a Go binary built here is judged.
    if stage.facts.family != Family::Scratch
        || model.final_is_export_only()
        || !model.final_ships_go()
    {
        return;
    }
    if model.final_fs().ca_roots != Presence::Absent {
        return;
    }
    // The binary brings its own roots: TLS works without a CA file.
    if model
        .context_go_mod()
        .is_some_and(|m| EMBEDDED_CA_MODULES.iter().any(|path| m.requires(path)))
    {
        return;
    }
    // The program's own source shows whether it connects out: a server that only listens, or
    // a client that trusts a CA of its own, never reads the system roots.
    let outbound = model.shipped_program_outbound();
    if matches!(
        outbound,
        Some(Outbound::NotSeen | Outbound::Seen { plaintext: true, .. })
    ) {
        return;
    }
    // In a Go repository whose program this build's source cannot be followed into (a make
    // recipe, a package pattern, a context folder below its module's go.mod), whether the
    // program connects out at all is unknown: many only listen, or trust the cluster's CA.
    // Only a file with no module to read at all (a lone Dockerfile) is judged on its pattern.
    let in_a_module = match model.context_go_mod() {
        Some(_) => true,
        None => model.context().and_then(|c| c.enclosing_go_mod()).is_some(),
    };
    if outbound.is_none() && in_a_module {
        return;
    }
    // An example's database or queue client talks to the services of its demo, in plain text
    // unless told otherwise: nothing shows that it needs the roots.
    if model.purpose.class == ImageClass::Example
        && matches!(&outbound, Some(Outbound::Seen { evidence, imported: true, .. }) if network::tls_optional(evidence))
    {
        return;
    }
    let copy = match bundle_source(model) {
        Some((reference, _)) => format!(
            "copy the builder's bundle: `COPY --from={reference} {CA_BUNDLE} /etc/ssl/certs/`"
        ),
        None => format!("copy a CA bundle to `{CA_BUNDLE}`"),
    };
    // Past the checks above, either the source shows a client, or there is no module to read
    // (a lone Dockerfile): then whether the binary embeds its own roots is unknown too, and the
    // consequence is stated with its condition.
    let (consequence, unless) = match &outbound {
        Some(Outbound::Seen {
            file,
            evidence,
            imported,
            ..
        }) => {
            let shows = if *imported {
                format!("`{file}` imports `{evidence}`")
            } else {
                // A struct literal (`http.Client{`, `git.CloneOptions{`) is used, not called.
                let verb = if evidence.ends_with('{') { "uses" } else { "calls" };
                format!("`{file}` {verb} `{}`", evidence.trim_end_matches(['(', '{']))
            };
            (
                "the program connects out, and its TLS connections verified against the system roots fail with \"x509: certificate signed by unknown authority\"",
                format!("; the program's source shows it connects out: {shows}"),
            )
        }
        _ => (
            "unless the program embeds its own roots, its TLS connections fail with \"x509: certificate signed by unknown authority\"",
            format!(
                "; the build context's go.mod, not readable here, tells: the program embeds its roots if it requires `{}` or `{}`",
                EMBEDDED_CA_MODULES[0], EMBEDDED_CA_MODULES[1]
            ),
        ),
    };
    out.push(
        ctx.report(
            &RULE,
            ctx.instruction_head(stage.from),
            format!(
                "the final image is `scratch` and nothing copies CA certificates into it: {consequence}"
            ),
        )
        .with_help(format!("{copy} {GOPHERFILE_HINT}{unless}"))
        .with_fix(fix(ctx, model)),
    );
}
