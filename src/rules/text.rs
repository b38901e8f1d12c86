//! Text that rules write: an exec-form argument list, the default unprivileged `USER`, the
//! "did you mean" help for a program the image lacks, and what a base image weighs.

use super::Context;
use crate::knowledge::image_weights::compressed_size;
use crate::knowledge::images::ImageRef;
use crate::knowledge::users::DEFAULT_NONROOT_USER;
use crate::model::FinalFs;
use crate::paths;

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

/// "`golang:1.23` alone is about 301 MB compressed for linux/amd64; `scratch` is 0 MB": what the
/// base weighs, and the base it could be, for the platform being linted, where the knowledge
/// layer's table has a figure for it (the second half only where it has one for the other).
pub fn base_weight(ctx: &Context, image: &ImageRef, instead: &str) -> Option<String> {
    let platform = &ctx.model.platform;
    let weight = compressed_size(image, &platform.arch)?;
    // As written, without a digest (which says nothing of the weight).
    let written = image.raw.split('@').next().unwrap_or(&image.raw);
    let mut text = format!(
        "`{written}` alone is {} compressed for {}",
        weight.about(),
        platform.name()
    );
    if let Some(other) = compressed_size(&ImageRef::parse(instead), &platform.arch) {
        text.push_str(&format!("; `{instead}` is {}", other.about()));
    }
    Some(text)
}

/// "did you mean `/server`?": copied files with the program's name, or else every copied file.
pub fn did_you_mean(fs: &FinalFs, program: &str) -> String {
    let name = paths::basename(program);
    let copied: Vec<&str> = fs.copied_files().collect();
    let same: Vec<&str> = copied
        .iter()
        .copied()
        .filter(|p| paths::basename(p) == name)
        .collect();
    let shown = if same.is_empty() { copied } else { same };
    match shown.as_slice() {
        [] => "nothing is copied into the image yet".to_string(),
        [one] => format!("did you mean `{one}`?"),
        many => format!(
            "the image has {}",
            many.iter()
                .take(5)
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
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
