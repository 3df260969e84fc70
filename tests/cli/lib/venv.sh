# The project's Python test environment (sourced after common.sh): sets $python to
# $GROK_SOURCE_DIR/.venv/bin/python and fails, never skips, unless it imports every module
# named in $VENV_MODULES. `make test` creates it from python/requirements.txt.
src="${GROK_SOURCE_DIR:?GROK_SOURCE_DIR must point at the source tree}"
python="$src/.venv/bin/python"
for module in ${VENV_MODULES:-numpy}; do
  if ! "$python" -c "import $module" 2>/dev/null; then
    echo "error: $python cannot import $module; create the test environment with" >&2
    echo "  make -C $src venv      (make test does this)" >&2
    exit 1
  fi
done
export JAX_PLATFORMS=cpu TF_CPP_MIN_LOG_LEVEL=3 PYTHONWARNINGS=ignore
