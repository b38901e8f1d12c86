//! Files the shipped image takes from a stage that the stage's image brought, not its builds:
//! a stage moved to the build machine (`FROM --platform=$BUILDPLATFORM`) would hand over the
//! build machine's.

use super::copy::CopySource;
use super::facts::FileFacts;
use crate::knowledge::files::PLATFORM_FILE_DIRS;
use crate::paths;

impl FileFacts<'_> {
    /// The shipped image copies from the stage programs or libraries of the stage's own
    /// platform that its go builds did not write (the Go toolchain, `/usr/local/go/bin/go`, for
    /// a program that runs `go` itself; a library from `/usr/lib`). False when a build's output
    /// is unknown: it might be the file copied.
    pub fn ships_platform_files_of(&self, stage: usize) -> bool {
        let mut outputs = Vec::new();
        for build in self.go_builds.iter().filter(|b| b.stage == stage) {
            match build.output.as_ref().and_then(|v| v.usable()) {
                Some(output) => outputs.push(paths::normalize(output)),
                None => return false,
            }
        }
        let chain = self.final_chain();
        self.copies
            .iter()
            .filter(|c| chain.contains(&c.stage) && c.source == CopySource::Stage(stage))
            .flat_map(|c| c.sources.iter())
            .filter_map(|source| source.usable())
            .map(paths::normalize)
            .any(|source| {
                PLATFORM_FILE_DIRS.iter().any(|dir| source.starts_with(dir))
                    && !outputs
                        .iter()
                        .any(|o| *o == source || o.starts_with(&format!("{source}/")))
            })
    }
}
