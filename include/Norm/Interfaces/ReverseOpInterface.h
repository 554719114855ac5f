//===- ReverseOpInterface.h - reverse-mode AD rules -------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// ReverseOpInterface (the VJP rule of one op) and ReverseModeContext, the
// state a reverse sweep shares with the rules: which values are active and
// the cotangents accumulated so far. The context plays the role of Enzyme's
// MGradientUtilsReverse, reduced to what value-semantics tensor code needs.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_INTERFACES_REVERSEOPINTERFACE_H
#define NORM_INTERFACES_REVERSEOPINTERFACE_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

namespace mlir {
namespace norm {

/// Cotangent bookkeeping of one reverse sweep over value-semantics code.
/// A value is active when it depends on a differentiated input; only active
/// floating-point values (tensors or scalars) carry cotangents. A missing
/// cotangent means zero, so rules never have to materialize zeros for paths
/// that do not reach an output.
class ReverseModeContext {
public:
  /// Marks `v` as depending on a differentiated input.
  void setActive(Value v) { active.insert(v); }
  bool isActive(Value v) const { return active.contains(v); }

  /// Whether a rule has to produce a cotangent contribution for `v`: it is
  /// active and of floating-point (tensor or scalar) type.
  bool needsCotangent(Value v) const;

  /// The cotangent accumulated for `v` so far; null when it is zero.
  Value getCotangent(Value v) const { return cotangents.lookup(v); }

  /// Adds `contribution` (same type as `v`) to the cotangent of `v`. A value
  /// used more than once receives several contributions: they are summed
  /// with `arith.addf` at the builder's insertion point. Contributions to
  /// inactive values are dropped.
  void addCotangent(OpBuilder &builder, Location loc, Value v,
                    Value contribution);

private:
  llvm::DenseSet<Value> active;
  llvm::DenseMap<Value, Value> cotangents;
};

/// Builds `tensor.empty` with the type (and dynamic sizes) of the ranked
/// tensor `like`.
Value createEmptyLike(OpBuilder &builder, Location loc, Value like);

/// Builds a value of the type of `like` (a float scalar or a ranked float
/// tensor) with every element equal to `value`: an `arith.constant` for
/// scalars and static shapes, `tensor.empty` + `linalg.fill` otherwise.
Value createConstantLike(OpBuilder &builder, Location loc, Value like,
                         double value);

/// Zeros of the type of `like`. Zero cotangents that must exist (a function
/// argument with no path to an output) are built as `tensor.empty` +
/// `linalg.fill`, which bufferizes without a global constant.
Value createZerosLike(OpBuilder &builder, Location loc, Value like);

} // namespace norm
} // namespace mlir

#include "Norm/Interfaces/ReverseOpInterface.h.inc"

#endif // NORM_INTERFACES_REVERSEOPINTERFACE_H
