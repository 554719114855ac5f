#!/usr/bin/env bash
# Installs what norm-mlir needs from Debian's apt (skipped when present) and
# configures + builds the project into build/ (or $BUILD_DIR).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}

pkgs=(libmlir-22-dev mlir-22-tools llvm-22-dev llvm-22-tools clang-22 lld-22
      ninja-build cmake ccache libomp-22-dev python3-numpy)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Optional: torch 1.13 for the torch columns of the bench and the torch
# autograd cross-checks of the tests (they say "skipped (no torch)" without);
# matplotlib for the bench plot (without it the bench writes only the CSV).
optional=(python3-torch python3-matplotlib)
missing_optional=()
for p in "${optional[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing_optional+=("$p")
done
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
if [ ${#missing[@]} -gt 0 ] || [ ${#missing_optional[@]} -gt 0 ]; then
  $SUDO apt-get update -q || true
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
fi
if [ ${#missing_optional[@]} -gt 0 ]; then
  echo "== installing (optional): ${missing_optional[*]}"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing_optional[@]}" ||
    echo "== could not install ${missing_optional[*]}: torch columns and cross-checks will be skipped"
fi

export CUDA_HOME=${CUDA_HOME:-/usr/local/cuda}
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
if [ ! -f "$build/build.ninja" ]; then
  CC=clang-22 CXX=clang++-22 cmake -G Ninja -S "$root" -B "$build" \
    -DCMAKE_BUILD_TYPE=Release \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit \
    -DLLVM_USE_LINKER=lld "${launcher[@]}"
fi
ninja -C "$build" ${NINJA_TARGETS:-all}
