// norm-level modules through the default lowering (norm-lower-to-cpu), with
// pipeline options and optimization levels; checked against float64 numpy.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/Inputs/npytool.py write %t/x.npy float32 37x512 1
// RUN: %python %S/Inputs/npytool.py write %t/w.npy float32 512 2
// RUN: %python %S/Inputs/npytool.py write %t/xb.npy float32 64x256 3
// RUN: %python %S/Inputs/npytool.py write %t/wb.npy float32 256 4
// DEFINE: %{rms_ref} = "load('%t/x.npy') / np.sqrt(np.mean(load('%t/x.npy')**2, axis=-1, keepdims=True) + 1e-6) * load('%t/w.npy')"

// RUN: norm-runner %s -e rmsnorm --input=%t/x.npy --input=%t/w.npy --output=%t/y.npy
// RUN: %python %S/Inputs/npytool.py check %{rms_ref} %t/y.npy 1e-6 1e-5 | FileCheck %s --check-prefix=RMS
// RUN: norm-runner %s -e rmsnorm --pipeline-options="threads=1" -O0 --input=%t/x.npy --input=%t/w.npy --output=%t/y1.npy
// RUN: %python %S/Inputs/npytool.py check %{rms_ref} %t/y1.npy 1e-6 1e-5 | FileCheck %s --check-prefix=RMS
// RUN: norm-runner %s -e rmsnorm --pipeline-options="threads=2" -O2 --input=%t/x.npy --input=%t/w.npy --output=%t/y2.npy
// RUN: %python %S/Inputs/npytool.py check %{rms_ref} %t/y2.npy 1e-6 1e-5 | FileCheck %s --check-prefix=RMS
// RMS: OK {{.*}}.npy dtype=float32 shape=(37, 512)

// bf16 in and out (given and written as f32), f32 statistics: within 2 ulp
// of the float64 reference on the rounded inputs.
// RUN: norm-runner %s -e rmsnorm_bf16 --input=%t/xb.npy --input=%t/wb.npy --output=%t/yb.npy --output=%t/rb.npy
// RUN: %python %S/Inputs/npytool.py check \
// RUN:   "bf16(load('%t/xb.npy')) / np.sqrt(np.mean(bf16(load('%t/xb.npy'))**2, axis=-1, keepdims=True) + 1e-6) * load('%t/wb.npy')" \
// RUN:   %t/yb.npy 1e-6 0.015625 | FileCheck %s --check-prefix=BF16
// RUN: %python %S/Inputs/npytool.py check \
// RUN:   "1 / np.sqrt(np.mean(bf16(load('%t/xb.npy'))**2, axis=-1) + 1e-6)" %t/rb.npy 1e-6 1e-5 \
// RUN:   | FileCheck %s --check-prefix=BF16STATS
// BF16: OK {{.*}}yb.npy dtype=float32 shape=(64, 256)
// BF16STATS: OK {{.*}}rb.npy dtype=float32 shape=(64,)

// Benchmark line on the default path.
// RUN: norm-runner %s -e rmsnorm_static --random-inputs=1 --bench=3 | FileCheck %s --check-prefix=BENCH
// BENCH: bench: median_ms={{[0-9.]+}} min_ms={{[0-9.]+}} reps=3 bytes=525312 gbps={{[0-9.]+}}

func.func @rmsnorm(%x: tensor<?x512xf32>, %w: tensor<512xf32>) -> tensor<?x512xf32> {
  %y = norm.rmsnorm %x, %w {epsilon = 1.0e-06 : f32} : (tensor<?x512xf32>, tensor<512xf32>) -> tensor<?x512xf32>
  return %y : tensor<?x512xf32>
}

func.func @rmsnorm_static(%x: tensor<256x256xf32>, %w: tensor<256xf32>) -> tensor<256x256xf32> {
  %y = norm.rmsnorm %x, %w : (tensor<256x256xf32>, tensor<256xf32>) -> tensor<256x256xf32>
  return %y : tensor<256x256xf32>
}

func.func @rmsnorm_bf16(%x: tensor<64x256xbf16>, %w: tensor<256xf32>) -> (tensor<64x256xbf16>, tensor<64xf32>) {
  %y, %rstd = norm.rmsnorm %x, %w {epsilon = 1.0e-06 : f32} : (tensor<64x256xbf16>, tensor<256xf32>) -> (tensor<64x256xbf16>, tensor<64xf32>)
  return %y, %rstd : tensor<64x256xbf16>, tensor<64xf32>
}
