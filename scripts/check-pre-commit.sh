#!/usr/bin/env bash
# Runs the `gopherlint` pre-commit hook from this checkout with `pre-commit try-repo`: it must
# fail and show the finding on a bad Dockerfile, and pass on a clean one.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v pre-commit > /dev/null || { echo "check-pre-commit: pre-commit is not installed (pip install pre-commit)" >&2; exit 2; }
cd "$work"
git init -q
cp "$repo/fixtures/Dockerfile.single-stage" bad.Dockerfile
cp "$repo/fixtures/Dockerfile.modern" Dockerfile
git add -A
if pre-commit try-repo "$repo" gopherlint --files bad.Dockerfile > bad.log 2>&1; then
  cat bad.log
  echo "check-pre-commit: the hook passed on a bad Dockerfile" >&2
  exit 1
fi
if ! grep -q "error\[GL001\]" bad.log; then
  cat bad.log
  echo "check-pre-commit: the hook failed without showing the finding" >&2
  exit 1
fi
echo "bad Dockerfile: the hook failed and showed GL001, as it should"
pre-commit try-repo "$repo" gopherlint --files Dockerfile
echo "clean Dockerfile: the hook passed"
