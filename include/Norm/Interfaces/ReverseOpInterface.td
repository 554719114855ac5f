//===- ReverseOpInterface.td - reverse-mode AD rules -------*- tablegen -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The per-op rule of reverse-mode automatic differentiation (a vector-Jacobian
// product), modelled on Enzyme-MLIR's ReverseAutoDiffOpInterface: the forward
// sweep may replace an op by an augmented form that also returns what the
// adjoint needs (Enzyme's cacheValues), and the reverse sweep asks each op to
// turn the cotangents of its results into cotangent contributions of its
// operands (Enzyme's createReverseModeAdjoint). Upstream ops get the interface
// as external models, so upstream dialects never depend on norm-mlir.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_INTERFACES_REVERSEOPINTERFACE_TD
#define NORM_INTERFACES_REVERSEOPINTERFACE_TD

include "mlir/IR/OpBase.td"

def Norm_ReverseOpInterface : OpInterface<"ReverseOpInterface"> {
  let cppNamespace = "::mlir::norm";
  let description = [{
    Reverse-mode differentiation rule of an op on tensors (or on scalars inside
    a `linalg` payload). A driver such as `norm-autodiff` clones the primal
    computation, calls `augmentPrimal` on every op of the clone, then visits
    the ops in reverse order and calls `buildReverse` on every op with at least
    one result that carries a cotangent. The rule reads result cotangents from
    the `ReverseModeContext` (null means zero) and adds one contribution per
    operand that needs one (`ctx.needsCotangent`); the context accumulates
    contributions of values used more than once.
  }];

  let methods = [
    InterfaceMethod<[{
        Forward sweep: returns the op that replaces this one in the
        differentiated function, e.g. a norm op that also returns the
        statistics its gradient op reuses. Its leading results must correspond
        one to one to the results of this op. The default keeps the op.
      }],
      "::mlir::Operation *", "augmentPrimal",
      (ins "::mlir::OpBuilder &":$builder),
      /*methodBody=*/"",
      /*defaultImplementation=*/"return $_op.getOperation();">,
    InterfaceMethod<[{
        Reverse sweep: emits at the builder's insertion point the IR computing
        the cotangent contributions of the operands from the cotangents of the
        results, and records them with `ctx.addCotangent`. Emits a diagnostic
        and fails when the op cannot be differentiated in its current form.
      }],
      "::llvm::LogicalResult", "buildReverse",
      (ins "::mlir::OpBuilder &":$builder,
           "::mlir::norm::ReverseModeContext &":$ctx)>,
  ];
}

#endif // NORM_INTERFACES_REVERSEOPINTERFACE_TD
