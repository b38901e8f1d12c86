//! GL304 asks whether the file is built for several platforms. The repository's builds say so
//! when they list platforms; a build that names none is for its builder's own platform, and
//! one whose platforms are an expression (`${{ matrix.platform }}`) may be for any. Through the
//! real binary, on repositories laid out on disk.

mod common;

use common::{stdout_in, write};
use tempfile::TempDir;

/// A builder that takes the target from TARGETARCH, on the target platform.
const DOCKERFILE: &str = r#"FROM golang:1.24 AS build
ARG TARGETARCH
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 GOARCH=$TARGETARCH go build -trimpath -ldflags="-s -w" -o /out/app .

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
"#;

fn workflow(step: &str) -> String {
    format!(
        "on:\n  push:\n    tags: [\"v*\"]\njobs:\n  image:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        platform: [linux/amd64, linux/arm64]\n    steps:\n      - uses: actions/checkout@v4\n{step}"
    )
}

/// A repository whose workflow builds its Dockerfile with build-push-action for `platforms`.
fn repository_building_for(platforms: &str) -> TempDir {
    let dir = TempDir::new().expect("tempdir");
    std::fs::create_dir(dir.path().join(".git")).expect(".git");
    write_platforms(&dir, platforms);
    dir
}

fn write_platforms(dir: &TempDir, platforms: &str) {
    let multi = workflow(&format!(
        "      - uses: docker/build-push-action@v6\n        with:\n          platforms: {platforms}\n          push: true\n"
    ));
    write(dir.path(), ".github/workflows/w.yml", &multi);
}

fn gl304(workflows: &[&str]) -> String {
    let dir = TempDir::new().expect("tempdir");
    std::fs::create_dir(dir.path().join(".git")).expect(".git");
    write(dir.path(), "Dockerfile", DOCKERFILE);
    for (i, text) in workflows.iter().enumerate() {
        write(dir.path(), &format!(".github/workflows/w{i}.yml"), text);
    }
    stdout_in(
        dir.path(),
        &["--format", "compact", "--select", "GL304", "Dockerfile"],
    )
}

#[test]
fn builds_that_name_no_platform_build_for_their_own() {
    let plain = workflow("      - run: docker build -t app .\n");
    assert_eq!(gl304(&[&plain]), "", "a plain docker build is native");
    let action = workflow(
        "      - uses: docker/build-push-action@v6\n        with:\n          push: true\n",
    );
    assert_eq!(gl304(&[&action]), "");
}

#[test]
fn any_build_listing_several_platforms_makes_the_file_multi_platform() {
    let plain = workflow("      - run: docker build -t app .\n");
    let multi = workflow(
        "      - uses: docker/build-push-action@v6\n        with:\n          platforms: linux/amd64,linux/arm64\n          push: true\n",
    );
    let out = gl304(&[&plain, &multi]);
    assert!(out.contains("its build lists 2 platforms"), "{out}");
}

#[test]
fn platforms_not_read_leave_the_file_to_say_it() {
    let matrix = workflow(
        "      - uses: docker/build-push-action@v6\n        with:\n          platforms: ${{ matrix.platform }}\n          push: true\n",
    );
    let out = gl304(&[&matrix]);
    assert!(out.contains("it reads `TARGETARCH`"), "{out}");
    let make = workflow("      - run: docker buildx build --platform $PLATFORMS -t app .\n");
    let out = gl304(&[&make]);
    assert!(out.contains("it reads `TARGETARCH`"), "{out}");
    // With no repository build at all, the file says it.
    assert!(gl304(&[]).contains("it reads `TARGETARCH`"));
}

#[test]
fn a_go_install_stage_gets_no_fix_and_is_told_why() {
    let dir = repository_building_for("linux/amd64,linux/arm64");
    let install = DOCKERFILE
        .replace(
            "go build -trimpath -ldflags=\"-s -w\" -o /out/app .",
            "go install -trimpath -ldflags=\"-s -w\" ./cmd/app",
        )
        .replace("/out/app /app", "/go/bin/app /app");
    let args = ["--select", "GL304", "--color", "never", "Dockerfile"];
    write(dir.path(), "Dockerfile", &install);
    let human = stdout_in(dir.path(), &args);
    assert!(
        human.contains("`go install` puts a cross-compiled binary in `$GOPATH/bin/<os>_<arch>/`"),
        "{human}"
    );
    assert!(!human.contains("safe fix"), "{human}");
    // The same stage building with `go build -o` is fixed.
    write(dir.path(), "Dockerfile", DOCKERFILE);
    let human = stdout_in(dir.path(), &args);
    assert!(human.contains("safe fix"), "{human}");
}

/// cgo on only because the stage installs a C compiler, with `CGO_ENABLED` unset: the help
/// gives both ways (no C: turn cgo off and cross-compile; C: a cross toolchain), not "no simple
/// fix". Turned on in the file, cgo is the program's need.
#[test]
fn cgo_on_by_default_is_told_both_ways() {
    let dir = repository_building_for("linux/amd64,linux/arm64");
    let args = ["--select", "GL304", "--color", "never", "Dockerfile"];
    let by_default = "FROM golang:1.24-alpine AS build\nRUN apk add --no-cache build-base\nWORKDIR /src\nCOPY . .\nRUN go build -trimpath -ldflags=\"-s -w\" -o /out/app .\n\nFROM alpine:3.22\nCOPY --from=build /out/app /app\nUSER 65532:65532\nENTRYPOINT [\"/app\"]\n";
    write(dir.path(), "Dockerfile", by_default);
    let human = stdout_in(dir.path(), &args);
    assert!(
        human.contains("only because the stage installs a C compiler")
            && !human.contains("no simple fix"),
        "{human}"
    );
    write(
        dir.path(),
        "Dockerfile",
        &by_default.replace("RUN go build", "RUN CGO_ENABLED=1 go build"),
    );
    let human = stdout_in(dir.path(), &args);
    assert!(human.contains("no simple fix"), "{human}");
}

#[test]
fn a_test_image_built_only_for_the_builders_platform_is_not_told_of_targets() {
    // A compose service of the integration tests builds the image on the machine that runs
    // them, for its own platform, and publishes nothing: `$BUILDPLATFORM` is the target.
    let dir = common::module_repo("module example.com/helper\n\ngo 1.24\n");
    let file = "FROM --platform=$BUILDPLATFORM golang:1.24 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /helper ./cmd/helper

FROM mysql:8.4
COPY --from=build /helper /usr/local/bin/helper
";
    common::write(dir.path(), "test/integration/mysql/Dockerfile", file);
    let compose = "services:\n  mysql:\n    build:\n      context: ../../..\n      dockerfile: test/integration/mysql/Dockerfile\n";
    common::write(dir.path(), "test/integration/mysql/compose.yaml", compose);
    let path = "test/integration/mysql/Dockerfile";
    let found = common::stdout_in(dir.path(), &["--format", "compact", path]);
    assert!(!found.contains("GL208"), "{found}");
    // Without the compose file nothing says how it is built: the stage is reported.
    std::fs::remove_file(dir.path().join("test/integration/mysql/compose.yaml")).expect("rm");
    let found = common::stdout_in(dir.path(), &["--format", "compact", path]);
    assert!(found.contains("GL208"), "{found}");
}

#[test]
fn platforms_from_the_workflows_env_are_read() {
    // `platforms: ${{ env.PLATFORMS }}` with the job's `env:` listing them.
    let text = "on:\n  push:\n    tags: [\"v*\"]\njobs:\n  image:\n    runs-on: ubuntu-latest\n    env:\n      PLATFORMS: linux/amd64,linux/arm64,linux/s390x\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n          platforms: ${{ env.PLATFORMS }}\n          push: true\n";
    let out = gl304(&[text]);
    assert!(out.contains("its build lists 3 platforms"), "{out}");
    // The workflow's own `env:` serves every job; a name no `env:` gives stays unread.
    let workflow_env = text
        .replace(
            "    env:\n      PLATFORMS: linux/amd64,linux/arm64,linux/s390x\n",
            "",
        )
        .replace(
            "jobs:\n",
            "env:\n  PLATFORMS: linux/amd64,linux/arm64\njobs:\n",
        );
    assert!(gl304(&[&workflow_env]).contains("its build lists 2 platforms"));
    let unset = text.replace("env.PLATFORMS", "env.OTHER");
    assert!(gl304(&[&unset]).contains("it reads `TARGETARCH`"));
}

#[test]
fn an_arm_v6_build_is_told_to_set_goarm_and_gets_no_fix() {
    // Cross-compiled, Go builds ARMv7 code unless GOARM says otherwise: adding only
    // `--platform=$BUILDPLATFORM` would break the arm/v6 image.
    let dir = TempDir::new().expect("tempdir");
    std::fs::create_dir(dir.path().join(".git")).expect(".git");
    let v6 = workflow(
        "      - uses: docker/build-push-action@v6\n        with:\n          platforms: linux/amd64,linux/arm/v6\n          push: true\n",
    );
    write(dir.path(), ".github/workflows/w.yml", &v6);
    write(dir.path(), "Dockerfile", DOCKERFILE);
    let args = ["--select", "GL304", "--color", "never", "Dockerfile"];
    let human = stdout_in(dir.path(), &args);
    assert!(
        human.contains("the build is also for `linux/arm/v6`")
            && human.contains("GOARM=${TARGETVARIANT#v}"),
        "{human}"
    );
    assert!(!human.contains("safe fix"), "{human}");
    // A build that sets GOARM from TARGETVARIANT moves cleanly.
    let with_goarm = DOCKERFILE
        .replace("ARG TARGETARCH\n", "ARG TARGETARCH\nARG TARGETVARIANT\n")
        .replace(
            "GOARCH=$TARGETARCH go build",
            "GOARCH=$TARGETARCH GOARM=${TARGETVARIANT#v} go build",
        );
    write(dir.path(), "Dockerfile", &with_goarm);
    let human = stdout_in(dir.path(), &args);
    assert!(
        human.contains("safe fix") && !human.contains("GOARM="),
        "{human}"
    );
}

#[test]
fn a_builder_built_on_another_stage_is_fixed_at_the_stage_it_starts_from() {
    let dir = repository_building_for("linux/amd64,linux/arm64");
    let chained = DOCKERFILE.replace(
        "FROM golang:1.24 AS build\nARG TARGETARCH\n",
        "FROM golang:1.24 AS base\nWORKDIR /src\n\nFROM base AS build\nARG TARGETARCH\n",
    );
    write(dir.path(), "Dockerfile", &chained);
    let args = ["--select", "GL304", "--color", "never", "Dockerfile"];
    let human = stdout_in(dir.path(), &args);
    // BuildKit ignores `--platform` on `FROM base`: the flag goes where the chain starts.
    assert!(
        human.contains("neither it nor stage `base`, whose platform it takes"),
        "{human}"
    );
    assert!(
        human.contains("FROM --platform=$BUILDPLATFORM golang:1.24 AS base"),
        "{human}"
    );
    // A test stage built on `base` too would move with it: no fix, and the help says so.
    let with_test = format!("{chained}\nFROM base AS test\nRUN go test ./...\n");
    let with_test = with_test.replacen(
        "FROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\n",
        "",
        1,
    ) + "\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\n";
    write(dir.path(), "Dockerfile", &with_test);
    let human = stdout_in(dir.path(), &args);
    assert!(
        human.contains("stage `test` built on it would run on the build machine too"),
        "{human}"
    );
    assert!(!human.contains("safe fix"), "{human}");
}

#[test]
fn a_build_for_a_platform_distroless_lacks_is_pointed_at_scratch() {
    let dir = repository_building_for("linux/amd64");
    let on_alpine = DOCKERFILE.replace(
        "FROM gcr.io/distroless/static-debian12:nonroot\n",
        "FROM alpine:3.20\nRUN mkdir -p /config\nUSER 65532:65532\n",
    );
    write(dir.path(), "Dockerfile", &on_alpine);
    let args = ["--select", "GL002", "--color", "never", "Dockerfile"];
    for (platforms, says) in [
        (
            "linux/amd64,linux/386",
            "on `scratch` (distroless publishes no image for `linux/386`, which the build lists",
        ),
        (
            "linux/amd64,linux/arm64",
            "`gcr.io/distroless/static-debian12`",
        ),
    ] {
        write_platforms(&dir, platforms);
        let human = stdout_in(dir.path(), &args);
        assert!(human.contains(says), "{platforms}: {human}");
    }
}

/// The architecture a Makefile passes as a build argument (`GOARCH ?= amd64`, overridden with
/// `make image GOARCH=arm64`) is the build's choice, like an `ARG GOARCH` without a default:
/// the file fixes nothing. A default written in the file is still reported.
#[test]
fn an_architecture_the_makefile_passes_is_not_fixed_by_the_file() {
    let dockerfile = "FROM golang:1.24 AS build\nARG GOARCH\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 GOARCH=${GOARCH} go build -trimpath -ldflags=\"-s -w\" -o /out/app .\n\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\n";
    let makefile =
        "GOARCH ?= amd64\n\nimage:\n\tdocker build --build-arg GOARCH=$(GOARCH) -t app .\n";
    let dir = TempDir::new().expect("tempdir");
    std::fs::create_dir(dir.path().join(".git")).expect(".git");
    let gl207 = |text: &str| {
        write(dir.path(), "Dockerfile", text);
        write(dir.path(), "Makefile", makefile);
        stdout_in(
            dir.path(),
            &["--format", "compact", "--select", "GL207", "Dockerfile"],
        )
    };
    assert_eq!(
        gl207(dockerfile),
        "",
        "the Makefile chooses the architecture"
    );
    // With the Makefile passing nothing, the file's own default is what is built.
    let written = dockerfile.replace("ARG GOARCH\n", "ARG GOARCH=amd64\n");
    write(dir.path(), "Makefile", "image:\n\tdocker build -t app .\n");
    let alone = stdout_in(
        dir.path(),
        &["--format", "compact", "--select", "GL207", "Dockerfile"],
    );
    assert_eq!(alone, "", "nothing is fixed yet");
    write(dir.path(), "Dockerfile", &written);
    let fixed = stdout_in(
        dir.path(),
        &["--format", "compact", "--select", "GL207", "Dockerfile"],
    );
    assert!(fixed.contains("GL207"), "a default in the file: {fixed}");
}
