//! `ARG` instructions: defaults, the global scope, and the build args a build passes.

use super::vars::{Certainty, Value, Var, Vars};
use crate::syntax::Instruction;

/// Applies an `ARG` instruction to a scope (`globals` is `None` for the global scope, before
/// the first FROM). A build arg the build passes (`passed`, from the repository's build
/// configuration) wins over the default, as `--build-arg` does. In a stage, a name without a default takes the global value (or the
/// automatic platform value); an ENV of the same name wins over it.
pub(super) fn declare_args(
    vars: &mut Vars,
    globals: Option<&Vars>,
    instruction: &Instruction,
    passed: &[(String, Option<String>)],
) {
    for word in instruction.arg_words() {
        let (name, default) = match word.value.split_once('=') {
            Some((n, d)) => (n.to_string(), Some(d.to_string())),
            None => (word.value.clone(), None),
        };
        if vars.get(&name).is_some_and(|v| v.from_env) {
            continue;
        }
        // A value passed but not readable (`--build-arg V=$(git describe)`) leaves what the
        // file says: the default, which a build arg may change, or nothing known.
        let passed_value = passed
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .and_then(|(_, v)| v.as_ref());
        let value = match (passed_value, default) {
            (Some(text), _) => Some(Value::known(text.clone())),
            (None, Some(default)) => {
                let v = vars.expand(&default);
                Some(Value {
                    certainty: v.certainty.max(Certainty::Default),
                    text: v.text,
                })
            }
            (None, None) => globals
                .and_then(|g| g.get(&name))
                .and_then(|v| v.value.clone()),
        };
        vars.set(
            name,
            Var {
                value,
                origin: Some(word.range),
                from_env: false,
                exported: globals.is_some(),
            },
        );
    }
}
