//! Stages the shipped image does not need. BuildKit builds only the stages the target depends
//! on (through FROM, `COPY --from` and `RUN --mount=from`); a stage that only a debug or test
//! target needs (`delve-builder` for `image-debug`) is part of that image, and the rules judge
//! it as they would judge the debug or test image itself.

use super::copy::CopySource;
use super::facts::FileFacts;
use super::go_build::mount_type;
use super::purpose::ImageClass;
use super::stage::StageBase;
use crate::knowledge::conventions;

impl FileFacts<'_> {
    /// The stages `stage` is built from or takes files from, directly.
    fn stage_inputs(&self, stage: usize) -> Vec<usize> {
        let mut inputs = Vec::new();
        if let StageBase::Stage(base) = self.stages[stage].base {
            inputs.push(base);
        }
        for copy in self.copies.iter().filter(|c| c.stage == stage) {
            if let CopySource::Stage(from) = copy.source {
                inputs.push(from);
            }
        }
        for &i in &self.stages[stage].body {
            for flag in self
                .instruction(i)
                .flags
                .iter()
                .filter(|f| f.name == "mount")
            {
                let Some(spec) = flag.value.as_deref().filter(|s| mount_type(s) != "secret") else {
                    continue;
                };
                let Some(from) = spec.split(',').find_map(|f| f.trim().strip_prefix("from="))
                else {
                    continue;
                };
                let from = from.to_ascii_lowercase();
                if let Some(s) = self.stages.iter().position(|s| {
                    s.name.as_deref() == Some(from.as_str()) || s.index.to_string() == from
                }) {
                    inputs.push(s);
                }
            }
        }
        inputs
    }

    /// `stage` and every stage it needs, transitively.
    fn needed_by(&self, stage: usize) -> Vec<bool> {
        let mut needed = vec![false; self.stages.len()];
        let mut todo = vec![stage];
        while let Some(s) = todo.pop() {
            if s < needed.len() && !needed[s] {
                needed[s] = true;
                todo.extend(self.stage_inputs(s));
            }
        }
        needed
    }

    /// The class of the side targets that alone need `stage`, when the shipped image does not
    /// need it and every stage that needs it and that nothing else needs (a target) is named
    /// for one purpose: `image-debug`, `dev`, `test`. `None` for a stage the shipped image
    /// needs, or whose targets say nothing or disagree.
    pub fn side_stage_class(&self, stage: usize) -> Option<ImageClass> {
        let shipped = self.final_stage?;
        if self.needed_by(shipped)[stage] {
            return None;
        }
        let needs: Vec<Vec<bool>> = (0..self.stages.len()).map(|s| self.needed_by(s)).collect();
        // Targets: stages that need `stage` and that no other stage needs.
        let targets = (0..self.stages.len())
            .filter(|&t| needs[t][stage] && !(0..self.stages.len()).any(|o| o != t && needs[o][t]));
        let mut class = None;
        for target in targets {
            let name = self.stages[target].name.as_deref()?;
            let (intent, _) = conventions::name_intent(name)?;
            let this = ImageClass::of_intent(intent);
            if class.is_some_and(|c| c != this) {
                return None;
            }
            class = Some(this);
        }
        class
    }
}
