# Shared helpers of the CLI tests (sourced). $GROKKING is the program under test.
set -euo pipefail
: "${GROKKING:?set GROKKING to the grokking binary}"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/grokking-cli.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}

fail() { echo "FAIL: $*" >&2; exit 1; }

# expect_exit CODE CMD...: runs CMD capturing stdout/stderr into $WORK/out and $WORK/err.
expect_exit() {
  local want=$1; shift
  set +e
  "$@" >"$WORK/out" 2>"$WORK/err"
  local got=$?
  set -e
  [ "$got" -eq "$want" ] || { cat "$WORK/out" "$WORK/err" >&2; fail "'$*' exited $got, want $want"; }
}

# expect_in FILE TEXT: FILE contains TEXT.
expect_in() { grep -qF -- "$2" "$1" || { cat "$1" >&2; fail "'$1' lacks '$2'"; }; }

# py EXPR...: evaluates a Python snippet with json imported (asserts raise → failure).
py() { python3 -c "import json, sys; $1"; }
