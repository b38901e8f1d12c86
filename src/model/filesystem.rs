//! The third step of the model: what the shipped image contains. The root base's files (from the facts table), every
//! COPY/ADD into the shipped chain as BuildKit lands it, and RUN, which on a base with a shell
//! may add anything. A path is Present, Absent, or Unknown; only an image whose contents are
//! fully known (scratch, distroless, chainguard static, plus copies to known places) ever says
//! Absent, so no rule reports a missing file it cannot be sure of.

use std::collections::HashMap;

use super::copy::{Copy, CopySource};
use super::facts::FileFacts;
use crate::knowledge::files::{self, CA_DIRS, CA_ENV, CA_FILES, KNOWN_FILES, is_root_location};
use crate::knowledge::images::Family;
use crate::knowledge::images::{DEFAULT_PATH, image_path};
use crate::paths;
use crate::syntax::{Args, ExecForm, Keyword, Word};

/// Whether a path is in the final image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Presence {
    Present,
    Absent,
    #[default]
    Unknown,
}

/// The final image's files, as far as the file tells.
#[derive(Debug, Clone, Default)]
pub struct FinalFs {
    /// Every file of the image is known: a base with known contents, copies to known places,
    /// no RUN that could add files.
    pub known: bool,
    /// Paths copies produce for certain (a file, or a directory's own path).
    pub present: Vec<String>,
    /// Directories whose contents a copy fills with files gopherlint cannot list (a source
    /// directory, a glob, an archive): anything below them may exist.
    pub open_dirs: Vec<String>,
    /// Files of the base image.
    pub base_files: Vec<&'static str>,
    /// The base's shell, if it has one.
    pub base_shell: Option<&'static str>,
    /// Whether Go finds CA roots in the image (judged for `scratch`; other bases bring their
    /// own or not).
    pub ca_roots: Presence,
    /// The final WORKDIR, where relative programs are found; `None` when unknown.
    pub workdir: Option<String>,
    /// The PATH bare program names are looked up on.
    pub search_path: SearchPath,
}

/// The PATH of the final image.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SearchPath {
    /// No final stage: the default.
    #[default]
    Default,
    Set(String),
    /// Set from something gopherlint cannot know.
    Unknown,
}

impl FinalFs {
    /// Whether `path` (absolute) is in the image.
    pub fn presence(&self, path: &str) -> Presence {
        let path = paths::normalize(path);
        if self
            .present
            .iter()
            .any(|p| *p == path || paths::is_within(p, &path))
            || self
                .base_files
                .iter()
                .any(|f| *f == path || paths::is_within(f, &path))
        {
            return Presence::Present;
        }
        if !self.known || self.open_dirs.iter().any(|d| paths::is_within(&path, d)) {
            return Presence::Unknown;
        }
        Presence::Absent
    }

    /// Whether a program the image starts exists: an absolute path, a path relative to
    /// `workdir`, or a bare name looked up on `path_var` (the default PATH when `None`).
    pub fn program(
        &self,
        program: &str,
        workdir: Option<&str>,
        path_var: Option<&str>,
    ) -> Presence {
        if program.starts_with('/') {
            return self.presence(program);
        }
        if program.contains('/') {
            return match workdir {
                Some(dir) => self.presence(&paths::join(dir, program)),
                None => Presence::Unknown,
            };
        }
        let search = path_var.unwrap_or(DEFAULT_PATH);
        let mut result = Presence::Absent;
        for dir in search.split(':') {
            if !dir.starts_with('/') {
                // A relative PATH entry: resolved against the working directory at run time.
                result = Presence::Unknown;
                continue;
            }
            match self.presence(&paths::join(dir, program)) {
                Presence::Present => return Presence::Present,
                Presence::Unknown => result = Presence::Unknown,
                Presence::Absent => {}
            }
        }
        result
    }

    /// Whether the image has a program, as the final stage's WORKDIR and PATH find it.
    pub fn find_program(&self, program: &str) -> Presence {
        match &self.search_path {
            // A PATH set from something unknown: a bare name could be anywhere.
            SearchPath::Unknown if !program.contains('/') => Presence::Unknown,
            SearchPath::Set(path) => self.program(program, self.workdir.as_deref(), Some(path)),
            _ => self.program(program, self.workdir.as_deref(), None),
        }
    }

    /// The paths copies put in the image, for "did you mean" help.
    pub fn copied_files(&self) -> impl Iterator<Item = &str> {
        self.present.iter().map(String::as_str)
    }
}

impl FinalFs {
    /// Reads the final image's files from the base facts, the copies and the RUNs.
    pub(super) fn read(model: &FileFacts) -> FinalFs {
        let Some(stage) = model.final_stage() else {
            return FinalFs::default();
        };
        let facts = stage.facts;
        let search_path = match stage.vars.exported_value("PATH") {
            None => SearchPath::Set(image_path(stage.root_image.as_ref()).to_string()),
            Some((value, _)) => value.usable().map_or(SearchPath::Unknown, |path| {
                SearchPath::Set(path.to_string())
            }),
        };
        let mut fs = FinalFs {
            known: facts.contents_known && stage.root_image.is_some(),
            base_shell: facts.shell,
            base_files: facts.files().to_vec(),
            ca_roots: ca_roots(model),
            workdir: stage.workdir.clone(),
            search_path,
            ..FinalFs::default()
        };
        // The outputs of the visible go builds of each source stage's chain, read once.
        let mut outputs: HashMap<usize, Vec<String>> = HashMap::new();
        let chain = model.final_chain();
        // RUN may add anything: exec form always runs; shell form runs where there is a shell
        // (on a base without one, it fails the build: GL101's finding).
        let runs = model.chain_instructions(stage.index).into_iter().any(|i| {
            let instruction = model.instruction(i);
            instruction.keyword == Keyword::Run
                && (matches!(instruction.args, Args::Exec(_)) || facts.shell.is_some())
        });
        if runs {
            fs.known = false;
        }
        for copy in model.copies.iter().filter(|c| chain.contains(&c.stage)) {
            let Some(dest) = copy.dest.usable().map(paths::normalize) else {
                fs.known = false;
                continue;
            };
            // `--parents` keeps each source's directories below the destination, `--exclude`
            // leaves files out: below the destination, anything may or may not be there.
            if copy.parents_or_exclude {
                fs.present.push(dest.clone());
                fs.open_dirs.push(dest.clone());
                continue;
            }
            for source in &copy.sources {
                let Some(src) = source.usable() else {
                    fs.open_dirs.push(dest.clone());
                    continue;
                };
                let url = copy.is_add && src.contains("://");
                let is_file = url || source_is_file(model, &mut outputs, &copy.source, src);
                let archive = copy.is_add && !url && files::is_archive(src);
                if paths::has_glob(src) || archive {
                    fs.open_dirs.push(dest.clone());
                    if !copy.dest_is_dir {
                        fs.present.push(dest.clone());
                    }
                    continue;
                }
                let landing = if copy.dest_is_dir {
                    paths::join(&dest, paths::basename(src))
                } else {
                    dest.clone()
                };
                if is_file {
                    fs.present.push(landing);
                } else {
                    // A file lands at `landing`; a directory's contents land in `dest` (or at
                    // `landing` for a file destination).
                    fs.present.push(if copy.dest_is_dir {
                        dest.clone()
                    } else {
                        landing.clone()
                    });
                    fs.open_dirs.push(if copy.dest_is_dir {
                        dest.clone()
                    } else {
                        landing
                    });
                }
            }
        }
        fs
    }
}

impl super::Model<'_> {
    /// The program an exec form starts (its word and expanded name) when the final image
    /// certainly lacks it (only an image whose every file is known can).
    pub fn absent_program<'e>(&self, exec: &'e ExecForm) -> Option<(&'e Word, String)> {
        let first = exec.elements.first()?;
        let program = self
            .final_stage()?
            .vars
            .expand(&first.value)
            .usable()?
            .to_string();
        (!program.is_empty() && self.final_fs().find_program(&program) == Presence::Absent)
            .then_some((first, program))
    }
}

/// A copy source that is certainly a file: a known system file, or the output of a visible
/// `go build` in the source stage's chain.
fn source_is_file(
    model: &FileFacts,
    outputs: &mut HashMap<usize, Vec<String>>,
    source: &CopySource,
    path: &str,
) -> bool {
    let path = paths::normalize(path);
    if KNOWN_FILES.contains(&path.as_str()) {
        return true;
    }
    let CopySource::Stage(stage) = *source else {
        return false;
    };
    outputs
        .entry(stage)
        .or_insert_with(|| {
            let chain = model.chain(stage);
            model
                .go_builds
                .iter()
                .filter(|b| chain.contains(&b.stage))
                .filter_map(|b| b.output.as_ref().and_then(|o| o.usable()))
                .map(str::to_string)
                .collect()
        })
        .contains(&path)
}

/// What a copy tells about CA roots in the image.
enum Provides {
    Yes,
    No,
    /// It copies to (or from) a place that cannot be known.
    Unknown,
}

fn provides_roots(copy: &Copy) -> Provides {
    if copy.dest.usable().is_none() {
        return Provides::Unknown;
    }
    // A source taken as a file lands on a root location (`COPY ca.pem /etc/ssl/certs/`).
    for landing in copy.landing_paths() {
        match landing {
            None => return Provides::Unknown,
            Some(path) if is_root_location(&path) => return Provides::Yes,
            Some(_) => {}
        }
    }
    // A source directory holding a root location carries it to where Go reads it
    // (`COPY --from=build /etc/ssl /etc/ssl`, `COPY --from=build / /`).
    if copy.source != CopySource::Context {
        for known in CA_FILES.iter().chain(CA_DIRS) {
            match copy.destination_of(Some(known)) {
                Some(Some(dest)) if is_root_location(&dest) => return Provides::Yes,
                Some(None) => return Provides::Unknown,
                _ => {}
            }
        }
    }
    Provides::No
}

/// Whether the final image has CA roots where Go reads them: a copy of a bundle file or
/// directory (or a parent of one), or `SSL_CERT_FILE`/`SSL_CERT_DIR` pointing at something
/// copied. Only judged for `scratch` (every other base is taken to bring its own or not).
fn ca_roots(model: &FileFacts) -> Presence {
    let Some(stage) = model.final_stage() else {
        return Presence::Unknown;
    };
    if stage.facts.ca_bundle {
        return Presence::Present;
    }
    if stage.facts.family != Family::Scratch {
        return Presence::Unknown;
    }
    let mut copied_dirs = Vec::new();
    for copy in model.final_copies() {
        match provides_roots(copy) {
            Provides::Yes => return Presence::Present,
            Provides::Unknown => return Presence::Unknown,
            Provides::No => {}
        }
        // A root file system staged in a build stage and copied whole (`mkdir -p
        // etc/ssl/certs` in WORKDIR /fs, a `cp` of the bundle there, `COPY --from=build /fs /`):
        // the stage made the CA directory under what lands at `/`, and what a RUN put in it
        // cannot be told.
        if let CopySource::Stage(from) = copy.source {
            let made = super::scripts::made_dirs(&model.made_dirs, model.chain(from), usize::MAX);
            let stages_roots = made.iter().any(|dir| {
                matches!(copy.destination_of(Some(dir)), Some(Some(dest)) if is_root_location(&dest))
            });
            if stages_roots {
                return Presence::Unknown;
            }
        }
        copied_dirs.extend(copy.dest.usable().map(paths::normalize));
        copied_dirs.extend(copy.landing_paths().into_iter().flatten());
    }
    // SSL_CERT_FILE / SSL_CERT_DIR pointing at something copied.
    for &name in CA_ENV {
        if let Some((value, _)) = stage.vars.exported_value(name)
            && let Some(path) = value.usable()
            && copied_dirs
                .iter()
                .any(|c| paths::is_within(&paths::normalize(path), c) && c != "/")
        {
            return Presence::Present;
        }
    }
    Presence::Absent
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fs(present: &[&str], open: &[&str]) -> FinalFs {
        FinalFs {
            known: true,
            present: present.iter().map(|s| s.to_string()).collect(),
            open_dirs: open.iter().map(|s| s.to_string()).collect(),
            ..FinalFs::default()
        }
    }

    #[test]
    fn presence_of_files_and_directories() {
        let f = fs(&["/app/server", "/etc/ssl/certs"], &["/etc/ssl/certs"]);
        assert_eq!(f.presence("/app/server"), Presence::Present);
        assert_eq!(f.presence("/app"), Presence::Present);
        assert_eq!(f.presence("/app/other"), Presence::Absent);
        assert_eq!(f.presence("/etc/ssl/certs/x.pem"), Presence::Unknown);
        assert_eq!(
            f.program("server", Some("/app"), Some("/app")),
            Presence::Present
        );
        assert_eq!(f.program("./server", Some("/app"), None), Presence::Present);
        assert_eq!(f.program("curl", Some("/"), None), Presence::Absent);
        let unknown = FinalFs { known: false, ..f };
        assert_eq!(unknown.presence("/app/other"), Presence::Unknown);
    }
}
