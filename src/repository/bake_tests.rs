//! Tests of the bake reader.

use super::*;

fn read_ok(file: &str, text: &str) -> Vec<BuildConfig> {
    let mut out = Vec::new();
    read(Path::new(file), text, &mut out).expect("reads");
    out
}

fn by_name<'a>(builds: &'a [BuildConfig], name: &str) -> &'a BuildConfig {
    builds
        .iter()
        .find(|b| b.name.as_deref() == Some(name))
        .expect("target found")
}

fn arg<'a>(build: &'a BuildConfig, key: &str) -> Option<&'a Option<String>> {
    build.args.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

#[test]
fn variables_and_templates() {
    let text = r#"
variable "FULL" { default = "go${GO_VERSION}" }
variable "DIR" { default = "services" }
variable "GO_VERSION" { default = "1.22" }
variable "SECRET" {}
target "api" {
  context = "${DIR}/api"
  dockerfile = "build/Dockerfile"
  args = {
GO = "v${GO_VERSION}-x"
FULL = FULL
S = SECRET
N = 3
  }
  platforms = ["linux/amd64", "linux/${ARCH}"]
  target = "runtime"
}
"#;
    let builds = read_ok("deploy/docker-bake.hcl", text);
    let api = by_name(&builds, "api");
    assert_eq!(api.line, 6);
    assert_eq!(api.context, ContextDir::Dir("deploy/services/api".into()));
    assert_eq!(
        api.dockerfile,
        PathBuf::from("deploy/services/api/build/Dockerfile")
    );
    assert_eq!(arg(api, "GO"), Some(&Some("v1.22-x".to_string())));
    assert_eq!(arg(api, "FULL"), Some(&Some("go1.22".to_string())));
    assert_eq!(arg(api, "S"), Some(&None));
    assert_eq!(arg(api, "N"), Some(&Some("3".to_string())));
    assert_eq!(api.platforms, vec!["linux/amd64".to_string()]);
    assert_eq!(api.target.as_deref(), Some("runtime"));
    assert!(!api.publishes);
    assert_eq!(
        (api.kind, &api.local, &api.released),
        (ConfigKind::Bake, &None, &None)
    );
}

#[test]
fn inherits_and_default_group() {
    let text = r#"
group "default" { targets = ["all"] }
group "all" { targets = ["app", "worker"] }
target "_common" {
  args = { A = "1", B = "parent" }
  platforms = ["linux/amd64", "linux/arm64"]
}
target "docker-metadata-action" {}
target "app" {
  inherits = ["_common", "docker-metadata-action"]
  args = { B = "child" }
}
target "worker" {
  inherits = ["app"]
  dockerfile = "Dockerfile.worker"
}
target "loop1" { inherits = ["loop2"] }
target "loop2" {
  inherits = ["loop1"]
  context = "x"
}
target "dev" { output = ["type=image,push=true"] }
target "inline" { dockerfile-inline = "FROM scratch" }
"#;
    let builds = read_ok("docker-bake.hcl", text);
    let names: Vec<_> = builds.iter().filter_map(|b| b.name.as_deref()).collect();
    assert_eq!(names, vec!["app", "worker", "loop2", "dev"]);
    let app = by_name(&builds, "app");
    assert_eq!(
        app.args,
        vec![
            ("A".into(), Some("1".into())),
            ("B".into(), Some("child".into()))
        ]
    );
    assert_eq!(app.platforms.len(), 2);
    assert_eq!(app.dockerfile, PathBuf::from("Dockerfile"));
    assert_eq!(app.context, ContextDir::Dir("".into()));
    assert!(app.publishes);
    let worker = by_name(&builds, "worker");
    assert_eq!(worker.dockerfile, PathBuf::from("Dockerfile.worker"));
    assert_eq!(arg(worker, "B"), Some(&Some("child".to_string())));
    assert!(worker.publishes);
    // `loop1` is only a parent; the cycle through it ends.
    let looped = by_name(&builds, "loop2");
    assert_eq!(looped.dockerfile, PathBuf::from("x/Dockerfile"));
    assert!(!looped.publishes);
    assert!(by_name(&builds, "dev").publishes);
}

#[test]
fn target_named_default_without_group() {
    let builds = read_ok(
        "docker-bake.hcl",
        "target \"default\" {}\ntarget \"other\" {}\n",
    );
    assert!(by_name(&builds, "default").publishes);
    assert!(!by_name(&builds, "other").publishes);
    let text = "target \"default\" { tags = [\"x\"] }\ntarget \"b\" { context = \"b\" }\n";
    let builds = read_ok("docker-bake.override.hcl", text);
    assert_eq!(builds.len(), 1);
    assert_eq!(builds[0].dockerfile, PathBuf::from("b/Dockerfile"));
}

#[test]
fn unknown_values() {
    let text = r#"
variable "DF" {}
target "fn" { args = { V = upper("x"), W = "ok" } }
target "df" { dockerfile = "${DF}" }
target "remote" { context = "https://github.com/a/b.git" }
target "stage" { context = "target:fn" }
target "cwd" { context = "cwd://sub" }
target "abs" { context = "/abs" }
"#;
    let builds = read_ok("docker-bake.hcl", text);
    let names: Vec<_> = builds.iter().filter_map(|b| b.name.as_deref()).collect();
    assert_eq!(names, vec!["fn", "cwd"]);
    let fn_target = by_name(&builds, "fn");
    assert_eq!(arg(fn_target, "V"), Some(&None));
    assert_eq!(arg(fn_target, "W"), Some(&Some("ok".to_string())));
    let cwd = by_name(&builds, "cwd");
    assert_eq!(
        (cwd.context.clone(), cwd.dockerfile.clone()),
        (ContextDir::Unknown, "sub/Dockerfile".into())
    );
}

#[test]
fn json_form() {
    let text = r#"{
  "variable": { "TAG": { "default": "1.0" } },
  "group": { "default": { "targets": ["web"] } },
  "target": {
"base": { "args": { "X": "${TAG}" } },
"web": {
  "inherits": ["base"],
  "context": "web",
  "dockerfile": "Dockerfile.prod",
  "platforms": ["linux/arm64"]
}
  }
}"#;
    let builds = read_ok("docker-bake.json", text);
    assert_eq!(builds.len(), 1);
    let web = &builds[0];
    assert_eq!(web.line, 6);
    assert_eq!(web.dockerfile, PathBuf::from("web/Dockerfile.prod"));
    assert_eq!(web.args, vec![("X".into(), Some("1.0".into()))]);
    assert_eq!(web.platforms, vec!["linux/arm64".to_string()]);
    assert!(web.publishes);
    assert!(read_ok("docker-bake.json", "[1, 2]").is_empty());
}

#[test]
fn unparseable_is_an_error() {
    let mut out = Vec::new();
    assert!(
        read(
            Path::new("docker-bake.hcl"),
            "target \"a\" {\n  context = \n",
            &mut out
        )
        .is_err()
    );
    assert!(read(Path::new("docker-bake.json"), "{\"target\": ", &mut out).is_err());
    assert!(out.is_empty());
}
