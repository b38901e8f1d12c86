#!/usr/bin/env bash
# Lint every file in a folder of real Dockerfiles, as named files, and report what was found.
#   scripts/corpus-report.sh DIR [TSV]
# When a MANIFEST.tsv (columns: file, repo, path) sits in DIR or beside it, each file is linted
# under its original repository path (`--stdin-filename repo/path`), since gopherlint reads
# conventions from paths (`.devcontainer/`, `test/`); otherwise under its own name.
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
manifest=""
for candidate in "$dir/MANIFEST.tsv" "$dir/../MANIFEST.tsv"; do
  if [ -f "$candidate" ]; then manifest=$candidate; break; fi
done
# Exit 1 means findings; only 2 (a usage or I/O error) stops the report.
lint() {
  local status=0
  # shellcheck disable=SC2086
  "$bin" --no-config --format json ${GOPHERLINT_FLAGS:-} "$@" || status=$?
  if [ "$status" -gt 1 ]; then
    echo "corpus-report: gopherlint exited $status on $*" >&2
    exit "$status"
  fi
}
if [ -n "$manifest" ]; then
  echo "paths from $manifest"
  declare -A origin
  while IFS=$'\t' read -r file repo path _; do
    [ "$file" = "file" ] && continue
    origin[$file]="$repo/$path"
  done < "$manifest"
  for f in "${files[@]}"; do
    name=$(basename "$f")
    lint --stdin-filename "${origin[$name]:-$name}" - < "$f"
  done > "$json"
else
  lint "${files[@]}" > "$json"
fi
python3 - "$json" "$out" <<'PY'
import collections, json, sys
# One JSON document per gopherlint run: merge them.
decoder, text, pos = json.JSONDecoder(), open(sys.argv[1]).read(), 0
report = {"files": [], "diagnostics": []}
while pos < len(text):
    if text[pos].isspace():
        pos += 1
        continue
    doc, pos = decoder.raw_decode(text, pos)
    report["files"] += doc["files"]
    report["diagnostics"] += doc["diagnostics"]
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
