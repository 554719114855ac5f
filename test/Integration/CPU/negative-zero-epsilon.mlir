// epsilon = -0.0 passes the verifier (it is not < 0) and means 0: ScaleNorm's
// gradient clamps rows whose norm is below epsilon, and with the sign kept
// the clamp 1 / eps was -inf, every row "clamped" and dx came out +-inf.
// REQUIRES: numpy
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/../../Runner/Inputs/npytool.py write %t/x.npy float32 3x8 1
// RUN: %python %S/../../Runner/Inputs/npytool.py write %t/dy.npy float32 3x8 2
// RUN: norm-runner %s -e f --input=%t/dy.npy --input=%t/x.npy --output=%t/dx.npy
// RUN: %python %S/../../Runner/Inputs/npytool.py check \
// RUN:   "(lambda x, dy: (lambda n: 2.0 / n * (dy - x / n * (dy * x / n).sum(axis=-1, keepdims=True)))(np.linalg.norm(x, axis=-1, keepdims=True)))(load('%t/x.npy'), load('%t/dy.npy'))" \
// RUN:   %t/dx.npy 1e-6 1e-4 | FileCheck %s
// CHECK: OK {{.*}}dx.npy dtype=float32 shape=(3, 8)

func.func @f(%dy: tensor<3x8xf32>, %x: tensor<3x8xf32>) -> tensor<3x8xf32> {
  %g = arith.constant dense<2.0> : tensor<f32>
  %dx, %dg = norm.scalenorm_grad %dy, %x, %g {epsilon = -0.0 : f32} : (tensor<3x8xf32>, tensor<3x8xf32>, tensor<f32>) -> (tensor<3x8xf32>, tensor<f32>)
  return %dx : tensor<3x8xf32>
}
