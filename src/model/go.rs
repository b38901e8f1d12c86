//! Where a `go build` or `go install` writes its binary.

use crate::knowledge::go_command::{self, GoFlag, GoSubcommand};
use crate::paths;
use crate::shell::Command;

use super::vars::{Value, Vars};

/// Where a `go build` or `go install` writes its binary, as an absolute path; `None` when it
/// cannot be told (unknown variables, several packages).
pub fn output_path(
    command: &Command,
    flags: &[GoFlag],
    first_positional: usize,
    (cwd, module): (Option<&str>, Option<&str>),
    env: &Vars,
) -> Option<Value> {
    let subcommand = go_command::subcommand(&command.argv)?;
    let packages: Vec<&str> = command.argv[first_positional..]
        .iter()
        .map(|w| w.text.as_str())
        .collect();
    let binary_name = || -> Option<String> {
        let package = packages.first().copied().unwrap_or(".");
        if packages.iter().any(|p| p.contains("...")) {
            return None;
        }
        if package.ends_with(".go") {
            return Some(paths::basename(package).trim_end_matches(".go").to_string());
        }
        let package = package.split('@').next().unwrap_or(package);
        let path = if package.starts_with('.') || package.starts_with('/') {
            let joined = paths::join(cwd?, package);
            // The module's own directory: the binary is named after the module path in
            // go.mod, which only the build context shows.
            if Some(joined.as_str()) == cwd.map(paths::normalize).as_deref() {
                return module.map(str::to_string);
            }
            joined
        } else {
            package.to_string()
        };
        // `example.com/cmd/app/v2` installs `app`.
        go_command::binary_name(&path).map(str::to_string)
    };
    let known = |path: String, like: &Value| Value {
        text: path,
        certainty: like.certainty,
    };
    if let Some(flag) = flags.iter().rev().find(|f| f.name == "o") {
        let raw = flag.value.as_deref()?;
        let value = env.expand(raw);
        if value.is_unknown() {
            return None;
        }
        let base = if value.text.starts_with('/') {
            "/"
        } else {
            cwd?
        };
        let joined = paths::join(base, &value.text);
        if value.text.ends_with('/') {
            return Some(known(
                format!("{joined}/{}", binary_name()?).replace("//", "/"),
                &value,
            ));
        }
        return Some(known(joined, &value));
    }
    match subcommand {
        GoSubcommand::Build => {
            let name = binary_name()?;
            Some(Value::known(paths::join(cwd?, &name)))
        }
        GoSubcommand::Install => {
            let name = binary_name()?;
            let bin = match env.exported_value("GOBIN") {
                Some((v, _)) if !v.text.is_empty() => v.clone(),
                _ => {
                    let gopath = env
                        .exported_value("GOPATH")
                        .map_or_else(|| Value::known("/root/go"), |(v, _)| v.clone());
                    let first = gopath.text.split(':').next().unwrap_or("").to_string();
                    Value {
                        text: format!("{first}/bin"),
                        certainty: gopath.certainty,
                    }
                }
            };
            if bin.is_unknown() {
                return None;
            }
            Some(known(paths::join(&bin.text, &name), &bin))
        }
        _ => None,
    }
}
