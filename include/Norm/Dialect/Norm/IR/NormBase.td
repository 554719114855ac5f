//===- NormBase.td - norm dialect definition ---------------*- tablegen -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The `norm` dialect and the base class shared by all of its ops.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_DIALECT_NORM_IR_NORMBASE_TD
#define NORM_DIALECT_NORM_IR_NORMBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Norm_Dialect : Dialect {
  let name = "norm";
  let cppNamespace = "::mlir::norm";
  let summary = "Normalization layers (RMSNorm, ScaleNorm, SeeDNorm) and their gradients";
  let description = [{
    The `norm` dialect holds row-wise normalization layers as named ops on
    ranked tensors with value semantics. The **last dimension** of `x` (of size
    `D`) is normalized; every leading dimension is a row. Each forward op has a
    fused gradient op (`*_grad`) that computes the input gradient and the
    parameter gradients in one op.

    Statistics (the per-row reciprocal RMS or norm, SeeDNorm's per-head tanh
    gates) are optional extra results of the forward ops and optional extra
    operands of the gradient ops; when a gradient op is not given them it
    recomputes them. Statistics are always `f32` (or `f64` for `f64` input),
    and every reduction accumulates in `f32` (`f64` for `f64` input) whatever
    the storage type of `x`.

    ```mlir
    %y, %rstd = norm.rmsnorm %x, %w {epsilon = 1.0e-06 : f32}
        : (tensor<8x512xbf16>, tensor<512xf32>) -> (tensor<8x512xbf16>, tensor<8xf32>)
    %dx, %dw = norm.rmsnorm_grad %dy, %x, %w, %rstd {epsilon = 1.0e-06 : f32}
        : (tensor<8x512xbf16>, tensor<8x512xbf16>, tensor<512xf32>, tensor<8xf32>)
        -> (tensor<8x512xbf16>, tensor<512xf32>)
    ```

    The ops lower to `linalg` on tensors (`convert-norm-to-linalg`), from
    where the `norm-lower-to-cpu` and `norm-lower-to-nvvm` pipelines take
    them to the LLVM dialect.
  }];
  let useDefaultAttributePrinterParser = 0;
  let useDefaultTypePrinterParser = 0;
}

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

// Storage types of `x`, `y`, `dy`, `dx`. The verifier checks the exact rules
// (params: element type of x or f32; statistics: f32, or f64 for f64 input) so
// that its messages can name the operand and the expected type.
def Norm_FloatTensor : RankedTensorOf<[F16, BF16, F32, F64]>;

//===----------------------------------------------------------------------===//
// Base op class
//===----------------------------------------------------------------------===//

class Norm_Op<string mnemonic, list<Trait> traits = []>
    : Op<Norm_Dialect, mnemonic, !listconcat(traits, [Pure])> {
  // Every op checks ranks, D, parameter and statistics shapes and types.
  let hasVerifier = 1;
  // tensor.cast operands from more static types fold into the op.
  let hasCanonicalizer = 1;
}

#endif // NORM_DIALECT_NORM_IR_NORMBASE_TD
