//! How a Go program's source shows that it reads files relative to its working directory at
//! run time (`os.Open("params.txt")`, `godotenv.Load()`, which reads `.env`): an image that
//! holds only the binary breaks such a program.

use super::relative_writes::is_relative_path;

/// Calls that read the file or directory their first argument names.
const GO_READ_CALLS: &[&str] = &[
    "os.Open(",
    "os.ReadFile(",
    "ioutil.ReadFile(",
    "os.ReadDir(",
    "ioutil.ReadDir(",
    "template.ParseFiles(",
    "template.ParseGlob(",
    "http.Dir(",
    "viper.SetConfigFile(",
    "toml.DecodeFile(",
    "ini.Load(",
];

/// dotenv loaders: with no argument they read `.env` from the working directory.
const DOTENV_CALLS: &[&str] = &["godotenv.Load(", "godotenv.Read(", "godotenv.Overload("];

/// The file that dotenv loaders read by default.
const DOTENV_FILE: &str = ".env";

/// The first path relative to the working directory that a Go source reads at run time: a
/// read call's literal first argument, or `.env` for a dotenv loader called without one.
/// Commented-out lines do not count; glob patterns are kept (`templates/*.html`).
pub fn first_relative_read(source: &str) -> Option<String> {
    for line in source.lines() {
        let line = line.trim_start();
        if line.starts_with("//") {
            continue;
        }
        for call in DOTENV_CALLS {
            if let Some(at) = line.find(call) {
                let args = &line[at + call.len()..];
                if args.trim_start().starts_with(')') {
                    return Some(DOTENV_FILE.to_string());
                }
                if let Some(path) = literal_arg(args) {
                    return Some(path.to_string());
                }
            }
        }
        for call in GO_READ_CALLS {
            if let Some(at) = line.find(call)
                && let Some(path) = literal_arg(&line[at + call.len()..])
            {
                return Some(path.to_string());
            }
        }
    }
    None
}

/// The call's first argument, when it is a string literal naming a relative path.
fn literal_arg(args: &str) -> Option<&str> {
    let quoted = args.trim_start().strip_prefix('"')?;
    let literal = &quoted[..quoted.find('"')?];
    let pattern = literal.replace('*', "x");
    is_relative_path(&pattern).then_some(literal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_calls_and_dotenv_defaults() {
        assert_eq!(
            first_relative_read("f, err := os.Open(\"params.txt\")").as_deref(),
            Some("params.txt")
        );
        assert_eq!(
            first_relative_read("\terr := godotenv.Load()").as_deref(),
            Some(".env")
        );
        assert_eq!(
            first_relative_read("t := template.Must(template.ParseGlob(\"templates/*.html\"))")
                .as_deref(),
            Some("templates/*.html")
        );
        assert_eq!(first_relative_read("os.Open(\"/etc/app.yaml\")"), None);
        assert_eq!(first_relative_read("os.Open(path)"), None);
        assert_eq!(first_relative_read("// godotenv.Load()"), None);
        assert_eq!(
            first_relative_read("os.WriteFile(\"out.txt\", b, 0o644)"),
            None
        );
    }
}
