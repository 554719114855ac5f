// The host side of the lowered code, run with the fake CUDA runtime (no GPU):
// the module is loaded from an embedded fatbin, inputs are copied in, the row
// kernel is launched with one block per row (D = 4096 bf16: 128 threads), the
// gradient with a persistent grid of min(rows, grad-blocks) blocks plus a
// finalize kernel, and everything is copied back and freed.
// REQUIRES: ptxas
// RUN: norm-opt %s --norm-lower-to-nvvm="grad-blocks=2" \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:   -shared-libs=%norm_lib_dir/libnorm_fake_cuda_runtime%shlibext,%mlir_c_runner_utils 2>&1 \
// RUN: | FileCheck %s

// CHECK: mgpuModuleLoad size={{[0-9]+}} format=fatbin
// CHECK: mgpuStreamCreate
// CHECK-NEXT: mgpuMemAlloc bytes=24576
// CHECK-NEXT: mgpuMemcpy bytes=24576 HtoD
// CHECK-NEXT: mgpuMemAlloc bytes=16384
// CHECK-NEXT: mgpuMemcpy bytes=16384 HtoD
// CHECK-NEXT: mgpuMemAlloc bytes=24576
// CHECK-NEXT: mgpuMemAlloc bytes=12
// CHECK-NEXT: mgpuModuleGetFunction name=rms_kernel found=yes
// CHECK-NEXT: mgpuLaunchKernel name=rms_kernel grid=(3,1,1) block=(128,1,1) smem=0
// CHECK-NEXT: mgpuMemcpy bytes=24576 DtoH
// CHECK-NEXT: mgpuMemcpy bytes=12 DtoH
// CHECK-COUNT-4: mgpuMemFree
// CHECK-NEXT: mgpuStreamSynchronize
// CHECK-NEXT: mgpuStreamDestroy

// Gradient: dy, x, w in; dx, dw out; 2 blocks x 1 row group of f32 partials.
// CHECK: mgpuStreamCreate
// CHECK-COUNT-3: mgpuMemcpy {{.*}} HtoD
// CHECK: mgpuMemAlloc bytes=24576
// CHECK-NEXT: mgpuMemAlloc bytes=16384
// CHECK-NEXT: mgpuMemAlloc bytes=32768
// CHECK: mgpuLaunchKernel name=rms_grad_kernel grid=(2,1,1) block=(256,1,1)
// CHECK-NEXT: mgpuModuleGetFunction name=rms_grad_kernel found=yes
// CHECK-NEXT: mgpuLaunchKernel name=rms_grad_kernel grid=(16,1,1) block=(256,1,1)
// CHECK-NEXT: mgpuMemcpy bytes=24576 DtoH
// CHECK-NEXT: mgpuMemcpy bytes=16384 DtoH
// CHECK: mgpuStreamSynchronize
// CHECK-NEXT: mgpuStreamDestroy

// Small rows: D = 64 f32 is 16 chunks of 4 -> 16 threads per row, 16 rows per
// 256-thread block; 40 rows -> 3 blocks.
// CHECK: mgpuLaunchKernel name=rms_small_kernel grid=(3,1,1) block=(256,1,1)
// CHECK: mgpuModuleUnload

func.func @rms(%x: tensor<?x4096xbf16>, %w: tensor<4096xf32>) -> (tensor<?x4096xbf16>, tensor<?xf32>) {
  %y, %r = norm.rmsnorm %x, %w : (tensor<?x4096xbf16>, tensor<4096xf32>) -> (tensor<?x4096xbf16>, tensor<?xf32>)
  return %y, %r : tensor<?x4096xbf16>, tensor<?xf32>
}

func.func @rms_grad(%dy: tensor<?x4096xbf16>, %x: tensor<?x4096xbf16>, %w: tensor<4096xf32>) -> (tensor<?x4096xbf16>, tensor<4096xf32>) {
  %dx, %dw = norm.rmsnorm_grad %dy, %x, %w : (tensor<?x4096xbf16>, tensor<?x4096xbf16>, tensor<4096xf32>) -> (tensor<?x4096xbf16>, tensor<4096xf32>)
  return %dx, %dw : tensor<?x4096xbf16>, tensor<4096xf32>
}

func.func @rms_small(%x: tensor<40x64xf32>, %w: tensor<64xf32>) -> tensor<40x64xf32> {
  %y = norm.rmsnorm %x, %w : (tensor<40x64xf32>, tensor<64xf32>) -> tensor<40x64xf32>
  return %y : tensor<40x64xf32>
}

func.func @main() {
  %x0 = arith.constant dense<1.0> : tensor<3x4096xbf16>
  %x = tensor.cast %x0 : tensor<3x4096xbf16> to tensor<?x4096xbf16>
  %w = arith.constant dense<2.0> : tensor<4096xf32>
  %y, %r = call @rms(%x, %w) : (tensor<?x4096xbf16>, tensor<4096xf32>) -> (tensor<?x4096xbf16>, tensor<?xf32>)
  %dx, %dw = call @rms_grad(%x, %x, %w) : (tensor<?x4096xbf16>, tensor<?x4096xbf16>, tensor<4096xf32>) -> (tensor<?x4096xbf16>, tensor<4096xf32>)
  %xs = arith.constant dense<0.5> : tensor<40x64xf32>
  %ws = arith.constant dense<1.0> : tensor<64xf32>
  %ys = call @rms_small(%xs, %ws) : (tensor<40x64xf32>, tensor<64xf32>) -> tensor<40x64xf32>
  return
}
