// RUN: norm-opt %s --pass-pipeline="builtin.module(convert-norm-to-linalg,func.func(norm-fuse-elementwise,canonicalize,cse))" | FileCheck %s

// A residual add before a norm has two readers after decomposition (the sum
// of squares and the output pass): it is recomputed inside both rather than
// materialized, so x and r are read directly by the norm's loops. The per-row
// statistic read by broadcast (rsqrt) is not fused into the output pass.

// CHECK-LABEL: func.func @residual_into_both
//  CHECK-SAME:   (%[[X:.+]]: tensor<8x32xf32>, %[[R:.+]]: tensor<8x32xf32>, %[[W:.+]]: tensor<32xf32>)
//       CHECK:   %[[SS:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
//  CHECK-SAME:       ins(%[[X]], %[[R]] :
//       CHECK:     arith.addf
//       CHECK:   %[[RSTD:.+]] = linalg.generic {{.*}} iterator_types = ["parallel"]
//  CHECK-SAME:       ins(%[[SS]] :
//       CHECK:     math.rsqrt
//       CHECK:   %[[Y:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]
//  CHECK-SAME:       ins(%[[X]], %[[R]], %[[RSTD]], %[[W]] :
//       CHECK:   return %[[Y]]
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
func.func @residual_into_both(%x: tensor<8x32xf32>, %r: tensor<8x32xf32>, %w: tensor<32xf32>) -> tensor<8x32xf32> {
  %e = tensor.empty() : tensor<8x32xf32>
  %s = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %r : tensor<8x32xf32>, tensor<8x32xf32>) outs(%e : tensor<8x32xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %t = arith.addf %a, %b : f32
    linalg.yield %t : f32
  } -> tensor<8x32xf32>
  %y = norm.rmsnorm %s, %w : (tensor<8x32xf32>, tensor<32xf32>) -> tensor<8x32xf32>
  return %y : tensor<8x32xf32>
}
