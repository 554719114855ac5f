// norm-autodiff: the generated @f_vjp of each rule. Norm ops are augmented to
// return their statistics and differentiated by the fused grad op reusing
// them; upstream ops through their external models.
// RUN: norm-opt %s --norm-autodiff="functions=rms,scale,seed,arith,unused,bcast,rowsum,lbcast,mm,multi" | FileCheck %s
// A function named twice gets one vjp ("symbol already exists" before).
// RUN: norm-opt %s --norm-autodiff="functions=rms,rms,scale,seed,arith,unused,bcast,rowsum,lbcast,mm,multi,scale" | FileCheck %s

// The maps of the generated generics (printed first).
// CHECK-DAG:   #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG:   #[[COL:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG:   #[[ROW:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG:   #[[MA:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG:   #[[MB:.*]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-DAG:   #[[MC:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>

// The primal is left as it was.
// CHECK-LABEL: func.func @rms(
// CHECK:         norm.rmsnorm %{{.*}} -> tensor<2x3x16xf32>
// CHECK-LABEL: func.func @rms_vjp(
// CHECK-SAME:      %[[X:.*]]: tensor<2x3x16xf32>, %[[W:.*]]: tensor<16xf32>, %[[DY:.*]]: tensor<2x3x16xf32>) -> (tensor<2x3x16xf32>, tensor<16xf32>)
// CHECK:         %{{.*}}, %[[RSTD:.*]] = norm.rmsnorm %[[X]], %[[W]] {epsilon = 9.99999974E-6 : f32} : {{.*}} -> (tensor<2x3x16xf32>, tensor<6xf32>)
// CHECK-NEXT:    %[[DX:.*]], %[[DW:.*]] = norm.rmsnorm_grad %[[DY]], %[[X]], %[[W]], %[[RSTD]] {epsilon = 9.99999974E-6 : f32}
// CHECK-NEXT:    return %[[DX]], %[[DW]]
func.func @rms(%x: tensor<2x3x16xf32>, %w: tensor<16xf32>) -> tensor<2x3x16xf32> {
  %y = norm.rmsnorm %x, %w {epsilon = 1.0e-05 : f32} : (tensor<2x3x16xf32>, tensor<16xf32>) -> tensor<2x3x16xf32>
  return %y : tensor<2x3x16xf32>
}

// Dynamic rows and bf16: inv is tensor<?xf32>.
// CHECK-LABEL: func.func @scale_vjp(
// CHECK-SAME:      %[[X:.*]]: tensor<?x16xbf16>, %[[G:.*]]: tensor<f32>, %[[DY:.*]]: tensor<?x16xbf16>)
// CHECK:         %{{.*}}, %[[INV:.*]] = norm.scalenorm %[[X]], %[[G]] : {{.*}} -> (tensor<?x16xbf16>, tensor<?xf32>)
// CHECK-NEXT:    %[[DX:.*]], %[[DG:.*]] = norm.scalenorm_grad %[[DY]], %[[X]], %[[G]], %[[INV]] : {{.*}} -> (tensor<?x16xbf16>, tensor<f32>)
// CHECK-NEXT:    return %[[DX]], %[[DG]]
func.func @scale(%x: tensor<?x16xbf16>, %g: tensor<f32>) -> tensor<?x16xbf16> {
  %y = norm.scalenorm %x, %g : (tensor<?x16xbf16>, tensor<f32>) -> tensor<?x16xbf16>
  return %y : tensor<?x16xbf16>
}

// CHECK-LABEL: func.func @seed_vjp(
// CHECK-SAME:      %[[X:[^:]*]]: tensor<4x16xf32>, %[[A:[^:]*]]: tensor<16xf32>, %[[B:[^:]*]]: tensor<16xf32>, %[[C:[^:]*]]: tensor<16xf32>, %[[DY:[^:]*]]: tensor<4x16xf32>)
// CHECK:         %{{.*}}, %[[S:.*]]:2 = norm.seednorm %[[X]], %[[A]], %[[B]], %[[C]] {heads = 2 : i64} : {{.*}} -> (tensor<4x16xf32>, tensor<4xf32>, tensor<4x2xf32>)
// CHECK-NEXT:    %[[DX:.*]], %[[DA:.*]], %[[DB:.*]], %[[DC:.*]] = norm.seednorm_grad %[[DY]], %[[X]], %[[A]], %[[B]], %[[C]], %[[S]]#0, %[[S]]#1 {heads = 2 : i64}
// CHECK-NEXT:    return %[[DX]], %[[DA]], %[[DB]], %[[DC]]
func.func @seed(%x: tensor<4x16xf32>, %a: tensor<16xf32>, %b: tensor<16xf32>, %c: tensor<16xf32>) -> tensor<4x16xf32> {
  %y = norm.seednorm %x, %a, %b, %c {heads = 2 : i64} : (tensor<4x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// subf, divf, negf, exp; %b is used twice so its cotangents are summed.
// CHECK-LABEL: func.func @arith_vjp(
// CHECK-SAME:      %[[A:[^:]*]]: tensor<4xf32>, %[[B:[^:]*]]: tensor<4xf32>, %[[D:[^:]*]]: tensor<4xf32>)
// CHECK:         %[[SUB:.*]] = arith.subf %[[A]], %[[B]]
// CHECK-NEXT:    %[[DIV:.*]] = arith.divf %[[SUB]], %[[B]]
// CHECK-NEXT:    %[[NEG:.*]] = arith.negf %[[DIV]]
// CHECK-NEXT:    %[[EXP:.*]] = math.exp %[[NEG]]
// CHECK-NEXT:    %[[DNEG:.*]] = arith.mulf %[[D]], %[[EXP]]
// CHECK-NEXT:    %[[DDIV:.*]] = arith.negf %[[DNEG]]
// CHECK-NEXT:    %[[DSUB:.*]] = arith.divf %[[DDIV]], %[[B]]
// CHECK-NEXT:    %[[T:.*]] = arith.mulf %[[DSUB]], %[[DIV]]
// CHECK-NEXT:    %[[DB1:.*]] = arith.negf %[[T]]
// CHECK-NEXT:    %[[DB2:.*]] = arith.negf %[[DSUB]]
// CHECK-NEXT:    %[[DB:.*]] = arith.addf %[[DB1]], %[[DB2]]
// CHECK-NEXT:    return %[[DSUB]], %[[DB]]
func.func @arith(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %0 = arith.subf %a, %b : tensor<4xf32>
  %1 = arith.divf %0, %b : tensor<4xf32>
  %2 = arith.negf %1 : tensor<4xf32>
  %3 = math.exp %2 : tensor<4xf32>
  return %3 : tensor<4xf32>
}

// An argument with no path to a result gets zeros of its (dynamic) shape.
// CHECK-LABEL: func.func @unused_vjp(
// CHECK-SAME:      %[[A:[^:]*]]: tensor<?x4xf32>, %[[B:[^:]*]]: tensor<4xf32>, %[[D:[^:]*]]: tensor<4xf32>)
// CHECK:         %[[M1:.*]] = arith.mulf %[[D]], %[[B]]
// CHECK-NEXT:    %[[M2:.*]] = arith.mulf %[[D]], %[[B]]
// CHECK-NEXT:    %[[DB:.*]] = arith.addf %[[M1]], %[[M2]]
// CHECK-NEXT:    %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK:         %[[DIM:.*]] = tensor.dim %[[A]], %{{.*}} : tensor<?x4xf32>
// CHECK-NEXT:    %[[E:.*]] = tensor.empty(%[[DIM]]) : tensor<?x4xf32>
// CHECK-NEXT:    %[[DA:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[E]] : tensor<?x4xf32>)
// CHECK-NEXT:    return %[[DA]], %[[DB]]
func.func @unused(%a: tensor<?x4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %0 = arith.mulf %b, %b : tensor<4xf32>
  return %0 : tensor<4xf32>
}

#id = affine_map<(i, j) -> (i, j)>
#col = affine_map<(i, j) -> (j)>
#row = affine_map<(i, j) -> (i)>

// Elementwise generic with a broadcast input: the payload is differentiated
// (tanh' = 1 - t^2); the broadcast operand's cotangent is a column sum.
// CHECK-LABEL: func.func @bcast_vjp(
// CHECK-SAME:      %[[X:[^:]*]]: tensor<4x8xf32>, %[[B:[^:]*]]: tensor<8xf32>, %[[D:[^:]*]]: tensor<4x8xf32>)
// CHECK:         %[[E:.*]] = tensor.empty() : tensor<4x8xf32>
// CHECK-NEXT:    %[[DX:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[COL]], #[[ID]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[X]], %[[B]], %[[D]] : {{.*}}) outs(%[[E]] : tensor<4x8xf32>)
// CHECK-NEXT:    ^bb0(%[[P:.*]]: f32, %[[Q:.*]]: f32, %[[G:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:      %[[S:.*]] = arith.addf %[[P]], %[[Q]] : f32
// CHECK-NEXT:      %[[T:.*]] = math.tanh %[[S]] : f32
// CHECK-NEXT:      %[[GT:.*]] = arith.mulf %[[G]], %[[T]] : f32
// CHECK-NEXT:      %[[GTT:.*]] = arith.mulf %[[GT]], %[[T]] : f32
// CHECK-NEXT:      %[[R:.*]] = arith.subf %[[G]], %[[GTT]] : f32
// CHECK-NEXT:      linalg.yield %[[R]] : f32
// CHECK:         %[[Z:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<8xf32>)
// CHECK-NEXT:    %[[DB:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[COL]], #[[ID]], #[[COL]]], iterator_types = ["reduction", "parallel"]} ins(%[[X]], %[[B]], %[[D]] : {{.*}}) outs(%[[Z]] : tensor<8xf32>)
// CHECK:           %[[R2:.*]] = arith.subf
// CHECK-NEXT:      %[[ACC:.*]] = arith.addf %{{.*}}, %[[R2]] : f32
// CHECK-NEXT:      linalg.yield %[[ACC]] : f32
// CHECK:         return %[[DX]], %[[DB]]
func.func @bcast(%x: tensor<4x8xf32>, %b: tensor<8xf32>) -> tensor<4x8xf32> {
  %e = tensor.empty() : tensor<4x8xf32>
  %z = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %b : tensor<4x8xf32>, tensor<8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %s = arith.addf %p, %q : f32
    %t = math.tanh %s : f32
    linalg.yield %t : f32
  } -> tensor<4x8xf32>
  return %z : tensor<4x8xf32>
}

// Sum reduction: the output cotangent is read with the output's map, i.e.
// broadcast back over the reduced loop; no accumulator is needed.
// CHECK-LABEL: func.func @rowsum_vjp(
// CHECK-SAME:      %[[X:[^:]*]]: tensor<4x8xf32>, %[[D:[^:]*]]: tensor<4xf32>)
// CHECK:         %[[E:.*]] = tensor.empty() : tensor<4x8xf32>
// CHECK-NEXT:    %[[DX:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[X]], %[[D]] : tensor<4x8xf32>, tensor<4xf32>) outs(%[[E]] : tensor<4x8xf32>)
// CHECK-NEXT:    ^bb0(%[[P:.*]]: f32, %[[G:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:      %[[M1:.*]] = arith.mulf %[[G]], %[[P]] : f32
// CHECK-NEXT:      %[[M2:.*]] = arith.mulf %[[G]], %[[P]] : f32
// CHECK-NEXT:      %[[S:.*]] = arith.addf %[[M1]], %[[M2]] : f32
// CHECK-NEXT:      linalg.yield %[[S]] : f32
// CHECK:         return %[[DX]]
func.func @rowsum(%x: tensor<4x8xf32>) -> tensor<4xf32> {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  %s = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<4x8xf32>) outs(%f : tensor<4xf32>) {
  ^bb0(%p: f32, %o: f32):
    %sq = arith.mulf %p, %p : f32
    %r = arith.addf %o, %sq : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  return %s : tensor<4xf32>
}

// linalg.broadcast: the cotangent is summed over the broadcast dimension.
// CHECK-LABEL: func.func @lbcast_vjp(
// CHECK-SAME:      %[[B:[^:]*]]: tensor<8xf32>, %[[D:[^:]*]]: tensor<4x8xf32>)
// CHECK:         %[[Z:.*]] = linalg.fill
// CHECK-NEXT:    %[[DB:.*]] = linalg.generic {indexing_maps = [#[[COL]], #[[ID]], #[[COL]]], iterator_types = ["reduction", "parallel"]} ins(%[[B]], %[[D]] : tensor<8xf32>, tensor<4x8xf32>) outs(%[[Z]] : tensor<8xf32>)
// CHECK-NEXT:    ^bb0(%{{.*}}: f32, %[[G:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK-NEXT:      %[[S:.*]] = arith.addf %[[ACC]], %[[G]] : f32
// CHECK-NEXT:      linalg.yield %[[S]] : f32
// CHECK:         return %[[DB]]
func.func @lbcast(%b: tensor<8xf32>) -> tensor<4x8xf32> {
  %e = tensor.empty() : tensor<4x8xf32>
  %bb = linalg.broadcast ins(%b : tensor<8xf32>) outs(%e : tensor<4x8xf32>) dimensions = [0]
  return %bb : tensor<4x8xf32>
}

// matmul C = A.B: dA = dC.B^T, dB = A^T.dC as contractions over the other
// operand's free dimension.
// CHECK-LABEL: func.func @mm_vjp(
// CHECK-SAME:      %[[A:[^:]*]]: tensor<4x8xf32>, %[[B:[^:]*]]: tensor<8x16xf32>, %[[D:[^:]*]]: tensor<4x16xf32>)
// CHECK:         %[[DA:.*]] = linalg.generic {indexing_maps = [#[[MA]], #[[MB]], #[[MC]], #[[MA]]], iterator_types = ["parallel", "reduction", "parallel"]} ins(%[[A]], %[[B]], %[[D]] : {{.*}}) outs(%{{.*}} : tensor<4x8xf32>)
// CHECK-NEXT:    ^bb0(%{{.*}}: f32, %[[BE:.*]]: f32, %[[G:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK-NEXT:      %[[M:.*]] = arith.mulf %[[G]], %[[BE]] : f32
// CHECK-NEXT:      %[[S:.*]] = arith.addf %[[ACC]], %[[M]] : f32
// CHECK-NEXT:      linalg.yield %[[S]] : f32
// CHECK:         %[[DB:.*]] = linalg.generic {indexing_maps = [#[[MA]], #[[MB]], #[[MC]], #[[MB]]], iterator_types = ["reduction", "parallel", "parallel"]} ins(%[[A]], %[[B]], %[[D]] : {{.*}}) outs(%{{.*}} : tensor<8x16xf32>)
// CHECK-NEXT:    ^bb0(%[[AE:.*]]: f32, %{{.*}}: f32, %[[G:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK-NEXT:      %[[M:.*]] = arith.mulf %[[G]], %[[AE]] : f32
// CHECK-NEXT:      %[[S:.*]] = arith.addf %[[ACC]], %[[M]] : f32
// CHECK-NEXT:      linalg.yield %[[S]] : f32
// CHECK:         return %[[DA]], %[[DB]]
func.func @mm(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>) -> tensor<4x16xf32> {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %c = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x16xf32>) outs(%f : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %c : tensor<4x16xf32>
}

// Two results, one of them the argument %x; %x is also used by the norm and
// by the residual add, so its cotangent sums three contributions. The forward
// residual add only fed a primal result and is dropped.
// CHECK-LABEL: func.func @multi_vjp(
// CHECK-SAME:      %[[X:[^:]*]]: tensor<4x8xf32>, %[[W:[^:]*]]: tensor<8xf32>, %[[D0:[^:]*]]: tensor<4x8xf32>, %[[D1:[^:]*]]: tensor<4x8xf32>)
// CHECK-NEXT:    %{{.*}}, %[[RSTD:.*]] = norm.rmsnorm %[[X]], %[[W]]
// CHECK-NEXT:    %[[SUM:.*]] = arith.addf %[[D1]], %[[D0]] : tensor<4x8xf32>
// CHECK-NEXT:    %[[DX:.*]], %[[DW:.*]] = norm.rmsnorm_grad %[[D0]], %[[X]], %[[W]], %[[RSTD]]
// CHECK-NEXT:    %[[SUM2:.*]] = arith.addf %[[SUM]], %[[DX]] : tensor<4x8xf32>
// CHECK-NEXT:    return %[[SUM2]], %[[DW]]
func.func @multi(%x: tensor<4x8xf32>, %w: tensor<8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %n = norm.rmsnorm %x, %w : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %r = arith.addf %x, %n : tensor<4x8xf32>
  return %r, %x : tensor<4x8xf32>, tensor<4x8xf32>
}
