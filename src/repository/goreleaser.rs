//! GoReleaser configurations (`.goreleaser.yml`, `goreleaser.yaml`): one build per `dockers` or
//! `dockers_v2` entry. GoReleaser builds the Go binaries itself and copies them into a context
//! directory it prepares, so what matters to a Dockerfile is how `builds` made them: stripped
//! (`-s -w` in the ldflags) and with cgo or not. Templates (`{{ .Env.X }}`) are not expanded:
//! a value that hangs on one is unknown.

use std::path::Path;

use super::yaml::{self, Node, Value};
use super::{BuildConfig, ConfigKind, ContextDir, ReleasedBinary, join_rel};

/// What one entry of `builds` makes.
struct Build {
    id: Option<String>,
    binary: ReleasedBinary,
}

pub fn read(file: &Path, text: &str, out: &mut Vec<BuildConfig>) -> Result<(), String> {
    let docs = yaml::parse(text)?;
    let Some(root) = docs.first().filter(|d| matches!(d.value, Value::Map(_))) else {
        return Ok(());
    };
    // GoReleaser runs where its configuration is (usually the repository root), and its paths
    // (`dockerfile`, `extra_files`) are relative to there.
    let dir = file.parent().unwrap_or(Path::new(""));
    let project = field(root, "project_name").and_then(Node::as_str);
    let default_cgo = cgo(field(root, "env")).flatten();
    let builds = builds(root, project, default_cgo);
    for (key, v2) in [("dockers", false), ("dockers_v2", true)] {
        for entry in field(root, key).map_or(&[][..], Node::items) {
            out.extend(docker(file, dir, entry, v2, project, &builds));
        }
    }
    Ok(())
}

/// A key of a mapping, or of the mappings it merges (`<<: *defaults`, common in these files).
fn field<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    node.get(key).or_else(|| {
        let merged = node.get("<<")?;
        let mut sources = std::iter::once(merged).chain(merged.items());
        sources.find_map(|m| m.get(key))
    })
}

fn text<'a>(node: &'a Node, key: &str) -> Option<&'a str> {
    field(node, key).and_then(Node::as_str)
}

/// A list of scalars; a lone scalar is a list of one (GoReleaser accepts both for ldflags).
fn strings<'a>(node: &'a Node, key: &str) -> Vec<&'a str> {
    match field(node, key) {
        Some(n) if n.as_str().is_some() => n.as_str().into_iter().collect(),
        Some(n) => n.items().iter().filter_map(Node::as_str).collect(),
        None => Vec::new(),
    }
}

fn is_template(s: &str) -> bool {
    s.contains("{{")
}

/// The `builds` list; without one GoReleaser makes one build, named after the project, with
/// its default ldflags (`-s -w -X main.version=…`).
fn builds(root: &Node, project: Option<&str>, default_cgo: Option<bool>) -> Vec<Build> {
    let items = field(root, "builds").map_or(&[][..], Node::items);
    if items.is_empty() {
        let binary = ReleasedBinary {
            stripped: Some(true),
            cgo: default_cgo,
        };
        return vec![Build {
            id: project.map(String::from),
            binary,
        }];
    }
    let kept = items
        .iter()
        .filter(|b| !field(b, "skip").is_some_and(Node::is_true));
    kept.map(|b| {
        // Other builders (rust, zig, prebuilt) take no Go ldflags and no CGO_ENABLED.
        let go = text(b, "builder").is_none_or(|builder| builder == "go");
        let binary = ReleasedBinary {
            stripped: stripped(b).filter(|_| go),
            cgo: cgo(field(b, "env")).unwrap_or(default_cgo).filter(|_| go),
        };
        let id = text(b, "id").or(project).map(String::from);
        Build { id, binary }
    })
    .collect()
}

/// `CGO_ENABLED` from an `env` list: `None` when not set there, `Some(None)` when set to a
/// value not read (a template).
fn cgo(env: Option<&Node>) -> Option<Option<bool>> {
    let items = env.map_or(&[][..], Node::items);
    let value = items
        .iter()
        .filter_map(Node::as_str)
        .rev()
        .find_map(|e| e.strip_prefix("CGO_ENABLED="))?;
    Some(match value.trim() {
        "0" => Some(false),
        "1" => Some(true),
        _ => None,
    })
}

/// Whether a build's ldflags strip the binary; absent or empty ldflags are GoReleaser's default,
/// which does.
fn stripped(build: &Node) -> Option<bool> {
    let flags = match field(build, "ldflags").map(|n| &n.value) {
        None | Some(Value::Null) => return Some(true),
        Some(Value::Seq(items)) if items.is_empty() => return Some(true),
        Some(Value::Scalar(_) | Value::Seq(_)) => strings(build, "ldflags").join(" "),
        Some(_) => return None,
    };
    ldflags_strip(&flags)
}

/// `-s` and `-w` among the words of the ldflags. Template actions are blanked first, so that
/// `-X main.version={{ .Version }}` stays one word; a word that is only an action
/// (`{{ .Env.LDFLAGS }}`) may expand to any flags, so without `-s -w` the answer is unknown.
fn ldflags_strip(flags: &str) -> Option<bool> {
    const ACTION: char = '\u{1}';
    let mut plain = String::new();
    let mut rest = flags;
    while let Some(start) = rest.find("{{") {
        plain.push_str(&rest[..start]);
        let end = rest[start..].find("}}")?;
        plain.push(ACTION);
        rest = &rest[start + end + 2..];
    }
    plain.push_str(rest);
    let words: Vec<&str> = plain
        .split_whitespace()
        .map(|w| w.trim_matches(['"', '\'']))
        .collect();
    if words.contains(&"-s") && words.contains(&"-w") {
        Some(true)
    } else if words.iter().any(|w| w.chars().all(|c| c == ACTION)) {
        None
    } else {
        Some(false)
    }
}

/// What the flags passed to `docker build` say (`build_flag_templates`, `flags`).
#[derive(Default)]
struct Flags {
    platforms: Vec<String>,
    args: Vec<(String, Option<String>)>,
    target: Option<String>,
}

fn read_flags(flags: &[&str], into: &mut Flags) {
    let mut words = flags.iter().map(|f| f.trim());
    while let Some(word) = words.next() {
        let (name, value) = match word.split_once('=') {
            Some((name, value)) => (name, Some(value)),
            None => (word, None),
        };
        if !matches!(name, "--platform" | "--build-arg" | "--target") {
            continue;
        }
        // Each item is one argument to docker, so `--platform` and its value may be two.
        let Some(value) = value.or_else(|| words.next()) else {
            continue;
        };
        let known = (!is_template(value)).then(|| value.to_string());
        match name {
            "--platform" => into.platforms.extend(platforms(value)),
            "--target" => into.target = known,
            _ => match value.split_once('=') {
                Some((key, v)) if !is_template(key) => {
                    let v = (!is_template(v)).then(|| v.to_string());
                    into.args.push((key.to_string(), v));
                }
                // `--build-arg K` takes K from the environment.
                None if !is_template(value) => into.args.push((value.to_string(), None)),
                _ => {}
            },
        }
    }
}

/// Platforms as written, templated ones left out; `linux/amd64,linux/arm64` is two.
fn platforms(value: &str) -> impl Iterator<Item = String> + '_ {
    let list = value.split(',').map(str::trim);
    list.filter(|p| !p.is_empty() && !is_template(p))
        .map(String::from)
}

/// One `dockers` (or, with `v2`, `dockers_v2`) entry.
fn docker(
    file: &Path,
    dir: &Path,
    entry: &Node,
    v2: bool,
    project: Option<&str>,
    builds: &[Build],
) -> Option<BuildConfig> {
    let disabled = ["skip_build", "disable"]
        .iter()
        .any(|k| field(entry, k).is_some_and(Node::is_true));
    // A `templated_dockerfile` (GoReleaser Pro) is rendered before the build: the file in the
    // repository is a template, not the Dockerfile that is built.
    let templated = field(entry, "templated_dockerfile").is_some();
    if disabled || templated || !matches!(entry.value, Value::Map(_)) {
        return None;
    }
    let dockerfile = join_rel(dir, text(entry, "dockerfile").unwrap_or("Dockerfile"))?;
    let mut flags = Flags::default();
    read_flags(&strings(entry, "build_flag_templates"), &mut flags);
    read_flags(&strings(entry, "flags"), &mut flags);
    let name = if v2 {
        for (key, value) in field(entry, "build_args").map_or(&[][..], Node::entries) {
            let value = value.as_str().filter(|v| !is_template(v)).map(String::from);
            flags.args.push((key.clone(), value));
        }
        let listed = match field(entry, "platforms") {
            Some(_) => strings(entry, "platforms"),
            None => vec!["linux/amd64", "linux/arm64"],
        };
        flags
            .platforms
            .extend(listed.into_iter().flat_map(platforms));
        let image = strings(entry, "images").first().copied();
        let tag = strings(entry, "tags").first().copied();
        image.map(|i| tag.map_or(i.to_string(), |t| format!("{i}:{t}")))
    } else {
        if flags.platforms.is_empty() {
            flags.platforms.extend(go_platform(entry));
        }
        strings(entry, "image_templates")
            .first()
            .map(|i| i.to_string())
    };
    let ids = field(entry, "ids").map(|_| strings(entry, "ids"));
    let used = builds.iter().filter(|b| {
        ids.as_ref()
            .is_none_or(|ids| b.id.as_deref().is_some_and(|id| ids.contains(&id)))
    });
    Some(BuildConfig {
        kind: ConfigKind::GoReleaser,
        file: file.to_path_buf(),
        line: entry.line,
        name: name.or_else(|| text(entry, "id").or(project).map(String::from)),
        dockerfile,
        context: ContextDir::Prepared,
        target: flags.target,
        args: flags.args,
        // GoReleaser always builds for some platform: none read means they were templates.
        platforms_unread: flags.platforms.is_empty(),
        platforms: flags.platforms,
        publishes: !field(entry, "skip_push").is_some_and(Node::is_true),
        local: None,
        released: Some(merge(used.map(|b| &b.binary))),
        runs_in_image: None,
        only_if_absent: None,
        documented: None,
        no_cache: false,
        tags: Vec::new(),
        git_checkout: false,
        classic_builder: false,
    })
}

/// A `dockers` entry's platform from `goos`/`goarch`/`goarm` (default linux/amd64, arm v6).
fn go_platform(entry: &Node) -> Option<String> {
    let os = text(entry, "goos").unwrap_or("linux");
    let arch = text(entry, "goarch").unwrap_or("amd64");
    let platform = match (arch, text(entry, "goarm").filter(|v| !v.is_empty())) {
        ("arm", arm) => format!("{os}/arm/v{}", arm.unwrap_or("6")),
        _ => format!("{os}/{arch}"),
    };
    (!is_template(&platform)).then_some(platform)
}

/// The binaries an image takes, as one: a field on which they disagree is unknown.
fn merge<'a>(binaries: impl Iterator<Item = &'a ReleasedBinary>) -> ReleasedBinary {
    let mut merged: Option<ReleasedBinary> = None;
    for b in binaries {
        merged = Some(match merged {
            None => b.clone(),
            Some(m) => ReleasedBinary {
                stripped: m.stripped.filter(|s| b.stripped == Some(*s)),
                cgo: m.cgo.filter(|c| b.cgo == Some(*c)),
            },
        });
    }
    merged.unwrap_or(ReleasedBinary {
        stripped: None,
        cgo: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn read_ok(text: &str) -> Vec<BuildConfig> {
        let mut out = Vec::new();
        read(Path::new(".goreleaser.yaml"), text, &mut out).expect("reads");
        out
    }

    fn binary(stripped: Option<bool>, cgo: Option<bool>) -> Option<ReleasedBinary> {
        Some(ReleasedBinary { stripped, cgo })
    }

    #[test]
    fn default_build_and_docker() {
        let builds =
            read_ok("project_name: app\nenv: [CGO_ENABLED=0]\ndockers:\n  - goarch: arm64\n");
        assert_eq!(builds.len(), 1);
        let b = &builds[0];
        assert_eq!(
            (b.kind, b.line, b.name.as_deref()),
            (ConfigKind::GoReleaser, 4, Some("app"))
        );
        assert_eq!(
            (b.dockerfile.clone(), b.context.clone()),
            (PathBuf::from("Dockerfile"), ContextDir::Prepared)
        );
        assert_eq!(b.platforms, vec!["linux/arm64".to_string()]);
        assert!(b.publishes);
        assert_eq!(b.released, binary(Some(true), Some(false)));
    }

    #[test]
    fn ldflags_and_env() {
        let text = r#"
builds:
  - id: plain
    ldflags: -X main.version={{ .Version }}
    env: [CGO_ENABLED=1]
  - id: listed
    ldflags:
      - -w -X main.commit={{.Commit}}
      - "-s"
  - id: templated
    ldflags: "{{ .Env.LDFLAGS }}"
  - id: skipped
    skip: true
  - id: rusty
    builder: rust
dockers:
  - ids: [plain]
    dockerfile: build/Dockerfile
    image_templates: ["ghcr.io/o/app:{{ .Tag }}"]
  - ids: [listed]
  - ids: [templated]
  - ids: [plain, listed]
  - ids: [skipped]
  - ids: [rusty]
"#;
        let builds = read_ok(text);
        let released: Vec<_> = builds.iter().map(|b| b.released.clone()).collect();
        assert_eq!(
            released,
            vec![
                binary(Some(false), Some(true)),
                binary(Some(true), None),
                binary(None, None),
                binary(None, None),
                binary(None, None),
                binary(None, None),
            ]
        );
        assert_eq!(builds[0].dockerfile, PathBuf::from("build/Dockerfile"));
        assert_eq!(builds[0].name.as_deref(), Some("ghcr.io/o/app:{{ .Tag }}"));
        assert_eq!(ldflags_strip("-w -s"), Some(true));
        assert_eq!(ldflags_strip("-s {{ .Env.MORE }}"), None);
        assert_eq!(ldflags_strip(""), Some(false));
    }

    #[test]
    fn build_flag_templates_and_skip_push() {
        let text = r#"
dockers:
  - dockerfile: Dockerfile.arm
    goos: linux
    goarch: amd64
    skip_push: true
    build_flag_templates:
      - "--pull"
      - "--platform=linux/arm64"
      - "--build-arg=GO=1.22"
      - "--build-arg=VERSION={{ .Version }}"
      - "--build-arg"
      - "FROM_ENV"
      - "--target=runtime"
      - "--label=org.opencontainers.image.version={{.Version}}"
  - goarch: arm
    goarm: 7
    skip_push: auto
"#;
        let builds = read_ok(text);
        let b = &builds[0];
        assert_eq!(b.platforms, vec!["linux/arm64".to_string()]);
        let args = vec![
            ("GO".to_string(), Some("1.22".to_string())),
            ("VERSION".to_string(), None),
            ("FROM_ENV".to_string(), None),
        ];
        assert_eq!(b.args, args);
        assert_eq!(b.target.as_deref(), Some("runtime"));
        assert!(!b.publishes);
        assert_eq!(builds[1].platforms, vec!["linux/arm/v7".to_string()]);
        assert!(builds[1].publishes);
    }

    #[test]
    fn dockers_v2_with_merge_keys() {
        let text = r#"
x-common: &common
  dockerfile: docker/Dockerfile
builds:
  - id: a
    env: [CGO_ENABLED=0]
dockers_v2:
  - <<: *common
    id: img
    images: [ghcr.io/o/app]
    tags: ["v{{ .Version }}"]
    build_args:
      A: one
      B: "{{ .Version }}"
  - id: two
    platforms: [linux/amd64]
    disable: false
  - disable: true
"#;
        let builds = read_ok(text);
        assert_eq!(builds.len(), 2);
        let b = &builds[0];
        assert_eq!(
            (b.line, b.name.as_deref()),
            (8, Some("ghcr.io/o/app:v{{ .Version }}"))
        );
        assert_eq!(b.dockerfile, PathBuf::from("docker/Dockerfile"));
        assert_eq!(
            b.platforms,
            vec!["linux/amd64".to_string(), "linux/arm64".to_string()]
        );
        assert_eq!(
            b.args,
            vec![("A".into(), Some("one".into())), ("B".into(), None)]
        );
        assert_eq!(b.released, binary(Some(true), Some(false)));
        assert_eq!(
            (builds[1].name.as_deref(), builds[1].platforms.len()),
            (Some("two"), 1)
        );
    }

    #[test]
    fn config_in_a_subdirectory() {
        let mut out = Vec::new();
        let text = "dockers:\n  - dockerfile: ../Dockerfile\n";
        read(Path::new("release/.goreleaser.yml"), text, &mut out).expect("reads");
        assert_eq!(out[0].dockerfile, PathBuf::from("Dockerfile"));
    }

    #[test]
    fn malformed_and_other_documents() {
        let mut out = Vec::new();
        assert!(read(Path::new(".goreleaser.yml"), "dockers: [\n", &mut out).is_err());
        assert!(read_ok("- a\n- b\n").is_empty());
        assert!(read_ok("").is_empty());
        assert!(read_ok("project_name: x\n").is_empty());
        assert!(read_ok("dockers: [plain]\n").is_empty());
    }
}
