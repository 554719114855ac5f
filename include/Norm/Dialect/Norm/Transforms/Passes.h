//===- Passes.h - norm dialect transformations ------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef NORM_DIALECT_NORM_TRANSFORMS_PASSES_H
#define NORM_DIALECT_NORM_TRANSFORMS_PASSES_H

#include "Norm/Dialect/Norm/IR/NormDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
namespace norm {

#define GEN_PASS_DECL
#include "Norm/Dialect/Norm/Transforms/Passes.h.inc"

/// Generates `@<name>_vjp` next to `func`, the reverse-mode gradient of
/// `func` (see the norm-autodiff pass). Emits a diagnostic naming the problem
/// and returns failure when `func` cannot be differentiated; the module is
/// then left unchanged.
FailureOr<func::FuncOp> generateVJP(func::FuncOp func);

#define GEN_PASS_REGISTRATION
#include "Norm/Dialect/Norm/Transforms/Passes.h.inc"

} // namespace norm
} // namespace mlir

#endif // NORM_DIALECT_NORM_TRANSFORMS_PASSES_H
