// RUN: norm-opt %s -split-input-file --pass-pipeline="builtin.module(convert-norm-to-linalg,func.func(norm-tile-rows{threads=3},canonicalize,cse))" | FileCheck %s

// A gradient becomes one pass over the rows: 3 chunks in parallel, one row
// loop per chunk in which every op of the decomposition is tiled to the row
// (statistics, dx written into the chunk, dweight added to the chunk's running
// sum), then the 3 partial sums merged in chunk order.

// CHECK-LABEL: func.func @rmsnorm_grad
//  CHECK-SAME:   (%[[DY:.+]]: tensor<?x256xf32>, %[[X:.+]]: tensor<?x256xf32>, %[[W:.+]]: tensor<256xf32>)
//       CHECK:   %[[ZERO:.+]] = linalg.fill {{.*}} -> tensor<256xf32>
//       CHECK:   %[[PARTIALS:.+]] = tensor.empty() : tensor<3x256xf32>
//       CHECK:   %[[R:.+]]:2 = scf.forall (%[[T:.+]]) in (3) shared_outs(%[[DXO:.+]] = %{{.+}}, %[[PO:.+]] = %[[PARTIALS]])
//       CHECK:     %[[LB:.+]] = affine.min
//       CHECK:     %[[UB:.+]] = affine.min
//       CHECK:     %[[CNT:.+]] = affine.apply
//       CHECK:     %[[CHUNK:.+]] = tensor.extract_slice %[[DXO]][%[[LB]], 0] [%[[CNT]], 256]
//       CHECK:     %[[L:.+]]:2 = scf.for %[[I:.+]] = %{{.+}} to %[[CNT]] step %{{.+}} iter_args(%[[DXC:.+]] = %[[CHUNK]], %[[ACC:.+]] = %[[ZERO]])
//       CHECK:       %[[ROW:.+]] = arith.addi %[[LB]], %[[I]]
//       CHECK:       tensor.extract_slice %[[X]][%[[ROW]], 0] [1, 256]
//       CHECK:       linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
//       CHECK:       math.rsqrt
//       CHECK:       tensor.extract_slice %[[DY]][%[[ROW]], 0] [1, 256]
//       CHECK:       linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
//       CHECK:       %[[DXDEST:.+]] = tensor.extract_slice %[[DXC]][%[[I]], 0] [1, 256]
//       CHECK:       %[[DXROW:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]
//  CHECK-SAME:         outs(%[[DXDEST]] : tensor<1x256xf32>)
//       CHECK:       %[[INS:.+]] = tensor.insert_slice %[[DXROW]] into %[[DXC]][%[[I]], 0] [1, 256]
//       CHECK:       %[[SUM:.+]] = linalg.generic {{.*}} iterator_types = ["reduction", "parallel"]
//  CHECK-SAME:         outs(%[[ACC]] : tensor<256xf32>)
//       CHECK:       scf.yield %[[INS]], %[[SUM]]
//       CHECK:     } {norm.row_loop}
//       CHECK:     scf.forall.in_parallel
//       CHECK:       tensor.parallel_insert_slice %[[L]]#0 into %[[DXO]][%[[LB]], 0] [%[[CNT]], 256]
//       CHECK:       tensor.parallel_insert_slice %[[L]]#1 into %[[PO]][%[[T]], 0] [1, 256]
//       CHECK:   %[[DW:.+]] = linalg.reduce ins(%[[R]]#1 : tensor<3x256xf32>) outs(%[[ZERO]] : tensor<256xf32>) dimensions = [0]
//       CHECK:   return %[[R]]#0, %[[DW]]
func.func @rmsnorm_grad(%dy: tensor<?x256xf32>, %x: tensor<?x256xf32>, %w: tensor<256xf32>) -> (tensor<?x256xf32>, tensor<256xf32>) {
  %dx, %dw = norm.rmsnorm_grad %dy, %x, %w : (tensor<?x256xf32>, tensor<?x256xf32>, tensor<256xf32>) -> (tensor<?x256xf32>, tensor<256xf32>)
  return %dx, %dw : tensor<?x256xf32>, tensor<256xf32>
}

// -----

// ScaleNorm's gain gradient is a sum over the rows of per-row sums: it joins
// the same one-pass loop, its running sum is a 0-d tensor.

// CHECK-LABEL: func.func @scalenorm_grad
//       CHECK:   scf.forall (%{{.+}}) in (3) shared_outs(%{{.+}} = %{{.+}}, %{{.+}} = %{{.+}}) -> (tensor<64x32xf32>, tensor<3xf32>)
//       CHECK:     scf.for {{.*}} -> (tensor<?x32xf32>, tensor<f32>)
//       CHECK:     } {norm.row_loop}
//       CHECK:   linalg.reduce ins(%{{.+}} : tensor<3xf32>) outs(%{{.+}} : tensor<f32>) dimensions = [0]
//   CHECK-NOT:   linalg.generic
//       CHECK:   return
func.func @scalenorm_grad(%dy: tensor<64x32xf32>, %x: tensor<64x32xf32>, %g: tensor<f32>) -> (tensor<64x32xf32>, tensor<f32>) {
  %dx, %dg = norm.scalenorm_grad %dy, %x, %g : (tensor<64x32xf32>, tensor<64x32xf32>, tensor<f32>) -> (tensor<64x32xf32>, tensor<f32>)
  return %dx, %dg : tensor<64x32xf32>, tensor<f32>
}

// -----

// Forward: one parallel loop over the rows, the reduction and the
// elementwise pass fused in it (one row per iteration).

// CHECK-LABEL: func.func @rmsnorm
//       CHECK:   scf.forall (%[[ROW:.+]]) in (64) shared_outs
//       CHECK:     linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
//       CHECK:     math.rsqrt
//       CHECK:     linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]
//       CHECK:     tensor.parallel_insert_slice
//   CHECK-NOT:   linalg.generic
//       CHECK:   return
func.func @rmsnorm(%x: tensor<64x32xf32>, %w: tensor<32xf32>) -> tensor<64x32xf32> {
  %y = norm.rmsnorm %x, %w : (tensor<64x32xf32>, tensor<32xf32>) -> tensor<64x32xf32>
  return %y : tensor<64x32xf32>
}

// -----

// A value computed from other computed values and read by two ops (here a
// residual stream read by the norm and by the final add) is computed once,
// outside the row loop: fusing it into each reader would repeat the matmul.

#id = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @shared_stream
//       CHECK:   linalg.matmul
//   CHECK-NOT:   linalg.matmul
//       CHECK:   return
func.func @shared_stream(%x: tensor<64x32xf32>, %m: tensor<32x32xf32>, %w: tensor<32xf32>) -> tensor<64x32xf32> {
  %c0 = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x32xf32>
  %z = linalg.fill ins(%c0 : f32) outs(%e : tensor<64x32xf32>) -> tensor<64x32xf32>
  %p = linalg.matmul ins(%x, %m : tensor<64x32xf32>, tensor<32x32xf32>) outs(%z : tensor<64x32xf32>) -> tensor<64x32xf32>
  %h = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %p : tensor<64x32xf32>, tensor<64x32xf32>) outs(%e : tensor<64x32xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<64x32xf32>
  %y = norm.rmsnorm %h, %w : (tensor<64x32xf32>, tensor<32xf32>) -> tensor<64x32xf32>
  %r = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%h, %y : tensor<64x32xf32>, tensor<64x32xf32>) outs(%e : tensor<64x32xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<64x32xf32>
  return %r : tensor<64x32xf32>
}

// -----

// Long rows (>= 2064, or 16-bit rows from 64 on) that update several
// row-sized sums (SeeDNorm's dalpha, dbeta, dgamma): the row loop steps over
// blocks of 4 rows (each op tiled to [4, ...], the sums read and written once
// per block), then the last rows of a chunk (fewer than 4) go through a
// one-row loop. (2064 f32: rows a line off a multiple of 4 KiB, see
// @seednorm_grad_rows_sharing_l1_sets.)

// CHECK-DAG: #[[BLOCKS:.+]] = affine_map<()[s0, s1] -> (((s0 - s1) floordiv 4) * 4)>
// CHECK-LABEL: func.func @seednorm_grad_long_rows
//       CHECK:   scf.forall
//       CHECK:     %[[END:.+]] = affine.apply #[[BLOCKS]]
//       CHECK:     %[[B:.+]]:4 = scf.for %{{.+}} = %{{.+}} to %[[END]] step %c4
//       CHECK:       tensor.extract_slice %{{.+}}[%{{.+}}, 0, 0] [4, 1, 2064]
//       CHECK:       linalg.generic {{.*}} iterator_types = ["reduction", "parallel", "parallel"]
//  CHECK-SAME:         tensor<4x1x2064xf32>
//       CHECK:     } {norm.row_loop}
//       CHECK:     scf.for %{{.+}} = %[[END]] to %{{.+}} step %c1 iter_args(%{{.+}} = %[[B]]#0, %{{.+}} = %[[B]]#1, %{{.+}} = %[[B]]#2, %{{.+}} = %[[B]]#3)
//       CHECK:       tensor.extract_slice %{{.+}}[%{{.+}}, 0, 0] [1, 1, 2064]
//       CHECK:     } {norm.row_loop}
func.func @seednorm_grad_long_rows(%dy: tensor<?x2064xf32>, %x: tensor<?x2064xf32>, %a: tensor<2064xf32>, %b: tensor<2064xf32>, %c: tensor<2064xf32>) -> (tensor<?x2064xf32>, tensor<2064xf32>, tensor<2064xf32>, tensor<2064xf32>) {
  %dx, %da, %db, %dc = norm.seednorm_grad %dy, %x, %a, %b, %c : (tensor<?x2064xf32>, tensor<?x2064xf32>, tensor<2064xf32>, tensor<2064xf32>, tensor<2064xf32>) -> (tensor<?x2064xf32>, tensor<2064xf32>, tensor<2064xf32>, tensor<2064xf32>)
  return %dx, %da, %db, %dc : tensor<?x2064xf32>, tensor<2064xf32>, tensor<2064xf32>, tensor<2064xf32>
}

// bf16 rows of 1024 are long enough for blocks (of 2 in a 16-bit gradient);
// f32 rows of 1024 are not (measured slower).

// CHECK-LABEL: func.func @seednorm_grad_bf16_1024
//       CHECK:   scf.forall
//       CHECK:     scf.for {{.*}} step %c2
//       CHECK:       tensor<2x1x1024xbf16>
func.func @seednorm_grad_bf16_1024(%dy: tensor<?x1024xbf16>, %x: tensor<?x1024xbf16>, %a: tensor<1024xf32>, %b: tensor<1024xf32>, %c: tensor<1024xf32>) -> (tensor<?x1024xbf16>, tensor<1024xf32>, tensor<1024xf32>, tensor<1024xf32>) {
  %dx, %da, %db, %dc = norm.seednorm_grad %dy, %x, %a, %b, %c : (tensor<?x1024xbf16>, tensor<?x1024xbf16>, tensor<1024xf32>, tensor<1024xf32>, tensor<1024xf32>) -> (tensor<?x1024xbf16>, tensor<1024xf32>, tensor<1024xf32>, tensor<1024xf32>)
  return %dx, %da, %db, %dc : tensor<?x1024xbf16>, tensor<1024xf32>, tensor<1024xf32>, tensor<1024xf32>
}

// CHECK-LABEL: func.func @seednorm_grad_f32_1024
//       CHECK:   scf.forall
//   CHECK-NOT:     step %c4
//       CHECK:     scf.for {{.*}} step %c1
//       CHECK:     } {norm.row_loop}
func.func @seednorm_grad_f32_1024(%dy: tensor<?x1024xf32>, %x: tensor<?x1024xf32>, %a: tensor<1024xf32>, %b: tensor<1024xf32>, %c: tensor<1024xf32>) -> (tensor<?x1024xf32>, tensor<1024xf32>, tensor<1024xf32>, tensor<1024xf32>) {
  %dx, %da, %db, %dc = norm.seednorm_grad %dy, %x, %a, %b, %c : (tensor<?x1024xf32>, tensor<?x1024xf32>, tensor<1024xf32>, tensor<1024xf32>, tensor<1024xf32>) -> (tensor<?x1024xf32>, tensor<1024xf32>, tensor<1024xf32>, tensor<1024xf32>)
  return %dx, %da, %db, %dc : tensor<?x1024xf32>, tensor<1024xf32>, tensor<1024xf32>, tensor<1024xf32>
}

// With heads, a row is all the heads (4 x 1024 = 4128 f32): blocks.

// CHECK-LABEL: func.func @seednorm_grad_heads
//       CHECK:   scf.forall
//       CHECK:     scf.for {{.*}} step %c4
func.func @seednorm_grad_heads(%dy: tensor<?x4128xf32>, %x: tensor<?x4128xf32>, %a: tensor<4128xf32>, %b: tensor<4128xf32>, %c: tensor<4128xf32>) -> (tensor<?x4128xf32>, tensor<4128xf32>, tensor<4128xf32>, tensor<4128xf32>) {
  %dx, %da, %db, %dc = norm.seednorm_grad %dy, %x, %a, %b, %c {heads = 4 : i64} : (tensor<?x4128xf32>, tensor<?x4128xf32>, tensor<4128xf32>, tensor<4128xf32>, tensor<4128xf32>) -> (tensor<?x4128xf32>, tensor<4128xf32>, tensor<4128xf32>, tensor<4128xf32>)
  return %dx, %da, %db, %dc : tensor<?x4128xf32>, tensor<4128xf32>, tensor<4128xf32>, tensor<4128xf32>
}

// Rows a multiple of 4 KiB apart (4096 f32), or less than a cache line off
// one (4104 f32), put all rows of a block of 4 in the same L1 sets: long
// rows (2048 or more in a gradient) go in pairs instead. (16-bit gradients
// always go in pairs: 2048 bf16.)

// CHECK-LABEL: func.func @seednorm_grad_rows_sharing_l1_sets
//   CHECK-NOT:     step %c4
//       CHECK:     scf.for {{.*}} step %c2
//       CHECK:       tensor<2x1x4096xf32>
//   CHECK-NOT:     step %c4
//       CHECK:     scf.for {{.*}} step %c2
//       CHECK:       tensor<2x1x2048xbf16>
//   CHECK-NOT:     step %c4
//       CHECK:     scf.for {{.*}} step %c2
//       CHECK:       tensor<2x1x4104xf32>
//   CHECK-NOT:     step %c4
//       CHECK:   return
func.func @seednorm_grad_rows_sharing_l1_sets(%dy: tensor<?x4096xf32>, %x: tensor<?x4096xf32>, %a: tensor<4096xf32>, %dyh: tensor<?x2048xbf16>, %xh: tensor<?x2048xbf16>, %ah: tensor<2048xf32>, %dyo: tensor<?x4104xf32>, %xo: tensor<?x4104xf32>, %ao: tensor<4104xf32>) -> (tensor<?x4096xf32>, tensor<?x2048xbf16>, tensor<?x4104xf32>) {
  %dx, %da, %db, %dc = norm.seednorm_grad %dy, %x, %a, %a, %a : (tensor<?x4096xf32>, tensor<?x4096xf32>, tensor<4096xf32>, tensor<4096xf32>, tensor<4096xf32>) -> (tensor<?x4096xf32>, tensor<4096xf32>, tensor<4096xf32>, tensor<4096xf32>)
  %dxh, %dah, %dbh, %dch = norm.seednorm_grad %dyh, %xh, %ah, %ah, %ah : (tensor<?x2048xbf16>, tensor<?x2048xbf16>, tensor<2048xf32>, tensor<2048xf32>, tensor<2048xf32>) -> (tensor<?x2048xbf16>, tensor<2048xf32>, tensor<2048xf32>, tensor<2048xf32>)
  %dxo, %dao, %dbo, %dco = norm.seednorm_grad %dyo, %xo, %ao, %ao, %ao : (tensor<?x4104xf32>, tensor<?x4104xf32>, tensor<4104xf32>, tensor<4104xf32>, tensor<4104xf32>) -> (tensor<?x4104xf32>, tensor<4104xf32>, tensor<4104xf32>, tensor<4104xf32>)
  return %dx, %dxh, %dxo : tensor<?x4096xf32>, tensor<?x2048xbf16>, tensor<?x4104xf32>
}

// Forward: 4-row tiles for a static row count that is a multiple of 4 (the
// gain and weight loaded once per block); one row for a dynamic row count
// (a partial tile would stay scalar).

// CHECK-LABEL: func.func @seednorm_forward_blocks
//       CHECK:   scf.forall (%{{.+}}) = (0) to (8) step (4)
//       CHECK:     tensor<4x1x2064xf32>
//       CHECK:   scf.forall (%{{.+}}) in (%{{.+}})
//       CHECK:     tensor<1x1x2064xf32>
func.func @seednorm_forward_blocks(%x: tensor<8x2064xf32>, %y: tensor<?x2064xf32>, %a: tensor<2064xf32>, %b: tensor<2064xf32>, %c: tensor<2064xf32>) -> (tensor<8x2064xf32>, tensor<?x2064xf32>) {
  %s = norm.seednorm %x, %a, %b, %c : (tensor<8x2064xf32>, tensor<2064xf32>, tensor<2064xf32>, tensor<2064xf32>) -> tensor<8x2064xf32>
  %d = norm.seednorm %y, %a, %b, %c : (tensor<?x2064xf32>, tensor<2064xf32>, tensor<2064xf32>, tensor<2064xf32>) -> tensor<?x2064xf32>
  return %s, %d : tensor<8x2064xf32>, tensor<?x2064xf32>
}

// Rank-3 rows ([B, S, D]) keep one-row tiles: a block along S would be split
// into single rows again by the vectorizer.

// CHECK-LABEL: func.func @seednorm_forward_rank3
//       CHECK:   scf.forall (%{{.+}}, %{{.+}}) in (2, 8)
//       CHECK:     tensor<1x1x1x2048xf32>
func.func @seednorm_forward_rank3(%x: tensor<2x8x2048xf32>, %a: tensor<2048xf32>, %b: tensor<2048xf32>, %c: tensor<2048xf32>) -> tensor<2x8x2048xf32> {
  %s = norm.seednorm %x, %a, %b, %c : (tensor<2x8x2048xf32>, tensor<2048xf32>, tensor<2048xf32>, tensor<2048xf32>) -> tensor<2x8x2048xf32>
  return %s : tensor<2x8x2048xf32>
}

// Short rows (64-512 f32 elements) with several row-sized sums also go 4 rows
// per step when their data fits in cache (the block stays in L1); not when it
// is large (static 16 MiB here, or dynamic); rows under 64 elements never.

// CHECK-LABEL: func.func @seednorm_grad_f32_512
//       CHECK:   scf.forall
//       CHECK:     scf.for {{.*}} step %c4
//       CHECK:       tensor<4x1x512xf32>
func.func @seednorm_grad_f32_512(%dy: tensor<64x512xf32>, %x: tensor<64x512xf32>, %a: tensor<512xf32>, %b: tensor<512xf32>, %c: tensor<512xf32>) -> (tensor<64x512xf32>, tensor<512xf32>, tensor<512xf32>, tensor<512xf32>) {
  %dx, %da, %db, %dc = norm.seednorm_grad %dy, %x, %a, %b, %c : (tensor<64x512xf32>, tensor<64x512xf32>, tensor<512xf32>, tensor<512xf32>, tensor<512xf32>) -> (tensor<64x512xf32>, tensor<512xf32>, tensor<512xf32>, tensor<512xf32>)
  return %dx, %da, %db, %dc : tensor<64x512xf32>, tensor<512xf32>, tensor<512xf32>, tensor<512xf32>
}

// CHECK-LABEL: func.func @seednorm_grad_f32_512_large
//       CHECK:   scf.forall
//   CHECK-NOT:     step %c4
//       CHECK:     scf.for {{.*}} step %c1
//       CHECK:     } {norm.row_loop}
func.func @seednorm_grad_f32_512_large(%dy: tensor<8192x512xf32>, %x: tensor<8192x512xf32>, %a: tensor<512xf32>, %b: tensor<512xf32>, %c: tensor<512xf32>) -> (tensor<8192x512xf32>, tensor<512xf32>, tensor<512xf32>, tensor<512xf32>) {
  %dx, %da, %db, %dc = norm.seednorm_grad %dy, %x, %a, %b, %c : (tensor<8192x512xf32>, tensor<8192x512xf32>, tensor<512xf32>, tensor<512xf32>, tensor<512xf32>) -> (tensor<8192x512xf32>, tensor<512xf32>, tensor<512xf32>, tensor<512xf32>)
  return %dx, %da, %db, %dc : tensor<8192x512xf32>, tensor<512xf32>, tensor<512xf32>, tensor<512xf32>
}

// CHECK-LABEL: func.func @seednorm_grad_f32_512_dynamic
//       CHECK:   scf.forall
//   CHECK-NOT:     step %c4
//       CHECK:     scf.for {{.*}} step %c1
//       CHECK:     } {norm.row_loop}
func.func @seednorm_grad_f32_512_dynamic(%dy: tensor<?x512xf32>, %x: tensor<?x512xf32>, %a: tensor<512xf32>, %b: tensor<512xf32>, %c: tensor<512xf32>) -> (tensor<?x512xf32>, tensor<512xf32>, tensor<512xf32>, tensor<512xf32>) {
  %dx, %da, %db, %dc = norm.seednorm_grad %dy, %x, %a, %b, %c : (tensor<?x512xf32>, tensor<?x512xf32>, tensor<512xf32>, tensor<512xf32>, tensor<512xf32>) -> (tensor<?x512xf32>, tensor<512xf32>, tensor<512xf32>, tensor<512xf32>)
  return %dx, %da, %db, %dc : tensor<?x512xf32>, tensor<512xf32>, tensor<512xf32>, tensor<512xf32>
}

// CHECK-LABEL: func.func @seednorm_grad_f32_32
//       CHECK:   scf.forall
//   CHECK-NOT:     step %c4
//       CHECK:     scf.for {{.*}} step %c1
//       CHECK:     } {norm.row_loop}
func.func @seednorm_grad_f32_32(%dy: tensor<?x32xf32>, %x: tensor<?x32xf32>, %a: tensor<32xf32>, %b: tensor<32xf32>, %c: tensor<32xf32>) -> (tensor<?x32xf32>, tensor<32xf32>, tensor<32xf32>, tensor<32xf32>) {
  %dx, %da, %db, %dc = norm.seednorm_grad %dy, %x, %a, %b, %c : (tensor<?x32xf32>, tensor<?x32xf32>, tensor<32xf32>, tensor<32xf32>, tensor<32xf32>) -> (tensor<?x32xf32>, tensor<32xf32>, tensor<32xf32>, tensor<32xf32>)
  return %dx, %da, %db, %dc : tensor<?x32xf32>, tensor<32xf32>, tensor<32xf32>, tensor<32xf32>
}

// With one row-sized sum (RMSNorm) or none (ScaleNorm), only 16-bit rows of
// 64-1024 elements in cache go 4 rows per step; the row length of ScaleNorm's
// group comes from its dx op (the gain gradient sums per-row values).

// CHECK-LABEL: func.func @rmsnorm_grad_bf16_512
//       CHECK:   scf.forall
//       CHECK:     scf.for {{.*}} step %c4
//       CHECK:       tensor<4x512xbf16>
func.func @rmsnorm_grad_bf16_512(%dy: tensor<64x512xbf16>, %x: tensor<64x512xbf16>, %w: tensor<512xf32>) -> (tensor<64x512xbf16>, tensor<512xf32>) {
  %dx, %dw = norm.rmsnorm_grad %dy, %x, %w : (tensor<64x512xbf16>, tensor<64x512xbf16>, tensor<512xf32>) -> (tensor<64x512xbf16>, tensor<512xf32>)
  return %dx, %dw : tensor<64x512xbf16>, tensor<512xf32>
}

// CHECK-LABEL: func.func @rmsnorm_grad_bf16_2048
//       CHECK:   scf.forall
//   CHECK-NOT:     step %c4
//       CHECK:     scf.for {{.*}} step %c1
//       CHECK:     } {norm.row_loop}
func.func @rmsnorm_grad_bf16_2048(%dy: tensor<64x2048xbf16>, %x: tensor<64x2048xbf16>, %w: tensor<2048xf32>) -> (tensor<64x2048xbf16>, tensor<2048xf32>) {
  %dx, %dw = norm.rmsnorm_grad %dy, %x, %w : (tensor<64x2048xbf16>, tensor<64x2048xbf16>, tensor<2048xf32>) -> (tensor<64x2048xbf16>, tensor<2048xf32>)
  return %dx, %dw : tensor<64x2048xbf16>, tensor<2048xf32>
}

// CHECK-LABEL: func.func @scalenorm_grad_f16_256
//       CHECK:   scf.forall
//       CHECK:     scf.for {{.*}} step %c4
//       CHECK:       tensor<4x256xf16>
func.func @scalenorm_grad_f16_256(%dy: tensor<64x256xf16>, %x: tensor<64x256xf16>, %g: tensor<f32>) -> (tensor<64x256xf16>, tensor<f32>) {
  %dx, %dg = norm.scalenorm_grad %dy, %x, %g : (tensor<64x256xf16>, tensor<64x256xf16>, tensor<f32>) -> (tensor<64x256xf16>, tensor<f32>)
  return %dx, %dg : tensor<64x256xf16>, tensor<f32>
}

// Forward: RMSNorm's bf16 rows of 256 in 4-row tiles, f32 rows in one-row
// tiles.

// CHECK-LABEL: func.func @rmsnorm_forward_narrow_blocks
//       CHECK:   scf.forall (%{{.+}}) = (0) to (8) step (4)
//       CHECK:     tensor<4x256xbf16>
//       CHECK:   scf.forall (%{{.+}}) in (8)
//       CHECK:     tensor<1x256xf32>
func.func @rmsnorm_forward_narrow_blocks(%x: tensor<8x256xbf16>, %y: tensor<8x256xf32>, %w: tensor<256xf32>) -> (tensor<8x256xbf16>, tensor<8x256xf32>) {
  %a = norm.rmsnorm %x, %w : (tensor<8x256xbf16>, tensor<256xf32>) -> tensor<8x256xbf16>
  %b = norm.rmsnorm %y, %w : (tensor<8x256xf32>, tensor<256xf32>) -> tensor<8x256xf32>
  return %a, %b : tensor<8x256xbf16>, tensor<8x256xf32>
}

// A bf16 weight: the f32 weight-gradient sum is cast to bf16 after the row
// loop, and the gradient stays one pass over the rows (the cast does not keep
// the sum from ending its group).

// CHECK-LABEL: func.func @rmsnorm_grad_bf16_weight
//   CHECK-NOT:   iterator_types = ["reduction", "parallel"]
//       CHECK:   scf.forall
//       CHECK:     scf.for
//       CHECK:       iterator_types = ["reduction", "parallel"]
//       CHECK:     } {norm.row_loop}
//       CHECK:   linalg.reduce
//       CHECK:   linalg.generic {{.*}} iterator_types = ["parallel"]{{.*}} outs(%{{.+}} : tensor<512xbf16>)
func.func @rmsnorm_grad_bf16_weight(%dy: tensor<?x512xbf16>, %x: tensor<?x512xbf16>, %w: tensor<512xbf16>) -> (tensor<?x512xbf16>, tensor<512xbf16>) {
  %dx, %dw = norm.rmsnorm_grad %dy, %x, %w : (tensor<?x512xbf16>, tensor<?x512xbf16>, tensor<512xbf16>) -> (tensor<?x512xbf16>, tensor<512xbf16>)
  return %dx, %dw : tensor<?x512xbf16>, tensor<512xbf16>
}

// Given its saved rstd, RMSNorm's gradient computes nothing per row before dx
// and the weight-gradient sum; they read the same rows of x and dy and stay
// one pass over the rows.

// CHECK-LABEL: func.func @rmsnorm_grad_saved_rstd
//       CHECK:   scf.forall
//       CHECK:     scf.for
//       CHECK:       iterator_types = ["parallel", "parallel"]
//       CHECK:       iterator_types = ["reduction", "parallel"]
//       CHECK:     } {norm.row_loop}
//   CHECK-NOT:   scf.forall (
//       CHECK:   linalg.reduce
func.func @rmsnorm_grad_saved_rstd(%dy: tensor<?x512xf32>, %x: tensor<?x512xf32>, %w: tensor<512xf32>, %r: tensor<?xf32>) -> (tensor<?x512xf32>, tensor<512xf32>) {
  %dx, %dw = norm.rmsnorm_grad %dy, %x, %w, %r : (tensor<?x512xf32>, tensor<?x512xf32>, tensor<512xf32>, tensor<?xf32>) -> (tensor<?x512xf32>, tensor<512xf32>)
  return %dx, %dw : tensor<?x512xf32>, tensor<512xf32>
}

// One row-sized sum (RMSNorm's dweight): one row per step for f32 rows.

// CHECK-LABEL: func.func @rmsnorm_grad_long_rows
//       CHECK:   scf.forall
//   CHECK-NOT:     step %c2
//       CHECK:     scf.for {{.*}} step %c1
//       CHECK:     } {norm.row_loop}
func.func @rmsnorm_grad_long_rows(%dy: tensor<?x1024xf32>, %x: tensor<?x1024xf32>, %w: tensor<1024xf32>) -> (tensor<?x1024xf32>, tensor<1024xf32>) {
  %dx, %dw = norm.rmsnorm_grad %dy, %x, %w : (tensor<?x1024xf32>, tensor<?x1024xf32>, tensor<1024xf32>) -> (tensor<?x1024xf32>, tensor<1024xf32>)
  return %dx, %dw : tensor<?x1024xf32>, tensor<1024xf32>
}

// -----

// SeeDNorm with 4 heads works on x viewed as [rows, heads, D/heads]; the heads
// dim is indexed by the parameters (alpha[h, j]), so it is a feature dim: one
// tile is a whole row (its rstd is computed once, not once per head).

// CHECK-LABEL: func.func @seednorm_heads
//       CHECK:   scf.forall (%{{.+}}) in (16) shared_outs
//  CHECK-SAME:     -> (tensor<16x4x8xf32>)
//       CHECK:     math.rsqrt
//   CHECK-NOT:     math.rsqrt
//       CHECK:     tensor.parallel_insert_slice %{{.+}} into %{{.+}}[%{{.+}}, 0, 0] [1, 4, 8]
func.func @seednorm_heads(%x: tensor<16x32xf32>, %a: tensor<32xf32>, %b: tensor<32xf32>, %c: tensor<32xf32>) -> tensor<16x32xf32> {
  %y = norm.seednorm %x, %a, %b, %c {heads = 4 : i64} : (tensor<16x32xf32>, tensor<32xf32>, tensor<32xf32>, tensor<32xf32>) -> tensor<16x32xf32>
  return %y : tensor<16x32xf32>
}

// -----

// Forward rows of 4096 elements or more a multiple of 4 KiB apart share L1
// sets in blocks of 4, yet blocks of 2 still load the parameters half as
// often and measured faster (f32 and bf16): 2-row tiles. Shorter rows (a
// row and the parameters nearly fit in L1: 2048 f32 or bf16) and odd row
// counts keep one row.

// CHECK-LABEL: func.func @seednorm_forward_rows_sharing_l1_sets
//       CHECK:   scf.forall (%{{.+}}) = (0) to (8) step (2)
//       CHECK:     tensor<2x1x4096xf32>
//       CHECK:   scf.forall (%{{.+}}) in (7)
//       CHECK:     tensor<1x1x4096xf32>
//       CHECK:   scf.forall (%{{.+}}) in (8)
//       CHECK:     tensor<1x1x2048xf32>
//       CHECK:   scf.forall (%{{.+}}) = (0) to (8) step (2)
//       CHECK:     tensor<2x1x4096xbf16>
//       CHECK:   scf.forall (%{{.+}}) in (8)
//       CHECK:     tensor<1x1x2048xbf16>
func.func @seednorm_forward_rows_sharing_l1_sets(%x: tensor<8x4096xf32>, %xodd: tensor<7x4096xf32>, %a: tensor<4096xf32>, %xs: tensor<8x2048xf32>, %as: tensor<2048xf32>, %xh: tensor<8x4096xbf16>, %xhs: tensor<8x2048xbf16>) -> (tensor<8x4096xf32>, tensor<7x4096xf32>, tensor<8x2048xf32>, tensor<8x4096xbf16>, tensor<8x2048xbf16>) {
  %y = norm.seednorm %x, %a, %a, %a : (tensor<8x4096xf32>, tensor<4096xf32>, tensor<4096xf32>, tensor<4096xf32>) -> tensor<8x4096xf32>
  %yodd = norm.seednorm %xodd, %a, %a, %a : (tensor<7x4096xf32>, tensor<4096xf32>, tensor<4096xf32>, tensor<4096xf32>) -> tensor<7x4096xf32>
  %ys = norm.seednorm %xs, %as, %as, %as : (tensor<8x2048xf32>, tensor<2048xf32>, tensor<2048xf32>, tensor<2048xf32>) -> tensor<8x2048xf32>
  %yh = norm.seednorm %xh, %a, %a, %a : (tensor<8x4096xbf16>, tensor<4096xf32>, tensor<4096xf32>, tensor<4096xf32>) -> tensor<8x4096xbf16>
  %yhs = norm.seednorm %xhs, %as, %as, %as : (tensor<8x2048xbf16>, tensor<2048xf32>, tensor<2048xf32>, tensor<2048xf32>) -> tensor<8x2048xbf16>
  return %y, %yodd, %ys, %yh, %yhs : tensor<8x4096xf32>, tensor<7x4096xf32>, tensor<8x2048xf32>, tensor<8x4096xbf16>, tensor<8x2048xbf16>
}

// -----

// On a target whose L1d (DLTI spec) has 48 KiB or more (12 ways of 4 KiB),
// RMSNorm's f32 gradient of rows of 4096 to 8192 elements goes 4 rows a
// block, though the rows share L1 sets: the block's x and dy (8 lines a set)
// with the weight and the sum fit the 12 ways. Shorter rows (a row fits the
// L1 with its weight and sum), longer ones (16384: blocks measured slower),
// bf16 rows and gradients without a row-sized sum (ScaleNorm) keep one row;
// so does a 32 KiB L1 (next case) or a module without a spec
// (@rmsnorm_grad_no_target_spec).

// CHECK-LABEL: func.func @rmsnorm_grad_f32_wide_l1
//       CHECK:   scf.for %{{.+}} step %c4 iter_args
//       CHECK:     tensor.extract_slice %{{.+}} [4, 4096]
//       CHECK:   } {norm.row_loop}
//       CHECK:   scf.for %{{.+}} step %c1 iter_args
//       CHECK:     tensor.extract_slice %{{.+}} [1, 4096]
//       CHECK:   } {norm.row_loop}
// CHECK-LABEL: func.func @rmsnorm_grad_f32_8192_wide_l1
//       CHECK:   scf.for %{{.+}} step %c4 iter_args
//       CHECK:     tensor.extract_slice %{{.+}} [4, 8192]
// CHECK-LABEL: func.func @rmsnorm_grad_f32_2048_wide_l1
//   CHECK-NOT:   step %c4
//       CHECK:   scf.for %{{.+}} step %c1 iter_args
//   CHECK-NOT:   step %c4
// CHECK-LABEL: func.func @rmsnorm_grad_f32_16384_wide_l1
//   CHECK-NOT:   step %c4
//       CHECK:   scf.for %{{.+}} step %c1 iter_args
//   CHECK-NOT:   step %c4
// CHECK-LABEL: func.func @rmsnorm_grad_bf16_wide_l1
//   CHECK-NOT:   step %c4
//       CHECK:   scf.for %{{.+}} step %c1 iter_args
//   CHECK-NOT:   step %c4
// CHECK-LABEL: func.func @scalenorm_grad_wide_l1
//   CHECK-NOT:   step %c4
//       CHECK:   scf.for %{{.+}} step %c1 iter_args
//   CHECK-NOT:   step %c4
//       CHECK:   return
module attributes {dlti.target_system_spec = #dlti.target_system_spec<"CPU" = #dlti.target_device_spec<"L1_cache_size_in_bytes" = 49152 : ui32>>} {
func.func @rmsnorm_grad_f32_wide_l1(%dy: tensor<?x4096xf32>, %x: tensor<?x4096xf32>, %w: tensor<4096xf32>) -> (tensor<?x4096xf32>, tensor<4096xf32>) {
  %dx, %dw = norm.rmsnorm_grad %dy, %x, %w : (tensor<?x4096xf32>, tensor<?x4096xf32>, tensor<4096xf32>) -> (tensor<?x4096xf32>, tensor<4096xf32>)
  return %dx, %dw : tensor<?x4096xf32>, tensor<4096xf32>
}
func.func @rmsnorm_grad_f32_8192_wide_l1(%dy: tensor<?x8192xf32>, %x: tensor<?x8192xf32>, %w: tensor<8192xf32>) -> (tensor<?x8192xf32>, tensor<8192xf32>) {
  %dx, %dw = norm.rmsnorm_grad %dy, %x, %w : (tensor<?x8192xf32>, tensor<?x8192xf32>, tensor<8192xf32>) -> (tensor<?x8192xf32>, tensor<8192xf32>)
  return %dx, %dw : tensor<?x8192xf32>, tensor<8192xf32>
}
func.func @rmsnorm_grad_f32_2048_wide_l1(%dy: tensor<?x2048xf32>, %x: tensor<?x2048xf32>, %w: tensor<2048xf32>) -> (tensor<?x2048xf32>, tensor<2048xf32>) {
  %dx, %dw = norm.rmsnorm_grad %dy, %x, %w : (tensor<?x2048xf32>, tensor<?x2048xf32>, tensor<2048xf32>) -> (tensor<?x2048xf32>, tensor<2048xf32>)
  return %dx, %dw : tensor<?x2048xf32>, tensor<2048xf32>
}
func.func @rmsnorm_grad_f32_16384_wide_l1(%dy: tensor<?x16384xf32>, %x: tensor<?x16384xf32>, %w: tensor<16384xf32>) -> (tensor<?x16384xf32>, tensor<16384xf32>) {
  %dx, %dw = norm.rmsnorm_grad %dy, %x, %w : (tensor<?x16384xf32>, tensor<?x16384xf32>, tensor<16384xf32>) -> (tensor<?x16384xf32>, tensor<16384xf32>)
  return %dx, %dw : tensor<?x16384xf32>, tensor<16384xf32>
}
func.func @rmsnorm_grad_bf16_wide_l1(%dy: tensor<?x4096xbf16>, %x: tensor<?x4096xbf16>, %w: tensor<4096xf32>) -> (tensor<?x4096xbf16>, tensor<4096xf32>) {
  %dx, %dw = norm.rmsnorm_grad %dy, %x, %w : (tensor<?x4096xbf16>, tensor<?x4096xbf16>, tensor<4096xf32>) -> (tensor<?x4096xbf16>, tensor<4096xf32>)
  return %dx, %dw : tensor<?x4096xbf16>, tensor<4096xf32>
}
func.func @scalenorm_grad_wide_l1(%dy: tensor<?x4096xf32>, %x: tensor<?x4096xf32>, %g: tensor<f32>) -> (tensor<?x4096xf32>, tensor<f32>) {
  %dx, %dg = norm.scalenorm_grad %dy, %x, %g : (tensor<?x4096xf32>, tensor<?x4096xf32>, tensor<f32>) -> (tensor<?x4096xf32>, tensor<f32>)
  return %dx, %dg : tensor<?x4096xf32>, tensor<f32>
}
}

// -----

// CHECK-LABEL: func.func @rmsnorm_grad_f32_32k_l1
//   CHECK-NOT:   step %c4
//       CHECK:   scf.for %{{.+}} step %c1 iter_args
//   CHECK-NOT:   step %c4
module attributes {dlti.target_system_spec = #dlti.target_system_spec<"CPU" = #dlti.target_device_spec<"L1_cache_size_in_bytes" = 32768 : ui32>>} {
func.func @rmsnorm_grad_f32_32k_l1(%dy: tensor<?x4096xf32>, %x: tensor<?x4096xf32>, %w: tensor<4096xf32>) -> (tensor<?x4096xf32>, tensor<4096xf32>) {
  %dx, %dw = norm.rmsnorm_grad %dy, %x, %w : (tensor<?x4096xf32>, tensor<?x4096xf32>, tensor<4096xf32>) -> (tensor<?x4096xf32>, tensor<4096xf32>)
  return %dx, %dw : tensor<?x4096xf32>, tensor<4096xf32>
}
}

// -----

// CHECK-LABEL: func.func @rmsnorm_grad_no_target_spec
//   CHECK-NOT:   step %c4
//       CHECK:   scf.for %{{.+}} step %c1 iter_args
//   CHECK-NOT:   step %c4
func.func @rmsnorm_grad_no_target_spec(%dy: tensor<?x4096xf32>, %x: tensor<?x4096xf32>, %w: tensor<4096xf32>) -> (tensor<?x4096xf32>, tensor<4096xf32>) {
  %dx, %dw = norm.rmsnorm_grad %dy, %x, %w : (tensor<?x4096xf32>, tensor<?x4096xf32>, tensor<4096xf32>) -> (tensor<?x4096xf32>, tensor<4096xf32>)
  return %dx, %dw : tensor<?x4096xf32>, tensor<4096xf32>
}
