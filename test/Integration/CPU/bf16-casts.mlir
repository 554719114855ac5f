// The bits of f32 -> bf16 with norm-lower-to-cpu's integer rounding
// (norm-expand-bf16-casts) and with LLVM's own conversion (native-bf16=true:
// __truncsfbf2 here) are the same, and are those of round to nearest even:
//   1.0 (0x3F800000) -> 0x3F80 = 16256
//   1 + 2^-8, a tie with an even kept bit (0x3F808000) -> down, 0x3F80
//   1 + 3 * 2^-8, a tie with an odd kept bit (0x3F818000) -> up, 0x3F82 = 16258
//   the largest f32 (0x7F7FFFFF) -> +Inf, 0x7F80 = 32640
//   a NaN with all payload bits (0x7FFFFFFF) -> 0x7FFF = 32767 (not -0 by carry)
//   a signaling -NaN (0xFF800001) -> quieted, 0xFFC0 = -64 (not -Inf)
//   -0.0 -> 0x8000 = -32768; a subnormal (0x000116C2) -> 1
// RUN: norm-runner %s --entry-point-result=void | FileCheck %s
// RUN: norm-runner %s --entry-point-result=void --pipeline-options="native-bf16=true" | FileCheck %s
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
