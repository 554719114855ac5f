//===- SeeDNormMath.h - the derivative of SeeDNorm's tanh ---------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// SeeDNorm's gradient scales its seed path by tanh'(s) = 1 - t^2, t = tanh(s).
// Near saturation 1 - t^2 from an f32 t loses most of its digits: at s = 6,
// 1 - t^2 = 2.5e-5 while t's rounding error is 3e-8, 2e-3 of it (research/
// norms-math.md §7). Both lowerings (linalg and GPU) build it here, from s
// when they recompute the statistics and from a saved t otherwise.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_DIALECT_NORM_UTILS_SEEDNORMMATH_H
#define NORM_DIALECT_NORM_UTILS_SEEDNORMMATH_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

namespace mlir::norm {

/// tanh'(s) = sech^2(s) = 4 e / (1 + e)^2 with e = exp(-2 |s|) in (0, 1]:
/// no cancellation, NaN for a NaN s (maximumf propagates it). `s` is a float
/// scalar.
inline Value buildTanhDerivativeFromInput(OpBuilder &b, Location loc,
                                          Value s) {
  Type type = s.getType();
  auto constant = [&](double v) -> Value {
    return arith::ConstantOp::create(b, loc, type, b.getFloatAttr(type, v));
  };
  // Clamped where e would leave the normal range (f32: |s| > 43.5, where
  // sech^2 is below 1e-37 anyway; f64: |s| > 354): subnormal and
  // underflowing exponentials take slow paths in libm and in the FPU.
  double minArg = type.isF64() ? -708.0 : -87.0;
  Value arg = arith::MaximumFOp::create(
      b, loc,
      arith::MulFOp::create(b, loc, constant(-2.0),
                            math::AbsFOp::create(b, loc, s)),
      constant(minArg));
  Value e = math::ExpOp::create(b, loc, arg);
  Value onePlusE = arith::AddFOp::create(b, loc, constant(1.0), e);
  return arith::DivFOp::create(
      b, loc, arith::MulFOp::create(b, loc, constant(4.0), e),
      arith::MulFOp::create(b, loc, onePlusE, onePlusE));
}

/// tanh'(s) from a saved t = tanh(s): (1 - t)(1 + t), whose factors are
/// exact or nearly so; what t itself lost in rounding stays lost. `t` is a
/// float scalar.
inline Value buildTanhDerivativeFromOutput(OpBuilder &b, Location loc,
                                           Value t) {
  Type type = t.getType();
  Value one = arith::ConstantOp::create(b, loc, type, b.getFloatAttr(type, 1.0));
  return arith::MulFOp::create(b, loc, arith::SubFOp::create(b, loc, one, t),
                               arith::AddFOp::create(b, loc, one, t));
}

} // namespace mlir::norm

#endif // NORM_DIALECT_NORM_UTILS_SEEDNORMMATH_H
