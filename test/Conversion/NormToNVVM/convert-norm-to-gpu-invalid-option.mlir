// RUN: not norm-opt %s --convert-norm-to-gpu="memory=shared" 2>&1 | FileCheck %s
// RUN: not norm-opt %s --norm-lower-to-nvvm="memory=shared" 2>&1 | FileCheck %s
// CHECK: memory must be 'host' or 'device', got 'shared'
func.func @f(%x: tensor<8x64xf32>, %w: tensor<64xf32>) -> tensor<8x64xf32> {
  %y = norm.rmsnorm %x, %w : (tensor<8x64xf32>, tensor<64xf32>) -> tensor<8x64xf32>
  return %y : tensor<8x64xf32>
}
