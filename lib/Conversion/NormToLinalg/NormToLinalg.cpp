//===- NormToLinalg.cpp - decompose norm ops into linalg ------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Builds the linalg-on-tensors form of the six norm ops (math of
// shared/research/norms-math.md §2-§4) and the `convert-norm-to-linalg` pass.
// The structure of the emitted IR is documented in NormToLinalg.h; the CPU and
// GPU pipelines match on it, so keep it stable.
//
//===----------------------------------------------------------------------===//

#include "Norm/Conversion/NormToLinalg/NormToLinalg.h"

#include "Norm/Conversion/Passes.h"

#include "Norm/Dialect/Norm/IR/NormDialect.h"
#include "Norm/Dialect/Norm/IR/NormOps.h"
#include "Norm/Dialect/Norm/Utils/SeeDNormMath.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Transforms/DialectConversion.h"
#include "llvm/ADT/TypeSwitch.h"

namespace mlir {
namespace norm {
#define GEN_PASS_DEF_CONVERTNORMTOLINALGPASS
#include "Norm/Conversion/Passes.h.inc"
} // namespace norm
} // namespace mlir

using namespace mlir;
using namespace mlir::norm;

using utils::IteratorType;

//===----------------------------------------------------------------------===//
// Small builders
//===----------------------------------------------------------------------===//

namespace {

/// Body of a linalg.generic: receives the block arguments (inputs, then
/// outputs) and returns the values to yield.
using BodyFn =
    function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)>;

/// Converts a float scalar between precisions (extf when widening, truncf when
/// narrowing). Loads are widened to the accumulation type, stores narrowed.
Value castFloat(OpBuilder &b, Location loc, Value v, Type to) {
  Type from = v.getType();
  if (from == to)
    return v;
  if (cast<FloatType>(from).getWidth() < cast<FloatType>(to).getWidth())
    return arith::ExtFOp::create(b, loc, to, v);
  return arith::TruncFOp::create(b, loc, to, v);
}

Value floatConst(OpBuilder &b, Location loc, Type type, double value) {
  return arith::ConstantOp::create(b, loc, b.getFloatAttr(type, value));
}

/// The affine map (d0, ..., d{n-1}) -> (d{dims[0]}, d{dims[1]}, ...).
AffineMap dimsMap(MLIRContext *ctx, unsigned n, ArrayRef<int64_t> dims) {
  SmallVector<AffineExpr> exprs;
  for (int64_t d : dims)
    exprs.push_back(getAffineDimExpr(d, ctx));
  return AffineMap::get(n, 0, exprs, ctx);
}

/// The affine map (d0, ..., d{n-1}) -> (d{begin}, ..., d{end-1}).
AffineMap rangeMap(MLIRContext *ctx, unsigned n, int64_t begin, int64_t end) {
  SmallVector<int64_t> dims;
  for (int64_t d = begin; d < end; ++d)
    dims.push_back(d);
  return dimsMap(ctx, n, dims);
}

SmallVector<IteratorType> iterators(ArrayRef<std::pair<int64_t, IteratorType>>
                                        groups) {
  SmallVector<IteratorType> result;
  for (auto [count, kind] : groups)
    result.append(count, kind);
  return result;
}

/// A linalg.generic whose result types are the types of `outs`.
SmallVector<Value> buildGeneric(OpBuilder &b, Location loc, ValueRange ins,
                                ValueRange outs, ArrayRef<AffineMap> maps,
                                ArrayRef<IteratorType> iters, BodyFn body) {
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange(outs), ins, outs, maps, iters,
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        linalg::YieldOp::create(nb, nl, body(nb, nl, args));
      });
  // The norms' multiply-adds (row sums, gradient terms) may be contracted
  // into FMAs: fewer instructions and one rounding instead of two.
  auto contract =
      arith::FastMathFlagsAttr::get(b.getContext(), arith::FastMathFlags::contract);
  generic.getBody()->walk([&](Operation *op) {
    if (isa<arith::MulFOp, arith::AddFOp, arith::SubFOp>(op))
      cast<arith::ArithFastMathInterface>(op)->setAttr(
          cast<arith::ArithFastMathInterface>(op).getFastMathAttrName(),
          contract);
  });
  return SmallVector<Value>(generic.getResults());
}

Value emptyTensor(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                  Type elementType) {
  return tensor::EmptyOp::create(b, loc, sizes, elementType);
}

/// A tensor of the given sizes filled with 0 (the identity of the sums).
Value zeroTensor(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                 Type elementType) {
  Value zero = floatConst(b, loc, elementType, 0.0);
  Value empty = emptyTensor(b, loc, sizes, elementType);
  return linalg::FillOp::create(b, loc, ValueRange{zero}, ValueRange{empty})
      .getResult(0);
}

/// `size` as a float of type `type` (a constant when static).
Value sizeAsFloat(OpBuilder &b, Location loc, OpFoldResult size, Type type) {
  if (std::optional<int64_t> cst = getConstantIntValue(size))
    return floatConst(b, loc, type, static_cast<double>(*cst));
  Value i64 = arith::IndexCastOp::create(b, loc, b.getI64Type(),
                                         cast<Value>(size));
  return arith::UIToFPOp::create(b, loc, type, i64);
}

/// Inserts a tensor.cast to `type` when `v` does not already have it (static
/// and dynamic dimensions may differ between the computed and declared types).
Value castTensor(OpBuilder &b, Location loc, Value v, Type type) {
  if (v.getType() == type)
    return v;
  return tensor::CastOp::create(b, loc, type, v);
}

/// Elementwise element-type conversion of a whole tensor (one all-parallel
/// generic); the identity when the element type already matches.
Value convertElementType(OpBuilder &b, Location loc, Value v, Type elementType) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getElementType() == elementType)
    return v;
  MLIRContext *ctx = b.getContext();
  unsigned n = type.getRank();
  Value init = emptyTensor(b, loc, tensor::getMixedSizes(b, loc, v),
                           elementType);
  AffineMap id = AffineMap::getMultiDimIdentityMap(n, ctx);
  return buildGeneric(
      b, loc, v, init, {id, id}, iterators({{n, IteratorType::parallel}}),
      [&](OpBuilder &nb, Location nl, ValueRange a) -> SmallVector<Value> {
        return {castFloat(nb, nl, a[0], elementType)};
      })[0];
}

//===----------------------------------------------------------------------===//
// Row geometry
//===----------------------------------------------------------------------===//

/// What every decomposition needs to know about `x`: its sizes, the number of
/// leading (row) dims and the accumulation type.
struct RowGeometry {
  Value x;
  RankedTensorType xType;
  /// Number of leading dims (rank - 1); the loops of a row-wise generic are
  /// [lead..., D].
  int64_t lead = 0;
  SmallVector<OpFoldResult> xSizes;
  SmallVector<OpFoldResult> leadSizes;
  OpFoldResult dSize;
  /// f32, or f64 for f64 x.
  Type acc;
  /// D as a value of type `acc`.
  Value dFloat;

  /// The static shape of a leading-shape tensor with `extra` trailing dims.
  RankedTensorType leadType(ArrayRef<int64_t> extra, Type elementType) const {
    SmallVector<int64_t> shape(xType.getShape().drop_back());
    shape.append(extra.begin(), extra.end());
    return RankedTensorType::get(shape, elementType);
  }
};

/// Validates `x` (ranked, rank >= 1, float) and computes its geometry. Emits
/// the diagnostic on `op` and fails otherwise: reachable only for unverified
/// IR, since the verifier enforces the same rules.
FailureOr<RowGeometry> getRowGeometry(OpBuilder &b, Operation *op, Value x) {
  auto xType = dyn_cast<RankedTensorType>(x.getType());
  if (!xType || xType.getRank() < 1 ||
      !isa<FloatType>(xType.getElementType()))
    return op->emitOpError(
        "expected x to be a ranked tensor of rank >= 1 with a float element "
        "type, got ")
           << x.getType();
  Location loc = op->getLoc();
  RowGeometry g;
  g.x = x;
  g.xType = xType;
  g.lead = xType.getRank() - 1;
  g.xSizes = tensor::getMixedSizes(b, loc, x);
  g.leadSizes.assign(g.xSizes.begin(), g.xSizes.end() - 1);
  g.dSize = g.xSizes.back();
  g.acc = xType.getElementType().isF64() ? Type(b.getF64Type())
                                         : Type(b.getF32Type());
  g.dFloat = sizeAsFloat(b, loc, g.dSize, g.acc);
  return g;
}

/// Fails (with a diagnostic) unless every value is a ranked float tensor.
LogicalResult checkFloatTensors(Operation *op, ValueRange values) {
  for (Value v : values) {
    auto type = dyn_cast<RankedTensorType>(v.getType());
    if (!type || !isa<FloatType>(type.getElementType()))
      return op->emitOpError("expected a ranked float tensor operand, got ")
             << v.getType();
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Statistics reshapes
//===----------------------------------------------------------------------===//

/// Leading-shape statistic (+ `extra` trailing dims, 0 or 1) -> the op's
/// [rows(, heads)] result type: collapse the leading dims, or give a rank-1 x
/// its single row.
Value collapseRows(OpBuilder &b, Location loc, const RowGeometry &g, Value v,
                   int64_t extra, Type resultType) {
  SmallVector<ReassociationIndices> reassoc;
  if (g.lead == 0) {
    // 0-d -> [1], or [H] -> [1, H].
    if (extra == 1)
      reassoc.push_back({0, 1});
    auto vType = cast<RankedTensorType>(v.getType());
    SmallVector<int64_t> shape = {1};
    shape.append(vType.getShape().begin(), vType.getShape().end());
    SmallVector<OpFoldResult> sizes = {b.getIndexAttr(1)};
    llvm::append_range(sizes, tensor::getMixedSizes(b, loc, v));
    Value expanded = tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get(shape, vType.getElementType()), v,
        reassoc, sizes);
    return castTensor(b, loc, expanded, resultType);
  }
  if (g.lead == 1)
    return castTensor(b, loc, v, resultType);
  ReassociationIndices rows;
  for (int64_t d = 0; d < g.lead; ++d)
    rows.push_back(d);
  reassoc.push_back(rows);
  if (extra == 1)
    reassoc.push_back({g.lead});
  Value collapsed = tensor::CollapseShapeOp::create(b, loc, v, reassoc);
  return castTensor(b, loc, collapsed, resultType);
}

/// `src` expanded to `resultType` along `reassoc` with `sizes`: a
/// tensor.expand_shape, or a tensor.reshape to the same shape where a group
/// has more than one dynamic size (upstream MLIR 22's expand-strided-metadata
/// crashes on the memref.expand_shape such a group bufferizes to; a reshape
/// of the contiguous result lowers without it).
Value expandOrReshape(OpBuilder &b, Location loc, RankedTensorType resultType,
                      Value src, ArrayRef<ReassociationIndices> reassoc,
                      ArrayRef<OpFoldResult> sizes) {
  bool severalDynamicInAGroup = llvm::any_of(reassoc, [&](const auto &group) {
    return llvm::count_if(group, [&](int64_t d) {
             return resultType.isDynamicDim(d);
           }) > 1;
  });
  if (!severalDynamicInAGroup)
    return tensor::ExpandShapeOp::create(b, loc, resultType, src, reassoc,
                                         sizes);
  SmallVector<Value> shape =
      getValueOrCreateConstantIndexOp(b, loc, sizes);
  Value shapeTensor = tensor::FromElementsOp::create(b, loc, shape);
  return tensor::ReshapeOp::create(b, loc, resultType, src, shapeTensor);
}

/// The inverse of collapseRows for statistics passed to a gradient op:
/// [rows(, heads)] -> the leading shape of x (+ heads).
Value expandRows(OpBuilder &b, Location loc, const RowGeometry &g, Value s,
                 int64_t extra) {
  auto sType = cast<RankedTensorType>(s.getType());
  Type elementType = sType.getElementType();
  SmallVector<int64_t> extraShape(sType.getShape().drop_front());
  RankedTensorType target = g.leadType(extraShape, elementType);
  SmallVector<ReassociationIndices> reassoc;
  if (g.lead == 0) {
    // [1] -> 0-d, or [1, H] -> [H]; the unit dim must be static to collapse.
    SmallVector<int64_t> unitShape = {1};
    unitShape.append(extraShape);
    Value unit = castTensor(b, loc, s,
                            RankedTensorType::get(unitShape, elementType));
    if (extra == 1)
      reassoc.push_back({0, 1});
    return tensor::CollapseShapeOp::create(b, loc, target, unit, reassoc);
  }
  if (g.lead == 1)
    return castTensor(b, loc, s, target);
  // The [rows] dim is static only when every leading dim is.
  SmallVector<int64_t> rowsShape = {getStaticRowCount(g.xType)};
  rowsShape.append(extraShape);
  Value src = castTensor(b, loc, s, RankedTensorType::get(rowsShape,
                                                          elementType));
  ReassociationIndices rowGroup;
  for (int64_t d = 0; d < g.lead; ++d)
    rowGroup.push_back(d);
  reassoc.push_back(rowGroup);
  SmallVector<OpFoldResult> sizes(g.leadSizes);
  if (extra == 1) {
    reassoc.push_back({g.lead});
    sizes.push_back(tensor::getMixedSize(b, loc, s, 1));
  }
  return expandOrReshape(b, loc, target, src, reassoc, sizes);
}

//===----------------------------------------------------------------------===//
// Shared pieces of the forward and gradient decompositions
//===----------------------------------------------------------------------===//

/// (a) sum_j x_j^2 per row: fill 0 + generic [parallel..., reduction] into an
/// `acc` tensor of the leading shape.
Value buildSumOfSquares(OpBuilder &b, Location loc, const RowGeometry &g) {
  MLIRContext *ctx = b.getContext();
  unsigned n = g.lead + 1;
  Value init = zeroTensor(b, loc, g.leadSizes, g.acc);
  return buildGeneric(
      b, loc, g.x, init,
      {AffineMap::getMultiDimIdentityMap(n, ctx), rangeMap(ctx, n, 0, g.lead)},
      iterators({{g.lead, IteratorType::parallel},
                 {1, IteratorType::reduction}}),
      [&](OpBuilder &nb, Location nl, ValueRange a) -> SmallVector<Value> {
        Value xv = castFloat(nb, nl, a[0], g.acc);
        Value sq = arith::MulFOp::create(nb, nl, xv, xv);
        return {arith::AddFOp::create(nb, nl, a[1], sq)};
      })[0];
}

/// (b) per-row generic over the leading shape mapping one statistic to
/// another (all parallel).
Value buildRowMap(OpBuilder &b, Location loc, const RowGeometry &g, Value in,
                  function_ref<Value(OpBuilder &, Location, Value)> fn) {
  MLIRContext *ctx = b.getContext();
  unsigned n = g.lead;
  Value init = emptyTensor(b, loc, g.leadSizes, g.acc);
  AffineMap id = AffineMap::getMultiDimIdentityMap(n, ctx);
  return buildGeneric(
      b, loc, in, init, {id, id}, iterators({{n, IteratorType::parallel}}),
      [&](OpBuilder &nb, Location nl, ValueRange a) -> SmallVector<Value> {
        return {fn(nb, nl, a[0])};
      })[0];
}

/// rstd = rsqrt(ss / D + eps).
Value buildRstd(OpBuilder &b, Location loc, const RowGeometry &g, Value ss,
                double eps) {
  Value epsV = floatConst(b, loc, g.acc, eps);
  return buildRowMap(b, loc, g, ss,
                     [&](OpBuilder &nb, Location nl, Value v) -> Value {
                       Value mean = arith::DivFOp::create(nb, nl, v, g.dFloat);
                       Value sum = arith::AddFOp::create(nb, nl, mean, epsV);
                       return math::RsqrtOp::create(nb, nl, sum);
                     });
}

/// inv = 1 / maximumf(sqrt(ss), eps). maximumf propagates NaN (maxnumf would
/// turn a NaN row into a finite one, norms-math.md §7).
Value buildScaleInv(OpBuilder &b, Location loc, const RowGeometry &g, Value ss,
                    double eps) {
  Value epsV = floatConst(b, loc, g.acc, eps);
  Value one = floatConst(b, loc, g.acc, 1.0);
  return buildRowMap(b, loc, g, ss,
                     [&](OpBuilder &nb, Location nl, Value v) -> Value {
                       Value norm = math::SqrtOp::create(nb, nl, v);
                       Value clamped =
                           arith::MaximumFOp::create(nb, nl, norm, epsV);
                       return arith::DivFOp::create(nb, nl, one, clamped);
                     });
}

/// SeeDNorm works on x viewed as [lead..., heads, D/heads]; the parameters as
/// [heads, D/heads]. Loops of its generics are (lead..., h, j).
struct HeadGeometry {
  int64_t heads;
  OpFoldResult headSize;
  /// Number of loops: lead + 2.
  unsigned n;
  SmallVector<OpFoldResult> leadHeadSizes; // [lead..., H]
  SmallVector<OpFoldResult> expandedSizes; // [lead..., H, D/H]
};

HeadGeometry getHeadGeometry(OpBuilder &b, Location loc, const RowGeometry &g,
                             int64_t heads) {
  HeadGeometry h;
  h.heads = heads;
  h.n = g.lead + 2;
  if (std::optional<int64_t> d = getConstantIntValue(g.dSize)) {
    h.headSize = b.getIndexAttr(*d / heads);
  } else {
    Value hv = arith::ConstantIndexOp::create(b, loc, heads);
    h.headSize = arith::DivUIOp::create(b, loc, cast<Value>(g.dSize), hv)
                     .getResult();
  }
  h.leadHeadSizes = g.leadSizes;
  h.leadHeadSizes.push_back(b.getIndexAttr(heads));
  h.expandedSizes = h.leadHeadSizes;
  h.expandedSizes.push_back(h.headSize);
  return h;
}

/// Fails (with an error on `op`) when one of `rowValues` (x, dy or a [D]
/// parameter) is a tensor.cast, or a chain of them, of a tensor whose static
/// last dim `heads` does not divide. The verifier cannot see through the
/// casts to a dynamic D; the expand_shape into [heads, D/heads] would then
/// fold to an invalid static shape (the canonicalizer crashed on it).
LogicalResult checkHeadsDivideCastSources(Operation *op, ValueRange rowValues,
                                          int64_t heads) {
  for (Value v : rowValues) {
    for (auto cast = v.getDefiningOp<tensor::CastOp>(); cast;
         cast = cast.getSource().getDefiningOp<tensor::CastOp>()) {
      auto source = dyn_cast<RankedTensorType>(cast.getSource().getType());
      if (!source || source.getRank() == 0 ||
          ShapedType::isDynamic(source.getShape().back()))
        continue;
      int64_t d = source.getShape().back();
      if (d % heads != 0)
        return op->emitOpError("heads = ")
               << heads << " does not divide the normalized dimension ("
               << d << ", from the tensor.cast source " << source
               << " of an operand)";
    }
  }
  return success();
}

/// Splits the last dim of `v` (x-shaped or a [D] parameter) into
/// [heads, D/heads].
Value expandHeads(OpBuilder &b, Location loc, const HeadGeometry &h, Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  int64_t rank = type.getRank();
  int64_t d = type.getShape().back();
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, v);
  sizes.pop_back();
  sizes.push_back(b.getIndexAttr(h.heads));
  // A static D of `v` gives a static head size even where x's D (and so
  // h.headSize) is dynamic: parameters of static length beside a dynamic x.
  sizes.push_back(ShapedType::isDynamic(d) ? h.headSize
                                           : b.getIndexAttr(d / h.heads));
  SmallVector<int64_t> shape(type.getShape().drop_back());
  shape.push_back(h.heads);
  shape.push_back(ShapedType::isDynamic(d) ? ShapedType::kDynamic
                                           : d / h.heads);
  // Upstream MLIR 22's canonicalizer crashes folding a tensor.cast into an
  // expand_shape whose sizes have folded to constants (x: tensor<8x?xf32>
  // cast from 8x64, split by the heads): expand the cast's source, whose D
  // is static, and cast the result, the form that folding would give.
  if (auto castOp = v.getDefiningOp<tensor::CastOp>()) {
    auto source = dyn_cast<RankedTensorType>(castOp.getSource().getType());
    if (source && source.getRank() == rank &&
        ShapedType::isDynamic(type.getShape().back()) &&
        !source.isDynamicDim(rank - 1) &&
        source.getShape().back() % h.heads == 0) {
      HeadGeometry fromSource = h;
      fromSource.headSize =
          b.getIndexAttr(source.getShape().back() / h.heads);
      Value expanded = expandHeads(b, loc, fromSource, castOp.getSource());
      return tensor::CastOp::create(
          b, loc, RankedTensorType::get(shape, type.getElementType()),
          expanded);
    }
  }
  SmallVector<ReassociationIndices> reassoc;
  for (int64_t i = 0; i < rank - 1; ++i)
    reassoc.push_back({i});
  reassoc.push_back({rank - 1, rank});
  return tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), v, reassoc,
      sizes);
}

/// Merges the trailing [heads, D/heads] dims of `v` back into one.
Value collapseHeads(OpBuilder &b, Location loc, Value v, Type resultType) {
  int64_t rank = cast<RankedTensorType>(v.getType()).getRank();
  SmallVector<ReassociationIndices> reassoc;
  for (int64_t i = 0; i < rank - 2; ++i)
    reassoc.push_back({i});
  reassoc.push_back({rank - 2, rank - 1});
  Value collapsed = tensor::CollapseShapeOp::create(b, loc, v, reassoc);
  return castTensor(b, loc, collapsed, resultType);
}

struct SeeDStats {
  Value rstd;  // [lead...]
  Value t;     // [lead..., H]
  Value dtanh; // [lead..., H]: tanh'(s) = 1 - t^2, for gradients
};

/// SeeDNorm statistics: (a) one reduction over [lead..., H, D/H] with
/// iterators [parallel..., parallel, reduction] producing the per-head partial
/// sums of x^2 and the per-head dots x.beta; (b) sum of the partial sums over
/// heads ([parallel..., reduction]), rstd as RMSNorm, t = tanh(dot).
SeeDStats buildSeeDStats(OpBuilder &b, Location loc, const RowGeometry &g,
                         const HeadGeometry &h, Value xe, Value betaE,
                         double eps, bool withDerivative = false) {
  MLIRContext *ctx = b.getContext();
  unsigned n = h.n;
  AffineMap id = AffineMap::getMultiDimIdentityMap(n, ctx);
  AffineMap param = rangeMap(ctx, n, g.lead, g.lead + 2);
  AffineMap perHead = rangeMap(ctx, n, 0, g.lead + 1);
  SmallVector<Value> sums = buildGeneric(
      b, loc, {xe, betaE},
      {zeroTensor(b, loc, h.leadHeadSizes, g.acc),
       zeroTensor(b, loc, h.leadHeadSizes, g.acc)},
      {id, param, perHead, perHead},
      iterators({{g.lead + 1, IteratorType::parallel},
                 {1, IteratorType::reduction}}),
      [&](OpBuilder &nb, Location nl, ValueRange a) -> SmallVector<Value> {
        Value xv = castFloat(nb, nl, a[0], g.acc);
        Value bv = castFloat(nb, nl, a[1], g.acc);
        Value sq = arith::MulFOp::create(nb, nl, xv, xv);
        Value dot = arith::MulFOp::create(nb, nl, xv, bv);
        return {arith::AddFOp::create(nb, nl, a[2], sq),
                arith::AddFOp::create(nb, nl, a[3], dot)};
      });

  // Sum of squares over the heads.
  unsigned m = g.lead + 1;
  Value ss = buildGeneric(
      b, loc, sums[0], zeroTensor(b, loc, g.leadSizes, g.acc),
      {AffineMap::getMultiDimIdentityMap(m, ctx), rangeMap(ctx, m, 0, g.lead)},
      iterators({{g.lead, IteratorType::parallel},
                 {1, IteratorType::reduction}}),
      [&](OpBuilder &nb, Location nl, ValueRange a) -> SmallVector<Value> {
        return {arith::AddFOp::create(nb, nl, a[1], a[0])};
      })[0];

  SeeDStats stats;
  stats.rstd = buildRstd(b, loc, g, ss, eps);
  AffineMap idM = AffineMap::getMultiDimIdentityMap(m, ctx);
  // With the derivative (gradients), t and tanh'(s) from the same s.
  SmallVector<Value> inits{emptyTensor(b, loc, h.leadHeadSizes, g.acc)};
  if (withDerivative)
    inits.push_back(emptyTensor(b, loc, h.leadHeadSizes, g.acc));
  SmallVector<AffineMap> maps(inits.size() + 1, idM);
  SmallVector<Value> seed = buildGeneric(
      b, loc, sums[1], inits, maps, iterators({{m, IteratorType::parallel}}),
      [&](OpBuilder &nb, Location nl, ValueRange a) -> SmallVector<Value> {
        SmallVector<Value> out{math::TanhOp::create(nb, nl, a[0])};
        if (withDerivative)
          out.push_back(buildTanhDerivativeFromInput(nb, nl, a[0]));
        return out;
      });
  stats.t = seed[0];
  if (withDerivative)
    stats.dtanh = seed[1];
  return stats;
}

/// Parameter gradient accumulator [D] (sizes of the parameter) in `acc`.
Value paramAccumulator(OpBuilder &b, Location loc, Value param, Type acc) {
  return zeroTensor(b, loc, tensor::getMixedSizes(b, loc, param), acc);
}

/// Casts an `acc` parameter gradient to the element type and exact type of
/// the op result.
Value finishParamGrad(OpBuilder &b, Location loc, Value grad, Type resultType) {
  Type elementType = cast<RankedTensorType>(resultType).getElementType();
  return castTensor(b, loc, convertElementType(b, loc, grad, elementType),
                    resultType);
}

/// (c) of RMSNorm and ScaleNorm: y = param * x * stat, with the per-row
/// statistic `stat` (rstd or inv) and `param` the weight [D] or the 0-d gain;
/// then the op's results: y, and the statistic when `statResult` is set.
SmallVector<Value> buildScaledOutput(OpBuilder &b, Location loc,
                                     const RowGeometry &g, Value stat,
                                     Value param, Value yResult,
                                     Value statResult) {
  MLIRContext *ctx = b.getContext();
  unsigned n = g.lead + 1;
  Type yElem = g.xType.getElementType();
  AffineMap id = AffineMap::getMultiDimIdentityMap(n, ctx);
  AffineMap paramMap = cast<RankedTensorType>(param.getType()).getRank() == 0
                           ? AffineMap::get(n, 0, {}, ctx)
                           : dimsMap(ctx, n, {g.lead});
  Value y = buildGeneric(
      b, loc, {g.x, stat, param}, emptyTensor(b, loc, g.xSizes, yElem),
      {id, rangeMap(ctx, n, 0, g.lead), paramMap, id},
      iterators({{n, IteratorType::parallel}}),
      [&](OpBuilder &nb, Location nl, ValueRange a) -> SmallVector<Value> {
        Value xv = castFloat(nb, nl, a[0], g.acc);
        Value pv = castFloat(nb, nl, a[2], g.acc);
        Value xn = arith::MulFOp::create(nb, nl, xv, a[1]);
        Value v = arith::MulFOp::create(nb, nl, pv, xn);
        return {castFloat(nb, nl, v, yElem)};
      })[0];
  SmallVector<Value> results = {castTensor(b, loc, y, yResult.getType())};
  if (statResult)
    results.push_back(collapseRows(b, loc, g, stat, 0, statResult.getType()));
  return results;
}

} // namespace

//===----------------------------------------------------------------------===//
// Forward ops
//===----------------------------------------------------------------------===//

FailureOr<SmallVector<Value>> mlir::norm::decomposeRMSNormOp(OpBuilder &b,
                                                             RMSNormOp op) {
  if (failed(checkFloatTensors(op, op->getOperands())))
    return failure();
  Location loc = op.getLoc();
  FailureOr<RowGeometry> maybeG = getRowGeometry(b, op, op.getX());
  if (failed(maybeG))
    return failure();
  const RowGeometry &g = *maybeG;
  Value ss = buildSumOfSquares(b, loc, g);
  Value rstd = buildRstd(b, loc, g, ss, op.getEpsilonValue());
  return buildScaledOutput(b, loc, g, rstd, op.getWeight(), op.getY(),
                           op.getRstd());
}

FailureOr<SmallVector<Value>> mlir::norm::decomposeScaleNormOp(OpBuilder &b,
                                                               ScaleNormOp op) {
  if (failed(checkFloatTensors(op, op->getOperands())))
    return failure();
  Location loc = op.getLoc();
  FailureOr<RowGeometry> maybeG = getRowGeometry(b, op, op.getX());
  if (failed(maybeG))
    return failure();
  const RowGeometry &g = *maybeG;
  Value ss = buildSumOfSquares(b, loc, g);
  Value inv = buildScaleInv(b, loc, g, ss, op.getEpsilonValue());
  return buildScaledOutput(b, loc, g, inv, op.getG(), op.getY(), op.getInv());
}

FailureOr<SmallVector<Value>> mlir::norm::decomposeSeeDNormOp(OpBuilder &b,
                                                              SeeDNormOp op) {
  if (failed(checkFloatTensors(op, op->getOperands())))
    return failure();
  int64_t heads = op.getNumHeads();
  if (heads < 1)
    return op.emitOpError("expected heads >= 1, got ") << heads;
  if (failed(checkHeadsDivideCastSources(
          op, {op.getX(), op.getAlpha(), op.getBeta(), op.getGamma()}, heads)))
    return failure();
  Location loc = op.getLoc();
  FailureOr<RowGeometry> maybeG = getRowGeometry(b, op, op.getX());
  if (failed(maybeG))
    return failure();
  const RowGeometry &g = *maybeG;
  MLIRContext *ctx = b.getContext();
  HeadGeometry h = getHeadGeometry(b, loc, g, heads);

  Value xe = expandHeads(b, loc, h, g.x);
  Value alphaE = expandHeads(b, loc, h, op.getAlpha());
  Value betaE = expandHeads(b, loc, h, op.getBeta());
  Value gammaE = expandHeads(b, loc, h, op.getGamma());
  SeeDStats stats =
      buildSeeDStats(b, loc, g, h, xe, betaE, op.getEpsilonValue());

  // (c) y = (t_k alpha + gamma) * x * rstd over [lead..., H, D/H].
  unsigned n = h.n;
  Type yElem = g.xType.getElementType();
  AffineMap id = AffineMap::getMultiDimIdentityMap(n, ctx);
  AffineMap param = rangeMap(ctx, n, g.lead, g.lead + 2);
  Value ye = buildGeneric(
      b, loc, {xe, stats.rstd, stats.t, alphaE, gammaE},
      emptyTensor(b, loc, h.expandedSizes, yElem),
      {id, rangeMap(ctx, n, 0, g.lead), rangeMap(ctx, n, 0, g.lead + 1), param,
       param, id},
      iterators({{n, IteratorType::parallel}}),
      [&](OpBuilder &nb, Location nl, ValueRange a) -> SmallVector<Value> {
        Value xv = castFloat(nb, nl, a[0], g.acc);
        Value av = castFloat(nb, nl, a[3], g.acc);
        Value gv = castFloat(nb, nl, a[4], g.acc);
        Value gain = arith::AddFOp::create(
            nb, nl, arith::MulFOp::create(nb, nl, a[2], av), gv);
        Value xhat = arith::MulFOp::create(nb, nl, xv, a[1]);
        Value v = arith::MulFOp::create(nb, nl, gain, xhat);
        return {castFloat(nb, nl, v, yElem)};
      })[0];

  SmallVector<Value> results = {
      collapseHeads(b, loc, ye, op.getY().getType())};
  if (Value rstdResult = op.getRstd()) {
    results.push_back(
        collapseRows(b, loc, g, stats.rstd, 0, rstdResult.getType()));
    results.push_back(
        collapseRows(b, loc, g, stats.t, 1, op.getT().getType()));
  }
  return results;
}

//===----------------------------------------------------------------------===//
// Gradient ops
//===----------------------------------------------------------------------===//

FailureOr<SmallVector<Value>>
mlir::norm::decomposeRMSNormGradOp(OpBuilder &b, RMSNormGradOp op) {
  if (failed(checkFloatTensors(op, op->getOperands())))
    return failure();
  Location loc = op.getLoc();
  FailureOr<RowGeometry> maybeG = getRowGeometry(b, op, op.getX());
  if (failed(maybeG))
    return failure();
  const RowGeometry &g = *maybeG;
  MLIRContext *ctx = b.getContext();
  unsigned n = g.lead + 1;
  Type xElem = g.xType.getElementType();

  Value rstd;
  if (Value given = op.getRstd())
    rstd = convertElementType(b, loc, expandRows(b, loc, g, given, 0), g.acc);
  else
    rstd = buildRstd(b, loc, g, buildSumOfSquares(b, loc, g),
                     op.getEpsilonValue());

  AffineMap id = AffineMap::getMultiDimIdentityMap(n, ctx);
  AffineMap row = rangeMap(ctx, n, 0, g.lead);
  AffineMap last = dimsMap(ctx, n, {g.lead});

  // Row reduction: sum_j g_j x_j with g = dy * weight. It does not read
  // rstd (sum_j g_j xhat_j = rstd * sum_j g_j x_j), so it is independent of
  // the sum of squares and a row tile computes both in one sweep.
  Value gx = buildGeneric(
      b, loc, {op.getDy(), g.x, op.getWeight()},
      zeroTensor(b, loc, g.leadSizes, g.acc), {id, id, last, row},
      iterators({{g.lead, IteratorType::parallel},
                 {1, IteratorType::reduction}}),
      [&](OpBuilder &nb, Location nl, ValueRange a) -> SmallVector<Value> {
        Value dy = castFloat(nb, nl, a[0], g.acc);
        Value xv = castFloat(nb, nl, a[1], g.acc);
        Value wv = castFloat(nb, nl, a[2], g.acc);
        Value gv = arith::MulFOp::create(nb, nl, dy, wv);
        Value prod = arith::MulFOp::create(nb, nl, gv, xv);
        return {arith::AddFOp::create(nb, nl, a[3], prod)};
      })[0];

  // dx = rstd * (g - xhat * mean(g xhat)), mean(g xhat) = rstd * gx / D.
  Value one = floatConst(b, loc, g.acc, 1.0);
  Value invD = arith::DivFOp::create(b, loc, one, g.dFloat);
  Value dx = buildGeneric(
      b, loc, {op.getDy(), g.x, op.getWeight(), rstd, gx},
      emptyTensor(b, loc, g.xSizes, xElem), {id, id, last, row, row, id},
      iterators({{n, IteratorType::parallel}}),
      [&](OpBuilder &nb, Location nl, ValueRange a) -> SmallVector<Value> {
        Value dy = castFloat(nb, nl, a[0], g.acc);
        Value xv = castFloat(nb, nl, a[1], g.acc);
        Value wv = castFloat(nb, nl, a[2], g.acc);
        Value gv = arith::MulFOp::create(nb, nl, dy, wv);
        Value xhat = arith::MulFOp::create(nb, nl, xv, a[3]);
        Value gxOverD = arith::MulFOp::create(nb, nl, a[4], invD);
        Value mean = arith::MulFOp::create(nb, nl, a[3], gxOverD);
        Value corr = arith::MulFOp::create(nb, nl, xhat, mean);
        Value diff = arith::SubFOp::create(nb, nl, gv, corr);
        Value v = arith::MulFOp::create(nb, nl, a[3], diff);
        return {castFloat(nb, nl, v, xElem)};
      })[0];

  // dweight = sum_rows dy * xhat: [reduction..., parallel].
  Value dw = buildGeneric(
      b, loc, {op.getDy(), g.x, rstd},
      paramAccumulator(b, loc, op.getWeight(), g.acc), {id, id, row, last},
      iterators({{g.lead, IteratorType::reduction},
                 {1, IteratorType::parallel}}),
      [&](OpBuilder &nb, Location nl, ValueRange a) -> SmallVector<Value> {
        Value dy = castFloat(nb, nl, a[0], g.acc);
        Value xv = castFloat(nb, nl, a[1], g.acc);
        Value xhat = arith::MulFOp::create(nb, nl, xv, a[2]);
        Value prod = arith::MulFOp::create(nb, nl, dy, xhat);
        return {arith::AddFOp::create(nb, nl, a[3], prod)};
      })[0];

  return SmallVector<Value>{
      castTensor(b, loc, dx, op.getDx().getType()),
      finishParamGrad(b, loc, dw, op.getDweight().getType())};
}

FailureOr<SmallVector<Value>>
mlir::norm::decomposeScaleNormGradOp(OpBuilder &b, ScaleNormGradOp op) {
  if (failed(checkFloatTensors(op, op->getOperands())))
    return failure();
  Location loc = op.getLoc();
  FailureOr<RowGeometry> maybeG = getRowGeometry(b, op, op.getX());
  if (failed(maybeG))
    return failure();
  const RowGeometry &g = *maybeG;
  MLIRContext *ctx = b.getContext();
  unsigned n = g.lead + 1;
  Type xElem = g.xType.getElementType();
  double eps = op.getEpsilonValue();

  Value inv;
  if (Value given = op.getInv())
    inv = convertElementType(b, loc, expandRows(b, loc, g, given, 0), g.acc);
  else
    inv = buildScaleInv(b, loc, g, buildSumOfSquares(b, loc, g), eps);

  AffineMap id = AffineMap::getMultiDimIdentityMap(n, ctx);
  AffineMap row = rangeMap(ctx, n, 0, g.lead);

  // Row reduction: sdx = sum_j dy_j x_j, so that s = sum_j dy_j xu_j (with
  // xu = x * inv) is sdx * inv. It does not read inv: a row tile computes it
  // in the same sweep as the sum of squares.
  Value sdx = buildGeneric(
      b, loc, {op.getDy(), g.x}, zeroTensor(b, loc, g.leadSizes, g.acc),
      {id, id, row},
      iterators({{g.lead, IteratorType::parallel},
                 {1, IteratorType::reduction}}),
      [&](OpBuilder &nb, Location nl, ValueRange a) -> SmallVector<Value> {
        Value dy = castFloat(nb, nl, a[0], g.acc);
        Value xv = castFloat(nb, nl, a[1], g.acc);
        Value prod = arith::MulFOp::create(nb, nl, dy, xv);
        return {arith::AddFOp::create(nb, nl, a[2], prod)};
      })[0];

  // dx: unclamped rows g * inv * (dy - xu * s); clamped rows (n < eps, where
  // the forward computed inv = 1/eps) g * dy / eps since the clamp stops the
  // gradient through the norm. The test reads inv, so it gives the same answer
  // whether inv was passed or recomputed; a NaN row fails it and stays NaN.
  // Both are dx = a * dy - c * x with per-row coefficients (unclamped:
  // a = g inv, c = g inv^3 s; clamped: a = g / eps, c = 0), computed by an op
  // over rows, so that the op over elements is a multiply and an FMA: the
  // test, the select and g's load stay out of the loop along D (a
  // per-element select on a per-row condition became a byte insert per lane
  // on AVX2, and g * dy / eps a division per element).
  Value epsV = floatConst(b, loc, g.acc, eps);
  Value one = floatConst(b, loc, g.acc, 1.0);
  Value zero = floatConst(b, loc, g.acc, 0.0);
  Value clampInv = arith::DivFOp::create(b, loc, one, epsV);
  AffineMap rowId = AffineMap::getMultiDimIdentityMap(g.lead, ctx);
  AffineMap rowScalar = AffineMap::get(g.lead, 0, {}, ctx);
  SmallVector<Value> coefficients = buildGeneric(
      b, loc, {op.getG(), inv, sdx},
      {emptyTensor(b, loc, g.leadSizes, g.acc),
       emptyTensor(b, loc, g.leadSizes, g.acc)},
      {rowScalar, rowId, rowId, rowId, rowId},
      iterators({{g.lead, IteratorType::parallel}}),
      [&](OpBuilder &nb, Location nl, ValueRange a) -> SmallVector<Value> {
        Value gv = castFloat(nb, nl, a[0], g.acc);
        Value iv = a[1];
        // With eps = 0 no norm is below it: a zero row has inv = inf, the
        // test would hold, and dx = g dy / 0 = +-inf where the math gives
        // NaN (0 * inf).
        Value isClamped =
            eps > 0.0 ? Value(arith::CmpFOp::create(
                            nb, nl, arith::CmpFPredicate::OGE, iv, clampInv))
                      : Value(arith::ConstantIntOp::create(nb, nl, 0, 1));
        Value scale = arith::MulFOp::create(nb, nl, gv, iv);
        Value sv = arith::MulFOp::create(
            nb, nl, arith::MulFOp::create(nb, nl, a[2], iv), iv);
        Value dyCoeff = arith::SelectOp::create(
            nb, nl, isClamped, arith::DivFOp::create(nb, nl, gv, epsV), scale);
        Value xCoeff = arith::SelectOp::create(
            nb, nl, isClamped, zero, arith::MulFOp::create(nb, nl, scale, sv));
        return {dyCoeff, xCoeff};
      });
  Value dx = buildGeneric(
      b, loc, {op.getDy(), g.x, coefficients[0], coefficients[1]},
      emptyTensor(b, loc, g.xSizes, xElem), {id, id, row, row, id},
      iterators({{n, IteratorType::parallel}}),
      [&](OpBuilder &nb, Location nl, ValueRange a) -> SmallVector<Value> {
        Value dy = castFloat(nb, nl, a[0], g.acc);
        Value xv = castFloat(nb, nl, a[1], g.acc);
        Value v = arith::SubFOp::create(
            nb, nl, arith::MulFOp::create(nb, nl, a[2], dy),
            arith::MulFOp::create(nb, nl, a[3], xv));
        return {castFloat(nb, nl, v, xElem)};
      })[0];

  // dg = sum over all elements of dy * x * inv = sum_rows sdx * inv: a full
  // reduction (all iterators reduction) of the row sums into a 0-d
  // accumulator.
  AffineMap idRows = AffineMap::getMultiDimIdentityMap(g.lead, ctx);
  Value dg = buildGeneric(
      b, loc, {sdx, inv}, zeroTensor(b, loc, {}, g.acc),
      {idRows, idRows, AffineMap::get(g.lead, 0, {}, ctx)},
      iterators({{g.lead, IteratorType::reduction}}),
      [&](OpBuilder &nb, Location nl, ValueRange a) -> SmallVector<Value> {
        Value sv = arith::MulFOp::create(nb, nl, a[0], a[1]);
        return {arith::AddFOp::create(nb, nl, a[2], sv)};
      })[0];

  return SmallVector<Value>{castTensor(b, loc, dx, op.getDx().getType()),
                            finishParamGrad(b, loc, dg, op.getDg().getType())};
}

FailureOr<SmallVector<Value>>
mlir::norm::decomposeSeeDNormGradOp(OpBuilder &b, SeeDNormGradOp op) {
  if (failed(checkFloatTensors(op, op->getOperands())))
    return failure();
  int64_t heads = op.getNumHeads();
  if (heads < 1)
    return op.emitOpError("expected heads >= 1, got ") << heads;
  if (op.getStats().size() != 0 && op.getStats().size() != 2)
    return op.emitOpError("expected no statistics or both rstd and t, got ")
           << op.getStats().size() << " operands";
  if (failed(checkHeadsDivideCastSources(op,
                                         {op.getDy(), op.getX(), op.getAlpha(),
                                          op.getBeta(), op.getGamma()},
                                         heads)))
    return failure();
  Location loc = op.getLoc();
  FailureOr<RowGeometry> maybeG = getRowGeometry(b, op, op.getX());
  if (failed(maybeG))
    return failure();
  const RowGeometry &g = *maybeG;
  MLIRContext *ctx = b.getContext();
  HeadGeometry h = getHeadGeometry(b, loc, g, heads);
  unsigned n = h.n;
  Type xElem = g.xType.getElementType();

  Value xe = expandHeads(b, loc, h, g.x);
  Value dye = expandHeads(b, loc, h, op.getDy());
  Value alphaE = expandHeads(b, loc, h, op.getAlpha());
  Value betaE = expandHeads(b, loc, h, op.getBeta());
  Value gammaE = expandHeads(b, loc, h, op.getGamma());

  SeeDStats stats;
  if (op.getRstd()) {
    stats.rstd =
        convertElementType(b, loc, expandRows(b, loc, g, op.getRstd(), 0),
                           g.acc);
    stats.t = convertElementType(b, loc, expandRows(b, loc, g, op.getT(), 1),
                                 g.acc);
    AffineMap idT = AffineMap::getMultiDimIdentityMap(g.lead + 1, ctx);
    stats.dtanh = buildGeneric(
        b, loc, stats.t, emptyTensor(b, loc, h.leadHeadSizes, g.acc),
        {idT, idT}, iterators({{g.lead + 1, IteratorType::parallel}}),
        [&](OpBuilder &nb, Location nl, ValueRange a) -> SmallVector<Value> {
          return {buildTanhDerivativeFromOutput(nb, nl, a[0])};
        })[0];
  } else {
    stats = buildSeeDStats(b, loc, g, h, xe, betaE, op.getEpsilonValue(),
                           /*withDerivative=*/true);
  }

  AffineMap id = AffineMap::getMultiDimIdentityMap(n, ctx);
  AffineMap row = rangeMap(ctx, n, 0, g.lead);
  AffineMap perHead = rangeMap(ctx, n, 0, g.lead + 1);
  AffineMap param = rangeMap(ctx, n, g.lead, g.lead + 2);

  // Row reductions per head that do not read the statistics (so a row tile
  // computes them in the same sweep as the statistics):
  //   P_k = sum_{j in k} alpha_j dy_j x_j,  Q_k = sum_{j in k} gamma_j dy_j x_j.
  // With u = dy * xhat and c = t_k alpha + gamma, the sums of the gradient are
  //   A_k = sum alpha_j u_j = rstd P_k,  S_k = sum c_j u_j = rstd (t_k P_k + Q_k).
  SmallVector<Value> headSums = buildGeneric(
      b, loc, {dye, xe, alphaE, gammaE},
      {zeroTensor(b, loc, h.leadHeadSizes, g.acc),
       zeroTensor(b, loc, h.leadHeadSizes, g.acc)},
      {id, id, param, param, perHead, perHead},
      iterators({{g.lead + 1, IteratorType::parallel},
                 {1, IteratorType::reduction}}),
      [&](OpBuilder &nb, Location nl, ValueRange a) -> SmallVector<Value> {
        Value dy = castFloat(nb, nl, a[0], g.acc);
        Value xv = castFloat(nb, nl, a[1], g.acc);
        Value av = castFloat(nb, nl, a[2], g.acc);
        Value gv = castFloat(nb, nl, a[3], g.acc);
        Value dyx = arith::MulFOp::create(nb, nl, dy, xv);
        Value p = arith::MulFOp::create(nb, nl, av, dyx);
        Value q = arith::MulFOp::create(nb, nl, gv, dyx);
        return {arith::AddFOp::create(nb, nl, a[4], p),
                arith::AddFOp::create(nb, nl, a[5], q)};
      });
  Value headP = headSums[0];

  // S = sum_k S_k = rstd sum_k (t_k P_k + Q_k).
  unsigned m = g.lead + 1;
  AffineMap idM = AffineMap::getMultiDimIdentityMap(m, ctx);
  AffineMap rowM = rangeMap(ctx, m, 0, g.lead);
  Value sTotal = buildGeneric(
      b, loc, {headSums[0], headSums[1], stats.rstd, stats.t},
      zeroTensor(b, loc, g.leadSizes, g.acc), {idM, idM, rowM, idM, rowM},
      iterators({{g.lead, IteratorType::parallel},
                 {1, IteratorType::reduction}}),
      [&](OpBuilder &nb, Location nl, ValueRange a) -> SmallVector<Value> {
        Value tp = arith::MulFOp::create(nb, nl, a[3], a[0]);
        Value sk = arith::MulFOp::create(
            nb, nl, a[2], arith::AddFOp::create(nb, nl, tp, a[1]));
        return {arith::AddFOp::create(nb, nl, a[4], sk)};
      })[0];

  // dx = rstd (dy c - xhat S / D) + (1 - t^2) A beta.
  Value one = floatConst(b, loc, g.acc, 1.0);
  Value invD = arith::DivFOp::create(b, loc, one, g.dFloat);
  Value dxe = buildGeneric(
      b, loc, {dye, xe, alphaE, betaE, gammaE, stats.rstd, stats.t, headP,
               sTotal, stats.dtanh},
      emptyTensor(b, loc, h.expandedSizes, xElem),
      {id, id, param, param, param, row, perHead, perHead, row, perHead, id},
      iterators({{n, IteratorType::parallel}}),
      [&](OpBuilder &nb, Location nl, ValueRange a) -> SmallVector<Value> {
        Value dy = castFloat(nb, nl, a[0], g.acc);
        Value xv = castFloat(nb, nl, a[1], g.acc);
        Value av = castFloat(nb, nl, a[2], g.acc);
        Value bv = castFloat(nb, nl, a[3], g.acc);
        Value gv = castFloat(nb, nl, a[4], g.acc);
        Value r = a[5], t = a[6], total = a[8];
        Value headSum = arith::MulFOp::create(nb, nl, r, a[7]); // A_k
        Value gain = arith::AddFOp::create(
            nb, nl, arith::MulFOp::create(nb, nl, t, av), gv);
        Value xhat = arith::MulFOp::create(nb, nl, xv, r);
        Value dyc = arith::MulFOp::create(nb, nl, dy, gain);
        Value mean = arith::MulFOp::create(nb, nl, total, invD);
        Value corr = arith::MulFOp::create(nb, nl, xhat, mean);
        Value rms = arith::MulFOp::create(
            nb, nl, r, arith::SubFOp::create(nb, nl, dyc, corr));
        Value seed = arith::MulFOp::create(
            nb, nl, arith::MulFOp::create(nb, nl, a[9], headSum), bv);
        Value v = arith::AddFOp::create(nb, nl, rms, seed);
        return {castFloat(nb, nl, v, xElem)};
      })[0];

  // Parameter gradients over [lead..., H, D/H], iterators
  // [reduction..., parallel, parallel]:
  //   dalpha = sum t u, dbeta = sum (1 - t^2) A x, dgamma = sum u.
  auto paramInit = [&](Value expandedParam) {
    return zeroTensor(b, loc, tensor::getMixedSizes(b, loc, expandedParam),
                      g.acc);
  };
  SmallVector<Value> pgrads = buildGeneric(
      b, loc, {dye, xe, stats.rstd, stats.t, headP, stats.dtanh},
      {paramInit(alphaE), paramInit(betaE), paramInit(gammaE)},
      {id, id, row, perHead, perHead, perHead, param, param, param},
      iterators({{g.lead, IteratorType::reduction},
                 {2, IteratorType::parallel}}),
      [&](OpBuilder &nb, Location nl, ValueRange a) -> SmallVector<Value> {
        Value dy = castFloat(nb, nl, a[0], g.acc);
        Value xv = castFloat(nb, nl, a[1], g.acc);
        Value r = a[2], t = a[3];
        Value headSum = arith::MulFOp::create(nb, nl, r, a[4]); // A_k
        Value u = arith::MulFOp::create(
            nb, nl, dy, arith::MulFOp::create(nb, nl, xv, r));
        Value db = arith::MulFOp::create(
            nb, nl, arith::MulFOp::create(nb, nl, a[5], headSum), xv);
        return {arith::AddFOp::create(nb, nl, a[6],
                                      arith::MulFOp::create(nb, nl, t, u)),
                arith::AddFOp::create(nb, nl, a[7], db),
                arith::AddFOp::create(nb, nl, a[8], u)};
      });

  auto finish = [&](Value grad, Value result) {
    auto resultType = cast<RankedTensorType>(result.getType());
    Value flat = collapseHeads(
        b, loc, grad,
        RankedTensorType::get(resultType.getShape(), g.acc));
    return finishParamGrad(b, loc, flat, resultType);
  };
  return SmallVector<Value>{
      collapseHeads(b, loc, dxe, op.getDx().getType()),
      finish(pgrads[0], op.getDalpha()), finish(pgrads[1], op.getDbeta()),
      finish(pgrads[2], op.getDgamma())};
}

//===----------------------------------------------------------------------===//
// Dispatch, patterns and the pass
//===----------------------------------------------------------------------===//

FailureOr<SmallVector<Value>> mlir::norm::decomposeNormOp(OpBuilder &b,
                                                          Operation *op) {
  return llvm::TypeSwitch<Operation *, FailureOr<SmallVector<Value>>>(op)
      .Case([&](RMSNormOp o) { return decomposeRMSNormOp(b, o); })
      .Case([&](ScaleNormOp o) { return decomposeScaleNormOp(b, o); })
      .Case([&](SeeDNormOp o) { return decomposeSeeDNormOp(b, o); })
      .Case([&](RMSNormGradOp o) { return decomposeRMSNormGradOp(b, o); })
      .Case([&](ScaleNormGradOp o) { return decomposeScaleNormGradOp(b, o); })
      .Case([&](SeeDNormGradOp o) { return decomposeSeeDNormGradOp(b, o); })
      .Default([](Operation *other) -> FailureOr<SmallVector<Value>> {
        return other->emitOpError("is not a norm op with a linalg "
                                  "decomposition");
      });
}

namespace {
/// Replaces one norm op with its decomposition.
template <typename OpTy>
struct DecomposeNormOpPattern : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    FailureOr<SmallVector<Value>> results =
        decomposeNormOp(rewriter, op.getOperation());
    if (failed(results))
      return failure();
    rewriter.replaceOp(op, *results);
    return success();
  }
};

/// A gradient of x with several leading dims is rewritten as the gradient of
/// x collapsed to [rows, D] (a free reshape of a contiguous tensor): its
/// parameter gradients then reduce over one row dim, which the CPU pipeline
/// tiles in one pass over the rows.
template <typename OpTy>
struct FlattenGradRowsPattern : OpRewritePattern<OpTy> {
  FlattenGradRowsPattern(MLIRContext *ctx)
      : OpRewritePattern<OpTy>(ctx, /*benefit=*/2) {}
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    auto xType = dyn_cast<RankedTensorType>(op.getX().getType());
    auto dyType = dyn_cast<RankedTensorType>(op.getDy().getType());
    if (!xType || !dyType || xType.getRank() <= 2 ||
        dyType.getRank() != xType.getRank())
      return failure();
    Location loc = op.getLoc();
    SmallVector<ReassociationIndices> reassociation(2);
    for (int64_t i = 0; i + 1 < xType.getRank(); ++i)
      reassociation[0].push_back(i);
    reassociation[1].push_back(xType.getRank() - 1);
    SmallVector<OpFoldResult> xSizes =
        tensor::getMixedSizes(rewriter, loc, op.getX());
    Value x = tensor::CollapseShapeOp::create(rewriter, loc, op.getX(),
                                              reassociation);
    Value dy = tensor::CollapseShapeOp::create(rewriter, loc, op.getDy(),
                                               reassociation);
    auto flat = cast<OpTy>(rewriter.clone(*op.getOperation()));
    flat.getXMutable().assign(x);
    flat.getDyMutable().assign(dy);
    flat.getDx().setType(
        RankedTensorType::get(cast<RankedTensorType>(x.getType()).getShape(),
                              cast<RankedTensorType>(op.getDx().getType())
                                  .getElementType()));
    SmallVector<Value> results(flat->getResults());
    results[0] = expandOrReshape(
        rewriter, loc, cast<RankedTensorType>(op.getDx().getType()),
        flat.getDx(), reassociation, xSizes);
    rewriter.replaceOp(op, results);
    return success();
  }
};

/// An op whose x has a static 0 among its leading dims has no rows: its
/// outputs shaped like x and its statistics are empty tensors, and its
/// parameter gradients (sums over no rows) zeros. Taken before the row
/// flattening, which collapsed such an x (tensor<?x0x4xf32>) into a group
/// with a dynamic size whose bufferized collapse_shape did not verify once
/// the 0 was folded in.
template <typename OpTy>
struct NoRowsPattern : OpRewritePattern<OpTy> {
  NoRowsPattern(MLIRContext *ctx)
      : OpRewritePattern<OpTy>(ctx, /*benefit=*/3) {}
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    auto xType = dyn_cast<RankedTensorType>(op.getX().getType());
    if (!xType || !llvm::is_contained(xType.getShape().drop_back(), 0))
      return failure();
    constexpr bool isGrad = kIsGradOp<OpTy>;
    Location loc = op.getLoc();
    // An empty tensor of `type` whose dynamic sizes are those of `like`
    // (same rank), or 0 where `like` is null (statistics: no rows).
    auto empty = [&](RankedTensorType type, Value like) -> Value {
      SmallVector<Value> sizes;
      for (int64_t i = 0; i < type.getRank(); ++i)
        if (type.isDynamicDim(i))
          sizes.push_back(
              like ? Value(tensor::DimOp::create(rewriter, loc, like, i))
                   : Value(arith::ConstantIndexOp::create(rewriter, loc, 0)));
      return tensor::EmptyOp::create(rewriter, loc, type, sizes);
    };
    SmallVector<Value> results;
    for (auto [i, result] : llvm::enumerate(op->getResults())) {
      auto type = cast<RankedTensorType>(result.getType());
      if (i == 0) {
        results.push_back(empty(type, op.getX()));
      } else if (isGrad) {
        Value zero = arith::ConstantOp::create(
            rewriter, loc, rewriter.getZeroAttr(type.getElementType()));
        Value sums = empty(type, op->getOperand(i + 1));
        results.push_back(
            linalg::FillOp::create(rewriter, loc, zero, sums).getResult(0));
      } else {
        results.push_back(empty(type, Value()));
      }
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

struct ConvertNormToLinalgPass
    : norm::impl::ConvertNormToLinalgPassBase<ConvertNormToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    populateNormToLinalgConversionPatterns(patterns);
    ConversionTarget target(*ctx);
    target.addIllegalDialect<NormDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void mlir::norm::populateNormToLinalgConversionPatterns(
    RewritePatternSet &patterns) {
  patterns.add<DecomposeNormOpPattern<RMSNormOp>,
               DecomposeNormOpPattern<ScaleNormOp>,
               DecomposeNormOpPattern<SeeDNormOp>,
               DecomposeNormOpPattern<RMSNormGradOp>,
               DecomposeNormOpPattern<ScaleNormGradOp>,
               DecomposeNormOpPattern<SeeDNormGradOp>,
               FlattenGradRowsPattern<RMSNormGradOp>,
               FlattenGradRowsPattern<ScaleNormGradOp>,
               FlattenGradRowsPattern<SeeDNormGradOp>,
               NoRowsPattern<RMSNormOp>, NoRowsPattern<ScaleNormOp>,
               NoRowsPattern<SeeDNormOp>, NoRowsPattern<RMSNormGradOp>,
               NoRowsPattern<ScaleNormGradOp>, NoRowsPattern<SeeDNormGradOp>>(
      patterns.getContext());
}
