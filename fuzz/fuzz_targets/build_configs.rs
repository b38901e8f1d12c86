//! Arbitrary text through every reader of the repository's build configurations: workflows,
//! compose and GoReleaser YAML, bake HCL and JSON, Makefiles, scripts and Tiltfiles. A reader
//! may refuse a text (an `Err` becomes one warning); it may never panic or hang.
#![no_main]

use std::path::Path;

use gopherlint::repository::{ConfigKind, read_config};
use libfuzzer_sys::fuzz_target;

const KINDS: [(ConfigKind, &str); 9] = [
    (ConfigKind::Workflow, ".github/workflows/release.yml"),
    (ConfigKind::Compose, "deploy/compose.yaml"),
    (ConfigKind::GoReleaser, ".goreleaser.yaml"),
    (ConfigKind::Bake, "docker-bake.hcl"),
    (ConfigKind::Bake, "docker-bake.json"),
    (ConfigKind::Makefile, "Makefile"),
    (ConfigKind::Script, "hack/build.sh"),
    (ConfigKind::Tilt, "Tiltfile"),
    (ConfigKind::DevSpace, "devspace.yaml"),
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for (kind, file) in KINDS {
        if let Ok(builds) = read_config(kind, Path::new(file), text) {
            for build in builds {
                // Paths stay inside the repository or are dropped.
                assert!(!build.dockerfile.is_absolute(), "{build:?}");
            }
        }
    }
});
