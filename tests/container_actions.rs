//! A GitHub container action's Dockerfile (`runs.using: docker` in the action.yml beside it) is
//! built by GitHub on every run of the action: a CI image, not a service.

mod common;

use std::fs;

use common::classes_in;

use tempfile::TempDir;

const SERVICE: &str = "FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/retest .\nFROM alpine:3.20\nCOPY --from=build /out/retest /retest\nENTRYPOINT [\"/retest\"]\n";

#[test]
fn a_container_actions_dockerfile_is_a_ci_image() {
    let dir = TempDir::new().expect("tempdir");
    let root = dir.path();
    fs::create_dir_all(root.join(".git")).expect(".git");
    for folder in ["actions/retest", "cmd/server"] {
        fs::create_dir_all(root.join(folder)).expect("mkdir");
        fs::write(root.join(folder).join("Dockerfile"), SERVICE).expect("Dockerfile");
        fs::write(
            root.join(folder).join("go.mod"),
            "module example.com/x\n\ngo 1.23\n",
        )
        .expect("go.mod");
    }
    fs::write(
        root.join("actions/retest/action.yaml"),
        "name: retest\nruns:\n  using: 'docker'\n  image: 'Dockerfile'\n",
    )
    .expect("action");
    // A JavaScript action beside a service's Dockerfile says nothing of it.
    fs::write(
        root.join("cmd/server/action.yml"),
        "name: notify\nruns:\n  using: node20\n  main: index.js\n",
    )
    .expect("action");
    assert_eq!(
        classes_in(root),
        [
            ("actions/retest/Dockerfile".to_string(), "test".to_string()),
            ("cmd/server/Dockerfile".to_string(), "service".to_string())
        ]
    );
}
