// RUN: norm-opt %s --generate-runtime-verification --split-input-file | FileCheck %s

// What the verifier cannot see in dynamic shapes becomes cf.assert: the
// weight against the length of the rows of x.
// CHECK-LABEL: func.func @rmsnorm_dynamic
//  CHECK-SAME:   %[[X:.*]]: tensor<?x?xf32>, %[[W:.*]]: tensor<?xf32>
//   CHECK-DAG:   %[[WD:.*]] = tensor.dim %[[W]], %{{.*}} : tensor<?xf32>
//   CHECK-DAG:   %[[XD:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x?xf32>
//       CHECK:   %[[EQ:.*]] = arith.cmpi eq, %[[WD]], %[[XD]] : index
//       CHECK:   cf.assert %[[EQ]], "ERROR: Runtime op verification failed{{.*}}weight is not as long as the rows of x
//       CHECK:   norm.rmsnorm
func.func @rmsnorm_dynamic(%x: tensor<?x?xf32>, %w: tensor<?xf32>) -> tensor<?x?xf32> {
  %y = norm.rmsnorm %x, %w : (tensor<?x?xf32>, tensor<?xf32>) -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}

// -----

// Static sizes were checked by the verifier: no assert. Dynamic rows alone
// need none either (the weight is compared with D only).
// CHECK-LABEL: func.func @static_d
//   CHECK-NOT:   cf.assert
//       CHECK:   norm.rmsnorm
func.func @static_d(%x: tensor<?x64xf32>, %w: tensor<64xf32>) -> tensor<?x64xf32> {
  %y = norm.rmsnorm %x, %w : (tensor<?x64xf32>, tensor<64xf32>) -> tensor<?x64xf32>
  return %y : tensor<?x64xf32>
}

// -----

// SeeDNorm gradient: dy against x in every dim, each parameter against D,
// heads dividing D, and the statistics against the rows (the product of the
// leading dims of x).
// CHECK-LABEL: func.func @seednorm_grad_dynamic
//       CHECK:   cf.assert {{.*}}dy and x differ in dimension 0
//       CHECK:   cf.assert {{.*}}dy and x differ in dimension 1
//       CHECK:   cf.assert {{.*}}dy and x differ in dimension 2
//       CHECK:   cf.assert {{.*}}alpha is not as long as the rows of x
//       CHECK:   cf.assert {{.*}}beta is not as long as the rows of x
//       CHECK:   cf.assert {{.*}}gamma is not as long as the rows of x
//       CHECK:   arith.remui %{{.*}}, %c4
//       CHECK:   cf.assert {{.*}}heads = 4 does not divide the length of the rows of x
//       CHECK:   %[[D0:.*]] = tensor.dim %[[X:.*]], %c0
//       CHECK:   %[[R0:.*]] = arith.muli %c1{{.*}}, %[[D0]]
//       CHECK:   %[[D1:.*]] = tensor.dim %[[X]], %c1
//       CHECK:   %[[ROWS:.*]] = arith.muli %[[R0]], %[[D1]]
//       CHECK:   %[[RSTD:.*]] = tensor.dim %{{.*}}, %c0{{.*}} : tensor<?xf32>
//       CHECK:   arith.cmpi eq, %[[RSTD]], %[[ROWS]]
//       CHECK:   cf.assert {{.*}}rstd does not have one entry per row of x
//       CHECK:   cf.assert {{.*}}t does not have one entry per row of x
//       CHECK:   %[[TH:.*]] = tensor.dim %{{.*}}, %c1{{.*}} : tensor<?x?xf32>
//       CHECK:   arith.cmpi eq, %[[TH]], %c4
//       CHECK:   cf.assert {{.*}}t does not have one column per head (4)
//       CHECK:   norm.seednorm_grad
func.func @seednorm_grad_dynamic(%dy: tensor<?x?x?xf32>, %x: tensor<?x?x?xf32>, %a: tensor<?xf32>, %r: tensor<?xf32>, %t: tensor<?x?xf32>) -> tensor<?x?x?xf32> {
  %d:4 = norm.seednorm_grad %dy, %x, %a, %a, %a, %r, %t {heads = 4 : i64} : (tensor<?x?x?xf32>, tensor<?x?x?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?x?xf32>) -> (tensor<?x?x?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>)
  return %d#0 : tensor<?x?x?xf32>
}

// -----

// A forward op's statistics are results: where their type fixes the row
// count and x's rows are dynamic, the rows of x must match it (else the op
// would be sized by the statistic); a dynamic result size is the op's own.
// CHECK-LABEL: func.func @rmsnorm_static_rstd
//       CHECK:   %[[ROWS:.*]] = tensor.dim %{{.*}}, %c0
//       CHECK:   arith.cmpi eq, %c3{{.*}}, %{{.*}}
//       CHECK:   cf.assert {{.*}}the result rstd does not have one entry per row of x
//   CHECK-NOT:   cf.assert
//       CHECK:   norm.rmsnorm
func.func @rmsnorm_static_rstd(%x: tensor<?x4xf32>, %w: tensor<4xf32>) -> tensor<3xf32> {
  %y, %r = norm.rmsnorm %x, %w : (tensor<?x4xf32>, tensor<4xf32>) -> (tensor<?x4xf32>, tensor<3xf32>)
  return %r : tensor<3xf32>
}

// -----

// CHECK-LABEL: func.func @seednorm_dynamic_stats
//   CHECK-NOT:   the result rstd
//   CHECK-NOT:   the result t
//       CHECK:   norm.seednorm
func.func @seednorm_dynamic_stats(%x: tensor<?x8xf32>, %a: tensor<8xf32>) -> tensor<?x2xf32> {
  %y, %r, %t = norm.seednorm %x, %a, %a, %a {heads = 2 : i64} : (tensor<?x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<?x8xf32>, tensor<?xf32>, tensor<?x2xf32>)
  return %t : tensor<?x2xf32>
}

// -----

// Rank-1 x is one row: a statistic passed in must have one entry.
// CHECK-LABEL: func.func @rank1_grad
//       CHECK:   %[[N:.*]] = tensor.dim %{{.*}}, %c0{{.*}} : tensor<?xf32>
//       CHECK:   arith.cmpi eq, %[[N]], %c1
//       CHECK:   cf.assert {{.*}}rstd does not have one entry per row of x
func.func @rank1_grad(%dy: tensor<8xf32>, %x: tensor<8xf32>, %w: tensor<8xf32>, %r: tensor<?xf32>) -> tensor<8xf32> {
  %dx, %dw = norm.rmsnorm_grad %dy, %x, %w, %r : (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<?xf32>) -> (tensor<8xf32>, tensor<8xf32>)
  return %dx : tensor<8xf32>
}

// -----

// ScaleNorm's gain is a scalar: only dy and the saved inv are checked.
// CHECK-LABEL: func.func @scalenorm_grad_dynamic
//       CHECK:   cf.assert {{.*}}dy and x differ in dimension 0
//       CHECK:   cf.assert {{.*}}dy and x differ in dimension 1
//       CHECK:   cf.assert {{.*}}inv does not have one entry per row of x
//   CHECK-NOT:   cf.assert
//       CHECK:   norm.scalenorm_grad
func.func @scalenorm_grad_dynamic(%dy: tensor<?x?xf32>, %x: tensor<?x?xf32>, %g: tensor<f32>, %inv: tensor<?xf32>) -> tensor<?x?xf32> {
  %d:2 = norm.scalenorm_grad %dy, %x, %g, %inv : (tensor<?x?xf32>, tensor<?x?xf32>, tensor<f32>, tensor<?xf32>) -> (tensor<?x?xf32>, tensor<f32>)
  return %d#0 : tensor<?x?xf32>
}
