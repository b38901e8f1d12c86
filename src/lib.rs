//! gopherlint: a Dockerfile linter for Go services.
//!
//! The pipeline: bytes → [`syntax`] tree with exact spans → [`shell`] commands → semantic
//! [`model`] → [`rules`] → [`diagnostic`]s → [`output`]. [`lint`] runs it on one text, with no
//! process or I/O involved.

pub mod cache;
pub mod cli;
pub mod config;
pub mod context;
pub mod diagnostic;
pub mod discover;
pub mod fix;
pub mod generate;
pub mod knowledge;
pub mod makefile;
pub mod model;
pub mod output;
pub mod paths;
pub mod repository;
pub mod rules;
pub mod server;
pub mod shell;
pub mod source;
pub mod suppress;
pub mod syntax;

use std::collections::HashMap;

use diagnostic::{Diagnostic, Severity};
use model::{ImageClass, Model, ModelError, ModelOptions, Platform};
use rules::{Context, Rule, RuleSet, RuleSettings};
use source::TextRange;

/// What a lint run is told.
#[derive(Debug, Clone)]
pub struct LintOptions {
    /// The stage that is shipped (`--target`); the last stage when `None`.
    pub target: Option<String>,
    /// The platform built for (`--platform`); linux/amd64 by default.
    pub platform: Platform,
    /// The file's path as the user named it (for `.devcontainer/`, `test/` conventions).
    pub path: Option<String>,
    /// The image class the user set in config, overriding gopherlint's reading.
    pub class: Option<ImageClass>,
    /// The build context, read once per context directory (`None`: not known).
    pub context: Option<std::sync::Arc<context::BuildContext>>,
    /// How the repository builds the file, read from its configuration (`None`: nothing
    /// builds it, or reading is off).
    pub build: Option<std::sync::Arc<repository::Chosen>>,
    /// How the repository's documentation runs its images (`None`: not read).
    pub run_docs: Option<std::sync::Arc<repository::RunDocs>>,
    /// What holds for the file's whole repository (its CI exports a layer cache, the images
    /// its builds tag): `None` when not read.
    pub repo_wide: Option<std::sync::Arc<repository::RepoWide>>,
    /// The folder (from the repository root) of another project copied whole into the
    /// repository that holds the file (its own `.github/`, a module of another account).
    pub nested_project: Option<String>,
    pub rules: RuleSettings,
    /// The rules that run; `None` runs all.
    pub enabled: Option<RuleSet>,
    /// Severity overrides.
    pub severity: HashMap<&'static Rule, Severity>,
    /// Honour `# gopherlint ignore=...` comments (and report unused ones).
    pub ignore_comments: bool,
}

impl Default for LintOptions {
    fn default() -> Self {
        LintOptions {
            target: None,
            platform: Platform::default(),
            path: None,
            class: None,
            context: None,
            build: None,
            run_docs: None,
            repo_wide: None,
            nested_project: None,
            rules: RuleSettings::default(),
            enabled: None,
            severity: HashMap::new(),
            ignore_comments: true,
        }
    }
}

impl LintOptions {
    pub fn is_enabled(&self, rule: &Rule) -> bool {
        self.enabled.as_ref().is_none_or(|e| e.contains(rule))
    }

    /// What the model is told.
    pub fn model_options(&self) -> ModelOptions {
        ModelOptions {
            target: self.target.clone(),
            platform: self.platform.clone(),
            path: self.path.clone(),
            class: self.class,
            context: self.context.clone(),
            build: self.build.clone(),
            run_docs: self.run_docs.clone(),
            repo_wide: self.repo_wide.clone(),
            nested_project: self.nested_project.clone(),
        }
    }
}

/// The findings for one file and the class gopherlint gave its image.
#[derive(Debug, Clone)]
pub struct LintResult {
    pub diagnostics: Vec<Diagnostic>,
    pub class: ImageClass,
    /// Why the text was not linted (a template, an excerpt, a document): a note for the user,
    /// not a finding about the file.
    pub not_linted: Option<String>,
}

/// Lints a Dockerfile's text: rules, then ignore comments, then severity overrides.
/// Diagnostics come sorted by position, then code.
pub fn lint(text: &str, options: &LintOptions) -> Result<Vec<Diagnostic>, ModelError> {
    lint_result(text, options).map(|r| r.diagnostics)
}

/// What `gopherlint --show-model` prints: what gopherlint understood of the file.
pub fn show_model(text: &str, options: &LintOptions) -> Result<String, ModelError> {
    let file = syntax::parse(text);
    let model = Model::build(&file, text, &options.model_options())?;
    Ok(model::describe::describe(&model))
}

/// [`lint`], with the image class.
pub fn lint_result(text: &str, options: &LintOptions) -> Result<LintResult, ModelError> {
    // A file the repository builds as it is (`docker build -f release/Dockerfile.in`) is a
    // Dockerfile whatever its name says.
    let built_as_is = options.build.as_ref().is_some_and(|b| b.builds > 0);
    if let Some(reason) = not_a_dockerfile(text, options.path.as_deref(), built_as_is) {
        return Ok(LintResult {
            diagnostics: Vec::new(),
            class: ImageClass::Unknown,
            not_linted: Some(reason),
        });
    }
    let file = syntax::parse(text);
    let model = Model::build(&file, text, &options.model_options())?;
    let ctx = Context::new(&model, &options.rules);
    let enabled = |rule: &Rule| options.is_enabled(rule);
    let mut diagnostics = rules::check_all(&ctx, &enabled);
    if options.ignore_comments {
        let unused = suppress::apply(&file, text, &mut diagnostics, &enabled);
        if enabled(rules::UNUSED_IGNORE) {
            diagnostics.extend(unused);
        }
    }
    for d in &mut diagnostics {
        if let Some(&severity) = options.severity.get(d.rule) {
            d.severity = severity;
        }
    }
    sort(&mut diagnostics);
    Ok(LintResult {
        diagnostics,
        class: model.purpose.class,
        not_linted: None,
    })
}

/// A template is not a Dockerfile: what it renders is; nor is an excerpt that leaves
/// instructions out, nor a document. Such a file is not linted: directory searches skip it, and
/// named explicitly (as a pre-commit hook names every matching file) it gets a note saying why,
/// with the line that shows it, and no finding: nothing is wrong with a template.
fn not_a_dockerfile(text: &str, path: Option<&str>, built_as_is: bool) -> Option<String> {
    let name = path.map(|p| p.rsplit(['/', '\\']).next().unwrap_or(p));
    let line_of = |start: usize| text[..start].matches('\n').count() + 1;
    let template = |why: &str| {
        format!(
            "this is a template, not a Dockerfile ({why}): lint the Dockerfile rendered from it"
        )
    };
    Some(match discover::template_from_line(text) {
        // The line is a FROM with template syntax, or a whole-line placeholder (`${LABELS}`).
        Some((start, len)) => {
            let line = text[start..start + len].trim();
            let number = line_of(start);
            if line
                .get(..5)
                .is_some_and(|w| w.eq_ignore_ascii_case("from "))
            {
                template(&format!("the FROM on line {number} holds template syntax"))
            } else if line.starts_with("{%") || line.starts_with("{{") {
                template(&format!("line {number}, `{line}`, is a template tag"))
            } else {
                template(&format!(
                    "line {number}, `{line}`, stands where an instruction must, for a script to replace"
                ))
            }
        }
        None if !built_as_is && name.is_some_and(discover::is_template_name) => {
            template("its name is a template's")
        }
        None if let Some(ext) = name.and_then(discover::document_extension) => {
            format!("this is a document, not a Dockerfile (a `{ext}` file)")
        }
        // BuildKit reads `api.Dockerfile.dockerignore` as the ignore file of `api.Dockerfile`.
        None if name.is_some_and(|n| n.to_ascii_lowercase().ends_with(".dockerignore")) => {
            "this is an ignore file, not a Dockerfile: BuildKit reads `<Dockerfile>.dockerignore` as the ignore file of the Dockerfile it is named after".to_string()
        }
        None if let Some(ext) = name.and_then(discover::companion_extension) => {
            format!("this sits beside a Dockerfile under its name but is not one (a `{ext}` file)")
        }
        None => match discover::stand_in_line(text) {
            Some((start, _, discover::StandIn::Elision)) => format!(
                "this is an excerpt, not a whole Dockerfile (`...` on line {} leaves instructions out): gopherlint lints whole files",
                line_of(start)
            ),
            Some((start, len, discover::StandIn::Placeholder)) => template(&format!(
                "line {}, `{}`, stands where an instruction must, for a script to replace",
                line_of(start),
                &text[start..start + len]
            )),
            None if let Some(number) = discover::switched_off(text) => format!(
                "every line of this file is commented out (line {number} was a FROM): nothing builds it"
            ),
            None => {
                let (number, word) = discover::prose_start(text)?;
                format!(
                    "this is not a Dockerfile: no line of it starts with an instruction (line {number} starts `{word}`)"
                )
            }
        },
    })
}

pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (a.range.start, a.range.end, a.code()).cmp(&(b.range.start, b.range.end, b.code()))
    });
}

/// A file's bytes as text for linting.
pub struct Decoded {
    pub text: String,
    /// Why the bytes are not a readable Dockerfile, as a GL000 diagnostic.
    pub problem: Option<Diagnostic>,
    /// The content is binary: nothing but `problem` should be reported.
    pub binary: bool,
}

/// Decodes a file. A NUL byte marks it binary. Invalid UTF-8 is reported, and each invalid byte
/// is read as `?` so that every byte offset stays the same as in the file.
/// Takes the bytes by value: valid UTF-8, the usual case, becomes the text without a copy.
pub fn decode(bytes: Vec<u8>) -> Decoded {
    let parse_error =
        |range: TextRange, message: String| Diagnostic::new(rules::PARSE_ERROR, range, message);
    if let Some(nul) = bytes.iter().position(|&b| b == 0) {
        return Decoded {
            text: String::new(),
            problem: Some(parse_error(
                TextRange::empty(0),
                format!(
                    "this is not a Dockerfile: it holds binary data (a NUL byte at offset {nul})"
                ),
            )),
            binary: true,
        };
    }
    match String::from_utf8(bytes) {
        Ok(text) => Decoded {
            text,
            problem: None,
            binary: false,
        },
        Err(invalid) => {
            let error = invalid.utf8_error();
            let bytes = invalid.into_bytes();
            let first = error.valid_up_to();
            let mut text = String::with_capacity(bytes.len());
            let mut rest = bytes.as_slice();
            loop {
                match std::str::from_utf8(rest) {
                    Ok(valid) => {
                        text.push_str(valid);
                        break;
                    }
                    Err(e) => {
                        let (valid, after) = rest.split_at(e.valid_up_to());
                        text.push_str(std::str::from_utf8(valid).unwrap_or_default());
                        let bad = e.error_len().unwrap_or(after.len());
                        text.extend(std::iter::repeat_n('?', bad));
                        rest = &after[bad..];
                    }
                }
            }
            let end = (first + error.error_len().unwrap_or(1)).min(text.len());
            Decoded {
                text,
                problem: Some(parse_error(
                    TextRange::new(first, end),
                    format!(
                        "the file is not valid UTF-8 (first bad byte at offset {first}); those bytes are read as `?`"
                    ),
                )),
                binary: false,
            }
        }
    }
}
