//! Go releases: the one version type, and since which release each behaviour the rules rely on
//! holds. Every threshold a rule compares against is a [`GoFeature`] here, with the release
//! notes that state it.

use std::fmt;

/// A Go version as go.mod, go.work and image tags write it: `1.22`, `1.22.3`, `1.23rc1`
/// (pre-releases sort before the release), or `go1.23.1` in a `toolchain` line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GoVersion {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
    /// `false` for a pre-release (`rc1`, `beta2`), which comes before the release.
    pub release: bool,
}

/// The newest Go release this gopherlint knows (Go 1.27, August 2026). Go supports each
/// release until the second newer one is out (go.dev/doc/devel/release#policy): 1.26 and 1.27.
pub const NEWEST_RELEASE: GoVersion = GoVersion::new(1, 27);

impl GoVersion {
    /// The release is older than every one the Go team still supports, as far as this
    /// gopherlint knows: it gets no security fixes.
    pub fn out_of_support(self) -> bool {
        self.major == NEWEST_RELEASE.major && self.minor + 1 < NEWEST_RELEASE.minor
    }

    /// The release `major.minor` (patch 0).
    pub const fn new(major: u32, minor: u32) -> GoVersion {
        GoVersion {
            major,
            minor,
            patch: 0,
            release: true,
        }
    }

    /// Parses `1.22`, `1.22.3`, `1.23rc1`, `go1.23.1`.
    pub fn parse(text: &str) -> Option<GoVersion> {
        let text = text.trim().strip_prefix("go").unwrap_or(text.trim());
        let mut numbers = [0u32; 3];
        let mut count = 0;
        let mut rest = text;
        while count < 3 {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                break;
            }
            numbers[count] = rest[..digits].parse().ok()?;
            count += 1;
            rest = &rest[digits..];
            match rest.strip_prefix('.') {
                Some(after) => rest = after,
                None => break,
            }
        }
        if count < 2 {
            return None;
        }
        let release = rest.is_empty();
        let prerelease = !release
            && ["rc", "beta", "alpha"].iter().any(|p| {
                rest.starts_with(p) && rest[p.len()..].bytes().all(|b| b.is_ascii_digit())
            });
        if !release && !prerelease {
            return None;
        }
        Some(GoVersion {
            major: numbers[0],
            minor: numbers[1],
            patch: numbers[2],
            release,
        })
    }

    /// `(major, minor)`: the release line, as image tags name Go.
    pub fn minor_version(self) -> (u32, u32) {
        (self.major, self.minor)
    }

    /// This release line has the feature (any patch of it: features arrive in `.0` releases).
    pub fn has(self, feature: GoFeature) -> bool {
        self.minor_version() >= feature.since().minor_version()
    }
}

impl fmt::Display for GoVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)?;
        if self.patch > 0 {
            write!(f, ".{}", self.patch)?;
        }
        Ok(())
    }
}

/// Behaviours of the go command and runtime that changed at a known release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoFeature {
    /// Go 1.10 release notes: the build cache; `-a` and `-installsuffix` no longer decide what
    /// is rebuilt.
    BuildCache,
    /// Go 1.11 release notes: modules, downloaded into the module cache (`$GOPATH/pkg/mod`).
    /// Before it every build works in GOPATH mode and no module cache exists.
    Modules,
    /// Go 1.13 release notes: `go build -trimpath`.
    Trimpath,
    /// Go 1.15 release notes: the `time/tzdata` package, and the `timetzdata` build tag that
    /// embeds the time zone database in the binary.
    EmbeddedTzdata,
    /// Go 1.16 release notes: module mode is the default (`GO111MODULE` unset means `on`).
    ModulesByDefault,
    /// Go 1.16 release notes: `go install pkg@version` installs outside a module.
    InstallAtVersion,
    /// Go 1.18 release notes: `go get` no longer builds or installs packages.
    GetStopsInstalling,
    /// Go 1.18 release notes: binaries are stamped with VCS information (`-buildvcs`); from
    /// 1.18.1 a missing git quietly skips the stamp.
    VcsStamping,
    /// Go 1.20 release notes: the go command disables cgo by default on systems without a C
    /// toolchain. Before it, a build on the golang alpine images (no gcc) kept cgo on and linked
    /// the standard library's cgo packages (`net`, `os/user`), precompiled with the image,
    /// against musl: the binary needs the C library.
    CgoOffWithoutCompiler,
    /// Go 1.20 release notes: the distribution no longer ships the standard library
    /// precompiled in `$GOROOT/pkg`; its packages are built and kept in the build cache like
    /// any other. Before it, an empty build cache still had the standard library compiled.
    StdlibInBuildCache,
    /// Go 1.21 release notes: the `go` line of go.mod is a minimum the toolchain enforces, and
    /// the `toolchain` line exists.
    ToolchainLine,
    /// Go 1.22 release notes: the linker's `-s` also drops DWARF, as `-w` does.
    StripImpliesNoDwarf,
    /// Go 1.22 release notes: `go get` outside a module (GOPATH mode) is removed.
    GopathGetRemoved,
    /// Go 1.25 release notes: GOMAXPROCS follows the container's CPU limit (the
    /// `containermaxprocs` and `updatemaxprocs` GODEBUG defaults of a module at 1.25).
    ContainerGomaxprocs,
}

/// Whether a Go release refuses to load a module whose `go` line is `required`, rather than try
/// to build it: every release from Go 1.21 (the line became a requirement), and, for go lines of
/// 1.22 or later, Go 1.19.13 and Go 1.20.8 and the point releases after them
/// (go.dev/doc/toolchain: "partly backported"). A `floating` tag (`golang:1.20`) is its newest
/// point release.
pub fn refuses_go_line(have: GoVersion, floating: bool, required: GoVersion) -> bool {
    if have.has(GoFeature::ToolchainLine) {
        return have < required;
    }
    let backport = match (have.major, have.minor) {
        (1, 19) => Some(13),
        (1, 20) => Some(8),
        _ => None,
    };
    required >= GoVersion::new(1, 22)
        && backport.is_some_and(|first| floating || have.patch >= first)
}

impl GoFeature {
    /// The release that brought it.
    pub const fn since(self) -> GoVersion {
        match self {
            GoFeature::BuildCache => GoVersion::new(1, 10),
            GoFeature::Modules => GoVersion::new(1, 11),
            GoFeature::Trimpath => GoVersion::new(1, 13),
            GoFeature::EmbeddedTzdata => GoVersion::new(1, 15),
            GoFeature::ModulesByDefault | GoFeature::InstallAtVersion => GoVersion::new(1, 16),
            GoFeature::GetStopsInstalling | GoFeature::VcsStamping => GoVersion::new(1, 18),
            GoFeature::CgoOffWithoutCompiler | GoFeature::StdlibInBuildCache => {
                GoVersion::new(1, 20)
            }
            GoFeature::ToolchainLine => GoVersion::new(1, 21),
            GoFeature::StripImpliesNoDwarf | GoFeature::GopathGetRemoved => GoVersion::new(1, 22),
            GoFeature::ContainerGomaxprocs => GoVersion::new(1, 25),
        }
    }
}

/// The Go a builder image runs, as far as its reference tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoRelease {
    /// `golang:1.22-alpine`: that release line.
    Version(GoVersion),
    /// A tag without a version that is still published (`golang:alpine`, `golang:latest`,
    /// `golang:1`, `golang:bookworm`, no tag): the current release whenever it is pulled.
    Floating,
    /// A tag without a version of a distribution release the image no longer publishes
    /// (`golang:buster`, `golang:alpine3.16`): frozen at some release, at least this one.
    Retired(GoVersion),
    /// Not a Go image gopherlint knows, a tag from a variable, a digest, or a tag retired so
    /// long ago that its Go is too old to say.
    Unknown,
}

impl GoRelease {
    /// The builder's Go has the feature for certain.
    pub fn has(self, feature: GoFeature) -> bool {
        match self {
            GoRelease::Version(version) | GoRelease::Retired(version) => version.has(feature),
            GoRelease::Floating => true,
            GoRelease::Unknown => false,
        }
    }

    /// The builder's Go is known to lack the feature: a versioned tag older than it.
    pub fn lacks(self, feature: GoFeature) -> bool {
        matches!(self, GoRelease::Version(version) if !version.has(feature))
    }

    /// The version the tag names, when it names one.
    pub fn version(self) -> Option<GoVersion> {
        match self {
            GoRelease::Version(version) => Some(version),
            _ => None,
        }
    }

    /// For messages: `the builder is Go 1.22`; `None` when unknown.
    pub fn describe(self) -> Option<String> {
        Some(match self {
            GoRelease::Version(v) => format!("the builder is Go {}.{}", v.major, v.minor),
            GoRelease::Floating => "the builder's tag follows the newest Go release".into(),
            GoRelease::Retired(v) => format!(
                "the builder's tag is no longer published, and its images are Go {}.{} or newer",
                v.major, v.minor
            ),
            GoRelease::Unknown => return None,
        })
    }
}

/// The Go release of a binary distribution's archive, from its URL or file name:
/// `https://go.dev/dl/go1.22.3.linux-amd64.tar.gz`, `go1.4rc1.linux-amd64.tar.gz` (the file
/// names of go.dev/dl, golang.org/dl and dl.google.com/go).
pub fn distribution_release(url: &str) -> Option<GoVersion> {
    let name = url.rsplit('/').next()?;
    let rest = name.strip_prefix("go")?;
    let (version, platform) = rest
        .split_once(".linux-")
        .or_else(|| rest.split_once(".darwin-"))?;
    let archive = [".tar.gz", ".zip"]
        .iter()
        .any(|ext| platform.ends_with(ext));
    if !archive {
        return None;
    }
    GoVersion::parse(version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_two_newest_releases_are_supported() {
        assert!(!NEWEST_RELEASE.out_of_support());
        assert!(!GoVersion::new(1, NEWEST_RELEASE.minor - 1).out_of_support());
        assert!(GoVersion::new(1, NEWEST_RELEASE.minor - 2).out_of_support());
        assert!(GoVersion::new(1, 17).out_of_support());
    }

    #[test]
    fn point_releases_of_go_119_and_120_refuse_go_lines_from_122() {
        let v = |minor, patch| GoVersion {
            patch,
            ..GoVersion::new(1, minor)
        };
        let go_122 = GoVersion::new(1, 22);
        assert!(refuses_go_line(v(20, 8), false, go_122));
        assert!(refuses_go_line(v(19, 13), false, go_122));
        assert!(!refuses_go_line(v(20, 7), false, go_122));
        // `golang:1.20` floats to the newest 1.20 point release.
        assert!(refuses_go_line(v(20, 0), true, go_122));
        // Those releases still build a go line of 1.21, advisory as before.
        assert!(!refuses_go_line(v(20, 14), false, GoVersion::new(1, 21)));
        assert!(!refuses_go_line(v(18, 10), true, go_122));
        assert!(refuses_go_line(v(22, 0), true, GoVersion::new(1, 24)));
    }

    #[test]
    fn distribution_archives_name_their_release() {
        let v = |url| distribution_release(url).map(|v| v.minor_version());
        assert_eq!(
            v("https://go.dev/dl/go1.22.3.linux-amd64.tar.gz"),
            Some((1, 22))
        );
        assert_eq!(v("go1.4rc1.linux-amd64.tar.gz"), Some((1, 4)));
        assert_eq!(
            v("https://dl.google.com/go/go1.21.0.linux-arm64.tar.gz"),
            Some((1, 21))
        );
        assert_eq!(v("go$GOLANG_VERSION.linux-amd64.tar.gz"), None);
        assert_eq!(v("https://example.com/gosu-amd64"), None);
    }

    #[test]
    fn versions_compare_as_go_does() {
        let v = |t| GoVersion::parse(t).expect(t);
        assert!(v("1.22") < v("1.22.1"));
        assert!(v("1.23rc1") < v("1.23"));
        assert!(v("1.9") < v("1.10"));
        assert_eq!(v("go1.21.0"), v("1.21"));
        for bad in ["", "1", "x.y", "1.22-foo", "1.22.3.4.5x"] {
            assert_eq!(GoVersion::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn features_by_release() {
        let v = |t| GoVersion::parse(t).expect(t);
        assert!(v("1.22.0").has(GoFeature::StripImpliesNoDwarf));
        assert!(!v("1.21.9").has(GoFeature::StripImpliesNoDwarf));
        assert!(v("1.24rc1").has(GoFeature::ToolchainLine));
        assert!(GoRelease::Retired(GoVersion::new(1, 18)).has(GoFeature::ModulesByDefault));
        assert!(!GoRelease::Retired(GoVersion::new(1, 18)).has(GoFeature::GopathGetRemoved));
        assert!(!GoRelease::Unknown.has(GoFeature::BuildCache));
        assert!(GoRelease::Version(GoVersion::new(1, 9)).lacks(GoFeature::BuildCache));
        assert!(!GoRelease::Floating.lacks(GoFeature::BuildCache));
    }
}
