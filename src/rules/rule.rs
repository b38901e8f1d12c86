//! What a rule declares: its code and name (a public contract), severity, summary, the image
//! classes it judges, its fix, its documentation, the findings of other rules it covers, and
//! its check.

use std::fmt;
use std::hash::{Hash, Hasher};

use super::Context;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{ImageClass, Model};

/// Whether and how a rule fixes what it finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixAvailability {
    None,
    Safe,
    Unsafe,
    /// Safe in some cases, unsafe in others (the rule doc says which).
    Sometimes,
}

impl FixAvailability {
    pub fn as_str(self) -> &'static str {
        match self {
            FixAvailability::None => "none",
            FixAvailability::Safe => "safe",
            FixAvailability::Unsafe => "unsafe",
            FixAvailability::Sometimes => "safe or unsafe",
        }
    }
}

/// What of another rule's result a rule's finding covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Covered {
    /// The other rule's findings: they say a part of what this one says.
    Findings,
    /// The other rule's fixes: this rule's fix rewrites what they would edit.
    Fixes,
}

/// One rule's result that a rule covers when it reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Covers {
    /// The code of the covered rule.
    pub rule: &'static str,
    pub what: Covered,
}

pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// One line for tables and SARIF short descriptions.
    pub summary: &'static str,
    /// The image classes the rule judges (see `model::purpose`); silent on the others.
    pub applies_to: &'static [ImageClass],
    /// Silent on Windows images, which are outside the Linux runtime model.
    pub linux_only: bool,
    pub fix: FixAvailability,
    /// The rule's documentation (rules/<CODE>.md).
    pub doc: &'static str,
    /// What of other rules this rule's findings cover: applied by the engine only when this
    /// rule is enabled and reports, so every rule's own result stands alone.
    pub covers: &'static [Covers],
    pub check: fn(&Context, &mut Vec<Diagnostic>),
}

/// Rules are one per code.
impl PartialEq for Rule {
    fn eq(&self, other: &Rule) -> bool {
        self.code == other.code
    }
}

impl Eq for Rule {}

impl Hash for Rule {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.code.hash(state);
    }
}

impl fmt::Debug for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.code, self.name)
    }
}

/// Declares a rule module's `RULE`: its code (which also names its doc, `rules/<CODE>.md`),
/// name, severity, fix, the classes it judges (and whether it is Linux-only), summary, what it
/// covers of other rules, and its `check` function, which the module defines.
///
/// ```text
/// declare_rule! {
///     GL003 "unstripped-binary", Warning, fix: Safe, applies: SERVICE, linux: false,
///     "A shipped `go build` lacks `-ldflags=\"-s -w\"`"
/// }
/// ```
macro_rules! declare_rule {
    (
        $code:ident $name:literal, $severity:ident, fix: $fix:ident, applies: $applies:ident,
        linux: $linux:literal, $summary:literal
        $(, covers: [$($covered:ident $what:ident),+ $(,)?])? $(,)?
    ) => {
        pub const RULE: $crate::rules::Rule = $crate::rules::Rule {
            code: stringify!($code),
            name: $name,
            severity: $crate::diagnostic::Severity::$severity,
            summary: $summary,
            applies_to: $crate::rules::$applies,
            linux_only: $linux,
            fix: $crate::rules::FixAvailability::$fix,
            doc: include_str!(concat!("../../rules/", stringify!($code), ".md")),
            covers: &[$($($crate::rules::Covers {
                rule: stringify!($covered),
                what: $crate::rules::Covered::$what,
            }),+)?],
            check,
        };
    };
}

pub(crate) use declare_rule;

/// Every class: rules about the file itself rather than the image.
pub const ALL_CLASSES: &[ImageClass] = &ImageClass::ALL;
/// How the Go binary built here ships (size, symbols, paths): judged where it is the point
/// of the image, a service.
pub const SERVICE: &[ImageClass] = &[ImageClass::Service];
/// Whether a Go binary built here works where it runs (cgo and the C library, CA roots, time
/// zones, its architecture): in services, and in debug and example images, which must work too.
pub const GO_BINARY: &[ImageClass] = &[ImageClass::Service, ImageClass::Dev, ImageClass::Example];
/// Whether the binary links a C library its final image lacks (cgo left on): where it is
/// deployed or debugged. An example's program is a few lines that rarely reach `net`,
/// `os/user` or C, so the conditional risk is beside the point there.
pub const LINKED_BINARY: &[ImageClass] = &[ImageClass::Service, ImageClass::Dev];
/// Hardening of a deployed program (its user, packing): services, and release images of
/// binaries built outside the file.
pub const HARDENING: &[ImageClass] = &[ImageClass::Service, ImageClass::Prebuilt];
/// Leftovers that change nothing (a no-op flag or setting, a package the base already has):
/// worth deleting where the file is maintained for its own sake, beside the point in test,
/// debug and example images, which copy the same lines from the real ones and are read by
/// nobody for their hygiene, and in toolchain images (a development container, a
/// live-reload or debugger image that carries Go), which are the same development images
/// with Go in them.
pub const MAINTAINED: &[ImageClass] = &[
    ImageClass::Service,
    ImageClass::Prebuilt,
    ImageClass::Check,
    ImageClass::ExportOnly,
    ImageClass::Unknown,
];
/// Every image but an example or demo, which is built by hand to show the project: supply-chain
/// upkeep there (a digest to bump with every version) is beside its point.
pub const NOT_EXAMPLES: &[ImageClass] = &[
    ImageClass::Service,
    ImageClass::Prebuilt,
    ImageClass::Toolchain,
    ImageClass::Check,
    ImageClass::ExportOnly,
    ImageClass::Test,
    ImageClass::Dev,
    ImageClass::Unknown,
];
/// Whether an image starts at all (its shell, its programs, its users, its platform): every
/// image that runs as a container.
pub const RUNTIME: &[ImageClass] = &[
    ImageClass::Service,
    ImageClass::Prebuilt,
    ImageClass::Dev,
    ImageClass::Example,
    ImageClass::Unknown,
];

impl Rule {
    /// Where the rule's documentation is read online (SARIF's help link, the editor's).
    pub fn doc_url(&self) -> String {
        format!(
            "{}/blob/main/rules/{}.md",
            crate::output::REPOSITORY_URL,
            self.code
        )
    }

    /// Whether the rule judges this model's image.
    pub fn applies(&self, model: &Model) -> bool {
        self.applies_to.contains(&model.purpose.class)
            && !(self.linux_only && model.purpose.windows)
            && !model.purpose.test_data
            && model.purpose.vendored.is_none()
    }

    /// The classes, for tables: `service`, `service, unknown`, `all`, `all but test, dev`.
    pub fn scope(&self) -> String {
        if self.applies_to.len() == ImageClass::ALL.len() {
            return "all".into();
        }
        let missing: Vec<&str> = ImageClass::ALL
            .iter()
            .filter(|c| !self.applies_to.contains(c))
            .map(|c| c.as_str())
            .collect();
        // Most classes but a few reads better as what is left out.
        if missing.len() * 2 <= self.applies_to.len() {
            return format!("all but {}", missing.join(", "));
        }
        self.applies_to
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}
