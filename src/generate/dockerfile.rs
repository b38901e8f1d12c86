//! The text of a generated Dockerfile and `.dockerignore`, written from a [`Plan`]. Only
//! layout lives here: every choice is the plan's.

use super::plan::{Plan, SOURCE_DIR};
use crate::knowledge::files::CONTEXT_NEVER_BUILT;

/// The Dockerfile frontend `# syntax` asks for: the stable 1.x line, which has `RUN --mount`
/// (docs.docker.com, "Dockerfile frontend").
const SYNTAX: &str = "docker/dockerfile:1";

/// Continuation for the long RUN lines: one mount or setting per line.
const CONTINUE: &str = " \\\n    ";

/// The Dockerfile.
pub fn render(plan: &Plan) -> String {
    let mut out = String::new();
    let mut line = |text: &str| {
        out.push_str(text);
        out.push('\n');
    };
    line(&format!("# syntax={SYNTAX}"));
    line("");
    line("# Written by `gopherlint generate` from the module's go.mod and sources.");
    line(&format!(
        "# Build it from this folder: {}",
        plan.build_command
    ));
    line("");
    if plan.cross_compile {
        line(&format!(
            "FROM --platform=$BUILDPLATFORM {} AS build",
            plan.builder
        ));
    } else {
        // cgo compiles C: the stage runs on the platform it builds for, where gcc targets it
        // (under emulation when that is not the build machine's).
        line(&format!("FROM {} AS build", plan.builder));
    }
    line(&format!("WORKDIR {SOURCE_DIR}"));
    if plan.download_step {
        // `go.sum*`: a module without requirements has no go.sum, and a pattern that matches
        // nothing is not an error where a named file would be.
        line("COPY go.mod go.sum* ./");
        line(&format!(
            "RUN --mount=type=cache,target={}{CONTINUE}go mod download",
            super::plan::MODULE_CACHE
        ));
    }
    if plan.exclude_git {
        // The context's .dockerignore sends .git, which this build has no use for: a layer
        // with it would change at every commit (`--exclude`: Dockerfile 1.19 and later).
        line("COPY --exclude=.git . .");
    } else {
        line("COPY . .");
    }
    if !plan.build_rel.is_empty() {
        line(&format!("WORKDIR {SOURCE_DIR}/{}", plan.build_rel));
    }
    if plan.cross_compile {
        line("ARG TARGETOS TARGETARCH");
    }
    let mut parts: Vec<String> = plan
        .build_mounts
        .iter()
        .enumerate()
        .map(|(i, target)| {
            let mount = format!("--mount=type=cache,target={target}");
            if i == 0 {
                format!("RUN {mount}")
            } else {
                mount
            }
        })
        .collect();
    let env = if plan.cross_compile {
        "CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH".to_string()
    } else {
        "CGO_ENABLED=1".to_string()
    };
    if let Some(why) = &plan.cgo {
        line(&format!("# cgo: {why}"));
    }
    if plan.vcs_stamp {
        line("# The program reads the VCS stamp: git stamps the commit from the .git sent.");
    }
    parts.push(env);
    parts.push(build_command(plan));
    line(&parts.join(CONTINUE));
    line("");
    line(&format!("FROM {}", plan.final_base));
    if plan.copy_ca_bundle {
        let bundle = plan.ca_bundle();
        let dir = bundle.rsplit_once('/').map_or("/", |(d, _)| d);
        line(&format!("COPY --from=build {bundle} {dir}/"));
    }
    line(&format!(
        "COPY --from=build {} {}",
        plan.output, plan.landing
    ));
    line(&format!("USER {}", plan.user));
    if let Some(port) = plan.port {
        line(&format!("EXPOSE {port}"));
    }
    line(&format!("ENTRYPOINT [\"{}\"]", plan.landing));
    out
}

/// The `go build` command of the build's RUN, as the plan has it (also what the tests run).
pub fn build_command(plan: &Plan) -> String {
    let mut words = vec!["go build".to_string()];
    if plan.vendor {
        words.push("-mod=vendor".into());
    }
    if plan.trimpath {
        words.push("-trimpath".into());
    }
    if plan.no_vcs_stamp {
        words.push("-buildvcs=false".into());
    }
    if plan.embed_tzdata {
        words.push("-tags timetzdata".into());
    }
    words.push("-ldflags=\"-s -w\"".into());
    words.push(format!("-o {}", plan.output));
    words.push(plan.main.path.clone());
    words.join(" ")
}

/// The `.dockerignore` written when the context has none: what no Go build reads
/// (`files::CONTEXT_NEVER_BUILT`, `.git` first: sent, it changes at every commit and misses the
/// cache of `COPY . .`), and the Dockerfile and this file, whose edits change no source.
pub fn dockerignore(dockerfile: &str) -> String {
    let mut out =
        String::from("# Written by `gopherlint generate`: what `docker build` need not send.\n");
    for path in CONTEXT_NEVER_BUILT {
        out.push_str(path);
        out.push('\n');
    }
    out.push_str(dockerfile);
    out.push('\n');
    out.push_str(".dockerignore\n");
    out
}
