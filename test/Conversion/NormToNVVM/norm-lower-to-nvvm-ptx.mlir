// The PTX of the norm kernels has the intended structure (performance.md §2):
// 128-bit global loads and stores, warp shuffles for the row reduction, a
// barrier only where a row spans several warps, and no local memory (no
// register spills) for D <= 8192.
// REQUIRES: ptxas
// RUN: norm-opt %s --norm-lower-to-nvvm="chip=sm_90 format=isa" -o %t.mlir
// RUN: %python %S/Inputs/extract_ptx.py %t.mlir --ptxas %ptxas --arch sm_90 | FileCheck %s
// RUN: norm-opt %s --norm-lower-to-nvvm="chip=sm_80 format=isa" -o %t80.mlir
// RUN: %python %S/Inputs/extract_ptx.py %t80.mlir --ptxas %ptxas --arch sm_80 | FileCheck %s --check-prefix=SPILLS

// bf16, D = 4096: a block of 128 threads per row, 4 x 16 B per thread.
// CHECK-LABEL: // BINARY rms_bf16_4096_kernel
// CHECK: .target sm_90
// CHECK: .maxntid 128, 1, 1
// CHECK-COUNT-4: ld.global.v4.b32
// CHECK: shfl.sync.bfly.b32
// CHECK: bar.sync
// CHECK: rsqrt.approx
// CHECK: st.global.v4.b32
// CHECK-NOT: .local
// CHECK: // PTXAS rms_bf16_4096_kernel rc=0 {{.*}} spill_stores=0 spill_loads=0
func.func @rms_bf16_4096(%x: tensor<?x4096xbf16>, %w: tensor<4096xbf16>) -> tensor<?x4096xbf16> {
  %y = norm.rmsnorm %x, %w : (tensor<?x4096xbf16>, tensor<4096xbf16>) -> tensor<?x4096xbf16>
  return %y : tensor<?x4096xbf16>
}

// f32, D = 8192: 512 threads per row.
// CHECK-LABEL: // BINARY rms_f32_8192_kernel
// CHECK: .maxntid 512, 1, 1
// CHECK: ld.global.v4.b32
// CHECK: shfl.sync.bfly
// CHECK: bar.sync
// CHECK: st.global.v4.b32
// CHECK-NOT: .local
// CHECK: // PTXAS rms_f32_8192_kernel rc=0 {{.*}} spill_stores=0
func.func @rms_f32_8192(%x: tensor<?x8192xf32>, %w: tensor<8192xf32>) -> tensor<?x8192xf32> {
  %y = norm.rmsnorm %x, %w : (tensor<?x8192xf32>, tensor<8192xf32>) -> tensor<?x8192xf32>
  return %y : tensor<?x8192xf32>
}

// bf16, D = 512: one warp per row, four rows per block: no barrier.
// CHECK-LABEL: // BINARY rms_bf16_512_kernel
// CHECK: .maxntid 128, 1, 1
// CHECK: ld.global.v4.b32
// CHECK: shfl.sync.bfly
// CHECK-NOT: bar.sync
// CHECK: st.global.v4.b32
// CHECK: // PTXAS rms_bf16_512_kernel rc=0 {{.*}} spill_stores=0
func.func @rms_bf16_512(%x: tensor<?x512xbf16>, %w: tensor<512xf32>) -> tensor<?x512xbf16> {
  %y = norm.rmsnorm %x, %w : (tensor<?x512xbf16>, tensor<512xf32>) -> tensor<?x512xbf16>
  return %y : tensor<?x512xbf16>
}

// Gradient, bf16, D = 4096: persistent row loop (x and dy read once with
// 128-bit loads), dx stored, dweight partials stored; then the finalize
// kernel sums the partials in a loop (no atomics anywhere).
// CHECK-LABEL: // BINARY rms_grad_bf16_4096_kernel
// CHECK: ld.global.v4.b32
// CHECK: shfl.sync.bfly
// CHECK: st.global.v4.b32
// CHECK: st.global.v4.b32
// CHECK-NOT: atom.
// CHECK-NOT: .local
// CHECK: // PTXAS rms_grad_bf16_4096_kernel rc=0 {{.*}} spill_stores=0
// CHECK-LABEL: // BINARY rms_grad_bf16_4096_kernel_0
// CHECK: ld.global.b32
// CHECK-NOT: atom.
// CHECK: // PTXAS rms_grad_bf16_4096_kernel_0 rc=0
func.func @rms_grad_bf16_4096(%dy: tensor<?x4096xbf16>, %x: tensor<?x4096xbf16>, %w: tensor<4096xf32>) -> (tensor<?x4096xbf16>, tensor<4096xf32>) {
  %dx, %dw = norm.rmsnorm_grad %dy, %x, %w : (tensor<?x4096xbf16>, tensor<?x4096xbf16>, tensor<4096xf32>) -> (tensor<?x4096xbf16>, tensor<4096xf32>)
  return %dx, %dw : tensor<?x4096xbf16>, tensor<4096xf32>
}

// SeeDNorm with 4 heads, f16, D = 4096 (forward and gradient): no spills.
// CHECK-LABEL: // BINARY seed_f16_4096_kernel
// CHECK: ld.global.v4.b32
// CHECK: shfl.sync.bfly
// CHECK: // PTXAS seed_f16_4096_kernel rc=0 {{.*}} spill_stores=0
// CHECK-LABEL: // BINARY seed_grad_f16_4096_kernel
// CHECK: ld.global.v4.b32
// CHECK-NOT: atom.
// CHECK: // PTXAS seed_grad_f16_4096_kernel rc=0 {{.*}} spill_stores=0
func.func @seed_f16_4096(%x: tensor<?x4096xf16>, %a: tensor<4096xf16>, %b: tensor<4096xf16>, %c: tensor<4096xf16>) -> tensor<?x4096xf16> {
  %y = norm.seednorm %x, %a, %b, %c {heads = 4 : i64} : (tensor<?x4096xf16>, tensor<4096xf16>, tensor<4096xf16>, tensor<4096xf16>) -> tensor<?x4096xf16>
  return %y : tensor<?x4096xf16>
}
func.func @seed_grad_f16_4096(%dy: tensor<?x4096xf16>, %x: tensor<?x4096xf16>, %a: tensor<4096xf16>, %b: tensor<4096xf16>, %c: tensor<4096xf16>) -> (tensor<?x4096xf16>, tensor<4096xf16>, tensor<4096xf16>, tensor<4096xf16>) {
  %dx, %da, %db, %dc = norm.seednorm_grad %dy, %x, %a, %b, %c {heads = 4 : i64} : (tensor<?x4096xf16>, tensor<?x4096xf16>, tensor<4096xf16>, tensor<4096xf16>, tensor<4096xf16>) -> (tensor<?x4096xf16>, tensor<4096xf16>, tensor<4096xf16>, tensor<4096xf16>)
  return %dx, %da, %db, %dc : tensor<?x4096xf16>, tensor<4096xf16>, tensor<4096xf16>, tensor<4096xf16>
}

// ScaleNorm gradient, f32, D = 4096: the dg partials are reduced by a
// one-block finalize kernel (shuffles + workgroup memory, fixed order).
// CHECK-LABEL: // BINARY scale_grad_f32_4096_kernel
// CHECK: ld.global.v4.b32
// CHECK: // PTXAS scale_grad_f32_4096_kernel rc=0 {{.*}} spill_stores=0
// CHECK-LABEL: // BINARY scale_grad_f32_4096_kernel_2
// CHECK: shfl.sync.bfly
// CHECK: bar.sync
// CHECK-NOT: atom.
func.func @scale_grad_f32_4096(%dy: tensor<?x4096xf32>, %x: tensor<?x4096xf32>, %g: tensor<f32>) -> (tensor<?x4096xf32>, tensor<f32>) {
  %dx, %dg = norm.scalenorm_grad %dy, %x, %g : (tensor<?x4096xf32>, tensor<?x4096xf32>, tensor<f32>) -> (tensor<?x4096xf32>, tensor<f32>)
  return %dx, %dg : tensor<?x4096xf32>, tensor<f32>
}

// On sm_80 too, nothing spills.
// SPILLS-COUNT-10: rc=0 {{.*}} spill_stores=0 spill_loads=0
// SPILLS-NOT: rc=1
