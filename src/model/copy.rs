//! COPY/ADD in the model: where files come from and where they land.

use super::vars::Value;
use crate::knowledge::images::ImageRef;
use crate::paths;

/// The source of a COPY/ADD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CopySource {
    /// The build context.
    Context,
    Stage(usize),
    Image(ImageRef),
    Unknown,
}

#[derive(Debug, Clone)]
pub struct Copy {
    pub stage: usize,
    pub instruction: usize,
    pub source: CopySource,
    /// Source paths (absolute for stage/image sources).
    pub sources: Vec<Value>,
    /// Destination, absolute; unknown when it depends on an unknown value.
    pub dest: Value,
    /// Destination is a directory (trailing `/`, or several sources).
    pub dest_is_dir: bool,
    /// `ADD`, which also unpacks local archives and fetches URLs.
    pub is_add: bool,
    /// `--chown` as written, expanded where known.
    pub chown: Option<super::vars::Value>,
    /// Where `--chown`'s value is, for fixes.
    pub chown_range: Option<crate::source::TextRange>,
    /// `--link`.
    pub link: bool,
    /// `--parents` (sources keep their directories) or `--exclude` (some files are left out):
    /// where the files land below the destination is not modelled.
    pub parents_or_exclude: bool,
}

/// What an ADD source fetches from outside the context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Remote {
    /// A file over HTTP(S) (`https://example.com/tool.tar.gz`).
    Download,
    /// A git repository (`https://github.com/acme/lib.git#v1.2.0`, `git@github.com:acme/lib`,
    /// or with Dockerfile 1.18's URL query, `https://github.com/acme/lib.git?tag=v1.2.0`),
    /// which its ref names.
    Git,
}

/// Whether an ADD source (as written or expanded) is fetched from outside the context, and how
/// BuildKit fetches it.
pub fn remote_source(source: &str) -> Option<Remote> {
    let lower = source.to_ascii_lowercase();
    // The repository is named before its ref: a fragment (`#ref:dir`) or, since BuildKit
    // 0.24, a query (`?ref=...&subdir=...&keep-git-dir=1`).
    let repository = lower.split(['#', '?']).next().unwrap_or(&lower);
    if lower.starts_with("git@") || lower.starts_with("git://") || repository.ends_with(".git") {
        return Some(Remote::Git);
    }
    (lower.starts_with("https://") || lower.starts_with("http://")).then_some(Remote::Download)
}

impl Copy {
    /// A copy of the whole context (`COPY . .`, `ADD . /src`, `COPY * ./`): every file of its
    /// root, go.mod and the sources together.
    pub fn takes_whole_context(&self) -> bool {
        self.source == CopySource::Context
            && self.sources.iter().any(|s| {
                s.usable()
                    .is_some_and(|t| matches!(paths::join("/", t).as_str(), "/" | "/*"))
            })
    }

    /// An ADD of a remote source (a download or a git repository), not of the context.
    pub fn is_remote(&self) -> bool {
        self.is_add
            && self
                .sources
                .iter()
                .any(|s| s.usable().is_some_and(|t| remote_source(t).is_some()))
    }

    /// A source of this copy is the file at `path` itself, by name or by a glob that matches
    /// it, rather than a directory that holds it.
    pub fn names(&self, path: &str) -> bool {
        // Sources are compared as rooted paths: `go.mod` and `./go.mod` name `/go.mod`.
        let path = paths::normalize(path);
        self.sources.iter().any(|source| {
            source.usable().map(paths::normalize).is_some_and(|src| {
                src == path || (paths::has_glob(&src) && paths::glob_match(&src, &path))
            })
        })
    }

    /// Where the file or directory at `path` in the source ends up, if this copy takes it.
    /// `Some(None)` means it is taken to an unknown place.
    pub fn destination_of(&self, path: Option<&str>) -> Option<Option<String>> {
        let dest = self.dest.usable().map(str::to_string);
        let Some(path) = path else {
            return Some(None);
        };
        for source in &self.sources {
            let Some(src) = source.usable().map(paths::normalize) else {
                return Some(None);
            };
            let into_dir = |name: &str| {
                dest.as_ref()
                    .map(|d| paths::into_normal(format!("{d}/{name}")))
            };
            if src == path {
                return Some(if self.dest_is_dir {
                    into_dir(paths::basename(path))
                } else {
                    dest.clone()
                });
            }
            if paths::is_within(path, &src) {
                let rest = path[src.len()..].trim_start_matches('/');
                return Some(into_dir(rest));
            }
            // The traced path is a directory of binaries with unspelt names (`/go/bin/*` of
            // `go install ./...`): a copy of one file in it takes one of them.
            if paths::has_glob(path) && !paths::has_glob(&src) && paths::glob_match(path, &src) {
                return Some(if self.dest_is_dir {
                    into_dir(paths::basename(&src))
                } else {
                    dest.clone()
                });
            }
            if paths::has_glob(&src) {
                let mut prefix = path.to_string();
                loop {
                    if paths::glob_match(&src, &prefix) {
                        let rest = path[prefix.len()..].trim_start_matches('/');
                        let name = paths::basename(&prefix);
                        return Some(into_dir(&format!("{name}/{rest}")));
                    }
                    match prefix.rfind('/') {
                        Some(0) | None => break,
                        Some(i) => prefix.truncate(i),
                    }
                }
            }
        }
        None
    }

    /// Where each source lands when taken as a single file (`dest`, or `dest/<name>` for a
    /// directory destination); `None` where unknown.
    pub fn landing_paths(&self) -> Vec<Option<String>> {
        self.landings(Value::usable)
    }

    /// Where the sources land on the platform being linted: paths from the automatic platform
    /// ARGs resolved (`COPY release/${TARGETOS}/${TARGETARCH}/app /bin/` lands `/bin/app`).
    pub fn platform_landing_paths(&self) -> Vec<Option<String>> {
        self.landings(Value::resolved)
    }

    fn landings(&self, read: fn(&Value) -> Option<&str>) -> Vec<Option<String>> {
        let Some(dest) = read(&self.dest).map(paths::normalize) else {
            return vec![None];
        };
        if !self.dest_is_dir {
            return vec![Some(dest)];
        }
        self.sources
            .iter()
            .map(|s| read(s).map(|s| paths::into_normal(format!("{dest}/{}", paths::basename(s)))))
            .collect()
    }
}
