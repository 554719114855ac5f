// The bits of f32 -> bf16 with norm-lower-to-cpu's integer rounding
// (norm-expand-bf16-casts, native-bf16=false) are those of round to nearest
// even:
//   1.0 (0x3F800000) -> 0x3F80 = 16256
//   1 + 2^-8, a tie with an even kept bit (0x3F808000) -> down, 0x3F80
//   1 + 3 * 2^-8, a tie with an odd kept bit (0x3F818000) -> up, 0x3F82 = 16258
//   the largest f32 (0x7F7FFFFF) -> +Inf, 0x7F80 = 32640
//   a NaN with all payload bits (0x7FFFFFFF) -> 0x7FFF = 32767 (not -0 by carry)
//   a signaling -NaN (0xFF800001) -> quieted, 0xFFC0 = -64 (not -Inf)
//   -0.0 -> 0x8000 = -32768; a subnormal (0x000116C2) -> 1
// @main's constants show the rounding at compile time (LLVM folds the integer
// code); @round takes the same values at run time, through the runner's
// default (on an AVX512-BF16 host: vcvtneps2bf16, which takes f32 subnormals
// to zero; elsewhere the integer code) and through explicit integer rounding.
// RUN: norm-runner %s --entry-point-result=void --pipeline-options="native-bf16=false" | FileCheck %s
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/Inputs/bf16_bits.py write %t/v.npy 3F800000 3F808000 3F818000 \
// RUN:   7F7FFFFF 7FFFFFFF FF800001 80000000 000116C2 3F7FFFFF 00800000
// RUN: norm-runner %s -e round --input=%t/v.npy --output=%t/e.npy --pipeline-options="native-bf16=false"
// RUN: %python %S/Inputs/bf16_bits.py print %t/e.npy | FileCheck %s --check-prefix=EXPANDED
// RUN: norm-runner %s -e round --input=%t/v.npy --output=%t/d.npy
// RUN: %python %S/Inputs/bf16_bits.py print %t/d.npy | FileCheck %s --check-prefix=%host_bf16_casts
// EXPANDED: 3F80 3F80 3F82 7F80 7FFF FFC0 8000 0001 3F80 0080
// NATIVE: 3F80 3F80 3F82 7F80 {{7F[C-F][0-9A-F]}} FFC0 8000 0000 3F80 0080
// CHECK: ( 16256, 16256, 16258, 32640, 32767, -64, -32768, 1 )
// CHECK-NEXT: 16258
// CHECK-NEXT: ( 1, 1, 1.01562, inf, nan, -nan, -0, 9.18355e-41 )
func.func @main() {
  %v = arith.constant dense<[0x3F800000, 0x3F808000, 0x3F818000, 0x7F7FFFFF, 0x7FFFFFFF, 0xFF800001, 0x80000000, 0x000116C2]> : vector<8xf32>
  %t = arith.truncf %v : vector<8xf32> to vector<8xbf16>
  %i = arith.bitcast %t : vector<8xbf16> to vector<8xi16>
  vector.print %i : vector<8xi16>
  %s = vector.extract %v[2] : f32 from vector<8xf32>
  %ts = arith.truncf %s : f32 to bf16
  %is = arith.bitcast %ts : bf16 to i16
  vector.print %is : i16
  %e = arith.extf %t : vector<8xbf16> to vector<8xf32>
  vector.print %e : vector<8xf32>
  return
}

func.func @round(%v: tensor<10xf32>) -> tensor<10xbf16> {
  %t = arith.truncf %v : tensor<10xf32> to tensor<10xbf16>
  return %t : tensor<10xbf16>
}
