// JIT-runs every seednorm case of the decomposition tests (forward, grad, stats,
// bf16, rank 1 and 3, D = 1 and 3, dynamic dims, NaN/Inf, zero rows) through
// norm-lower-to-cpu with threads=2 and pipeline-sweeps=1, whose gradient row
// loops sum the next row block while writing this one (norm-pipeline-row-sweeps),
// and compares each output with a float64 numpy reference (SPEC §4 tolerances).
// REQUIRES: numpy
// RUN: norm-opt %S/../../Conversion/NormToLinalg/run-seednorm.mlir \
// RUN:   --pass-pipeline="builtin.module(norm-lower-to-cpu{threads=2 pipeline-sweeps=1})" 2>/dev/null \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:     -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils,%libomp \
// RUN: | %python %S/../../Conversion/NormToLinalg/Inputs/check_norm.py %S/../../Conversion/NormToLinalg/run-seednorm.mlir
