#!/usr/bin/env bash
# Validates gopherlint's SARIF with Microsoft's SARIF Multitool 5.7.0 (npm package
# @microsoft/sarif-multitool-linux), with both the SARIF rules and GitHub code scanning's
# ingestion rules (`--rule-kind "Sarif;Gh"`). The Multitool exits 0 even when it finds problems,
# so its output log is read: any error or warning fails this script.
#   scripts/validate-sarif.sh            logs for one file, many files, a clean file
#   scripts/validate-sarif.sh A.sarif... the given logs
set -euo pipefail
cd "$(dirname "$0")/.."
version=5.7.0
home=${SARIF_MULTITOOL_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/gopherlint-sarif-multitool}
tool=$home/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
if [ ! -x "$tool" ]; then
  mkdir -p "$home"
  (cd "$home" && { [ -f package.json ] || npm init -y > /dev/null; } &&
    npm install --silent --no-audit --no-fund "@microsoft/sarif-multitool-linux@$version" > /dev/null)
  chmod u+x "$tool"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ $# -eq 0 ]; then
  cargo build --quiet
  bin=target/debug/gopherlint
  "$bin" --format sarif fixtures/Dockerfile.single-stage > "$work/one-file.sarif" || true
  "$bin" --format sarif fixtures > "$work/many-files.sarif" || true
  "$bin" --format sarif fixtures/Dockerfile.modern > "$work/clean.sarif"
  set -- "$work"/*.sarif
fi
status=0
for log in "$@"; do
  out="$work/$(basename "$log").validation.sarif"
  "$tool" validate "$log" --output "$out" --rule-kind "Sarif;Gh" --log ForceOverwrite > /dev/null 2>&1 || true
  if [ ! -s "$out" ]; then
    echo "$log: the validator produced no output"
    status=1
    continue
  fi
  python3 - "$log" "$out" <<'PY' || status=1
import json, sys
log, out = sys.argv[1], sys.argv[2]
results = json.load(open(out))["runs"][0].get("results", [])
problems = [r for r in results if r.get("level", "warning") in ("error", "warning")]
for r in results:
    message = r.get("message", {})
    print(f"{log}: {r.get('level', 'warning')} {r.get('ruleId')}: {message.get('text') or message.get('id')}")
count = len(json.load(open(log))["runs"][0]["results"])
print(f"{log}: {count} results; validator: {len(problems)} errors or warnings, {len(results) - len(problems)} notes")
sys.exit(1 if problems else 0)
PY
done
exit $status
