// RUN: norm-opt %s --convert-norm-to-gpu --split-input-file --verify-diagnostics | FileCheck %s
// RUN: norm-opt %s --convert-norm-to-gpu="memory=device grad-blocks=64" --split-input-file --verify-diagnostics | FileCheck %s --check-prefix=DEV

// Host memory: x copied in, y allocated on the device and copied back; one
// block of 128 threads per row, a 4-float workgroup buffer for the 4 warps.
// CHECK-LABEL: func.func @rms
// CHECK: %[[T0:.*]] = gpu.wait async
// CHECK: gpu.alloc async
// CHECK: gpu.memcpy async
// CHECK: gpu.launch async {{.*}} threads({{.*}}) in ({{.*}} = %c128{{.*}}) workgroup(%{{.*}} : memref<4xf32, #gpu.address_space<workgroup>>)
// CHECK-COUNT-4: vector.load {{.*}} {alignment = 16 : i64} : memref<?x4096xbf16>, vector<8xbf16>
// CHECK: gpu.shuffle  xor
// CHECK: gpu.barrier
// CHECK: math.rsqrt
// CHECK-COUNT-4: vector.store {{.*}} {alignment = 16 : i64} : memref<?x4096xbf16>, vector<8xbf16>
// CHECK: gpu.memcpy async
// CHECK: gpu.dealloc async
// CHECK: gpu.wait [
// CHECK: bufferization.to_tensor
// DEV-LABEL: func.func @rms
// DEV-NOT: gpu.memcpy
// DEV: gpu.launch async
// DEV-NOT: gpu.memcpy
// DEV: gpu.wait [
func.func @rms(%x: tensor<?x4096xbf16>, %w: tensor<4096xf32>) -> tensor<?x4096xbf16> {
  %y = norm.rmsnorm %x, %w : (tensor<?x4096xbf16>, tensor<4096xf32>) -> tensor<?x4096xbf16>
  return %y : tensor<?x4096xbf16>
}

// -----

// Gradient: a persistent loop over rows (scf.for from the block id, step the
// grid size), then a finalize kernel that sums the partials in order.
// DEV-LABEL: func.func @rms_grad
// DEV: arith.minui %{{.*}}, %c64
// DEV: gpu.launch async
// DEV: scf.for %{{.*}} = %block_id_x to %{{.*}} step %grid_dim_x iter_args
// DEV: gpu.launch async
// DEV: scf.for
// DEV: memref.load
// DEV-NOT: atomic
func.func @rms_grad(%dy: tensor<?x256xf32>, %x: tensor<?x256xf32>, %w: tensor<256xf32>) -> (tensor<?x256xf32>, tensor<256xf32>) {
  %dx, %dw = norm.rmsnorm_grad %dy, %x, %w : (tensor<?x256xf32>, tensor<?x256xf32>, tensor<256xf32>) -> (tensor<?x256xf32>, tensor<256xf32>)
  return %dx, %dw : tensor<?x256xf32>, tensor<256xf32>
}

// -----

func.func @dynamic_d(%x: tensor<8x?xf32>, %w: tensor<?xf32>) -> tensor<8x?xf32> {
  // expected-error @+1 {{GPU lowering needs a static normalized (last) dimension}}
  %y = norm.rmsnorm %x, %w : (tensor<8x?xf32>, tensor<?xf32>) -> tensor<8x?xf32>
  return %y : tensor<8x?xf32>
}

// -----

// A thread keeps its chunks of the row in registers, unrolled: rows longer
// than 65536 elements are refused (2^32 used to unroll until it ran out of
// time and memory).
func.func @row_too_long(%x: tensor<1x131072xf32>, %w: tensor<131072xf32>) -> tensor<1x131072xf32> {
  // expected-error @+1 {{GPU lowering keeps a row in registers: the normalized dimension may have at most 65536 elements, got 131072}}
  %y = norm.rmsnorm %x, %w : (tensor<1x131072xf32>, tensor<131072xf32>) -> tensor<1x131072xf32>
  return %y : tensor<1x131072xf32>
}

// -----

// One register sum per head, unrolled: more than 128 heads are refused (1024
// heads used to keep ptxas busy for minutes).
func.func @too_many_heads(%dy: tensor<8x2048xf32>, %x: tensor<8x2048xf32>, %a: tensor<2048xf32>) -> tensor<8x2048xf32> {
  // expected-error @+1 {{GPU lowering supports at most 128 heads (one register sum each), got 256}}
  %d:4 = norm.seednorm_grad %dy, %x, %a, %a, %a {heads = 256 : i64} : (tensor<8x2048xf32>, tensor<8x2048xf32>, tensor<2048xf32>, tensor<2048xf32>, tensor<2048xf32>) -> (tensor<8x2048xf32>, tensor<2048xf32>, tensor<2048xf32>, tensor<2048xf32>)
  return %d#0 : tensor<8x2048xf32>
}

// -----

// ScaleNorm gradient without a saved inv reduces two sums per row (sum dy x
// and sum x^2) across the 16 warps of a 512-thread block: the workgroup buffer
// holds two values per warp.

// CHECK-LABEL: func.func @scale_grad_two_sums
// CHECK: threads(%{{.*}}) in (%{{.*}} = %c512, {{.*}} workgroup(%{{.*}} : memref<32xf32, #gpu.address_space<workgroup>>)
func.func @scale_grad_two_sums(%dy: tensor<64x4096xf32>, %x: tensor<64x4096xf32>, %g: tensor<f32>) -> (tensor<64x4096xf32>, tensor<f32>) {
  %dx, %dg = norm.scalenorm_grad %dy, %x, %g : (tensor<64x4096xf32>, tensor<64x4096xf32>, tensor<f32>) -> (tensor<64x4096xf32>, tensor<f32>)
  return %dx, %dg : tensor<64x4096xf32>, tensor<f32>
}
