//! What `gopherlint generate` reads of a Go module before it writes a line: the build context
//! (the module alone, or the workspace or folder its local modules need), the Go release it
//! asks for, its main packages, whether each uses cgo, and whether it vendors its
//! dependencies. go.mod and go.work are read by `context`'s readers, Go files by
//! `context::go_source`'s; this module only walks the folders.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::GenerateError;
use crate::context::{self, GoMod, GoWork, Read};
use crate::knowledge::go_command::file_goos;
use crate::knowledge::go_modules::CGO_MODULES;
use crate::knowledge::go_release::GoVersion;

/// A walk of more Go files than this stops: a module that large is better served by naming
/// its main package than by a minute of reading.
const MAX_GO_FILES: usize = 20_000;

/// How many folders above the module a `go.work` that uses it is looked for, stopping at the
/// repository's root (the folder with `.git`).
const WORKSPACE_LEVELS: usize = 6;

/// A module the build compiles.
#[derive(Debug, Clone)]
pub struct Module {
    /// Its folder, relative to the build context (`""` for the context's root).
    pub rel: String,
    pub go_mod: GoMod,
}

/// A `package main` of the module, a program `go build` can make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MainPackage {
    /// As `go build` takes it from the build folder: `.`, `./cmd/api`.
    pub path: String,
    /// The binary `go build` names after it (`api`; for `.`, the module path's last element).
    pub binary: String,
    /// Why it needs cgo, when it does: `import "C"` in one of its files or of the module's
    /// packages it imports, or a module go.mod requires that is C code.
    pub cgo: Option<String>,
    /// Its module's path and root folder, and its folder in that module (`""` for the root):
    /// what `context::go_source` walks from.
    pub module_path: String,
    pub module_root: PathBuf,
    pub dir_in_module: String,
}

/// What the module says.
#[derive(Debug, Clone)]
pub struct Scan {
    /// The folder named on the command line, where the Dockerfile goes.
    pub module_dir: PathBuf,
    /// The build context: the module's folder, or the workspace or folder above it that holds
    /// every local module the build needs.
    pub context_dir: PathBuf,
    /// The module's folder relative to the context (`""` when it is the context).
    pub module_rel: String,
    /// The context from the module's folder: `.`, `..`, `../..`.
    pub context_from_module: String,
    /// Where `go build` runs, relative to the context: a workspace builds from its root, a
    /// module from its own folder.
    pub build_rel: String,
    /// The context's go.work, when the build is a workspace's.
    pub workspace: Option<GoWork>,
    /// The modules whose main packages are candidates.
    pub modules: Vec<Module>,
    /// The Go release the builder runs.
    pub go: GoVersion,
    /// Every main package, sorted by path.
    pub mains: Vec<MainPackage>,
    /// `vendor/modules.txt` is in the build folder: `-mod=vendor`, nothing to download.
    pub vendor: bool,
    /// go.mod replaces a module with a local folder: `go mod download` needs that folder too,
    /// so there is no download step before the sources come in.
    pub local_replacements: bool,
}

/// A folder, made absolute without resolving links in the part the user wrote, so that paths
/// relative to it stay as short as the user's.
fn absolute(dir: &Path) -> PathBuf {
    std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf())
}

/// `path` relative to `base` with `/` separators (`""` when they are the same folder); `None`
/// when `path` is not under `base`.
fn relative(path: &Path, base: &Path) -> Option<String> {
    let rest = path.strip_prefix(base).ok()?;
    let parts: Vec<String> = rest
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(parts.join("/"))
}

/// `path` from `base` as a relative path, climbing with `..` where `path` is not under `base`
/// (`../shared/cmd/x`); `""` when they are the same folder.
fn path_from(base: &Path, path: &Path) -> String {
    let Some(common) = common_ancestor(&[base.to_path_buf(), path.to_path_buf()]) else {
        return path.to_string_lossy().into_owned();
    };
    let up = relative(base, &common).unwrap_or_default();
    let down = relative(path, &common).unwrap_or_default();
    let mut parts: Vec<&str> = up
        .split('/')
        .filter(|p| !p.is_empty())
        .map(|_| "..")
        .collect();
    parts.extend(down.split('/').filter(|p| !p.is_empty()));
    parts.join("/")
}

/// The deepest folder that holds every one of `dirs`.
fn common_ancestor(dirs: &[PathBuf]) -> Option<PathBuf> {
    let first = dirs.first()?;
    first
        .ancestors()
        .find(|candidate| dirs.iter().all(|d| d.starts_with(candidate)))
        .map(Path::to_path_buf)
}

fn read_mod(dir: &Path) -> Result<GoMod, GenerateError> {
    let path = dir.join("go.mod");
    match context::read_go_mod(&path) {
        Read::Read(go_mod) => Ok(go_mod),
        Read::Missing => Err(GenerateError::NoGoMod(dir.to_path_buf())),
        Read::Unreadable => Err(GenerateError::Unreadable(path)),
    }
}

fn read_work(path: &Path) -> Result<GoWork, GenerateError> {
    match context::read_go_work(path) {
        Read::Read(work) => Ok(work),
        _ => Err(GenerateError::Unreadable(path.to_path_buf())),
    }
}

/// The module's own Go release: its go.mod's `toolchain` line when that names a newer Go, else
/// its `go` line. A `toolchain go1.22.3` beside `go 1.21` says the module is developed and
/// tested with Go 1.22 (the go command switches to it under `GOTOOLCHAIN=auto`), while the
/// golang image sets `GOTOOLCHAIN=local` and would build with whatever it has: the builder is
/// the toolchain's release line, so the image gets the compiler its authors use.
fn module_go(go_mod: &GoMod, dir: &Path) -> Result<GoVersion, GenerateError> {
    if go_mod.go.is_none() {
        return Err(match &go_mod.go_line {
            Some(line) => GenerateError::BadGoLine(dir.join("go.mod"), line.clone()),
            None => GenerateError::NoGoLine(dir.join("go.mod")),
        });
    }
    go_mod
        .required()
        .ok_or_else(|| GenerateError::NoGoLine(dir.join("go.mod")))
}

/// The go.work above `dir` that uses it, with the folder it is in.
fn enclosing_workspace(dir: &Path) -> Result<Option<(PathBuf, GoWork)>, GenerateError> {
    for parent in dir.ancestors().skip(1).take(WORKSPACE_LEVELS) {
        let path = parent.join("go.work");
        if path.is_file() {
            let work = read_work(&path)?;
            let uses_it = work.uses.iter().any(|u| absolute(&parent.join(u)) == dir);
            // A go.work that does not use the module makes `go build` fail inside it unless
            // GOWORK=off; without it in the context the module builds alone, as it should.
            return Ok(uses_it.then(|| (parent.to_path_buf(), work)));
        }
        if parent.join(".git").exists() {
            break;
        }
    }
    Ok(None)
}

/// Reads the module (or workspace) in `module_dir`.
pub fn scan(module_dir: &Path) -> Result<Scan, GenerateError> {
    if !module_dir.is_dir() {
        return Err(GenerateError::NotADirectory(module_dir.to_path_buf()));
    }
    let dir = absolute(module_dir);
    let own_work = dir.join("go.work");
    // A workspace builds from its root; its context is the folder that holds the root and every
    // module it uses (a `use ../shared` reaches above the root).
    let workspace_context = |root: &Path, work: &GoWork| {
        let mut dirs = vec![root.to_path_buf()];
        dirs.extend(work.uses.iter().map(|u| absolute(&root.join(u))));
        common_ancestor(&dirs).unwrap_or_else(|| root.to_path_buf())
    };
    let (context_dir, workspace, targets): (PathBuf, Option<(PathBuf, GoWork)>, Vec<PathBuf>) =
        if own_work.is_file() {
            // A workspace's root: every module it uses holds candidates.
            let work = read_work(&own_work)?;
            let targets = work.uses.iter().map(|u| absolute(&dir.join(u))).collect();
            (
                workspace_context(&dir, &work),
                Some((dir.clone(), work)),
                targets,
            )
        } else if !dir.join("go.mod").is_file() {
            return Err(GenerateError::NoGoMod(module_dir.to_path_buf()));
        } else if let Some((root, work)) = enclosing_workspace(&dir)? {
            (
                workspace_context(&root, &work),
                Some((root, work)),
                vec![dir.clone()],
            )
        } else {
            // A module alone; local replacements widen the context to hold their folders.
            let go_mod = read_mod(&dir)?;
            let mut dirs = vec![dir.clone()];
            dirs.extend(
                go_mod
                    .local_replacements
                    .iter()
                    .map(|r| absolute(&dir.join(r))),
            );
            let context = common_ancestor(&dirs).unwrap_or_else(|| dir.clone());
            (context, None, vec![dir.clone()])
        };
    let module_rel = relative(&dir, &context_dir).unwrap_or_default();
    let context_from_module = if module_rel.is_empty() {
        ".".to_string()
    } else {
        vec![".."; module_rel.split('/').count()].join("/")
    };
    let mut modules = Vec::new();
    for target in &targets {
        let rel = relative(target, &context_dir)
            .ok_or_else(|| GenerateError::OutsideContext(target.clone()))?;
        modules.push(Module {
            rel,
            go_mod: read_mod(target)?,
        });
    }
    // The Go release: the newest any part of the build asks for. In a workspace, go.work's own
    // lines count, and every module it uses (the build compiles them all).
    let go = match &workspace {
        None => module_go(&modules[0].go_mod, &targets[0])?,
        Some((root, work)) => {
            let mut versions: Vec<GoVersion> = work.go.into_iter().chain(work.toolchain).collect();
            for used in &work.uses {
                if let Read::Read(go_mod) = context::read_go_mod(&root.join(used).join("go.mod")) {
                    versions.extend(go_mod.required());
                }
            }
            versions
                .into_iter()
                .max()
                .ok_or_else(|| GenerateError::NoGoLine(root.join("go.work")))?
        }
    };
    let build_rel = match &workspace {
        Some((root, _)) => relative(root, &context_dir).unwrap_or_default(),
        None => module_rel.clone(),
    };
    let build_dir = context_dir.join(&build_rel);
    let local_replacements = modules
        .iter()
        .any(|m| !m.go_mod.local_replacements.is_empty());
    let vendor = build_dir.join("vendor").join("modules.txt").is_file();
    let index = PackageIndex::new(&context_dir, &workspace, &modules, &build_dir);
    let workspace = workspace.map(|(_, work)| work);
    let mut mains = Vec::new();
    for module in &modules {
        let root = context_dir.join(&module.rel);
        let mut budget = MAX_GO_FILES;
        for package_dir in main_packages(&root, &mut budget)? {
            let from_build = path_from(&build_dir, &package_dir);
            let path = if from_build.is_empty() {
                ".".to_string()
            } else if from_build.starts_with("..") {
                from_build
            } else {
                format!("./{from_build}")
            };
            let in_module = relative(&package_dir, &root).unwrap_or_default();
            let binary = module
                .go_mod
                .binary_name(if in_module.is_empty() {
                    "."
                } else {
                    &in_module
                })
                .unwrap_or_else(|| "app".to_string());
            let cgo = index.cgo_evidence(&package_dir, &context_dir).or_else(|| {
                CGO_MODULES
                    .iter()
                    .find(|m| modules.iter().any(|module| module.go_mod.requires(m)))
                    .map(|m| format!("go.mod requires `{m}`, which is C code"))
            });
            mains.push(MainPackage {
                path,
                binary,
                cgo,
                module_path: module.go_mod.module.clone().unwrap_or_default(),
                module_root: root.clone(),
                dir_in_module: in_module,
            });
        }
    }
    mains.sort_by(|a, b| a.path.cmp(&b.path));
    mains.dedup_by(|a, b| a.path == b.path);
    Ok(Scan {
        module_dir: module_dir.to_path_buf(),
        context_dir,
        module_rel,
        context_from_module,
        build_rel,
        workspace,
        modules,
        go,
        mains,
        vendor,
        local_replacements,
    })
}

/// A folder the go command skips when it expands `./...` (`go help packages`): `testdata`,
/// `vendor`, and names starting with `.` or `_`.
fn skipped_by_go(name: &str) -> bool {
    name == "testdata" || name == "vendor" || name.starts_with('.') || name.starts_with('_')
}

/// The non-test Go files of a folder that build on Linux, with their text.
fn go_files(dir: &Path) -> Result<Vec<(String, String)>, GenerateError> {
    let entries =
        std::fs::read_dir(dir).map_err(|_| GenerateError::Unreadable(dir.to_path_buf()))?;
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".go")
            || name.ends_with("_test.go")
            || file_goos(&name).is_some_and(|os| os != "linux")
            || !entry.file_type().is_ok_and(|t| t.is_file())
        {
            continue;
        }
        let Ok(bytes) = std::fs::read(entry.path()) else {
            continue;
        };
        let Some(text) = context::read_text(&bytes) else {
            continue;
        };
        if context::go_source::ignored_by_build(text) {
            continue;
        }
        out.push((name, text.to_string()));
    }
    out.sort();
    Ok(out)
}

/// The folders under `root` whose package is `main`, leaving out what the go command leaves
/// out and modules nested inside (folders with a go.mod of their own).
fn main_packages(root: &Path, budget: &mut usize) -> Result<Vec<PathBuf>, GenerateError> {
    let mut found = Vec::new();
    let mut queue = vec![root.to_path_buf()];
    while let Some(dir) = queue.pop() {
        let files = go_files(&dir)?;
        *budget = budget
            .checked_sub(files.len())
            .ok_or(GenerateError::TooLarge)?;
        if files
            .iter()
            .any(|(_, text)| context::go_source::package_name(text) == Some("main"))
        {
            found.push(dir.clone());
        }
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = entry.path();
            if entry.file_type().is_ok_and(|t| t.is_dir())
                && !skipped_by_go(&name)
                && !path.join("go.mod").exists()
            {
                queue.push(path);
            }
        }
    }
    Ok(found)
}

/// Where the packages a build imports are: the modules of the build (by module path) and the
/// vendor folder.
struct PackageIndex {
    /// Module path and folder, longest path first so that nested module paths win.
    modules: Vec<(String, PathBuf)>,
    vendor: PathBuf,
}

impl PackageIndex {
    fn new(
        context_dir: &Path,
        workspace: &Option<(PathBuf, GoWork)>,
        modules: &[Module],
        build_dir: &Path,
    ) -> PackageIndex {
        let mut known: Vec<(String, PathBuf)> = Vec::new();
        let mut add = |dir: PathBuf, go_mod: &GoMod| {
            if let Some(path) = &go_mod.module {
                known.push((path.clone(), dir));
            }
        };
        for module in modules {
            add(context_dir.join(&module.rel), &module.go_mod);
        }
        if let Some((root, work)) = workspace {
            for used in &work.uses {
                let dir = root.join(used);
                if let Read::Read(go_mod) = context::read_go_mod(&dir.join("go.mod")) {
                    add(dir, &go_mod);
                }
            }
        }
        for module in modules {
            for replacement in &module.go_mod.local_replacements {
                let dir = context_dir.join(&module.rel).join(replacement);
                if let Read::Read(go_mod) = context::read_go_mod(&dir.join("go.mod")) {
                    add(dir, &go_mod);
                }
            }
        }
        known.sort_by_key(|(path, _)| std::cmp::Reverse(path.len()));
        PackageIndex {
            modules: known,
            vendor: build_dir.join("vendor"),
        }
    }

    /// The folder of an imported package, when it is in the build's modules or vendored.
    fn folder(&self, import: &str) -> Option<PathBuf> {
        for (path, dir) in &self.modules {
            if import == path {
                return Some(dir.clone());
            }
            if let Some(rest) = import
                .strip_prefix(path.as_str())
                .and_then(|r| r.strip_prefix('/'))
            {
                return Some(dir.join(rest));
            }
        }
        let vendored = self.vendor.join(import);
        vendored.is_dir().then_some(vendored)
    }

    /// The first file, from the main package through the packages it imports that the build
    /// holds, that imports "C".
    fn cgo_evidence(&self, main: &Path, context_dir: &Path) -> Option<String> {
        let mut queue = vec![main.to_path_buf()];
        let mut seen: BTreeSet<PathBuf> = queue.iter().cloned().collect();
        while let Some(dir) = queue.pop() {
            let Ok(files) = go_files(&dir) else {
                continue;
            };
            for (name, text) in &files {
                let imports = context::go_source::imports(text);
                if imports.contains(&"C") {
                    let file =
                        relative(&dir.join(name), context_dir).unwrap_or_else(|| name.clone());
                    return Some(format!("`import \"C\"` in {file}"));
                }
                for import in imports {
                    if let Some(folder) = self.folder(import)
                        && seen.insert(folder.clone())
                    {
                        queue.push(folder);
                    }
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_between_folders() {
        let p = |base: &str, path: &str| path_from(Path::new(base), Path::new(path));
        assert_eq!(p("/w/ws", "/w/ws/api/cmd"), "api/cmd");
        assert_eq!(p("/w/ws", "/w/shared/cmd/x"), "../shared/cmd/x");
        assert_eq!(p("/w/ws", "/w/ws"), "");
        assert_eq!(
            common_ancestor(&[PathBuf::from("/w/ws"), PathBuf::from("/w/shared")]),
            Some(PathBuf::from("/w"))
        );
    }

    #[test]
    fn folders_the_go_command_skips() {
        for name in ["testdata", "vendor", ".git", "_examples"] {
            assert!(skipped_by_go(name), "{name}");
        }
        assert!(!skipped_by_go("cmd") && !skipped_by_go("internal"));
    }
}
