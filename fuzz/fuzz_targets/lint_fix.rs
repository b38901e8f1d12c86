//! Arbitrary bytes through the whole pipeline: decode, parse, lint, every output format, and
//! safe and unsafe fixes, `--show-model`'s account, and the build-context readers. Nothing may panic; a fixed file must parse; fixes must converge.
#![no_main]

use gopherlint::fix::{FixError, FixMode, fix};
use gopherlint::output::{FileReport, Format, render};
use gopherlint::{LintOptions, decode, lint, show_model};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The build-context readers take the same bytes as a go.mod, go.work or .dockerignore.
    if let Some(text) = gopherlint::context::read_text(data) {
        let module = gopherlint::context::GoMod::parse(text);
        let _ = module.required();
        let _ = module.binary_name(".");
        let _ = gopherlint::context::GoWork::parse(text);
        let ignore = gopherlint::context::DockerIgnore::parse(text);
        let _ = ignore.excludes(".git");
        let _ = ignore.excludes("cmd/server/main.go");
    }
    let decoded = decode(data.to_vec());
    if decoded.binary {
        return;
    }
    // The context rules (GL210, GL212) see a context whose go.mod and .dockerignore are the
    // Dockerfile's own bytes: nonsense for them, and it must stay harmless.
    let mut context = gopherlint::context::BuildContext::absent("fuzz");
    context.exists = true;
    context.git = true;
    context.go_mod = gopherlint::context::Read::Read(gopherlint::context::GoMod::parse(&decoded.text));
    context.dockerignore = gopherlint::context::Read::Read(
        gopherlint::context::DockerIgnore::parse(&decoded.text),
    );
    let with_context = LintOptions {
        context: Some(std::sync::Arc::new(context)),
        ..LintOptions::default()
    };
    let _ = lint(&decoded.text, &with_context);
    let options = LintOptions::default();
    let Ok(diagnostics) = lint(&decoded.text, &options) else {
        return;
    };
    let _ = show_model(&decoded.text, &options);
    let report = FileReport {
        path: "Dockerfile".into(),
        text: decoded.text.clone(),
        diagnostics,
        class: None,
    };
    let reports = [report];
    for format in [
        Format::Human { color: false },
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::Compact,
        Format::Gitlab,
        Format::Checkstyle,
    ] {
        render(format, &reports).expect("output serialises");
    }
    for mode in [FixMode::Safe, FixMode::Unsafe] {
        match fix(&decoded.text, &options, mode) {
            Ok(outcome) => {
                let again = fix(&outcome.text, &options, mode).expect("a fixed file fixes again");
                assert_eq!(again.text, outcome.text, "fixing is idempotent");
            }
            Err(FixError::ParseErrors | FixError::Model(_)) => {}
            Err(error @ (FixError::Broke { .. } | FixError::DidNotConverge)) => {
                panic!("{error}\n--- input\n{}", decoded.text)
            }
        }
    }
});
