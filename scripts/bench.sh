#!/usr/bin/env bash
# CPU benchmark of norm-mlir: builds norm-runner (through setup.sh) and the C++
# baselines of bench/cpu, then runs bench/run_cpu.py, which prints the tables
# and writes bench/results/cpu.csv and bench/results/cpu.png.
#
#   scripts/bench.sh [--quick] [run_cpu.py options, e.g. --ops=rmsnorm]
#
# Environment: BUILD_DIR (default <repo>/build), NORM_RUNNER (use this binary
# instead of building one), BENCH_NO_BUILD=1 (do not run setup.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
export BUILD_DIR=$build

runner=${NORM_RUNNER:-}
if [ -z "$runner" ]; then
  runner=$build/bin/norm-runner
  if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
    echo "== building norm-runner in $build"
    NINJA_TARGETS=norm-runner "$root/scripts/setup.sh" ||
      echo "!! could not build norm-runner; the norm-mlir column will be empty"
  fi
fi

# The C++ baselines: the naive loops must stay scalar (-O2, no vectorizers);
# the reference and the copy kernel get -O3 -march=native and LLVM's OpenMP.
out=$build/bench
mkdir -p "$out"
src=$root/bench/cpu
cxx=${CXX_BENCH:-clang++-22}
omp=/usr/lib/llvm-22/lib
echo "== building the C++ baselines in $out"
$cxx -std=c++17 -O2 -fno-vectorize -fno-slp-vectorize -c "$src/Naive.cpp" -o "$out/Naive.o"
$cxx -std=c++17 -O3 -march=native -fopenmp -c "$src/Reference.cpp" -o "$out/Reference.o"
$cxx -std=c++17 -O3 -march=native -fopenmp -c "$src/Copy.cpp" -o "$out/Copy.o"
$cxx -std=c++17 -O2 -march=native -fopenmp -c "$src/Main.cpp" -o "$out/Main.o"
$cxx -fopenmp "$out/Naive.o" "$out/Reference.o" "$out/Copy.o" "$out/Main.o" \
  -o "$out/norm-cpu-bench" -L$omp -Wl,-rpath,$omp $omp/libomp.so

exec /usr/bin/python3 "$root/bench/run_cpu.py" --cpu-bench "$out/norm-cpu-bench" \
  --runner "$runner" "$@"
