//! Checks BuildKit makes after parsing, when it turns the parse tree into instructions: unknown
//! flags, argument counts, instructions before the first FROM, a file with no instructions.

use crate::source::TextRange;

use super::ast::*;

pub fn validate(file: &mut Dockerfile) {
    let mut errors = Vec::new();
    if file.instructions.is_empty() {
        errors.push(ParseError {
            range: TextRange::empty(if file.bom { 3 } else { 0 }),
            message: "the file has no instructions: a Dockerfile needs at least a FROM".into(),
        });
    }
    if let Some(first) = file
        .instructions
        .iter()
        .find(|i| !matches!(i.keyword, Keyword::Arg | Keyword::Unknown))
        && first.keyword != Keyword::From
    {
        errors.push(ParseError {
            range: first.keyword_range,
            message: format!(
                "`{}` comes before any FROM: only ARG may precede the first FROM",
                first.keyword_text
            ),
        });
    }
    for instruction in &file.instructions {
        check_instruction(instruction, &mut errors);
        if let Args::OnBuild(inner) = &instruction.args
            && inner.keyword != Keyword::Onbuild
        {
            check_instruction(inner, &mut errors);
        }
    }
    file.errors.extend(errors);
    file.errors.sort_by_key(|e| (e.range.start, e.range.end));
}

fn check_instruction(instruction: &Instruction, errors: &mut Vec<ParseError>) {
    let name = instruction.keyword_text.to_ascii_uppercase();
    if instruction.keyword == Keyword::Unknown {
        return;
    }
    let known = instruction.keyword.known_flags();
    for flag in &instruction.flags {
        if !known.contains(&flag.name.as_str()) {
            errors.push(ParseError {
                range: flag.range,
                message: format!("unknown flag `--{}` for {name}", flag.name),
            });
        }
    }
    let arg_count = match &instruction.args {
        Args::None => 0,
        Args::Words(words) => words.len(),
        Args::Exec(exec) => exec.elements.len(),
        _ => 1,
    };
    let whole = instruction.args_range.unwrap_or(instruction.keyword_range);
    match instruction.keyword {
        Keyword::From => {
            let ok = match &instruction.args {
                Args::Words(words) => {
                    words.len() == 1
                        || (words.len() == 3 && words[1].value.eq_ignore_ascii_case("as"))
                }
                _ => false,
            };
            if !ok {
                errors.push(ParseError {
                    range: whole,
                    message: "FROM takes an image and optionally `AS <name>`".into(),
                });
            }
        }
        Keyword::Copy | Keyword::Add if arg_count < 2 => {
            errors.push(ParseError {
                range: whole,
                message: format!("{name} needs at least one source and a destination"),
            });
        }
        Keyword::Healthcheck => {
            if let Args::Healthcheck { kind, command } = &instruction.args {
                let kind_upper = kind.value.to_ascii_uppercase();
                if kind_upper != "CMD" && kind_upper != "NONE" {
                    errors.push(ParseError {
                        range: kind.range,
                        message: format!("HEALTHCHECK expects `CMD` or `NONE`, not `{}`", kind.raw),
                    });
                } else if kind_upper == "NONE" && !matches!(**command, Args::None) {
                    errors.push(ParseError {
                        range: whole,
                        message: "HEALTHCHECK NONE takes no arguments".into(),
                    });
                } else if kind_upper == "CMD" && matches!(**command, Args::None) {
                    errors.push(ParseError {
                        range: whole,
                        message: "HEALTHCHECK CMD needs a command".into(),
                    });
                }
            } else {
                errors.push(ParseError {
                    range: instruction.keyword_range,
                    message: "HEALTHCHECK needs `CMD <command>` or `NONE`".into(),
                });
            }
        }
        Keyword::User | Keyword::Workdir | Keyword::Stopsignal | Keyword::Maintainer
            if arg_count == 0 =>
        {
            errors.push(ParseError {
                range: instruction.keyword_range,
                message: format!("{name} needs an argument"),
            });
        }
        Keyword::Arg | Keyword::Expose | Keyword::Volume | Keyword::Onbuild | Keyword::Label
            if arg_count == 0 && !matches!(instruction.args, Args::KeyValues(_)) =>
        {
            errors.push(ParseError {
                range: instruction.keyword_range,
                message: format!("{name} needs at least one argument"),
            });
        }
        _ => {}
    }
}
