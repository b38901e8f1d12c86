//! A workflow's text with the jobs that build no image blanked out, so that the YAML parser
//! (the cost of reading a repository) reads only what is used. Release workflows run to tens
//! of kilobytes of test, lint and changelog jobs around the one that builds. Blanked lines stay
//! as empty lines, so every line number the parser reports is the file's own.

/// The text to parse: `text` with each job that holds no build step replaced by empty lines,
/// or `None` when every job is kept or the layout is not the plain block style this reads
/// safely (anchors and aliases, which may tie jobs together, several documents, flow style,
/// tabs).
pub(super) fn building_jobs_only(text: &str, builds: impl Fn(&str) -> bool) -> Option<String> {
    let tied = ["&", "*", "<<:"].iter().any(|mark| {
        text.lines().any(|line| {
            let value = line.trim_start().trim_start_matches("- ");
            value.starts_with(mark)
                || value
                    .split_once(": ")
                    .is_some_and(|(_, v)| v.trim_start().starts_with(mark))
        })
    });
    if tied || text.contains("\n---") || text.contains('\t') {
        return None;
    }
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let jobs_at = lines
        .iter()
        .position(|l| l.trim_end() == "jobs:" || l.starts_with("jobs: #"))?;
    let end = (jobs_at + 1..lines.len())
        .find(|&i| is_top_level(lines[i]))
        .unwrap_or(lines.len());
    let indent = lines[jobs_at + 1..end]
        .iter()
        .find(|l| is_content(l))
        .map(|l| indentation(l))?;
    if indent == 0 {
        return None;
    }
    let starts: Vec<usize> = (jobs_at + 1..end)
        .filter(|&i| is_content(lines[i]) && indentation(lines[i]) == indent)
        .collect();
    let mut blanked = vec![false; lines.len()];
    for (n, &start) in starts.iter().enumerate() {
        let stop = starts.get(n + 1).copied().unwrap_or(end);
        let job: String = lines[start..stop].concat();
        if !builds(&job) {
            blanked[start..stop].iter_mut().for_each(|b| *b = true);
        }
    }
    if !blanked.contains(&true) {
        return None;
    }
    let mut kept = String::with_capacity(text.len());
    for (line, blank) in lines.iter().zip(blanked) {
        if blank {
            if line.ends_with('\n') {
                kept.push('\n');
            }
        } else {
            kept.push_str(line);
        }
    }
    Some(kept)
}

fn indentation(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// A line with a key or value: not blank, not a comment.
fn is_content(line: &str) -> bool {
    let trimmed = line.trim();
    !trimmed.is_empty() && !trimmed.starts_with('#')
}

fn is_top_level(line: &str) -> bool {
    is_content(line) && indentation(line) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builds(job: &str) -> bool {
        job.contains("docker build")
    }

    const WORKFLOW: &str = "name: release
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: |
          go test ./...
  # the image
  image:
    steps:
      - run: docker build -f build/Dockerfile .
  lint:
    steps:
      - run: golangci-lint run
env:
  A: b
";

    #[test]
    fn jobs_that_build_nothing_become_empty_lines() {
        let kept = building_jobs_only(WORKFLOW, builds).expect("two jobs blanked");
        assert_eq!(kept.lines().count(), WORKFLOW.lines().count());
        assert!(!kept.contains("go test") && !kept.contains("golangci-lint"));
        assert!(kept.contains("  image:\n    steps:\n      - run: docker build"));
        assert!(kept.ends_with("env:\n  A: b\n"));
        assert_eq!(kept.lines().nth(11), WORKFLOW.lines().nth(11));
    }

    #[test]
    fn layouts_not_read_safely_are_parsed_whole() {
        let all_build = WORKFLOW
            .replace("go test", "docker build")
            .replace("golangci-lint run", "docker build .");
        assert_eq!(building_jobs_only(&all_build, builds), None);
        for tied in [
            "  defaults: &d\n    run: {}\n",
            "  image:\n    <<: *d\n",
            "  x:\n    steps: *s\n",
            "---\n",
            "\tbad: tab\n",
        ] {
            let text = format!("{WORKFLOW}{tied}");
            assert_eq!(building_jobs_only(&text, builds), None, "{tied}");
        }
        assert_eq!(building_jobs_only("jobs: {a: {}}\n", builds), None);
        assert_eq!(building_jobs_only("on: push\n", builds), None);
    }
}
