//===- ReverseOpImplementations.h - VJP rules, external models --*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Registration of the ReverseOpInterface external models. Each function adds
// a DialectRegistry extension that attaches the models when the dialect is
// loaded, so neither upstream dialects nor the norm dialect depend on the
// autodiff library (the Enzyme-MLIR convention).
//
//===----------------------------------------------------------------------===//

#ifndef NORM_INTERFACES_REVERSEOPIMPLEMENTATIONS_H
#define NORM_INTERFACES_REVERSEOPIMPLEMENTATIONS_H

namespace mlir {
class DialectRegistry;

namespace norm {

/// arith.addf/subf/mulf/divf/negf/extf/truncf (tensors and scalars) and
/// arith.constant (no cotangent).
void registerArithReverseOpInterfaceExternalModels(DialectRegistry &registry);

/// math.tanh/exp/log/sqrt/rsqrt.
void registerMathReverseOpInterfaceExternalModels(DialectRegistry &registry);

/// tensor.empty (no cotangent).
void registerTensorReverseOpInterfaceExternalModels(DialectRegistry &registry);

/// Structured linalg ops with tensor semantics: generic (its payload is
/// differentiated), matmul, batch_matmul, broadcast, transpose, reduce, map,
/// fill.
void registerLinalgReverseOpInterfaceExternalModels(DialectRegistry &registry);

/// norm.rmsnorm/scalenorm/seednorm: the forward op returns its statistics and
/// the reverse rule emits the fused norm.*_grad op that reuses them.
void registerNormReverseOpInterfaceExternalModels(DialectRegistry &registry);

/// All of the above.
void registerAllReverseOpInterfaceExternalModels(DialectRegistry &registry);

} // namespace norm
} // namespace mlir

#endif // NORM_INTERFACES_REVERSEOPIMPLEMENTATIONS_H
