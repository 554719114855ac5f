// RUN: norm-opt %s -allow-unregistered-dialect --convert-norm-to-gpu | FileCheck %s

// An unregistered op beside a norm op: the supported-shape check skips it
// (it has no dialect; the walk used to crash on it) and the norm op becomes
// a kernel launch whose result the unregistered op still consumes.
// CHECK-LABEL: func.func @beside_unregistered
//       CHECK:   gpu.launch async
//       CHECK:   "foo.bar"({{.*}}) : (tensor<4x8xf32>) -> tensor<4x8xf32>
func.func @beside_unregistered(%x: tensor<4x8xf32>, %w: tensor<8xf32>) -> tensor<4x8xf32> {
  %y = norm.rmsnorm %x, %w : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %z = "foo.bar"(%y) : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %z : tensor<4x8xf32>
}
