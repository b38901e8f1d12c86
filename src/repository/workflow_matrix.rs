//! A workflow job's `strategy.matrix`: the combinations it runs, so that a build step's
//! `file: ${{ matrix.dockerfile }}` names the Dockerfiles the job builds rather than nothing.
//! Combinations follow GitHub's rules: the product of the list-valued keys, less the
//! `exclude` entries; an `include` entry extends each combination whose original keys it
//! matches (values it added may be replaced by a later entry), and is a combination of its own
//! when it matches none. A matrix of `include` entries alone is one combination per entry.

use super::yaml::Node;

/// One combination: each matrix key with its scalar value.
pub(super) type Combination = Vec<(String, String)>;

/// More combinations than this are not expanded: a job of hundreds is a test matrix, and its
/// builds are read as one step with the expressions unknown, as before.
const MAX_COMBINATIONS: usize = 64;

/// The job's combinations; empty when it has no matrix, the matrix is an expression
/// (`${{ fromJSON(...) }}`), or it has too many to expand.
pub(super) fn combinations(job: &Node) -> Vec<Combination> {
    let Some(matrix) = job.get("strategy").and_then(|s| s.get("matrix")) else {
        return Vec::new();
    };
    let mut rows: Vec<Combination> = vec![Vec::new()];
    let mut original_keys: Vec<&str> = Vec::new();
    for (key, node) in matrix.entries() {
        if key == "include" || key == "exclude" {
            continue;
        }
        // A value is a scalar, or a mapping whose scalars the steps read as
        // `${{ matrix.KEY.FIELD }}` (`image: [{name: dev, dockerfile: Dockerfile.dev}]`).
        let values: Vec<Combination> = node
            .items()
            .iter()
            .filter_map(|item| match item.as_str() {
                Some(v) => Some(vec![(key.clone(), v.to_string())]),
                None => {
                    let fields: Combination = item
                        .entries()
                        .iter()
                        .filter_map(|(f, v)| Some((format!("{key}.{f}"), v.as_str()?.to_string())))
                        .collect();
                    (!fields.is_empty()).then_some(fields)
                }
            })
            .collect();
        if values.is_empty() {
            continue;
        }
        original_keys.push(key);
        rows = rows
            .iter()
            .flat_map(|row| {
                values.iter().map(move |v| {
                    let mut row = row.clone();
                    row.extend(v.iter().cloned());
                    row
                })
            })
            .collect();
        if rows.len() > MAX_COMBINATIONS {
            return Vec::new();
        }
    }
    if original_keys.is_empty() {
        rows.clear();
    }
    let entry = |node: &Node| -> Combination {
        node.entries()
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
            .collect()
    };
    let value =
        |row: &Combination, key: &str| row.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    let matches = |row: &Combination, with: &Combination, keys: &[&str]| {
        with.iter()
            .filter(|(k, _)| keys.contains(&k.as_str()))
            .all(|(k, v)| value(row, k).as_ref() == Some(v))
    };
    for exclude in matrix.get("exclude").map_or(&[][..], Node::items) {
        let exclude = entry(exclude);
        rows.retain(|row| !matches(row, &exclude, &original_keys));
    }
    let includes = matrix.get("include").map_or(&[][..], Node::items);
    // A matrix of `include` entries alone runs each entry as a job of its own.
    if original_keys.is_empty() {
        if includes.len() > MAX_COMBINATIONS {
            return Vec::new();
        }
        return includes.iter().map(entry).collect();
    }
    for include in includes {
        let include = entry(include);
        let mut extended = false;
        for row in rows.iter_mut() {
            if matches(row, &include, &original_keys) {
                for (k, v) in &include {
                    if !original_keys.contains(&k.as_str()) {
                        row.retain(|(key, _)| key != k);
                        row.push((k.clone(), v.clone()));
                    }
                }
                extended = true;
            }
        }
        if !extended {
            rows.push(include);
        }
    }
    if rows.len() > MAX_COMBINATIONS {
        return Vec::new();
    }
    rows
}

/// `text` with each `${{ matrix.KEY }}` the combination gives replaced by its value. Other
/// expressions, and keys the combination lacks, stay as they are: they remain unknown.
pub(super) fn substitute(text: &str, combination: &Combination) -> String {
    substitute_values(text, "matrix.", combination)
}

/// `text` with each `${{ PREFIX KEY }}` (`${{ env.PLATFORMS }}` for the prefix `env.`) that
/// `values` gives replaced by its value; the rest stay as they are.
pub(super) fn substitute_values(text: &str, prefix: &str, values: &[(String, String)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("${{") {
        let after = &rest[open + 3..];
        let Some(close) = after.find("}}") else {
            break;
        };
        out.push_str(&rest[..open]);
        let key = after[..close].trim().strip_prefix(prefix);
        match key.and_then(|k| values.iter().find(|(name, _)| name == k)) {
            Some((_, value)) => out.push_str(value),
            None => out.push_str(&rest[open..open + 3 + close + 2]),
        }
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    out
}

/// The text refers to a matrix value.
pub(super) fn refers_to_matrix(text: &str) -> bool {
    text.contains("matrix.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repository::yaml;

    fn job(text: &str) -> Node {
        let docs = yaml::parse(text).expect("valid YAML");
        docs.into_iter().next().expect("one document")
    }

    fn values(rows: &[Combination], key: &str) -> Vec<String> {
        rows.iter()
            .map(|r| {
                r.iter()
                    .find(|(k, _)| k == key)
                    .map_or("-".to_string(), |(_, v)| v.clone())
            })
            .collect()
    }

    #[test]
    fn include_entries_extend_the_combinations_they_match() {
        let rows = combinations(&job("strategy:
  matrix:
    pkg: [server, relay]
    include:
      - pkg: server
        dockerfile: Dockerfile
      - pkg: relay
        dockerfile: Dockerfile.relay
      - pkg: extra
        dockerfile: Dockerfile.extra
"));
        assert_eq!(values(&rows, "pkg"), ["server", "relay", "extra"]);
        assert_eq!(
            values(&rows, "dockerfile"),
            ["Dockerfile", "Dockerfile.relay", "Dockerfile.extra"]
        );
    }

    #[test]
    fn lists_multiply_and_excludes_remove() {
        let rows = combinations(&job("strategy:
  matrix:
    os: [linux, windows]
    image: [a, b]
    exclude:
      - os: windows
        image: b
"));
        assert_eq!(values(&rows, "os"), ["linux", "linux", "windows"]);
        assert_eq!(values(&rows, "image"), ["a", "b", "a"]);
    }

    #[test]
    fn mapping_values_give_their_fields() {
        let rows = combinations(&job("strategy:
  matrix:
    image:
      - name: latest
        dockerfile: Dockerfile
      - name: dev
        dockerfile: Dockerfile.dev
    platform: [linux/amd64, linux/arm64]
"));
        assert_eq!(
            values(&rows, "image.dockerfile"),
            [
                "Dockerfile",
                "Dockerfile",
                "Dockerfile.dev",
                "Dockerfile.dev"
            ]
        );
        assert_eq!(
            substitute("${{ matrix.image.dockerfile }}", &rows[2]),
            "Dockerfile.dev"
        );
    }

    #[test]
    fn an_include_only_matrix_is_its_entries() {
        let rows = combinations(&job("strategy:
  matrix:
    include:
      - file: a.Dockerfile
      - file: b.Dockerfile
"));
        assert_eq!(values(&rows, "file"), ["a.Dockerfile", "b.Dockerfile"]);
    }

    #[test]
    fn expressions_and_huge_matrices_give_nothing() {
        assert!(
            combinations(&job(
                "strategy:\n  matrix: ${{ fromJSON(needs.a.outputs.m) }}\n"
            ))
            .is_empty()
        );
        let many: Vec<String> = (0..9).map(|i| format!("v{i}")).collect();
        let text = format!(
            "strategy:\n  matrix:\n    a: [{0}]\n    b: [{0}]\n",
            many.join(", ")
        );
        assert!(combinations(&job(&text)).is_empty());
        assert!(combinations(&job("runs-on: x\n")).is_empty());
    }

    #[test]
    fn substitution_replaces_only_known_matrix_values() {
        let row = vec![("dockerfile".to_string(), "Dockerfile.relay".to_string())];
        assert_eq!(
            substitute("${{ matrix.dockerfile }}", &row),
            "Dockerfile.relay"
        );
        assert_eq!(
            substitute("build/${{matrix.dockerfile}}:${{ matrix.tag }}", &row),
            "build/Dockerfile.relay:${{ matrix.tag }}"
        );
        assert_eq!(
            substitute("${{ github.sha }} ${{", &row),
            "${{ github.sha }} ${{"
        );
    }
}
