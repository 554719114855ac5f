//===- NormOps.cpp - norm dialect op verifiers ----------------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Every verifier message names the offending operand or result and the shape
// or type it should have, so that a user can fix the IR from the message alone.
//
//===----------------------------------------------------------------------===//

#include "Norm/Dialect/Norm/IR/NormOps.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/Verifier.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::norm;

namespace {

/// Prints a shape as `[8, ?, 512]`.
std::string formatShape(ArrayRef<int64_t> shape) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "[";
  llvm::interleaveComma(shape, os, [&](int64_t d) {
    if (ShapedType::isDynamic(d))
      os << "?";
    else
      os << d;
  });
  os << "]";
  return s;
}

/// What the verifiers know about `x`: its type, D and the flattened row count
/// (dynamic when any leading dimension is).
struct RowLayout {
  RankedTensorType type;
  int64_t d = ShapedType::kDynamic;
  int64_t rows = ShapedType::kDynamic;

  Type statElementType() const {
    Type elt = type.getElementType();
    return elt.isF64() ? elt : Float32Type::get(type.getContext());
  }
};

FailureOr<RowLayout> verifyInput(Operation *op, StringRef name, Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getRank() < 1)
    return op->emitOpError() << "operand '" << name
                             << "' must have rank >= 1 (rows x D), got " << type;
  RowLayout layout;
  layout.type = type;
  layout.d = type.getShape().back();
  layout.rows = getStaticRowCount(type);
  return layout;
}

bool isCompatibleShape(ArrayRef<int64_t> actual, ArrayRef<int64_t> expected) {
  if (actual.size() != expected.size())
    return false;
  for (auto [a, e] : llvm::zip_equal(actual, expected))
    if (!ShapedType::isDynamic(a) && !ShapedType::isDynamic(e) && a != e)
      return false;
  return true;
}

/// `dy`, `y`, `dx` must have exactly the type of `x`.
LogicalResult verifySameTypeAsX(Operation *op, StringRef kind, StringRef name,
                                Value v, const RowLayout &x) {
  if (v.getType() == x.type)
    return success();
  return op->emitOpError() << kind << " '" << name
                           << "' must have the type of 'x' (" << x.type
                           << "), got " << v.getType();
}

/// A parameter has the shape `expected` and the element type of `x` or f32.
LogicalResult verifyParam(Operation *op, StringRef name, Value v,
                          ArrayRef<int64_t> expected, const RowLayout &x,
                          StringRef shapeWhy) {
  auto type = cast<RankedTensorType>(v.getType());
  if (!isCompatibleShape(type.getShape(), expected))
    return op->emitOpError() << "operand '" << name << "' must have shape "
                             << formatShape(expected) << " (" << shapeWhy
                             << "), got " << type;
  Type elt = type.getElementType();
  Type xElt = x.type.getElementType();
  if (elt != xElt && !elt.isF32())
    return op->emitOpError() << "operand '" << name << "' must have element type "
                             << xElt << " (that of 'x') or f32, got " << elt;
  return success();
}

/// A statistic has the shape `expected` and element type f32 (f64 for f64 x).
LogicalResult verifyStat(Operation *op, StringRef kind, StringRef name, Value v,
                         ArrayRef<int64_t> expected, const RowLayout &x) {
  auto type = cast<RankedTensorType>(v.getType());
  if (!isCompatibleShape(type.getShape(), expected))
    return op->emitOpError() << kind << " '" << name << "' must have shape "
                             << formatShape(expected)
                             << " (one entry per row of 'x'), got " << type;
  if (type.getElementType() != x.statElementType())
    return op->emitOpError() << kind << " '" << name << "' must have element type "
                             << x.statElementType() << ", got "
                             << type.getElementType();
  return success();
}

LogicalResult verifyEpsilon(Operation *op, FloatAttr eps) {
  if (eps && !(eps.getValueAsDouble() >= 0.0))
    return op->emitOpError() << "attribute 'epsilon' must be >= 0, got "
                             << eps.getValueAsDouble();
  return success();
}

LogicalResult verifyHeads(Operation *op, int64_t heads, const RowLayout &x) {
  if (heads < 1)
    return op->emitOpError() << "attribute 'heads' must be >= 1, got " << heads;
  if (!ShapedType::isDynamic(x.d) && x.d % heads != 0)
    return op->emitOpError() << "attribute 'heads' (" << heads
                             << ") must divide D, the size of the last "
                                "dimension of 'x' ("
                             << x.d << ")";
  return success();
}

/// The gradient of a parameter has exactly the parameter's type.
LogicalResult verifyParamGrad(Operation *op, StringRef name, Value grad,
                              StringRef paramName, Value param) {
  if (grad.getType() == param.getType())
    return success();
  return op->emitOpError() << "result '" << name << "' must have the type of '"
                           << paramName << "' (" << param.getType() << "), got "
                           << grad.getType();
}

constexpr StringLiteral kDWhy = "the size D of the last dimension of 'x'";

/// Rules shared by the forward ops: x, the y result and epsilon.
FailureOr<RowLayout> verifyForwardCommon(Operation *op, Value x, Value y,
                                         FloatAttr eps) {
  FailureOr<RowLayout> layout = verifyInput(op, "x", x);
  if (failed(layout) || failed(verifySameTypeAsX(op, "result", "y", y, *layout)) ||
      failed(verifyEpsilon(op, eps)))
    return failure();
  return layout;
}

/// Rules shared by the gradient ops: dy, x, dx and epsilon.
FailureOr<RowLayout> verifyGradCommon(Operation *op, Value dy, Value x,
                                      Value dx, FloatAttr eps) {
  FailureOr<RowLayout> layout = verifyInput(op, "x", x);
  if (failed(layout) ||
      failed(verifySameTypeAsX(op, "operand", "dy", dy, *layout)) ||
      failed(verifySameTypeAsX(op, "result", "dx", dx, *layout)) ||
      failed(verifyEpsilon(op, eps)))
    return failure();
  return layout;
}

} // namespace

//===----------------------------------------------------------------------===//
// Forward ops
//===----------------------------------------------------------------------===//

LogicalResult RMSNormOp::verify() {
  FailureOr<RowLayout> x =
      verifyForwardCommon(*this, getX(), getY(), getEpsilonAttr());
  if (failed(x) ||
      failed(verifyParam(*this, "weight", getWeight(), {x->d}, *x, kDWhy)))
    return failure();
  if (Value rstd = getRstd())
    return verifyStat(*this, "result", "rstd", rstd, {x->rows}, *x);
  return success();
}

LogicalResult ScaleNormOp::verify() {
  FailureOr<RowLayout> x =
      verifyForwardCommon(*this, getX(), getY(), getEpsilonAttr());
  if (failed(x) ||
      failed(verifyParam(*this, "g", getG(), {}, *x, "a scalar gain")))
    return failure();
  if (Value inv = getInv())
    return verifyStat(*this, "result", "inv", inv, {x->rows}, *x);
  return success();
}

namespace {
/// SeeDNorm parameters, heads and statistics, for the op and its gradient.
LogicalResult verifySeeDNormParams(Operation *op, const RowLayout &x,
                                   Value alpha, Value beta, Value gamma,
                                   int64_t heads, ValueRange stats,
                                   StringRef statsKind) {
  if (failed(verifyParam(op, "alpha", alpha, {x.d}, x, kDWhy)) ||
      failed(verifyParam(op, "beta", beta, {x.d}, x, kDWhy)) ||
      failed(verifyParam(op, "gamma", gamma, {x.d}, x, kDWhy)) ||
      failed(verifyHeads(op, heads, x)))
    return failure();
  if (stats.empty())
    return success();
  if (stats.size() != 2)
    return op->emitOpError() << "expects the statistics 'rstd' and 't' as "
                             << statsKind << "s, both or none, got "
                             << stats.size();
  if (failed(verifyStat(op, statsKind, "rstd", stats[0], {x.rows}, x)))
    return failure();
  return verifyStat(op, statsKind, "t", stats[1], {x.rows, heads}, x);
}
} // namespace

LogicalResult SeeDNormOp::verify() {
  FailureOr<RowLayout> x =
      verifyForwardCommon(*this, getX(), getY(), getEpsilonAttr());
  if (failed(x))
    return failure();
  return verifySeeDNormParams(*this, *x, getAlpha(), getBeta(), getGamma(),
                              getNumHeads(), getStats(), "result");
}

//===----------------------------------------------------------------------===//
// Gradient ops
//===----------------------------------------------------------------------===//

LogicalResult RMSNormGradOp::verify() {
  FailureOr<RowLayout> x =
      verifyGradCommon(*this, getDy(), getX(), getDx(), getEpsilonAttr());
  if (failed(x) ||
      failed(verifyParam(*this, "weight", getWeight(), {x->d}, *x, kDWhy)) ||
      failed(verifyParamGrad(*this, "dweight", getDweight(), "weight",
                             getWeight())))
    return failure();
  if (Value rstd = getRstd())
    return verifyStat(*this, "operand", "rstd", rstd, {x->rows}, *x);
  return success();
}

LogicalResult ScaleNormGradOp::verify() {
  FailureOr<RowLayout> x =
      verifyGradCommon(*this, getDy(), getX(), getDx(), getEpsilonAttr());
  if (failed(x) ||
      failed(verifyParam(*this, "g", getG(), {}, *x, "a scalar gain")) ||
      failed(verifyParamGrad(*this, "dg", getDg(), "g", getG())))
    return failure();
  if (Value inv = getInv())
    return verifyStat(*this, "operand", "inv", inv, {x->rows}, *x);
  return success();
}

LogicalResult SeeDNormGradOp::verify() {
  FailureOr<RowLayout> x =
      verifyGradCommon(*this, getDy(), getX(), getDx(), getEpsilonAttr());
  if (failed(x) ||
      failed(verifySeeDNormParams(*this, *x, getAlpha(), getBeta(), getGamma(),
                                  getNumHeads(), getStats(), "operand")) ||
      failed(verifyParamGrad(*this, "dalpha", getDalpha(), "alpha",
                             getAlpha())) ||
      failed(verifyParamGrad(*this, "dbeta", getDbeta(), "beta", getBeta())))
    return failure();
  return verifyParamGrad(*this, "dgamma", getDgamma(), "gamma", getGamma());
}

//===----------------------------------------------------------------------===//
// Canonicalization
//===----------------------------------------------------------------------===//

namespace {
/// `type` with the dynamic dims that `model` knows made static (same rank;
/// else `type` unchanged).
Type refineShape(Type type, ArrayRef<int64_t> model) {
  auto ranked = dyn_cast<RankedTensorType>(type);
  if (!ranked || ranked.getRank() != static_cast<int64_t>(model.size()))
    return type;
  SmallVector<int64_t> shape(ranked.getShape());
  for (auto [dim, known] : llvm::zip(shape, model))
    if (ShapedType::isDynamic(dim))
      dim = known;
  return ranked.clone(shape);
}

/// Folds `tensor.cast` operands whose source is more static into a norm op
/// (as upstream ops fold such casts): the op then sees the static sizes --
/// the verifier checks them (heads dividing D), and the lowering splits a
/// static D instead of emitting reshapes of dynamic sizes that the upstream
/// canonicalizer later folds badly. Results take the sizes their operands
/// now fix (y and dx those of x, parameter gradients those of their
/// parameter, statistics the row count) and are cast back to their old
/// types for the existing uses. Skipped when the refined op would not
/// verify (two operands now static with different D: the run-time checks of
/// the original report that).
template <typename OpTy>
struct FoldTensorCastIntoNormOp : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    SmallVector<Value> operands(op->getOperands());
    bool folded = false;
    for (Value &operand : operands)
      if (auto cast = operand.template getDefiningOp<tensor::CastOp>();
          cast && tensor::canFoldIntoConsumerOp(cast)) {
        operand = cast.getSource();
        folded = true;
      }
    if (!folded)
      return failure();

    constexpr bool isGrad = kIsGradOp<OpTy>;
    Value x = operands[isGrad ? 1 : 0];
    auto xType = cast<RankedTensorType>(x.getType());
    int64_t rows = getStaticRowCount(xType);
    SmallVector<Type> resultTypes;
    for (auto [i, result] : llvm::enumerate(op->getResults())) {
      Type type = result.getType();
      if (i == 0)
        type = refineShape(type, xType.getShape());
      else if (isGrad)
        type = refineShape(
            type, cast<RankedTensorType>(operands[i + 1].getType()).getShape());
      else {
        // A statistic: [rows] or [rows, heads].
        SmallVector<int64_t> model(cast<RankedTensorType>(type).getShape());
        if (!model.empty())
          model[0] = rows;
        type = refineShape(type, model);
      }
      resultTypes.push_back(type);
    }

    OperationState state(op.getLoc(), op->getName(), operands, resultTypes,
                         op->getAttrs());
    Operation *refined = Operation::create(state);
    {
      // A refined op that does not verify is not a fold: no diagnostic.
      ScopedDiagnosticHandler silence(op->getContext(),
                                      [](Diagnostic &) { return success(); });
      if (failed(verify(refined))) {
        refined->destroy();
        return failure();
      }
    }
    rewriter.insert(refined);
    SmallVector<Value> replacements;
    for (auto [old, now] : llvm::zip(op->getResults(), refined->getResults()))
      replacements.push_back(
          old.getType() == now.getType()
              ? Value(now)
              : tensor::CastOp::create(rewriter, op.getLoc(), old.getType(),
                                       now)
                    .getResult());
    rewriter.replaceOp(op, replacements);
    return success();
  }
};
} // namespace

#define NORM_CAST_FOLDING_CANONICALIZER(OpTy)                                  \
  void OpTy::getCanonicalizationPatterns(RewritePatternSet &patterns,          \
                                         MLIRContext *context) {               \
    patterns.add<FoldTensorCastIntoNormOp<OpTy>>(context);                     \
  }
NORM_CAST_FOLDING_CANONICALIZER(RMSNormOp)
NORM_CAST_FOLDING_CANONICALIZER(ScaleNormOp)
NORM_CAST_FOLDING_CANONICALIZER(SeeDNormOp)
NORM_CAST_FOLDING_CANONICALIZER(RMSNormGradOp)
NORM_CAST_FOLDING_CANONICALIZER(ScaleNormGradOp)
NORM_CAST_FOLDING_CANONICALIZER(SeeDNormGradOp)
#undef NORM_CAST_FOLDING_CANONICALIZER

#define GET_OP_CLASSES
#include "Norm/Dialect/Norm/IR/NormOps.cpp.inc"
