// Norm ops over empty dimensions through the default CPU pipeline of
// norm-runner (1 and 2 threads): rows of no elements (D = 0) and no rows in
// a rank-3 x. The tilings along rows and along D leave such ops untiled (the
// upstream tile-size computation divides by the extent); the results must
// still match numpy: empty outputs, rstd = 1/sqrt(mean of nothing + eps) =
// NaN, parameter gradients summed over no rows = 0.
// REQUIRES: numpy
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/../../Runner/Inputs/npytool.py write %t/x40.npy float32 4x0 1
// RUN: %python %S/../../Runner/Inputs/npytool.py write %t/w0.npy float32 0 2
// RUN: %python %S/../../Runner/Inputs/npytool.py write %t/x208.npy float32 2x0x8 3
// RUN: %python %S/../../Runner/Inputs/npytool.py write %t/w8.npy float32 8 4
// RUN: %python %S/../../Runner/Inputs/npytool.py write %t/x30.npy float32 3x0 5
// RUN: %python %S/../../Runner/Inputs/npytool.py write %t/g.npy float32 "" 6

// RUN: for t in 1 2; do \
// RUN:   norm-runner %s -e rms_d0 --pipeline-options=threads=$t --input=%t/x40.npy --input=%t/w0.npy \
// RUN:     --input=%t/x40.npy --output=%t/y.npy --output=%t/r.npy --output=%t/dx.npy --output=%t/dw.npy && \
// RUN:   %python -W ignore %S/../../Runner/Inputs/npytool.py check "np.zeros((4, 0))" %t/y.npy && \
// RUN:   %python -W ignore %S/../../Runner/Inputs/npytool.py check \
// RUN:     "1 / np.sqrt(np.mean(load('%t/x40.npy')**2, axis=-1) + 1e-6)" %t/r.npy && \
// RUN:   %python %S/../../Runner/Inputs/npytool.py check "np.zeros((4, 0))" %t/dx.npy && \
// RUN:   %python %S/../../Runner/Inputs/npytool.py check "np.zeros(0)" %t/dw.npy && \
// RUN:   norm-runner %s -e rms_no_rows --pipeline-options=threads=$t --input=%t/x208.npy --input=%t/w8.npy \
// RUN:     --input=%t/x208.npy --output=%t/dx2.npy --output=%t/dw2.npy && \
// RUN:   %python %S/../../Runner/Inputs/npytool.py check "np.zeros((2, 0, 8))" %t/dx2.npy && \
// RUN:   %python %S/../../Runner/Inputs/npytool.py check "np.zeros(8)" %t/dw2.npy && \
// RUN:   norm-runner %s -e seed_d0 --pipeline-options=threads=$t --input=%t/x30.npy --input=%t/w0.npy \
// RUN:     --input=%t/x30.npy --output=%t/sdx.npy --output=%t/sda.npy && \
// RUN:   %python %S/../../Runner/Inputs/npytool.py check "np.zeros((3, 0))" %t/sdx.npy && \
// RUN:   %python %S/../../Runner/Inputs/npytool.py check "np.zeros(0)" %t/sda.npy && \
// RUN:   norm-runner %s -e scale_d0_bf16 --pipeline-options=threads=$t --input=%t/x30.npy --input=%t/g.npy \
// RUN:     --input=%t/x30.npy --output=%t/cdx.npy --output=%t/cdg.npy && \
// RUN:   %python %S/../../Runner/Inputs/npytool.py check "np.zeros((3, 0))" %t/cdx.npy && \
// RUN:   %python %S/../../Runner/Inputs/npytool.py check "np.float64(0)" %t/cdg.npy && \
// RUN:   norm-runner %s -e mixed_no_rows --pipeline-options=threads=$t --input=%t/x208.npy --input=%t/w8.npy \
// RUN:     --input=%t/x208.npy --output=%t/mdx.npy --output=%t/mdw.npy --output=%t/mr.npy && \
// RUN:   %python %S/../../Runner/Inputs/npytool.py check "np.zeros((2, 0, 8))" %t/mdx.npy && \
// RUN:   %python %S/../../Runner/Inputs/npytool.py check "np.zeros(8)" %t/mdw.npy && \
// RUN:   %python %S/../../Runner/Inputs/npytool.py check "np.zeros(0)" %t/mr.npy \
// RUN:   || exit 1; done | FileCheck %s

// CHECK: OK {{.*}}y.npy dtype=float32 shape=(4, 0)
// CHECK: OK {{.*}}r.npy dtype=float32 shape=(4,)
// CHECK: OK {{.*}}cdg.npy dtype=float32 shape=()
// CHECK: OK {{.*}}mr.npy dtype=float32 shape=(0,)
// CHECK: OK {{.*}}y.npy dtype=float32 shape=(4, 0)
// CHECK: OK {{.*}}r.npy dtype=float32 shape=(4,)
// CHECK: OK {{.*}}cdg.npy dtype=float32 shape=()
// CHECK: OK {{.*}}mr.npy dtype=float32 shape=(0,)

func.func @rms_d0(%x: tensor<4x0xf32>, %w: tensor<0xf32>, %dy: tensor<4x0xf32>)
    -> (tensor<4x0xf32>, tensor<4xf32>, tensor<4x0xf32>, tensor<0xf32>) {
  %y, %rstd = norm.rmsnorm %x, %w : (tensor<4x0xf32>, tensor<0xf32>) -> (tensor<4x0xf32>, tensor<4xf32>)
  %dx, %dw = norm.rmsnorm_grad %dy, %x, %w : (tensor<4x0xf32>, tensor<4x0xf32>, tensor<0xf32>) -> (tensor<4x0xf32>, tensor<0xf32>)
  return %y, %rstd, %dx, %dw : tensor<4x0xf32>, tensor<4xf32>, tensor<4x0xf32>, tensor<0xf32>
}

// What norm-autodiff makes of a rank-3 rmsnorm: the forward's statistics
// feed the gradient.
func.func @rms_no_rows(%x: tensor<2x0x8xf32>, %w: tensor<8xf32>, %dy: tensor<2x0x8xf32>)
    -> (tensor<2x0x8xf32>, tensor<8xf32>) {
  %y, %rstd = norm.rmsnorm %x, %w : (tensor<2x0x8xf32>, tensor<8xf32>) -> (tensor<2x0x8xf32>, tensor<0xf32>)
  %dx, %dw = norm.rmsnorm_grad %dy, %x, %w, %rstd : (tensor<2x0x8xf32>, tensor<2x0x8xf32>, tensor<8xf32>, tensor<0xf32>) -> (tensor<2x0x8xf32>, tensor<8xf32>)
  return %dx, %dw : tensor<2x0x8xf32>, tensor<8xf32>
}

func.func @seed_d0(%x: tensor<3x0xf32>, %a: tensor<0xf32>, %dy: tensor<3x0xf32>)
    -> (tensor<3x0xf32>, tensor<0xf32>) {
  %d:4 = norm.seednorm_grad %dy, %x, %a, %a, %a : (tensor<3x0xf32>, tensor<3x0xf32>, tensor<0xf32>, tensor<0xf32>, tensor<0xf32>) -> (tensor<3x0xf32>, tensor<0xf32>, tensor<0xf32>, tensor<0xf32>)
  return %d#0, %d#1 : tensor<3x0xf32>, tensor<0xf32>
}

func.func @scale_d0_bf16(%x32: tensor<3x0xf32>, %g: tensor<f32>, %dy32: tensor<3x0xf32>)
    -> (tensor<3x0xbf16>, tensor<f32>) {
  %x = arith.truncf %x32 : tensor<3x0xf32> to tensor<3x0xbf16>
  %dy = arith.truncf %dy32 : tensor<3x0xf32> to tensor<3x0xbf16>
  %d:2 = norm.scalenorm_grad %dy, %x, %g : (tensor<3x0xbf16>, tensor<3x0xbf16>, tensor<f32>) -> (tensor<3x0xbf16>, tensor<f32>)
  return %d#0, %d#1 : tensor<3x0xbf16>, tensor<f32>
}

// A static 0 beside a dynamic leading dim (no rows whatever the other is):
// empty outputs and statistics, zero parameter gradients. Flattening such
// rows gave a collapse_shape that did not verify once bufferized.
func.func @mixed_no_rows(%x: tensor<?x0x8xf32>, %w: tensor<8xf32>, %dy: tensor<?x0x8xf32>)
    -> (tensor<?x0x8xf32>, tensor<8xf32>, tensor<?xf32>) {
  %y, %rstd = norm.rmsnorm %x, %w : (tensor<?x0x8xf32>, tensor<8xf32>) -> (tensor<?x0x8xf32>, tensor<?xf32>)
  %dx, %dw = norm.rmsnorm_grad %dy, %x, %w, %rstd : (tensor<?x0x8xf32>, tensor<?x0x8xf32>, tensor<8xf32>, tensor<?xf32>) -> (tensor<?x0x8xf32>, tensor<8xf32>)
  return %dx, %dw, %rstd : tensor<?x0x8xf32>, tensor<8xf32>, tensor<?xf32>
}
