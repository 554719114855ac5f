// f64, f16 and bf16 arguments and results: f16 travels as '<f2', bf16 as
// f32 (rounded to nearest even on the way in).
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/Inputs/npytool.py write %t/x64.npy float64 3x5 1
// RUN: %python %S/Inputs/npytool.py write %t/x16.npy float16 3x5 2
// RUN: %python %S/Inputs/npytool.py write %t/w16.npy float16 5 3
// RUN: %python %S/Inputs/npytool.py write %t/xb.npy float32 3x5 4
// RUN: %python %S/Inputs/npytool.py write %t/wb.npy float32 5 5

// RUN: norm-runner %s -e axpy64 --pipeline="%scalar_pipeline" --input=%t/x64.npy --output=%t/y64.npy
// RUN: %python %S/Inputs/npytool.py check "2 * load('%t/x64.npy') + 1" %t/y64.npy 0 1e-15 \
// RUN:   | FileCheck %s --check-prefix=F64
// F64: OK {{.*}}y64.npy dtype=float64 shape=(3, 5)

// The product of two f16 values is exact in f32, so the result is the
// product rounded once to f16.
// RUN: norm-runner %s -e mul16 --pipeline="%scalar_pipeline" --input=%t/x16.npy --input=%t/w16.npy --output=%t/y16.npy
// RUN: %python %S/Inputs/npytool.py check \
// RUN:   "(load('%t/x16.npy') * load('%t/w16.npy')).astype(np.float16)" %t/y16.npy 0 0 \
// RUN:   | FileCheck %s --check-prefix=F16
// F16: OK {{.*}}y16.npy dtype=float16 shape=(3, 5)

// bf16: inputs rounded to bf16, the exact f32 product rounded once more.
// RUN: norm-runner %s -e mulbf16 --pipeline="%scalar_pipeline" --input=%t/xb.npy --input=%t/wb.npy --output=%t/yb.npy
// RUN: %python %S/Inputs/npytool.py check \
// RUN:   "bf16(bf16(load('%t/xb.npy')) * bf16(load('%t/wb.npy')))" %t/yb.npy 0 0 \
// RUN:   | FileCheck %s --check-prefix=BF16
// BF16: OK {{.*}}yb.npy dtype=float32 shape=(3, 5)

// Round to nearest even, ties included: 1 + 2^-8 is halfway between two
// bf16 values and goes to the even one (1.0); 1 + 3 * 2^-8 goes up.
// RUN: %python -c "import numpy as np; np.save('%t/tie.npy', np.array([[1 + 2**-8, 1 + 3 * 2**-8, -1 - 2**-8, 1 + 2**-8 + 2**-20, 0.0]], dtype=np.float32)); np.save('%t/one.npy', np.ones(5, dtype=np.float32))"
// RUN: norm-runner %s -e mulbf16 --pipeline="%scalar_pipeline" --input=%t/tie.npy --input=%t/one.npy --output=%t/tieout.npy
// RUN: %python -c "import numpy as np; print(np.load('%t/tieout.npy').tolist())" | FileCheck %s --check-prefix=TIE
// TIE: {{\[\[}}1.0, 1.015625, -1.0, 1.0078125, 0.0]]

#id = affine_map<(i, j) -> (i, j)>
#col = affine_map<(i, j) -> (j)>

func.func @axpy64(%x: tensor<3x5xf64>) -> tensor<3x5xf64> {
  %e = tensor.empty() : tensor<3x5xf64>
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<3x5xf64>) outs(%e : tensor<3x5xf64>) {
  ^bb0(%a: f64, %o: f64):
    %two = arith.constant 2.0 : f64
    %one = arith.constant 1.0 : f64
    %m = arith.mulf %a, %two : f64
    %r = arith.addf %m, %one : f64
    linalg.yield %r : f64
  } -> tensor<3x5xf64>
  return %y : tensor<3x5xf64>
}

func.func @mul16(%x: tensor<3x5xf16>, %w: tensor<5xf16>) -> tensor<3x5xf16> {
  %e = tensor.empty() : tensor<3x5xf16>
  %y = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %w : tensor<3x5xf16>, tensor<5xf16>) outs(%e : tensor<3x5xf16>) {
  ^bb0(%a: f16, %b: f16, %o: f16):
    %a32 = arith.extf %a : f16 to f32
    %b32 = arith.extf %b : f16 to f32
    %m = arith.mulf %a32, %b32 : f32
    %r = arith.truncf %m : f32 to f16
    linalg.yield %r : f16
  } -> tensor<3x5xf16>
  return %y : tensor<3x5xf16>
}

func.func @mulbf16(%x: tensor<?x5xbf16>, %w: tensor<5xbf16>) -> tensor<?x5xbf16> {
  %c0 = arith.constant 0 : index
  %rows = tensor.dim %x, %c0 : tensor<?x5xbf16>
  %e = tensor.empty(%rows) : tensor<?x5xbf16>
  %y = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %w : tensor<?x5xbf16>, tensor<5xbf16>) outs(%e : tensor<?x5xbf16>) {
  ^bb0(%a: bf16, %b: bf16, %o: bf16):
    %a32 = arith.extf %a : bf16 to f32
    %b32 = arith.extf %b : bf16 to f32
    %m = arith.mulf %a32, %b32 : f32
    %r = arith.truncf %m : f32 to bf16
    linalg.yield %r : bf16
  } -> tensor<?x5xbf16>
  return %y : tensor<?x5xbf16>
}
