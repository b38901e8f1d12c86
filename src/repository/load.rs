//! Reading a repository's configurations: found and read from disk by one thread, then parsed
//! by every thread that takes part. The CLI starts a read on a thread of its own while it
//! searches for files; the thread that first needs the result parses what is left with it,
//! instead of waiting (the YAML and HCL parsers, at 30 to 60 MB/s, are the cost of reading a
//! repository, and the files are independent).

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

use super::{
    BuildConfig, ConfigKind, ContextDir, MAX_CONFIG_BYTES, RepoBuilds, brief, find, normalize,
    read_config,
};

type Parsed = Result<Vec<BuildConfig>, String>;

/// The configuration files of one root, read into memory, and their parsing shared out.
pub struct ReadPlan {
    root: PathBuf,
    files: Vec<(ConfigKind, PathBuf, Option<String>)>,
    /// Indexes into `files` of those read, largest first: the longest parse starts first.
    order: Vec<usize>,
    next: AtomicUsize,
    parsed: Mutex<Vec<(usize, Parsed)>>,
    /// Signalled when the last file is parsed.
    all_parsed: Condvar,
}

impl ReadPlan {
    /// Finds the configuration files under `root` and reads them; nothing is parsed yet.
    /// Without `search_compose`, compose files are left out: the caller has them from its own
    /// search of the tree, and plans them with [`ReadPlan::of_compose_files`].
    pub fn new(root: &Path, search_compose: bool) -> ReadPlan {
        ReadPlan::of_files(root, find::config_files(root, search_compose))
    }

    /// Compose files found by another search of the tree (relative to `root`): those the
    /// compose search would find, in its order, within the limit on configuration files.
    pub fn of_compose_files(root: &Path, found: &[PathBuf], limit: usize) -> ReadPlan {
        let mut files: Vec<PathBuf> = found
            .iter()
            .filter(|rel| find::is_compose_file(rel))
            .cloned()
            .collect();
        files.sort();
        files.dedup();
        files.truncate(limit);
        let files = files.into_iter().map(|rel| (ConfigKind::Compose, rel));
        ReadPlan::of_files(root, files.collect())
    }

    /// The compose files under `root`, searched for as [`ReadPlan::new`] does.
    pub fn of_compose_search(root: &Path, limit: usize) -> ReadPlan {
        let mut files = Vec::new();
        find::compose_files(root, Path::new(""), 0, &mut files);
        files.truncate(limit);
        ReadPlan::of_files(root, files)
    }

    /// How many files the plan holds: the configuration files read under a root are capped.
    pub fn file_count(&self) -> usize {
        self.files.len()
    }

    fn of_files(root: &Path, files: Vec<(ConfigKind, PathBuf)>) -> ReadPlan {
        let mut files: Vec<_> = files
            .into_iter()
            .map(|(kind, rel)| {
                let text = read_capped(&root.join(&rel));
                (kind, rel, text)
            })
            .collect();
        // The scripts a Makefile recipe or a workflow step runs (`release/release.sh`), wherever
        // they are: the build they run is the repository's as much as one written in place.
        for (rel, text) in referenced_scripts(root, &files) {
            if files.len() >= super::MAX_CONFIG_FILES {
                break;
            }
            files.push((ConfigKind::Script, rel, Some(text)));
        }
        let mut order: Vec<usize> = (0..files.len()).filter(|&i| files[i].2.is_some()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(files[i].2.as_ref().map_or(0, String::len)));
        ReadPlan {
            root: root.to_path_buf(),
            files,
            order,
            next: AtomicUsize::new(0),
            parsed: Mutex::new(Vec::new()),
            all_parsed: Condvar::new(),
        }
    }

    /// Parses files until none is left to take.
    pub fn work(&self) {
        loop {
            let at = self.next.fetch_add(1, Ordering::Relaxed);
            let Some(&i) = self.order.get(at) else { return };
            let (kind, rel, text) = &self.files[i];
            // The readers catch their parsers' panics; this catches one of ours, so that a
            // file always counts as parsed and no thread waits for it forever.
            let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
                let text = text.as_deref().unwrap_or_default();
                read_config(*kind, rel, text)
            }))
            .unwrap_or_else(|_| Err("the reader failed on it".to_string()));
            let mut parsed = self.parsed.lock().unwrap_or_else(|e| e.into_inner());
            parsed.push((i, result));
            if parsed.len() == self.order.len() {
                self.all_parsed.notify_all();
            }
        }
    }

    /// Parses what is left, waits for what other threads are parsing, and gathers the builds.
    pub fn finish(&self) -> RepoBuilds {
        ReadPlan::finish_all(&[self])
    }

    /// [`ReadPlan::finish`] for the parts of one root's configurations.
    pub fn finish_all(plans: &[&ReadPlan]) -> RepoBuilds {
        let mut builds = RepoBuilds::default();
        for plan in plans {
            builds.root.clone_from(&plan.root);
            let parsed = plan.finish_parsing();
            plan.gather(parsed, &mut builds);
        }
        mark_documented_dev_targets(&mut builds);
        builds.index();
        builds
    }

    fn finish_parsing(&self) -> Vec<(usize, Parsed)> {
        self.work();
        let mut parsed = self.parsed.lock().unwrap_or_else(|e| e.into_inner());
        while parsed.len() < self.order.len() {
            parsed = self
                .all_parsed
                .wait(parsed)
                .unwrap_or_else(|e| e.into_inner());
        }
        let mut parsed = std::mem::take(&mut *parsed);
        parsed.sort_by_key(|(i, _)| *i);
        parsed
    }

    fn gather(&self, parsed: Vec<(usize, Parsed)>, builds: &mut RepoBuilds) {
        builds.files_read += parsed.len();
        for (i, result) in parsed {
            let (kind, rel, text) = &self.files[i];
            std::sync::Arc::make_mut(&mut builds.wide).layer_cache_exported |=
                matches!(
                    kind,
                    ConfigKind::Workflow
                        | ConfigKind::GitLab
                        | ConfigKind::Taskfile
                        | ConfigKind::Action
                        | ConfigKind::Bake
                        | ConfigKind::Makefile
                        | ConfigKind::Script
                ) && text.as_deref().is_some_and(exports_layer_cache);
            match result {
                Ok(found) => {
                    if *kind == ConfigKind::Script {
                        builds.configs.extend(run_beside(rel, &found));
                    }
                    builds.configs.extend(found);
                }
                Err(why) => builds.warnings.push(format!(
                    "cannot read `{}`: {}; its builds are ignored",
                    rel.display(),
                    brief(&why)
                )),
            }
        }
    }
}

/// The root Makefile's targets that the developer documentation says build a development
/// image (`make docker` under "To build a development Docker image:") build local images.
fn mark_documented_dev_targets(builds: &mut RepoBuilds) {
    // A root Makefile's build that says nothing yet of what it makes.
    let open = |c: &BuildConfig| {
        c.kind == ConfigKind::Makefile && !c.publishes && c.local.is_none() && at_root(&c.file)
    };
    if !builds.configs.iter().any(open) {
        return;
    }
    let targets = super::dev_docs::documented_dev_targets(&builds.root);
    for config in &mut builds.configs {
        if open(config)
            && let Some((_, doc)) = targets
                .iter()
                .find(|(target, _)| config.name.as_ref() == Some(target))
        {
            config.local = Some(crate::knowledge::conventions::Intent::Dev);
            config.documented = Some(format!("`{doc}`"));
        }
    }
}

/// A configuration file at the root, where the documentation's `make` runs.
fn at_root(file: &Path) -> bool {
    file.parent().is_none_or(|p| p.as_os_str().is_empty())
}

/// The configuration exports a build's layer cache: buildx's `--cache-to`, build-push-action's
/// `cache-to:` input, or a bake target's `cache-to` attribute; or the layers travel in the
/// pushed image itself (`--build-arg BUILDKIT_INLINE_CACHE=1`, which a later build's
/// `--cache-from` of that image reuses).
fn exports_layer_cache(text: &str) -> bool {
    if text.contains("BUILDKIT_INLINE_CACHE=1") && text.contains("cache-from") {
        return true;
    }
    // One search of the whole text first: most configurations never mention it.
    text.contains("cache-to")
        && text.lines().any(|line| {
            let line = line.trim_start();
            !line.starts_with('#')
                && line.find("cache-to").is_some_and(|at| {
                    // `--cache-to "type=local,dest=..."` quotes the value in a shell.
                    let after = line[at + "cache-to".len()..]
                        .trim_start()
                        .trim_start_matches(['"', '\'']);
                    after.starts_with([':', '=']) || after.starts_with("type=")
                })
        })
}

/// A script's paths are read from the root, where CI runs scripts (and where most of them `cd`
/// first); a script that names a Dockerfile found only beside it is run from its own folder
/// (`cd "$(dirname "$0")"`). Each build of a script outside the root also gets its rebased
/// twin, which counts only when the root has no such Dockerfile (checked when a file is
/// looked up, not here: most are never looked up).
fn run_beside(script: &Path, found: &[BuildConfig]) -> Vec<BuildConfig> {
    let Some(dir) = script.parent().filter(|d| !d.as_os_str().is_empty()) else {
        return Vec::new();
    };
    found
        .iter()
        .filter(|config| !config.dockerfile.as_os_str().is_empty())
        .map(|config| {
            let mut beside = config.clone();
            beside.dockerfile = normalize(&dir.join(&config.dockerfile));
            if let ContextDir::Dir(context) = &config.context {
                beside.context = ContextDir::Dir(normalize(&dir.join(context)));
            }
            beside.only_if_absent = Some(config.dockerfile.clone());
            beside
        })
        .collect()
}

/// The shell scripts that the Makefiles and workflows among `files` run, by a path written
/// plainly (`./release/release.sh`, `bash scripts/docker/build.sh`): relative to the
/// Makefile's folder or the root, existing, not among `files` already. Only those whose text
/// holds a build command are kept, with that text: the rest build nothing.
fn referenced_scripts(
    root: &Path,
    files: &[(ConfigKind, PathBuf, Option<String>)],
) -> Vec<(PathBuf, String)> {
    let mut found: Vec<(PathBuf, String)> = Vec::new();
    for (kind, rel, text) in files {
        let (
            ConfigKind::Makefile | ConfigKind::Workflow | ConfigKind::GitLab | ConfigKind::Taskfile,
            Some(text),
        ) = (kind, text)
        else {
            continue;
        };
        if !text.contains(".sh") {
            continue;
        }
        let base = match kind {
            ConfigKind::Makefile => rel.parent().unwrap_or(Path::new("")),
            _ => Path::new(""),
        };
        let words = text
            .split(|c: char| {
                c.is_whitespace() || matches!(c, '"' | '\'' | ';' | '&' | '|' | '(' | ')' | '`')
            })
            .filter(|w| w.ends_with(".sh") && !w.contains(['$', '*', '{', '=']));
        for word in words {
            let word = word.trim_start_matches("./");
            let Some(script) = super::join_rel(base, word) else {
                continue;
            };
            if files.iter().any(|(_, r, _)| *r == script) || found.iter().any(|(r, _)| *r == script)
            {
                continue;
            }
            if let Some(text) = read_capped(&root.join(&script))
                && super::command_line::may_hold_build_command(&text)
            {
                found.push((script, text));
            }
        }
    }
    found
}

fn read_capped(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_CONFIG_BYTES {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("has a parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    #[test]
    fn a_layer_cache_export_is_read_in_each_spelling() {
        for text in [
            "          cache-to: type=gha,mode=max\n",
            "\tdocker buildx build --cache-to type=local,dest=/tmp/c .\n",
            "\tdocker buildx build --cache-to \"type=local,dest=/tmp/c,mode=max\" .\n",
            "\tdocker build --build-arg BUILDKIT_INLINE_CACHE=1 --cache-from \"$(IMAGE)\" .\n",
            "docker buildx build --cache-to='type=registry,ref=acme/cache' .\n",
        ] {
            assert!(exports_layer_cache(text), "{text}");
        }
        assert!(!exports_layer_cache("# --cache-to type=gha\n"));
        assert!(!exports_layer_cache("echo no-cache-to-here\n"));
    }

    #[test]
    fn a_script_build_is_rebased_only_when_the_root_lacks_its_dockerfile() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        write(root, ".git/HEAD", "");
        write(root, "hack/build.sh", "docker build -f Dockerfile .\n");
        write(root, "hack/Dockerfile", "FROM scratch\n");
        let builds = RepoBuilds::load(root);
        let beside = builds.for_dockerfile(Path::new("hack/Dockerfile"));
        assert_eq!(beside.configs.len(), 1);
        assert_eq!(beside.configs[0].context, ContextDir::Dir("hack".into()));
        // Once the root has the Dockerfile the script names, the script builds that one.
        write(root, "Dockerfile", "FROM scratch\n");
        let builds = RepoBuilds::load(root);
        assert!(
            builds
                .for_dockerfile(Path::new("hack/Dockerfile"))
                .configs
                .is_empty()
        );
        let at_root = builds.for_dockerfile(Path::new("Dockerfile"));
        assert_eq!(at_root.configs[0].context, ContextDir::Dir("".into()));
    }

    #[test]
    fn scripts_that_makefiles_and_workflows_run_are_read_wherever_they_are() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        write(root, ".git/HEAD", "");
        write(root, "Makefile", "release:\n\t./release/release.sh\n");
        write(
            root,
            "release/release.sh",
            "#!/bin/sh\ndocker build -f release/Dockerfile.in -t acme/app:release .\n",
        );
        write(
            root,
            ".github/workflows/images.yml",
            "on: push\njobs:\n  images:\n    steps:\n      - run: bash deploy/images.sh\n      - run: bash deploy/notes.sh\n",
        );
        write(
            root,
            "deploy/images.sh",
            "docker build -f deploy/Dockerfile.web .\n",
        );
        // A script that builds nothing is not kept.
        write(root, "deploy/notes.sh", "echo done\n");
        let builds = RepoBuilds::load(root);
        let release = builds.for_dockerfile(Path::new("release/Dockerfile.in"));
        assert_eq!(release.configs.len(), 1);
        assert_eq!(release.configs[0].kind, ConfigKind::Script);
        assert_eq!(release.configs[0].file, PathBuf::from("release/release.sh"));
        let web = builds.for_dockerfile(Path::new("deploy/Dockerfile.web"));
        assert_eq!(web.configs.len(), 1);
        assert_eq!(builds.files_read, 4);
    }

    #[test]
    fn threads_sharing_a_plan_read_what_one_thread_reads() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        for i in 0..12 {
            write(
                root,
                &format!("scripts/build{i}.sh"),
                &format!("docker build -f cmd/s{i}/Dockerfile .\n"),
            );
        }
        write(root, "compose.yaml", "services:\n  a:\n    build: [\n");
        let alone = RepoBuilds::load(root);
        let plan = std::sync::Arc::new(ReadPlan::new(root, true));
        let helper = {
            let plan = plan.clone();
            std::thread::spawn(move || plan.work())
        };
        let shared = plan.finish();
        helper.join().expect("the helper ends");
        assert_eq!(shared.configs, alone.configs);
        assert_eq!(shared.warnings, alone.warnings);
        // Each script's build, and its twin rebased to `scripts/`.
        assert_eq!((shared.files_read, shared.configs.len()), (13, 24));
        assert_eq!(shared.warnings.len(), 1);
    }
}
