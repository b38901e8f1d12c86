#!/usr/bin/env python3
"""Rewrites the "after" block of every rule doc's "## Example fix" section with what
`gopherlint --fix --unsafe-fixes` makes of its "before" block (tests/docs.rs compares them).
Review the diff before committing.  Usage: scripts/update-doc-fixes.py [BINARY]"""
import pathlib
import re
import subprocess
import sys

root = pathlib.Path(__file__).resolve().parent.parent
binary = sys.argv[1] if len(sys.argv) > 1 else str(root / "target/release/gopherlint")
fence = re.compile(r"```dockerfile\n(.*?)```", re.S)
for doc in sorted((root / "rules").glob("GL*.md")):
    text = doc.read_text()
    start = text.find("## Example fix")
    if start < 0:
        continue
    end = text.find("\n## ", start + 1)
    end = len(text) if end < 0 else end
    section = text[start:end]
    blocks = list(fence.finditer(section))
    if len(blocks) != 2:
        sys.exit(f"{doc.name}: Example fix needs a before and an after")
    fixed = subprocess.run(
        [binary, "--fix", "--unsafe-fixes", "--stdin-filename", "Dockerfile", "-"],
        input=blocks[0].group(1), capture_output=True, text=True,
    ).stdout
    after = blocks[1]
    section = section[: after.start(1)] + fixed + section[after.end(1):]
    new = text[:start] + section + text[end:]
    if new != text:
        doc.write_text(new)
        print(f"updated {doc.name}")
