// Tensor arguments are values: a function whose linalg op takes an argument
// as its `outs` must not write into the caller's array (norm-read-only-
// arguments). Before, each --bench repetition added a*b into the runner's
// copy of c.npy again, so the output written after the last repetition was
// a*b*4 + c (warm-up + 3 repetitions). (test/python/compile-and-cache.py
// checks that the caller's own numpy array stays unchanged.)
// REQUIRES: numpy
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/Inputs/npytool.py write %t/a.npy float64 4x8 1
// RUN: %python %S/Inputs/npytool.py write %t/b.npy float64 8x8 2
// RUN: %python %S/Inputs/npytool.py write %t/c.npy float64 4x8 3
// RUN: norm-runner %s -e matmul_acc --input=%t/a.npy --input=%t/b.npy --input=%t/c.npy \
// RUN:   --output=%t/m.npy --bench=3 | FileCheck %s --check-prefix=BENCH
// BENCH: bench: median_ms=
// RUN: %python %S/Inputs/npytool.py check "load('%t/a.npy') @ load('%t/b.npy') + load('%t/c.npy')" %t/m.npy 1e-12 1e-12

// The same through an elementwise linalg.generic writing into an argument.
// RUN: norm-runner %s -e scale_into --input=%t/a.npy --input=%t/c.npy --output=%t/s.npy --bench=2
// RUN: %python %S/Inputs/npytool.py check "2 * load('%t/a.npy') + load('%t/c.npy')" %t/s.npy 1e-12 1e-12

// A loop over layers: scf.for carries the activations, a new tensor each
// iteration (bufferization allows allocations yielded from loops); three
// residual RMSNorm layers against numpy.
// RUN: %python %S/Inputs/npytool.py write %t/x.npy float32 4x8 4
// RUN: %python %S/Inputs/npytool.py write %t/w.npy float32 8 5
// RUN: norm-runner %s -e layers --input=%t/x.npy --input=%t/w.npy --output=%t/l.npy --bench=2
// RUN: %python %S/Inputs/npytool.py check \
// RUN:   "(lambda x, w: [x := x + w * x / np.sqrt(np.mean(x * x, -1, keepdims=True) + 1e-6) for _ in range(3)][-1])(load('%t/x.npy'), load('%t/w.npy'))" \
// RUN:   %t/l.npy 1e-5 1e-5

func.func @matmul_acc(%a: tensor<4x8xf64>, %b: tensor<8x8xf64>, %c: tensor<4x8xf64>) -> tensor<4x8xf64> {
  %m = linalg.matmul ins(%a, %b : tensor<4x8xf64>, tensor<8x8xf64>) outs(%c : tensor<4x8xf64>) -> tensor<4x8xf64>
  return %m : tensor<4x8xf64>
}

#map = affine_map<(d0, d1) -> (d0, d1)>
func.func @scale_into(%a: tensor<4x8xf64>, %c: tensor<4x8xf64>) -> tensor<4x8xf64> {
  %r = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<4x8xf64>) outs(%c : tensor<4x8xf64>) {
  ^bb0(%in: f64, %out: f64):
    %two = arith.constant 2.0 : f64
    %s = arith.mulf %in, %two : f64
    %t = arith.addf %s, %out : f64
    linalg.yield %t : f64
  } -> tensor<4x8xf64>
  return %r : tensor<4x8xf64>
}

func.func @layers(%x: tensor<4x8xf32>, %w: tensor<8xf32>) -> tensor<4x8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %r = scf.for %i = %c0 to %c3 step %c1 iter_args(%a = %x) -> tensor<4x8xf32> {
    %y = norm.rmsnorm %a, %w {epsilon = 1.0e-06 : f32} : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
    %z = arith.addf %y, %a : tensor<4x8xf32>
    scf.yield %z : tensor<4x8xf32>
  }
  return %r : tensor<4x8xf32>
}
