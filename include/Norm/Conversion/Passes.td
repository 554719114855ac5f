//===- Passes.td - norm conversion passes ------------------*- tablegen -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef NORM_CONVERSION_PASSES_TD
#define NORM_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

//===----------------------------------------------------------------------===//
// NormToLinalg
//===----------------------------------------------------------------------===//

def ConvertNormToLinalgPass : Pass<"convert-norm-to-linalg"> {
  let summary = "Decompose norm ops (forward and gradient) into linalg on tensors";
  let description = [{
    Replaces every `norm` op with `linalg.generic` ops on tensors that keep the
    natural rank of `x` (all leading dimensions are rows, the last dimension is
    normalized). Every reduction accumulates in f32 (f64 for f64 input): loads
    are extended with `arith.extf` and results truncated once at the store.

    A forward op becomes (a) a row reduction (`linalg.fill` 0 into an f32
    tensor of the leading shape, iterators `[parallel..., reduction]`), (b) a
    small per-row generic computing the statistic (`math.rsqrt`,
    `arith.maximumf`, `math.tanh`) and (c) one all-parallel elementwise
    generic producing `y`. Statistics results are collapsed to `[rows]`.
    Gradient ops recompute the statistics when they are not passed, reduce the
    per-row sums, compute `dx` elementwise and reduce the parameter gradients
    over all leading dimensions (iterators `[reduction..., parallel]`).

    The same decomposition is available to embedders through
    `populateNormToLinalgConversionPatterns`, the `decompose*` functions of
    `Norm/Conversion/NormToLinalg/NormToLinalg.h` and the
    `linalg::AggregatedOpInterface` external models of the norm ops
    (`transform.structured.decompose_interface`).

    Example:

    ```mlir
    %y = norm.rmsnorm %x, %w {epsilon = 1.0e-06 : f32}
        : (tensor<8x512xbf16>, tensor<512xf32>) -> tensor<8x512xbf16>
    ```

    becomes

    ```mlir
    %e = tensor.empty() : tensor<8xf32>
    %z = linalg.fill ins(%cst : f32) outs(%e : tensor<8xf32>) -> tensor<8xf32>
    %ss = linalg.generic {iterator_types = ["parallel", "reduction"], ...}
        ins(%x : tensor<8x512xbf16>) outs(%z : tensor<8xf32>) {
      ^bb0(%a: bf16, %acc: f32):
        %f = arith.extf %a : bf16 to f32
        %sq = arith.mulf %f, %f : f32
        %s = arith.addf %acc, %sq : f32
        linalg.yield %s : f32
    } -> tensor<8xf32>
    %rstd = linalg.generic {iterator_types = ["parallel"], ...}
        ins(%ss : tensor<8xf32>) outs(%e : tensor<8xf32>) {
      // rsqrt(ss / D + eps)
    } -> tensor<8xf32>
    %y = linalg.generic {iterator_types = ["parallel", "parallel"], ...}
        ins(%x, %rstd, %w : ...) outs(%ey : tensor<8x512xbf16>) {
      // truncf(w * extf(x) * rstd)
    } -> tensor<8x512xbf16>
    ```
  }];
  let dependentDialects = [
    "arith::ArithDialect",
    "linalg::LinalgDialect",
    "math::MathDialect",
    "tensor::TensorDialect",
  ];
}

#endif // NORM_CONVERSION_PASSES_TD
