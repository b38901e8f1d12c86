//! `gopherlint generate`: writes the Dockerfile for a Go module, and a `.dockerignore` when its
//! build context has none. Every choice comes from the module (its go.mod, go.work, main
//! packages, cgo, vendor folder, `.git`) and from the knowledge layer the rules check against,
//! so the linter and the generator cannot disagree; and the file is linted with the module as
//! its build context before anything is written. A finding there is a bug in the generator.
//!
//! A front end like the CLI and the language server: it calls the library (`lint`), never the
//! CLI.

mod dockerfile;
pub mod module_scan;
mod plan;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::context::{BuildContext, DockerIgnore, Read};

pub use module_scan::{MainPackage, Scan};
pub use plan::Plan;

/// The final image's base, when the user picks one (`--base`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    /// `scratch`: nothing but what the Dockerfile copies (the default without cgo).
    Scratch,
    /// distroless: `static` without cgo, `cc` with it (the default with cgo).
    Distroless,
    /// Chainguard's `static`.
    Chainguard,
}

impl Base {
    pub fn as_str(self) -> &'static str {
        match self {
            Base::Scratch => "scratch",
            Base::Distroless => "distroless",
            Base::Chainguard => "chainguard",
        }
    }
}

/// What `gopherlint generate` is asked.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The module's folder (`.` by default).
    pub module_dir: PathBuf,
    /// The main package to build (`--main`), as a path (`./cmd/api`) or an import path.
    pub main: Option<String>,
    /// `--base`.
    pub base: Option<Base>,
    /// `--port`: a port to `EXPOSE`.
    pub port: Option<u16>,
}

/// Why nothing was written. Each is one line after `gopherlint: `.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GenerateError {
    NotADirectory(PathBuf),
    NoGoMod(PathBuf),
    Unreadable(PathBuf),
    NoGoLine(PathBuf),
    BadGoLine(PathBuf, String),
    OutsideContext(PathBuf),
    TooLarge,
    NoMainPackage(PathBuf),
    SeveralMains(Vec<String>),
    NotAMain(String, Vec<String>),
    /// cgo and a base without the C library it links.
    CgoBase(Base, String),
    /// The context's ignore file leaves out a path the build copies.
    IgnoredInput(String),
    /// The Dockerfile exists and `--force` was not given.
    Exists(PathBuf),
    /// The generated file has findings: a bug in the generator.
    Findings(Vec<String>),
    Write(PathBuf, String),
}

impl fmt::Display for GenerateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GenerateError::NotADirectory(dir) => {
                write!(
                    f,
                    "`{}` is not a directory: name the folder of a Go module",
                    dir.display()
                )
            }
            GenerateError::NoGoMod(dir) => write!(
                f,
                "`{}` has no go.mod (nor go.work): name the folder of a Go module",
                dir.display()
            ),
            GenerateError::Unreadable(path) => write!(
                f,
                "cannot read `{}`: it is not a UTF-8 text file of at most 1 MiB, or not readable",
                path.display()
            ),
            GenerateError::NoGoLine(path) => write!(
                f,
                "`{}` has no `go` line, so the Go release to build with is unknown: add one (`go mod edit -go=1.N`)",
                path.display()
            ),
            GenerateError::BadGoLine(path, line) => write!(
                f,
                "the `go` line of `{}` is `go {line}`, not a Go release (`go 1.N` or `go 1.N.P`)",
                path.display()
            ),
            GenerateError::OutsideContext(dir) => write!(
                f,
                "the module `{}` is outside the build context",
                dir.display()
            ),
            GenerateError::TooLarge => write!(
                f,
                "the module has more Go files than gopherlint reads to find its main packages: name the one to build with --main"
            ),
            GenerateError::NoMainPackage(dir) => write!(
                f,
                "`{}` has no main package (`package main`) to build",
                dir.display()
            ),
            GenerateError::SeveralMains(mains) => write!(
                f,
                "the module has several main packages: {}; pick one with --main",
                mains.join(", ")
            ),
            GenerateError::NotAMain(given, mains) => write!(
                f,
                "`{given}` is not a main package of the module (its main packages: {})",
                mains.join(", ")
            ),
            GenerateError::CgoBase(base, why) => write!(
                f,
                "the program uses cgo ({why}): it links the C library dynamically, which --base {} does not have; leave --base out (or use --base distroless) to ship it on distroless cc",
                base.as_str()
            ),
            GenerateError::IgnoredInput(path) => write!(
                f,
                "the build context's .dockerignore leaves out `{path}`, which the build copies"
            ),
            GenerateError::Exists(path) => write!(
                f,
                "`{}` exists and is left alone: --force replaces it, --stdout prints the generated file",
                path.display()
            ),
            GenerateError::Findings(findings) => write!(
                f,
                "internal error: the generated Dockerfile has findings, which is a bug in `gopherlint generate` (please report it): {}",
                findings.join("; ")
            ),
            GenerateError::Write(path, why) => {
                write!(f, "cannot write `{}`: {why}", path.display())
            }
        }
    }
}

/// A generated Dockerfile, linted clean, and where it goes.
#[derive(Debug, Clone)]
pub struct Generated {
    pub plan: Plan,
    /// The Dockerfile's text.
    pub dockerfile: String,
    /// Where it goes: `Dockerfile` in the module's folder.
    pub dockerfile_path: PathBuf,
    /// The `.dockerignore` to write beside the context's root, when the context has none.
    pub dockerignore: Option<(PathBuf, String)>,
    /// Things the user should know that stop nothing (an old Go release, a file not written).
    pub notes: Vec<String>,
}

/// The name of the file `gopherlint generate` writes.
pub const DOCKERFILE: &str = "Dockerfile";

/// Reads the module, plans and writes the Dockerfile's text, and lints it with the module as its
/// build context. Writes nothing.
pub fn generate(options: &Options) -> Result<Generated, GenerateError> {
    let scan = module_scan::scan(&options.module_dir)?;
    let main = choose_main(&scan, options.main.as_deref())?;
    let mut context = BuildContext::load(&scan.context_dir);
    let dockerfile_rel = if scan.module_rel.is_empty() {
        DOCKERFILE.to_string()
    } else {
        format!("{}/{DOCKERFILE}", scan.module_rel)
    };
    // The context as `docker build` will see it once generate has written its files: with the
    // .dockerignore it writes when there is none.
    let dockerignore = match context.dockerignore {
        Read::Missing => {
            let text = dockerfile::dockerignore(&dockerfile_rel);
            context.dockerignore = Read::Read(DockerIgnore::parse(&text));
            context.dockerignore_name = Some(".dockerignore".into());
            let context = tidy(&options.module_dir.join(&scan.context_from_module));
            Some((context.join(".dockerignore"), text))
        }
        _ => None,
    };
    let plan = plan::plan(&scan, main, options, &context)?;
    for input in plan.inputs() {
        if context.sends(&input) == Some(false) {
            return Err(GenerateError::IgnoredInput(input));
        }
    }
    let text = dockerfile::render(&plan);
    lint_clean(&text, context, &dockerfile_rel)?;
    Ok(Generated {
        notes: plan.notes(),
        plan,
        dockerfile: text,
        dockerfile_path: tidy(&options.module_dir).join(DOCKERFILE),
        dockerignore,
    })
}

/// `path` with `.` and `name/..` taken out, as far as the text tells (`ws/api/..` is `ws`), to
/// name files as the user would.
fn tidy(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out: Vec<Component> = Vec::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    // Empty for the current folder: `Dockerfile`, not `./Dockerfile`.
    out.iter().collect()
}

/// The main package to build: the one there is, or the one `--main` names.
fn choose_main(scan: &Scan, wanted: Option<&str>) -> Result<MainPackage, GenerateError> {
    let paths: Vec<String> = scan.mains.iter().map(|m| m.path.clone()).collect();
    let Some(wanted) = wanted else {
        return match scan.mains.as_slice() {
            [] => Err(GenerateError::NoMainPackage(scan.module_dir.clone())),
            [only] => Ok(only.clone()),
            _ => Err(GenerateError::SeveralMains(paths)),
        };
    };
    // An import path (`example.com/m/cmd/api`) names the package its folder holds.
    let by_import = scan.mains.iter().find(|m| {
        let import = if m.dir_in_module.is_empty() {
            m.module_path.clone()
        } else {
            format!("{}/{}", m.module_path, m.dir_in_module)
        };
        !m.module_path.is_empty() && import == wanted
    });
    if let Some(main) = by_import {
        return Ok(main.clone());
    }
    // A path from the build folder, with or without `./` and a trailing slash.
    let path = wanted.trim_end_matches('/');
    let path = path.strip_prefix("./").unwrap_or(path);
    let wanted_path = if path.is_empty() || path == "." {
        ".".to_string()
    } else if path.starts_with("..") {
        path.to_string()
    } else {
        format!("./{path}")
    };
    scan.mains
        .iter()
        .find(|m| m.path == wanted_path)
        .cloned()
        .ok_or_else(|| GenerateError::NotAMain(wanted.to_string(), paths))
}

/// Lints the generated text as `gopherlint --context <context> <Dockerfile>` would: every rule,
/// every severity. Any finding is a bug here.
fn lint_clean(text: &str, context: BuildContext, path: &str) -> Result<(), GenerateError> {
    let options = crate::LintOptions {
        context: Some(Arc::new(context)),
        path: Some(path.to_string()),
        ..crate::LintOptions::default()
    };
    let found =
        crate::lint(text, &options).map_err(|e| GenerateError::Findings(vec![e.to_string()]))?;
    if found.is_empty() {
        return Ok(());
    }
    Err(GenerateError::Findings(
        found
            .iter()
            .map(|d| format!("{} {}", d.code(), d.message))
            .collect(),
    ))
}

/// Writes the Dockerfile (replacing one only with `force`) and the `.dockerignore`, each
/// atomically: a temporary file in the same folder, then a rename, or for a new file a link
/// that fails if one has appeared meanwhile. The names of the files written.
pub fn write(generated: &Generated, force: bool) -> Result<Vec<PathBuf>, GenerateError> {
    let mut written = Vec::new();
    let path = &generated.dockerfile_path;
    let result = if path.exists() {
        if !force {
            return Err(GenerateError::Exists(path.clone()));
        }
        crate::fix::write_atomically(path, &generated.dockerfile)
    } else {
        crate::fix::write_new_atomically(path, &generated.dockerfile)
    };
    result.map_err(|e| write_error(path, &e))?;
    written.push(path.clone());
    if let Some((ignore_path, text)) = &generated.dockerignore {
        match crate::fix::write_new_atomically(ignore_path, text) {
            Ok(()) => written.push(ignore_path.clone()),
            // One appeared since the context was read: it is the user's, and stays.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(write_error(ignore_path, &e)),
        }
    }
    Ok(written)
}

fn write_error(path: &Path, error: &std::io::Error) -> GenerateError {
    GenerateError::Write(path.to_path_buf(), error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finding_in_the_generated_file_stops_it() {
        let context = BuildContext::absent("ctx");
        let error = lint_clean(
            "FROM golang:1.23\nRUN go build -o /app .\nENTRYPOINT [\"/app\"]\n",
            context,
            "Dockerfile",
        )
        .expect_err("findings");
        let GenerateError::Findings(found) = &error else {
            panic!("{error:?}");
        };
        assert!(found.iter().any(|f| f.starts_with("GL001 ")), "{found:?}");
        assert!(
            error
                .to_string()
                .starts_with("internal error: the generated Dockerfile has findings")
        );
        assert!(!error.to_string().contains('\n'));
    }

    #[test]
    fn paths_are_tidied_as_written() {
        assert_eq!(tidy(Path::new("ws/api/..")), PathBuf::from("ws"));
        assert_eq!(tidy(Path::new("./svc/../..")), PathBuf::from(".."));
        assert_eq!(
            tidy(Path::new(".")).join(DOCKERFILE),
            PathBuf::from("Dockerfile")
        );
        assert_eq!(tidy(Path::new("/tmp/m/.")), PathBuf::from("/tmp/m"));
    }
}
