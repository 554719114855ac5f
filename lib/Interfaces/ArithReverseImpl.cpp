//===- ArithReverseImpl.cpp - VJP rules of arith ops ----------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The rules are written with arith ops on the operand types, so the same
// model differentiates tensor-level arithmetic (elementwise, same shapes) and
// the scalar payload of linalg ops.
//
//===----------------------------------------------------------------------===//

#include "Norm/Interfaces/ReverseOpImplementations.h"
#include "Norm/Interfaces/ReverseOpInterface.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/DialectRegistry.h"

using namespace mlir;
using namespace mlir::norm;

namespace {

/// Shared boilerplate: fetch the result cotangent and hand it to `Derived`.
template <typename Derived, typename OpTy>
struct UnaryResultReverseModel
    : public ReverseOpInterface::ExternalModel<Derived, OpTy> {
  LogicalResult buildReverse(Operation *op, OpBuilder &b,
                             ReverseModeContext &ctx) const {
    Value dc = ctx.getCotangent(op->getResult(0));
    if (!dc)
      return success();
    static_cast<const Derived *>(this)->emit(cast<OpTy>(op), b, ctx, dc);
    return success();
  }
};

/// c = a + b:  da += dc, db += dc.
struct AddFReverse : UnaryResultReverseModel<AddFReverse, arith::AddFOp> {
  void emit(arith::AddFOp op, OpBuilder &b, ReverseModeContext &ctx,
            Value dc) const {
    ctx.addCotangent(b, op.getLoc(), op.getLhs(), dc);
    ctx.addCotangent(b, op.getLoc(), op.getRhs(), dc);
  }
};

/// c = a - b:  da += dc, db -= dc.
struct SubFReverse : UnaryResultReverseModel<SubFReverse, arith::SubFOp> {
  void emit(arith::SubFOp op, OpBuilder &b, ReverseModeContext &ctx,
            Value dc) const {
    Location loc = op.getLoc();
    ctx.addCotangent(b, loc, op.getLhs(), dc);
    if (ctx.needsCotangent(op.getRhs()))
      ctx.addCotangent(b, loc, op.getRhs(), arith::NegFOp::create(b, loc, dc));
  }
};

/// c = a * b:  da += dc * b, db += dc * a.
struct MulFReverse : UnaryResultReverseModel<MulFReverse, arith::MulFOp> {
  void emit(arith::MulFOp op, OpBuilder &b, ReverseModeContext &ctx,
            Value dc) const {
    Location loc = op.getLoc();
    if (ctx.needsCotangent(op.getLhs()))
      ctx.addCotangent(b, loc, op.getLhs(),
                       arith::MulFOp::create(b, loc, dc, op.getRhs()));
    if (ctx.needsCotangent(op.getRhs()))
      ctx.addCotangent(b, loc, op.getRhs(),
                       arith::MulFOp::create(b, loc, dc, op.getLhs()));
  }
};

/// c = a / b:  da += dc / b, db -= (dc / b) * c.
struct DivFReverse : UnaryResultReverseModel<DivFReverse, arith::DivFOp> {
  void emit(arith::DivFOp op, OpBuilder &b, ReverseModeContext &ctx,
            Value dc) const {
    Location loc = op.getLoc();
    if (!ctx.needsCotangent(op.getLhs()) && !ctx.needsCotangent(op.getRhs()))
      return;
    Value dcOverB = arith::DivFOp::create(b, loc, dc, op.getRhs());
    ctx.addCotangent(b, loc, op.getLhs(), dcOverB);
    if (ctx.needsCotangent(op.getRhs())) {
      Value t = arith::MulFOp::create(b, loc, dcOverB, op.getResult());
      ctx.addCotangent(b, loc, op.getRhs(), arith::NegFOp::create(b, loc, t));
    }
  }
};

/// c = -a:  da -= dc.
struct NegFReverse : UnaryResultReverseModel<NegFReverse, arith::NegFOp> {
  void emit(arith::NegFOp op, OpBuilder &b, ReverseModeContext &ctx,
            Value dc) const {
    if (ctx.needsCotangent(op.getOperand()))
      ctx.addCotangent(b, op.getLoc(), op.getOperand(),
                       arith::NegFOp::create(b, op.getLoc(), dc));
  }
};

/// c = extf(a):  da += truncf(dc) (a cast transposes to the opposite cast).
struct ExtFReverse : UnaryResultReverseModel<ExtFReverse, arith::ExtFOp> {
  void emit(arith::ExtFOp op, OpBuilder &b, ReverseModeContext &ctx,
            Value dc) const {
    if (ctx.needsCotangent(op.getIn()))
      ctx.addCotangent(b, op.getLoc(), op.getIn(),
                       arith::TruncFOp::create(b, op.getLoc(),
                                               op.getIn().getType(), dc));
  }
};

/// c = truncf(a):  da += extf(dc).
struct TruncFReverse
    : UnaryResultReverseModel<TruncFReverse, arith::TruncFOp> {
  void emit(arith::TruncFOp op, OpBuilder &b, ReverseModeContext &ctx,
            Value dc) const {
    if (ctx.needsCotangent(op.getIn()))
      ctx.addCotangent(
          b, op.getLoc(), op.getIn(),
          arith::ExtFOp::create(b, op.getLoc(), op.getIn().getType(), dc));
  }
};

/// Constants have no operands: nothing flows back.
struct ConstantReverse
    : public ReverseOpInterface::ExternalModel<ConstantReverse,
                                               arith::ConstantOp> {
  LogicalResult buildReverse(Operation *, OpBuilder &,
                             ReverseModeContext &) const {
    return success();
  }
};

} // namespace

void norm::registerArithReverseOpInterfaceExternalModels(
    DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, arith::ArithDialect *) {
    arith::AddFOp::attachInterface<AddFReverse>(*ctx);
    arith::SubFOp::attachInterface<SubFReverse>(*ctx);
    arith::MulFOp::attachInterface<MulFReverse>(*ctx);
    arith::DivFOp::attachInterface<DivFReverse>(*ctx);
    arith::NegFOp::attachInterface<NegFReverse>(*ctx);
    arith::ExtFOp::attachInterface<ExtFReverse>(*ctx);
    arith::TruncFOp::attachInterface<TruncFReverse>(*ctx);
    arith::ConstantOp::attachInterface<ConstantReverse>(*ctx);
  });
}
