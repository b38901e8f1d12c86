//! How the project's own documentation runs its images: `docker run` commands in its Markdown
//! and compose services that name an image. It tells what a Dockerfile cannot show: a program
//! whose documented use mounts the host's Docker socket, or keeps its data in a volume under
//! `/root`, runs as root on purpose. Read once per repository, when first asked.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use crate::knowledge::conventions::DOCKER_SOCKET;
use crate::knowledge::image_ref::ImageRef;

/// Files read: at most this many, each at most this large.
const MAX_FILES: usize = 600;
const MAX_FILE_BYTES: u64 = 512 * 1024;

/// `docker run` options that take a value in the next word (so that word is not the image).
const VALUE_OPTIONS: &[&str] = &[
    "-v",
    "--volume",
    "--mount",
    "-p",
    "--publish",
    "-e",
    "--env",
    "--env-file",
    "--name",
    "--restart",
    "--network",
    "--net",
    "-w",
    "--workdir",
    "--device",
    "--gpus",
    "--entrypoint",
    "-u",
    "--user",
    "-l",
    "--label",
    "--cap-add",
    "--cap-drop",
    "--add-host",
    "-h",
    "--hostname",
    "--platform",
    "--pull",
    "--log-driver",
    "--log-opt",
    "-m",
    "--memory",
    "--cpus",
    "--security-opt",
    "--tmpfs",
    "--ulimit",
    "--dns",
    "--ipc",
    "--pid",
    "--shm-size",
    "--runtime",
    "--health-cmd",
    "--stop-signal",
    "--group-add",
    "--volumes-from",
];

/// Why the documented use needs root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RootNeed {
    /// The host's Docker socket is mounted (it belongs to root and the docker group).
    DockerSocket,
    /// A volume is mounted under `/root` (the program's data lives in root's home).
    RootHome(String),
    /// The container runs `--privileged` (all capabilities, the host's devices).
    Privileged,
}

/// One documented run of an image that needs root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentedRun {
    /// The image's name without registry, owner or tag (`containrrr/watchtower:1` → `watchtower`).
    pub image: String,
    pub need: RootNeed,
    /// Where, from the root.
    pub file: PathBuf,
    pub line: usize,
}

impl DocumentedRun {
    /// For messages: `README.md:36 runs `watchtower` with the Docker socket mounted`.
    pub fn describe(&self) -> String {
        let what = match &self.need {
            RootNeed::DockerSocket => "with the host's Docker socket mounted".to_string(),
            RootNeed::RootHome(target) => format!("with its data volume at `{target}`"),
            RootNeed::Privileged => "`--privileged`".to_string(),
        };
        format!(
            "`{}:{}` runs `{}` {what}",
            self.file.display(),
            self.line,
            self.image
        )
    }
}

/// A repository's documented runs, read on first use.
#[derive(Debug)]
pub struct RunDocs {
    root: PathBuf,
    runs: OnceLock<Vec<DocumentedRun>>,
    /// READMEs read for the index of images, by path from the root (`None`: not there), so
    /// the Dockerfiles of one folder read its README once.
    readmes: Mutex<HashMap<String, Option<Arc<str>>>>,
}

impl RunDocs {
    pub fn new(root: PathBuf) -> RunDocs {
        RunDocs {
            root,
            runs: OnceLock::new(),
            readmes: Mutex::new(HashMap::new()),
        }
    }

    /// A documented run that needs root, of the image named like `program` (the basename of
    /// what the image starts: `/bin/woodpecker-agent` is `woodpeckerci/woodpecker-agent`), or
    /// named for the project whose component it is (`athens-proxy` runs in `gomods/athens`).
    pub fn root_need(&self, program: &str) -> Option<&DocumentedRun> {
        let program = program.rsplit('/').next().unwrap_or(program);
        if program.is_empty() {
            return None;
        }
        self.runs
            .get_or_init(|| read_all(&self.root))
            .iter()
            .find(|run| {
                run.image == program
                    || program
                        .strip_prefix(run.image.as_str())
                        .is_some_and(|rest| rest.starts_with('-'))
            })
    }
}

impl RunDocs {
    /// What the repository's READMEs say the directory of the Dockerfile at `dockerfile`
    /// (relative to the root) is for, when they describe it in an index of images.
    pub fn indexed_purpose(&self, dockerfile: &str) -> Option<super::IndexedPurpose> {
        super::image_index::indexed_purpose_with(dockerfile, |relative| {
            let mut readmes = self.readmes.lock().unwrap_or_else(|e| e.into_inner());
            readmes
                .entry(relative.to_string())
                .or_insert_with(|| {
                    super::image_index::read_readme(&self.root.join(relative)).map(Arc::from)
                })
                .clone()
        })
    }
}

/// Where a project documents how to run its images: the root (README, compose files), and
/// the documentation and deployment folders with two levels of sub-folders (a Hugo site's
/// `docs/content/<section>/`; `docker/compose.app.yml` beside the project's Dockerfiles). A few directory reads, not a walk of the tree: versioned
/// documentation sites hold thousands of pages.
const DOC_DIRS: &[&str] = &[
    "",
    "docs",
    "doc",
    "documentation",
    "deploy",
    "deployments",
    "docker",
    "examples",
];

fn read_all(root: &Path) -> Vec<DocumentedRun> {
    let mut files = Vec::new();
    for dir in DOC_DIRS {
        let dir = root.join(dir);
        list(&dir, &mut files);
        if dir != root {
            for sub in sub_dirs(&dir) {
                list(&sub, &mut files);
                for subsub in sub_dirs(&sub) {
                    list(&subsub, &mut files);
                }
            }
        }
    }
    files.sort();
    files.truncate(MAX_FILES);
    let mut runs = Vec::new();
    for path in files {
        if std::fs::metadata(&path).map_or(true, |m| m.len() > MAX_FILE_BYTES) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        // Most files mention neither: no line is read.
        if !text.contains(DOCKER_SOCKET)
            && !text.contains(":/root")
            && !text.contains("--privileged")
        {
            continue;
        }
        let relative = path.strip_prefix(root).unwrap_or(&path);
        read_text(relative, &text, &mut runs);
    }
    runs
}

/// The folders directly in `dir`, in name order.
fn sub_dirs(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .collect();
    dirs.sort();
    dirs
}

/// The documentation files directly in `dir`.
fn list(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    out.extend(
        entries
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| e.path())
            .filter(|p| is_documentation(p)),
    );
}

fn is_documentation(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    name.ends_with(".md") || name.ends_with(".mdx") || super::is_compose_name(&name)
}

/// The documented runs in one file's text: `docker run` commands and compose services.
pub fn read_text(file: &Path, text: &str, out: &mut Vec<DocumentedRun>) {
    let lines: Vec<&str> = text.lines().collect();
    // `docker run` commands, with continuation lines joined.
    let mut start = 0;
    let mut logical = String::new();
    for (i, line) in lines.iter().enumerate() {
        if logical.is_empty() {
            start = i;
        }
        match line.trim_end().strip_suffix('\\') {
            Some(rest) => {
                logical.push_str(rest);
                logical.push(' ');
            }
            None => {
                logical.push_str(line);
                read_run_command(file, start + 1, &logical, out);
                logical.clear();
            }
        }
    }
    // Compose services: the lines around each `image:` key at its service's indentation.
    for (i, line) in lines.iter().enumerate() {
        let Some(image) = line.trim_start().strip_prefix("image:") else {
            continue;
        };
        let Some(image) = image_name(image.trim().trim_matches(['"', '\''])) else {
            continue;
        };
        let indent = indentation(line);
        let is_sibling_or_child = |l: &&str| l.trim().is_empty() || indentation(l) >= indent;
        let first = (0..i)
            .rev()
            .take_while(|&j| is_sibling_or_child(&lines[j]))
            .last()
            .unwrap_or(i);
        let last = (i + 1..lines.len())
            .take_while(|&j| is_sibling_or_child(&lines[j]))
            .last()
            .unwrap_or(i);
        for (j, block_line) in lines.iter().enumerate().take(last + 1).skip(first) {
            let entry = block_line.trim_start().trim_start_matches("- ").trim();
            let entry = entry.trim_matches(['"', '\'']);
            if let Some(need) = volume_need(entry) {
                out.push(DocumentedRun {
                    image: image.clone(),
                    need,
                    file: file.to_path_buf(),
                    line: j + 1,
                });
            }
        }
    }
}

fn indentation(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

fn read_run_command(file: &Path, line: usize, text: &str, out: &mut Vec<DocumentedRun>) {
    let words: Vec<&str> = text
        .split_whitespace()
        .map(|w| w.trim_matches(['"', '\'']))
        .collect();
    let Some(run) = words
        .windows(2)
        .position(|pair| matches!(pair[0], "docker" | "podman") && pair[1] == "run")
    else {
        return;
    };
    let mut needs = Vec::new();
    let mut i = run + 2;
    let image = loop {
        let Some(&word) = words.get(i) else {
            return;
        };
        if !word.starts_with('-') {
            break word;
        }
        let (option, inline) = match word.split_once('=') {
            Some((o, v)) => (o, Some(v)),
            None => (word, None),
        };
        let takes_value = VALUE_OPTIONS.contains(&option);
        let value = match inline {
            Some(v) => Some(v),
            None if takes_value => {
                i += 1;
                words.get(i).copied()
            }
            None => None,
        };
        if matches!(option, "-v" | "--volume" | "--mount")
            && let Some(need) = value.and_then(volume_need)
        {
            needs.push(need);
        }
        // `--privileged` (or `--privileged=true`): the documented use grants everything root has.
        if option == "--privileged" && inline.is_none_or(|v| v == "true") {
            needs.push(RootNeed::Privileged);
        }
        i += 1;
    };
    let Some(image) = image_name(image) else {
        return;
    };
    out.extend(needs.into_iter().map(|need| DocumentedRun {
        image: image.clone(),
        need,
        file: file.to_path_buf(),
        line,
    }));
}

/// What a volume needs: `/var/run/docker.sock:/var/run/docker.sock`, `data:/root/.app`,
/// `type=volume,source=data,target=/root/.app`.
fn volume_need(spec: &str) -> Option<RootNeed> {
    if spec.contains(DOCKER_SOCKET) {
        return Some(RootNeed::DockerSocket);
    }
    let target = if spec.contains("target=") || spec.contains("dst=") {
        spec.split(',')
            .find_map(|part| {
                part.strip_prefix("target=")
                    .or_else(|| part.strip_prefix("dst="))
                    .or_else(|| part.strip_prefix("destination="))
            })?
            .to_string()
    } else {
        let mut parts = spec.split(':');
        let _source = parts.next()?;
        parts.next()?.to_string()
    };
    crate::paths::is_within(&target, crate::knowledge::files::ROOT_HOME)
        .then_some(RootNeed::RootHome(target))
}

/// `ghcr.io/owner/name:tag@sha256:…` → `name`; `None` for a value not read (`$IMAGE`). A tag
/// left to a variable (`ghcr.io/google/cadvisor:$VERSION`) still names the image.
fn image_name(reference: &str) -> Option<String> {
    let last = reference.rsplit('/').next().unwrap_or(reference);
    let tag_at = last
        .find([':', '@'])
        .map_or(reference.len(), |at| reference.len() - last.len() + at);
    let reference = &reference[..tag_at];
    if reference.is_empty() || reference.contains(['$', '{', '<']) {
        return None;
    }
    let image = ImageRef::parse(reference);
    let name = image.repository.rsplit('/').next()?;
    (!name.is_empty()).then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs(text: &str) -> Vec<DocumentedRun> {
        let mut out = Vec::new();
        read_text(Path::new("README.md"), text, &mut out);
        out
    }

    #[test]
    fn docker_run_commands_name_their_image_and_mounts() {
        let found = runs(
            "Run it:\n```\n$ docker run --detach \\\n    --name watchtower \\\n    --volume /var/run/docker.sock:/var/run/docker.sock \\\n    containrrr/watchtower:1.7 --interval 30\n```\n",
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].image, "watchtower");
        assert_eq!(found[0].need, RootNeed::DockerSocket);
        assert_eq!(found[0].line, 3);
        let home =
            runs("docker run -d -v ollama:/root/.ollama -p 11434:11434 --name x ollama/ollama");
        assert_eq!(home[0].image, "ollama");
        assert_eq!(home[0].need, RootNeed::RootHome("/root/.ollama".into()));
        // A volume elsewhere needs nothing; a run with no image is not read.
        assert!(runs("docker run -v data:/data -v /root:/host-root app/app").is_empty());
        assert!(runs("docker run -v /var/run/docker.sock:/var/run/docker.sock").is_empty());
        assert!(runs("docker run -v /var/run/docker.sock:/x $IMAGE").is_empty());
        // A tag left to a variable still names the image; a wrapper before `docker` is fine.
        let privileged = runs(
            "sudo docker run \\\n  --volume=/:/rootfs:ro \\\n  --privileged \\\n  ghcr.io/google/cadvisor:$VERSION # older: gcr.io/cadvisor/cadvisor\n",
        );
        assert_eq!(privileged.len(), 1, "{privileged:?}");
        assert_eq!(privileged[0].image, "cadvisor");
        assert_eq!(privileged[0].need, RootNeed::Privileged);
        assert!(runs("docker run --privileged ${REGISTRY}/app:1").is_empty());
    }

    #[test]
    fn compose_services_keep_their_mounts_to_themselves() {
        let found = runs(
            "services:\n  server:\n    image: example/app-server:v3\n    volumes:\n      - data:/var/lib/app\n  agent:\n    depends_on:\n      - server\n    image: example/app-agent:v3\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n",
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].image, "app-agent");
        assert_eq!(found[0].line, 11);
    }
}
