//! What a rule's check sees: the model, the text, the rule's settings, and the helpers fixes
//! share to write text that fits the file (its line endings and keyword case).

use super::Rule;
use crate::diagnostic::Diagnostic;
use crate::model::Model;
use crate::source::TextRange;

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

    pub fn report(
        &self,
        rule: &'static Rule,
        range: TextRange,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::new(rule, range, message)
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
