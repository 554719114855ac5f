# Gradients through the upstream ops models use around the norms, JIT-run,
# against float64 central differences and torch autograd: arith
# sub/mul/div/neg on tensors, math.exp, an elementwise generic with a
# broadcast input, an all-parallel generic that reads its init, a sum
# reduction generic, linalg.broadcast + linalg.reduce, values used several
# times, two results, and an argument with no path to a result (zeros).
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
