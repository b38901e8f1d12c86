//! What the file says about itself in its comments: what the image is for ("for testing
//! purposes only"), and the reasons it gives for a choice ("use only when root is really
//! needed"). Read where a file describes itself, so a comment about one step does not
//! re-class the whole image.

use super::facts::FileFacts;
use crate::knowledge::conventions::{self, Intent};
use crate::knowledge::tools;
use crate::syntax::Comment;
use crate::syntax::{Args, Instruction, Keyword};

/// A comment that says what the image is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatedIntent {
    pub intent: Intent,
    /// Said by a `LABEL description=...` of the shipped image, not a comment.
    pub by_label: bool,
    /// The 1-based line of the comment.
    pub line: usize,
    /// The phrase that says it.
    pub phrase: &'static str,
}

impl<'a> FileFacts<'a> {
    /// The comments just above an instruction: the lines between the previous instruction
    /// (or the start of the file) and it, with none of its own continuation comments.
    pub fn comments_above(&self, instruction: usize) -> impl Iterator<Item = &'a Comment> + 'a {
        let file = self.file;
        let end = file.instructions[instruction].range.start;
        let start = instruction
            .checked_sub(1)
            .map_or(0, |previous| file.instructions[previous].range.end);
        file.comments
            .iter()
            .filter(move |c| c.range.start >= start && c.range.end <= end)
    }

    /// The comments where a file describes the image it ships: its header (above the first
    /// instruction) and the lines just above the shipped stage's FROM.
    fn describing_comments(&self) -> Vec<&'a Comment> {
        let mut out: Vec<&Comment> = Vec::new();
        if !self.file.instructions.is_empty() {
            let header: Vec<&Comment> = self.comments_above(0).collect();
            // The block that touches the first FROM describes that stage, which is not the
            // image when another stage ships; unless it is the whole header, the file's own.
            let first_ships = self.final_stage().is_some_and(|s| s.from == 0);
            let own = match self.touching_block(&header, 0) {
                n if first_ships || n == header.len() => 0,
                n => n,
            };
            out.extend(&header[..header.len() - own]);
        }
        if let Some(stage) = self.final_stage()
            && stage.from != 0
        {
            out.extend(self.comments_above(stage.from));
        }
        out
    }

    /// What the file's own comments say the shipped image is for.
    pub fn stated_intent(&self) -> Option<StatedIntent> {
        self.describing_comments()
            .into_iter()
            .find_map(|c| {
                let (intent, phrase) = conventions::comment_intent(&c.text)?;
                Some(StatedIntent {
                    intent,
                    by_label: false,
                    line: self.line_of(c.range.start),
                    phrase,
                })
            })
            .or_else(|| self.labelled_intent())
    }

    /// What a description label of the shipped image says it is for (`LABEL
    /// description="... with code coverage enabled (used for testing)"`): the file's own words,
    /// as a describing comment is.
    fn labelled_intent(&self) -> Option<StatedIntent> {
        let stage = self.final_stage?;
        self.chain_instructions(stage).into_iter().find_map(|i| {
            let instruction = self.instruction(i);
            let Args::KeyValues(pairs) = &instruction.args else {
                return None;
            };
            if instruction.keyword != Keyword::Label {
                return None;
            }
            pairs.iter().find_map(|pair| {
                let key = pair.key.value.to_ascii_lowercase();
                if key != "description" && key != "org.opencontainers.image.description" {
                    return None;
                }
                let (intent, phrase) = conventions::comment_intent(&pair.value.value)?;
                Some(StatedIntent {
                    intent,
                    by_label: true,
                    line: self.line_of(instruction.range.start),
                    phrase,
                })
            })
        })
    }

    /// A comment that explains a choice about one of `topics` (lowercase words: `root`,
    /// `alpine`), next to the instruction it is about or where the file describes its image.
    /// A rule whose finding such a choice answers stays silent. A comment of several lines is
    /// read as one text: the reason and the topic are often on different lines.
    pub fn explained_choice(&self, instruction: usize, topics: &[&str]) -> Option<String> {
        self.explained_here(instruction, topics).or_else(|| {
            let text = joined(self.describing_comments());
            conventions::explains_choice(&text, topics).then_some(text)
        })
    }

    /// A comment in the stage's chain (above a FROM or any instruction) explains a choice
    /// about one of `topics`: a choice the stage makes for all its steps.
    pub fn explained_in_stage(&self, stage: usize, topics: &[&str]) -> bool {
        self.chain(stage).iter().any(|&s| {
            let stage = &self.stages[s];
            std::iter::once(stage.from)
                .chain(stage.body.iter().copied())
                .any(|i| self.explained_here(i, topics).is_some())
        })
    }

    /// The comment just above `instruction` (a FROM) says the image follows its publisher's
    /// newest release on purpose ("Use the latest stable golang 1.x").
    pub fn says_follows_newest(&self, instruction: usize) -> bool {
        self.comments_above(instruction)
            .any(|c| conventions::says_follows_newest(&c.text))
    }

    /// A comment in `stage` (above its FROM or any of its instructions) says it is built
    /// natively on each platform's own machine.
    pub fn says_built_natively(&self, stage: usize) -> bool {
        let stage = &self.stages[stage];
        std::iter::once(stage.from)
            .chain(stage.body.iter().copied())
            .any(|i| {
                self.comments_above(i)
                    .any(|c| conventions::says_native_build(&c.text))
            })
    }

    /// A comment of the file tells how to build `image` with a build command that tags it
    /// ("Build base (once): docker build -t app-base:latest ..."): the image is made on the
    /// same machine before this build, from no registry. Images gopherlint knows
    /// (`alpine`) are never such.
    pub fn image_built_per_comment(&self, image: &crate::knowledge::image_ref::ImageRef) -> bool {
        use crate::knowledge::images::{self, Family};
        images::base_facts(image).family == Family::Other
            && self.file.comments.iter().any(|c| {
                c.text.contains("build")
                    && crate::repository::image_names_tagged_in(&c.text)
                        .iter()
                        .any(|name| *name == image.name())
            })
    }

    /// A comment of the file says the binary is built for the platform of the machine the
    /// build runs on (kubebuilder's "built according to the host where the command was called").
    pub fn says_platform_follows_host(&self) -> bool {
        (0..self.file.instructions.len()).any(|i| {
            self.comments_above(i)
                .any(|c| conventions::says_follows_host(&c.text))
        })
    }

    /// The comment just above `instruction`, when it explains a choice about one of `topics`:
    /// for a choice about one step (a build's flags), which the file's header does not speak
    /// for.
    pub fn explained_here(&self, instruction: usize, topics: &[&str]) -> Option<String> {
        let text = joined(self.comments_above(instruction));
        conventions::explains_choice(&text, topics).then_some(text)
    }

    /// How many of `comments` (in order, all above `instruction`) form the block that ends
    /// on the line just above it, with no blank line between.
    fn touching_block(&self, comments: &[&Comment], instruction: usize) -> usize {
        let mut end = self.file.instructions[instruction].range.start;
        let mut count = 0;
        for comment in comments.iter().rev() {
            let between = &self.text[comment.range.end.min(end)..end];
            if between.chars().filter(|&c| c == '\n').count() > 1 {
                break;
            }
            count += 1;
            end = comment.range.start;
        }
        count
    }

    /// Some stage of the file starts a debugger (`CMD ["dlv", "exec", "/server"]`): the file
    /// has a debug target, which needs the binary's symbols.
    pub fn has_debug_target(&self) -> bool {
        starts_debugger(self.file.instructions.iter())
    }

    /// A stage that serves only debugging: it is not the shipped image nor part of it, and
    /// every target it leads to (a stage nothing else uses) starts a debugger or is named for
    /// debugging (`image-debug`). Such as the `delve-builder` that installs `dlv@latest` for
    /// a debug target: what it builds never reaches a released image.
    pub fn serves_only_debugging(&self, stage: usize) -> bool {
        // Most files have no debug target at all: no walk then.
        if self.final_chain().contains(&stage) || !self.has_debug_stage() {
            return false;
        }
        let mut seen = vec![stage];
        let mut work = vec![stage];
        let mut targets = Vec::new();
        while let Some(current) = work.pop() {
            if self.final_chain().contains(&current) {
                return false;
            }
            let users = self.users_of(current);
            if users.is_empty() {
                targets.push(current);
            }
            for user in users {
                if !seen.contains(&user) {
                    seen.push(user);
                    work.push(user);
                }
            }
        }
        !targets.is_empty() && targets.iter().all(|&t| self.is_debug_target(t))
    }

    /// Some stage is named for debugging, or some start command runs a debugger.
    fn has_debug_stage(&self) -> bool {
        self.stages
            .iter()
            .any(|s| named_for_debugging(s.name.as_deref()))
            || self.has_debug_target()
    }

    /// A stage named for debugging, or whose start command runs a debugger.
    fn is_debug_target(&self, stage: usize) -> bool {
        let named = named_for_debugging(self.stages[stage].name.as_deref());
        named
            || starts_debugger(
                self.chain_instructions(stage)
                    .into_iter()
                    .map(|i| self.instruction(i)),
            )
    }

    /// The 1-based line of a byte offset.
    fn line_of(&self, offset: usize) -> usize {
        self.text[..offset.min(self.text.len())]
            .bytes()
            .filter(|&b| b == b'\n')
            .count()
            + 1
    }
}

/// Some ENTRYPOINT or CMD among these instructions runs a debugger (`dlv exec /server`).
fn starts_debugger<'a>(instructions: impl Iterator<Item = &'a Instruction>) -> bool {
    instructions
        .filter(|i| matches!(i.keyword, Keyword::Entrypoint | Keyword::Cmd))
        .flat_map(|i| i.arg_words().iter())
        .flat_map(|w| w.value.split_whitespace())
        .any(|word| tools::DEBUGGERS.contains(&crate::paths::basename(word)))
}

/// A stage name that says debugging (`image-debug`, `dlv`, `delve`).
fn named_for_debugging(name: Option<&str>) -> bool {
    name.is_some_and(|name| {
        name.to_ascii_lowercase()
            .split(['-', '_', '.'])
            .any(|part| part == "debug" || part == "dlv" || part == "delve")
    })
}

/// Comment lines as one text.
fn joined<'a>(comments: impl IntoIterator<Item = &'a Comment>) -> String {
    comments
        .into_iter()
        .map(|c| c.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}
