//===- NormOps.h - norm dialect ops -----------------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef NORM_DIALECT_NORM_IR_NORMOPS_H
#define NORM_DIALECT_NORM_IR_NORMOPS_H

#include "Norm/Dialect/Norm/IR/NormDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/STLExtras.h"

#include <cmath>

#define GET_OP_CLASSES
#include "Norm/Dialect/Norm/IR/NormOps.h.inc"

namespace mlir::norm {
/// The rows a norm op normalizes for an x of type `x`: the product of its
/// leading dims (1 for rank 1), or ShapedType::kDynamic when one of them is
/// dynamic. Statistics have this many entries.
inline int64_t getStaticRowCount(RankedTensorType x) {
  int64_t rows = 1;
  for (int64_t dim : x.getShape().drop_back()) {
    if (ShapedType::isDynamic(dim))
      return ShapedType::kDynamic;
    rows *= dim;
  }
  return rows;
}

/// Whether OpTy is a gradient op: (dy, x, params...[, stats]) ->
/// (dx, dparams...), where result i >= 1 has the type of operand i + 1.
template <typename OpTy>
constexpr bool kIsGradOp =
    llvm::is_one_of<OpTy, RMSNormGradOp, ScaleNormGradOp,
                    SeeDNormGradOp>::value;
} // namespace mlir::norm

#endif // NORM_DIALECT_NORM_IR_NORMOPS_H
