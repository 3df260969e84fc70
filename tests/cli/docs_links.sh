#!/usr/bin/env bash
# The repository's documentation stands on its own: every relative link in a Markdown file
# (README.md, docs/, anywhere tracked) points at a file or directory inside the repository,
# and no tracked text file outside tests/ refers to ../shared (the project's planning notes,
# which a clone does not have). The check is shown able to fail on a crafted page.
source "$(dirname "$0")/lib/common.sh"
src="${GROK_SOURCE_DIR:?}"
check() {
  python3 - "$1" <<'PY'
import os, re, subprocess, sys
root = os.path.realpath(sys.argv[1])
files = subprocess.run(["git", "-C", root, "ls-files", "--cached", "--others", "--exclude-standard"],
                       capture_output=True, text=True, check=True).stdout.split()
link = re.compile(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
bad = []
for f in files:
    path = os.path.join(root, f)
    if not os.path.isfile(path):
        continue
    try:
        text = open(path, encoding="utf-8").read()
    except UnicodeDecodeError:
        continue
    if not f.startswith("tests/") and "../shared" in text:
        bad.append(f"{f}: refers to ../shared, which is not part of the repository")
    if not f.endswith(".md"):
        continue
    for target in link.findall(text):
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            continue
        target = target.split("#")[0]
        resolved = os.path.realpath(os.path.join(os.path.dirname(path), target))
        if not (resolved == root or resolved.startswith(root + os.sep)):
            bad.append(f"{f}: link {target} leaves the repository")
        elif not os.path.exists(resolved):
            bad.append(f"{f}: link {target} points at nothing")
for b in bad:
    print(b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
}
check "$src" || fail "documentation links outside the repository (above)"

# The check can fail: a copy of the tree with a page linking outside it, and one dead link.
git -C "$src" ls-files -z | (cd "$src" && xargs -0 cp --parents -t "$WORK" 2>/dev/null) || true
git -C "$WORK" init -q
printf 'See [the notes](../shared/DESIGN.md) and [gone](docs/none.md).\n' >"$WORK/extra.md"
if check "$WORK" 2>"$WORK/err"; then fail "a link outside the repository was accepted"; fi
expect_in "$WORK/err" "extra.md: link ../shared/DESIGN.md leaves the repository"
expect_in "$WORK/err" "extra.md: link docs/none.md points at nothing"
echo PASS
