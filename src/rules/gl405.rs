//! GL405 module-verification-disabled: a setting that stops the go command from checking the
//! modules it downloads (`GOSUMDB=off`, a GONOSUMDB or GOPRIVATE that matches every module,
//! any GOINSECURE, `-insecure` in GOFLAGS).

use super::{Context, declare_rule};
use crate::diagnostic::Diagnostic;
use crate::knowledge::go_modules::{VERIFICATION_SETTINGS, VerificationOff, verification_off};
use crate::model::ImageClass;
use crate::model::settings::UnpinnedFetch;

declare_rule! {
    // A download checked or not is the same risk whatever the image is for.
    GL405 "module-verification-disabled", Warning, fix: None, applies: ALL_CLASSES, linux: false,
    "Module downloads are no longer checked: `GOSUMDB=off`, `GONOSUMDB=*`, `GOINSECURE`, `-insecure`"
}

const PRIVATE_HELP: &str = "for private modules, list only their paths (`GOPRIVATE=github.com/acme/*`): those skip the public proxy and checksum database, and every other module stays verified";

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    // Most files name none of the settings: no walk of their stages then.
    let names_one = VERIFICATION_SETTINGS
        .iter()
        .any(|name| ctx.text.contains(name));
    if !names_one {
        return;
    }
    for write in ctx.model.env_writes(VERIFICATION_SETTINGS) {
        let Some(value) = write.value.as_deref() else {
            continue;
        };
        let Some(off) = verification_off(&write.name, value) else {
            continue;
        };
        // The setting weakens only a fetch of a module go.sum does not pin: a build refuses
        // one (`-mod=readonly`). Shipped in a Go toolchain image that runs no go command of
        // its own (an environment: a devcontainer, a CI base), it holds for its users' go
        // commands; a build image's own are all in the file.
        let shipped_to_go_users = ctx.model.purpose.class == ImageClass::Toolchain
            && ctx.model.final_chain().contains(&write.stage)
            && !ctx.model.final_stage().is_some_and(|s| ctx.model.chain_runs_go(s.index));
        let fetch = match ctx.model.unpinned_fetch_after(write.stage, write.instruction) {
            UnpinnedFetch::At(range) => Some(range),
            _ if shipped_to_go_users => None,
            UnpinnedFetch::Unknown | UnpinnedFetch::Never => continue,
        };
        let setting = format!("`{}={}`", write.name, value.trim());
        let (message, help) = match off {
            VerificationOff::SumDbOff => (
                format!(
                    "{setting} turns off the checksum database: a module go.sum does not list (every module of a `go install pkg@version`) is downloaded unverified"
                ),
                format!("delete it; {PRIVATE_HELP}"),
            ),
            VerificationOff::EveryModuleExempt { pattern } => (
                format!(
                    "{setting} exempts every module from the checksum database (`{pattern}` matches every module path): a module go.sum does not list is downloaded unverified"
                ),
                format!("replace `{pattern}`: {PRIVATE_HELP}"),
            ),
            VerificationOff::InsecureFetch { .. } => (
                format!(
                    "{setting} lets Go fetch the matching modules over plain HTTP and from servers whose certificate it does not check"
                ),
                "serve those modules over HTTPS with a certificate the builder trusts (copy its CA into the build stage), then delete it".to_string(),
            ),
            VerificationOff::InsecureFlag => (
                format!(
                    "{setting} lets `go get` fetch over plain HTTP and skip checksum validation (Go 1.16 and older; later releases removed the flag)"
                ),
                format!("delete `-insecure`; {PRIVATE_HELP}"),
            ),
        };
        let mut diagnostic = ctx.report(&RULE, write.range, message).with_help(help);
        if let Some(range) = fetch.filter(|r| *r != write.range) {
            diagnostic = diagnostic.with_label(range, "this step downloads modules go.sum may not pin");
        }
        out.push(diagnostic);
    }
}
