// RUN: norm-opt %s -split-input-file --pass-pipeline="builtin.module(convert-norm-to-linalg,func.func(norm-tile-rows{threads=2},canonicalize,cse,norm-vectorize-rows,canonicalize,cse))" | FileCheck %s
// RUN: norm-opt %s -split-input-file --pass-pipeline="builtin.module(convert-norm-to-linalg,func.func(norm-tile-rows{threads=2},canonicalize,cse,norm-vectorize-rows{vector-width=12 unroll=1},canonicalize,cse))" | FileCheck %s --check-prefix=WIDTH12
// RUN: norm-opt %s -split-input-file --pass-pipeline="builtin.module(convert-norm-to-linalg,func.func(norm-tile-rows{threads=2},canonicalize,cse,norm-vectorize-rows{vector-width=8},canonicalize,cse))" | FileCheck %s --check-prefix=WIDTH8

// Gradient row tile: two sweeps along D per row. The first computes both row
// sums (sum x^2 and sum dy w x), which share the 64 lanes of partial sums
// (vector<32xf32> each: 64 each would be 16 AVX2 registers of accumulators,
// spilled in every iteration), and one horizontal reduction each; the second
// writes the dx row and adds the row's contribution to the dweight running
// sum, keeping the decomposition's `contract` (an FMA, not a multiply and an
// add: the vectorizer's multi_reduction has no fast-math flags); it has five row-long streams (x, dy, w, dx, dweight), more than four,
// so it goes 32 lanes per step. x and dy are loaded once per sweep.

// CHECK-LABEL: func.func @rmsnorm_grad
//  CHECK-SAME:   (%[[DY:.+]]: tensor<?x256xf32>, %[[X:.+]]: tensor<?x256xf32>, %[[W:.+]]: tensor<256xf32>)
//       CHECK:   scf.forall
//       CHECK:     scf.for {{.*}} -> (tensor<?x256xf32>, tensor<256xf32>)
//       CHECK:       scf.for {{.*}} step %c32 {{.*}} -> (vector<32xf32>, vector<32xf32>)
//   CHECK-DAG:         vector.transfer_read %[[X]]{{.*}} vector<32xf32>
//   CHECK-DAG:         vector.transfer_read %[[DY]]{{.*}} vector<32xf32>
//   CHECK-NOT:         vector.transfer_read %[[X]]
//   CHECK-NOT:         vector.transfer_read %[[DY]]
//       CHECK:         scf.yield {{.*}} : vector<32xf32>, vector<32xf32>
//       CHECK:       vector.multi_reduction <add>
//       CHECK:       math.rsqrt
//       CHECK:       vector.multi_reduction <add>
//   CHECK-NOT:       scf.for {{.*}}vector<32xf32>
//       CHECK:       scf.for {{.*}} step %c32 {{.*}} -> (tensor<1x256xf32>, tensor<256xf32>)
//   CHECK-DAG:         vector.transfer_read %[[DY]]{{.*}} vector<32xf32>
//   CHECK-DAG:         vector.transfer_read %[[X]]{{.*}} vector<32xf32>
//       CHECK:         vector.transfer_write {{.*}} : vector<32xf32>, tensor<1x32xf32>
//       CHECK:         vector.transfer_read %{{.+}}[%{{.+}}], %{{.+}} {in_bounds = [true]} : tensor<256xf32>, vector<32xf32>
//       CHECK:         arith.addf {{.*}} fastmath<contract> : vector<32xf32>
//       CHECK:         vector.transfer_write {{.*}} : vector<32xf32>, tensor<256xf32>
//       CHECK:       } {norm.row_loop}
func.func @rmsnorm_grad(%dy: tensor<?x256xf32>, %x: tensor<?x256xf32>, %w: tensor<256xf32>) -> (tensor<?x256xf32>, tensor<256xf32>) {
  %dx, %dw = norm.rmsnorm_grad %dy, %x, %w : (tensor<?x256xf32>, tensor<?x256xf32>, tensor<256xf32>) -> (tensor<?x256xf32>, tensor<256xf32>)
  return %dx, %dw : tensor<?x256xf32>, tensor<256xf32>
}

// -----

// Forward row tile with D = 200: the 64-wide tiles of the row sum and of the
// output pass are peeled; the main loops and the static 8-wide remainders are
// all vector code (no masks: the remainder size is known).

// CHECK-LABEL: func.func @rmsnorm_odd
//       CHECK:   scf.forall
//       CHECK:     scf.for %{{.+}} = %{{.+}} to %[[C192:.+]] step %{{.+}} iter_args(%{{.+}} = %{{.+}}) -> (vector<64xf32>)
//       CHECK:     vector.transfer_read {{.*}}[%{{.+}}, %[[C192]]]{{.*}} vector<8xf32>
//       CHECK:     vector.multi_reduction <add>
//       CHECK:     math.rsqrt
//       CHECK:     scf.for
//       CHECK:       vector.transfer_write {{.*}} : vector<64xf32>
//       CHECK:     vector.transfer_write {{.*}} : vector<8xf32>
//   CHECK-NOT:   linalg.generic
func.func @rmsnorm_odd(%x: tensor<16x200xf32>, %w: tensor<200xf32>) -> tensor<16x200xf32> {
  %y = norm.rmsnorm %x, %w : (tensor<16x200xf32>, tensor<200xf32>) -> tensor<16x200xf32>
  return %y : tensor<16x200xf32>
}

// -----

// A block of 4 long rows (SeeDNorm gradient, three row-sized sums): vectors
// carry the block as their leading dim, and the block's contribution to each
// parameter-gradient sum is four adds (rows 0 to 3) into the running sum (no
// transposing reduction). A block's row pieces are widened to whole cache
// lines where at most 256 lanes (16 AVX-512 registers) result: the second
// sweep has nine row-long streams (x, dy, alpha, beta, gamma, dx and three
// running sums), so it gets a quarter of the 64 lanes, 4 per row, widened to
// one line (vector<4x1x16xf32>). The first sweep keeps four sums per row (sum
// x^2, x.beta, and the two of dy x): it goes over 2 rows at a time, each
// widened to two lines (vector<2x1x32xf32>), with one horizontal reduction
// per row and sum.

// CHECK-LABEL: func.func @seednorm_grad_block
//       CHECK:   scf.for {{.*}} step %c4
//       CHECK:     scf.for %{{.+}} = %c0 to %c4 step %c2
//       CHECK:       scf.for {{.*}} step %c32 {{.*}} -> (vector<2x1x32xf32>, vector<2x1x32xf32>, vector<2x1x32xf32>, vector<2x1x32xf32>)
//       CHECK:         vector.transfer_read {{.*}} : tensor<?x1x2064xf32>, vector<2x1x32xf32>
//       CHECK:       vector.multi_reduction <add>, %{{.+}}, %{{.+}} [2] : vector<2x1x32xf32> to vector<2x1xf32>
//       CHECK:     scf.for {{.*}} step %c16
//       CHECK:       vector.transfer_write {{.*}} : vector<4x1x16xf32>, tensor<4x1x2064xf32>
//   CHECK-NOT:       vector.multi_reduction
//       CHECK:       vector.extract %{{.+}}[0, 0] : vector<16xf32> from vector<4x1x16xf32>
//       CHECK:       arith.addf {{.*}} fastmath<contract> : vector<16xf32>
//       CHECK:       vector.extract %{{.+}}[1, 0] : vector<16xf32> from vector<4x1x16xf32>
//       CHECK:       vector.extract %{{.+}}[2, 0] : vector<16xf32> from vector<4x1x16xf32>
//       CHECK:       vector.extract %{{.+}}[3, 0] : vector<16xf32> from vector<4x1x16xf32>
//       CHECK:       vector.transfer_write {{.*}} : vector<16xf32>, tensor<1x16xf32>
//       CHECK:   } {norm.row_loop}
// At vector-width=8 (AVX2: 16 registers, 8 vectors a widened piece) a line
// of one row takes the whole budget in both sweeps (4 sums, or a quarter
// share of the streams, of 16 lanes): both go one row of the block at a time,
// the second sweep's ops (dx and the parameter-gradient updates) still fused
// into one loop.
// WIDTH8-LABEL: func.func @seednorm_grad_block
//       WIDTH8:   scf.for {{.*}} step %c4
//       WIDTH8:     scf.for %{{.+}} = %c0 to %c4 step %c1
//       WIDTH8:       scf.for {{.*}} step %c16 {{.*}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
//       WIDTH8:     scf.for %{{.+}} = %c0 to %c4 step %c1
//       WIDTH8:       scf.for {{.*}} step %c16
//       WIDTH8:         vector.transfer_write {{.*}} : vector<16xf32>, tensor<1x1x16xf32>
//   WIDTH8-NOT:       scf.for
//       WIDTH8:         vector.transfer_write {{.*}} : vector<16xf32>, tensor<1x16xf32>
//       WIDTH8:   } {norm.row_loop}
func.func @seednorm_grad_block(%dy: tensor<?x2064xf32>, %x: tensor<?x2064xf32>, %a: tensor<2064xf32>, %b: tensor<2064xf32>, %c: tensor<2064xf32>) -> (tensor<?x2064xf32>, tensor<2064xf32>, tensor<2064xf32>, tensor<2064xf32>) {
  %dx, %da, %db, %dc = norm.seednorm_grad %dy, %x, %a, %b, %c : (tensor<?x2064xf32>, tensor<?x2064xf32>, tensor<2064xf32>, tensor<2064xf32>, tensor<2064xf32>) -> (tensor<?x2064xf32>, tensor<2064xf32>, tensor<2064xf32>, tensor<2064xf32>)
  return %dx, %da, %db, %dc : tensor<?x2064xf32>, tensor<2064xf32>, tensor<2064xf32>, tensor<2064xf32>
}

// -----

// A single row ([1, D], decode-style): the row loop folds away, the ops are
// still vectorized as a row tile.

// CHECK-LABEL: func.func @one_row
//       CHECK:   scf.for {{.*}} -> (vector<64xf32>)
//       CHECK:   vector.multi_reduction <add>
//       CHECK:   math.rsqrt
//       CHECK:   scf.for
//       CHECK:     vector.transfer_write {{.*}} : vector<64xf32>
//   CHECK-NOT:   linalg.generic
func.func @one_row(%x: tensor<1x4096xf32>, %w: tensor<4096xf32>) -> tensor<1x4096xf32> {
  %y = norm.rmsnorm %x, %w : (tensor<1x4096xf32>, tensor<4096xf32>) -> tensor<1x4096xf32>
  return %y : tensor<1x4096xf32>
}

// -----

// A step that no reduction or stream shares is vector-width * unroll as
// given, even when it is not a multiple of 8 (12 here, with the WIDTH12 run).

// WIDTH12-LABEL: func.func @rmsnorm_width12
//   WIDTH12-NOT:   vector<8xf32>
//       WIDTH12:   vector<12xf32>
//   WIDTH12-NOT:   vector<8xf32>
func.func @rmsnorm_width12(%x: tensor<?x100xf32>, %w: tensor<100xf32>) -> tensor<?x100xf32> {
  %y = norm.rmsnorm %x, %w : (tensor<?x100xf32>, tensor<100xf32>) -> tensor<?x100xf32>
  return %y : tensor<?x100xf32>
}


// -----

// Sibling loops of a row body that touch memory do not fuse: the second
// reads what the first wrote, in another order (m[15 - j] after all of m),
// which no SSA value shows.

// CHECK-LABEL: func.func @memory_loops
//       CHECK:   scf.forall
//       CHECK:     scf.for
//       CHECK:       memref.store
//       CHECK:     }
//       CHECK:     scf.for
//       CHECK:       memref.load
//       CHECK:       memref.store
func.func @memory_loops(%m: memref<16xf32>, %n: memref<16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c15 = arith.constant 15 : index
  %c16 = arith.constant 16 : index
  %one = arith.constant 1.0 : f32
  scf.forall (%i) in (2) {
    scf.for %j = %c0 to %c16 step %c1 {
      memref.store %one, %m[%j] : memref<16xf32>
    }
    scf.for %j = %c0 to %c16 step %c1 {
      %k = arith.subi %c15, %j : index
      %v = memref.load %m[%k] : memref<16xf32>
      memref.store %v, %n[%j] : memref<16xf32>
    }
  }
  return
}

// -----

// bf16 rows in pairs: a line holds 32 bf16, so the row pieces are widened to
// 32 lanes (or 64, two lines, where those fit). The gradient's sums sweep
// (2 rows x 4 sums) and its dx sweep (nine streams) get one line a row; the
// forward's sums sweep (2 rows x 2 sums) gets two, its write sweep (64 lanes
// over 2 rows) already one. The single rows left over keep 16 lanes.

// (WIDTH12 run: only its label, which ends the checks of the function above.)
// WIDTH12-LABEL: func.func @seednorm_grad_bf16_pairs
// CHECK-LABEL: func.func @seednorm_grad_bf16_pairs
//       CHECK:   scf.for {{.*}} step %c2
//       CHECK:     scf.for {{.*}} step %c32 {{.*}} -> (vector<2x1x32xf32>, vector<2x1x32xf32>, vector<2x1x32xf32>, vector<2x1x32xf32>)
//       CHECK:       vector.transfer_read {{.*}} : tensor<?x1x1024xbf16>, vector<2x1x32xbf16>
//       CHECK:     scf.for {{.*}} step %c32
//       CHECK:       vector.transfer_write {{.*}} : vector<2x1x32xbf16>, tensor<2x1x1024xbf16>
//       CHECK:   } {norm.row_loop}
//       CHECK:   scf.for {{.*}} step %c1
//       CHECK:     scf.for {{.*}} step %c16 {{.*}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
func.func @seednorm_grad_bf16_pairs(%dy: tensor<?x1024xbf16>, %x: tensor<?x1024xbf16>, %a: tensor<1024xf32>, %b: tensor<1024xf32>, %c: tensor<1024xf32>) -> (tensor<?x1024xbf16>, tensor<1024xf32>, tensor<1024xf32>, tensor<1024xf32>) {
  %dx, %da, %db, %dc = norm.seednorm_grad %dy, %x, %a, %b, %c : (tensor<?x1024xbf16>, tensor<?x1024xbf16>, tensor<1024xf32>, tensor<1024xf32>, tensor<1024xf32>) -> (tensor<?x1024xbf16>, tensor<1024xf32>, tensor<1024xf32>, tensor<1024xf32>)
  return %dx, %da, %db, %dc : tensor<?x1024xbf16>, tensor<1024xf32>, tensor<1024xf32>, tensor<1024xf32>
}

// CHECK-LABEL: func.func @seednorm_bf16_pairs
//       CHECK:   scf.forall (%{{.+}}) = (0) to (8) step (2)
//       CHECK:     scf.for {{.*}} step %c64 {{.*}} -> (vector<2x1x64xf32>, vector<2x1x64xf32>)
//       CHECK:       vector.transfer_read {{.*}} : tensor<8x1x4096xbf16>, vector<2x1x64xbf16>
//       CHECK:     scf.for {{.*}} step %c32
//       CHECK:       vector.transfer_write {{.*}} : vector<2x1x32xbf16>, tensor<2x1x4096xbf16>
func.func @seednorm_bf16_pairs(%x: tensor<8x4096xbf16>, %a: tensor<4096xf32>) -> tensor<8x4096xbf16> {
  %y = norm.seednorm %x, %a, %a, %a : (tensor<8x4096xbf16>, tensor<4096xf32>, tensor<4096xf32>, tensor<4096xf32>) -> tensor<8x4096xbf16>
  return %y : tensor<8x4096xbf16>
}

// -----

// RMSNorm's bf16 gradient in cache goes 4 rows per step (norm-tile-rows);
// each row's piece is widened from 8 lanes (64 over 4 rows and 2 sums) to one
// line of 32 bf16 in both sweeps (4 x 2 x 32 = 256 lanes fit; two lines
// would not).

// CHECK-LABEL: func.func @rmsnorm_grad_bf16_block
//       CHECK:   scf.for {{.*}} step %c4
//       CHECK:     scf.for {{.*}} step %c32 {{.*}} -> (vector<4x32xf32>, vector<4x32xf32>)
//       CHECK:       vector.transfer_read {{.*}} : tensor<64x512xbf16>, vector<4x32xbf16>
//       CHECK:     scf.for {{.*}} step %c32
//       CHECK:       vector.transfer_write {{.*}} : vector<4x32xbf16>, tensor<4x512xbf16>
func.func @rmsnorm_grad_bf16_block(%dy: tensor<64x512xbf16>, %x: tensor<64x512xbf16>, %w: tensor<512xf32>) -> (tensor<64x512xbf16>, tensor<512xf32>) {
  %dx, %dw = norm.rmsnorm_grad %dy, %x, %w : (tensor<64x512xbf16>, tensor<64x512xbf16>, tensor<512xf32>) -> (tensor<64x512xbf16>, tensor<512xf32>)
  return %dx, %dw : tensor<64x512xbf16>, tensor<512xf32>
}
