//! BuildKit's parse-tree dump format (`(run "echo hi")`), used to compare our reading of a file
//! with BuildKit's own test expectations.

use super::ast::*;

/// One line per instruction, as BuildKit's `Node.Dump` prints them.
pub fn dump(file: &Dockerfile) -> String {
    let mut out = String::new();
    for instruction in &file.instructions {
        out.push('(');
        out.push_str(&dump_instruction(instruction));
        out.push_str(")\n");
    }
    out
}

fn dump_instruction(instruction: &Instruction) -> String {
    let mut parts = vec![instruction.keyword_text.to_ascii_lowercase()];
    if !instruction.flags.is_empty() {
        let flags: Vec<String> = instruction
            .flags
            .iter()
            .map(|f| {
                let text = match &f.value {
                    Some(v) => format!("--{}={}", f.name, v),
                    None => format!("--{}", f.name),
                };
                go_quote(&text)
            })
            .collect();
        parts.push(format!("[{}]", flags.join(" ")));
    }
    dump_args(&instruction.args, &mut parts);
    parts.join(" ")
}

fn dump_args(args: &Args, parts: &mut Vec<String>) {
    match args {
        Args::None => {}
        Args::Exec(exec) => parts.extend(exec.elements.iter().map(|w| go_quote(&w.value))),
        Args::Shell(shell) => parts.push(go_quote(&shell.text)),
        Args::Words(words) => parts.extend(words.iter().map(|w| go_quote(&w.raw))),
        Args::Text(word) => parts.push(go_quote(&word.raw)),
        Args::KeyValues(pairs) => {
            for pair in pairs {
                parts.push(go_quote(&pair.key.raw));
                parts.push(go_quote(&pair.value.raw));
                parts.push(go_quote(if pair.equals { "=" } else { "" }));
            }
        }
        Args::Healthcheck { kind, command } => {
            parts.push(go_quote(&kind.raw));
            dump_args(command, parts);
        }
        Args::OnBuild(inner) => parts.push(format!("({})", dump_instruction(inner))),
    }
}

/// Go's `strconv.Quote`.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x0b' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
