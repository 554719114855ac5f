// RUN: norm-opt %s -convert-norm-to-linalg -split-input-file | FileCheck %s

// RMSNorm, bf16 x with f32 weight, rank 3: reduction over the last dim into
// an f32 [2, 3] accumulator, rsqrt per row, one elementwise generic with a
// single truncf at the store; rstd collapsed to [rows].

// CHECK-DAG: #[[ID3:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[ROW3:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[LAST3:.+]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-LABEL: func.func @rmsnorm_bf16
//  CHECK-SAME:   (%[[X:.+]]: tensor<2x3x8xbf16>, %[[W:.+]]: tensor<8xf32>)
//       CHECK:   %[[D:.+]] = arith.constant 8.000000e+00 : f32
//       CHECK:   %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
//       CHECK:   %[[E:.+]] = tensor.empty() : tensor<2x3xf32>
//       CHECK:   %[[FILL:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[E]] : tensor<2x3xf32>)
//       CHECK:   %[[SS:.+]] = linalg.generic
//  CHECK-SAME:       indexing_maps = [#[[ID3]], #[[ROW3]]]
//  CHECK-SAME:       iterator_types = ["parallel", "parallel", "reduction"]
//  CHECK-SAME:       ins(%[[X]] : tensor<2x3x8xbf16>) outs(%[[FILL]] : tensor<2x3xf32>)
//       CHECK:     %[[XF:.+]] = arith.extf %{{.+}} : bf16 to f32
//       CHECK:     %[[SQ:.+]] = arith.mulf %[[XF]], %[[XF]] fastmath<contract> : f32
//       CHECK:     arith.addf %{{.+}}, %[[SQ]] fastmath<contract> : f32
//       CHECK:   %[[EPS:.+]] = arith.constant 9.99999997E-7 : f32
//       CHECK:   %[[RSTD:.+]] = linalg.generic
//  CHECK-SAME:       iterator_types = ["parallel", "parallel"]
//  CHECK-SAME:       ins(%[[SS]] : tensor<2x3xf32>)
//       CHECK:     %[[MEAN:.+]] = arith.divf %{{.+}}, %[[D]] : f32
//       CHECK:     %[[SUM:.+]] = arith.addf %[[MEAN]], %[[EPS]] fastmath<contract> : f32
//       CHECK:     math.rsqrt %[[SUM]] : f32
//       CHECK:   %[[EY:.+]] = tensor.empty() : tensor<2x3x8xbf16>
//       CHECK:   %[[Y:.+]] = linalg.generic
//  CHECK-SAME:       indexing_maps = [#[[ID3]], #[[ROW3]], #[[LAST3]], #[[ID3]]]
//  CHECK-SAME:       iterator_types = ["parallel", "parallel", "parallel"]
//  CHECK-SAME:       ins(%[[X]], %[[RSTD]], %[[W]] : tensor<2x3x8xbf16>, tensor<2x3xf32>, tensor<8xf32>)
//  CHECK-SAME:       outs(%[[EY]] : tensor<2x3x8xbf16>)
//       CHECK:     arith.extf %{{.+}} : bf16 to f32
//   CHECK-NOT:     arith.extf
//       CHECK:     arith.mulf
//       CHECK:     %[[V:.+]] = arith.mulf
//       CHECK:     %[[T:.+]] = arith.truncf %[[V]] : f32 to bf16
//       CHECK:     linalg.yield %[[T]] : bf16
//       CHECK:   %[[C:.+]] = tensor.collapse_shape %[[RSTD]] {{\[}}[0, 1]] : tensor<2x3xf32> into tensor<6xf32>
//       CHECK:   return %[[Y]], %[[C]]
func.func @rmsnorm_bf16(%x: tensor<2x3x8xbf16>, %w: tensor<8xf32>) -> (tensor<2x3x8xbf16>, tensor<6xf32>) {
  %y, %r = norm.rmsnorm %x, %w {epsilon = 1.0e-06 : f32} : (tensor<2x3x8xbf16>, tensor<8xf32>) -> (tensor<2x3x8xbf16>, tensor<6xf32>)
  return %y, %r : tensor<2x3x8xbf16>, tensor<6xf32>
}

// -----

// Rank-1 x: the row statistic is 0-d and the rstd result its [1] expansion.

// CHECK-LABEL: func.func @rmsnorm_rank1
//       CHECK:   linalg.fill {{.*}} -> tensor<f32>
//       CHECK:   linalg.generic {{.*}} iterator_types = ["reduction"]
//  CHECK-SAME:       outs(%{{.+}} : tensor<f32>)
//       CHECK:   %[[R:.+]] = linalg.generic {{.*}} iterator_types = []
//       CHECK:     math.rsqrt
//       CHECK:   linalg.generic {{.*}} iterator_types = ["parallel"]
//       CHECK:   tensor.expand_shape %[[R]] [] output_shape [1] : tensor<f32> into tensor<1xf32>
func.func @rmsnorm_rank1(%x: tensor<16xf32>, %w: tensor<16xf32>) -> (tensor<16xf32>, tensor<1xf32>) {
  %y, %r = norm.rmsnorm %x, %w : (tensor<16xf32>, tensor<16xf32>) -> (tensor<16xf32>, tensor<1xf32>)
  return %y, %r : tensor<16xf32>, tensor<1xf32>
}

// -----

// ScaleNorm with a dynamic D: D comes from tensor.dim, the clamp is the
// NaN-propagating arith.maximumf, g is read through a 0-d map.

// CHECK: affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @scalenorm_dynamic
//  CHECK-SAME:   (%[[X:.+]]: tensor<4x?xf32>, %[[G:.+]]: tensor<f32>)
//       CHECK:   %[[DIM:.+]] = tensor.dim %[[X]], %{{.+}} : tensor<4x?xf32>
//       CHECK:   linalg.fill
//       CHECK:   %[[SS:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
//       CHECK:   %[[INV:.+]] = linalg.generic {{.*}} iterator_types = ["parallel"]
//  CHECK-SAME:       ins(%[[SS]] : tensor<4xf32>)
//       CHECK:     %[[N:.+]] = math.sqrt
//       CHECK:     %[[M:.+]] = arith.maximumf %[[N]], %{{.+}} : f32
//       CHECK:     arith.divf %{{.+}}, %[[M]] : f32
//       CHECK:   %[[EY:.+]] = tensor.empty(%[[DIM]]) : tensor<4x?xf32>
//       CHECK:   %[[Y:.+]] = linalg.generic
//  CHECK-SAME:       iterator_types = ["parallel", "parallel"]
//  CHECK-SAME:       ins(%[[X]], %[[INV]], %[[G]] : tensor<4x?xf32>, tensor<4xf32>, tensor<f32>)
//       CHECK:   return %[[Y]], %[[INV]]
func.func @scalenorm_dynamic(%x: tensor<4x?xf32>, %g: tensor<f32>) -> (tensor<4x?xf32>, tensor<4xf32>) {
  %y, %inv = norm.scalenorm %x, %g {epsilon = 1.0e-05 : f32} : (tensor<4x?xf32>, tensor<f32>) -> (tensor<4x?xf32>, tensor<4xf32>)
  return %y, %inv : tensor<4x?xf32>, tensor<4xf32>
}

// -----

// SeeDNorm, 4 heads, dynamic shapes: x and the params are split into
// [heads, D/heads]; one reduction yields the per-head sums of x^2 and x.beta.

// CHECK-LABEL: func.func @seednorm_heads
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x?xf32>, %[[A:.+]]: tensor<?xf32>, %[[B:.+]]: tensor<?xf32>, %[[C:.+]]: tensor<?xf32>)
//       CHECK:   %[[HS:.+]] = arith.divui %{{.+}}, %{{.+}} : index
//       CHECK:   %[[XE:.+]] = tensor.expand_shape %[[X]] {{\[}}[0], [1, 2]] output_shape [%{{.+}}, 4, %[[HS]]] : tensor<?x?xf32> into tensor<?x4x?xf32>
//       CHECK:   tensor.expand_shape %[[A]] {{\[}}[0, 1]] output_shape [4, %[[HS]]]
//       CHECK:   %[[BE:.+]] = tensor.expand_shape %[[B]] {{\[}}[0, 1]]
//       CHECK:   %[[SUMS:.+]]:2 = linalg.generic
//  CHECK-SAME:       iterator_types = ["parallel", "parallel", "reduction"]
//  CHECK-SAME:       ins(%[[XE]], %[[BE]] : tensor<?x4x?xf32>, tensor<4x?xf32>)
//  CHECK-SAME:       outs(%{{.+}}, %{{.+}} : tensor<?x4xf32>, tensor<?x4xf32>)
//       CHECK:   %[[SS:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
//  CHECK-SAME:       ins(%[[SUMS]]#0 : tensor<?x4xf32>)
//       CHECK:   %[[RSTD:.+]] = linalg.generic {{.*}} ins(%[[SS]] : tensor<?xf32>)
//       CHECK:     math.rsqrt
//       CHECK:   %[[T:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]
//  CHECK-SAME:       ins(%[[SUMS]]#1 : tensor<?x4xf32>)
//       CHECK:     math.tanh
//       CHECK:   %[[YE:.+]] = linalg.generic
//  CHECK-SAME:       iterator_types = ["parallel", "parallel", "parallel"]
//  CHECK-SAME:       ins(%[[XE]], %[[RSTD]], %[[T]], %{{.+}}, %{{.+}} :
//       CHECK:   %[[Y:.+]] = tensor.collapse_shape %[[YE]] {{\[}}[0], [1, 2]] : tensor<?x4x?xf32> into tensor<?x?xf32>
//       CHECK:   return %[[Y]], %[[RSTD]], %[[T]]
func.func @seednorm_heads(%x: tensor<?x?xf32>, %a: tensor<?xf32>, %b: tensor<?xf32>, %c: tensor<?xf32>) -> (tensor<?x?xf32>, tensor<?xf32>, tensor<?x4xf32>) {
  %y, %r, %t = norm.seednorm %x, %a, %b, %c {heads = 4 : i64} : (tensor<?x?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>) -> (tensor<?x?xf32>, tensor<?xf32>, tensor<?x4xf32>)
  return %y, %r, %t : tensor<?x?xf32>, tensor<?xf32>, tensor<?x4xf32>
}

// -----

// SeeDNorm statistics of a rank-3 x are collapsed to [rows] and [rows, heads].

// CHECK-LABEL: func.func @seednorm_stats_rank3
//       CHECK:   tensor.collapse_shape %{{.+}} {{\[}}[0], [1], [2, 3]] : tensor<2x3x2x4xf32> into tensor<2x3x8xf32>
//       CHECK:   tensor.collapse_shape %{{.+}} {{\[}}[0, 1]] : tensor<2x3xf32> into tensor<6xf32>
//       CHECK:   tensor.collapse_shape %{{.+}} {{\[}}[0, 1], [2]] : tensor<2x3x2xf32> into tensor<6x2xf32>
func.func @seednorm_stats_rank3(%x: tensor<2x3x8xf32>, %a: tensor<8xf32>, %b: tensor<8xf32>, %c: tensor<8xf32>) -> (tensor<2x3x8xf32>, tensor<6xf32>, tensor<6x2xf32>) {
  %y, %r, %t = norm.seednorm %x, %a, %b, %c {heads = 2 : i64} : (tensor<2x3x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<2x3x8xf32>, tensor<6xf32>, tensor<6x2xf32>)
  return %y, %r, %t : tensor<2x3x8xf32>, tensor<6xf32>, tensor<6x2xf32>
}

// -----

// RMSNorm gradient with the saved rstd (bf16 everywhere), rank 3: x and dy are
// collapsed to [rows, D] first (so dweight reduces over one row dim), then one
// row reduction, one elementwise dx (expanded back to rank 3), dweight
// reduced over the rows in f32 and truncated once.

// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[LAST:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[ROW:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @rmsnorm_grad_stats
//  CHECK-SAME:   (%[[DY3:.+]]: tensor<2x3x8xbf16>, %[[X3:.+]]: tensor<2x3x8xbf16>, %[[W:.+]]: tensor<8xbf16>, %[[R:.+]]: tensor<6xf32>)
//   CHECK-NOT:   math.rsqrt
//   CHECK-DAG:   %[[X:.+]] = tensor.collapse_shape %[[X3]] {{\[}}[0, 1], [2]] : tensor<2x3x8xbf16> into tensor<6x8xbf16>
//   CHECK-DAG:   %[[DY:.+]] = tensor.collapse_shape %[[DY3]] {{\[}}[0, 1], [2]] : tensor<2x3x8xbf16> into tensor<6x8xbf16>
//       CHECK:   %[[GX:.+]] = linalg.generic
//  CHECK-SAME:       iterator_types = ["parallel", "reduction"]
//  CHECK-SAME:       ins(%[[DY]], %[[X]], %[[W]] :
//       CHECK:   %[[DX:.+]] = linalg.generic
//  CHECK-SAME:       iterator_types = ["parallel", "parallel"]
//  CHECK-SAME:       ins(%[[DY]], %[[X]], %[[W]], %[[R]], %[[GX]] :
//       CHECK:     arith.truncf %{{.+}} : f32 to bf16
//       CHECK:   %[[ACC:.+]] = linalg.fill {{.*}} -> tensor<8xf32>
//       CHECK:   %[[DW:.+]] = linalg.generic
//  CHECK-SAME:       indexing_maps = [#[[ID]], #[[ID]], #[[ROW]], #[[LAST]]]
//  CHECK-SAME:       iterator_types = ["reduction", "parallel"]
//  CHECK-SAME:       outs(%[[ACC]] : tensor<8xf32>)
//       CHECK:   %[[DWB:.+]] = linalg.generic
//  CHECK-SAME:       ins(%[[DW]] : tensor<8xf32>) outs(%{{.+}} : tensor<8xbf16>)
//       CHECK:     arith.truncf %{{.+}} : f32 to bf16
//       CHECK:   %[[DX3:.+]] = tensor.expand_shape %[[DX]] {{\[}}[0, 1], [2]] output_shape [2, 3, 8]
//       CHECK:   return %[[DX3]], %[[DWB]]
func.func @rmsnorm_grad_stats(%dy: tensor<2x3x8xbf16>, %x: tensor<2x3x8xbf16>, %w: tensor<8xbf16>, %r: tensor<6xf32>) -> (tensor<2x3x8xbf16>, tensor<8xbf16>) {
  %dx, %dw = norm.rmsnorm_grad %dy, %x, %w, %r : (tensor<2x3x8xbf16>, tensor<2x3x8xbf16>, tensor<8xbf16>, tensor<6xf32>) -> (tensor<2x3x8xbf16>, tensor<8xbf16>)
  return %dx, %dw : tensor<2x3x8xbf16>, tensor<8xbf16>
}

// -----

// RMSNorm gradient without stats recomputes rstd exactly as the forward op.

// CHECK-LABEL: func.func @rmsnorm_grad_recompute
//       CHECK:   linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
//       CHECK:   math.rsqrt
//       CHECK:   linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
//       CHECK:   linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]
//       CHECK:   linalg.generic {{.*}} iterator_types = ["reduction", "parallel"]
//   CHECK-NOT:   linalg.generic
//       CHECK:   return
func.func @rmsnorm_grad_recompute(%dy: tensor<5x8xf32>, %x: tensor<5x8xf32>, %w: tensor<8xf32>) -> (tensor<5x8xf32>, tensor<8xf32>) {
  %dx, %dw = norm.rmsnorm_grad %dy, %x, %w : (tensor<5x8xf32>, tensor<5x8xf32>, tensor<8xf32>) -> (tensor<5x8xf32>, tensor<8xf32>)
  return %dx, %dw : tensor<5x8xf32>, tensor<8xf32>
}

// -----

// ScaleNorm gradient: dx = a dy - c x with per-row coefficients from an op
// over rows: clamped rows (inv = 1/eps) take a = g / eps, c = 0 through a
// select, the others a = g inv, c = g inv^3 s. dg is a full reduction of the
// row sums (sum dy x, times inv) into a 0-d tensor.

// CHECK-LABEL: func.func @scalenorm_grad
//       CHECK:   arith.maximumf
//       CHECK:   %[[S:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
//       CHECK:   %[[EPS:.+]] = arith.constant 9.99999974E-6 : f32
//       CHECK:   %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
//       CHECK:   %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
//       CHECK:   %[[CLAMP:.+]] = arith.divf %[[ONE]], %[[EPS]] : f32
//       CHECK:   %[[C:.+]]:2 = linalg.generic {{.*}} iterator_types = ["parallel"]}
//  CHECK-SAME:       ins(%{{.+}}, %{{.+}}, %[[S]] : tensor<f32>, tensor<4xf32>, tensor<4xf32>)
//       CHECK:     %[[P:.+]] = arith.cmpf oge, %{{.+}}, %[[CLAMP]] : f32
//       CHECK:     %[[CL:.+]] = arith.divf %{{.+}}, %[[EPS]] : f32
//       CHECK:     arith.select %[[P]], %[[CL]], %{{.+}} : f32
//       CHECK:     arith.select %[[P]], %[[ZERO]], %{{.+}} : f32
//       CHECK:   %[[DX:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]
//  CHECK-SAME:       ins(%{{.+}}, %{{.+}}, %[[C]]#0, %[[C]]#1 : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4xf32>, tensor<4xf32>)
//   CHECK-NOT:     arith.select
//       CHECK:     arith.subf
//       CHECK:   %[[Z:.+]] = linalg.fill {{.*}} -> tensor<f32>
//       CHECK:   %[[DG:.+]] = linalg.generic {{.*}} iterator_types = ["reduction"]
//  CHECK-SAME:       ins(%[[S]], %{{.+}} : tensor<4xf32>, tensor<4xf32>) outs(%[[Z]] : tensor<f32>)
//       CHECK:   return %[[DX]], %[[DG]]
func.func @scalenorm_grad(%dy: tensor<4x8xf32>, %x: tensor<4x8xf32>, %g: tensor<f32>) -> (tensor<4x8xf32>, tensor<f32>) {
  %dx, %dg = norm.scalenorm_grad %dy, %x, %g : (tensor<4x8xf32>, tensor<4x8xf32>, tensor<f32>) -> (tensor<4x8xf32>, tensor<f32>)
  return %dx, %dg : tensor<4x8xf32>, tensor<f32>
}

// -----

// SeeDNorm gradient with saved statistics: tanh'(s) = (1 - t)(1 + t) per row
// and head, the per-head sums P_k and Q_k in one reduction that does not read
// the statistics, S = rstd sum_k (t_k P_k + Q_k) over the heads, dx
// elementwise, the three parameter gradients in one generic reducing over the
// rows.

// CHECK-LABEL: func.func @seednorm_grad_stats
//  CHECK-SAME:   %[[R:[^:]+]]: tensor<4xf32>, %[[T:[^:]+]]: tensor<4x2xf32>)
//   CHECK-NOT:   math.tanh
//       CHECK:   %[[DT:.+]] = linalg.generic {{.*}} ins(%[[T]] : tensor<4x2xf32>)
//       CHECK:     %[[ONE_MINUS:.+]] = arith.subf %{{.+}}, %in
//       CHECK:     %[[ONE_PLUS:.+]] = arith.addf %{{.+}}, %in
//       CHECK:     arith.mulf %[[ONE_MINUS]], %[[ONE_PLUS]]
//       CHECK:   %[[PQ:.+]]:2 = linalg.generic
//  CHECK-SAME:       iterator_types = ["parallel", "parallel", "reduction"]
//   CHECK-NOT:       %[[R]]
//       CHECK:   %[[S:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
//  CHECK-SAME:       ins(%[[PQ]]#0, %[[PQ]]#1, %[[R]], %[[T]] : tensor<4x2xf32>, tensor<4x2xf32>, tensor<4xf32>, tensor<4x2xf32>)
//       CHECK:   %[[DXE:.+]] = linalg.generic
//  CHECK-SAME:       iterator_types = ["parallel", "parallel", "parallel"]
//  CHECK-SAME:       %[[R]], %[[T]], %[[PQ]]#0, %[[S]], %[[DT]] :
//       CHECK:   %[[P:.+]]:3 = linalg.generic
//  CHECK-SAME:       iterator_types = ["reduction", "parallel", "parallel"]
//  CHECK-SAME:       outs(%{{.+}}, %{{.+}}, %{{.+}} : tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>)
//       CHECK:   %[[DX:.+]] = tensor.collapse_shape %[[DXE]] {{\[}}[0], [1, 2]] : tensor<4x2x4xf32> into tensor<4x8xf32>
//       CHECK:   %[[DA:.+]] = tensor.collapse_shape %[[P]]#0 {{\[}}[0, 1]] : tensor<2x4xf32> into tensor<8xf32>
//       CHECK:   return %[[DX]], %[[DA]]
func.func @seednorm_grad_stats(%dy: tensor<4x8xf32>, %x: tensor<4x8xf32>, %a: tensor<8xf32>, %b: tensor<8xf32>, %c: tensor<8xf32>, %r: tensor<4xf32>, %t: tensor<4x2xf32>) -> (tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) {
  %dx, %da, %db, %dc = norm.seednorm_grad %dy, %x, %a, %b, %c, %r, %t {heads = 2 : i64} : (tensor<4x8xf32>, tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<4xf32>, tensor<4x2xf32>) -> (tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>)
  return %dx, %da, %db, %dc : tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>
}

// -----

// SeeDNorm gradient that recomputes its statistics: t = tanh(s) and tanh'(s)
// come from the same s, the derivative as 4 e / (1 + e)^2 with
// e = exp(max(-2 |s|, -87)) (no 1 - t^2, which cancels near saturation; the
// clamp keeps e normal); dx reads it.

// CHECK-LABEL: func.func @seednorm_grad_recompute
//       CHECK:   %[[SEED:.+]]:2 = linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]}
//       CHECK:     math.tanh %[[S:[^ ]+]]
//       CHECK:     %[[ABS:.+]] = math.absf %[[S]]
//       CHECK:     %[[M2:.+]] = arith.mulf %{{.+}}, %[[ABS]]
//       CHECK:     %[[CL:.+]] = arith.maximumf %[[M2]], %{{.+}}
//       CHECK:     %[[E:.+]] = math.exp %[[CL]]
//       CHECK:     %[[NUM:.+]] = arith.mulf %{{.+}}, %[[E]]
//       CHECK:     arith.divf %[[NUM]],
//   CHECK-NOT:   math.tanh
//       CHECK:   linalg.generic {{.*}} ins({{.*}}, %[[SEED]]#1 : {{.*}}) outs(%{{.+}} : tensor<4x2x4xf32>)
func.func @seednorm_grad_recompute(%dy: tensor<4x8xf32>, %x: tensor<4x8xf32>, %a: tensor<8xf32>, %b: tensor<8xf32>, %c: tensor<8xf32>) -> (tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) {
  %dx, %da, %db, %dc = norm.seednorm_grad %dy, %x, %a, %b, %c {heads = 2 : i64} : (tensor<4x8xf32>, tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>)
  return %dx, %da, %db, %dc : tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>
}

// -----

// Nothing of the norm dialect is left behind.

// CHECK-LABEL: func.func @all_converted
//   CHECK-NOT:   norm.
func.func @all_converted(%x: tensor<4x8xf32>, %w: tensor<8xf32>) -> tensor<4x8xf32> {
  %y = norm.rmsnorm %x, %w : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %z = norm.rmsnorm %y, %w : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  return %z : tensor<4x8xf32>
}
