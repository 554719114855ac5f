#!/usr/bin/env bash
# Builds aot/out/libnorm_aot.so: norm ops (forward + gradient) lowered by
# norm-opt to host LLVM + embedded fatbin, compiled with LLVM 22, linked with
# the C shim and the project's CUDA runtime wrapper. Needs MLIR only here;
# the .so needs only the NVIDIA driver (libcuda.so.1) where it runs.
# Env: BUILD_DIR (norm-opt), CHIP (sm_90), CUDA_HOME, DIMS, DTYPES, OUT.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=${BUILD_DIR:-$root/build}
out=${OUT:-$here/out}
chip=${CHIP:-sm_90}
cuda=${CUDA_HOME:-/usr/local/cuda}
llvm=/usr/lib/llvm-22/bin
mkdir -p "$out"

/usr/bin/python3 "$here/gen_kernels.py" --out "$out" ${DIMS:+--dims "$DIMS"} ${DTYPES:+--dtypes "$DTYPES"}
echo "== norm-opt: norm-lower-to-nvvm{chip=$chip memory=device format=fatbin}"
"$build/bin/norm-opt" "$out/kernels.mlir" \
  --pass-pipeline="builtin.module(func.func(llvm-request-c-wrappers),norm-lower-to-nvvm{chip=$chip memory=device format=fatbin toolkit=$cuda})" \
  -o "$out/kernels.llvm.mlir"
echo "== mlir-translate + llc"
"$llvm/mlir-translate" --mlir-to-llvmir "$out/kernels.llvm.mlir" -o "$out/kernels.ll"
"$llvm/llc" -O3 -relocation-model=pic -filetype=obj "$out/kernels.ll" -o "$out/kernels.o"
echo "== link libnorm_aot.so"
"$llvm/clang" -O2 -fPIC -c "$out/shim.c" -o "$out/shim.o"
"$llvm/clang++" -O2 -fPIC -std=c++17 -isystem "$cuda/include" -c \
  "$root/runtime/cuda/CudaRuntimeWrappers.cpp" -o "$out/runtime.o"
"$llvm/clang++" -shared -fuse-ld=lld -o "$out/libnorm_aot.so" \
  "$out/kernels.o" "$out/shim.o" "$out/runtime.o" \
  -L"$cuda/lib64/stubs" -lcuda -Wl,--no-undefined
cp "$here/run_gpu.py" "$out/"
echo "== built $out/libnorm_aot.so ($(du -h "$out/libnorm_aot.so" | cut -f1)); carry $out/{libnorm_aot.so,manifest.json,run_gpu.py}"
