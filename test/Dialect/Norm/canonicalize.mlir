// RUN: norm-opt %s --canonicalize --split-input-file | FileCheck %s

// A tensor.cast from a more static type folds into the op; the result takes
// the static type and is cast back for its uses.
// CHECK-LABEL: func.func @fold_casts
//  CHECK-SAME:   (%[[X:.*]]: tensor<8x64xf32>, %[[W:.*]]: tensor<64xf32>)
//       CHECK:   %[[Y:.*]] = norm.seednorm %[[X]], %[[W]], %[[W]], %[[W]] {heads = 4 : i64} : (tensor<8x64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<8x64xf32>
//       CHECK:   %[[C:.*]] = tensor.cast %[[Y]] : tensor<8x64xf32> to tensor<8x?xf32>
//       CHECK:   return %[[C]]
func.func @fold_casts(%x: tensor<8x64xf32>, %w: tensor<64xf32>) -> tensor<8x?xf32> {
  %xd = tensor.cast %x : tensor<8x64xf32> to tensor<8x?xf32>
  %wd = tensor.cast %w : tensor<64xf32> to tensor<?xf32>
  %y = norm.seednorm %xd, %wd, %wd, %wd {heads = 4 : i64} : (tensor<8x?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>) -> tensor<8x?xf32>
  return %y : tensor<8x?xf32>
}

// -----

// What the canonicalizer makes of an extract_slice of constant size (a
// static slice and a cast) folds the same way.
// CHECK-LABEL: func.func @fold_slice
//       CHECK:   norm.rmsnorm %{{.*}}, %{{.*}} : (tensor<4x32xf32>, tensor<32xf32>) -> (tensor<4x32xf32>, tensor<4xf32>)
func.func @fold_slice(%x: tensor<4x64xf32>, %w: tensor<64xf32>) -> (tensor<4x?xf32>, tensor<?xf32>) {
  %c32 = arith.constant 32 : index
  %xs = tensor.extract_slice %x[0, 0] [4, %c32] [1, 1] : tensor<4x64xf32> to tensor<4x?xf32>
  %ws = tensor.extract_slice %w[0] [%c32] [1] : tensor<64xf32> to tensor<?xf32>
  %y, %r = norm.rmsnorm %xs, %ws : (tensor<4x?xf32>, tensor<?xf32>) -> (tensor<4x?xf32>, tensor<?xf32>)
  return %y, %r : tensor<4x?xf32>, tensor<?xf32>
}

// -----

// Gradients: dx takes x's sizes, each parameter gradient its parameter's.
// A statistic passed in stays as it is, and so does the op where dy would
// keep sizes that x now fixes (the verifier wants dy of x's type).
// CHECK-LABEL: func.func @fold_grad
//       CHECK:   %[[DX:.*]], %[[DW:.*]] = norm.rmsnorm_grad %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x16xf32>, tensor<2x16xf32>, tensor<16xf32>, tensor<?xf32>) -> (tensor<2x16xf32>, tensor<16xf32>)
//   CHECK-DAG:   tensor.cast %[[DX]] : tensor<2x16xf32> to tensor<?x16xf32>
//   CHECK-DAG:   tensor.cast %[[DW]] : tensor<16xf32> to tensor<?xf32>
//       CHECK:   norm.rmsnorm_grad {{.*}} : (tensor<?x16xf32>, tensor<?x16xf32>, tensor<?xf32>, tensor<?xf32>)
func.func @fold_grad(%dy: tensor<2x16xf32>, %dy2: tensor<?x16xf32>, %x: tensor<2x16xf32>, %w: tensor<16xf32>, %r: tensor<?xf32>) -> (tensor<?x16xf32>, tensor<?xf32>, tensor<?x16xf32>) {
  %dyd = tensor.cast %dy : tensor<2x16xf32> to tensor<?x16xf32>
  %xd = tensor.cast %x : tensor<2x16xf32> to tensor<?x16xf32>
  %wd = tensor.cast %w : tensor<16xf32> to tensor<?xf32>
  %dx, %dw = norm.rmsnorm_grad %dyd, %xd, %wd, %r : (tensor<?x16xf32>, tensor<?x16xf32>, tensor<?xf32>, tensor<?xf32>) -> (tensor<?x16xf32>, tensor<?xf32>)
  %dx2, %dw2 = norm.rmsnorm_grad %dy2, %xd, %wd, %r : (tensor<?x16xf32>, tensor<?x16xf32>, tensor<?xf32>, tensor<?xf32>) -> (tensor<?x16xf32>, tensor<?xf32>)
  return %dx, %dw, %dx2 : tensor<?x16xf32>, tensor<?xf32>, tensor<?x16xf32>
}

// -----

// Not folded where the static op would be invalid: 3 heads do not divide
// D = 64 (convert-norm-to-linalg then says so), nor where the casts give x
// and the weight different D (the run-time checks report that).
// CHECK-LABEL: func.func @no_fold_invalid
//       CHECK:   norm.seednorm %{{.*}} {heads = 3 : i64} : (tensor<8x?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>) -> tensor<8x?xf32>
//       CHECK:   norm.rmsnorm %{{.*}} : (tensor<8x?xf32>, tensor<?xf32>) -> tensor<8x?xf32>
func.func @no_fold_invalid(%x: tensor<8x64xf32>, %w: tensor<64xf32>, %w32: tensor<32xf32>) -> (tensor<8x?xf32>, tensor<8x?xf32>) {
  %xd = tensor.cast %x : tensor<8x64xf32> to tensor<8x?xf32>
  %wd = tensor.cast %w : tensor<64xf32> to tensor<?xf32>
  %w32d = tensor.cast %w32 : tensor<32xf32> to tensor<?xf32>
  %y = norm.seednorm %xd, %wd, %wd, %wd {heads = 3 : i64} : (tensor<8x?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>) -> tensor<8x?xf32>
  %z = norm.rmsnorm %xd, %w32d : (tensor<8x?xf32>, tensor<?xf32>) -> tensor<8x?xf32>
  return %y, %z : tensor<8x?xf32>, tensor<8x?xf32>
}
