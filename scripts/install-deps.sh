#!/usr/bin/env bash
# Installs every Debian package the build and the tests need. A no-op when all are present;
# uses sudo when not root. Usage: scripts/install-deps.sh
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libdnnl-dev libopenblas-dev          # GEMM: oneDNN by default, CBLAS alternative
  ocl-icd-opencl-dev opencl-c-headers  # dnnl-config.cmake requires OpenCL (only "recommended")
  libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libfmt-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libprotobuf-dev protobuf-compiler    # TensorBoard event messages
  libopenmpi-dev openmpi-bin           # experiments and training across ranks (mpirun)
  libhdf5-dev                          # offline teacher logits (grokking teacher-logits)
  iproute2                             # the MPI test across two network namespaces
  gnuplot-nox python3 python3-venv
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
