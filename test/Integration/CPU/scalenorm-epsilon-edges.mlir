// ScaleNorm's gradient at the edges of epsilon. It clamps rows whose norm
// is below epsilon (dx = g dy / eps). epsilon = -0.0 passes the verifier (it
// is not < 0) and means 0: with the sign kept the clamp 1 / eps was -inf,
// every row "clamped" and dx came out +-inf. With epsilon = 0 no row is
// clamped: an all-zero row gives NaN (0 * inf, norms-math §7), where the
// clamp test on inv = inf gave +-inf.
// REQUIRES: numpy
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/../../Runner/Inputs/npytool.py write %t/x.npy float32 3x8 1
// RUN: %python %S/../../Runner/Inputs/npytool.py write %t/dy.npy float32 3x8 2
// RUN: norm-runner %s -e f --input=%t/dy.npy --input=%t/x.npy --output=%t/dx.npy
// RUN: %python %S/../../Runner/Inputs/npytool.py check \
// RUN:   "(lambda x, dy: (lambda n: 2.0 / n * (dy - x / n * (dy * x / n).sum(axis=-1, keepdims=True)))(np.linalg.norm(x, axis=-1, keepdims=True)))(load('%t/x.npy'), load('%t/dy.npy'))" \
// RUN:   %t/dx.npy 1e-6 1e-4 | FileCheck %s
// CHECK: OK {{.*}}dx.npy dtype=float32 shape=(3, 8)

// RUN: %python -c "import numpy as np; x = np.load('%t/x.npy'); x[1] = 0; np.save('%t/x0.npy', x)"
// RUN: norm-runner %s -e eps0 --input=%t/dy.npy --input=%t/x0.npy --output=%t/dx0.npy
// RUN: %python -W ignore %S/../../Runner/Inputs/npytool.py check \
// RUN:   "(lambda x, dy: (lambda n: 2.0 / n * (dy - x / n * (dy * x / n).sum(axis=-1, keepdims=True)))(np.linalg.norm(x, axis=-1, keepdims=True)))(load('%t/x0.npy'), load('%t/dy.npy'))" \
// RUN:   %t/dx0.npy 1e-6 1e-4 | FileCheck %s --check-prefix=ZERO
// ZERO: OK {{.*}}dx0.npy dtype=float32 shape=(3, 8)
// RUN: %python -c "import numpy as np; d = np.load('%t/dx0.npy'); assert np.isnan(d[1]).all() and np.isfinite(np.delete(d, 1, 0)).all(), d"

func.func @f(%dy: tensor<3x8xf32>, %x: tensor<3x8xf32>) -> tensor<3x8xf32> {
  %g = arith.constant dense<2.0> : tensor<f32>
  %dx, %dg = norm.scalenorm_grad %dy, %x, %g {epsilon = -0.0 : f32} : (tensor<3x8xf32>, tensor<3x8xf32>, tensor<f32>) -> (tensor<3x8xf32>, tensor<f32>)
  return %dx : tensor<3x8xf32>
}

func.func @eps0(%dy: tensor<3x8xf32>, %x: tensor<3x8xf32>) -> tensor<3x8xf32> {
  %g = arith.constant dense<2.0> : tensor<f32>
  %dx, %dg = norm.scalenorm_grad %dy, %x, %g {epsilon = 0.0 : f32} : (tensor<3x8xf32>, tensor<3x8xf32>, tensor<f32>) -> (tensor<3x8xf32>, tensor<f32>)
  return %dx : tensor<3x8xf32>
}
