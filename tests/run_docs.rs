//! How the project's documentation runs its images, read through the real binary: a program
//! documented with the host's Docker socket mounted, or with its data volume under `/root`,
//! runs as root on purpose, so GL005 is silent about it; the same file outside such a
//! repository, or with `--no-build-config`, is reported.

use std::fs;
use std::path::Path;

mod common;

use common::{stdout_in, write};
use tempfile::TempDir;

/// A release image of a program built elsewhere, with no USER: GL005's clearest case.
const DOCKERFILE: &str = r#"FROM alpine:3.20
RUN apk add --no-cache ca-certificates
COPY updater /usr/local/bin/updater
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/updater"]
"#;

fn repo(files: &[(&str, &str)]) -> TempDir {
    let dir = TempDir::new().expect("tempdir");
    fs::create_dir(dir.path().join(".git")).expect(".git");
    write(
        dir.path(),
        "go.mod",
        "module example.com/updater\n\ngo 1.24\n",
    );
    write(dir.path(), "Dockerfile", DOCKERFILE);
    for (path, text) in files {
        write(dir.path(), path, text);
    }
    dir
}

fn codes(dir: &Path, args: &[&str]) -> String {
    let mut all = vec!["--format", "compact"];
    all.extend(args);
    all.push("Dockerfile");
    stdout_in(dir, &all)
}

const README_SOCKET: &str = "# updater\n\n```sh\ndocker run -d \\\n  --name updater \\\n  -v /var/run/docker.sock:/var/run/docker.sock \\\n  example/updater:1.4\n```\n";

#[test]
fn a_documented_docker_socket_mount_answers_gl005() {
    let dir = repo(&[("README.md", README_SOCKET)]);
    assert!(!codes(dir.path(), &[]).contains("GL005"));
    let model = stdout_in(dir.path(), &["--show-model", "Dockerfile"]);
    assert!(
        model.contains("root on purpose: its documented use needs it: `README.md:4` runs `updater` with the host's Docker socket mounted"),
        "{model}"
    );
    // Reading the repository off: the file alone says nothing of the socket.
    assert!(codes(dir.path(), &["--no-build-config"]).contains("GL005"));
}

#[test]
fn a_compose_service_or_a_root_home_volume_answers_gl005() {
    let compose = "services:\n  web:\n    image: example/web:2\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n  updater:\n    image: ghcr.io/example/updater:1.4\n    volumes:\n      - state:/root/.updater\n";
    let dir = repo(&[("deploy/compose.yaml", compose)]);
    assert!(!codes(dir.path(), &[]).contains("GL005"));
}

/// Compose files kept beside the project's Dockerfiles (`docker/compose.app.yml`) document
/// its runs as those at the root do.
#[test]
fn a_compose_file_in_the_docker_folder_answers_gl005() {
    let compose = "services:\n  updater:\n    image: example/updater:latest\n    volumes:\n      - ./bootstrap/.pgpass:/root/.pgpass:ro\n";
    let dir = repo(&[("docker/compose.updater.yml", compose)]);
    assert!(!codes(dir.path(), &[]).contains("GL005"));
    let elsewhere = repo(&[("tools/compose.updater.yml", compose)]);
    assert!(codes(elsewhere.path(), &[]).contains("GL005"));
}

#[test]
fn another_image_or_another_mount_leaves_gl005() {
    // The socket belongs to another service; the updater's volume is not under /root.
    let compose = "services:\n  web:\n    image: example/web:2\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n  updater:\n    image: example/updater:1.4\n    volumes:\n      - state:/var/lib/updater\n";
    let docs = "Run `docker run -v /var/run/docker.sock:/var/run/docker.sock example/other`.\n";
    let dir = repo(&[("compose.yaml", compose), ("docs/other.md", docs)]);
    assert!(codes(dir.path(), &[]).contains("GL005"));
}

/// The project's component (`updater-agent`) started by an init program, documented as the
/// project's image (`example/updater`) in a documentation site's section two folders down.
#[test]
fn a_component_behind_an_init_documented_in_a_site_section_answers_gl005() {
    let dockerfile = "FROM alpine:3.20\nRUN apk add --no-cache tini\nCOPY updater-agent /usr/local/bin/updater-agent\nEXPOSE 8080\nENTRYPOINT [\"/sbin/tini\", \"--\"]\nCMD [\"updater-agent\", \"-config=/etc/updater.toml\"]\n";
    let docs = "```sh\ndocker run -d \\\n  -v $HOME/.gitconfig:/root/.gitconfig \\\n  example/updater:latest\n```\n";
    let dir = repo(&[
        ("Dockerfile", dockerfile),
        ("docs/content/configuration/auth.md", docs),
    ]);
    let model = stdout_in(dir.path(), &["--show-model", "Dockerfile"]);
    assert!(
        model.contains("starts: `updater-agent -config=/etc/updater.toml`"),
        "{model}"
    );
    assert!(!codes(dir.path(), &[]).contains("GL005"), "{model}");
    // Another project's image of the same prefix does not answer for it.
    let other = "```sh\ndocker run -v x:/root/.gitconfig example/update\n```\n";
    let dir = repo(&[
        ("Dockerfile", dockerfile),
        ("docs/content/configuration/auth.md", other),
    ]);
    assert!(codes(dir.path(), &[]).contains("GL005"));
}

/// No start command: users name the program on `docker run`. The image is known by the
/// programs it ships (`/bin/updater`), which the documented run's image is named for. (It
/// creates a user it never switches to: with no start command, that is what GL005 reports.)
#[test]
fn an_image_without_a_start_command_is_known_by_the_programs_it_ships() {
    let dockerfile = "FROM alpine:3.20\nRUN adduser -D -u 10001 updater\nCOPY updater updaterd /bin/\nEXPOSE 8080\n";
    let docs = "```sh\ndocker run -v $HOME/.updater:/root/.updater updater:latest updaterd --net=test\n```\n";
    let dir = repo(&[("Dockerfile", dockerfile), ("docs/DOCKER.md", docs)]);
    let out = codes(dir.path(), &[]);
    assert!(!out.contains("GL005"), "{out}");
    let dir = repo(&[("Dockerfile", dockerfile)]);
    assert!(codes(dir.path(), &[]).contains("GL005"));
}

/// A documented `docker run --privileged` of the image: its use needs everything root has.
#[test]
fn a_documented_privileged_run_answers_gl005() {
    let readme = "```sh\ndocker run -d -p 8080:8080 --privileged -v /proc:/host/proc example/updater --procfs /host/proc\n```\n";
    let dir = repo(&[("README.md", readme)]);
    let model = stdout_in(dir.path(), &["--show-model", "Dockerfile"]);
    assert!(model.contains("runs `updater` `--privileged`"), "{model}");
    assert!(!codes(dir.path(), &[]).contains("GL005"));
    // `--privileged=false` asks for nothing.
    let dir = repo(&[(
        "README.md",
        readme
            .replace("--privileged", "--privileged=false")
            .as_str(),
    )]);
    assert!(codes(dir.path(), &[]).contains("GL005"));
}
