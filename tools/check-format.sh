#!/usr/bin/env bash
# Fails, listing the files, if a tracked C++ file is not formatted as .clang-format says.
# Usage: tools/check-format.sh   (fix with: clang-format -i FILE...)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || { echo "check-format: clang-format not installed" >&2; exit 1; }
bad=()
while IFS= read -r -d '' f; do
  clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done < <(git ls-files -z -- '*.cc' '*.h')
if [ ${#bad[@]} -gt 0 ]; then
  echo "check-format: not formatted (clang-format -i to fix): ${bad[*]}" >&2
  exit 1
fi
echo "check-format: $(git ls-files -- '*.cc' '*.h' | wc -l) files formatted"
