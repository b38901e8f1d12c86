//! OS package managers: the one reading of what a command installs (`apk add`, `apt-get
//! install`, `dnf install`...), with each package's place among the command's words, and the
//! packages that mean something to the rules (a C toolchain, Go, git, CA and time zone data).

/// A package manager, by the program that runs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackageManager {
    /// Alpine's apk.
    Apk,
    /// Debian's apt and apt-get.
    Apt,
    /// yum, dnf, microdnf, tdnf and zypper.
    Rpm,
}

impl PackageManager {
    /// The manager a program runs. xx's wrappers (tonistiigi/xx) install into the target
    /// platform's sysroot for cross-compiling; they count as installing all the same (a C
    /// toolchain for the target turns cgo on).
    fn of_program(program: &str) -> Option<PackageManager> {
        Some(match program {
            "apk" | "xx-apk" => PackageManager::Apk,
            "apt-get" | "apt" | "xx-apt-get" | "xx-apt" => PackageManager::Apt,
            "yum" | "dnf" | "microdnf" | "zypper" | "tdnf" => PackageManager::Rpm,
            _ => return None,
        })
    }

    /// The C library of the distributions whose package manager this is: a stage whose base
    /// gopherlint does not know but whose RUN installs with apt-get is Debian or Ubuntu, glibc.
    pub fn libc(self) -> super::images::Libc {
        match self {
            PackageManager::Apk => super::images::Libc::Musl,
            PackageManager::Apt | PackageManager::Rpm => super::images::Libc::Glibc,
        }
    }

    /// The subcommand that installs.
    fn install_verb(self) -> &'static str {
        match self {
            PackageManager::Apk => "add",
            PackageManager::Apt | PackageManager::Rpm => "install",
        }
    }

    /// Options that take the next word as their value (apk(8), apt-get(8), dnf(8)).
    fn value_options(self) -> &'static [&'static str] {
        match self {
            PackageManager::Apk => &[
                "-X",
                "--repository",
                "-t",
                "--virtual",
                "-p",
                "--root",
                "--arch",
                "--cache-dir",
                "--keys-dir",
                "--repositories-file",
                "--cache-max-age",
                "--timeout",
            ],
            PackageManager::Apt => &[
                "-o",
                "--option",
                "-c",
                "--config-file",
                "-t",
                "--target-release",
                "--default-release",
            ],
            PackageManager::Rpm => &[
                "-x",
                "--exclude",
                "--enablerepo",
                "--disablerepo",
                "--repo",
                "--setopt",
                "--releasever",
                "--installroot",
                "-c",
                "--config",
            ],
        }
    }
}

/// What an environment one works in installs: a browser IDE, or an editor beside an
/// interactive shell or a terminal multiplexer. A service image that keeps `vim` for an
/// emergency has no use for `fish` or `tmux` as well.
pub const IDE_SERVERS: &[&str] = &["code-server", "openvscode-server"];
pub const EDITORS: &[&str] = &[
    "vim",
    "neovim",
    "nvim",
    "nano",
    "micro",
    "emacs",
    "emacs-nox",
    "helix",
];
pub const INTERACTIVE_SHELLS: &[&str] = &["fish", "zsh", "tmux", "screen", "zellij"];

/// Package managers besides those [`package_install`] reads: Arch's and its AUR helpers, Homebrew.
const OTHER_INSTALLERS: &[&str] = &["pacman", "yay", "paru", "brew"];

/// The program installs packages (the OS's, or a user's), so its words are read for the tools
/// above.
pub fn is_installer(program: &str) -> bool {
    PackageManager::of_program(program).is_some() || OTHER_INSTALLERS.contains(&program)
}

/// The package a word of an install command names, without a version (`vim=2:9.0-1`,
/// `tmux-3.4`): the word itself when it is one of the lists above.
pub fn workstation_package(word: &str) -> Option<&'static str> {
    let name = word.split(['=', '@']).next().unwrap_or(word);
    IDE_SERVERS
        .iter()
        .chain(EDITORS)
        .chain(INTERACTIVE_SHELLS)
        .find(|known| **known == name)
        .copied()
}

/// Where a distribution's package manager reads its repositories from: a step that only edits
/// them (`sed -i 's/dl-cdn.alpinelinux.org/mirrors.aliyun.com/g' /etc/apk/repositories`) picks
/// a mirror and adds nothing to the image.
const PACKAGE_SOURCES: &[&str] = &[
    "/etc/apk/repositories",
    "/etc/apt/sources.list",
    "/etc/apt/sources.list.d/",
    "/etc/yum.repos.d/",
];

/// The command only edits the package manager's repository list (`sed -i ... /etc/apk/repositories`).
pub fn only_edits_package_sources(program: &str, argv: &[&str]) -> bool {
    let mut files = argv.iter().filter(|w| w.starts_with('/')).peekable();
    program == "sed"
        && argv.iter().any(|w| w.starts_with("-i"))
        && files.peek().is_some()
        && files.all(|w| PACKAGE_SOURCES.iter().any(|s| w.starts_with(s)))
}

/// A command that installs OS packages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageInstall {
    pub manager: PackageManager,
    /// The argv indexes of the package words, as written (versions kept).
    pub packages: Vec<usize>,
    /// apk `-U`/`--update-cache` without `--no-cache`: it also refreshes the cached package
    /// index, which later `apk add` commands may rely on.
    pub refreshes_index: bool,
    /// apk `-u`/`--upgrade`/`-l`/`--latest`: installed packages are upgraded too.
    pub upgrade: bool,
    /// apk `-t`/`--virtual`: the packages are grouped under a name for a later `apk del`.
    pub virtual_package: bool,
}

/// Reads `apk [options] add [options] packages...`, `apt-get install -y packages...` and the
/// like; `program` is argv[0] without its directory. `None` when the command installs nothing.
pub fn package_install(program: &str, argv: &[&str]) -> Option<PackageInstall> {
    let manager = PackageManager::of_program(program)?;
    let verb = argv.iter().position(|w| *w == manager.install_verb())?;
    let mut install = PackageInstall {
        manager,
        packages: Vec::new(),
        refreshes_index: false,
        upgrade: false,
        virtual_package: false,
    };
    let mut no_cache = false;
    let mut skip_value = false;
    for (i, text) in argv.iter().copied().enumerate().skip(1) {
        if skip_value {
            skip_value = false;
            continue;
        }
        if i == verb {
            continue;
        }
        if let Some(option) = text.strip_prefix('-') {
            if manager == PackageManager::Apk {
                let name = text.split('=').next().unwrap_or(text);
                match name {
                    "-U" | "--update" | "--update-cache" => install.refreshes_index = true,
                    "-u" | "--upgrade" | "--latest" | "-l" => install.upgrade = true,
                    "--no-cache" => no_cache = true,
                    "-t" | "--virtual" => install.virtual_package = true,
                    _ if !option.starts_with('-') && option.len() > 1 => {
                        // Short options together (`-Uu`, `-qU`).
                        install.refreshes_index |= option.contains('U');
                        install.upgrade |= option.contains('u') || option.contains('l');
                        install.virtual_package |= option.contains('t');
                    }
                    _ => {}
                }
            }
            skip_value = manager.value_options().contains(&text);
            continue;
        }
        if i > verb {
            install.packages.push(i);
        }
    }
    install.refreshes_index &= !no_cache;
    Some(install)
}

/// The command only tends what the image already holds: it maintains the base's packages
/// ([`only_maintains_base`]), refreshes the CA bundle (`update-ca-certificates`), or arranges
/// files (`mkdir`, `cp`, `chmod`).
pub fn only_tends_the_image(program: &str, argv: &[&str]) -> bool {
    only_maintains_base(program, argv)
        || matches!(program, "update-ca-certificates" | "update-ca-trust")
        || crate::knowledge::tools::FILE_ARRANGERS.contains(&program)
}

/// The command only refreshes or upgrades what the base image has installed (`apk upgrade`,
/// `apt-get update`, `apt-get dist-upgrade`, `dnf upgrade`), or cleans up after that.
pub fn only_maintains_base(program: &str, argv: &[&str]) -> bool {
    const VERBS: &[&str] = &[
        "update",
        "upgrade",
        "dist-upgrade",
        "full-upgrade",
        "clean",
        "autoremove",
        "autoclean",
        "cache",
    ];
    match program {
        "apk" | "apt-get" | "apt" | "dnf" | "microdnf" | "yum" | "zypper" => argv
            .iter()
            .skip(1)
            .find(|w| !w.starts_with('-'))
            .is_some_and(|verb| VERBS.contains(verb)),
        "rm" => argv.iter().skip(1).all(|w| {
            w.starts_with('-') || w.starts_with("/var/cache") || w.starts_with("/var/lib/apt")
        }),
        _ => false,
    }
}

/// The command upgrades every installed package to the newest its repositories hold
/// (`microdnf update`, `dnf upgrade`, `apk upgrade`, `apt-get dist-upgrade`). `apt-get update`
/// only refreshes the index, and `dnf update curl` upgrades one package.
pub fn upgrades_every_package(program: &str, argv: &[&str]) -> bool {
    let verbs: &[&str] = match program {
        "apk" => &["upgrade"],
        "apt-get" | "apt" => &["upgrade", "dist-upgrade", "full-upgrade"],
        "dnf" | "microdnf" | "yum" => &["update", "upgrade"],
        "zypper" => &["update", "up", "dist-upgrade", "dup"],
        _ => return false,
    };
    let mut words = argv.iter().skip(1).filter(|w| !w.starts_with('-'));
    words.next().is_some_and(|verb| verbs.contains(verb)) && words.next().is_none()
}

/// The command installs from a repository that rolls whatever the base's release: Alpine's
/// `edge` branch (`apk add --repository=https://dl-cdn.alpinelinux.org/alpine/edge/main`).
pub fn installs_from_rolling_repository(program: &str, argv: &[&str]) -> bool {
    program == "apk"
        && argv
            .iter()
            .any(|w| w.contains("/alpine/edge/") || w.ends_with("/alpine/edge"))
}

/// Tools that build OS packages (`rpmbuild`, `dpkg-buildpackage`, `fpm`, `nfpm`): an image that
/// installs one and starts nothing is a packaging image, which builds rather than runs.
pub fn is_packaging_tool(name: &str) -> bool {
    matches!(
        package_name(name),
        "rpm-build" | "rpmdevtools" | "dpkg-dev" | "debhelper" | "devscripts" | "fpm" | "nfpm"
    )
}

/// A package without its version pin (`gcc=12.2.0-r1` is `gcc`).
pub fn package_name(package: &str) -> &str {
    package.split(['=', '>', '<']).next().unwrap_or(package)
}

/// Packages that install a C compiler and libc headers (or depend on one: Alpine's `alpine-sdk`
/// on `build-base`): with one, Go turns cgo on.
pub fn is_c_toolchain(name: &str) -> bool {
    matches!(
        package_name(name),
        "gcc"
            | "build-base"
            | "alpine-sdk"
            | "musl-dev"
            | "clang"
            | "g++"
            | "gcc-c++"
            | "build-essential"
            | "base-devel"
    )
}

/// Packages of a C library's headers (`liblz4-dev`, Alpine's `sqlite-dev`, `lz4-devel`):
/// installed in a Go builder, for a cgo binding to that library to compile against. Not the C
/// library of the toolchain itself (`musl-dev`, `libc6-dev`, `glibc-devel`), kernel headers,
/// or a language runtime's headers (`python3-dev`), which other tools build against.
pub fn is_c_library_headers(name: &str) -> bool {
    let name = package_name(name);
    let Some(library) = name
        .strip_suffix("-dev")
        .or_else(|| name.strip_suffix("-devel"))
    else {
        return false;
    };
    !library.is_empty()
        && !matches!(
            library,
            "musl" | "libc6" | "glibc" | "libc" | "linux-libc" | "kernel" | "linux"
        )
        && !["python", "ruby", "perl", "php", "node", "lua", "tcl"]
            .iter()
            .any(|runtime| library.starts_with(runtime))
}

/// Packages that install the Go toolchain (Alpine's `go`, Debian's `golang`, `golang-go`).
pub fn is_go_toolchain(name: &str) -> bool {
    matches!(package_name(name), "go" | "golang" | "golang-go")
}

/// git, which VCS stamping needs, or a package that brings it (Alpine's `alpine-sdk` depends
/// on git).
pub fn is_git(name: &str) -> bool {
    matches!(package_name(name), "git" | "git-core" | "alpine-sdk")
}

/// Packages a minimal base would also provide (CA roots, time zone data, glibc compatibility
/// for musl): installing them does not make the OS needed.
pub fn is_base_data(name: &str) -> bool {
    matches!(
        package_name(name),
        "ca-certificates" | "tzdata" | "ca-certificates-bundle"
    ) || is_glibc_compat(name)
}

/// Data packages every supported release of a distribution ships alike: Mozilla's CA roots
/// and IANA's time zone database, updated in stable releases too. A helper stage that only
/// installs them yields the same files on any release of its base.
pub fn is_release_neutral_data(name: &str) -> bool {
    matches!(
        package_name(name),
        "ca-certificates" | "tzdata" | "ca-certificates-bundle"
    )
}

/// Alpine packages that let programs linked against glibc run on musl (`libc6-compat`,
/// `gcompat`): an image that installs one means to run a glibc binary.
pub fn is_glibc_compat(name: &str) -> bool {
    matches!(package_name(name), "libc6-compat" | "gcompat")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn install(text: &str) -> Option<PackageInstall> {
        let argv: Vec<&str> = text.split(' ').collect();
        package_install(argv[0], &argv)
    }

    #[test]
    fn mirror_switches_edit_only_package_sources() {
        let edits = |argv: &[&str]| only_edits_package_sources(argv[0], argv);
        assert!(edits(&["sed", "-i", "s/a/b/g", "/etc/apk/repositories"]));
        assert!(edits(&[
            "sed",
            "-i.bak",
            "s/a/b/",
            "/etc/apt/sources.list.d/debian.sources"
        ]));
        assert!(!edits(&["sed", "-i", "s/a/b/", "/etc/passwd"]));
        assert!(!edits(&["sed", "s/a/b/", "/etc/apk/repositories"]));
        assert!(!edits(&["sed", "-i", "s/a/b/"]));
    }

    #[test]
    fn reads_what_apk_installs() {
        let add =
            install("apk --no-cache add -X http://mirror/x git ca-certificates").expect("apk add");
        assert_eq!(add.packages, vec![5, 6]);
        assert!(!add.refreshes_index && !add.upgrade && !add.virtual_package);
        assert!(
            install("apk add -U ca-certificates")
                .expect("add")
                .refreshes_index
        );
        assert!(
            !install("apk add -U --no-cache ca-certificates")
                .expect("add")
                .refreshes_index
        );
        assert!(install("apk add -qu ca-certificates").expect("add").upgrade);
    }

    #[test]
    fn upgrades_and_rolling_repositories() {
        let words = |t: &'static str| t.split(' ').collect::<Vec<_>>();
        let upgrades = |t: &'static str| {
            let argv = words(t);
            upgrades_every_package(argv[0], &argv)
        };
        assert!(upgrades("microdnf update --nodocs --assumeyes"));
        assert!(upgrades("apk upgrade --no-cache"));
        assert!(upgrades("apt-get -y dist-upgrade"));
        assert!(!upgrades("apt-get update"));
        assert!(!upgrades("dnf update curl"));
        let argv =
            words("apk add --repository=http://dl-cdn.alpinelinux.org/alpine/edge/main font-hack");
        assert!(installs_from_rolling_repository("apk", &argv));
        assert!(!installs_from_rolling_repository(
            "apk",
            &words("apk add font-hack")
        ));
        let add = install("apk add --virtual .deps ca-certificates").expect("apk add");
        assert!(add.virtual_package);
        assert_eq!(add.packages, vec![4]);
        assert!(install("apk del ca-certificates").is_none());
    }

    #[test]
    fn reads_what_apt_and_dnf_install() {
        let apt = install("apt-get install -y -o Dpkg::Options::=--force-confold git gcc=12")
            .expect("apt-get install");
        assert_eq!(apt.packages, vec![5, 6]);
        assert!(
            install("dnf install -y --setopt tsflags=nodocs git")
                .is_some_and(|i| i.packages == vec![5])
        );
        assert!(install("xx-apk add gcc").is_some_and(|i| i.manager == PackageManager::Apk));
        assert!(is_c_toolchain("gcc=12.2.0-r1") && is_base_data("tzdata"));
        // Alpine's meta package depends on build-base, and so on gcc.
        assert!(is_c_toolchain("alpine-sdk") && is_git("alpine-sdk"));
        assert!(is_c_library_headers("liblz4-dev") && is_c_library_headers("lz4-devel"));
        assert!(!is_c_library_headers("musl-dev") && !is_c_library_headers("python3-dev"));
    }
}
