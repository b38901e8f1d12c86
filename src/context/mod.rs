//! The build context: what the directory a Dockerfile is built from says that the Dockerfile
//! cannot (the module's Go version and path, what `.dockerignore` keeps out). Small readers,
//! bytes in, facts out, no Go toolchain; anything unreadable is Unknown (`None`), never an
//! error, so a missing or odd context never fails a run.

pub mod dockerignore;
pub mod go_mod;
pub mod go_source;
pub mod infer;
pub mod make_run;
pub mod program_files;

use std::path::Path;

pub use dockerignore::DockerIgnore;
pub use go_mod::{GoMod, GoWork};

/// Files larger than this are not read: a real go.mod or .dockerignore is a few kilobytes.
pub const MAX_FILE_BYTES: usize = 1 << 20;

/// Text of a context file, or `None` when it is missing, too large, binary or not UTF-8.
pub fn read_text(bytes: &[u8]) -> Option<&str> {
    if bytes.len() > MAX_FILE_BYTES || bytes.contains(&0) {
        return None;
    }
    std::str::from_utf8(bytes).ok()
}

/// What reading one file of the context gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Read<T> {
    Missing,
    /// Present but not readable as text (too large, binary, not UTF-8, no permission).
    Unreadable,
    Read(T),
}

impl<T> Read<T> {
    pub fn value(&self) -> Option<&T> {
        match self {
            Read::Read(value) => Some(value),
            _ => None,
        }
    }
}

/// What gopherlint knows of a build context. Read once per context directory and shared by
/// every Dockerfile built from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildContext {
    /// The directory as the user named it (for messages and `--show-model`).
    pub dir: String,
    /// The directory exists. When it does not, nothing else is known.
    pub exists: bool,
    pub go_mod: Read<GoMod>,
    pub go_work: Read<GoWork>,
    pub dockerignore: Read<DockerIgnore>,
    /// Which ignore file was read: `.dockerignore`, or `<Dockerfile>.dockerignore` beside the
    /// Dockerfile, which BuildKit prefers.
    pub dockerignore_name: Option<String>,
    /// The root holds `.git` (a directory, or the file a worktree has).
    pub git: bool,
    /// The framework whose project scaffolding holds the directory (a `wails.json` in it or up
    /// to four folders above): files it generated, which the project does not deploy.
    pub scaffold: Option<&'static str>,
    /// The Dockerfile a GitHub container action in the directory runs (`runs.using: docker`,
    /// `runs.image: Dockerfile` in its action.yml): GitHub builds it on every run of the action.
    pub container_action: Option<String>,
    /// The context was named for the file (`--context`, gopherlint.toml, the repository's build
    /// configuration), not taken from the Dockerfile's folder or the folder its sources are in.
    pub named: bool,
}

impl BuildContext {
    /// A context that does not exist: every fact Unknown.
    pub fn absent(dir: &str) -> BuildContext {
        BuildContext {
            dir: dir.to_string(),
            exists: false,
            go_mod: Read::Missing,
            go_work: Read::Missing,
            dockerignore: Read::Missing,
            dockerignore_name: None,
            git: false,
            scaffold: None,
            container_action: None,
            named: false,
        }
    }

    /// Reads the context at `dir`: go.mod, go.work, .dockerignore, whether `.git` is there.
    /// Four lookups; never fails.
    pub fn load(dir: &Path) -> BuildContext {
        let shown = dir.to_string_lossy().into_owned();
        if !dir.is_dir() {
            return BuildContext::absent(&shown);
        }
        let dockerignore = read_file(&dir.join(".dockerignore"), DockerIgnore::parse);
        let go_mod = read_file(&dir.join("go.mod"), GoMod::parse);
        BuildContext {
            dir: shown,
            exists: true,
            go_mod,
            go_work: read_file(&dir.join("go.work"), GoWork::parse),
            dockerignore_name: (dockerignore != Read::Missing).then(|| ".dockerignore".into()),
            dockerignore,
            git: dir.join(".git").exists(),
            scaffold: scaffold_of(dir),
            container_action: container_action_image(dir),
            named: false,
        }
    }

    /// The context holds a file at `path` (relative to its root) and sends it to the builder.
    pub fn sends_file(&self, path: &str) -> bool {
        self.sends(path) == Some(true) && Path::new(&self.dir).join(path).is_file()
    }

    /// The go.mod of the module the context's folder lies in, when the context has none of
    /// its own: the nearest one up to four folders above, not past the repository's root (the
    /// folder with `.git`). Read on demand: only a rule about to report asks.
    pub fn enclosing_go_mod(&self) -> Option<GoMod> {
        if !self.exists || self.go_mod != Read::Missing {
            return None;
        }
        let dir = Path::new(&self.dir).canonicalize().ok()?;
        if dir.join(".git").exists() {
            return None;
        }
        for parent in dir.ancestors().skip(1).take(4) {
            if let Read::Read(go_mod) = read_file(&parent.join("go.mod"), GoMod::parse) {
                return Some(go_mod);
            }
            if parent.join(".git").exists() {
                return None;
            }
        }
        None
    }

    /// The context's root holds a file or directory named `name`.
    pub fn holds(&self, name: &str) -> bool {
        self.exists && !name.contains("..") && Path::new(&self.dir).join(name).exists()
    }

    /// The text of a small file of the context (a start script), by its path relative to
    /// the root; `None` when it is missing, outside the context, large or binary.
    pub fn read_small_file(&self, path: &str) -> Option<String> {
        let path = path.trim_start_matches("./");
        if !self.exists || path.starts_with('/') || path.split('/').any(|p| p == "..") {
            return None;
        }
        match read_file(&Path::new(&self.dir).join(path), str::to_string) {
            Read::Read(text) => Some(text),
            _ => None,
        }
    }

    /// The context as a Dockerfile sees it: BuildKit reads `<Dockerfile>.dockerignore` beside
    /// the Dockerfile in place of the context's `.dockerignore` when it exists.
    pub fn for_dockerfile(&self, dockerfile: &Path) -> Option<BuildContext> {
        let name = dockerfile.file_name()?.to_string_lossy().into_owned();
        let path = dockerfile.with_file_name(format!("{name}.dockerignore"));
        if !self.exists || !path.is_file() {
            return None;
        }
        Some(BuildContext {
            dockerignore: read_file(&path, DockerIgnore::parse),
            dockerignore_name: Some(format!("{name}.dockerignore")),
            ..self.clone()
        })
    }

    /// Whether `docker build` sends the context path (relative, `/`-separated): `None` when the
    /// context is unknown or its ignore file unreadable.
    pub fn sends(&self, path: &str) -> Option<bool> {
        if !self.exists {
            return None;
        }
        match &self.dockerignore {
            Read::Missing => Some(true),
            Read::Unreadable => None,
            Read::Read(ignore) => Some(!ignore.excludes(path)),
        }
    }
}

/// Reads the go.mod at `path` as the context's own is read (size limit, text only).
pub fn read_go_mod(path: &Path) -> Read<GoMod> {
    read_file(path, GoMod::parse)
}

/// Reads the go.work at `path` as the context's own is read.
pub fn read_go_work(path: &Path) -> Read<GoWork> {
    read_file(path, GoWork::parse)
}

/// Files that mark a framework's generated project (Wails writes `build/` assets, Dockerfiles
/// among them, next to its `wails.json`).
const SCAFFOLD_MARKERS: &[(&str, &str)] = &[("wails.json", "Wails")];

fn scaffold_of(dir: &Path) -> Option<&'static str> {
    dir.ancestors().take(5).find_map(|d| {
        SCAFFOLD_MARKERS
            .iter()
            .find(|(file, _)| d.join(file).is_file())
            .map(|&(_, name)| name)
    })
}

/// The Dockerfile the directory's GitHub action runs, when it is a container action whose
/// image is built from a Dockerfile (`image: Dockerfile`, not `docker://alpine`).
fn container_action_image(dir: &Path) -> Option<String> {
    let text = ["action.yml", "action.yaml"].iter().find_map(|name| {
        match read_file(&dir.join(name), str::to_string) {
            Read::Read(text) => Some(text),
            _ => None,
        }
    })?;
    let value = |key: &str| {
        text.lines().find_map(|line| {
            let rest = line.trim().strip_prefix(key)?.strip_prefix(':')?;
            Some(rest.trim().trim_matches(['\'', '"']).to_string())
        })
    };
    let image = value("image").filter(|i| !i.starts_with("docker://") && !i.is_empty())?;
    (value("using").as_deref() == Some("docker")).then_some(image)
}

fn read_file<T>(path: &Path, parse: fn(&str) -> T) -> Read<T> {
    match std::fs::metadata(path) {
        Err(_) => return Read::Missing,
        Ok(meta) if !meta.is_file() || meta.len() > MAX_FILE_BYTES as u64 => {
            return Read::Unreadable;
        }
        Ok(_) => {}
    }
    match std::fs::read(path) {
        Ok(bytes) => read_text(&bytes).map_or(Read::Unreadable, |text| Read::Read(parse(text))),
        Err(_) => Read::Unreadable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_directory_knows_nothing() {
        let context = BuildContext::load(Path::new("/nonexistent/gopherlint/context"));
        assert!(!context.exists);
        assert_eq!(context.sends(".git"), None);
        assert_eq!(context.go_mod, Read::Missing);
    }

    #[test]
    fn reads_what_is_there() {
        let dir = std::env::temp_dir().join(format!("gopherlint-context-{}", std::process::id()));
        std::fs::create_dir_all(dir.join(".git")).expect("mkdir");
        std::fs::write(dir.join("go.mod"), "module example.com/api\n\ngo 1.24\n").expect("go.mod");
        std::fs::write(dir.join(".dockerignore"), "*.md\n").expect("ignore");
        std::fs::write(dir.join("Dockerfile.dockerignore"), ".git\n").expect("ignore");
        std::fs::write(dir.join("go.work"), [0u8, 1, 2]).expect("go.work");
        let context = BuildContext::load(&dir);
        assert!(context.exists && context.git);
        let go_mod = context.go_mod.value().expect("go.mod read");
        assert_eq!(go_mod.module.as_deref(), Some("example.com/api"));
        assert_eq!(context.go_work, Read::Unreadable);
        assert_eq!(context.sends(".git"), Some(true));
        assert_eq!(context.sends("README.md"), Some(false));
        let specific = context
            .for_dockerfile(&dir.join("Dockerfile"))
            .expect("Dockerfile.dockerignore");
        assert_eq!(specific.sends(".git"), Some(false));
        assert!(
            context
                .for_dockerfile(&dir.join("other.Dockerfile"))
                .is_none()
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
