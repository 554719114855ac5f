//===- NormOps.td - norm dialect operations ----------------*- tablegen -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Forward normalization ops and their fused gradient ops. The math of every op
// is the one of shared/research/norms-math.md (§2 RMSNorm, §3 ScaleNorm,
// §4 SeeDNorm); the verifier rules are listed in each description.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_DIALECT_NORM_IR_NORMOPS_TD
#define NORM_DIALECT_NORM_IR_NORMOPS_TD

include "Norm/Dialect/Norm/IR/NormBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

// `epsilon` is optional in the IR: when absent the op's default applies, and
// when present it is always printed (a DefaultValuedAttr would elide it).
class Norm_EpsilonMixin<string defaultEps> {
  code epsilonDecl = [{
    static constexpr float kDefaultEpsilon = }] # defaultEps # [{f;
    /// The epsilon attribute, or the op's default when it is absent. An
    /// epsilon of -0.0 passes the verifier (it is not < 0) and is 0: its
    /// sign would turn ScaleNorm's clamp 1 / eps into -inf.
    float getEpsilonValue() {
      if (auto eps = getEpsilonAttr())
        return std::fabs(static_cast<float>(eps.getValueAsDouble()));
      return kDefaultEpsilon;
    }
  }];
}

//===----------------------------------------------------------------------===//
// RMSNormOp
//===----------------------------------------------------------------------===//

def Norm_RMSNormOp : Norm_Op<"rmsnorm">, Norm_EpsilonMixin<"1.0e-6"> {
  let summary = "root-mean-square normalization over the last dimension";
  let description = [{
    Normalizes every row of `x` (the last dimension, of size `D`) by its root
    mean square and scales it by `weight` (Zhang & Sennrich, 2019):

    ```
    rstd = (mean_j(x_j^2) + epsilon)^(-1/2)        (accumulated in f32)
    y_j  = weight_j * x_j * rstd
    ```

    `epsilon` is added inside the square root (default `1.0e-06`). When a
    second result is given it receives `rstd` per row, rows flattened:
    `tensor<2x16x512xf32>` gives `tensor<32xf32>`.

    Rules (checked by the verifier): `x` has rank >= 1 and a float element
    type (f16, bf16, f32, f64); `weight` is `tensor<D x T>` with `T` the
    element type of `x` or `f32`; `y` has the type of `x`; `rstd` is
    `tensor<rows x f32>` (`f64` for `f64` input); `epsilon >= 0`.

    Example:

    ```mlir
    %y = norm.rmsnorm %x, %w {epsilon = 1.0e-06 : f32}
        : (tensor<?x4096xbf16>, tensor<4096xf32>) -> tensor<?x4096xbf16>
    %y2, %rstd = norm.rmsnorm %x2, %w2
        : (tensor<8x512xf32>, tensor<512xf32>) -> (tensor<8x512xf32>, tensor<8xf32>)
    ```
  }];
  let arguments = (ins Norm_FloatTensor:$x, Norm_FloatTensor:$weight,
                       OptionalAttr<F32Attr>:$epsilon);
  let results = (outs Norm_FloatTensor:$y, Optional<Norm_FloatTensor>:$rstd);
  let assemblyFormat = [{
    $x `,` $weight attr-dict `:` functional-type(operands, results)
  }];
  let extraClassDeclaration = epsilonDecl;
}

//===----------------------------------------------------------------------===//
// ScaleNormOp
//===----------------------------------------------------------------------===//

def Norm_ScaleNormOp : Norm_Op<"scalenorm">, Norm_EpsilonMixin<"1.0e-5"> {
  let summary = "l2 normalization with one learned scalar gain";
  let description = [{
    Scales every row of `x` to the length `g` (Nguyen & Salazar, 2019):

    ```
    inv = 1 / max(||x||_2, epsilon)     (NaN-propagating max, f32 accumulation)
    y_j = g * x_j * inv
    ```

    `g` is a 0-d tensor (one gain per layer, usually initialized to
    `sqrt(D)`); `epsilon` clamps the l2 norm from below (default `1.0e-05`).
    A NaN anywhere in a row gives a NaN row (the max is IEEE-754 `maximum`, not
    `maxNum`). When a second result is given it receives `inv` per row.

    Rules: `x` has rank >= 1 and a float element type; `g` is `tensor<T>`
    with `T` the element type of `x` or `f32`; `y` has the type of `x`; `inv`
    is `tensor<rows x f32>`; `epsilon >= 0`.

    Example:

    ```mlir
    %y = norm.scalenorm %x, %g {epsilon = 1.0e-05 : f32}
        : (tensor<2x16x512xf32>, tensor<f32>) -> tensor<2x16x512xf32>
    ```
  }];
  let arguments = (ins Norm_FloatTensor:$x, Norm_FloatTensor:$g,
                       OptionalAttr<F32Attr>:$epsilon);
  let results = (outs Norm_FloatTensor:$y, Optional<Norm_FloatTensor>:$inv);
  let assemblyFormat = [{
    $x `,` $g attr-dict `:` functional-type(operands, results)
  }];
  let extraClassDeclaration = epsilonDecl;
}

//===----------------------------------------------------------------------===//
// SeeDNormOp
//===----------------------------------------------------------------------===//

def Norm_SeeDNormOp : Norm_Op<"seednorm">, Norm_EpsilonMixin<"1.0e-6"> {
  let summary = "self-rescaled dynamic normalization (RMSNorm with a per-row dynamic gain)";
  let description = [{
    SeeDNorm (Cai et al., 2025) is an RMSNorm whose gain depends on the row
    through a bounded self-rescaling term. With `heads` contiguous slices of
    size `D / heads`, for every row:

    ```
    rstd = (mean_j(x_j^2) + epsilon)^(-1/2)
    t_k  = tanh(sum_{j in head k} x_j * beta_j)      (from the raw x)
    y_j  = (t_{k(j)} * alpha_j + gamma_j) * x_j * rstd
    ```

    At the usual initialization (alpha = 1, beta = 0, gamma = 1) it equals
    RMSNorm with weight 1. When extra results are given they receive `rstd`
    (`tensor<rows x f32>`) and `t` (`tensor<rows x heads x f32>`).

    Rules: `x` has rank >= 1 and a float element type; `alpha`, `beta`,
    `gamma` are `tensor<D x T>` with `T` the element type of `x` or `f32`;
    `heads >= 1` divides `D` (default 1); statistics results are none or
    both; `epsilon >= 0`.

    Example:

    ```mlir
    %y = norm.seednorm %x, %a, %b, %c {epsilon = 1.0e-06 : f32, heads = 4 : i64}
        : (tensor<8x512xf32>, tensor<512xf32>, tensor<512xf32>, tensor<512xf32>)
        -> tensor<8x512xf32>
    ```
  }];
  let arguments = (ins Norm_FloatTensor:$x, Norm_FloatTensor:$alpha,
                       Norm_FloatTensor:$beta, Norm_FloatTensor:$gamma,
                       OptionalAttr<F32Attr>:$epsilon,
                       OptionalAttr<I64Attr>:$heads);
  let results = (outs Norm_FloatTensor:$y, Variadic<Norm_FloatTensor>:$stats);
  let assemblyFormat = [{
    $x `,` $alpha `,` $beta `,` $gamma attr-dict `:` functional-type(operands, results)
  }];
  let extraClassDeclaration = epsilonDecl # [{
    /// The number of heads, 1 when the attribute is absent.
    int64_t getNumHeads() {
      if (auto h = getHeadsAttr())
        return h.getInt();
      return 1;
    }
    /// The saved per-row rstd, or null when the op returns no statistics.
    Value getRstd() { return getStats().empty() ? Value() : getStats()[0]; }
    /// The saved per-row, per-head tanh gates, or null.
    Value getT() { return getStats().size() < 2 ? Value() : getStats()[1]; }
  }];
}

//===----------------------------------------------------------------------===//
// RMSNormGradOp
//===----------------------------------------------------------------------===//

def Norm_RMSNormGradOp : Norm_Op<"rmsnorm_grad">, Norm_EpsilonMixin<"1.0e-6"> {
  let summary = "fused gradient of norm.rmsnorm";
  let description = [{
    Given the output cotangent `dy` of `norm.rmsnorm`, computes the input
    gradient `dx` and the weight gradient `dweight` in one op:

    ```
    xhat = x * rstd,   g = dy * weight
    dx_j = rstd * (g_j - xhat_j * mean_i(g_i * xhat_i))
    dweight_j = sum_rows dy_j * xhat_j
    ```

    `rstd` is recomputed from `x` unless it is passed as the fourth operand
    (as returned by `norm.rmsnorm`). The formula is exact for any epsilon.

    Rules: as `norm.rmsnorm`; `dy` and `dx` have the type of `x`; `dweight`
    has the type of `weight`.

    Example:

    ```mlir
    %dx, %dw = norm.rmsnorm_grad %dy, %x, %w {epsilon = 1.0e-06 : f32}
        : (tensor<8x512xf32>, tensor<8x512xf32>, tensor<512xf32>)
        -> (tensor<8x512xf32>, tensor<512xf32>)
    ```
  }];
  let arguments = (ins Norm_FloatTensor:$dy, Norm_FloatTensor:$x,
                       Norm_FloatTensor:$weight,
                       Optional<Norm_FloatTensor>:$rstd,
                       OptionalAttr<F32Attr>:$epsilon);
  let results = (outs Norm_FloatTensor:$dx, Norm_FloatTensor:$dweight);
  let assemblyFormat = [{
    $dy `,` $x `,` $weight (`,` $rstd^)? attr-dict `:` functional-type(operands, results)
  }];
  let extraClassDeclaration = epsilonDecl;
}

//===----------------------------------------------------------------------===//
// ScaleNormGradOp
//===----------------------------------------------------------------------===//

def Norm_ScaleNormGradOp : Norm_Op<"scalenorm_grad">, Norm_EpsilonMixin<"1.0e-5"> {
  let summary = "fused gradient of norm.scalenorm";
  let description = [{
    Gradient of `norm.scalenorm` with respect to `x` and the scalar gain `g`:

    ```
    n = ||x||_2,  inv = 1 / max(n, epsilon),  xu = x * inv
    unclamped rows (n >= epsilon): dx = g * inv * (dy - xu * sum_j(dy_j * xu_j))
    clamped rows   (n <  epsilon): dx = g * dy / epsilon
    dg = sum_rows sum_j dy_j * x_j * inv          (a 0-d tensor)
    ```

    `inv` is recomputed unless passed as the fourth operand.

    Rules: as `norm.scalenorm`; `dx` has the type of `x`, `dg` the type of `g`.

    Example:

    ```mlir
    %dx, %dg = norm.scalenorm_grad %dy, %x, %g
        : (tensor<4x64xf32>, tensor<4x64xf32>, tensor<f32>) -> (tensor<4x64xf32>, tensor<f32>)
    ```
  }];
  let arguments = (ins Norm_FloatTensor:$dy, Norm_FloatTensor:$x,
                       Norm_FloatTensor:$g,
                       Optional<Norm_FloatTensor>:$inv,
                       OptionalAttr<F32Attr>:$epsilon);
  let results = (outs Norm_FloatTensor:$dx, Norm_FloatTensor:$dg);
  let assemblyFormat = [{
    $dy `,` $x `,` $g (`,` $inv^)? attr-dict `:` functional-type(operands, results)
  }];
  let extraClassDeclaration = epsilonDecl;
}

//===----------------------------------------------------------------------===//
// SeeDNormGradOp
//===----------------------------------------------------------------------===//

def Norm_SeeDNormGradOp : Norm_Op<"seednorm_grad">, Norm_EpsilonMixin<"1.0e-6"> {
  let summary = "fused gradient of norm.seednorm";
  let description = [{
    Gradient of `norm.seednorm` with respect to `x`, `alpha`, `beta` and
    `gamma`. Per row, with `xhat = x * rstd`, `c_j = t_{k(j)} alpha_j + gamma_j`
    and `u = dy * xhat`:

    ```
    A_k  = sum_{j in head k} alpha_j u_j
    S    = sum_j dy_j c_j xhat_j
    dx_j = rstd * (dy_j c_j - xhat_j S / D) + (1 - t_{k(j)}^2) A_{k(j)} beta_j
    dalpha_j = sum_rows t_{k(j)} u_j
    dbeta_j  = sum_rows (1 - t_{k(j)}^2) A_{k(j)} x_j
    dgamma_j = sum_rows u_j
    ```

    The statistics `rstd` and `t` (as returned by `norm.seednorm`) are optional
    operands, none or both; they are recomputed when absent. Then the lowerings
    take `1 - t^2 = sech^2(s)` from the dot product s itself, which keeps its
    digits near saturation (an f32 t loses them: at s = 6 a given t leaves
    `1 - t^2` with a relative error of about 1e-3).

    Rules: as `norm.seednorm`; `dx` has the type of `x`; `dalpha`, `dbeta`,
    `dgamma` have the types of `alpha`, `beta`, `gamma`.

    Example:

    ```mlir
    %dx, %da, %db, %dc = norm.seednorm_grad %dy, %x, %a, %b, %c {heads = 2 : i64}
        : (tensor<8x64xf32>, tensor<8x64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>)
        -> (tensor<8x64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>)
    ```
  }];
  let arguments = (ins Norm_FloatTensor:$dy, Norm_FloatTensor:$x,
                       Norm_FloatTensor:$alpha, Norm_FloatTensor:$beta,
                       Norm_FloatTensor:$gamma,
                       Variadic<Norm_FloatTensor>:$stats,
                       OptionalAttr<F32Attr>:$epsilon,
                       OptionalAttr<I64Attr>:$heads);
  let results = (outs Norm_FloatTensor:$dx, Norm_FloatTensor:$dalpha,
                      Norm_FloatTensor:$dbeta, Norm_FloatTensor:$dgamma);
  let assemblyFormat = [{
    $dy `,` $x `,` $alpha `,` $beta `,` $gamma (`,` $stats^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let extraClassDeclaration = epsilonDecl # [{
    int64_t getNumHeads() {
      if (auto h = getHeadsAttr())
        return h.getInt();
      return 1;
    }
    Value getRstd() { return getStats().empty() ? Value() : getStats()[0]; }
    Value getT() { return getStats().size() < 2 ? Value() : getStats()[1]; }
  }];
}

#endif // NORM_DIALECT_NORM_IR_NORMOPS_TD
