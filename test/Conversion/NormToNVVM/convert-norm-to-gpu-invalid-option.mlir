// RUN: not norm-opt %s --convert-norm-to-gpu="memory=shared" 2>&1 | FileCheck %s
// RUN: not norm-opt %s --norm-lower-to-nvvm="memory=shared" 2>&1 | FileCheck %s
// CHECK: memory must be 'host' or 'device', got 'shared'
// A chip LLVM's NVPTX backend does not know is refused while the pipeline's
// options are parsed (an empty one crashed the target attribute's verifier,
// sm_1000 aborted instruction selection).
// RUN: not norm-opt %s --norm-lower-to-nvvm="chip=sm_1000" 2>&1 | FileCheck %s --check-prefix=CHIP
// RUN: not norm-opt %s --norm-lower-to-nvvm="chip=" 2>&1 | FileCheck %s --check-prefix=NOCHIP
// CHIP: error: norm-lower-to-nvvm: chip 'sm_1000' is not an NVPTX processor that LLVM knows (e.g. sm_80, sm_90, sm_90a)
// NOCHIP: error: norm-lower-to-nvvm: chip '' is not an NVPTX processor that LLVM knows
// An unknown gpu.binary format: gpu-module-to-binary printed an error but did
// not fail, and norm-opt wrote a module and exited 0.
// RUN: not norm-opt %s --norm-lower-to-nvvm="format=foo" -o %t.mlir 2>&1 | FileCheck %s --check-prefix=FORMAT
// RUN: not norm-opt %s --norm-lower-to-nvvm="format=" -o %t.mlir 2>&1 | FileCheck %s --check-prefix=NOFORMAT
// FORMAT: error: norm-lower-to-nvvm: format 'foo' is not a gpu.binary format (fatbin, bin or isa; also fatbinary, binary, assembly, offloading, llvm)
// NOFORMAT: error: norm-lower-to-nvvm: format '' is not a gpu.binary format
func.func @f(%x: tensor<8x64xf32>, %w: tensor<64xf32>) -> tensor<8x64xf32> {
  %y = norm.rmsnorm %x, %w : (tensor<8x64xf32>, tensor<64xf32>) -> tensor<8x64xf32>
  return %y : tensor<8x64xf32>
}
