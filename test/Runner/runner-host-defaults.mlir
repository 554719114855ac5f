// norm-runner compiles for the host: the CPU pipeline options the user leaves
// open follow the host's features. With AVX512-BF16 the f32 -> bf16 casts
// stay llvm.fptrunc (vcvtneps2bf16, native-bf16=true); elsewhere they become
// vector integer rounding (norm-expand-bf16-casts). An explicit native-bf16
// in --pipeline-options always wins, on every host.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/Inputs/npytool.py write %t/x.npy float32 67x300 5
// RUN: %python %S/Inputs/npytool.py write %t/w.npy float32 300 6
// DEFINE: %{run} = norm-runner %s -e f --input=%t/x.npy --input=%t/w.npy
// RUN: %{run} --print-lowered-ir | FileCheck %s --check-prefix=%host_bf16_casts
// RUN: %{run} --print-lowered-ir --pipeline-options="threads=1 native-bf16=false" \
// RUN:   | FileCheck %s --check-prefix=EXPANDED
// RUN: %{run} --print-lowered-ir --pipeline-options="native-bf16=true threads=1" \
// RUN:   | FileCheck %s --check-prefix=NATIVE
// And the results of the default path agree with the explicit integer
// rounding to the bit on normal numbers.
// RUN: %{run} --output=%t/y.npy
// RUN: %{run} --output=%t/ye.npy --pipeline-options="native-bf16=false"
// RUN: %python %S/Inputs/npytool.py check "load('%t/ye.npy')" %t/y.npy 0 0 \
// RUN:   | FileCheck %s --check-prefix=SAME

// NATIVE: llvm.func @f
// NATIVE: llvm.fptrunc {{.*}} to vector<{{[0-9]+}}xbf16>
// EXPANDED: llvm.func @f
// EXPANDED-NOT: llvm.fptrunc
// EXPANDED: llvm.lshr
// EXPANDED-NOT: llvm.fptrunc
// SAME: OK {{.*}}y.npy dtype=float32 shape=(67, 300)
func.func @f(%x: tensor<?x300xbf16>, %w: tensor<300xf32>) -> tensor<?x300xbf16> {
  %y = norm.rmsnorm %x, %w {epsilon = 1.0e-06 : f32}
      : (tensor<?x300xbf16>, tensor<300xf32>) -> tensor<?x300xbf16>
  return %y : tensor<?x300xbf16>
}
