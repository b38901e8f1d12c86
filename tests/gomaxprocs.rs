//! GL213 reads the build context: the module's `go` line, not the builder's Go, decides whether
//! the runtime already follows the container's CPU limit.

use assert_cmd::Command;

fn gl213(dockerfile: &str) -> Vec<String> {
    let output = Command::cargo_bin("gopherlint")
        .expect("binary")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["--no-config", "--format", "compact", "--select", "GL213"])
        .arg(dockerfile)
        .output()
        .expect("run");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|l| l.contains("[GL213]"))
        .map(str::to_string)
        .collect()
}

#[test]
fn go_mod_at_go_1_25_reports_a_fixed_gomaxprocs() {
    assert_eq!(
        gl213("fixtures/context/gomaxprocs-go125/Dockerfile"),
        vec![
            "fixtures/context/gomaxprocs-go125/Dockerfile:12:5: info[GL213] `GOMAXPROCS=2` is fixed for every container, but the service's go.mod is at Go 1.25: its runtime already sets GOMAXPROCS from the container's CPU limit"
        ]
    );
}

#[test]
fn go_mod_before_go_1_25_is_silent_whatever_the_builder() {
    assert!(gl213("fixtures/context/gomaxprocs-go124/Dockerfile").is_empty());
}

#[test]
fn without_a_context_the_rule_is_silent() {
    let output = Command::cargo_bin("gopherlint")
        .expect("binary")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["--no-config", "--format", "compact", "--select", "GL213"])
        .args(["--stdin-filename", "Dockerfile", "-"])
        .write_stdin(
            std::fs::read("fixtures/context/gomaxprocs-go125/Dockerfile").expect("fixture"),
        )
        .output()
        .expect("run");
    assert!(!String::from_utf8_lossy(&output.stdout).contains("[GL213]"));
}
