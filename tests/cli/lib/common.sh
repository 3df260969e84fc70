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

# skip WHAT HOW: this test's prerequisite WHAT is missing here. Exits 77, which ctest reports as
# "skipped", printing HOW to enable it; under `make test` (GROK_TESTS_REQUIRE_ALL=1), which must
# run every test, a missing prerequisite is a failure instead.
skip() {
  [ "${GROK_TESTS_REQUIRE_ALL:-0}" = 1 ] && fail "$1 (make test runs every test; $2)"
  echo "SKIP: $1; to run this test: $2"
  exit 77
}

# require_gnuplot: the figures are drawn by gnuplot (scripts/install-deps.sh installs it).
require_gnuplot() {
  command -v gnuplot >/dev/null || skip "gnuplot not installed" "scripts/install-deps.sh"
}

# require_venv: sets $VENV_PYTHON to the project's Python environment ($GROK_SOURCE_DIR/.venv,
# created by `make test`) with safetensors and numpy.
require_venv() {
  VENV_PYTHON="${GROK_SOURCE_DIR:?GROK_SOURCE_DIR must point at the source tree}/.venv/bin/python"
  "$VENV_PYTHON" -c "import safetensors.numpy, numpy" 2>/dev/null ||
    skip "$VENV_PYTHON cannot import safetensors and numpy" "make -C $GROK_SOURCE_DIR venv"
}

# require_mpirun: OpenMPI's launcher (scripts/install-deps.sh installs openmpi-bin). As root,
# OpenMPI refuses to start without its two consent variables (an ordinary user needs neither).
require_mpirun() {
  command -v mpirun >/dev/null || skip "mpirun not installed" "scripts/install-deps.sh"
  if [ "$(id -u)" -eq 0 ]; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  fi
}

# mpi N CMD...: CMD as N ranks on this machine (--oversubscribe: more ranks than cores).
mpi() {
  local n=$1; shift
  mpirun --oversubscribe --bind-to none -np "$n" "$@"
}

# same_models DIR_A DIR_B: every model.safetensors under A (at least one) has a byte-identical
# twin at the same relative path under B (B may hold more: checkpoints of an interrupted run).
same_models() {
  local n
  n=$(cd "$1" && find . -name model.safetensors | wc -l)
  [ "$n" -gt 0 ] || fail "no model.safetensors under $1"
  (cd "$1" && find . -name model.safetensors -print0 | xargs -0 sha256sum) > "$WORK/models.sha256"
  (cd "$2" && sha256sum --quiet -c "$WORK/models.sha256") ||
    fail "model.safetensors differ between $1 and $2"
}
