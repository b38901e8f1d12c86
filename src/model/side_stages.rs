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
        *self
            .side_stage_classes
            .get_or_init(|| self.read_side_stage_classes())
            .get(stage)?
    }

    /// The stage a target only renames: `FROM dev` with nothing after it (a file's default
    /// target, last) is the `dev` stage under another name.
    fn renamed(&self, target: usize) -> usize {
        match self.stages[target].base {
            StageBase::Stage(base) if self.stages[target].body.is_empty() => base,
            _ => target,
        }
    }

    fn read_side_stage_classes(&self) -> Vec<Option<ImageClass>> {
        let count = self.stages.len();
        let Some(shipped) = self.final_stage else {
            return vec![None; count];
        };
        let shipped_needs = self.needed_by(shipped);
        if shipped_needs.iter().all(|&n| n) {
            // The common case: the shipped image needs every stage.
            return vec![None; count];
        }
        let needs: Vec<Vec<bool>> = (0..count)
            .map(|s| {
                if s == shipped {
                    shipped_needs.clone()
                } else {
                    self.needed_by(s)
                }
            })
            .collect();
        // Targets: stages that no other stage needs.
        let targets: Vec<usize> = (0..count)
            .filter(|&t| !(0..count).any(|o| o != t && needs[o][t]))
            .collect();
        (0..count)
            .map(|stage| {
                if needs[shipped][stage] {
                    return None;
                }
                let mut class = None;
                for &target in targets.iter().filter(|&&t| needs[t][stage]) {
                    let name = self.stages[self.renamed(target)].name.as_deref()?;
                    let (intent, _) = conventions::name_intent(name)?;
                    let this = ImageClass::of_intent(intent);
                    if class.is_some_and(|c| c != this) {
                        return None;
                    }
                    class = Some(this);
                }
                class
            })
            .collect()
    }
}
