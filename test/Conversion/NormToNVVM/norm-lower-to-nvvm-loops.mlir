// A loop yielding a new tensor each iteration stays an error here (the CPU
// pipeline allows it, test/Runner/runner-argument-values.mlir): this pipeline
// frees no buffers, so each iteration's would leak.
// RUN: not norm-opt %s --norm-lower-to-nvvm="format=isa" -o /dev/null 2>&1 | FileCheck %s
// CHECK: error: Yield operand #0 is not equivalent to the corresponding iter bbArg
func.func @layers(%x: tensor<8x64xf32>, %w: tensor<64xf32>) -> tensor<8x64xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %r = scf.for %i = %c0 to %c3 step %c1 iter_args(%a = %x) -> tensor<8x64xf32> {
    %y = norm.rmsnorm %a, %w : (tensor<8x64xf32>, tensor<64xf32>) -> tensor<8x64xf32>
    %z = arith.addf %y, %a : tensor<8x64xf32>
    scf.yield %z : tensor<8x64xf32>
  }
  return %r : tensor<8x64xf32>
}
