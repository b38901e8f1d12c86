//! What real repositories say about an image's purpose in names and comments, and the images
//! that exist to run other programs' jobs. Learnt from public Go projects' Dockerfiles: the
//! directory and file-name conventions of test, CI, debug and example images, the phrases
//! their authors use to say so, and the words that explain a deliberate choice.

mod phrases;

pub use phrases::{
    CACHE_MOUNT_TOPICS, VCS_STAMP_TOPICS, comment_intent, explains_choice, index_row_intent,
    says_follows_host, says_follows_newest, says_native_build,
};

/// What a name or a comment says an image is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Intent {
    /// Built to run tests: a test suite, a mock or fake server, a test harness.
    Test,
    /// Runs CI jobs: a CI provider's image folder, a CI runner or agent base.
    Ci,
    /// Shows how to use the project: examples, demos, tutorials, documentation.
    Example,
    /// Debugging or local development: symbols, a debugger, a shell on purpose.
    Dev,
}

impl Intent {
    /// What the intent makes the image, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Intent::Test => "an image built to run tests",
            Intent::Ci => "an image that runs CI jobs",
            Intent::Example => "an example, demo or tutorial image",
            Intent::Dev => "a debug or local-development image",
        }
    }
}

/// Directory names and what a file under them is for (compared lowercase).
const DIRS: &[(&str, Intent)] = &[
    ("test", Intent::Test),
    ("tests", Intent::Test),
    ("testing", Intent::Test),
    ("testdata", Intent::Test),
    ("e2e", Intent::Test),
    ("e2e-test", Intent::Test),
    ("e2e-tests", Intent::Test),
    ("e2etest", Intent::Test),
    ("integration", Intent::Test),
    ("integrationtest", Intent::Test),
    ("integration-test", Intent::Test),
    ("integration-tests", Intent::Test),
    ("interop", Intent::Test),
    ("conformance", Intent::Test),
    ("dummy", Intent::Test),
    // A bug's reproduction (`webhook-conversion-repro/`), built once to show it.
    ("repro", Intent::Test),
    ("reproducer", Intent::Test),
    ("hello", Intent::Example),
    ("helloworld", Intent::Example),
    ("greeter", Intent::Example),
    ("mock", Intent::Test),
    ("mocks", Intent::Test),
    ("benchmark", Intent::Test),
    ("benchmarks", Intent::Test),
    ("perf", Intent::Test),
    ("debug", Intent::Dev),
    ("debugging", Intent::Dev),
    (".circleci", Intent::Ci),
    (".gitlab", Intent::Ci),
    (".buildkite", Intent::Ci),
    (".woodpecker", Intent::Ci),
    (".drone", Intent::Ci),
    ("_local", Intent::Dev),
    // `docker/local/`, `deploy/local/`: the image a developer's local cluster or devnet runs.
    ("local", Intent::Dev),
    // A local cluster or environment for working on the project (`dev/`, `docker/dev-cluster/`,
    // `images/dev-env/`), which compose or a script starts on the developer's machine.
    ("dev", Intent::Dev),
    ("development", Intent::Dev),
    ("local-dev", Intent::Dev),
    ("devenv", Intent::Dev),
    // The images of cloud and container development environments (VS Code dev containers,
    // Sail, Gitpod): a developer's workspace, not a product.
    (".devcontainer", Intent::Dev),
    (".sail", Intent::Dev),
    (".gitpod", Intent::Dev),
    ("example", Intent::Example),
    ("examples", Intent::Example),
    ("_example", Intent::Example),
    ("_examples", Intent::Example),
    ("demo", Intent::Example),
    ("demos", Intent::Example),
    ("sample", Intent::Example),
    ("samples", Intent::Example),
    ("tutorial", Intent::Example),
    ("tutorials", Intent::Example),
    ("docs", Intent::Example),
    ("doc", Intent::Example),
    ("quickstart", Intent::Example),
    ("playground", Intent::Example),
];

/// Directories of test data: the files there are inputs to a program's tests (a parser's,
/// a linter's, a scanner's), not images anyone builds, and may be wrong on purpose.
const TEST_DATA_DIRS: &[&str] = &[
    "testdata",
    "testfiles",
    "testcases",
    "test-fixtures",
    "test_fixtures",
    "golden",
];

/// Directories of a test tree whose `fixtures/` hold the tests' inputs (`pkg/e2e/fixtures/`).
const TEST_TREE_DIRS: &[&str] = &["test", "tests", "e2e", "integration", "testing"];

/// The nearest test-data directory above the file, if any: one of those names, or one with a
/// suffix (`testfiles-negative`, `testdata_linux`); or `fixtures/` inside a test tree
/// (`pkg/e2e/fixtures/`), whose Dockerfiles are the tests' inputs, broken on purpose at times.
pub fn test_data_dir<'a>(dirs: &[&'a str]) -> Option<&'a str> {
    dirs.iter()
        .enumerate()
        .rev()
        .find(|(at, d)| {
            let lower = d.to_ascii_lowercase();
            let named = TEST_DATA_DIRS.iter().any(|name| {
                lower
                    .strip_prefix(name)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with(['-', '_']))
            });
            named
                || (matches!(lower.as_str(), "fixtures" | "fixture")
                    && dirs[..*at]
                        .iter()
                        .any(|up| TEST_TREE_DIRS.contains(&up.to_ascii_lowercase().as_str())))
        })
        .map(|(_, d)| *d)
}

/// A file named as a test fixture (`dockerfile_test_fixture.dockerfile`, `Dockerfile.fixture`):
/// an input to a parser's or linter's tests, not an image anyone builds.
pub fn names_fixture(file_name: &str) -> bool {
    file_name
        .to_ascii_lowercase()
        .split(['.', '_', '-'])
        .any(|word| matches!(word, "fixture" | "fixtures"))
}

/// Directories of other projects' code kept in the repository (the `third_party/`
/// convention): a Dockerfile there is another project's, copied in.
const VENDORED_DIRS: &[&str] = &["third_party", "third-party", "thirdparty", "3rdparty"];

/// The nearest directory above the file that holds other projects' code, if any.
pub fn vendored_dir<'a>(dirs: &[&'a str]) -> Option<&'a str> {
    dirs.iter()
        .rev()
        .find(|d| VENDORED_DIRS.contains(&d.to_ascii_lowercase().as_str()))
        .copied()
}

/// The folders of `.github/` whose Dockerfiles run in CI.
const GITHUB_CI_DIRS: &[&str] = &["workflows", "actions", "scripts"];

/// The intent of the nearest directory (from the file upward) that names one, with the
/// directory. `dirs` runs from the root down, as a path does.
pub fn dir_intent<'a>(dirs: &[&'a str]) -> Option<(Intent, &'a str)> {
    // `.github/` also holds release Dockerfiles (`.github/docker/`); its workflows, actions and
    // scripts run in CI.
    let ci = dirs.windows(2).find_map(|pair| {
        (pair[0] == ".github" && GITHUB_CI_DIRS.contains(&pair[1])).then_some(pair[1])
    });
    if let Some(dir) = ci {
        return Some((Intent::Ci, dir));
    }
    dirs.iter().rev().find_map(|dir| {
        let lower = dir.to_ascii_lowercase();
        DIRS.iter()
            .find(|(name, _)| *name == lower)
            .or_else(|| {
                // `test-server/`, `e2e_utils/`, `demo-app/`, `debug-server/`: a word of the
                // name says it (not a CI folder's: `.drone` is no word of `drone-runner`).
                lower.split(['-', '_', '.']).find_map(|word| {
                    DIRS.iter()
                        .find(|(name, intent)| *name == word && *intent != Intent::Ci)
                })
            })
            .map(|&(_, intent)| (intent, *dir))
    })
}

/// Words of a Dockerfile's name (split at `.`, `-`, `_`) and what they make it. `Dockerfile`
/// and `Containerfile` themselves say nothing.
const NAME_WORDS: &[(&str, Intent)] = &[
    ("test", Intent::Test),
    ("tests", Intent::Test),
    ("testing", Intent::Test),
    ("e2e", Intent::Test),
    ("integration", Intent::Test),
    ("mock", Intent::Test),
    ("fake", Intent::Test),
    ("complement", Intent::Test),
    ("bench", Intent::Test),
    // Browser test frameworks: an image named for one runs its end-to-end tests.
    ("playwright", Intent::Test),
    ("cypress", Intent::Test),
    ("selenium", Intent::Test),
    ("assert", Intent::Test),
    ("asserts", Intent::Test),
    ("hello", Intent::Example),
    ("helloworld", Intent::Example),
    ("greeter", Intent::Example),
    ("tilt", Intent::Dev),
    ("skaffold", Intent::Dev),
    ("ci", Intent::Ci),
    ("circleci", Intent::Ci),
    ("debug", Intent::Dev),
    ("dsym", Intent::Dev),
    ("dev", Intent::Dev),
    ("devel", Intent::Dev),
    ("develop", Intent::Dev),
    ("development", Intent::Dev),
    ("local", Intent::Dev),
    ("delve", Intent::Dev),
    ("dlv", Intent::Dev),
    ("example", Intent::Example),
    ("demo", Intent::Example),
    ("sample", Intent::Example),
    ("tutorial", Intent::Example),
    ("docs", Intent::Example),
];

/// Arguments with which a command-line tool prints its usage or version and exits: a default
/// `CMD` of one of them makes the image a tool run with a subcommand each time.
pub const USAGE_ARGS: &[&str] = &[
    "--help",
    "-help",
    "-h",
    "help",
    "--version",
    "-version",
    "version",
];

/// Words with which a CI workflow's file or job names a test harness: a build there makes an
/// image for the tests that job runs. Plain `test` and `ci` are not among them: workflows so
/// named often build the release image to check that it builds.
const HARNESS_WORDS: &[&str] = &["e2e", "integration", "complement"];

/// Whether a workflow file's or job's name (`test-integration.yaml`, `e2e-tests`) says it
/// runs a test harness.
pub fn names_test_harness(name: &str) -> bool {
    name.to_ascii_lowercase()
        .split(['.', '-', '_', ' ', '/'])
        .any(|word| HARNESS_WORDS.contains(&word))
}

/// What a Dockerfile's file name says it is for: `Dockerfile.debug`, `test-server.Dockerfile`,
/// `Complement.Dockerfile`, `Dockerfile.integration`.
pub fn name_intent(file_name: &str) -> Option<(Intent, String)> {
    // `ComplementPostgres.Dockerfile`: a capital starts a word too.
    let mut spaced = String::with_capacity(file_name.len() + 8);
    let mut previous_lower = false;
    for c in file_name.chars() {
        if c.is_ascii_uppercase() && previous_lower {
            spaced.push('-');
        }
        previous_lower = c.is_ascii_lowercase();
        spaced.push(c.to_ascii_lowercase());
    }
    spaced
        .split(['.', '-', '_'])
        .filter(|w| !matches!(*w, "" | "dockerfile" | "containerfile"))
        .find_map(|word| {
            NAME_WORDS
                .iter()
                .find(|(w, _)| *w == word)
                .map(|&(w, intent)| (intent, w.to_string()))
        })
}

/// Words with which the name of the program an image starts says what the image is for
/// (`demo-server`, `mock-oidc`, `e2e-runner`). Fewer than a file name's words: a product may be
/// named `local-path-provisioner` or `skaffold`.
const PROGRAM_NAME_WORDS: &[(&str, Intent)] = &[
    ("debug", Intent::Dev),
    ("perf", Intent::Test),
    ("demo", Intent::Example),
    ("example", Intent::Example),
    ("mock", Intent::Test),
    ("test", Intent::Test),
    ("tests", Intent::Test),
    ("testing", Intent::Test),
    ("e2e", Intent::Test),
];

/// What the name of the started program says the image is for, and the word that says it.
pub fn program_intent(program: &str) -> Option<(Intent, &'static str)> {
    let name = program
        .rsplit('/')
        .next()
        .unwrap_or(program)
        .to_ascii_lowercase();
    name.split(['.', '-', '_']).find_map(|word| {
        PROGRAM_NAME_WORDS
            .iter()
            .find(|(w, _)| *w == word)
            .map(|&(w, intent)| (intent, w))
    })
}

/// Registries that keep an image for hours, anonymously (`ttl.sh/name:1h`): a push there
/// shares a development build, it does not publish a release.
const EPHEMERAL_REGISTRIES: &[&str] = &["ttl.sh/"];

/// Whether an image name is on an ephemeral registry.
pub fn is_ephemeral_registry(image: &str) -> bool {
    EPHEMERAL_REGISTRIES.iter().any(|r| image.starts_with(r))
}

/// Words with which a Dockerfile's name says it builds the released image
/// (`Dockerfile.release`, `Dockerfile.goreleaser`, `api.prod.Dockerfile`).
const RELEASE_NAME_WORDS: &[&str] = &[
    "release",
    "releaser",
    "goreleaser",
    "prod",
    "production",
    "dist",
    "publish",
];

/// The words of a Dockerfile's name, lowercase, without `Dockerfile` itself.
fn dockerfile_name_words(file_name: &str) -> Vec<String> {
    file_name
        .to_ascii_lowercase()
        .split(['.', '-', '_'])
        .filter(|w| !matches!(*w, "" | "dockerfile" | "containerfile"))
        .map(str::to_string)
        .collect()
}

/// Words of Dockerfile names that name an architecture, with the GOARCH they mean: a project
/// that publishes one image per architecture from `Dockerfile.arm64`, `Dockerfile-armhf`.
const ARCH_NAME_WORDS: &[(&str, &str)] = &[
    ("amd64", "amd64"),
    ("x64", "amd64"),
    ("arm", "arm"),
    ("armhf", "arm"),
    ("armv6", "arm"),
    ("armv7", "arm"),
    ("arm32v7", "arm"),
    ("arm64", "arm64"),
    ("aarch64", "arm64"),
    ("arm64v8", "arm64"),
    ("i386", "386"),
    ("386", "386"),
    ("ppc64le", "ppc64le"),
    ("s390x", "s390x"),
    ("riscv64", "riscv64"),
];

/// The GOARCH a Dockerfile's name names (`Dockerfile.arm64`: `arm64`), if it names one.
pub fn named_architecture(file_name: &str) -> Option<&'static str> {
    dockerfile_name_words(file_name).iter().find_map(|word| {
        ARCH_NAME_WORDS
            .iter()
            .find(|(name, _)| name == word)
            .map(|&(_, goarch)| goarch)
    })
}

/// Whether `release` is the released variant of the image `file_name` builds: its name is
/// `file_name`'s with release words added (`Dockerfile` and `Dockerfile.goreleaser`,
/// `agent.Dockerfile` and `agent.release.Dockerfile`). `Dockerfile.controller.release` is not
/// the twin of `Dockerfile.agent`.
pub fn is_release_twin(file_name: &str, release: &str) -> bool {
    let own = dockerfile_name_words(file_name);
    let other = dockerfile_name_words(release);
    let is_release = |w: &String| RELEASE_NAME_WORDS.contains(&w.as_str());
    if own.iter().any(is_release) || !other.iter().any(is_release) {
        return false;
    }
    let rest: Vec<&String> = other.iter().filter(|w| !is_release(w)).collect();
    rest.len() == own.len() && rest.iter().zip(&own).all(|(a, b)| *a == b)
}

/// Base images of CI runners and agents, by name prefix: they exist to run other people's
/// build jobs (CircleCI's convenience images, Buildkite's agent, GitHub's and GitLab's
/// runners, Gitpod and Jenkins agents).
const CI_RUNNER_IMAGES: &[&str] = &[
    "cimg/",
    "circleci/",
    "buildkite/agent",
    "public.ecr.aws/buildkite/agent",
    "ghcr.io/actions/actions-runner",
    "myoung34/github-runner",
    "gitlab/gitlab-runner",
    "registry.gitlab.com/gitlab-org/gitlab-runner",
    "jenkins/",
    "gitpod/workspace-",
];

/// The image is a CI runner or agent image.
pub fn is_ci_runner_image(name: &str) -> bool {
    CI_RUNNER_IMAGES.iter().any(|p| name.starts_with(p))
}

/// Packages and programs of host and cluster plumbing, which need root (or capabilities only
/// root has by default): firewalls, VPN and overlay-network clients (a TUN device needs
/// NET_ADMIN), the kubelet and k3s, container runtimes, FUSE mounts, the tools that make
/// filesystems on block devices (a CSI node driver's), and those that read the host's hardware
/// (`ipmitool` on `/dev/ipmi0`, `dmidecode`, `smartctl`).
pub const HOST_PLUMBING: &[&str] = &[
    "xfsprogs",
    "btrfs-progs",
    "zfsutils-linux",
    "lvm2",
    "ipmitool",
    "dmidecode",
    "smartmontools",
    "nvme-cli",
    "iptables",
    "ip6tables",
    "iptables-legacy",
    "nftables",
    "nft",
    "ipset",
    "conntrack",
    "conntrack-tools",
    "openvpn",
    "wireguard-tools",
    "wg-quick",
    "k3s",
    "kubelet",
    "kubeadm",
    "containerd",
    "runc",
    "dockerd",
    "nfs-common",
    "nfs-utils",
    "nfs-client",
    "cifs-utils",
    "open-iscsi",
    "iscsi-initiator-utils",
    "multipath-tools",
    "fuse",
    "fuse3",
    "sshfs",
    "tailscaled",
    "nebula",
    "zerotier-one",
    "netbird",
    "boringtun",
];

/// Top directories of a Go repository that hold its maintainers' own programs (formatters,
/// generators, test harnesses) rather than what it releases: `tools/` (the Go wiki's tools.go
/// convention) and Kubernetes' `hack/`.
pub const MAINTAINER_TOOL_DIRS: &[&str] = &["tools", "hack"];

/// Programs that start another program as a different user: an image that uses one drops
/// root itself (`gosu app /server`, `su-exec`, `setpriv --reuid`, `chroot --userspec`).
pub const PRIVILEGE_DROPPERS: &[&str] = &["su-exec", "gosu", "setpriv", "runuser", "s6-setuidgid"];

/// Process supervisors that start several programs, each as the user its configuration names
/// (supervisord's `user=`, runit's `chpst -u`), found by name or by their configuration file (`supervisord.conf`): their own root is how they switch users, and a
/// USER for the image would leave the programs that need root unable to start.
pub const PROCESS_SUPERVISORS: &[&str] = &["supervisord", "runsvdir", "s6-svscan"];

/// The Docker daemon's socket: an image that talks to it needs its group or root.
pub const DOCKER_SOCKET: &str = "docker.sock";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixture_names_are_test_data() {
        assert!(names_fixture("dockerfile_test_fixture.dockerfile"));
        assert!(names_fixture("Dockerfile.fixture"));
        assert!(!names_fixture("Dockerfile.prefix"));
        assert!(!names_fixture("Dockerfile.fix"));
    }

    #[test]
    fn a_program_name_says_a_demo_or_a_test() {
        assert_eq!(
            program_intent("./demo-server").map(|i| i.0),
            Some(Intent::Example)
        );
        assert_eq!(
            program_intent("/usr/bin/mock_oidc").map(|i| i.0),
            Some(Intent::Test)
        );
        assert_eq!(program_intent("local-path-provisioner"), None);
        assert_eq!(program_intent("skaffold"), None);
        assert_eq!(program_intent("attestor"), None);
    }

    #[test]
    fn a_release_twin_is_the_same_name_with_release_words() {
        assert!(is_release_twin("Dockerfile", "Dockerfile.release"));
        assert!(is_release_twin("Dockerfile", "Dockerfile.goreleaser"));
        assert!(is_release_twin("agent.Dockerfile", "agent.prod.Dockerfile"));
        assert!(!is_release_twin(
            "Dockerfile.agent",
            "Dockerfile.controller.release"
        ));
        assert!(!is_release_twin(
            "Dockerfile.release",
            "Dockerfile.goreleaser"
        ));
        assert!(!is_release_twin("Dockerfile", "Dockerfile.alpine"));
        assert!(!is_release_twin("Dockerfile.agent", "Dockerfile.release"));
    }

    #[test]
    fn names_say_what_an_image_is_for() {
        assert_eq!(
            name_intent("Dockerfile.debug").map(|i| i.0),
            Some(Intent::Dev)
        );
        assert_eq!(
            name_intent("Complement.Dockerfile").map(|i| i.0),
            Some(Intent::Test)
        );
        assert_eq!(
            name_intent("ComplementPostgres.Dockerfile").map(|i| i.0),
            Some(Intent::Test)
        );
        assert_eq!(
            name_intent("tilt.dockerfile").map(|i| i.0),
            Some(Intent::Dev)
        );
        // A bug's reproduction is built once, to show it.
        assert_eq!(
            dir_intent(&["cmd", "experimental", "webhook-conversion-repro"]),
            Some((Intent::Test, "webhook-conversion-repro"))
        );
        assert_eq!(
            test_data_dir(&["frontend", "parser", "testfiles", "flags"]),
            Some("testfiles")
        );
        assert_eq!(
            test_data_dir(&["parser", "testfiles-negative", "case"]),
            Some("testfiles-negative")
        );
        assert_eq!(test_data_dir(&["testdatabase", "goldenrod"]), None);
        // `fixtures/` is test data inside a test tree only.
        assert_eq!(
            test_data_dir(&["pkg", "e2e", "fixtures", "broken"]),
            Some("fixtures")
        );
        assert_eq!(test_data_dir(&["web", "fixtures"]), None);
        assert_eq!(
            name_intent("test-server.Dockerfile").map(|i| i.0),
            Some(Intent::Test)
        );
        assert_eq!(
            name_intent("Dockerfile.integration").map(|i| i.0),
            Some(Intent::Test)
        );
        assert_eq!(name_intent("Dockerfile"), None);
        assert_eq!(name_intent("Dockerfile.latest"), None);
        assert_eq!(name_intent("contest.Dockerfile"), None);
        assert_eq!(
            dir_intent(&["docs", "tutorial", "v1"]).map(|i| i.0),
            Some(Intent::Example)
        );
        assert_eq!(
            dir_intent(&[".circleci", "images"]).map(|i| i.0),
            Some(Intent::Ci)
        );
        assert_eq!(dir_intent(&[".sail"]).map(|i| i.0), Some(Intent::Dev));
        assert_eq!(
            dir_intent(&[".devcontainer"]).map(|i| i.0),
            Some(Intent::Dev)
        );
        assert_eq!(dir_intent(&["build", "package"]), None);
        assert_eq!(
            dir_intent(&["cmd", "test-server"]).map(|i| i.0),
            Some(Intent::Test)
        );
        assert_eq!(dir_intent(&["cmd", "latest-tools"]), None);
        assert_eq!(
            dir_intent(&["cmd", "debug-server"]).map(|i| i.0),
            Some(Intent::Dev)
        );
        assert_eq!(
            dir_intent(&["tools", "perf"]).map(|i| i.0),
            Some(Intent::Test)
        );
        assert_eq!(
            dir_intent(&["docker", "dev-cluster"]).map(|i| i.0),
            Some(Intent::Dev)
        );
        assert_eq!(dir_intent(&["dev"]).map(|i| i.0), Some(Intent::Dev));
        assert_eq!(dir_intent(&["cmd", "devices"]), None);
        assert_eq!(dir_intent(&["cmd", "drone-runner"]), None);
        assert_eq!(dir_intent(&["cmd", "performance"]), None);
        assert_eq!(dir_intent(&[".github", "docker"]), None);
        assert_eq!(
            dir_intent(&[".github", "workflows", "smoke"]).map(|i| i.0),
            Some(Intent::Ci)
        );
    }
}
