# Gradients of each norm op alone through norm-autodiff, JIT-run, against
# float64 central differences and torch autograd. Edge cases: a zero row of
# ScaleNorm (clamp branch), SeeDNorm at init (dalpha exactly 0) and with
# saturated tanh gates (dbeta exactly 0 in f32).
# RUN: %python %s | FileCheck %s
# REQUIRES: numpy

import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
import gradcheck as gc  # noqa: E402

rng = np.random.default_rng(0)

# CHECK: rmsnorm: dx fd ok
# CHECK: rmsnorm: dw fd ok
gc.check("rmsnorm", """
func.func @f(%x: tensor<2x3x16xf32>, %w: tensor<16xf32>) -> tensor<2x3x16xf32> {
  %y = norm.rmsnorm %x, %w {epsilon = 1.0e-06 : f32} : (tensor<2x3x16xf32>, tensor<16xf32>) -> tensor<2x3x16xf32>
  return %y : tensor<2x3x16xf32>
}""", [rng.standard_normal((2, 3, 16)), 1 + 0.1 * rng.standard_normal(16)],
    [rng.standard_normal((2, 3, 16))], gc.rmsnorm, gc.t_rmsnorm,
    arg_names=["x", "w"])

# Row 1 is all zeros: ||x|| < eps, dx = g * dy / eps (FD step below eps).
x = rng.standard_normal((4, 16))
x[1] = 0.0
# CHECK: scalenorm: dx fd ok
# CHECK: scalenorm: dg fd ok
gc.check("scalenorm", """
func.func @f(%x: tensor<4x16xf32>, %g: tensor<f32>) -> tensor<4x16xf32> {
  %y = norm.scalenorm %x, %g {epsilon = 1.0e-05 : f32} : (tensor<4x16xf32>, tensor<f32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}""", [x, np.array(4.0)], [rng.standard_normal((4, 16))], gc.scalenorm,
    gc.t_scalenorm, h=1e-7, tol=1e-4, arg_names=["x", "g"])

SEED = """
func.func @f(%x: tensor<4x16xf32>, %a: tensor<16xf32>, %b: tensor<16xf32>, %c: tensor<16xf32>) -> tensor<4x16xf32> {
  %y = norm.seednorm %x, %a, %b, %c {epsilon = 1.0e-06 : f32, heads = HEADS : i64} : (tensor<4x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}"""
names = ["x", "alpha", "beta", "gamma"]
for heads in (1, 4):
    # CHECK: seednorm heads=1: dx fd ok
    # CHECK: seednorm heads=1: dbeta fd ok
    # CHECK: seednorm heads=4: dalpha fd ok
    # CHECK: seednorm heads=4: dgamma fd ok
    gc.check("seednorm heads=%d" % heads, SEED.replace("HEADS", str(heads)),
             [rng.standard_normal((4, 16)), 1 + 0.3 * rng.standard_normal(16),
              0.3 * rng.standard_normal(16), 1 + 0.3 * rng.standard_normal(16)],
             [rng.standard_normal((4, 16))],
             lambda x, a, b, c, h=heads: gc.seednorm(x, a, b, c, heads=h),
             lambda x, a, b, c, h=heads: gc.t_seednorm(x, a, b, c, heads=h),
             arg_names=names)

# At init (alpha=1, beta=0, gamma=1) SeeDNorm is RMSNorm and dalpha = 0.
init = [rng.standard_normal((4, 16)), np.ones(16), np.zeros(16), np.ones(16)]
# CHECK: seednorm init: dalpha fd ok
grads = gc.check("seednorm init", SEED.replace("HEADS", "1"), init,
                 [rng.standard_normal((4, 16))], gc.seednorm, gc.t_seednorm,
                 arg_names=names)
# CHECK: seednorm init: dalpha exactly zero: True
print("seednorm init: dalpha exactly zero:", bool(np.all(grads[1] == 0.0)))

# Saturated gates: |x . beta| > 9 makes tanh exactly +-1 in f32, so 1 - t^2,
# dbeta and the seed part of dx vanish.
xs = rng.standard_normal((4, 16))
beta = 40.0 * np.sign(xs[0]) * np.ones(16)
xs = np.abs(xs) * np.sign(xs[0])  # every row aligned with beta: s >= 40*sum|x|
# CHECK: seednorm saturated: dbeta fd ok
grads = gc.check("seednorm saturated", SEED.replace("HEADS", "1"),
                 [xs, np.ones(16), beta, np.ones(16)],
                 [rng.standard_normal((4, 16))], gc.seednorm, gc.t_seednorm,
                 arg_names=names)
# CHECK: seednorm saturated: dbeta exactly zero: True
print("seednorm saturated: dbeta exactly zero:", bool(np.all(grads[2] == 0.0)))
