//! Parser behaviour beyond BuildKit's own test files: exact ranges, losslessness, error
//! recovery, and the constructs modern Dockerfiles use.

use gopherlint::source::TextRange;
use gopherlint::syntax::{Args, Dockerfile, Instruction, Keyword, dump, parse};

fn slice(text: &str, range: TextRange) -> &str {
    &text[range.start..range.end]
}

/// Every token range an instruction has, for the losslessness check.
fn tokens(i: &Instruction) -> Vec<TextRange> {
    let mut out = vec![i.keyword_range];
    for f in &i.flags {
        out.push(f.range);
    }
    match &i.args {
        Args::Words(words) => out.extend(words.iter().map(|w| w.range)),
        Args::Exec(exec) => out.extend(exec.elements.iter().map(|w| w.range)),
        Args::Text(word) => out.push(word.range),
        Args::Shell(shell) => out.push(shell.range),
        Args::KeyValues(pairs) => {
            for p in pairs {
                out.push(p.key.range);
                out.push(p.value.range);
            }
        }
        Args::Healthcheck { kind, .. } => out.push(kind.range),
        Args::OnBuild(inner) => out.extend(tokens(inner)),
        Args::None => {}
    }
    for h in &i.heredocs {
        out.push(h.body_range);
        out.extend(h.terminator_range);
    }
    out
}

/// Items tile the file: in order, no overlap, only whitespace (or a BOM) between them; every
/// token lies inside its instruction.
fn assert_lossless(text: &str, file: &Dockerfile) {
    let mut items: Vec<TextRange> = file.directives.iter().map(|d| d.range).collect();
    items.extend(file.comments.iter().map(|c| c.range));
    items.extend(file.instructions.iter().map(|i| i.range));
    items.sort();
    let mut covered = 0;
    for item in &items {
        assert!(item.start >= covered, "overlapping items at {item:?}");
        let gap = &text[covered..item.start];
        assert!(
            gap.chars().all(|c| c.is_whitespace() || c == '\u{feff}'),
            "untracked text {gap:?} before {item:?}"
        );
        covered = item.end;
    }
    assert!(
        text[covered..].chars().all(char::is_whitespace),
        "untracked text at the end"
    );
    for instruction in &file.instructions {
        for token in tokens(instruction) {
            assert!(
                instruction.range.contains_range(token),
                "token {token:?} outside {:?}",
                instruction.range
            );
        }
    }
}

#[test]
fn ranges_point_at_the_words() {
    let text = "FROM --platform=$BUILDPLATFORM golang:1.23 AS build\nCOPY --from=build --link /a /b\nENV A=1 B=\"two words\"\nCMD [\"/app\", \"--flag\"]\n";
    let file = parse(text);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    assert_lossless(text, &file);
    let from = &file.instructions[0];
    assert_eq!(slice(text, from.keyword_range), "FROM");
    let platform = from.flag("platform").expect("platform flag");
    assert_eq!(slice(text, platform.range), "--platform=$BUILDPLATFORM");
    assert_eq!(
        slice(text, platform.value_range.expect("value")),
        "$BUILDPLATFORM"
    );
    let words: Vec<_> = from
        .arg_words()
        .iter()
        .map(|w| slice(text, w.range))
        .collect();
    assert_eq!(words, ["golang:1.23", "AS", "build"]);
    let copy = &file.instructions[1];
    assert_eq!(copy.flags.len(), 2, "--link is a flag, not a source");
    assert_eq!(copy.arg_words().len(), 2);
    let Args::KeyValues(pairs) = &file.instructions[2].args else {
        panic!("ENV pairs")
    };
    assert_eq!(slice(text, pairs[1].value.range), "\"two words\"");
    assert_eq!(pairs[1].value.value, "two words");
    let cmd = &file.instructions[3];
    assert_eq!(slice(text, cmd.arg_words()[1].range), "\"--flag\"");
}

#[test]
fn crlf_bom_and_lowercase_keywords() {
    let text = "\u{feff}from alpine:3.20 as base\r\nrun echo a \\\r\n  && echo b\r\nuser 1000\r\n";
    let file = parse(text);
    assert!(file.bom);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    assert_lossless(text, &file);
    assert_eq!(
        dump(&file),
        "(from \"alpine:3.20\" \"as\" \"base\")\n(run \"echo a   && echo b\")\n(user \"1000\")\n"
    );
    assert_eq!(file.instructions[0].keyword, Keyword::From);
    assert_eq!(
        slice(text, file.instructions[2].arg_words()[0].range),
        "1000"
    );
}

#[test]
fn continuation_with_comments_and_blank_lines_keeps_word_ranges() {
    let text = "FROM scratch\nRUN go build \\\n# a comment\n\n    -o /out/app \\\n    .\n";
    let file = parse(text);
    assert_lossless(text, &file);
    let run = &file.instructions[1];
    assert_eq!(run.comments.len(), 1);
    let Args::Shell(shell) = &run.args else {
        panic!("shell form")
    };
    assert_eq!(shell.text, "go build     -o /out/app     .");
    assert_eq!(slice(text, run.range), &text[13..text.len() - 1]);
}

#[test]
fn heredocs_in_all_their_forms() {
    let text = "FROM alpine\nRUN cat <<EOF > /a && cat <<-\"END\" >/b\nx $y\nEOF\n\t\tz\n\tEND\nCOPY <<'CONF' /etc/app.conf\nkey=1\nCONF\nRUN 3<<EOF cat <&3\nfd\nEOF\nRUN <<EOF\necho done\nEOF\nUSER 1\n";
    let file = parse(text);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    assert_lossless(text, &file);
    let run = &file.instructions[1];
    assert_eq!(run.heredocs.len(), 2);
    assert_eq!(run.heredocs[0].name, "EOF");
    assert!(run.heredocs[0].expand);
    assert_eq!(slice(text, run.heredocs[0].body_range), "x $y\n");
    assert_eq!(run.heredocs[1].name, "END");
    assert!(run.heredocs[1].chomp && !run.heredocs[1].expand);
    assert_eq!(slice(text, run.heredocs[1].body_range), "\t\tz\n");
    assert_eq!(slice(text, run.heredocs[1].marker_range), "<<-\"END\"");
    let copy = &file.instructions[2];
    assert_eq!(copy.heredocs[0].name, "CONF");
    assert!(!copy.heredocs[0].expand);
    assert_eq!(file.instructions[3].heredocs[0].file_descriptor, Some(3));
    assert_eq!(
        file.instructions.last().map(|i| i.keyword),
        Some(Keyword::User)
    );
}

#[test]
fn heredoc_terminator_directly_followed_by_an_instruction() {
    // hadolint gives up on the whole file here.
    let text = "FROM alpine\nRUN <<EOF\necho hi\nEOF\nUSER 1000\n";
    let file = parse(text);
    assert!(file.errors.is_empty());
    assert_eq!(file.instructions.len(), 3);
}

/// BuildKit 0.22 takes blanks between `<<` and the delimiter (moby/buildkit#5817), but not
/// after `<<-`, where the `-` ends them.
#[test]
fn heredoc_delimiter_after_blanks() {
    let text = "FROM alpine\nRUN cat > /run.sh << 'EOF'\nset -e\nRED='x'\nEOF\nUSER 1000\n";
    let file = parse(text);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    assert_eq!(file.instructions.len(), 3);
    let run = &file.instructions[1];
    assert_eq!(run.heredocs[0].name, "EOF");
    assert!(!run.heredocs[0].expand);
    assert_eq!(slice(text, run.heredocs[0].marker_range), "<< 'EOF'");
    assert_eq!(slice(text, run.heredocs[0].body_range), "set -e\nRED='x'\n");
    let dashed = parse("FROM alpine\nRUN cat <<- EOF\nhello\nEOF\n");
    assert!(dashed.instructions[1].heredocs.is_empty());
    assert!(!dashed.errors.is_empty());
}

#[test]
fn escape_directive_switches_continuations() {
    let text = "# escape=`\nFROM mcr.microsoft.com/windows/servercore\nRUN dir `\n  c:\\\n";
    let file = parse(text);
    assert_eq!(file.escape, '`');
    assert_eq!(file.directives.len(), 1);
    assert_eq!(
        dump(&file),
        "(from \"mcr.microsoft.com/windows/servercore\")\n(run \"dir   c:\\\\\")\n"
    );
}

#[test]
fn escaped_backslash_at_line_end_is_not_a_continuation() {
    let text = "FROM alpine\nENV C=trailing\\\\\nUSER 1\n";
    let file = parse(text);
    assert_eq!(file.instructions.len(), 3);
}

#[test]
fn bad_lines_are_reported_and_reading_goes_on() {
    let text = "FROM golang:1.23 AS build\nFOO bar\nCMD [\"a\", [\"nested\"]]\nENV ONLYNAME\nCOPY --owner=x a b\nRUN <<EOF\nnever closed\n";
    let file = parse(text);
    let messages: Vec<_> = file
        .errors
        .iter()
        .map(|e| (slice(text, e.range), e.message.as_str()))
        .collect();
    assert_eq!(messages.len(), 5, "{messages:#?}");
    assert_eq!(messages[0], ("FOO", "unknown instruction `FOO`"));
    assert!(messages[1].1.contains("JSON array of strings"));
    assert!(messages[2].1.contains("has no value"));
    assert_eq!(messages[3].0, "--owner=x");
    assert!(messages[4].1.starts_with("unterminated heredoc"));
    assert_eq!(file.instructions.len(), 6);
}

#[test]
fn empty_and_comment_only_files_are_reported() {
    for text in ["", "# only a comment\n\n"] {
        let file = parse(text);
        assert_eq!(file.errors.len(), 1);
        assert!(file.errors[0].message.contains("no instructions"));
    }
}

#[test]
fn a_20000_line_run_does_not_overflow_and_stays_exact() {
    let mut text = String::from("FROM golang:1.23\nRUN true");
    for i in 0..20_000 {
        text.push_str(&format!(" \\\n  && echo {i}"));
    }
    text.push_str(" \\\n  && go build -o /app .\nENTRYPOINT [\"/app\"]\n");
    let file = parse(&text);
    assert!(file.errors.is_empty());
    assert_lossless(&text, &file);
    let diagnostics = gopherlint::lint(&text, &gopherlint::LintOptions::default()).expect("lint");
    let gl003 = diagnostics
        .iter()
        .find(|d| d.code() == "GL003")
        .expect("GL003");
    assert_eq!(slice(&text, gl003.range), "go build");
}

#[test]
fn onbuild_wraps_an_instruction() {
    let text = "FROM alpine\nONBUILD RUN echo hi\nONBUILD ONBUILD RUN x\n";
    let file = parse(text);
    let Args::OnBuild(inner) = &file.instructions[1].args else {
        panic!("onbuild")
    };
    assert_eq!(inner.keyword, Keyword::Run);
    assert_eq!(slice(text, inner.keyword_range), "RUN");
    assert_eq!(file.errors.len(), 1, "{:?}", file.errors);
}

#[test]
fn instruction_flags_have_name_and_value_ranges() {
    let text = "FROM alpine\nRUN --mount=type=cache,target=/root/.cache/go-build --network=none go build\nADD --checksum=sha256:abc --chmod=0755 https://example.com/x /x\nCOPY --chown=65532:65532 --link a /b\nHEALTHCHECK --interval=5s CMD [\"/app\", \"health\"]\nSHELL [\"/bin/ash\", \"-eo\", \"pipefail\", \"-c\"]\n";
    let file = parse(text);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    assert_lossless(text, &file);
    let run = &file.instructions[1];
    let mount = run.flag("mount").expect("mount");
    assert_eq!(slice(text, mount.name_range), "mount");
    assert_eq!(
        slice(text, mount.value_range.expect("value")),
        "type=cache,target=/root/.cache/go-build"
    );
    let add = &file.instructions[2];
    assert_eq!(
        add.flag("checksum").and_then(|f| f.value.as_deref()),
        Some("sha256:abc")
    );
    assert_eq!(
        add.flag("chmod").and_then(|f| f.value.as_deref()),
        Some("0755")
    );
    let copy = &file.instructions[3];
    assert!(copy.flag("link").is_some_and(|f| f.value.is_none()));
    let Args::Healthcheck { kind, command } = &file.instructions[4].args else {
        panic!("healthcheck")
    };
    assert_eq!(kind.value, "CMD");
    assert!(matches!(**command, Args::Exec(_)));
    assert_eq!(file.instructions[5].keyword, Keyword::Shell);
}
