// Bad pipeline and pass options are diagnosed by name (no crash, non-zero exit).
// norm-lower-to-cpu checks its options while the pipeline is parsed, in one
// line naming the option; each pass checks its own when run alone.
// RUN: not norm-opt %s --pass-pipeline="builtin.module(norm-lower-to-cpu{threads=-1})" 2>&1 | FileCheck %s --check-prefix=THREADS
// RUN: not norm-opt %s --pass-pipeline="builtin.module(norm-lower-to-cpu{threads=100000})" 2>&1 | FileCheck %s --check-prefix=MANYTHREADS
// RUN: not norm-opt %s --norm-lower-to-cpu="threads=9223372036854775807" 2>&1 | FileCheck %s --check-prefix=MAXTHREADS
// RUN: not norm-opt %s --pass-pipeline="builtin.module(norm-lower-to-cpu{row-block=0})" 2>&1 | FileCheck %s --check-prefix=BLOCK
// RUN: not norm-opt %s --pass-pipeline="builtin.module(norm-lower-to-cpu{row-block=9})" 2>&1 | FileCheck %s --check-prefix=BLOCK9
// RUN: not norm-opt %s --pass-pipeline="builtin.module(norm-lower-to-cpu{vector-width=0})" 2>&1 | FileCheck %s --check-prefix=WIDTH
// RUN: not norm-opt %s --pass-pipeline="builtin.module(norm-lower-to-cpu{vector-width=9223372036854775807})" 2>&1 | FileCheck %s --check-prefix=MAXWIDTH
// RUN: not norm-opt %s --pass-pipeline="builtin.module(norm-lower-to-cpu{unroll=65})" 2>&1 | FileCheck %s --check-prefix=PUNROLL
// RUN: not norm-opt %s --pass-pipeline="builtin.module(norm-lower-to-cpu{vector-width=1024 unroll=64})" 2>&1 | FileCheck %s --check-prefix=LANES
// RUN: not norm-opt %s --pass-pipeline="builtin.module(norm-lower-to-cpu{prefetch-locality=4})" 2>&1 | FileCheck %s --check-prefix=LOCALITY
// RUN: not norm-opt %s --pass-pipeline="builtin.module(norm-lower-to-cpu{prefetch-distance=-1})" 2>&1 | FileCheck %s --check-prefix=DISTANCE
// RUN: not norm-opt %s --pass-pipeline="builtin.module(norm-lower-to-cpu{prefetch-min-bytes=-1})" 2>&1 | FileCheck %s --check-prefix=AHEAD
// RUN: not norm-opt %s --pass-pipeline="builtin.module(func.func(norm-tile-rows{threads=0}))" 2>&1 | FileCheck %s --check-prefix=TILETHREADS
// RUN: not norm-opt %s --pass-pipeline="builtin.module(func.func(norm-tile-rows{threads=4097}))" 2>&1 | FileCheck %s --check-prefix=TILEMANY
// RUN: not norm-opt %s --pass-pipeline="builtin.module(func.func(norm-tile-rows{row-block=9}))" 2>&1 | FileCheck %s --check-prefix=TILEBLOCK
// RUN: not norm-opt %s --pass-pipeline="builtin.module(func.func(norm-vectorize-rows{unroll=-2}))" 2>&1 | FileCheck %s --check-prefix=UNROLL
// RUN: not norm-opt %s --pass-pipeline="builtin.module(func.func(norm-vectorize-rows{vector-width=1025}))" 2>&1 | FileCheck %s --check-prefix=VWIDTH
// RUN: not norm-opt %s --pass-pipeline="builtin.module(func.func(norm-vectorize-rows{vector-width=512 unroll=16}))" 2>&1 | FileCheck %s --check-prefix=VLANES
// RUN: not norm-opt %s --pass-pipeline="builtin.module(func.func(norm-prefetch-rows{locality=4}))" 2>&1 | FileCheck %s --check-prefix=PLOCALITY
// RUN: not norm-opt %s --pass-pipeline="builtin.module(func.func(norm-tile-rows{cache-bytes=-1}))" 2>&1 | FileCheck %s --check-prefix=CACHE
// RUN: not norm-opt %s --pass-pipeline="builtin.module(func.func(norm-nontemporal-stores{min-bytes=-1}))" 2>&1 | FileCheck %s --check-prefix=NTMIN
// RUN: not norm-opt %s --pass-pipeline="builtin.module(func.func(norm-place-row-buffers{min-bytes=-1}))" 2>&1 | FileCheck %s --check-prefix=PLACEMIN
// RUN: not norm-opt %s --pass-pipeline="builtin.module(func.func(norm-approximate-math{ops=tanh,abc}))" 2>&1 | FileCheck %s --check-prefix=MATHOPS

// THREADS: error: norm-lower-to-cpu: threads=-1 is out of range (expected 0 to 4096)
// MANYTHREADS: error: norm-lower-to-cpu: threads=100000 is out of range (expected 0 to 4096)
// MAXTHREADS: error: norm-lower-to-cpu: threads=9223372036854775807 is out of range (expected 0 to 4096)
// BLOCK: error: norm-lower-to-cpu: row-block=0 is out of range (expected 1 to 8)
// BLOCK9: error: norm-lower-to-cpu: row-block=9 is out of range (expected 1 to 8)
// WIDTH: error: norm-lower-to-cpu: vector-width=0 is out of range (expected 1 to 1024)
// MAXWIDTH: error: norm-lower-to-cpu: vector-width=9223372036854775807 is out of range (expected 1 to 1024)
// PUNROLL: error: norm-lower-to-cpu: unroll=65 is out of range (expected 1 to 64)
// LANES: error: norm-lower-to-cpu: vector-width x unroll = 65536 lanes per step is more than 4096
// LOCALITY: error: norm-lower-to-cpu: prefetch-locality=4 is out of range (expected -1 to 3)
// DISTANCE: error: norm-lower-to-cpu: prefetch-distance=-1 is out of range (expected 0 to 9223372036854775807)
// AHEAD: error: norm-lower-to-cpu: prefetch-min-bytes=-1 is out of range (expected 0 to 9223372036854775807)
// TILETHREADS: error: norm-tile-rows: invalid options: threads = 0 (expected 1 to 4096)
// TILEMANY: error: norm-tile-rows: invalid options: threads = 4097 (expected 1 to 4096)
// TILEBLOCK: error: norm-tile-rows: invalid options: {{.*}}row-block = 9 (expected 1 to 8)
// UNROLL: error: norm-vectorize-rows: invalid options: vector-width = 16 (expected 1 to 1024), unroll = -2 (expected 1 to 64), their product at most 4096
// VWIDTH: error: norm-vectorize-rows: invalid options: vector-width = 1025 (expected 1 to 1024), unroll = 4 (expected 1 to 64), their product at most 4096
// VLANES: error: norm-vectorize-rows: invalid options: vector-width = 512 (expected 1 to 1024), unroll = 16 (expected 1 to 64), their product at most 4096
// PLOCALITY: error: norm-prefetch-rows: invalid options: locality = 4 (expected 0..3, or -1 for the default)
// CACHE: error: norm-tile-rows: invalid options: {{.*}}cache-bytes = -1 (expected >= 0)
// NTMIN: error: norm-nontemporal-stores: invalid options: min-bytes = -1 (expected >= 0)
// PLACEMIN: error: norm-place-row-buffers: invalid options: min-bytes = -1 (expected >= 0)
// MATHOPS: error: norm-approximate-math: invalid options: ops has 'abc', which is not a math dialect op (e.g. tanh, exp, erf)
func.func @g(%dy: tensor<8x64xf32>, %x: tensor<8x64xf32>, %w: tensor<64xf32>) -> (tensor<8x64xf32>, tensor<64xf32>) {
  %dx, %dw = norm.rmsnorm_grad %dy, %x, %w : (tensor<8x64xf32>, tensor<8x64xf32>, tensor<64xf32>) -> (tensor<8x64xf32>, tensor<64xf32>)
  return %dx, %dw : tensor<8x64xf32>, tensor<64xf32>
}
