#!/usr/bin/env bash
# Lint every file in a folder of real Dockerfiles, as named files, and report what was found.
#   scripts/corpus-report.sh DIR [TSV]
# Prints the number of findings per rule, per image class and per severity, and the number of
# files per image class. Writes every finding to TSV (default: corpus-findings.tsv in the
# current directory) with the columns path, line, code, class, severity, message: the sheet
# to review each finding against its Dockerfile.
# Extra gopherlint flags can be passed in GOPHERLINT_FLAGS (e.g. "--platform linux/arm64").
set -euo pipefail
dir=${1:?usage: scripts/corpus-report.sh DIR [TSV]}
out=${2:-corpus-findings.tsv}
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ ! -d "$dir" ]; then
  echo "corpus-report: \`$dir\` is not a directory" >&2
  exit 2
fi
bin=${GOPHERLINT:-}
if [ -z "$bin" ]; then
  cargo build --release --quiet --manifest-path "$root/Cargo.toml"
  bin="$root/target/release/gopherlint"
fi
json=$(mktemp)
trap 'rm -f "$json"' EXIT
# Every regular file, whatever its name: a corpus names files after their origin.
mapfile -t files < <(find "$dir" -maxdepth 1 -type f ! -name '*.tsv' ! -name '*.md' | sort)
if [ "${#files[@]}" -eq 0 ]; then
  echo "corpus-report: no files in \`$dir\`" >&2
  exit 2
fi
# Exit 1 means findings; only 2 (a usage or I/O error) stops the report.
status=0
# shellcheck disable=SC2086
"$bin" --no-config --format json ${GOPHERLINT_FLAGS:-} "${files[@]}" > "$json" || status=$?
if [ "$status" -gt 1 ]; then
  echo "corpus-report: gopherlint exited $status" >&2
  exit "$status"
fi
python3 - "$json" "$out" <<'PY'
import collections, json, sys
report = json.load(open(sys.argv[1]))
classes = {f["path"]: f["image_class"] or "unreadable" for f in report["files"]}
findings = report["diagnostics"]
def table(title, counter):
    print(f"{title}:")
    for key, count in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {key:<14} {count}")
print(f"files: {len(classes)}, findings: {len(findings)}")
table("files per image class", collections.Counter(classes.values()))
table("findings per rule", collections.Counter(f["code"] for f in findings))
table("findings per image class", collections.Counter(classes.get(f["path"], "?") for f in findings))
table("findings per severity", collections.Counter(f["severity"] for f in findings))
with open(sys.argv[2], "w") as tsv:
    tsv.write("path\tline\tcode\tclass\tseverity\tmessage\n")
    for f in findings:
        message = f["message"].replace("\t", " ").replace("\n", " ")
        tsv.write(f'{f["path"]}\t{f["range"]["start"]["line"]}\t{f["code"]}\t{classes.get(f["path"], "?")}\t{f["severity"]}\t{message}\n')
print(f"every finding: {sys.argv[2]}")
PY
