//! The documents the client has open: their text and version, the options they are linted
//! with, and their last findings, which code actions and hover read.

use std::collections::{HashMap, HashSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use lsp_types::{
    CodeActionOrCommand, CodeActionParams, DidChangeTextDocumentParams, HoverParams, MessageType,
    PublishDiagnosticsParams, TextDocumentItem, Uri,
};

use super::actions::{self, Request};
use super::diagnostics::to_lsp;
use super::hover::hover;
use super::position::Encoding;
use super::positions;
use crate::LintOptions;
use crate::cli::DocumentResolver;
use crate::diagnostic::Diagnostic;

struct Document {
    uri: Uri,
    text: String,
    version: i32,
    /// The file on disk the document is (its config, context and repository are found from
    /// there); `None` for a document that is not a file (`untitled:`).
    path: Option<PathBuf>,
    /// The options and findings of the last lint.
    options: Option<LintOptions>,
    diagnostics: Vec<Diagnostic>,
}

/// What linting a document gave: messages for the client, and the diagnostics to push.
pub struct Outcome {
    pub messages: Vec<(MessageType, String)>,
    /// An error not shown before: worth a pop-up, not only a log line.
    pub show: bool,
    pub published: Option<PublishDiagnosticsParams>,
}

pub struct Documents {
    open: HashMap<String, Document>,
    resolver: Option<DocumentResolver>,
    /// Config errors already shown to the user (each once until the settings are read again).
    shown: HashSet<String>,
}

impl Documents {
    pub fn new() -> Documents {
        Documents {
            open: HashMap::new(),
            resolver: None,
            shown: HashSet::new(),
        }
    }

    /// Takes a newly opened document if it is a Dockerfile; the URIs to lint.
    pub fn open(&mut self, item: TextDocumentItem) -> Option<Vec<Uri>> {
        let path = file_path(&item.uri);
        let name = item.uri.as_str().rsplit('/').next().unwrap_or_default();
        if !is_dockerfile(&percent_decode(name), &item.language_id) {
            return None;
        }
        let uri = item.uri.clone();
        self.open.insert(
            item.uri.as_str().to_string(),
            Document {
                uri: item.uri,
                text: item.text,
                version: item.version,
                path,
                options: None,
                diagnostics: Vec::new(),
            },
        );
        Some(vec![uri])
    }

    /// Takes a change (the whole text: the server asks for full synchronisation).
    pub fn change(&mut self, params: DidChangeTextDocumentParams) -> Option<Vec<Uri>> {
        let doc = self.open.get_mut(params.text_document.uri.as_str())?;
        // With full synchronisation the last change holds the whole text.
        let change = params.content_changes.into_iter().next_back()?;
        if change.range.is_some() {
            return None;
        }
        doc.text = change.text;
        doc.version = params.text_document.version;
        Some(vec![doc.uri.clone()])
    }

    /// Forgets a closed document; whether it was one of ours.
    pub fn close(&mut self, uri: &Uri) -> bool {
        self.open.remove(uri.as_str()).is_some()
    }

    /// Configs, contexts and build configurations are read again at the next lint.
    pub fn reload_settings(&mut self) {
        self.resolver = None;
        self.shown.clear();
    }

    pub fn uris(&self) -> Vec<Uri> {
        self.open.values().map(|d| d.uri.clone()).collect()
    }

    pub fn lint(&mut self, uri: &Uri, encoding: Encoding) -> Outcome {
        let mut outcome = Outcome {
            messages: Vec::new(),
            show: false,
            published: None,
        };
        let Some(doc) = self.open.get_mut(uri.as_str()) else {
            return outcome;
        };
        let options = match &doc.path {
            None => Ok(LintOptions::default()),
            Some(path) => {
                if self.resolver.is_none() {
                    match DocumentResolver::new() {
                        Ok(resolver) => self.resolver = Some(resolver),
                        Err(e) => outcome.messages.push((MessageType::ERROR, e)),
                    }
                }
                match self.resolver.as_mut() {
                    Some(resolver) => {
                        // The readers are a dependency's code on the user's files: a panic in
                        // them loses this document's options, not the server.
                        match catch_unwind(AssertUnwindSafe(|| resolver.options(path, &doc.text))) {
                            Ok(result) => result,
                            Err(_) => {
                                self.resolver = None;
                                Err(format!(
                                    "internal error reading the settings of `{}`; please report it",
                                    path.display()
                                ))
                            }
                        }
                    }
                    None => Ok(LintOptions::default()),
                }
            }
        };
        let options = match options {
            Ok(options) => options,
            Err(message) => {
                outcome.show = self.shown.insert(message.clone());
                outcome
                    .messages
                    .push((MessageType::ERROR, format!("gopherlint: {message}")));
                doc.options = None;
                doc.diagnostics.clear();
                outcome.published = Some(PublishDiagnosticsParams::new(
                    doc.uri.clone(),
                    Vec::new(),
                    Some(doc.version),
                ));
                return outcome;
            }
        };
        let linted = catch_unwind(AssertUnwindSafe(|| crate::lint(&doc.text, &options)));
        doc.diagnostics = match linted {
            Ok(Ok(diagnostics)) => diagnostics,
            Ok(Err(error)) => {
                outcome.messages.push((
                    MessageType::WARNING,
                    format!("gopherlint: {}: {error}", doc.uri.as_str()),
                ));
                Vec::new()
            }
            Err(_) => {
                outcome.messages.push((
                    MessageType::ERROR,
                    format!(
                        "gopherlint: internal error linting {}; please report it with the file",
                        doc.uri.as_str()
                    ),
                ));
                Vec::new()
            }
        };
        doc.options = Some(options);
        let positions = positions(&doc.text, encoding);
        let diagnostics = doc
            .diagnostics
            .iter()
            .map(|d| to_lsp(d, &doc.uri, &positions))
            .collect();
        outcome.published = Some(PublishDiagnosticsParams::new(
            doc.uri.clone(),
            diagnostics,
            Some(doc.version),
        ));
        outcome
    }

    pub fn code_actions(
        &self,
        params: &CodeActionParams,
        encoding: Encoding,
    ) -> Vec<CodeActionOrCommand> {
        let Some(doc) = self.open.get(params.text_document.uri.as_str()) else {
            return Vec::new();
        };
        let Some(options) = &doc.options else {
            return Vec::new();
        };
        let positions = positions(&doc.text, encoding);
        let start = positions.offset(params.range.start);
        let end = positions.offset(params.range.end).max(start);
        let request = Request {
            uri: &doc.uri,
            text: &doc.text,
            options,
            diagnostics: &doc.diagnostics,
            range: crate::source::TextRange::new(start, end),
            only: params.context.only.as_deref(),
        };
        catch_unwind(AssertUnwindSafe(|| actions::actions(&request, &positions)))
            .unwrap_or_default()
    }

    pub fn hover(&self, params: &HoverParams, encoding: Encoding) -> Option<String> {
        let at = &params.text_document_position_params;
        let doc = self.open.get(at.text_document.uri.as_str())?;
        let options = doc.options.as_ref()?;
        let offset = positions(&doc.text, encoding).offset(at.position);
        catch_unwind(AssertUnwindSafe(|| {
            let file = crate::syntax::parse(&doc.text);
            let model =
                crate::model::Model::build(&file, &doc.text, &options.model_options()).ok()?;
            hover(&model, &doc.diagnostics, offset)
        }))
        .ok()
        .flatten()
    }
}

/// A document gopherlint lints: sent as a Dockerfile, or named like one (`Dockerfile`,
/// `Dockerfile.*`, `*.Dockerfile`, `Containerfile*`, in any case).
fn is_dockerfile(name: &str, language: &str) -> bool {
    if language.eq_ignore_ascii_case("dockerfile") || language.eq_ignore_ascii_case("containerfile")
    {
        return true;
    }
    let lower = name.to_ascii_lowercase();
    lower == "dockerfile"
        || lower.starts_with("dockerfile.")
        || lower.ends_with(".dockerfile")
        || lower.starts_with("containerfile")
}

/// The path of a `file:` URI (`file:///home/a/Dockerfile`, `file://localhost/...`,
/// percent-escapes decoded); `None` for other schemes.
fn file_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // The authority (empty, or `localhost`) ends where the path starts.
    let path = &rest[rest.find('/')?..];
    let path = percent_decode(path);
    // `file:///C:/src/Dockerfile` on Windows: the drive comes after the slash.
    #[cfg(windows)]
    let path = match path.as_bytes() {
        [b'/', drive, b':', ..] if drive.is_ascii_alphabetic() => path[1..].to_string(),
        _ => path,
    };
    Some(PathBuf::from(path))
}

/// `%XX` escapes decoded; a malformed escape is kept as written.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_dockerfiles_by_name_and_language() {
        for name in [
            "Dockerfile",
            "dockerfile",
            "Dockerfile.dev",
            "api.Dockerfile",
            "Containerfile",
        ] {
            assert!(is_dockerfile(name, "plaintext"), "{name}");
        }
        assert!(is_dockerfile("build.txt", "dockerfile"));
        assert!(!is_dockerfile("main.go", "go"));
        assert!(!is_dockerfile("Dockerfiles.md", "markdown"));
    }

    #[test]
    fn reads_file_uris() {
        let uri: Uri = "file:///home/a%20b/Docker%66ile".parse().expect("uri");
        assert_eq!(file_path(&uri), Some(PathBuf::from("/home/a b/Dockerfile")));
        let local: Uri = "file://localhost/srv/Dockerfile".parse().expect("uri");
        assert_eq!(file_path(&local), Some(PathBuf::from("/srv/Dockerfile")));
        let untitled: Uri = "untitled:Untitled-1".parse().expect("uri");
        assert_eq!(file_path(&untitled), None);
        assert_eq!(percent_decode("100%"), "100%");
    }
}
