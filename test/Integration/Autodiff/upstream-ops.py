# Gradients through the upstream ops models use around the norms, JIT-run,
# against float64 central differences and torch autograd: arith
# sub/mul/div/neg on tensors, math.exp, an elementwise generic with a
# broadcast input, an all-parallel generic that reads its init, a sum
# reduction generic, linalg.broadcast + linalg.reduce, values used several
# times, two results, an argument with no path to a result (zeros), and a
# dynamic-shape matmul whose sizes come from tensor.dim of the arguments.
# RUN: %python %s | FileCheck %s
# REQUIRES: numpy

import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
import gradcheck as gc  # noqa: E402

MLIR = """
#id = affine_map<(i, j) -> (i, j)>
#col = affine_map<(i, j) -> (j)>
#row = affine_map<(i, j) -> (i)>
func.func @f(%x: tensor<4x8xf32>, %b: tensor<8xf32>, %u: tensor<4x8xf32>, %unused: tensor<3xf32>) -> (tensor<4x8xf32>, tensor<4xf32>) {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %z = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %b : tensor<4x8xf32>, tensor<8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %m = arith.mulf %a, %c : f32
    linalg.yield %m : f32
  } -> tensor<4x8xf32>
  %p = arith.subf %z, %u : tensor<4x8xf32>
  %eu = math.exp %u : tensor<4x8xf32>
  %q = arith.divf %p, %eu : tensor<4x8xf32>
  %n = arith.negf %q : tensor<4x8xf32>
  %m = arith.mulf %n, %x : tensor<4x8xf32>
  %acc = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%m : tensor<4x8xf32>) outs(%z : tensor<4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %t = math.tanh %a : f32
    %s = arith.addf %o, %t : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  %e4 = tensor.empty() : tensor<4xf32>
  %f4 = linalg.fill ins(%cst : f32) outs(%e4 : tensor<4xf32>) -> tensor<4xf32>
  %ss = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%m : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %sq = arith.mulf %a, %a : f32
    %s = arith.addf %o, %sq : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %bb = linalg.broadcast ins(%b : tensor<8xf32>) outs(%e : tensor<4x8xf32>) dimensions = [0]
  %bu = arith.mulf %bb, %u : tensor<4x8xf32>
  %r = linalg.reduce ins(%bu : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) dimensions = [1]
    (%in: f32, %init: f32) {
      %s = arith.addf %in, %init : f32
      linalg.yield %s : f32
    }
  %s2 = arith.addf %ss, %r : tensor<4xf32>
  return %acc, %s2 : tensor<4x8xf32>, tensor<4xf32>
}"""


def ref(x, b, u, unused, lib=np):
    z = x * b
    m = -((z - u) / lib.exp(u)) * x
    acc = z + lib.tanh(m)
    s2 = (m * m).sum(-1) + (b * u).sum(-1)
    return acc, s2


def t_ref(x, b, u, unused):
    import torch
    return ref(x, b, u, unused, lib=torch)


rng = np.random.default_rng(2)
args = [rng.standard_normal((4, 8)), rng.standard_normal(8),
        0.5 * rng.standard_normal((4, 8)), rng.standard_normal(3)]
# CHECK: upstream: dx fd ok
# CHECK: upstream: db fd ok
# CHECK: upstream: du fd ok
# CHECK: upstream: dunused fd ok
grads = gc.check("upstream", MLIR, args,
                 [rng.standard_normal((4, 8)), rng.standard_normal(4)], ref,
                 t_ref, arg_names=["x", "b", "u", "unused"])
# CHECK: upstream: dunused is zero: True
print("upstream: dunused is zero:", bool(np.all(grads[3] == 0.0)))

# Dynamic shapes: tensor.dim reads the active arguments, but only for sizes
# (index results carry no derivative), so the function differentiates (it
# was rejected: "cannot differentiate 'tensor.dim'"). A matmul into a norm.
DYN = """
func.func @f(%a: tensor<?x?xf32>, %b: tensor<?x?xf32>, %w: tensor<?xf32>) -> tensor<?x?xf32> {
  %cst = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %m = tensor.dim %a, %c0 : tensor<?x?xf32>
  %n = tensor.dim %b, %c1 : tensor<?x?xf32>
  %e = tensor.empty(%m, %n) : tensor<?x?xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<?x?xf32>) -> tensor<?x?xf32>
  %c = linalg.matmul ins(%a, %b : tensor<?x?xf32>, tensor<?x?xf32>) outs(%f : tensor<?x?xf32>) -> tensor<?x?xf32>
  %y = norm.rmsnorm %c, %w : (tensor<?x?xf32>, tensor<?xf32>) -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}"""


def dyn_ref(a, b, w, lib=np):
    return (gc.rmsnorm(a @ b, w) if lib is np else gc.t_rmsnorm(a @ b, w),)


def t_dyn_ref(a, b, w):
    import torch
    return dyn_ref(a, b, w, lib=torch)


args = [rng.standard_normal((3, 5)), rng.standard_normal((5, 6)),
        rng.standard_normal(6)]
# CHECK: dynamic matmul: da fd ok
# CHECK: dynamic matmul: db fd ok
# CHECK: dynamic matmul: dw fd ok
gc.check("dynamic matmul", DYN, args, [rng.standard_normal((3, 6))], dyn_ref,
         t_dyn_ref, arg_names=["a", "b", "w"])
