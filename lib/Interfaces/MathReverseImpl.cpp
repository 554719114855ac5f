//===- MathReverseImpl.cpp - VJP rules of math ops ------------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Rules reuse the primal result where the derivative is a function of it
// (tanh, exp, sqrt, rsqrt), so the reverse sweep needs no recomputation.
//
//===----------------------------------------------------------------------===//

#include "Norm/Interfaces/ReverseOpImplementations.h"
#include "Norm/Interfaces/ReverseOpInterface.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/DialectRegistry.h"

using namespace mlir;
using namespace mlir::norm;

namespace {

/// Unary rule: da += dc * f'(a), where `Derived::scale` builds dc * f'(a).
template <typename Derived, typename OpTy>
struct UnaryMathReverse
    : public ReverseOpInterface::ExternalModel<Derived, OpTy> {
  LogicalResult buildReverse(Operation *op, OpBuilder &b,
                             ReverseModeContext &ctx) const {
    Value dc = ctx.getCotangent(op->getResult(0));
    Value a = op->getOperand(0);
    if (!dc || !ctx.needsCotangent(a))
      return success();
    Value da = Derived::scale(b, op->getLoc(), a, op->getResult(0), dc);
    ctx.addCotangent(b, op->getLoc(), a, da);
    return success();
  }
};

/// y = tanh(a): da = dc * (1 - y^2), built as dc - (dc * y) * y so that no
/// constant of a possibly dynamic shape is needed.
struct TanhReverse : UnaryMathReverse<TanhReverse, math::TanhOp> {
  static Value scale(OpBuilder &b, Location loc, Value, Value y, Value dc) {
    Value dcy = arith::MulFOp::create(b, loc, dc, y);
    return arith::SubFOp::create(b, loc, dc,
                                 arith::MulFOp::create(b, loc, dcy, y));
  }
};

/// y = exp(a): da = dc * y.
struct ExpReverse : UnaryMathReverse<ExpReverse, math::ExpOp> {
  static Value scale(OpBuilder &b, Location loc, Value, Value y, Value dc) {
    return arith::MulFOp::create(b, loc, dc, y);
  }
};

/// y = log(a): da = dc / a.
struct LogReverse : UnaryMathReverse<LogReverse, math::LogOp> {
  static Value scale(OpBuilder &b, Location loc, Value a, Value, Value dc) {
    return arith::DivFOp::create(b, loc, dc, a);
  }
};

/// y = sqrt(a): da = dc * 0.5 / y.
struct SqrtReverse : UnaryMathReverse<SqrtReverse, math::SqrtOp> {
  static Value scale(OpBuilder &b, Location loc, Value, Value y, Value dc) {
    Value half = createConstantLike(b, loc, y, 0.5);
    Value scaled = arith::MulFOp::create(b, loc, dc, half);
    return arith::DivFOp::create(b, loc, scaled, y);
  }
};

/// y = rsqrt(a): da = dc * (-0.5) * y^3.
struct RsqrtReverse : UnaryMathReverse<RsqrtReverse, math::RsqrtOp> {
  static Value scale(OpBuilder &b, Location loc, Value, Value y, Value dc) {
    Value mhalf = createConstantLike(b, loc, y, -0.5);
    Value y2 = arith::MulFOp::create(b, loc, y, y);
    Value y3 = arith::MulFOp::create(b, loc, y2, y);
    Value scaled = arith::MulFOp::create(b, loc, dc, mhalf);
    return arith::MulFOp::create(b, loc, scaled, y3);
  }
};

} // namespace

void norm::registerMathReverseOpInterfaceExternalModels(
    DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, math::MathDialect *) {
    math::TanhOp::attachInterface<TanhReverse>(*ctx);
    math::ExpOp::attachInterface<ExpReverse>(*ctx);
    math::LogOp::attachInterface<LogReverse>(*ctx);
    math::SqrtOp::attachInterface<SqrtReverse>(*ctx);
    math::RsqrtOp::attachInterface<RsqrtReverse>(*ctx);
  });
}
