// RUN: norm-opt %s -transform-interpreter -split-input-file -verify-diagnostics | FileCheck %s

// The norm ops implement linalg::AggregatedOpInterface (external models), so
// transform.structured.decompose_interface expands them into the same linalg
// ops as -convert-norm-to-linalg.

// CHECK-LABEL: func.func @rmsnorm
//  CHECK-SAME:   (%[[X:.+]]: tensor<4x8xf32>, %[[W:.+]]: tensor<8xf32>)
//   CHECK-NOT:   norm.rmsnorm
//       CHECK:   linalg.fill
//       CHECK:   %[[SS:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
//  CHECK-SAME:       ins(%[[X]] : tensor<4x8xf32>)
//       CHECK:   %[[R:.+]] = linalg.generic {{.*}} ins(%[[SS]] : tensor<4xf32>)
//       CHECK:     math.rsqrt
//       CHECK:   %[[Y:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]
//  CHECK-SAME:       ins(%[[X]], %[[R]], %[[W]] :
//       CHECK:   return %[[Y]]
func.func @rmsnorm(%x: tensor<4x8xf32>, %w: tensor<8xf32>) -> tensor<4x8xf32> {
  %y = norm.rmsnorm %x, %w : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %op = transform.structured.match ops{["norm.rmsnorm"]} in %root : (!transform.any_op) -> !transform.any_op
    %d = transform.structured.decompose_interface %op : (!transform.any_op) -> !transform.any_op
    transform.yield
  }
}

// -----

// bf16 forward ops, one feeding the other.

// CHECK-LABEL: func.func @forward_ops
//   CHECK-NOT:   norm.
//       CHECK:   arith.maximumf
//       CHECK:   math.tanh
//       CHECK:   return
func.func @forward_ops(%x: tensor<4x8xbf16>, %w: tensor<8xf32>, %g: tensor<f32>) -> (tensor<4x8xbf16>, tensor<4x8xbf16>) {
  %0 = norm.scalenorm %x, %g : (tensor<4x8xbf16>, tensor<f32>) -> tensor<4x8xbf16>
  %1 = norm.seednorm %0, %w, %w, %w {heads = 2 : i64} : (tensor<4x8xbf16>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<4x8xbf16>
  return %0, %1 : tensor<4x8xbf16>, tensor<4x8xbf16>
}

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %ops = transform.structured.match ops{["norm.scalenorm", "norm.seednorm"]} in %root : (!transform.any_op) -> !transform.any_op
    %d = transform.structured.decompose_interface %ops : (!transform.any_op) -> !transform.any_op
    transform.yield
  }
}

// -----

// Upstream decompose_interface returns one handle entry per replacement
// value's defining op, so it rejects ops with several results (all gradient
// ops, forward ops with statistics) after running the decomposition;
// -convert-norm-to-linalg and decomposeNormOp() handle those.

func.func @grad(%x: tensor<4x8xf32>, %w: tensor<8xf32>) -> (tensor<4x8xf32>, tensor<8xf32>) {
  // expected-note @below {{when applied to this op}}
  %dx, %dw = norm.rmsnorm_grad %x, %x, %w : (tensor<4x8xf32>, tensor<4x8xf32>, tensor<8xf32>) -> (tensor<4x8xf32>, tensor<8xf32>)
  return %dx, %dw : tensor<4x8xf32>, tensor<8xf32>
}

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %op = transform.structured.match ops{["norm.rmsnorm_grad"]} in %root : (!transform.any_op) -> !transform.any_op
    // expected-error @below {{expected to produce 1 results (actually produced 2)}}
    // expected-note @below {{consider a generic `apply`}}
    %d = transform.structured.decompose_interface %op : (!transform.any_op) -> !transform.any_op
    transform.yield
  }
}
