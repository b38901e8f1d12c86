//! GL401 floating-base-image: an image the build pulls by no tag, by `latest`, or, for a Go
//! toolchain, by a tag that names no Go release: what it pulls changes without a commit.

use super::{Context, declare_rule};
use crate::diagnostic::Diagnostic;
use crate::knowledge::{go_images, go_modules};
use crate::knowledge::go_release::NEWEST_RELEASE;
use crate::knowledge::image_ref::{self, Floating};
use crate::model::{ImageClass, Pull, PullKind};

declare_rule! {
    // Where the file is maintained for its own sake: a test, example or development image
    // follows the newest base on purpose as often as not, and is rebuilt by nobody downstream.
    GL401 "floating-base-image", Warning, fix: None, applies: MAINTAINED, linux: false,
    "A FROM, `COPY --from` or `--mount=from` image has no tag, `latest`, or a Go image tag without a Go version"
}

/// How the file names the image, for the message.
fn what(pull: &Pull) -> &'static str {
    match pull.kind {
        PullKind::From => "base image",
        PullKind::CopyFrom => "image copied from",
        PullKind::MountFrom => "image mounted from",
    }
}

/// The tag to suggest for an official golang image: the same variant (`-alpine`,
/// `-bookworm`) with the Go release named.
fn golang_suggestion(tag: Option<&str>, go: &str) -> String {
    let variant = match tag {
        None => "",
        Some(t) if t.eq_ignore_ascii_case("latest") || t == "1" => "",
        Some(t) => t.strip_prefix("1-").unwrap_or(t),
    };
    if variant.is_empty() {
        format!("golang:{go}")
    } else {
        format!("golang:{go}-{variant}")
    }
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    // The go.mod's `go` line is the release the module is written for.
    let go_line = model.context_go_mod().and_then(|m| m.go);
    // The project's own organisation publishes its base images to be followed: their `latest`
    // is the project's own release.
    // A Dockerfile whose folder is its context but not its module's root belongs to the
    // module above it all the same; that go.mod is read only for an image about to be
    // reported.
    let mut own_project: Option<(Option<String>, Option<String>)> = None;
    // A build that checks out another project's default branch floats whatever its bases
    // are pinned to: pinning them alone does not make it repeatable. So does an image that
    // installs its publisher's newest release by design. Asked once, and only for a file
    // with a floating image to report (most have none).
    let mut floats_anyway: Option<(bool, bool)> = None;
    // An image that ships no Go program built here or recognised as prebuilt: what its helper
    // stages are for is Unknown (a test fixture, a packaging tool, a fallback build), so only
    // the bases of the shipped image itself, and of the stages its started program comes
    // from, are judged.
    let judged_stages = (model.purpose.class == ImageClass::Unknown).then(|| {
        let mut stages = model.final_chain().to_vec();
        stages.extend(model.started_program_stages());
        stages
    });
    for pull in model.pulls() {
        let image = &pull.image;
        if let Some(judged) = &judged_stages
            && model.stage_of[pull.instruction].is_some_and(|s| !judged.contains(&s))
        {
            continue;
        }
        // `local/builder:latest`, `localhost:5000/base`, or a name the repository's own
        // builds tag (a compose service's `image: app`): an image built on the same machine
        // moments before (a CI step, a script), not one a registry floats.
        if image.publisher() == Some("local")
            || image.registry.as_deref().is_some_and(|r| r.starts_with("localhost"))
            || model.built_by_repository(image)
        {
            continue;
        }
        let Some(floating) = image.floating(go_images::release(image)) else {
            continue;
        };
        // Or one a comment of the file builds (`# docker build -t app-base .`): asked only of
        // a floating image, as it reads every comment.
        if model.image_built_per_comment(image) {
            continue;
        }
        // A Go image that a copy takes only files of the OS from (`COPY --from=golang:alpine
        // /etc/ssl/certs/ca-certificates.crt`): no Go of it runs, so the release its tag leaves
        // open changes nothing the image keeps.
        if pull.kind == PullKind::CopyFrom
            && floating == Floating::NoGoMinor
            && go_images::is_go_toolchain(&image.name())
            && model.copies.iter().any(|c| {
                c.instruction == pull.instruction
                    && !c.sources.is_empty()
                    && c.sources.iter().all(|s| {
                        s.usable().is_some_and(|path| {
                            !go_images::GOPATH_DIRS
                                .iter()
                                .chain([&crate::knowledge::files::GOROOT])
                                .any(|dir| {
                                    crate::paths::is_within(path, dir)
                                        || crate::paths::is_within(dir, path)
                                })
                        })
                    })
            })
        {
            continue;
        }
        // "Use the latest stable golang 1.x": the comment above says the image follows the
        // newest release on purpose.
        if pull.kind == PullKind::From && model.says_follows_newest(pull.instruction) {
            continue;
        }
        // A helper stage that only arranges files, or takes its packages from repositories
        // that roll anyway, yields the same files on any release of its base.
        if pull.kind == PullKind::From
            && model.stage_of[pull.instruction].is_some_and(|s| model.yield_ignores_base(s).is_some())
        {
            continue;
        }
        // A Go image whose Go no build runs: each RUN picks its own release (GOTOOLCHAIN,
        // gimme), so the Go that builds does not move with the tag. Or no RUN can run Go at
        // all (`apk add ca-certificates tzdata`): the image is a source of files, and its tag
        // names a release line of those (`golang:1-alpine`). Not the shipped image's: its Go
        // may run at start.
        if pull.kind == PullKind::From
            && go_images::is_go_toolchain(&image.name())
            && model.stage_of[pull.instruction].is_some_and(|s| {
                model.runs_chosen_go(s)
                    || (floating == Floating::NoGoMinor
                        && !model.final_chain().contains(&s)
                        && model.runs_no_go_on(s))
            })
        {
            continue;
        }
        // Official images have no publisher account to compare. The project's own registry
        // (`registry.istio.io` for Istio) is its own account too.
        if image.publisher().is_some() || image.registry.is_some() {
            let (owner, domain) = own_project.get_or_insert_with(|| {
                let module = match model.context_go_mod() {
                    Some(go_mod) => go_mod.module.clone(),
                    None => model
                        .context()
                        .and_then(|c| c.enclosing_go_mod())
                        .and_then(|m| m.module),
                };
                let module = module.unwrap_or_default();
                (
                    go_modules::hosting_owner(&module).map(str::to_string),
                    go_modules::vanity_domain(&module).map(str::to_string),
                )
            });
            // The file may name its repository itself, in the image's source label.
            let labelled = model.labelled_source_owner();
            let own_account = owner.as_deref().into_iter().chain(labelled).any(|own| {
                image
                    .publisher()
                    .is_some_and(|publisher| image_ref::same_account(publisher, own))
                    || image.registry_of(own)
            });
            // A vanity module's domain runs the project's registry (`registry.istio.io`); a
            // build of the repository tags images under the project's account (a fork whose
            // module path names another owner still pushes there).
            if own_account
                || domain.as_deref().is_some_and(|d| image.registry_under(d))
                || model.account_built_by_repository(image)
            {
                continue;
            }
        }
        // `FROM ${BUILD_IMAGE}` with a default of `alpine` or `placeholder`: the build names
        // the image; only a Go release left open in a tag the file writes is the file's.
        if (pull.left_to_build && floating != Floating::NoGoMinor) || pull.fallback_for_unset {
            continue;
        };
        // A Go release left open is the compiler's: a newest release installed beside it
        // (`epel-release-latest-9.noarch.rpm`) does not move the binary, the Go release does.
        // Sources from a default branch move the binary anyway.
        let (moving_sources, latest_release) = *floats_anyway.get_or_insert_with(|| {
            (model.builds_moving_sources(), model.installs_latest_release())
        });
        if moving_sources || (latest_release && floating != Floating::NoGoMinor) {
            continue;
        }
        let shown = format!("`{}`", image.raw);
        // Only when the variable gives the name or tag: `${REGISTRY}/library/alpine:latest`
        // writes its `latest` in the file.
        let written = ctx.text.get(pull.range.start..pull.range.end).unwrap_or_default();
        let last_segment = written.rsplit('/').next().unwrap_or(written);
        let through = if pull.from_variable && last_segment.contains('$') {
            " (the value of its build argument)"
        } else {
            ""
        };
        let what = what(&pull);
        let (message, help) = match floating {
            Floating::NoGoMinor => {
                // A go line out of support is no release to pin: the newest is the example.
                let release = match go_line {
                    Some(v) if v.out_of_support() => {
                        format!("{}.{}", NEWEST_RELEASE.major, NEWEST_RELEASE.minor)
                    }
                    Some(v) => format!("{}.{}", v.major, v.minor),
                    None => "1.N".to_string(),
                };
                let example = if image.is_official_golang() {
                    golang_suggestion(image.tag.as_deref(), &release)
                } else {
                    format!("{}:<tag of Go {release}>", image.name())
                };
                // The go line is the oldest release the module accepts, often one long out of
                // support: a starting point, not a recommendation.
                let source = match go_line {
                    Some(v) if v.out_of_support() => format!(
                        " or another supported release (go.mod's `go {v}` line names the oldest the module accepts, a release Go no longer supports)"
                    ),
                    Some(v) => format!(
                        " or a newer, supported release (go.mod's `go {v}` line names the oldest the module accepts)"
                    ),
                    None => String::new(),
                };
                (
                    format!(
                        "the {what} {shown}{through} names no Go release: the Go that builds moves to each new release when the image is pulled, without a commit"
                    ),
                    format!(
                        "name the Go minor release: `{example}`{source}; a bot such as Dependabot or Renovate then proposes new releases as commits"
                    ),
                )
            }
            Floating::Untagged | Floating::Latest => {
                let how = if floating == Floating::Untagged {
                    "names no tag, so it pulls `latest`"
                } else {
                    "is `latest`"
                };
                (
                    format!(
                        "the {what} {shown}{through} {how}: whatever the publisher pushed last, so the image changes under the build without a commit"
                    ),
                    format!(
                        "pin a version tag or a digest (`{}@sha256:...`); a bot such as Dependabot or Renovate then proposes updates as commits",
                        image.name()
                    ),
                )
            }
        };
        out.push(ctx.report(&RULE, pull.range, message).with_help(help));
    }
}

#[cfg(test)]
mod tests {
    use super::golang_suggestion;

    #[test]
    fn keeps_the_variant_and_drops_a_major_only_version() {
        assert_eq!(golang_suggestion(None, "1.24"), "golang:1.24");
        assert_eq!(golang_suggestion(Some("latest"), "1.24"), "golang:1.24");
        assert_eq!(golang_suggestion(Some("1"), "1.24"), "golang:1.24");
        assert_eq!(golang_suggestion(Some("alpine"), "1.24"), "golang:1.24-alpine");
        assert_eq!(golang_suggestion(Some("1-alpine"), "1.24"), "golang:1.24-alpine");
        assert_eq!(
            golang_suggestion(Some("bookworm"), "1.24"),
            "golang:1.24-bookworm"
        );
    }
}
