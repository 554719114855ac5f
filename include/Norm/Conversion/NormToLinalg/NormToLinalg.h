//===- NormToLinalg.h - decompose norm ops into linalg ----------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The decomposition of every norm op into linalg on tensors, exported so that
// the conversion pass, the CPU and GPU pipelines and embedders build the exact
// same IR. Each `decompose*` function inserts the replacement IR at the
// builder's insertion point and returns one value per result of the op, in
// result order (it does not erase or replace the op).
//
// Shape of the decomposition (pipelines rely on it):
//  - x keeps its rank; all leading dims are rows (SeeDNorm alone reshapes the
//    last dim into [heads, D/heads] with tensor.expand_shape).
//  - Accumulation type A = f32 (f64 for f64 x); arith.extf on load,
//    arith.truncf once at the store.
//  - Forward: (a) one row-reduction linalg.generic, iterators
//    [parallel..., reduction], into a linalg.fill'ed A tensor of the leading
//    shape; (b) a per-row statistic generic; (c) one all-parallel elementwise
//    generic producing y. Statistic results are tensor.collapse_shape'd to
//    [rows] ([rows, heads] for SeeDNorm's t).
//  - Gradient: statistics recomputed as in the forward op (or the given
//    [rows] ones expanded back to the leading shape), one row-reduction
//    generic, one elementwise generic for dx, and parameter gradients as
//    generics with iterators [reduction..., parallel] into A accumulators,
//    then cast to the parameter type.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_CONVERSION_NORMTOLINALG_NORMTOLINALG_H
#define NORM_CONVERSION_NORMTOLINALG_NORMTOLINALG_H

#include "Norm/Dialect/Norm/IR/NormOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Support/LLVM.h"

namespace mlir {
class DialectRegistry;

namespace norm {

/// Per-op decompositions. Each returns the replacement values of all results
/// of `op` (including the optional statistics results) or failure (with a
/// diagnostic on `op`) for IR it cannot handle.
FailureOr<SmallVector<Value>> decomposeRMSNormOp(OpBuilder &b, RMSNormOp op);
FailureOr<SmallVector<Value>> decomposeScaleNormOp(OpBuilder &b,
                                                   ScaleNormOp op);
FailureOr<SmallVector<Value>> decomposeSeeDNormOp(OpBuilder &b,
                                                  SeeDNormOp op);
FailureOr<SmallVector<Value>> decomposeRMSNormGradOp(OpBuilder &b,
                                                     RMSNormGradOp op);
FailureOr<SmallVector<Value>> decomposeScaleNormGradOp(OpBuilder &b,
                                                       ScaleNormGradOp op);
FailureOr<SmallVector<Value>> decomposeSeeDNormGradOp(OpBuilder &b,
                                                      SeeDNormGradOp op);

/// Dispatches to the function above that matches `op`; fails for any op that
/// is not one of the six norm ops.
FailureOr<SmallVector<Value>> decomposeNormOp(OpBuilder &b, Operation *op);

/// Adds one rewrite pattern per norm op that replaces it by its decomposition.
void populateNormToLinalgConversionPatterns(RewritePatternSet &patterns);

/// Attaches linalg::AggregatedOpInterface (decomposeOperation = the functions
/// above) to the six norm ops, for transform.structured.decompose_interface.
void registerNormAggregatedOpInterfaceExternalModels(
    DialectRegistry &registry);

} // namespace norm
} // namespace mlir

#endif // NORM_CONVERSION_NORMTOLINALG_NORMTOLINALG_H
