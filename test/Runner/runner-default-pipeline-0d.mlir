// A rank-3 norm op with a 0-d parameter through the default lowering
// (norm-lower-to-cpu), checked against float64 numpy.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/Inputs/npytool.py write %t/x3.npy float32 2x16x128 5
// RUN: %python -c "import numpy as np; np.save('%t/g.npy', np.array(1.7, dtype=np.float32))"
// RUN: norm-runner %s -e scalenorm --input=%t/x3.npy --input=%t/g.npy --output=%t/s.npy
// RUN: %python %S/Inputs/npytool.py check \
// RUN:   "1.7 * load('%t/x3.npy') / np.maximum(np.sqrt(np.sum(load('%t/x3.npy')**2, axis=-1, keepdims=True)), 1e-5)" \
// RUN:   %t/s.npy 1e-6 1e-5 | FileCheck %s --check-prefix=SCALE
// SCALE: OK {{.*}}s.npy dtype=float32 shape=(2, 16, 128)

func.func @scalenorm(%x: tensor<2x16x128xf32>, %g: tensor<f32>) -> tensor<2x16x128xf32> {
  %y = norm.scalenorm %x, %g {epsilon = 1.0e-05 : f32} : (tensor<2x16x128xf32>, tensor<f32>) -> tensor<2x16x128xf32>
  return %y : tensor<2x16x128xf32>
}
