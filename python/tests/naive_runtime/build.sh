#!/usr/bin/env bash
# Builds the naive CUDA runtime (a test double of libmggemm_runtime.so) into
# python/build/naive/libmggemm_naive_runtime.so, or into $1.
# Use: MGGEMM_RUNTIME_LIB=$(bash python/tests/naive_runtime/build.sh) pytest ...
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
out="${1:-$repo/python/build/naive/libmggemm_naive_runtime.so}"
mkdir -p "$(dirname "$out")"
nvcc="${NVCC:-nvcc}"
command -v "$nvcc" >/dev/null || nvcc=/usr/local/cuda/bin/nvcc
"$nvcc" -O2 -std=c++17 -shared -Xcompiler -fPIC -cudart static \
  -gencode arch=compute_90,code=sm_90 -gencode arch=compute_90,code=compute_90 \
  -I "$repo/include" "$here/naive_runtime.cu" -o "$out" >&2
echo "$out"
