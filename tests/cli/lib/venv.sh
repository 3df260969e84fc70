# The project's Python test environment (sourced after common.sh): sets $python to
# $GROK_SOURCE_DIR/.venv/bin/python, which must import every module named in $VENV_MODULES;
# otherwise the test is skipped (or fails under make test; common.sh `skip`). `make venv` and
# `make test` create it from python/requirements.txt.
src="${GROK_SOURCE_DIR:?GROK_SOURCE_DIR must point at the source tree}"
python="$src/.venv/bin/python"
for module in ${VENV_MODULES:-numpy}; do
  "$python" -c "import $module" 2>/dev/null ||
    skip "$python cannot import $module" "make -C $src venv"
done
export JAX_PLATFORMS=cpu TF_CPP_MIN_LOG_LEVEL=3 PYTHONWARNINGS=ignore
