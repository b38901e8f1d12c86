//! How a Go program's source shows that it writes files relative to its working directory (a
//! SQLite database, a session file, a log): in an image whose working directory root owns
//! (`/` without a WORKDIR, or one the file made), such a program works only as root.

use super::files::{self, STATE_DIR_NAMES};

/// Calls that create, or open for writing, the file or directory their first argument names:
/// the standard library and embedded databases.
pub const GO_WRITE_CALLS: &[&str] = &[
    "os.Create(",
    "os.OpenFile(",
    "os.WriteFile(",
    "ioutil.WriteFile(",
    "os.Mkdir(",
    "os.MkdirAll(",
    "sqlite.Open(",
    "bolt.Open(",
    "bbolt.Open(",
    "leveldb.OpenFile(",
    "badger.DefaultOptions(",
    "buntdb.Open(",
    "pebble.Open(",
];

/// Extensions of files a program keeps its state in: embedded databases, sessions, logs.
const STATE_FILE_EXTENSIONS: &[&str] = &["db", "sqlite", "sqlite3", "bolt", "session", "log"];

/// Directories a program reads and never writes: a relative default naming one is no sign of
/// state.
const READ_ONLY_DIR_NAMES: &[&str] = &[
    "templates",
    "template",
    "static",
    "public",
    "web",
    "assets",
    "views",
    "config",
    "configs",
    "migrations",
    "i18n",
    "locales",
];

/// What a Go source shows of files written relative to the working directory.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RelativeWrites<'a> {
    /// A relative path the source writes: the literal first argument of a write call
    /// (`os.Create("report.csv")`, `sqlite.Open("app.session")`), or a `./` path that names a
    /// state file or directory (`"./data/app.db"`, a default its configuration keeps); or a
    /// state directory of its own under `/var/lib` (`"/var/lib/app/app.db"`), which root owns.
    pub written: Option<&'a str>,
    /// A `./` default of a setting named for a directory or path (`CertDir: "./certs"`): the
    /// program writes there if it writes files at all.
    pub dir_default: Option<&'a str>,
    /// The source calls one of [`GO_WRITE_CALLS`].
    pub writes_files: bool,
}

impl<'a> RelativeWrites<'a> {
    pub fn read(source: &'a str) -> RelativeWrites<'a> {
        let mut found = RelativeWrites {
            writes_files: GO_WRITE_CALLS.iter().any(|call| source.contains(call)),
            ..RelativeWrites::default()
        };
        for line in source.lines() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for (before, literal) in literals(line) {
                if names_own_state_dir(literal) {
                    found.written.get_or_insert(literal);
                    continue;
                }
                if !is_relative_path(literal) {
                    continue;
                }
                let before = before.trim_end();
                let local = literal.starts_with("./");
                if GO_WRITE_CALLS.iter().any(|call| before.ends_with(call))
                    || local && names_state(literal) && !names_read_only(literal)
                    || in_subdirectory(literal) && names_state_file(literal)
                {
                    found.written.get_or_insert(literal);
                } else if names_setting_dir(before)
                    && !names_read_only(literal)
                    // `uploadsDir: "uploads"`: a bare state directory's name is as relative.
                    && (local || STATE_DIR_NAMES.contains(&literal.to_ascii_lowercase().as_str()))
                {
                    found.dir_default.get_or_insert(literal);
                }
            }
        }
        found
    }
}

/// `/var/lib/app/app.db`, `/var/lib/app/state`: a path under `/var/lib` of the program's own.
fn names_own_state_dir(literal: &str) -> bool {
    files::is_own_state_path(literal) && !literal.contains(['%', '*', '?', ' ', '{', '$'])
}

/// The string literals of a line, each with the text before it.
fn literals(line: &str) -> impl Iterator<Item = (&str, &str)> {
    let mut from = 0;
    std::iter::from_fn(move || {
        let open = from + line.get(from..)?.find('"')?;
        let close = open + 1 + line[open + 1..].find('"')?;
        from = close + 1;
        Some((&line[..open], &line[open + 1..close]))
    })
}

/// A file path relative to the working directory: no absolute path, URL, in-memory database
/// (`:memory:`, `file::memory:`), pattern or format verb.
pub(crate) fn is_relative_path(literal: &str) -> bool {
    !literal.is_empty()
        && !matches!(literal, "." | ".." | "./" | "-")
        && !literal.starts_with(['/', ':', '$', '~'])
        && !literal.starts_with("file:")
        && !literal.contains("://")
        && !literal.contains(['%', '*', '?', ' ', '\\', '{'])
}

fn last_part(path: &str) -> &str {
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(path)
}

/// `app.db`, `logs/app.log`: a state file's extension.
fn names_state_file(literal: &str) -> bool {
    last_part(literal)
        .rsplit_once('.')
        .is_some_and(|(_, e)| STATE_FILE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// `logs/app.log`: a path below the working directory, not a bare name (a `Filename: "main.log"`
/// that the program joins to a directory of its own) nor an import path.
fn in_subdirectory(literal: &str) -> bool {
    literal
        .split_once('/')
        .is_some_and(|(first, _)| !first.is_empty() && !first.contains('.'))
}

/// `./data/app.db`, `./state`: a state file's extension or a state directory's name.
fn names_state(literal: &str) -> bool {
    names_state_file(literal)
        || literal
            .split('/')
            .any(|part| STATE_DIR_NAMES.contains(&part.to_ascii_lowercase().as_str()))
}

/// The text before a literal assigns a setting named for a directory or path (`CertDir:`,
/// `storagePath =`).
fn names_setting_dir(before: &str) -> bool {
    let Some(name) = before
        .strip_suffix(':')
        .or_else(|| before.strip_suffix('='))
        .map(|b| b.trim_end_matches([':', ' ', '\t']))
    else {
        return false;
    };
    let name = name
        .rsplit(|c: char| !c.is_alphanumeric() && c != '_')
        .next()
        .unwrap_or(name)
        .to_ascii_lowercase();
    ["dir", "directory", "path", "folder"]
        .iter()
        .any(|suffix| name.ends_with(suffix))
}

fn names_read_only(literal: &str) -> bool {
    READ_ONLY_DIR_NAMES.contains(&last_part(literal).to_ascii_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_calls_with_relative_literals() {
        let read = RelativeWrites::read("db := sqlite.Open(\"fsb.session\")\n");
        assert_eq!(read.written, Some("fsb.session"));
        let read = RelativeWrites::read("\t\tFilename:   \"logs/app.log\",\n");
        assert_eq!(read.written, Some("logs/app.log"));
        // A bare name a configuration joins to a directory of its own.
        let read = RelativeWrites::read("\t\tFilename:   \"main.log\",\n");
        assert_eq!(read.written, None);
        let read = RelativeWrites::read("import \"gorm.io/driver/sqlite\"\n");
        assert_eq!(read.written, None);
        let read = RelativeWrites::read("m, _ := migrate.New(\"file://db/migrations\", url)\n");
        assert_eq!(read.written, None);
        let read = RelativeWrites::read("m := \"./db/migrations\"\n");
        assert_eq!(read.written, None);
        let read = RelativeWrites::read("f, _ := os.Create(\"/tmp/x\")\n");
        assert_eq!(read.written, None);
        assert!(read.writes_files);
        let read = RelativeWrites::read("db := sqlite.Open(\"file::memory:?cache=shared\")\n");
        assert_eq!(read.written, None);
        // A state directory of its own under /var/lib, which root owns.
        // A setting named for a directory whose default is a bare state directory's name.
        let read = RelativeWrites::read("\t\tuploadsDir: \"uploads\",\n");
        assert_eq!(read.dir_default, Some("uploads"));
        let read = RelativeWrites::read("\t\ttemplateDir: \"templates\",\n");
        assert_eq!(read.dir_default, None);
        let read = RelativeWrites::read("\tdefaultDb = \"/var/lib/app/app.db\"\n");
        assert_eq!(read.written, Some("/var/lib/app/app.db"));
        let read = RelativeWrites::read("\tstatus = \"/var/lib/dpkg/status\"\n");
        assert_eq!(read.written, None);
    }

    #[test]
    fn state_paths_and_directory_defaults() {
        let read = RelativeWrites::read("viper.SetDefault(\"storage.path\", \"./data/app.db\")\n");
        assert_eq!(read.written, Some("./data/app.db"));
        let read = RelativeWrites::read("\t\tCertStorageDir:     \"./certs\",\n");
        assert_eq!((read.written, read.dir_default), (None, Some("./certs")));
        let read = RelativeWrites::read("\tTemplateDir: \"./templates\",\n");
        assert_eq!(read.dir_default, None);
        let read = RelativeWrites::read("// os.Create(\"notes.txt\")\n");
        assert_eq!(read.written, None);
        let read =
            RelativeWrites::read("t := template.Must(template.ParseFiles(\"./index.html\"))\n");
        assert_eq!(read, RelativeWrites::default());
    }
}
