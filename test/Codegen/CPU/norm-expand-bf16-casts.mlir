// RUN: norm-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(norm-expand-bf16-casts))" | FileCheck %s
// The output parses again (no constant of a dynamic shape):
// RUN: norm-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(norm-expand-bf16-casts))" | norm-opt -split-input-file -verify-each > /dev/null

// f32 -> bf16 rounds to nearest even in i32 lanes; a NaN is quieted
// (| 0x400000) and selected in the i32 lanes too, before the shift (a select
// among i16 lanes is what LLVM's -O3 scalarized on AVX2).

// CHECK-LABEL: func.func @vector_trunc
//  CHECK-SAME:   (%[[V:.+]]: vector<16xf32>)
//   CHECK-DAG:   %[[QUIET:.+]] = arith.constant dense<4194304> : vector<16xi32>
//   CHECK-DAG:   %[[HALF:.+]] = arith.constant dense<32767> : vector<16xi32>
//   CHECK-DAG:   %[[ONE:.+]] = arith.constant dense<1> : vector<16xi32>
//   CHECK-DAG:   %[[C16:.+]] = arith.constant dense<16> : vector<16xi32>
//       CHECK:   %[[BITS:.+]] = arith.bitcast %[[V]] : vector<16xf32> to vector<16xi32>
//       CHECK:   %[[KEPT:.+]] = arith.shrui %[[BITS]], %[[C16]]
//       CHECK:   %[[LSB:.+]] = arith.andi %[[KEPT]], %[[ONE]]
//       CHECK:   %[[BIAS:.+]] = arith.addi %[[BITS]], %[[HALF]]
//       CHECK:   %[[ROUNDED:.+]] = arith.addi %[[BIAS]], %[[LSB]]
//       CHECK:   %[[NAN:.+]] = arith.ori %[[BITS]], %[[QUIET]]
//       CHECK:   %[[ISNAN:.+]] = arith.cmpf uno, %[[V]], %[[V]] : vector<16xf32>
//       CHECK:   %[[SEL:.+]] = arith.select %[[ISNAN]], %[[NAN]], %[[ROUNDED]] : vector<16xi1>, vector<16xi32>
//       CHECK:   %[[HIGH:.+]] = arith.shrui %[[SEL]], %[[C16]]
//       CHECK:   %[[NARROW:.+]] = arith.trunci %[[HIGH]] : vector<16xi32> to vector<16xi16>
//       CHECK:   %[[R:.+]] = arith.bitcast %[[NARROW]] : vector<16xi16> to vector<16xbf16>
//       CHECK:   return %[[R]]
func.func @vector_trunc(%v: vector<16xf32>) -> vector<16xbf16> {
  %t = arith.truncf %v : vector<16xf32> to vector<16xbf16>
  return %t : vector<16xbf16>
}

// -----

// CHECK-LABEL: func.func @scalar_trunc
//   CHECK-NOT:   arith.truncf
//       CHECK:   arith.select %{{.+}}, %{{.+}}, %{{.+}} : i32
//       CHECK:   arith.trunci %{{.+}} : i32 to i16
//       CHECK:   arith.bitcast %{{.+}} : i16 to bf16
func.func @scalar_trunc(%v: f32) -> bf16 {
  %t = arith.truncf %v : f32 to bf16
  return %t : bf16
}

// -----

// Another rounding mode is left to LLVM.

// CHECK-LABEL: func.func @toward_zero
//       CHECK:   arith.truncf %{{.+}} toward_zero : f32 to bf16
func.func @toward_zero(%v: f32) -> bf16 {
  %t = arith.truncf %v toward_zero : f32 to bf16
  return %t : bf16
}

// -----

// bf16 -> f32 is a shift of the 16 bits.

// CHECK-LABEL: func.func @ext
//       CHECK:   %[[I:.+]] = arith.bitcast %{{.+}} : vector<8xbf16> to vector<8xi16>
//       CHECK:   %[[W:.+]] = arith.extui %[[I]] : vector<8xi16> to vector<8xi32>
//       CHECK:   %[[S:.+]] = arith.shli %[[W]], %{{.+}} : vector<8xi32>
//       CHECK:   arith.bitcast %[[S]] : vector<8xi32> to vector<8xf32>
func.func @ext(%v: vector<8xbf16>) -> vector<8xf32> {
  %e = arith.extf %v : vector<8xbf16> to vector<8xf32>
  return %e : vector<8xf32>
}

// -----

// f16 has native conversions (F16C): untouched.

// CHECK-LABEL: func.func @f16_untouched
//       CHECK:   arith.truncf %{{.+}} : vector<8xf32> to vector<8xf16>
func.func @f16_untouched(%v: vector<8xf32>) -> vector<8xf16> {
  %t = arith.truncf %v : vector<8xf32> to vector<8xf16>
  return %t : vector<8xf16>
}

// -----

// Static-shaped tensors are rewritten like vectors; dynamically shaped ones
// are left alone (no splat constant can have a dynamic shape), without an
// error.

// CHECK-LABEL: func.func @static_tensor
//   CHECK-NOT:   arith.truncf
//   CHECK-NOT:   arith.extf
//       CHECK:   arith.select %{{.+}} : tensor<4x3xi1>, tensor<4x3xi32>
//       CHECK:   arith.shli %{{.+}} : tensor<4x3xi32>
func.func @static_tensor(%v: tensor<4x3xf32>) -> tensor<4x3xf32> {
  %t = arith.truncf %v : tensor<4x3xf32> to tensor<4x3xbf16>
  %e = arith.extf %t : tensor<4x3xbf16> to tensor<4x3xf32>
  return %e : tensor<4x3xf32>
}

// -----

// CHECK-LABEL: func.func @dynamic_tensor
//       CHECK:   arith.truncf %{{.+}} : tensor<?x3xf32> to tensor<?x3xbf16>
//       CHECK:   arith.extf %{{.+}} : tensor<?xbf16> to tensor<?xf32>
func.func @dynamic_tensor(%v: tensor<?x3xf32>, %w: tensor<?xbf16>) -> (tensor<?x3xbf16>, tensor<?xf32>) {
  %t = arith.truncf %v : tensor<?x3xf32> to tensor<?x3xbf16>
  %e = arith.extf %w : tensor<?xbf16> to tensor<?xf32>
  return %t, %e : tensor<?x3xbf16>, tensor<?xf32>
}
