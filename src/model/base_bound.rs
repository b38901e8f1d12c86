//! Whether a floating image changes what the build keeps. A helper stage that only arranges
//! files, or that takes its packages from repositories which roll anyway, yields the same
//! files whichever release of its base runs it; a build that checks out another project's
//! default branch floats whatever its bases are pinned to.

use super::facts::FileFacts;
use super::platform::PLATFORM_ARGS;
use super::stage::StageBase;
use crate::knowledge::{downloads, files, packages, tools};
use crate::paths;

/// The variables written in a download address whose names say they hold a version.
fn version_slots(url: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = url;
    while let Some(at) = rest.find('$') {
        rest = &rest[at + 1..];
        let braced = rest.starts_with('{');
        let body = rest.trim_start_matches('{');
        let end = body
            .find(|c: char| !(c == '_' || c.is_ascii_alphanumeric()))
            .unwrap_or(body.len());
        let name = &body[..end];
        if !name.is_empty()
            && downloads::is_version_variable(name)
            && (!braced || body[end..].starts_with('}'))
        {
            names.push(name.to_string());
        }
    }
    names
}

/// Why what a stage yields does not follow its base's release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaseIndependence {
    /// Its RUNs only make, copy or move files, and the stages after it take only those.
    ArrangesFiles,
    /// It installs from a rolling repository (Alpine's edge), or upgrades every package
    /// within the one release line its image's name fixes (`ubi9/ubi-minimal`).
    RollingPackages,
    /// It only downloads files at addresses that name their version (with the downloader it
    /// installs for that) and unpacks or arranges them, and the stages after it take only
    /// those files.
    FetchesPinned,
    /// It installs only CA roots or time zone data, which every release ships alike, and the
    /// stages after it take only those; or it runs nothing and they take only its base's CA
    /// roots or zone data, which its newest release has newest.
    SharedData,
}

impl FileFacts<'_> {
    /// What `stage` yields does not depend on which release of its base image runs it. For a
    /// helper stage (not the shipped stage or one it is built on, not the base of another
    /// stage) with RUNs of its own, or one that runs nothing and supplies only CA roots or
    /// zone data (otherwise a stage that runs nothing yields its base's own files);
    /// for any stage that upgrades every package within the release line its image names.
    pub fn yield_ignores_base(&self, stage: usize) -> Option<BaseIndependence> {
        let helper = !self.final_chain().contains(&stage)
            && !self
                .stages
                .iter()
                .any(|s| matches!(s.base, StageBase::Stage(b) if b == stage));
        let runs = self.runs_in_stage(stage);
        let data_paths = |copy: &super::copy::Copy| {
            !copy.sources.is_empty()
                && copy.sources.iter().all(|s| {
                    s.usable().is_some_and(|s| {
                        let s = paths::normalize(s);
                        files::CA_FILES.contains(&s.as_str())
                            // A folder of /etc that holds them (`COPY --from=certs /etc/ssl`).
                            || (s.starts_with("/etc/")
                                && files::CA_DIRS
                                    .iter()
                                    .chain(files::CA_FILES)
                                    .any(|d| paths::is_within(d, &s)))
                            || files::CA_DIRS
                                .iter()
                                .chain([&files::ZONEINFO_DIR])
                                .any(|d| s == *d || s.starts_with(&format!("{d}/")))
                    })
                })
        };
        if runs.is_empty() {
            // A stage that runs nothing yields its base's own files; when all the later
            // stages take from it is CA roots or zone data, the newest release's are the
            // ones wanted (`FROM ubi-minimal:latest AS certs`).
            let copies: Vec<_> = self.copies_from(stage).collect();
            return (helper && !copies.is_empty() && copies.into_iter().all(data_paths))
                .then_some(BaseIndependence::SharedData);
        }
        let commands = || runs.iter().flat_map(|r| r.script.commands.iter());
        let upgrades_line = || {
            let image = self.stages[stage].root_image.as_ref()?;
            image.names_release_line().then_some(())?;
            commands()
                .any(|c| {
                    let argv = c.texts();
                    c.program()
                        .is_some_and(|p| packages::upgrades_every_package(p, &argv))
                })
                .then_some(BaseIndependence::RollingPackages)
        };
        // A shipped stage keeps its base's files, unless it upgrades every one of them within
        // the release line the image's name fixes (`ubi9/ubi-minimal:latest` with
        // `microdnf update`).
        if !helper {
            return upgrades_line();
        }
        if commands().all(|c| {
            c.program()
                .is_none_or(|p| tools::FILE_ARRANGERS.contains(&p))
        }) && self
            .copies_from(stage)
            .all(|c| self.takes_only_written(stage, c))
        {
            return Some(BaseIndependence::ArrangesFiles);
        }
        let installs_data = |c: &crate::shell::Command| {
            let argv = c.texts();
            let Some(program) = c.program() else {
                return true;
            };
            match packages::package_install(program, &argv) {
                Some(install) => install
                    .packages
                    .iter()
                    .all(|&i| packages::is_release_neutral_data(argv[i])),
                None => packages::only_tends_the_image(program, &argv),
            }
        };
        let installs_any = commands().any(|c| {
            let argv = c.texts();
            c.program()
                .and_then(|p| packages::package_install(p, &argv))
                .is_some_and(|install| !install.packages.is_empty())
        });
        // CA roots installed beside files the stage writes itself (`echo ... > /etc/passwd`
        // for the user a scratch image runs as): each kind is base-independent, so is both.
        let arranges = |c: &crate::shell::Command| {
            c.program()
                .is_none_or(|p| tools::FILE_ARRANGERS.contains(&p))
        };
        if installs_any
            && commands().all(|c| installs_data(c) || arranges(c))
            && self
                .copies_from(stage)
                .all(|c| data_paths(c) || self.takes_only_written(stage, c))
        {
            return Some(BaseIndependence::SharedData);
        }
        if self.fetches_only_pinned(stage) {
            return Some(BaseIndependence::FetchesPinned);
        }
        let edge = commands().any(|c| {
            let argv = c.texts();
            c.program()
                .is_some_and(|p| packages::installs_from_rolling_repository(p, &argv))
        });
        if edge {
            return Some(BaseIndependence::RollingPackages);
        }
        upgrades_line()
    }

    /// A helper stage's RUNs only install a downloader, download from addresses that name a
    /// version, unpack and arrange the files; and what later stages take from it is none of
    /// its base's directories (`COPY --from=fetch /kubectl /kubectl`).
    fn fetches_only_pinned(&self, stage: usize) -> bool {
        let vars = &self.stages[stage].vars;
        let mut downloads = 0;
        let commands_fit = self
            .runs_in_stage(stage)
            .iter()
            .flat_map(|r| r.script.commands.iter())
            .all(|c| {
                let argv = c.texts();
                let Some(program) = c.program() else {
                    return true;
                };
                if let Some(install) = packages::package_install(program, &argv) {
                    return install.packages.iter().all(|&i| {
                        tools::DOWNLOADERS.contains(&argv[i])
                            || tools::UNPACKERS.contains(&argv[i])
                            // The shell its script is written for (`bash`).
                            || crate::knowledge::shells::is_posix_shell(argv[i])
                            || packages::is_release_neutral_data(argv[i])
                    });
                }
                if tools::DOWNLOADERS.contains(&program) {
                    // The platform the build targets picks among published files of one
                    // version (`.../v1.34.3/bin/linux/${TARGETARCH}/kubectl`).
                    let urls: Vec<String> = argv
                        .iter()
                        .flat_map(|w| downloads::urls_in(w))
                        .filter_map(|u| {
                            let fixed = PLATFORM_ARGS.iter().fold(u.to_string(), |u, arg| {
                                u.replace(&format!("${{{arg}}}"), "platform")
                                    .replace(&format!("${arg}"), "platform")
                            });
                            // A version the build must pass (`ARG KIT_VERSION` with no
                            // default, `.../download/$KIT_VERSION/...`) names one release.
                            let fixed = version_slots(&fixed)
                                .into_iter()
                                .filter(|name| {
                                    vars.expand_strict(&format!("${{{name}}}"))
                                        .usable()
                                        .is_none_or(str::is_empty)
                                })
                                .fold(fixed.clone(), |u, name| {
                                    u.replace(&format!("${{{name}}}"), "v0.0.0")
                                        .replace(&format!("${name}"), "v0.0.0")
                                });
                            vars.expand(&fixed).usable().map(str::to_string)
                        })
                        .collect();
                    downloads += urls.len();
                    return !urls.is_empty() && urls.iter().all(|u| downloads::names_a_version(u));
                }
                // Checks of what it fetched (`sha256sum -c`), text read into a variable
                // (`uname -m | sed ...`) and upkeep of the base's own packages change none of
                // the files it hands on.
                packages::only_tends_the_image(program, &argv)
                    || tools::UNPACKERS.contains(&program)
                    || tools::TEXT_READERS.contains(&program)
                    || tools::verifies(program, &argv[1..])
            });
        let outside_base = |copy: &super::copy::Copy| {
            !copy.sources.is_empty()
                && copy.sources.iter().all(|s| {
                    s.usable().is_some_and(|s| {
                        let s = paths::normalize(s);
                        s != "/"
                            && !files::BASE_DIRECTORIES
                                .iter()
                                .any(|d| paths::is_within(&s, d) || paths::is_within(d, &s))
                    })
                })
        };
        commands_fit
            && downloads > 0
            && self
                .copies_from(stage)
                .all(|c| outside_base(c) || self.takes_only_written(stage, c))
    }

    /// Every path `copy` takes from `stage` lies under (or holds only) what the stage's own
    /// instructions wrote: a directory it made, a path its RUNs name, its WORKDIR, what it
    /// copied in.
    fn takes_only_written(&self, stage: usize, copy: &super::copy::Copy) -> bool {
        let workdir = self.stages[stage].workdir.clone();
        let mut written: Vec<String> = workdir.iter().cloned().collect();
        for run in self.runs_in_stage(stage) {
            for command in &run.script.commands {
                // A relative path a program that writes files names (`mv app-linux-amd64 app`)
                // is under the stage's WORKDIR.
                let writes = command.program().is_some_and(|p| {
                    matches!(
                        p,
                        "cp" | "mv" | "ln" | "install" | "mkdir" | "touch" | "tee"
                    )
                });
                // `echo ... > /etc/passwd`: the file a redirection writes.
                let redirected = command.writes.iter().map(|w| (w, true));
                for (word, written_to) in command
                    .argv
                    .iter()
                    .skip(1)
                    .map(|w| (w, writes))
                    .chain(redirected)
                {
                    let writes = written_to;
                    let literal = word.text.split('$').next().unwrap_or_default();
                    if literal.starts_with('/') && literal.len() > 1 {
                        written.push(paths::normalize(literal));
                    } else if writes
                        && !literal.is_empty()
                        && !literal.starts_with('-')
                        && literal.len() == word.text.len()
                        && let Some(dir) = workdir.as_deref()
                    {
                        written.push(paths::join(dir, literal));
                    }
                }
            }
        }
        written.extend(
            self.copies
                .iter()
                .filter(|c| c.stage == stage)
                .filter_map(|c| c.dest.usable().map(paths::normalize)),
        );
        // The root is every stage's WORKDIR until one is set.
        written.retain(|w| w != "/");
        let under = |path: &str, root: &str| {
            path == root || path.starts_with(&format!("{}/", root.trim_end_matches('/')))
        };
        // A directory the base fills (`/etc`, `/usr`) holds the base's files besides what the
        // stage made in it.
        let base_filled = |path: &str| files::BASE_DIRECTORIES.contains(&path);
        !copy.sources.is_empty()
            && copy.sources.iter().all(|source| {
                source.usable().is_some_and(|s| {
                    let s = paths::normalize(s);
                    written
                        .iter()
                        .any(|w| under(&s, w) || (under(w, &s) && !base_filled(&s)))
                })
            })
    }

    /// A RUN clones another project's default branch (`git clone URL` with no `--branch` of a
    /// release and no `git checkout` after it), or a branch by name: what the build makes
    /// from it moves with every push there, whatever the file pins.
    pub fn builds_moving_sources(&self) -> bool {
        self.runs.iter().any(|run| {
            let commands = &run.script.commands;
            commands.iter().enumerate().any(|(i, command)| {
                git_words(command).is_some_and(|argv| {
                    tools::is_clone(&argv)
                        && tools::clone_branch(&argv).is_none_or(downloads::is_moving_ref)
                        && !commands[i + 1..].iter().filter_map(git_words).any(|later| {
                            tools::checked_out_ref(&later)
                                .is_some_and(|r| !downloads::is_moving_ref(r))
                        })
                })
            })
        })
    }
}

impl FileFacts<'_> {
    /// The shipped image installs its publisher's newest release, on purpose: a RUN of its
    /// chain downloads from a `releases/latest` address, written or through a build argument
    /// whose default makes it one (`ARG RELEASE=latest` ... `releases/${RELEASE}`). Such an
    /// image follows each release without a commit by design; pinning its bases alone would
    /// not make it repeatable.
    pub fn installs_latest_release(&self) -> bool {
        let shipped_from = self.stages_shipped_from();
        self.download_addresses(&shipped_from).any(|(stage, url)| {
            self.stages[stage]
                .vars
                .expand(url)
                .usable()
                .is_some_and(downloads::serves_latest_release)
        })
    }
}

impl FileFacts<'_> {
    /// The final chain and every stage whose files reach it through copies, however many
    /// steps away (`COPY --from=fetcher` in a stage the final image copies from).
    fn stages_shipped_from(&self) -> Vec<usize> {
        let mut stages: Vec<usize> = self.final_chain().to_vec();
        let mut at = 0;
        while let Some(&stage) = stages.get(at) {
            at += 1;
            for copy in self.copies.iter().filter(|c| c.stage == stage) {
                if let super::copy::CopySource::Stage(from) = copy.source {
                    for &s in self.chain(from) {
                        if !stages.contains(&s) {
                            stages.push(s);
                        }
                    }
                }
            }
        }
        stages
    }
}

/// A git command's words; `None` for any other program. Every file has RUNs and few clone, so
/// only git's commands are read as words.
fn git_words(command: &std::sync::Arc<crate::shell::Command>) -> Option<Vec<&str>> {
    (command.program() == Some("git")).then(|| command.texts())
}
