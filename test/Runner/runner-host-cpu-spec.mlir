// norm-runner compiles for the host: a module without a DLTI target system
// spec gets one that gives the host CPU's L1 data cache size (and its L2,
// runner-host-l2-spec.mlir), and
// norm-prefetch-rows reads it to choose where a gradient's sweep prefetches
// the next rows (L1 from 48 KiB up, L2 below). A spec in the module is kept
// as written (Inputs/target-cpu-spec.mlir): it describes the target the user
// means. The prefetch hint only moves data; the results are the same.
// UNSUPPORTED: !host-l1d-known
// RUN: rm -rf %t && mkdir -p %t
// RUN: norm-runner %s -e f --random-inputs=3 --print-lowered-ir > %t/host.mlir
// RUN: FileCheck %s --check-prefix=HOST -DL1=%host_l1d_bytes -DHINT=%host_grad_prefetch_hint < %t/host.mlir
// Every prefetch takes the host's hint: none has another one.
// RUN: not grep -E 'llvm.intr.prefetch.*hint = %host_other_prefetch_hints :' %t/host.mlir
// RUN: norm-runner %S/Inputs/target-cpu-spec.mlir -e f --random-inputs=3 --print-lowered-ir \
// RUN:   | FileCheck %s --check-prefix=SPEC
// RUN: norm-runner %s -e f --random-inputs=3 --output=%t/dx.npy --output=%t/dw.npy
// RUN: norm-runner %S/Inputs/target-cpu-spec.mlir -e f --random-inputs=3 --output=%t/dx3.npy --output=%t/dw3.npy
// RUN: %python %S/Inputs/npytool.py check "load('%t/dx.npy')" %t/dx3.npy 0 0 | FileCheck %s --check-prefix=SAME
// RUN: %python %S/Inputs/npytool.py check "load('%t/dw.npy')" %t/dw3.npy 0 0 | FileCheck %s --check-prefix=SAME

// HOST: module attributes {dlti.target_system_spec = #dlti.target_system_spec<"CPU" = #dlti.target_device_spec<"L1_cache_size_in_bytes" = [[L1]] : ui32{{(, "L2_cache_size_in_bytes" = [0-9]+ : ui32)?}}>>}
// HOST: llvm.func @f
// HOST: "llvm.intr.prefetch"({{.*}}) <{cache = 1 : i32, hint = [[HINT]] : i32, rw = 0 : i32}>
// SPEC: module attributes {dlti.target_system_spec = #dlti.target_system_spec<"CPU" = #dlti.target_device_spec<"L1_cache_size_in_bytes" = 49152 : ui32>>}
// SPEC: llvm.func @f
// SPEC: "llvm.intr.prefetch"({{.*}}) <{cache = 1 : i32, hint = 3 : i32, rw = 0 : i32}>
// SAME: OK
// 8 MiB rows: more than half of any L2, so they are prefetched.
func.func @f(%x: tensor<2048x1024xf32>, %dy: tensor<2048x1024xf32>, %w: tensor<1024xf32>)
    -> (tensor<2048x1024xf32>, tensor<1024xf32>) {
  %dx, %dw = norm.rmsnorm_grad %x, %dy, %w {epsilon = 1.0e-06 : f32}
      : (tensor<2048x1024xf32>, tensor<2048x1024xf32>, tensor<1024xf32>)
      -> (tensor<2048x1024xf32>, tensor<1024xf32>)
  return %dx, %dw : tensor<2048x1024xf32>, tensor<1024xf32>
}
