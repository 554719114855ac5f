// mlir-runner style mains: -entry-point-result=void printing through
// printMemrefF32 (the runner loads the MLIR runner utils itself), an LLVM
// dialect module run as is, and scalar results.
// RUN: norm-runner %s -e main -entry-point-result=void --pipeline="%scalar_pipeline" | FileCheck %s
// Without the flag a main without tensors runs the same way.
// RUN: norm-runner %s --pipeline="%scalar_pipeline" | FileCheck %s
// Lowered by mlir-opt first: runs as is, with or without the flag.
// RUN: mlir-opt %s --pass-pipeline="%scalar_pipeline" -o %t.ll.mlir
// RUN: norm-runner %t.ll.mlir -entry-point-result=void -O0 | FileCheck %s
// RUN: norm-runner %t.ll.mlir | FileCheck %s
// The upstream runner agrees on the lowered module.
// RUN: mlir-runner %t.ll.mlir -e main -entry-point-result=void \
// RUN:   -shared-libs=%llvm_shlib_dir/libmlir_runner_utils.so,%llvm_shlib_dir/libmlir_c_runner_utils.so | FileCheck %s

// CHECK: Unranked Memref base@ = {{.*}} rank = 2 offset = 0 sizes = [2, 3] strides = [3, 1] data =
// CHECK-NEXT: {{\[\[}}2,   4,   6],
// CHECK-NEXT:  [8,   10,   12]]

// RUN: norm-runner %s -e answer -entry-point-result=i32 --pipeline="%scalar_pipeline" | FileCheck %s --check-prefix=I32
// I32: 42
// RUN: norm-runner %s -e big -entry-point-result=i64 --pipeline="%scalar_pipeline" | FileCheck %s --check-prefix=I64
// I64: 8589934592
// RUN: norm-runner %s -e half -entry-point-result=f32 --pipeline="%scalar_pipeline" | FileCheck %s --check-prefix=F32
// F32: 5.000000e-01

func.func private @printMemrefF32(tensor<*xf32>) attributes {llvm.emit_c_interface}

func.func @main() {
  %c = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %e = tensor.empty() : tensor<2x3xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
      ins(%c : tensor<2x3xf32>) outs(%e : tensor<2x3xf32>) {
  ^bb0(%a: f32, %o: f32):
    %t = arith.addf %a, %a : f32
    linalg.yield %t : f32
  } -> tensor<2x3xf32>
  %u = tensor.cast %y : tensor<2x3xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}

func.func @answer() -> i32 {
  %c = arith.constant 42 : i32
  return %c : i32
}

func.func @big() -> i64 {
  %c = arith.constant 8589934592 : i64
  return %c : i64
}

func.func @half() -> f32 {
  %c = arith.constant 0.5 : f32
  return %c : f32
}
