//! DevSpace configurations (`devspace.yaml`): the `images` it builds. DevSpace exists to run a
//! project on a Kubernetes cluster while it is developed (sync, hot reload, a debugger), so
//! every image it builds is a development build, as with Tilt.

use std::path::Path;

use super::yaml::{self, Node};
use super::{BuildConfig, ConfigKind, join_rel};

/// The file names DevSpace reads at a project's root.
pub const DEVSPACE_NAMES: &[&str] = &["devspace.yaml", "devspace.yml"];

/// `buildArgs`: a map of names to values; a value with a variable is not read.
fn build_args(node: Option<&Node>) -> Vec<(String, Option<String>)> {
    node.map_or(&[][..], Node::entries)
        .iter()
        .map(|(name, value)| {
            let value = value
                .as_str()
                .filter(|v| !v.contains('$'))
                .map(str::to_string);
            (name.clone(), value)
        })
        .collect()
}

pub fn read(file: &Path, text: &str, out: &mut Vec<BuildConfig>) -> Result<(), String> {
    if !text.contains("images") {
        return Ok(());
    }
    let docs = yaml::parse(text)?;
    let Some(doc) = docs.first() else {
        return Ok(());
    };
    let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
    for (name, image) in doc.get("images").map_or(&[][..], Node::entries) {
        // Before DevSpace 6 (config `v1beta*`), target and build args sat under
        // `build.docker.options`.
        let options = image
            .get("build")
            .and_then(|b| b.get("docker").or_else(|| b.get("buildKit")))
            .and_then(|d| d.get("options"));
        let field = |key: &str| image.get(key).or_else(|| options.and_then(|o| o.get(key)));
        // Both default to the project's root, as DevSpace's do.
        let context = join_rel(&dir, image.str_at("context").unwrap_or("./"));
        let Some(dockerfile) = join_rel(&dir, image.str_at("dockerfile").unwrap_or("./Dockerfile"))
        else {
            continue;
        };
        out.push(BuildConfig {
            target: field("target")
                .and_then(Node::as_str)
                .filter(|t| !t.contains('$'))
                .map(str::to_string),
            args: build_args(field("buildArgs")),
            ..BuildConfig::development(
                ConfigKind::DevSpace,
                file,
                image.line,
                Some(name.clone()),
                dockerfile,
                context,
            )
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::conventions::Intent;
    use crate::repository::ContextDir;

    #[test]
    fn reads_images_of_both_config_versions() {
        let text = "version: v2beta1\nimages:\n  app:\n    image: ${IMAGE}\n    dockerfile: ./build/Dockerfile\n    target: builder\n    buildArgs:\n      DEBUG: \"true\"\n      TAG: ${TAG}\n  plain:\n    image: x\n";
        let mut out = Vec::new();
        read(Path::new("devspace.yaml"), text, &mut out).expect("reads");
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].dockerfile, Path::new("build/Dockerfile"));
        assert_eq!(out[0].target.as_deref(), Some("builder"));
        assert_eq!(
            out[0].args,
            vec![
                ("DEBUG".to_string(), Some("true".to_string())),
                ("TAG".to_string(), None)
            ]
        );
        assert_eq!(out[1].dockerfile, Path::new("Dockerfile"));
        assert_eq!(out[1].context, ContextDir::Dir("".into()));
        assert_eq!(out[1].local, Some(Intent::Dev));

        let old = "version: v1beta11\nimages:\n  api:\n    image: x\n    dockerfile: api.Dockerfile\n    context: ./api\n    build:\n      docker:\n        options:\n          target: dev\n";
        let mut out = Vec::new();
        read(Path::new("sub/devspace.yaml"), old, &mut out).expect("reads");
        assert_eq!(out[0].dockerfile, Path::new("sub/api.Dockerfile"));
        assert_eq!(out[0].context, ContextDir::Dir("sub/api".into()));
        assert_eq!(out[0].target.as_deref(), Some("dev"));
    }
}
