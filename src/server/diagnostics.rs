//! gopherlint's findings as the protocol's diagnostics: code, rule name, a link to the rule's
//! documentation, severity, message with its help, and the labels as related information.

use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    Uri,
};

use super::position::Positions;
use crate::diagnostic::{Diagnostic, Severity};

/// The `source` of every diagnostic, which clients show beside it.
pub const SOURCE: &str = "gopherlint";

fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

/// One finding for the client. The message carries the help on a line of its own, as editors
/// show a diagnostic's message and nothing else of it.
pub fn to_lsp(d: &Diagnostic, uri: &Uri, positions: &Positions) -> lsp_types::Diagnostic {
    let mut message = format!("{} ({})", d.message, d.name());
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .map(|label| DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), positions.range(label.range)),
            message: label.message.clone(),
        })
        .collect();
    lsp_types::Diagnostic {
        range: positions.range(d.range),
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.code().to_string())),
        code_description: d
            .rule
            .doc_url()
            .parse()
            .ok()
            .map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}
