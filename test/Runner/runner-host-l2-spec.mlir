// norm-runner also writes the host's L2 size into the DLTI spec it gives a
// module, and norm-prefetch-rows then leaves buffers that fit in half of it
// without prefetches (they stay in cache from call to call), unless
// prefetch-cached=1 asks for them. The results agree to an ulp either way
// (around the prefetches LLVM may contract a few multiply-adds differently).
// UNSUPPORTED: !host-l2-known
// RUN: rm -rf %t && mkdir -p %t
// RUN: norm-runner %s -e f --random-inputs=3 --print-lowered-ir > %t/default.mlir
// RUN: FileCheck %s --check-prefix=SPEC -DL2=%host_l2_bytes < %t/default.mlir
// RUN: not grep -q llvm.intr.prefetch %t/default.mlir
// RUN: norm-runner %s -e f --random-inputs=3 --pipeline-options=prefetch-cached=1 --print-lowered-ir \
// RUN:   | FileCheck %s --check-prefix=CACHED
// RUN: norm-runner %s -e f --random-inputs=3 --output=%t/dx.npy --output=%t/dw.npy
// RUN: norm-runner %s -e f --random-inputs=3 --pipeline-options=prefetch-cached=1 --output=%t/dx2.npy --output=%t/dw2.npy
// RUN: %python %S/Inputs/npytool.py check "load('%t/dx.npy')" %t/dx2.npy 0 1e-6 | FileCheck %s --check-prefix=SAME
// RUN: %python %S/Inputs/npytool.py check "load('%t/dw.npy')" %t/dw2.npy 0 1e-6 | FileCheck %s --check-prefix=SAME

// SPEC: "L2_cache_size_in_bytes" = [[L2]] : ui32
// CACHED: "llvm.intr.prefetch"
// SAME: OK
// 16 KiB rows: within half of any L2.
func.func @f(%x: tensor<16x256xf32>, %dy: tensor<16x256xf32>, %w: tensor<256xf32>)
    -> (tensor<16x256xf32>, tensor<256xf32>) {
  %dx, %dw = norm.rmsnorm_grad %x, %dy, %w {epsilon = 1.0e-06 : f32}
      : (tensor<16x256xf32>, tensor<16x256xf32>, tensor<256xf32>)
      -> (tensor<16x256xf32>, tensor<256xf32>)
  return %dx, %dw : tensor<16x256xf32>, tensor<256xf32>
}
