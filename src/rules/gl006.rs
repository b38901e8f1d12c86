//! GL006 missing-ca-certificates: a `scratch` image with no CA bundle for Go's TLS.

use super::{Context, FixAvailability, GOPHERFILE_HINT, Rule};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::model::{Copy, CopySource, Family, Model, paths};

pub const RULE: Rule = Rule {
    code: "GL006",
    name: "missing-ca-certificates",
    severity: Severity::Warning,
    summary: "A `scratch` final image has no CA certificates for TLS",
    applies_to: super::SERVICE,
    linux_only: false,
    fix: FixAvailability::Sometimes,
    doc: include_str!("../../rules/GL006.md"),
    check,
};

/// Files Go's crypto/x509 reads CA roots from on Linux.
const CA_FILES: &[&str] = &[
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/ca-bundle.pem",
    "/etc/pki/tls/cacert.pem",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/ssl/cert.pem",
];

/// Directories it reads every certificate from.
const CA_DIRS: &[&str] = &["/etc/ssl/certs", "/etc/pki/tls/certs"];

/// A place Go reads roots from: a bundle file, or inside (or being) a CA directory.
fn is_root_location(path: &str) -> bool {
    CA_FILES.contains(&path) || CA_DIRS.iter().any(|dir| paths::is_within(path, dir))
}

/// What a copy tells about CA roots in the image.
enum Provides {
    Yes,
    No,
    /// It copies to (or from) a place that cannot be known.
    Unknown,
}

fn provides_roots(copy: &Copy) -> Provides {
    if copy.dest.usable().is_none() {
        return Provides::Unknown;
    }
    // A source taken as a file lands on a root location (`COPY ca.pem /etc/ssl/certs/`).
    for landing in copy.landing_paths() {
        match landing {
            None => return Provides::Unknown,
            Some(path) if is_root_location(&path) => return Provides::Yes,
            Some(_) => {}
        }
    }
    // A source directory holding a root location carries it to where Go reads it
    // (`COPY --from=build /etc/ssl /etc/ssl`, `COPY --from=build / /`).
    if copy.source != CopySource::Context {
        for known in CA_FILES.iter().chain(CA_DIRS) {
            match copy.destination_of(Some(known)) {
                Some(Some(dest)) if is_root_location(&dest) => return Provides::Yes,
                Some(None) => return Provides::Unknown,
                _ => {}
            }
        }
    }
    Provides::No
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    let Some(stage) = model.final_stage() else {
        return;
    };
    if stage.facts.family != Family::Scratch || model.final_is_export_only() {
        return;
    }
    let mut copied_dirs = Vec::new();
    for copy in model.final_copies() {
        match provides_roots(copy) {
            Provides::Yes | Provides::Unknown => return,
            Provides::No => {}
        }
        copied_dirs.extend(copy.dest.usable().map(paths::normalize));
        copied_dirs.extend(copy.landing_paths().into_iter().flatten());
    }
    // SSL_CERT_FILE / SSL_CERT_DIR pointing at something copied.
    for name in ["SSL_CERT_FILE", "SSL_CERT_DIR"] {
        if let Some((value, _)) = stage.vars.exported_value(name)
            && let Some(path) = value.usable()
            && copied_dirs
                .iter()
                .any(|c| paths::is_within(&paths::normalize(path), c) && c != "/")
        {
            return;
        }
    }
    let copy = match bundle_source(model) {
        Some((reference, _)) => format!(
            "copy the builder's bundle: `COPY --from={reference} /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/`"
        ),
        None => "copy a CA bundle to `/etc/ssl/certs/ca-certificates.crt`".to_string(),
    };
    out.push(
        ctx.report(
            &RULE,
            ctx.instruction_head(stage.from),
            "the final image is `scratch` and nothing copies CA certificates into it: TLS connections verified against the system roots fail with \"x509: certificate signed by unknown authority\"",
        )
        .with_help(format!("{copy} {GOPHERFILE_HINT}"))
        .with_fix(fix(ctx, model)),
    );
}

/// The stage to copy the CA bundle from (how COPY --from names it, and its index): the one
/// that builds the shipped binary.
fn bundle_source(model: &Model) -> Option<(String, usize)> {
    let chain = model.final_chain();
    let source = model
        .go_builds
        .iter()
        .filter(|b| b.ships)
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
        .is_some_and(|i| i.registry.is_none() && i.repository == "golang");
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
        "{}{} --from={reference} /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/",
        ctx.newline(),
        ctx.keyword("COPY")
    );
    Some(Fix::new(
        "copy the CA bundle from the build stage",
        applicability,
        vec![Edit::insert(from.range.end, line)],
    ))
}
