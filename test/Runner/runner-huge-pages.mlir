// Buffers of 2 MiB or more (arguments, results, what the compiled code
// allocates and frees itself) come from the runner's huge-page pool and are
// reused across calls; NORM_MLIR_HUGE_PAGES=0 takes everything from glibc.
// Both give the same bytes, also over repeated --bench calls, and the
// numbers match numpy.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.save('%t/x.npy', np.linspace(-3, 3, 1024 * 1024, dtype=np.float32).reshape(1024, 1024))"

// @chain frees a 4 MiB intermediate inside the compiled code (the scalar
// pipeline's buffer deallocation calls free on it).
// RUN: norm-runner %s -e chain --pipeline="%scalar_pipeline" --input=%t/x.npy --output=%t/pool.npy --bench=4 | FileCheck %s --check-prefix=BENCH
// RUN: env NORM_MLIR_HUGE_PAGES=0 norm-runner %s -e chain --pipeline="%scalar_pipeline" --input=%t/x.npy --output=%t/glibc.npy --bench=4 | FileCheck %s --check-prefix=BENCH
// BENCH: bench: median_ms={{.*}} reps=4
// RUN: cmp %t/pool.npy %t/glibc.npy
// RUN: %python -c "import numpy as np; x = np.load('%t/x.npy'); y = np.load('%t/pool.npy'); print(np.array_equal(y, (x + x) * x))" | FileCheck %s --check-prefix=VALUES
// VALUES: True

// The full norm-lower-to-cpu pipeline on a gradient of 4 MiB rows in both
// modes: bitwise the same.
// RUN: norm-runner %S/Inputs/rms-grad-4mib.mlir -e grad --random-inputs=5 --output=%t/dx1.npy --output=%t/dw1.npy --bench=3 | FileCheck %s --check-prefix=GRAD
// RUN: env NORM_MLIR_HUGE_PAGES=0 norm-runner %S/Inputs/rms-grad-4mib.mlir -e grad --random-inputs=5 --output=%t/dx2.npy --output=%t/dw2.npy
// GRAD: bench: median_ms={{.*}} reps=3
// RUN: cmp %t/dx1.npy %t/dx2.npy
// RUN: cmp %t/dw1.npy %t/dw2.npy

func.func @chain(%x: tensor<1024x1024xf32>) -> tensor<1024x1024xf32> {
  %e = tensor.empty() : tensor<1024x1024xf32>
  %t = linalg.add ins(%x, %x : tensor<1024x1024xf32>, tensor<1024x1024xf32>) outs(%e : tensor<1024x1024xf32>) -> tensor<1024x1024xf32>
  %e2 = tensor.empty() : tensor<1024x1024xf32>
  %y = linalg.mul ins(%t, %x : tensor<1024x1024xf32>, tensor<1024x1024xf32>) outs(%e2 : tensor<1024x1024xf32>) -> tensor<1024x1024xf32>
  return %y : tensor<1024x1024xf32>
}
