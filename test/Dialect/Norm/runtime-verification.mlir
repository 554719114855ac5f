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
//       CHECK:   arith.muli
//       CHECK:   arith.muli
//       CHECK:   cf.assert {{.*}}a statistic (rstd, t) does not have one entry per row of x
//       CHECK:   cf.assert {{.*}}a statistic (rstd, t) does not have one entry per row of x
//       CHECK:   norm.seednorm_grad
func.func @seednorm_grad_dynamic(%dy: tensor<?x?x?xf32>, %x: tensor<?x?x?xf32>, %a: tensor<?xf32>, %r: tensor<?xf32>, %t: tensor<?x4xf32>) -> tensor<?x?x?xf32> {
  %d:4 = norm.seednorm_grad %dy, %x, %a, %a, %a, %r, %t {heads = 4 : i64} : (tensor<?x?x?xf32>, tensor<?x?x?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?x4xf32>) -> (tensor<?x?x?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>)
  return %d#0 : tensor<?x?x?xf32>
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
