//! The addresses a set of stages downloads from: the `http(s)://` words of their RUNs (`curl`,
//! `wget`, a script's argument) and the sources of their `ADD`s. Several facts read them (a
//! latest release, tools fetched for the target platform, programs built for one architecture);
//! they are found here once.

use super::facts::FileFacts;
use crate::knowledge::downloads;

impl FileFacts<'_> {
    /// Each address downloaded by the RUNs and ADDs of `stages`, with the stage that downloads
    /// it (whose variables resolve it). Addresses are as written: `${TARGETARCH}` is kept.
    pub(super) fn download_addresses<'a>(
        &'a self,
        stages: &'a [usize],
    ) -> impl Iterator<Item = (usize, &'a str)> + 'a {
        let run_words = self
            .runs
            .iter()
            .filter(|run| stages.contains(&run.stage))
            .flat_map(|run| {
                run.script
                    .commands
                    .iter()
                    .flat_map(|command| command.argv.iter())
                    .map(move |word| (run.stage, word.text.as_str()))
            });
        let add_words = self
            .copies
            .iter()
            .filter(|copy| copy.is_add && stages.contains(&copy.stage))
            .flat_map(|copy| {
                self.instruction(copy.instruction)
                    .arg_words()
                    .iter()
                    .map(move |word| (copy.stage, word.value.as_str()))
            });
        run_words
            .chain(add_words)
            // Most words hold no address; the check spares them the scan.
            .filter(|(_, text)| text.contains("://"))
            .flat_map(|(stage, text)| downloads::urls_in(text).map(move |url| (stage, url)))
    }
}
