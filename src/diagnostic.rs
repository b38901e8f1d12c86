//! Diagnostics and fixes: what every rule reports and every output renders.

use std::fmt;

use serde::Serialize;

use crate::rules::Rule;
use crate::source::TextRange;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        match text {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How safe it is to apply a fix without review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// The image builds and behaves the same apart from the intended improvement; no comment is lost.
    Safe,
    /// May change behaviour: applied only when unsafe fixes are asked for.
    Unsafe,
    /// A suggestion to read, never applied.
    DisplayOnly,
}

/// Replace `range` with `replacement` (an empty range inserts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: TextRange,
    pub replacement: String,
}

impl Edit {
    pub fn insert(at: usize, text: impl Into<String>) -> Edit {
        Edit {
            range: TextRange::empty(at),
            replacement: text.into(),
        }
    }

    pub fn replace(range: TextRange, text: impl Into<String>) -> Edit {
        Edit {
            range,
            replacement: text.into(),
        }
    }
}

/// A fix: non-overlapping edits applied together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, in the imperative ("add `-s -w` to `-ldflags`").
    pub title: String,
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn new(
        title: impl Into<String>,
        applicability: Applicability,
        mut edits: Vec<Edit>,
    ) -> Fix {
        edits.sort_by_key(|e| (e.range.start, e.range.end));
        Fix {
            title: title.into(),
            applicability,
            edits,
        }
    }

    /// This fix with `other`'s edits too, each edit once: fixes of builds that share a
    /// variable make the same edit to its value.
    pub fn merged(mut self, other: Fix) -> Fix {
        for edit in other.edits {
            if !self.edits.contains(&edit) {
                self.edits.push(edit);
            }
        }
        Fix::new(self.title, self.applicability, self.edits)
    }

    /// The source with this fix's edits applied.
    pub fn apply_to(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 64);
        let mut last = 0;
        for edit in &self.edits {
            out.push_str(&text[last..edit.range.start]);
            out.push_str(&edit.replacement);
            last = edit.range.end;
        }
        out.push_str(&text[last..]);
        out
    }
}

/// A secondary place a diagnostic points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub range: TextRange,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule that reports it.
    pub rule: &'static Rule,
    /// The rule's severity, or what the configuration or the rule's own judgement made it.
    pub severity: Severity,
    pub message: String,
    pub range: TextRange,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// A finding of `rule` at its default severity.
    pub fn new(rule: &'static Rule, range: TextRange, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            rule,
            severity: rule.severity,
            message: message.into(),
            range,
            labels: Vec::new(),
            help: None,
            fix: None,
        }
    }

    /// The rule's code (`GL003`).
    pub fn code(&self) -> &'static str {
        self.rule.code
    }

    /// The rule's name (`unstripped-binary`).
    pub fn name(&self) -> &'static str {
        self.rule.name
    }

    pub fn with_label(mut self, range: TextRange, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            range,
            message: message.into(),
        });
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_fix(mut self, fix: Option<Fix>) -> Self {
        self.fix = fix;
        self
    }

    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
}
