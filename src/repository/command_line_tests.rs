//! Tests of the Makefile and script reader.

use super::*;

#[test]
fn build_commands_are_told_from_other_docker_use() {
    for text in [
        "docker build .",
        "run: docker buildx build --push .",
        "docker \\\n  build -f Dockerfile .",
        "\"docker\" image build .",
        "podman build .",
        "buildah bud -t x .",
    ] {
        assert!(may_hold_build_command(text), "{text}");
    }
    for text in [
        "uses: docker/setup-buildx-action@v3",
        "uses: docker/login-action@v3",
        "docker run --rm alpine",
        "docker-compose build",
        "go build ./...",
    ] {
        assert!(!may_hold_build_command(text), "{text}");
    }
}
use std::path::PathBuf;

#[test]
fn reads_build_options() {
    let builds = docker_builds(
        "docker buildx build --platform linux/amd64,linux/arm64 \\\n  -f build/Dockerfile --build-arg VERSION=1.2 --target prod -t x:1 --push .\n",
        10,
    );
    assert_eq!(builds.len(), 1);
    let b = &builds[0];
    assert_eq!(b.line, 10);
    assert_eq!(b.file.as_deref(), Some("build/Dockerfile"));
    assert_eq!(b.context.as_deref(), Some("."));
    assert_eq!(b.target.as_deref(), Some("prod"));
    assert_eq!(b.args, vec![("VERSION".into(), Some("1.2".into()))]);
    assert_eq!(b.platforms, vec!["linux/amd64", "linux/arm64"]);
    assert!(b.push);
}

#[test]
fn makefile_variables_and_targets() {
    let text = "IMAGE ?= app\nDOCKERFILE := cmd/api/Dockerfile\n\nimage:\n\tdocker build -f $(DOCKERFILE) -t $(IMAGE) .\n\npush: image\n\t@docker build -f $(OTHER) .\n";
    let mut out = Vec::new();
    read_makefile(Path::new("Makefile"), text, &mut out).expect("reads");
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].dockerfile, PathBuf::from("cmd/api/Dockerfile"));
    assert_eq!(out[0].context, ContextDir::Dir(PathBuf::new()));
    assert_eq!(out[0].name.as_deref(), Some("image"));
    assert_eq!(out[0].line, 5);
    assert_eq!(out[0].local, None);
}

#[test]
fn continued_recipe_lines_keep_their_dashes() {
    let text = "image:\n\t@docker buildx build --pull \\\n\t-f build/Dockerfile .\n";
    let mut out = Vec::new();
    read_makefile(Path::new("Makefile"), text, &mut out).expect("reads");
    assert_eq!(out.len(), 1, "{out:?}");
    assert_eq!(out[0].dockerfile, PathBuf::from("build/Dockerfile"));
}

#[test]
fn a_cd_before_the_build_moves_its_paths() {
    let text = "test-compose:\n\t(cd ../tools/mock/ && docker build -t mock . && docker run -d mock)\n\tcd $(DIR) && docker build .\n";
    let mut out = Vec::new();
    read_makefile(Path::new("tests/Makefile"), text, &mut out).expect("reads");
    assert_eq!(out.len(), 1, "{out:?}");
    assert_eq!(out[0].dockerfile, PathBuf::from("tools/mock/Dockerfile"));
    assert_eq!(out[0].context, ContextDir::Dir(PathBuf::from("tools/mock")));
    // A Makefile under `tests/` builds for the tests.
    assert_eq!(out[0].local, Some(Intent::Test));
}

#[test]
fn a_makefile_target_named_for_tests_builds_a_local_image() {
    let text =
        "test-integration:\n\tdocker build -f Dockerfile.it .\n\nci-image:\n\tdocker build .\n";
    let mut out = Vec::new();
    read_makefile(Path::new("Makefile"), text, &mut out).expect("reads");
    assert_eq!(out[0].local, Some(Intent::Test));
    assert_eq!(out[1].local, None);
}

#[test]
fn unknown_values_stay_unknown() {
    let mut out = Vec::new();
    read_script(
        Path::new("hack/build.sh"),
        "docker build -f \"$DF\" .\ndocker build $CTX\n",
        &mut out,
    )
    .expect("reads");
    assert!(out.is_empty());
    let builds = run_step_builds(
        Path::new(".github/workflows/ci.yml"),
        "docker build -t x ${{ matrix.dir }}",
        3,
        Path::new(""),
        None,
        false,
        false,
    );
    // No file is known to be built; the image name it tags is kept (the repository builds
    // an image of that name), with no Dockerfile path, which indexing drops.
    assert_eq!(builds.len(), 1);
    assert!(builds[0].dockerfile.as_os_str().is_empty());
    assert_eq!(builds[0].context, ContextDir::Unknown);
    assert_eq!(builds[0].tags, ["x"]);
}

/// An expression in another word (a tag, a build argument) leaves the rest of the
/// command readable: the file, the context and the line.
#[test]
fn expressions_in_other_words_keep_the_command() {
    let builds = run_step_builds(
        Path::new(".github/workflows/it.yml"),
        "docker build \\\n  --file Dockerfile.it \\\n  --tag app:${{ github.sha }} \\\n  --build-arg V=${{ env.V }} .\necho ${{ unclosed",
        10,
        Path::new(""),
        None,
        false,
        false,
    );
    assert_eq!(builds.len(), 1);
    assert_eq!(builds[0].dockerfile, Path::new("Dockerfile.it"));
    assert_eq!(builds[0].line, 10);
    assert_eq!(
        without_expressions("a ${{ x }}b ${{ y"),
        "a ${GITHUB_EXPRESSION}b ${{ y"
    );
}

#[test]
fn a_push_to_an_ephemeral_registry_is_not_a_release() {
    let text = "build-ttl:\n\tdocker build -f dev/Dockerfile -t ttl.sh/${USER}/app:24h .\n\tdocker push ttl.sh/${USER}/app:24h\n\nrelease:\n\tdocker build -f Dockerfile -t example/app:1.0 .\n\tdocker push example/app:1.0\n";
    let mut out = Vec::new();
    read_makefile(Path::new("Makefile"), text, &mut out).expect("reads");
    assert_eq!(out.len(), 2, "{out:?}");
    assert!(!out[0].publishes);
    assert_eq!(out[0].local, Some(Intent::Dev));
    assert!(out[1].publishes);
    assert_eq!(out[1].local, None);
}

#[test]
fn no_cache_is_read() {
    let builds = docker_builds("docker buildx build --no-cache --push -t a/b .\n", 1);
    assert!(builds[0].no_cache && builds[0].push);
    let builds = docker_builds("docker build --no-cache=false -t a/b .\n", 1);
    assert!(!builds[0].no_cache);
    assert!(!docker_builds("docker build -t a/b .\n", 1)[0].no_cache);
}

/// `DOCKER_BUILDKIT=0` asks for the classic builder; buildx never is one.
#[test]
fn classic_builder_asked_for() {
    let mut out = Vec::new();
    read_script(
        Path::new("build.sh"),
        "DOCKER_BUILDKIT=0 docker build -t app .\nDOCKER_BUILDKIT=0 docker buildx build -f Dockerfile.x .\n",
        &mut out,
    )
    .expect("reads");
    assert_eq!(out.len(), 2);
    assert!(out[0].classic_builder);
    assert!(!out[1].classic_builder);
}
