//! The rule registry. Each rule lives in its own file with its metadata and check; its
//! documentation is `rules/<CODE>.md`, embedded in the binary. Adding a rule adds one line here.

mod flag_edits;
mod gl000;
mod gl001;
mod gl002;
mod gl003;
mod gl004;
mod gl005;
mod gl006;
mod gl101;
mod gl102;
mod gl103;
mod gl104;
mod gl105;
mod gl106;
mod gl107;
mod gl108;
mod gl201;
mod gl202;
mod gl203;
mod gl204;
mod gl205;
mod gl206;
mod gl207;
mod gl208;
mod gl209;
mod gl210;
mod gl211;
mod gl212;
mod gl213;
mod gl214;
pub(crate) mod gl900;
mod removal;
mod text;

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{ImageClass, Model};
use crate::source::TextRange;

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
    pub check: fn(&Context, &mut Vec<Diagnostic>),
}

/// Every rule, in code order.
pub const RULES: &[&Rule] = &[
    &gl000::RULE,
    &gl001::RULE,
    &gl002::RULE,
    &gl003::RULE,
    &gl004::RULE,
    &gl005::RULE,
    &gl006::RULE,
    &gl101::RULE,
    &gl102::RULE,
    &gl103::RULE,
    &gl104::RULE,
    &gl105::RULE,
    &gl106::RULE,
    &gl107::RULE,
    &gl108::RULE,
    &gl201::RULE,
    &gl202::RULE,
    &gl203::RULE,
    &gl204::RULE,
    &gl205::RULE,
    &gl206::RULE,
    &gl207::RULE,
    &gl208::RULE,
    &gl209::RULE,
    &gl210::RULE,
    &gl211::RULE,
    &gl212::RULE,
    &gl213::RULE,
    &gl214::RULE,
    &gl900::RULE,
];

/// A rule by code (`GL003`, any case) or name (`unstripped-binary`).
pub fn find(code_or_name: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
}

/// Settings rules read.
#[derive(Debug, Clone, Default)]
pub struct RuleSettings {
    /// Extra final bases GL002 accepts (image names, optionally with a tag).
    pub allowed_bases: Vec<String>,
}

/// What a rule's check sees.
pub struct Context<'a> {
    pub model: &'a Model<'a>,
    pub text: &'a str,
    pub settings: &'a RuleSettings,
    /// Most instruction keywords are written in lowercase: fixes write theirs so too.
    lowercase_keywords: bool,
}

impl<'a> Context<'a> {
    pub fn new(model: &'a Model<'a>, settings: &'a RuleSettings) -> Context<'a> {
        let instructions = &model.file.instructions;
        let lower = instructions
            .iter()
            .filter(|i| i.keyword_text.chars().all(|c| c.is_ascii_lowercase()))
            .count();
        Context {
            model,
            text: model.text,
            settings,
            lowercase_keywords: lower * 2 > instructions.len(),
        }
    }

    pub fn report(&self, rule: &Rule, range: TextRange, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code: rule.code,
            name: rule.name,
            severity: rule.severity,
            message: message.into(),
            range,
            labels: Vec::new(),
            help: None,
            fix: None,
        }
    }

    /// The line ending the file uses (`\r\n` if its first line ends so).
    pub fn newline(&self) -> &'static str {
        match self.text.find('\n') {
            Some(i) if i > 0 && self.text.as_bytes()[i - 1] == b'\r' => "\r\n",
            _ => "\n",
        }
    }

    /// Writes an instruction keyword in the file's case style (all lowercase files stay so).
    pub fn keyword(&self, upper: &str) -> String {
        if self.lowercase_keywords {
            upper.to_ascii_lowercase()
        } else {
            upper.to_string()
        }
    }

    /// The range of an instruction's first line: keyword through the end of its arguments,
    /// capped at the first line break (where a whole-instruction diagnostic points).
    pub fn instruction_head(&self, index: usize) -> TextRange {
        let instruction = self.model.instruction(index);
        let end = instruction
            .args_range
            .map_or(instruction.keyword_range.end, |r| r.end);
        let range = TextRange::new(instruction.keyword_range.start, end);
        match self.text[range.start..range.end].find(['\n', '\r']) {
            Some(i) => TextRange::new(range.start, range.start + i),
            None => range,
        }
    }

    /// Whether a new line can go right after this instruction: not when its last line ends
    /// with a line continuation (running into the end of the file), which would swallow it.
    pub fn can_insert_after(&self, index: usize) -> bool {
        let instruction = self.model.instruction(index);
        let text = self
            .slice(instruction.range)
            .trim_end_matches([' ', '\t', '\r', '\n']);
        !text.ends_with(self.model.file.escape)
    }

    /// Whether text can be appended at the end of the file (see `can_insert_after`).
    pub fn can_append(&self) -> bool {
        self.model
            .file
            .instructions
            .len()
            .checked_sub(1)
            .is_none_or(|last| self.can_insert_after(last))
    }

    /// The text of a range.
    pub fn slice(&self, range: TextRange) -> &str {
        &self.text[range.start..range.end]
    }
}

/// Every class: rules about the file itself rather than the image.
pub const ALL_CLASSES: &[ImageClass] = &ImageClass::ALL;
/// The Go runtime rules judge images that run a Go binary built in the file.
pub const SERVICE: &[ImageClass] = &[ImageClass::Service];
/// Whether an image starts: images that run as containers, a service or of unknown purpose.
pub const RUNTIME: &[ImageClass] = &[ImageClass::Service, ImageClass::Unknown];

impl Rule {
    /// Whether the rule judges this model's image.
    pub fn applies(&self, model: &Model) -> bool {
        self.applies_to.contains(&model.purpose.class)
            && !(self.linux_only && model.purpose.windows)
    }

    /// The classes, for tables: `service`, `service, unknown`, `all`.
    pub fn scope(&self) -> String {
        if self.applies_to.len() == ImageClass::ALL.len() {
            return "all".into();
        }
        self.applies_to
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Runs every enabled rule that applies to the image's class.
pub fn check_all(ctx: &Context, enabled: &dyn Fn(&str) -> bool) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for rule in RULES {
        if !enabled(rule.code) || !rule.applies(ctx.model) {
            continue;
        }
        (rule.check)(ctx, &mut out);
    }
    out
}

/// The help that ties core rules to the Gopherfile pattern.
pub(crate) const GOPHERFILE_HINT: &str = "(the Gopherfile pattern: `gopherlint --explain GL001`)";
