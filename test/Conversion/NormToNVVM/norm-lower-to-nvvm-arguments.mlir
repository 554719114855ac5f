// With memory=host the host code never writes into the caller's arrays
// (norm-read-only-arguments runs before one-shot-bufferize); with
// memory=device the arguments are device pointers, which a protective copy on
// the host could not read, so they are left as they are.
// RUN: norm-opt %s --norm-lower-to-nvvm="format=isa" --mlir-print-ir-before=one-shot-bufferize \
// RUN:   -o /dev/null 2>&1 | FileCheck %s --check-prefix=HOST
// RUN: norm-opt %s --norm-lower-to-nvvm="format=isa memory=device" --mlir-print-ir-before=one-shot-bufferize \
// RUN:   -o /dev/null 2>&1 | FileCheck %s --check-prefix=DEVICE
// HOST: func.func @f(%arg0: tensor<8x64xf32> {bufferization.writable = false}, %arg1: tensor<64xf32> {bufferization.writable = false})
// DEVICE: func.func @f(%arg0: tensor<8x64xf32>, %arg1: tensor<64xf32>)
func.func @f(%x: tensor<8x64xf32>, %w: tensor<64xf32>) -> tensor<8x64xf32> {
  %y = norm.rmsnorm %x, %w : (tensor<8x64xf32>, tensor<64xf32>) -> tensor<8x64xf32>
  return %y : tensor<8x64xf32>
}
