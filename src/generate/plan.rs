//! The choices a generated Dockerfile makes, each from what the module says and the facts the
//! rules check against: the builder image, the final base, the build's environment and flags,
//! the cache mounts, the user. `dockerfile` writes them out; nothing here is text of a file.

use super::module_scan::{MainPackage, Scan};
use super::{Base, GenerateError, Options};
use crate::context::BuildContext;
use crate::knowledge::files::{CA_BUNDLE, ROOT_GOCACHE};
use crate::knowledge::go_images::{
    GOLANG_GOMODCACHE, golang_alpine_tag, golang_debian_release, golang_debian_tag,
};
use crate::knowledge::go_release::{GoFeature, GoVersion, NEWEST_RELEASE};
use crate::knowledge::images::{
    CHAINGUARD_STATIC, DISTROLESS_NONROOT_TAG, DISTROLESS_STATIC, distroless_cc,
};
use crate::knowledge::users::DEFAULT_NONROOT_USER;

/// Where the build writes the binary in the builder.
const OUT_DIR: &str = "/out";

/// The builder's working directory: where the build context is copied.
pub const SOURCE_DIR: &str = "/src";

/// Everything the Dockerfile says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub go: GoVersion,
    pub main: MainPackage,
    /// The builder image (`golang:1.22-alpine`).
    pub builder: String,
    /// The builder runs on the build machine and cross-compiles (no cgo); with cgo it runs on
    /// the target platform, where its gcc compiles for it.
    pub cross_compile: bool,
    /// The final image's base.
    pub final_base: String,
    /// The base the user asked for, or the default for the program.
    pub base: Base,
    /// `COPY --from=build` of the CA bundle (scratch has none).
    pub copy_ca_bundle: bool,
    /// `go mod download` before the sources come in (module mode, nothing vendored, no local
    /// replacements).
    pub download_step: bool,
    /// Folder to `cd` into after the sources are copied, relative to [`SOURCE_DIR`].
    pub build_rel: String,
    /// Cache mounts of the build's RUN (the download's mounts the module cache alone).
    pub build_mounts: Vec<&'static str>,
    pub cgo: Option<String>,
    /// `-mod=vendor`.
    pub vendor: bool,
    pub trimpath: bool,
    /// `-buildvcs=false`: the build does not stamp the commit.
    pub no_vcs_stamp: bool,
    /// `.git` is sent to a builder with git and the program reads the stamp: the binary gets
    /// the commit.
    pub vcs_stamp: bool,
    /// `COPY --exclude=.git . .`: the context sends `.git` and the build has no use for it.
    pub exclude_git: bool,
    /// `-tags timetzdata`: the final base has no time zone database.
    pub embed_tzdata: bool,
    /// Where the binary is built, and where it lands in the final image.
    pub output: String,
    pub landing: String,
    pub user: &'static str,
    pub port: Option<u16>,
    /// `docker build` for this file, from the module's folder.
    pub build_command: String,
}

/// The module cache and build cache of root in the official image (`go help cache`, `go help
/// gopath`): the targets GL302 and GL303 check mounts against.
pub const MODULE_CACHE: &str = GOLANG_GOMODCACHE;
pub const BUILD_CACHE: &str = ROOT_GOCACHE;

/// A name Docker accepts as a repository (`-t NAME`): lowercase letters, digits, `.`, `_`, `-`.
fn image_name(binary: &str) -> String {
    let name: String = binary
        .to_ascii_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let name = name
        .trim_matches(|c: char| !c.is_ascii_alphanumeric())
        .to_string();
    if name.is_empty() { "app".into() } else { name }
}

pub fn plan(
    scan: &Scan,
    main: MainPackage,
    options: &Options,
    context: &BuildContext,
) -> Result<Plan, GenerateError> {
    let go = scan.go;
    let cgo = main.cgo.clone();
    // `.git` is sent (the context's own .dockerignore keeps it): worth its cost, a copy that
    // every commit invalidates, only when the program reads the stamp git gives its build
    // (GL305). Then the build stamps the commit, on a builder with git (the Debian images have
    // it, the Alpine ones do not: GL210). Otherwise the copy leaves .git out, and
    // `-buildvcs=false` tells the go command not to look for a repository.
    let git_sent = context.git && context.sends(".git") == Some(true);
    let stamps = go.has(GoFeature::VcsStamping);
    let vcs_stamp = stamps
        && git_sent
        && crate::context::go_source::reads_vcs_stamp(
            &main.module_root,
            &main.module_path,
            std::slice::from_ref(&main.dir_in_module),
        )
        .flatten()
        .is_some();
    let debian = cgo.is_some() || vcs_stamp;
    let builder = if debian {
        golang_debian_tag(go)
    } else {
        golang_alpine_tag(go)
    };
    let base = match (options.base, &cgo) {
        (Some(base @ (Base::Scratch | Base::Chainguard)), Some(why)) => {
            return Err(GenerateError::CgoBase(base, why.clone()));
        }
        (Some(base), _) => base,
        (None, Some(_)) => Base::Distroless,
        (None, None) => Base::Scratch,
    };
    let final_base = match (base, cgo.is_some()) {
        (Base::Scratch, _) => "scratch".to_string(),
        // The cc image of the builder's Debian release: the glibc the binary was linked with.
        (Base::Distroless, true) => {
            format!(
                "{}:{DISTROLESS_NONROOT_TAG}",
                distroless_cc(golang_debian_release(go).1)
            )
        }
        (Base::Distroless, false) => format!("{DISTROLESS_STATIC}:{DISTROLESS_NONROOT_TAG}"),
        (Base::Chainguard, _) => CHAINGUARD_STATIC.to_string(),
    };
    let scratch = base == Base::Scratch;
    // The module's own files first, then the download, then the sources: only for a module
    // that is its own context. Vendored modules download nothing; a workspace's or a local
    // replacement's `go mod download` reads the other modules' folders too, so the sources
    // come in first and the module cache mount keeps what the build downloads.
    let download_step = !scan.vendor
        && scan.workspace.is_none()
        && !scan.local_replacements
        && scan.module_rel.is_empty();
    let mut build_mounts = Vec::new();
    if !scan.vendor {
        build_mounts.push(MODULE_CACHE);
    }
    build_mounts.push(BUILD_CACHE);
    let output = format!("{OUT_DIR}/{}", main.binary);
    let landing = format!("/{}", main.binary);
    let tag = image_name(&main.binary);
    let build_command = match scan.context_from_module.as_str() {
        "." => format!("docker build -t {tag} ."),
        context => format!("docker build -t {tag} -f Dockerfile {context}"),
    };
    Ok(Plan {
        go,
        builder,
        cross_compile: cgo.is_none(),
        final_base,
        base,
        copy_ca_bundle: scratch,
        download_step,
        build_rel: scan.build_rel.clone(),
        build_mounts,
        cgo,
        vendor: scan.vendor,
        trimpath: go.has(GoFeature::Trimpath),
        no_vcs_stamp: stamps && !vcs_stamp,
        vcs_stamp,
        exclude_git: git_sent && !vcs_stamp,
        // distroless and chainguard static carry /usr/share/zoneinfo.
        embed_tzdata: scratch && go.has(GoFeature::EmbeddedTzdata),
        output,
        landing,
        user: DEFAULT_NONROOT_USER,
        port: options.port,
        build_command,
        main,
    })
}

impl Plan {
    /// Context paths the build copies by name, which an ignore file must not leave out.
    pub fn inputs(&self) -> Vec<String> {
        let mut inputs = Vec::new();
        if self.download_step {
            inputs.push("go.mod".to_string());
        }
        let package = self.main.path.trim_start_matches("./");
        if package != "." {
            let dir = if self.build_rel.is_empty() {
                package.to_string()
            } else {
                format!("{}/{package}", self.build_rel)
            };
            inputs.push(dir);
        }
        if self.vendor {
            let vendor = if self.build_rel.is_empty() {
                "vendor".to_string()
            } else {
                format!("{}/vendor", self.build_rel)
            };
            inputs.push(vendor);
        }
        inputs
    }

    /// What the user should know that stops nothing.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        let (major, minor) = self.go.minor_version();
        if self.go > NEWEST_RELEASE && self.go.minor_version() != NEWEST_RELEASE.minor_version() {
            notes.push(format!(
                "go.mod asks for Go {major}.{minor}, newer than the newest release this gopherlint knows ({}.{}): check that `{}` is published",
                NEWEST_RELEASE.major, NEWEST_RELEASE.minor, self.builder
            ));
        } else if self.go.out_of_support() {
            notes.push(format!(
                "go.mod asks for Go {major}.{minor}, which no longer gets security fixes: the builder is `{}` as the module says; raise the `go` line to build with a supported Go",
                self.builder
            ));
        }
        notes
    }

    /// The CA bundle's path in the builder and the final image.
    pub fn ca_bundle(&self) -> &'static str {
        CA_BUNDLE
    }
}
