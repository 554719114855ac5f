// RMSNorm forward and gradient on the GPU through norm-lower-to-nvvm and the
// project's CUDA runtime wrapper, checked against hand-computed values
// (row [1,2,3,4]: mean(x^2) = 7.5, rstd = 0.365148).
// REQUIRES: cuda-gpu, ptxas
// RUN: norm-opt %s --norm-lower-to-nvvm="chip=sm_80 format=fatbin" \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:   -shared-libs=%norm_lib_dir/libnorm_cuda_runtime%shlibext,%mlir_runner_utils,%mlir_c_runner_utils \
// RUN: | FileCheck %s

func.func private @printMemrefF32(tensor<*xf32>)

func.func @rms(%x: tensor<?x4xf32>, %w: tensor<4xf32>) -> (tensor<?x4xf32>, tensor<?xf32>) {
  %y, %r = norm.rmsnorm %x, %w {epsilon = 0.0 : f32} : (tensor<?x4xf32>, tensor<4xf32>) -> (tensor<?x4xf32>, tensor<?xf32>)
  return %y, %r : tensor<?x4xf32>, tensor<?xf32>
}

func.func @rms_grad(%dy: tensor<?x4xf32>, %x: tensor<?x4xf32>, %w: tensor<4xf32>) -> (tensor<?x4xf32>, tensor<4xf32>) {
  %dx, %dw = norm.rmsnorm_grad %dy, %x, %w {epsilon = 0.0 : f32} : (tensor<?x4xf32>, tensor<?x4xf32>, tensor<4xf32>) -> (tensor<?x4xf32>, tensor<4xf32>)
  return %dx, %dw : tensor<?x4xf32>, tensor<4xf32>
}

func.func @main() {
  %x0 = arith.constant dense<[[1.0, 2.0, 3.0, 4.0], [-2.0, -4.0, -6.0, -8.0]]> : tensor<2x4xf32>
  %x = tensor.cast %x0 : tensor<2x4xf32> to tensor<?x4xf32>
  %w = arith.constant dense<[1.0, 1.0, 2.0, 0.5]> : tensor<4xf32>
  %y, %r = call @rms(%x, %w) : (tensor<?x4xf32>, tensor<4xf32>) -> (tensor<?x4xf32>, tensor<?xf32>)
  %yu = tensor.cast %y : tensor<?x4xf32> to tensor<*xf32>
  call @printMemrefF32(%yu) : (tensor<*xf32>) -> ()
  // CHECK: [0.365148, 0.730297, 2.19089, 0.730297]
  // CHECK: [-0.365148, -0.730297, -2.19089, -0.730297]
  %ru = tensor.cast %r : tensor<?xf32> to tensor<*xf32>
  call @printMemrefF32(%ru) : (tensor<*xf32>) -> ()
  // CHECK: [0.365148, 0.182574]

  // dy = 1: dw_j = sum_rows x_j * rstd = x̂_0j + x̂_1j = 0 (rows are opposite).
  %dy0 = arith.constant dense<1.0> : tensor<2x4xf32>
  %dy = tensor.cast %dy0 : tensor<2x4xf32> to tensor<?x4xf32>
  %dx, %dw = call @rms_grad(%dy, %x, %w) : (tensor<?x4xf32>, tensor<?x4xf32>, tensor<4xf32>) -> (tensor<?x4xf32>, tensor<4xf32>)
  %dwu = tensor.cast %dw : tensor<4xf32> to tensor<*xf32>
  call @printMemrefF32(%dwu) : (tensor<*xf32>) -> ()
  // CHECK: [0, 0, 0, 0]
  return
}
