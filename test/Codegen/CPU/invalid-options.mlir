// Bad pipeline and pass options are diagnosed by name (no crash, non-zero exit).
// RUN: not norm-opt %s --pass-pipeline="builtin.module(norm-lower-to-cpu{threads=-1})" 2>&1 | FileCheck %s --check-prefix=THREADS
// RUN: not norm-opt %s --pass-pipeline="builtin.module(norm-lower-to-cpu{row-block=0})" 2>&1 | FileCheck %s --check-prefix=BLOCK
// RUN: not norm-opt %s --pass-pipeline="builtin.module(norm-lower-to-cpu{row-block=9})" 2>&1 | FileCheck %s --check-prefix=BLOCK9
// RUN: not norm-opt %s --pass-pipeline="builtin.module(norm-lower-to-cpu{vector-width=0})" 2>&1 | FileCheck %s --check-prefix=WIDTH
// RUN: not norm-opt %s --pass-pipeline="builtin.module(func.func(norm-vectorize-rows{unroll=-2}))" 2>&1 | FileCheck %s --check-prefix=UNROLL
// RUN: not norm-opt %s --pass-pipeline="builtin.module(norm-lower-to-cpu{prefetch-locality=4})" 2>&1 | FileCheck %s --check-prefix=LOCALITY
// RUN: not norm-opt %s --pass-pipeline="builtin.module(norm-lower-to-cpu{prefetch-distance=-1})" 2>&1 | FileCheck %s --check-prefix=DISTANCE
// RUN: not norm-opt %s --pass-pipeline="builtin.module(norm-lower-to-cpu{prefetch-min-bytes=-1})" 2>&1 | FileCheck %s --check-prefix=AHEAD
// RUN: not norm-opt %s --pass-pipeline="builtin.module(func.func(norm-tile-rows{cache-bytes=-1}))" 2>&1 | FileCheck %s --check-prefix=CACHE
// RUN: not norm-opt %s --pass-pipeline="builtin.module(func.func(norm-nontemporal-stores{min-bytes=-1}))" 2>&1 | FileCheck %s --check-prefix=NTMIN
// RUN: not norm-opt %s --pass-pipeline="builtin.module(func.func(norm-place-row-buffers{min-bytes=-1}))" 2>&1 | FileCheck %s --check-prefix=PLACEMIN
// RUN: not norm-opt %s --pass-pipeline="builtin.module(func.func(norm-approximate-math{ops=tanh,abc}))" 2>&1 | FileCheck %s --check-prefix=MATHOPS

// THREADS: error: norm-tile-rows: invalid options: threads = -1 (expected >= 1)
// BLOCK: error: norm-tile-rows: invalid options: {{.*}}row-block = 0 (expected 1 to 8)
// BLOCK9: error: norm-tile-rows: invalid options: {{.*}}row-block = 9 (expected 1 to 8)
// WIDTH: error: norm-vectorize-rows: invalid options: vector-width = 0, unroll = 4 (both expected >= 1)
// UNROLL: error: norm-vectorize-rows: invalid options: vector-width = 16, unroll = -2 (both expected >= 1)
// LOCALITY: error: norm-prefetch-rows: invalid options: locality = 4 (expected 0..3, or -1 for the default)
// DISTANCE: error: norm-prefetch-rows: invalid options: {{.*}}distance = -1 (expected >= 0, 0 = off)
// AHEAD: error: norm-prefetch-rows: invalid options: {{.*}}min-bytes-ahead = -1 (expected >= 0)
// CACHE: error: norm-tile-rows: invalid options: {{.*}}cache-bytes = -1 (expected >= 0)
// NTMIN: error: norm-nontemporal-stores: invalid options: min-bytes = -1 (expected >= 0)
// PLACEMIN: error: norm-place-row-buffers: invalid options: min-bytes = -1 (expected >= 0)
// MATHOPS: error: norm-approximate-math: invalid options: ops has 'abc', which is not a math dialect op (e.g. tanh, exp, erf)
func.func @g(%dy: tensor<8x64xf32>, %x: tensor<8x64xf32>, %w: tensor<64xf32>) -> (tensor<8x64xf32>, tensor<64xf32>) {
  %dx, %dw = norm.rmsnorm_grad %dy, %x, %w : (tensor<8x64xf32>, tensor<8x64xf32>, tensor<64xf32>) -> (tensor<8x64xf32>, tensor<64xf32>)
  return %dx, %dw : tensor<8x64xf32>, tensor<64xf32>
}
