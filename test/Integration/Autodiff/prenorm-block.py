# Gradient of a pre-norm residual block y = x + tanh(norm(x) . W1) . W2 with
# each of the three norms, JIT-run, against float64 central differences and
# torch autograd: x is used twice (residual + norm), so its cotangent is a sum.
# RUN: %python %s | FileCheck %s
# REQUIRES: numpy

import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
import gradcheck as gc  # noqa: E402

rng = np.random.default_rng(1)
N, D, H = 6, 16, 24

BLOCK = """
func.func @f(%x: tensor<6x16xf32>, PARAMS %w1: tensor<16x24xf32>, %w2: tensor<24x16xf32>) -> tensor<6x16xf32> {
  %n = NORM
  %cst = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<6x24xf32>
  %z1 = linalg.fill ins(%cst : f32) outs(%e1 : tensor<6x24xf32>) -> tensor<6x24xf32>
  %h = linalg.matmul ins(%n, %w1 : tensor<6x16xf32>, tensor<16x24xf32>) outs(%z1 : tensor<6x24xf32>) -> tensor<6x24xf32>
  %t = math.tanh %h : tensor<6x24xf32>
  %e2 = tensor.empty() : tensor<6x16xf32>
  %z2 = linalg.fill ins(%cst : f32) outs(%e2 : tensor<6x16xf32>) -> tensor<6x16xf32>
  %o = linalg.matmul ins(%t, %w2 : tensor<6x24xf32>, tensor<24x16xf32>) outs(%z2 : tensor<6x16xf32>) -> tensor<6x16xf32>
  %y = arith.addf %x, %o : tensor<6x16xf32>
  return %y : tensor<6x16xf32>
}"""

w1 = rng.standard_normal((D, H)) / np.sqrt(D)
w2 = rng.standard_normal((H, D)) / np.sqrt(H)
x = rng.standard_normal((N, D))
dy = [rng.standard_normal((N, D))]


def block(norm):
    return lambda x, *p: x + np.tanh(norm(x, *p[:-2]) @ p[-2]) @ p[-1]


def t_block(norm):
    # torch is imported when gradcheck calls the reference (only if it imports).
    def reference(x, *p):
        import torch
        return x + torch.tanh(norm(x, *p[:-2]) @ p[-2]) @ p[-1]
    return reference


# CHECK: rmsnorm block: dx fd ok
# CHECK: rmsnorm block: dw fd ok
# CHECK: rmsnorm block: dw1 fd ok
# CHECK: rmsnorm block: dw2 fd ok
gc.check("rmsnorm block", BLOCK.replace("PARAMS", "%w: tensor<16xf32>,").replace(
    "NORM", "norm.rmsnorm %x, %w : (tensor<6x16xf32>, tensor<16xf32>) -> tensor<6x16xf32>"),
    [x, 1 + 0.1 * rng.standard_normal(D), w1, w2], dy,
    block(gc.rmsnorm), t_block(gc.t_rmsnorm), arg_names=["x", "w", "w1", "w2"])

# CHECK: scalenorm block: dx fd ok
# CHECK: scalenorm block: dg fd ok
gc.check("scalenorm block", BLOCK.replace("PARAMS", "%g: tensor<f32>,").replace(
    "NORM", "norm.scalenorm %x, %g : (tensor<6x16xf32>, tensor<f32>) -> tensor<6x16xf32>"),
    [x, np.array(np.sqrt(D)), w1, w2], dy,
    block(gc.scalenorm), t_block(gc.t_scalenorm), arg_names=["x", "g", "w1", "w2"])

# CHECK: seednorm block: dx fd ok
# CHECK: seednorm block: dalpha fd ok
# CHECK: seednorm block: dbeta fd ok
# CHECK: seednorm block: dgamma fd ok
gc.check("seednorm block", BLOCK.replace(
    "PARAMS", "%a: tensor<16xf32>, %b: tensor<16xf32>, %c: tensor<16xf32>,").replace(
    "NORM", "norm.seednorm %x, %a, %b, %c {heads = 2 : i64} : (tensor<6x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<6x16xf32>"),
    [x, 1 + 0.2 * rng.standard_normal(D), 0.2 * rng.standard_normal(D),
     1 + 0.2 * rng.standard_normal(D), w1, w2], dy,
    block(lambda x, a, b, c: gc.seednorm(x, a, b, c, heads=2)),
    t_block(lambda x, a, b, c: gc.t_seednorm(x, a, b, c, heads=2)),
    arg_names=["x", "alpha", "beta", "gamma", "w1", "w2"])
