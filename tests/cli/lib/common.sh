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

# same_models DIR_A DIR_B: the runs under A and B hold the same models. Every checkpoint
# directory under A has its newest step, with a byte-identical model.safetensors, under B, and
# every other step directory the two share holds identical models too (they may keep different
# older steps: an interrupted run's stop checkpoint takes a place in its retention).
same_models() {
  python3 - "$1" "$2" <<'PY' || fail "model.safetensors differ between $1 and $2"
import hashlib, os, sys
a, b = sys.argv[1], sys.argv[2]
def digest(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()
compared = 0
for root, dirs, files in os.walk(a):
    steps = sorted(d for d in dirs if d.startswith("step_"))
    if not steps:
        continue
    relative = os.path.relpath(root, a)
    for step in steps:
        model_a = os.path.join(root, step, "model.safetensors")
        model_b = os.path.join(b, relative, step, "model.safetensors")
        if not os.path.isfile(model_a):
            continue
        if not os.path.isfile(model_b):
            if step == steps[-1]:
                sys.exit(f"{relative}/{step}: the newest model of {a} is missing under {b}")
            continue
        if digest(model_a) != digest(model_b):
            sys.exit(f"{relative}/{step}/model.safetensors differs")
        compared += 1
if compared == 0:
    sys.exit(f"no model.safetensors under {a}")
PY
}
