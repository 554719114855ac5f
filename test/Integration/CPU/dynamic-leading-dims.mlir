// Dynamic dims the lowering must see through. Gradients of rank-3 x with
// two dynamic leading dims (batch x sequence of unknown sizes, as models
// hand them over): the ops work on the rows
// flattened and give dx back in x's shape. That expansion has two dynamic
// sizes in one group, which upstream MLIR 22's expand-strided-metadata cannot
// lower as a memref.expand_shape (it crashed); it is a reshape instead.
// Checked against numpy in float64, 1 and 2 threads.
// REQUIRES: numpy
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/../../Runner/Inputs/npytool.py write %t/x.npy float32 2x3x12 1
// RUN: %python %S/../../Runner/Inputs/npytool.py write %t/dy.npy float32 2x3x12 2
// RUN: %python %S/../../Runner/Inputs/npytool.py write %t/w.npy float32 12 3
// RUN: for t in 1 2; do \
// RUN:   norm-runner %s -e rms_grad --pipeline-options=threads=$t --input=%t/dy.npy --input=%t/x.npy \
// RUN:     --input=%t/w.npy --output=%t/dx.npy --output=%t/dw.npy && \
// RUN:   %python %S/../../Runner/Inputs/npytool.py check \
// RUN:     "(lambda x, dy, w: (lambda r: r * (w * dy - x * r**2 * np.mean(w * dy * x, axis=-1, keepdims=True)))(1 / np.sqrt(np.mean(x**2, axis=-1, keepdims=True) + 1e-6)))(load('%t/x.npy'), load('%t/dy.npy'), load('%t/w.npy'))" \
// RUN:     %t/dx.npy 1e-6 1e-4 && \
// RUN:   %python %S/../../Runner/Inputs/npytool.py check \
// RUN:     "(lambda x, dy: (dy * x / np.sqrt(np.mean(x**2, axis=-1, keepdims=True) + 1e-6)).sum(axis=(0, 1)))(load('%t/x.npy'), load('%t/dy.npy'))" \
// RUN:     %t/dw.npy 1e-6 1e-4 && \
// RUN:   norm-runner %s -e scale_grad --pipeline-options=threads=$t --input=%t/dy.npy --input=%t/x.npy \
// RUN:     --output=%t/sdx.npy && \
// RUN:   %python %S/../../Runner/Inputs/npytool.py check \
// RUN:     "(lambda x, dy: (lambda n: 2.0 / n * (dy - x / n * (lambda u: (dy * u).sum(axis=-1, keepdims=True))(x / n)))(np.linalg.norm(x, axis=-1, keepdims=True)))(load('%t/x.npy'), load('%t/dy.npy'))" \
// RUN:     %t/sdx.npy 1e-6 1e-4 \
// RUN:   || exit 1; done | FileCheck %s
// CHECK: OK {{.*}}dx.npy dtype=float32 shape=(2, 3, 12)
// CHECK: OK {{.*}}dw.npy dtype=float32 shape=(12,)
// CHECK: OK {{.*}}sdx.npy dtype=float32 shape=(2, 3, 12)
// CHECK: OK {{.*}}dx.npy dtype=float32 shape=(2, 3, 12)
// CHECK: OK {{.*}}dw.npy dtype=float32 shape=(12,)
// CHECK: OK {{.*}}sdx.npy dtype=float32 shape=(2, 3, 12)

// A dynamic D that a tensor.cast shows static: SeeDNorm's split into heads
// expands the cast's source (the expand_shape of the cast, once its sizes
// folded to constants, crashed upstream's canonicalizer).
// RUN: %python %S/../../Runner/Inputs/npytool.py write %t/x864.npy float32 8x64 4
// RUN: %python %S/../../Runner/Inputs/npytool.py write %t/w64.npy float32 64 5
// RUN: norm-runner %s -e seed_cast --input=%t/x864.npy --input=%t/w64.npy --output=%t/sy.npy
// RUN: %python %S/../../Runner/Inputs/npytool.py check \
// RUN:   "(lambda x, w: (np.tanh((x * w).reshape(8, 4, 16).sum(-1))[:, :, None] * w.reshape(4, 16) + w.reshape(4, 16)).reshape(8, 64) * x / np.sqrt(np.mean(x**2, axis=-1, keepdims=True) + 1e-6))(load('%t/x864.npy'), load('%t/w64.npy'))" \
// RUN:   %t/sy.npy 1e-6 1e-5 | FileCheck %s --check-prefix=SEED
// SEED: OK {{.*}}sy.npy dtype=float32 shape=(8, 64)
// The same D hidden by an extract_slice of constant size: the pipeline's
// first canonicalization makes it a static slice and a cast, which folds
// into the op (the cast used to reach the split into heads and crash).
// RUN: norm-runner %s -e seed_slice --input=%t/x864.npy --input=%t/w64.npy --output=%t/sy2.npy
// RUN: %python %S/../../Runner/Inputs/npytool.py check \
// RUN:   "(lambda x, w: (np.tanh((x * w).reshape(8, 4, 16).sum(-1))[:, :, None] * w.reshape(4, 16) + w.reshape(4, 16)).reshape(8, 64) * x / np.sqrt(np.mean(x**2, axis=-1, keepdims=True) + 1e-6))(load('%t/x864.npy'), load('%t/w64.npy'))" \
// RUN:   %t/sy2.npy 1e-6 1e-5 | FileCheck %s --check-prefix=SLICE
// SLICE: OK {{.*}}sy2.npy dtype=float32 shape=(8, 64)

// Parameters of static length beside an x whose D is dynamic: each is split
// into heads by its own (static) length (it took x's dynamic head size, and
// the expand_shape did not verify).
// RUN: norm-runner %s -e seed_static_params --input=%t/x864.npy --input=%t/w64.npy --output=%t/sy3.npy
// RUN: %python %S/../../Runner/Inputs/npytool.py check \
// RUN:   "(lambda x, w: (np.tanh((x * w).reshape(8, 4, 16).sum(-1))[:, :, None] * w.reshape(4, 16) + w.reshape(4, 16)).reshape(8, 64) * x / np.sqrt(np.mean(x**2, axis=-1, keepdims=True) + 1e-6))(load('%t/x864.npy'), load('%t/w64.npy'))" \
// RUN:   %t/sy3.npy 1e-6 1e-5 | FileCheck %s --check-prefix=STATICP
// STATICP: OK {{.*}}sy3.npy dtype=float32 shape=(8, 64)

func.func @rms_grad(%dy: tensor<?x?x12xf32>, %x: tensor<?x?x12xf32>, %w: tensor<12xf32>)
    -> (tensor<?x?x12xf32>, tensor<12xf32>) {
  %dx, %dw = norm.rmsnorm_grad %dy, %x, %w : (tensor<?x?x12xf32>, tensor<?x?x12xf32>, tensor<12xf32>) -> (tensor<?x?x12xf32>, tensor<12xf32>)
  return %dx, %dw : tensor<?x?x12xf32>, tensor<12xf32>
}

// ScaleNorm's gradient with gain g = 2 (its 0-d parameter made here).
func.func @scale_grad(%dy: tensor<?x?x12xf32>, %x: tensor<?x?x12xf32>) -> tensor<?x?x12xf32> {
  %g = arith.constant dense<2.0> : tensor<f32>
  %dx, %dg = norm.scalenorm_grad %dy, %x, %g : (tensor<?x?x12xf32>, tensor<?x?x12xf32>, tensor<f32>) -> (tensor<?x?x12xf32>, tensor<f32>)
  return %dx : tensor<?x?x12xf32>
}

func.func @seed_cast(%x: tensor<8x64xf32>, %w: tensor<64xf32>) -> tensor<8x?xf32> {
  %xd = tensor.cast %x : tensor<8x64xf32> to tensor<8x?xf32>
  %wd = tensor.cast %w : tensor<64xf32> to tensor<?xf32>
  %y = norm.seednorm %xd, %wd, %wd, %wd {heads = 4 : i64} : (tensor<8x?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>) -> tensor<8x?xf32>
  return %y : tensor<8x?xf32>
}

func.func @seed_slice(%x: tensor<8x64xf32>, %w: tensor<64xf32>) -> tensor<8x?xf32> {
  %c64 = arith.constant 64 : index
  %xd = tensor.extract_slice %x[0, 0] [8, %c64] [1, 1] : tensor<8x64xf32> to tensor<8x?xf32>
  %wd = tensor.extract_slice %w[0] [%c64] [1] : tensor<64xf32> to tensor<?xf32>
  %y = norm.seednorm %xd, %wd, %wd, %wd {heads = 4 : i64} : (tensor<8x?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>) -> tensor<8x?xf32>
  return %y : tensor<8x?xf32>
}

func.func @seed_static_params(%x: tensor<?x?xf32>, %w: tensor<64xf32>) -> tensor<?x?xf32> {
  %y = norm.seednorm %x, %w, %w, %w {heads = 4 : i64} : (tensor<?x?xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}
