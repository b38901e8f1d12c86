//! One finding per RUN for a problem several builds of that RUN share.

use crate::diagnostic::Diagnostic;
use crate::source::TextRange;

/// Builds chained in one RUN (`go build a && go build b`) that lack the same flags are one edit
/// of one command chain: the first build reports the problem, the others become its labels,
/// and its fix makes all their edits. Reviewers counted one warning per build as noise.
#[derive(Default)]
pub(crate) struct PerRun {
    /// The instruction and message of each finding reported, with its index in the output.
    reported: Vec<(usize, String, usize)>,
    /// Fold every finding of a RUN into its first, whatever its message: the builds share
    /// one problem in different degrees (one lacks `-s`, another all of `-ldflags`).
    whatever_message: bool,
}

impl PerRun {
    /// A fold that ignores the message: one finding per RUN.
    pub(crate) fn per_instruction() -> PerRun {
        PerRun {
            whatever_message: true,
            ..PerRun::default()
        }
    }

    /// Folds `diagnostic` into the finding that an earlier build of the same instruction made
    /// with the same message, labelling `range`, and says whether it did. When it did not, the
    /// caller pushes `diagnostic` next, and later builds fold into it.
    pub(crate) fn folded(
        &mut self,
        out: &mut [Diagnostic],
        instruction: usize,
        diagnostic: &mut Diagnostic,
        range: TextRange,
        label: &str,
    ) -> bool {
        let found = self.reported.iter().find(|(i, message, _)| {
            *i == instruction && (self.whatever_message || *message == diagnostic.message)
        });
        let Some(&(_, _, first)) = found else {
            self.reported
                .push((instruction, diagnostic.message.clone(), out.len()));
            return false;
        };
        let first = &mut out[first];
        // A fix that covers only some of the builds would leave the rest behind: none then.
        first.fix = match (first.fix.take(), diagnostic.fix.take()) {
            (Some(a), Some(b)) => Some(a.merged(b)),
            _ => None,
        };
        first.labels.push(crate::diagnostic::Label {
            range,
            message: label.to_string(),
        });
        true
    }
}
