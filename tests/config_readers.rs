//! The readers of build configurations (workflows, compose, GoReleaser, bake, Makefiles,
//! scripts, Tiltfiles) on broken, cut, mangled and pathological text: each may refuse a file
//! (one warning at run time) but never panics. The same samples seed `scripts/fuzz.sh
//! build_configs`, which runs the same property for as long as it is given.

use std::fs;
use std::path::{Path, PathBuf};

use gopherlint::repository::{ConfigKind, read_config};

const KINDS: [(ConfigKind, &str); 8] = [
    (ConfigKind::Workflow, ".github/workflows/release.yml"),
    (ConfigKind::Compose, "deploy/compose.yaml"),
    (ConfigKind::GoReleaser, ".goreleaser.yaml"),
    (ConfigKind::Bake, "docker-bake.hcl"),
    (ConfigKind::Bake, "docker-bake.json"),
    (ConfigKind::Makefile, "Makefile"),
    (ConfigKind::Script, "hack/build.sh"),
    (ConfigKind::Tilt, "Tiltfile"),
];

fn samples() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/configs");
    let mut found: Vec<(String, String)> = fs::read_dir(&dir)
        .expect("fixtures/configs")
        .map(|e| {
            let path = e.expect("entry").path();
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            (name, fs::read_to_string(&path).expect("read"))
        })
        .collect();
    found.sort();
    assert!(found.len() >= 8, "one sample per kind at least");
    found
}

/// Every reader on `text`: whatever it answers, the Dockerfiles it names stay relative.
fn read_all(text: &str) {
    for (kind, file) in KINDS {
        if let Ok(builds) = read_config(kind, Path::new(file), text) {
            for build in builds {
                assert!(!build.dockerfile.is_absolute(), "{kind:?}: {build:?}");
            }
        }
    }
}

/// The sample each kind is written in, read by its own reader: the builds a working reader
/// must find, so that the robustness tests below run readers that do read something.
#[test]
fn each_sample_is_read_by_its_reader() {
    let samples = samples();
    let text = |name: &str| {
        samples
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.as_str())
            .expect(name)
    };
    let dockerfiles = |kind, file: &str, name: &str| -> Vec<PathBuf> {
        read_config(kind, Path::new(file), text(name))
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .into_iter()
            .map(|b| b.dockerfile)
            .collect()
    };
    let paths = |list: &[&str]| list.iter().map(PathBuf::from).collect::<Vec<_>>();
    assert_eq!(
        dockerfiles(
            ConfigKind::Workflow,
            ".github/workflows/release.yml",
            "release.yml"
        ),
        paths(&["build/Dockerfile", "build/debug.Dockerfile"])
    );
    assert_eq!(
        dockerfiles(ConfigKind::Compose, "deploy/compose.yaml", "compose.yaml"),
        paths(&["hack/dev.Dockerfile", "deploy/worker/Dockerfile"])
    );
    assert_eq!(
        dockerfiles(
            ConfigKind::GoReleaser,
            ".goreleaser.yaml",
            "goreleaser.yaml"
        ),
        paths(&["Dockerfile.release", "build/Dockerfile.goreleaser"])
    );
    assert_eq!(
        dockerfiles(ConfigKind::Bake, "docker-bake.hcl", "docker-bake.hcl"),
        paths(&["cmd/api/Dockerfile", "test/Dockerfile"])
    );
    assert_eq!(
        dockerfiles(ConfigKind::Bake, "docker-bake.json", "docker-bake.json"),
        paths(&["cmd/api/Dockerfile"])
    );
    assert_eq!(
        dockerfiles(ConfigKind::Makefile, "Makefile", "Makefile"),
        paths(&["cmd/api/Dockerfile", "hack/dev.Dockerfile"])
    );
    assert_eq!(
        dockerfiles(ConfigKind::Script, "hack/build.sh", "build.sh"),
        paths(&["build/Dockerfile", "Containerfile"])
    );
    assert_eq!(
        dockerfiles(ConfigKind::Tilt, "Tiltfile", "Tiltfile"),
        paths(&["hack/dev.Dockerfile"])
    );
}

/// A file cut anywhere (an editor's half-saved buffer, a truncated download).
#[test]
fn every_prefix_and_suffix_is_harmless() {
    for (_, text) in samples() {
        for (at, _) in text.char_indices() {
            read_all(&text[..at]);
            read_all(&text[at..]);
        }
    }
}

/// A small deterministic generator: the same mangled texts on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % below.max(1)
    }
}

/// Characters every one of these syntaxes gives a meaning to.
const SYNTAX: &[&str] = &[
    "{", "}", "[", "]", "(", ")", ":", "=", "\"", "'", "\\", "\n", "\t", " ", "$", "${", "$(",
    "${{", "-", "#", "|", ">", "&", "*", "!", "%", ",", "<<", "\u{feff}", "\0", "\r\n", "é",
];

#[test]
fn mangled_samples_are_harmless() {
    let mut rng = Lcg(0x5eed);
    for (_, text) in samples() {
        for _ in 0..400 {
            let mut mangled = text.clone();
            for _ in 0..1 + rng.next(4) {
                let bounds: Vec<usize> = mangled
                    .char_indices()
                    .map(|(i, _)| i)
                    .chain([mangled.len()])
                    .collect();
                let at = bounds[rng.next(bounds.len())];
                let end = bounds
                    .iter()
                    .copied()
                    .find(|&b| b >= at + rng.next(8))
                    .unwrap_or(mangled.len());
                let insert = SYNTAX[rng.next(SYNTAX.len())];
                match rng.next(3) {
                    0 => mangled.insert_str(at, insert),
                    1 => mangled.replace_range(at..end, ""),
                    _ => mangled.replace_range(at..end, insert),
                }
            }
            read_all(&mangled);
        }
    }
}

/// Text built to exhaust a recursive parser or a quadratic loop, at the size cap.
#[test]
fn pathological_text_is_harmless() {
    let n = 100_000;
    let texts = [
        format!("a: {}{}", "[".repeat(n), "]".repeat(n)),
        format!("a: {}1{}", "{a: ".repeat(n / 4), "}".repeat(n / 4)),
        format!("x = {}{}", "[".repeat(n), "]".repeat(n)),
        format!("x = {}1{}", "{a = ".repeat(n / 5), "}".repeat(n / 5)),
        format!("{}{}", "[".repeat(n), "]".repeat(n)),
        format!("{}\n", "- ".repeat(n)),
        format!("{}x\n", "- ".repeat(5000)),
        "a:\n".repeat(n / 3),
        format!("A = {}\n", "$(A)".repeat(n / 4)),
        "A = $(B)\nB = $(A)\nimage:\n\tdocker build -f $(A) .\n".to_string(),
        format!("docker build {}.\n", "--build-arg A=1 ".repeat(n / 16)),
        format!("docker build -f Dockerfile {}\n", "\\\n".repeat(n / 2)),
        format!("docker_build({}\n", "(".repeat(n)),
        "&a [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n".repeat(1000),
        "\0".repeat(n),
    ];
    for text in &texts {
        read_all(text);
    }
}
