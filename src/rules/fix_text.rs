//! Text that fixes write: an exec-form argument list, the default unprivileged `USER`, and
//! an instruction keyword in the file's own case style.

use super::Context;
use crate::knowledge::users::DEFAULT_NONROOT_USER;

/// An exec-form argument list as the Dockerfile reference writes it: `["/app", "--flag"]`.
pub fn exec_form(words: &[String]) -> String {
    let elements: Vec<String> = words
        .iter()
        .map(|w| serde_json::Value::String(w.clone()).to_string())
        .collect();
    format!("[{}]", elements.join(", "))
}

/// `USER 65532:65532`, in the file's keyword case.
pub fn nonroot_user_line(ctx: &Context) -> String {
    format!("{} {DEFAULT_NONROOT_USER}", ctx.keyword("USER"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exec_form_quotes_each_word() {
        let words = ["/app".to_string(), "a\"b".into(), "x\",\"y".into()];
        assert_eq!(exec_form(&words), r#"["/app", "a\"b", "x\",\"y"]"#);
        assert_eq!(exec_form(&[]), "[]");
    }
}
