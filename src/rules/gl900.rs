//! GL900 unused-ignore: an ignore comment that silences nothing. The suppression layer
//! (src/suppress.rs) reports it, since only it knows what each comment silenced; this entry
//! gives the rule its code, metadata and documentation.

use super::{Context, declare_rule};
use crate::diagnostic::Diagnostic;

declare_rule! {
    GL900 "unused-ignore", Info, fix: Safe, applies: ALL_CLASSES, linux: false,
    "An ignore comment silences nothing, or names no known rule"
}

/// Findings come from `suppress::apply`, after all other rules ran.
fn check(_: &Context, _: &mut Vec<Diagnostic>) {}
