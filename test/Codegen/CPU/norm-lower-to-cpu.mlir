// The fused loop structure made by norm-lower-to-cpu: a residual add before
// the norm and a scale after it end up in one parallel loop over rows, with
// vector code along D and OpenMP threads.
// RUN: norm-opt %s --pass-pipeline="builtin.module(norm-lower-to-cpu{threads=2})" --mlir-print-ir-before=convert-scf-to-openmp 2>&1 >/dev/null | FileCheck %s --check-prefix=LOOPS
// RUN: norm-opt %s --pass-pipeline="builtin.module(norm-lower-to-cpu{threads=2})" | FileCheck %s --check-prefix=LLVM
// RUN: norm-opt %s --pass-pipeline="builtin.module(norm-lower-to-cpu{threads=1})" | FileCheck %s --check-prefix=SERIAL
// RUN: norm-opt %s --pass-pipeline="builtin.module(norm-lower-to-cpu{threads=2 place-buffers=false})" --mlir-print-ir-before=convert-scf-to-openmp 2>&1 >/dev/null | FileCheck %s --check-prefix=UNPLACED

#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @residual_rmsnorm_scale(%x: tensor<?x4096xf32>, %r: tensor<?x4096xf32>, %w: tensor<4096xf32>) -> tensor<?x4096xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x4096xf32>
  %e = tensor.empty(%n) : tensor<?x4096xf32>
  %s = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %r : tensor<?x4096xf32>, tensor<?x4096xf32>) outs(%e : tensor<?x4096xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %t = arith.addf %a, %b : f32
    linalg.yield %t : f32
  } -> tensor<?x4096xf32>
  %y = norm.rmsnorm %s, %w {epsilon = 1.0e-06 : f32} : (tensor<?x4096xf32>, tensor<4096xf32>) -> tensor<?x4096xf32>
  %z = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%y : tensor<?x4096xf32>) outs(%e : tensor<?x4096xf32>) {
  ^bb0(%a: f32, %o: f32):
    %c2 = arith.constant 2.0 : f32
    %t = arith.mulf %a, %c2 : f32
    linalg.yield %t : f32
  } -> tensor<?x4096xf32>
  return %z : tensor<?x4096xf32>
}

// One parallel loop over rows; inside it, the sum of squares of x + r with
// vector<64xf32> partial sums, one horizontal reduction, then the scaled
// output written with non-temporal stores, proven 64-byte aligned (a 64-byte
// aligned allocation, rows of 4096 elements, a column index stepping by 64). No other loop over the tensor.
// The output is a view placed at the page offset of an input
// (norm-place-row-buffers), unless place-buffers=false.
// LOOPS-LABEL: func.func @residual_rmsnorm_scale
// LOOPS:         memref.view {{.*}} : memref<?xi8> to memref<?x4096xf32>
// LOOPS:         scf.parallel
// LOOPS:           scf.for {{.*}} iter_args({{.*}}) -> (vector<64xf32>)
// LOOPS:             vector.load {{.*}} vector<64xf32>
// LOOPS:             vector.load {{.*}} vector<64xf32>
// LOOPS:             arith.addf {{.*}} : vector<64xf32>
// LOOPS:             arith.mulf {{.*}} : vector<64xf32>
// LOOPS:           vector.reduction <add>
// LOOPS:           math.rsqrt
// LOOPS:           scf.for
// LOOPS:             arith.addf {{.*}} : vector<64xf32>
// LOOPS:             vector.store {{.*}} {alignment = 64 : i64, nontemporal = true}
// LOOPS-NOT:     scf.parallel
// LOOPS:         return

// UNPLACED-LABEL: func.func @residual_rmsnorm_scale
// UNPLACED:         memref.alloc(%{{.+}}) {alignment = 64 : i64} : memref<?x4096xf32>
// UNPLACED-NOT:     memref.view
// UNPLACED:         scf.parallel

// LLVM: omp.parallel
// LLVM: omp.wsloop
// LLVM-NOT: linalg.
// LLVM-NOT: scf.

// SERIAL-NOT: omp.
// SERIAL: llvm.func @residual_rmsnorm_scale

// A bf16 output is streamed too, one row per loop, full width: aligned, and
// as f32 words behind llvm.arithmetic.fence (norm-legalize-nontemporal-stores:
// LLVM 22 drops the hint of aligned bf16 vector stores). The words are the
// i16 lanes of norm-expand-bf16-casts' rounding (no __truncsfbf2 calls).
// LLVM-LABEL: llvm.func @rmsnorm_bf16
//       LLVM:   %[[WORDS:.+]] = llvm.bitcast %{{.+}} : vector<64xi16> to vector<32xf32>
//       LLVM:   %[[FENCED:.+]] = llvm.call_intrinsic "llvm.arithmetic.fence"(%[[WORDS]])
//       LLVM:   llvm.store %[[FENCED]], %{{.+}} {alignment = 64 : i64, nontemporal} : vector<32xf32>, !llvm.ptr
func.func @rmsnorm_bf16(%x: tensor<?x4096xbf16>, %w: tensor<4096xf32>) -> tensor<?x4096xbf16> {
  %y = norm.rmsnorm %x, %w : (tensor<?x4096xbf16>, tensor<4096xf32>) -> tensor<?x4096xbf16>
  return %y : tensor<?x4096xbf16>
}

// SeeDNorm's bf16 gradient streams dx 2 rows per step, a whole line (32
// bf16) of each, while it updates the parameter-gradient sums: full-width
// aligned streams; the last row's one-row loop streams half lines.
// LLVM-LABEL: llvm.func @seednorm_grad_bf16
// LLVM-COUNT-2:   llvm.store %{{.+}}, %{{.+}} {alignment = 64 : i64, nontemporal} : vector<16xf32>, !llvm.ptr
//         LLVM:   llvm.call_intrinsic "llvm.arithmetic.fence"
//         LLVM:   llvm.store %{{.+}}, %{{.+}} {alignment = 32 : i64, nontemporal} : vector<8xf32>, !llvm.ptr
func.func @seednorm_grad_bf16(%dy: tensor<?x2080xbf16>, %x: tensor<?x2080xbf16>, %a: tensor<2080xf32>, %b: tensor<2080xf32>, %c: tensor<2080xf32>) -> (tensor<?x2080xbf16>, tensor<2080xf32>, tensor<2080xf32>, tensor<2080xf32>) {
  %dx, %da, %db, %dc = norm.seednorm_grad %dy, %x, %a, %b, %c : (tensor<?x2080xbf16>, tensor<?x2080xbf16>, tensor<2080xf32>, tensor<2080xf32>, tensor<2080xf32>) -> (tensor<?x2080xbf16>, tensor<2080xf32>, tensor<2080xf32>, tensor<2080xf32>)
  return %dx, %da, %db, %dc : tensor<?x2080xbf16>, tensor<2080xf32>, tensor<2080xf32>, tensor<2080xf32>
}

// An integer sum over a block of rows (a static leading extent of 4, no norm
// op) is vectorized with integer adds, serial or threaded.
// LLVM-LABEL: llvm.func @int_column_sum
//       LLVM:   llvm.add %{{.+}}, %{{.+}} : vector<{{[0-9]+}}xi32>
// SERIAL-LABEL: llvm.func @int_column_sum
//       SERIAL:   llvm.add %{{.+}}, %{{.+}} : vector<{{[0-9]+}}xi32>
func.func @int_column_sum(%x: tensor<4x4100xi32>) -> tensor<4100xi32> {
  %c0 = arith.constant 0 : i32
  %e = tensor.empty() : tensor<4100xi32>
  %z = linalg.fill ins(%c0 : i32) outs(%e : tensor<4100xi32>) -> tensor<4100xi32>
  %s = linalg.reduce ins(%x : tensor<4x4100xi32>) outs(%z : tensor<4100xi32>) dimensions = [0]
    (%a: i32, %b: i32) {
      %t = arith.addi %a, %b : i32
      linalg.yield %t : i32
    }
  return %s : tensor<4100xi32>
}

// With heads, a row's loops along D sit in a loop over its heads; there too
// the row sums of a sweep (x^2, x.beta, the alpha and gamma sums) are one
// loop, and dx and the parameter-gradient update are one loop: two sweeps
// over each head, not four. The sums' sweep goes over 2 rows of the 4-row
// block at a time (their 4 sums share the partial-sum registers), two cache
// lines (32 f32) of each row a step, the last 16 of the 2064 peeled; the
// second sweep takes one line (16) of each of the 4 rows.
// LOOPS-LABEL: func.func @seednorm_grad_heads
//       LOOPS:   scf.for %{{.+}} = %c0 to %{{.+}} step %c4 {
//       LOOPS:     scf.for %{{.+}} = %c0 to %c4 step %c2 {
//       LOOPS:       scf.for %{{.+}} = %c0 to %c2 step %c1 {
//       LOOPS:         scf.for %{{.+}} = %c0 to %c2048 step %c32 iter_args
//   LOOPS-NOT:         scf.for %{{.+}} = %c0 to %c2064
//       LOOPS:     scf.for %{{.+}} = %c0 to %c2 step %c1 {
//       LOOPS:       scf.for %{{.+}} = %c0 to %c2064 step %c16 {
//   LOOPS-NOT:       scf.for %{{.+}} = %c0 to %c2064
//       LOOPS:   } {norm.row_loop}
func.func @seednorm_grad_heads(%dy: tensor<?x4128xf32>, %x: tensor<?x4128xf32>, %a: tensor<4128xf32>, %b: tensor<4128xf32>, %c: tensor<4128xf32>) -> (tensor<?x4128xf32>, tensor<4128xf32>, tensor<4128xf32>, tensor<4128xf32>) {
  %dx, %da, %db, %dc = norm.seednorm_grad %dy, %x, %a, %b, %c {heads = 2 : i64} : (tensor<?x4128xf32>, tensor<?x4128xf32>, tensor<4128xf32>, tensor<4128xf32>, tensor<4128xf32>) -> (tensor<?x4128xf32>, tensor<4128xf32>, tensor<4128xf32>, tensor<4128xf32>)
  return %dx, %da, %db, %dc : tensor<?x4128xf32>, tensor<4128xf32>, tensor<4128xf32>, tensor<4128xf32>
}
