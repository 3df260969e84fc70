# The two set-up commands of the README. Both install the Debian packages the build needs
# (scripts/install-deps.sh, sudo when not root), then configure and build a release build.
#   make run   - run the main job
#   make test  - run the test suite through ctest
#   make smoke - a seconds-long experiment and its report (configs/smoke.yaml), every stage of
#                make run's study at toy size
#   make bench - run the benchmarks (GEMM kernels, the model's step and layers, then the
#                default teacher, a 0.5x distillation and its from-scratch student end to end)
#   make fuzz  - the libFuzzer targets of tests/fuzz (clang, ASan + UBSan), FUZZ_SECONDS each
#   make bench-peers - the default teacher against our PyTorch implementation of it (eager
#                and torch.compile), s/epoch and the ratio; PyTorch goes into .venv-bench
PRESET ?= release
BUILD_DIR := build/$(PRESET)
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

VENV := .venv
BENCH_VENV := .venv-bench
PEER_EPOCHS ?= 20
FUZZ_SECONDS ?= 300

.PHONY: all deps build venv run smoke test test-all bench bench-peers fuzz clean

all: build

deps:
	scripts/install-deps.sh

build: deps
	cmake --preset $(PRESET) $(CMAKE_FLAGS)
	cmake --build --preset $(PRESET) -j $(JOBS)

run: build
	$(BUILD_DIR)/grokking experiment --config configs/paper.yaml --out runs/paper
	$(BUILD_DIR)/grokking report runs/paper

smoke: build
	rm -rf runs/smoke
	$(BUILD_DIR)/grokking experiment --config configs/smoke.yaml --out runs/smoke
	$(BUILD_DIR)/grokking report runs/smoke

# A project-local Python environment for the interoperability tests: the pinned packages of
# python/requirements.txt (numpy, safetensors, jax, flax, optax, orbax-checkpoint, tensorboard,
# h5py for the teacher-logits file)
# and python/grokking_jax itself (editable). Re-installed when the requirements change.
VENV_STAMP := $(VENV)/.installed
$(VENV_STAMP): python/requirements.txt python/pyproject.toml
	test -x $(VENV)/bin/python || python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r python/requirements.txt
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps -e python
	touch $@

venv: $(VENV_STAMP)

# GROK_TESTS_REQUIRE_ALL: a test whose prerequisite is missing fails instead of skipping.
test: build $(VENV_STAMP)
	GROK_TESTS_REQUIRE_ALL=1 ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) -LE slow

test-all: build $(VENV_STAMP)
	GROK_TESTS_REQUIRE_ALL=1 ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

bench: build
	$(BUILD_DIR)/bench/bench_gemm --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
	$(BUILD_DIR)/bench/bench_model --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
	bench/run_e2e.py --grokking $(BUILD_DIR)/grokking --runs 3 --threads 2 --out $(BUILD_DIR)/e2e.json

# PyTorch from PyPI, CPU use only: bench/peers/requirements.txt says why --no-deps.
$(BENCH_VENV)/bin/python: bench/peers/requirements.txt
	python3 -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet --no-deps -r bench/peers/requirements.txt
	touch $@

bench-peers: build $(BENCH_VENV)/bin/python
	bench/peers/run_peers.py --python $(BENCH_VENV)/bin/python --grokking $(BUILD_DIR)/grokking \
	  --epochs $(PEER_EPOCHS) --threads 2 --out $(BUILD_DIR)/peers.json

# clang and its sanitizer runtimes (libFuzzer) come with clang; .ci/run installs them if missing.
fuzz: deps
	tools/run-fuzz.sh $(FUZZ_SECONDS)

clean:
	rm -rf build
