#!/usr/bin/env bash
# One command: build the AOT library here (needs norm-opt and LLVM 22), then
# run it if this machine has an NVIDIA GPU, else say what to carry.
#   BUILD_DIR=/work/main/build aot/build_and_run.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-$here/out}
if [ -x "${BUILD_DIR:-$here/../build}/bin/norm-opt" ] || [ ! -f "$out/libnorm_aot.so" ]; then
  "$here/build.sh"
fi
if command -v nvidia-smi >/dev/null && nvidia-smi -L >/dev/null 2>&1; then
  /usr/bin/env python3 "$out/run_gpu.py" "$@"
else
  echo "No GPU here. On a GPU machine with the NVIDIA driver and torch, copy"
  echo "  $out/libnorm_aot.so $out/manifest.json $out/run_gpu.py"
  echo "and run: python3 run_gpu.py   (or aot/build_and_run.sh in a checkout that has aot/out/)"
fi
