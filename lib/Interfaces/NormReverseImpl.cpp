//===- NormReverseImpl.cpp - VJP rules of the norm ops --------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// A forward norm op is augmented to return its per-row statistics (rstd,
// inv, {rstd, t}); its reverse rule is one fused norm.*_grad op that reads
// them instead of recomputing the row reductions. Cotangents of the
// statistics themselves (a model that uses rstd) are not supported: the
// fused grad ops only take dy.
//
//===----------------------------------------------------------------------===//

#include "Norm/Interfaces/ReverseOpImplementations.h"
#include "Norm/Interfaces/ReverseOpInterface.h"

#include "Norm/Dialect/Norm/IR/NormOps.h"

#include "mlir/IR/DialectRegistry.h"

using namespace mlir;
using namespace mlir::norm;

namespace {

/// The statistic type of `x` with the given trailing sizes: rows (leading
/// dimensions flattened, dynamic if any is) followed by `trailing`; f32, or
/// f64 for f64 input.
RankedTensorType getStatType(Value x, ArrayRef<int64_t> trailing = {}) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rows = 1;
  for (int64_t d : type.getShape().drop_back()) {
    if (ShapedType::isDynamic(d)) {
      rows = ShapedType::kDynamic;
      break;
    }
    rows *= d;
  }
  Type elt = type.getElementType();
  if (!elt.isF64())
    elt = Float32Type::get(x.getContext());
  SmallVector<int64_t> shape{rows};
  llvm::append_range(shape, trailing);
  return RankedTensorType::get(shape, elt);
}

/// The attributes a grad op shares with its forward op.
SmallVector<NamedAttribute> getForwardAttrs(Operation *op) {
  SmallVector<NamedAttribute> attrs;
  for (StringRef name : {"epsilon", "heads"})
    if (Attribute a = op->getAttr(name))
      attrs.emplace_back(StringAttr::get(op->getContext(), name), a);
  return attrs;
}

/// Recreates `op` with the statistics results `statTypes` appended.
template <typename OpTy>
Operation *withStats(OpTy op, OpBuilder &b, TypeRange statTypes) {
  SmallVector<Type> types{op.getY().getType()};
  llvm::append_range(types, statTypes);
  return OpTy::create(b, op.getLoc(), types, op->getOperands(),
                      getForwardAttrs(op))
      .getOperation();
}

LogicalResult rejectStatCotangent(Operation *op, ReverseModeContext &ctx) {
  for (Value stat : op->getResults().drop_front())
    if (ctx.getCotangent(stat))
      return op->emitError()
             << "norm-autodiff: cannot differentiate '" << op->getName()
             << "': its statistics results are used by differentiated code";
  return success();
}

struct RMSNormReverse
    : public ReverseOpInterface::ExternalModel<RMSNormReverse, RMSNormOp> {
  Operation *augmentPrimal(Operation *op, OpBuilder &b) const {
    auto norm = cast<RMSNormOp>(op);
    if (norm.getRstd())
      return op;
    return withStats(norm, b, {getStatType(norm.getX())});
  }

  LogicalResult buildReverse(Operation *op, OpBuilder &b,
                             ReverseModeContext &ctx) const {
    auto norm = cast<RMSNormOp>(op);
    if (failed(rejectStatCotangent(op, ctx)))
      return failure();
    Value dy = ctx.getCotangent(norm.getY());
    if (!dy)
      return success();
    SmallVector<Value> operands{dy, norm.getX(), norm.getWeight()};
    if (Value rstd = norm.getRstd())
      operands.push_back(rstd);
    auto grad = RMSNormGradOp::create(
        b, op->getLoc(),
        TypeRange{norm.getX().getType(), norm.getWeight().getType()}, operands,
        getForwardAttrs(op));
    ctx.addCotangent(b, op->getLoc(), norm.getX(), grad.getDx());
    ctx.addCotangent(b, op->getLoc(), norm.getWeight(), grad.getDweight());
    return success();
  }
};

struct ScaleNormReverse
    : public ReverseOpInterface::ExternalModel<ScaleNormReverse, ScaleNormOp> {
  Operation *augmentPrimal(Operation *op, OpBuilder &b) const {
    auto norm = cast<ScaleNormOp>(op);
    if (norm.getInv())
      return op;
    return withStats(norm, b, {getStatType(norm.getX())});
  }

  LogicalResult buildReverse(Operation *op, OpBuilder &b,
                             ReverseModeContext &ctx) const {
    auto norm = cast<ScaleNormOp>(op);
    if (failed(rejectStatCotangent(op, ctx)))
      return failure();
    Value dy = ctx.getCotangent(norm.getY());
    if (!dy)
      return success();
    SmallVector<Value> operands{dy, norm.getX(), norm.getG()};
    if (Value inv = norm.getInv())
      operands.push_back(inv);
    auto grad = ScaleNormGradOp::create(
        b, op->getLoc(),
        TypeRange{norm.getX().getType(), norm.getG().getType()}, operands,
        getForwardAttrs(op));
    ctx.addCotangent(b, op->getLoc(), norm.getX(), grad.getDx());
    ctx.addCotangent(b, op->getLoc(), norm.getG(), grad.getDg());
    return success();
  }
};

struct SeeDNormReverse
    : public ReverseOpInterface::ExternalModel<SeeDNormReverse, SeeDNormOp> {
  Operation *augmentPrimal(Operation *op, OpBuilder &b) const {
    auto norm = cast<SeeDNormOp>(op);
    if (!norm.getStats().empty())
      return op;
    return withStats(norm, b,
                     {getStatType(norm.getX()),
                      getStatType(norm.getX(), {norm.getNumHeads()})});
  }

  LogicalResult buildReverse(Operation *op, OpBuilder &b,
                             ReverseModeContext &ctx) const {
    auto norm = cast<SeeDNormOp>(op);
    if (failed(rejectStatCotangent(op, ctx)))
      return failure();
    Value dy = ctx.getCotangent(norm.getY());
    if (!dy)
      return success();
    SmallVector<Value> operands{dy, norm.getX(), norm.getAlpha(),
                                norm.getBeta(), norm.getGamma()};
    llvm::append_range(operands, norm.getStats());
    auto grad = SeeDNormGradOp::create(
        b, op->getLoc(),
        TypeRange{norm.getX().getType(), norm.getAlpha().getType(),
                  norm.getBeta().getType(), norm.getGamma().getType()},
        operands, getForwardAttrs(op));
    Location loc = op->getLoc();
    ctx.addCotangent(b, loc, norm.getX(), grad.getDx());
    ctx.addCotangent(b, loc, norm.getAlpha(), grad.getDalpha());
    ctx.addCotangent(b, loc, norm.getBeta(), grad.getDbeta());
    ctx.addCotangent(b, loc, norm.getGamma(), grad.getDgamma());
    return success();
  }
};

} // namespace

void norm::registerNormReverseOpInterfaceExternalModels(
    DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, NormDialect *) {
    RMSNormOp::attachInterface<RMSNormReverse>(*ctx);
    ScaleNormOp::attachInterface<ScaleNormReverse>(*ctx);
    SeeDNormOp::attachInterface<SeeDNormReverse>(*ctx);
  });
}

void norm::registerAllReverseOpInterfaceExternalModels(
    DialectRegistry &registry) {
  registerArithReverseOpInterfaceExternalModels(registry);
  registerMathReverseOpInterfaceExternalModels(registry);
  registerTensorReverseOpInterfaceExternalModels(registry);
  registerLinalgReverseOpInterfaceExternalModels(registry);
  registerNormReverseOpInterfaceExternalModels(registry);
}
