// RUN: norm-opt %s --pass-pipeline="builtin.module(func.func(norm-read-only-arguments))" | FileCheck %s

// A public function's tensor arguments become non-writable for one-shot
// bufferization; scalars and memrefs are left alone.
// CHECK-LABEL: func.func @public_fn(
// CHECK-SAME: %arg{{[0-9]+}}: tensor<4x8xf32> {bufferization.writable = false},
// CHECK-SAME: %arg{{[0-9]+}}: tensor<8x8xf32> {bufferization.writable = false},
// CHECK-SAME: %arg{{[0-9]+}}: tensor<4x8xf32> {bufferization.writable = false},
// CHECK-SAME: %arg{{[0-9]+}}: f32,
// CHECK-SAME: %arg{{[0-9]+}}: memref<4xf32>)
func.func @public_fn(%a: tensor<4x8xf32>, %b: tensor<8x8xf32>, %c: tensor<4x8xf32>,
                     %s: f32, %m: memref<4xf32>) -> tensor<4x8xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x8xf32>)
                     outs(%c : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// An explicit annotation stays as the embedder wrote it.
// CHECK-LABEL: func.func @in_place(
// CHECK-SAME: %arg{{[0-9]+}}: tensor<4xf32> {bufferization.writable = true},
// CHECK-SAME: %arg{{[0-9]+}}: tensor<4xf32> {bufferization.writable = false})
func.func @in_place(%x: tensor<4xf32> {bufferization.writable = true},
                    %y: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// Private functions (bufferization sees their callers) and declarations are
// not touched.
// CHECK-LABEL: func.func private @helper(
// CHECK-SAME: %arg{{[0-9]+}}: tensor<4xf32>) -> tensor<4xf32> {
func.func private @helper(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
// CHECK: func.func private @external(tensor<4xf32>) -> tensor<4xf32>{{$}}
func.func private @external(tensor<4xf32>) -> tensor<4xf32>
