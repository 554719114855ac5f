//===- ExpandBF16Casts.cpp - bf16 casts as integer arithmetic -------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// LLVM's x86 backend has no vector f32 -> bf16 conversion below AVX512-BF16:
// it calls __truncsfbf2 once per element. Rounding to nearest even with
// integer vector ops instead takes a few instructions per vector on any SIMD
// target.
//
// The truncation is our own pattern rather than the upstream
// populateExpandBFloat16Patterns one: that one selects the NaN result among
// i16 lanes after truncating, with a mask from an f32 compare, and LLVM's -O3
// pipeline then scalarizes the select on AVX2 (a vucomiss and a cmov per
// element: a bf16 RMSNorm forward ran 9x slower than f32). Selecting in the
// i32 lanes, before the shift, keeps it one blend per vector. The extension
// (a shift) is ours too, for the same guard: both rewrite scalars, vectors and
// static-shaped tensors only, since the splat constants of the expansion
// cannot have a dynamic shape (the upstream patterns build such invalid
// constants for tensor<?xbf16>).
//
//===----------------------------------------------------------------------===//

#include "Norm/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::norm {
#define GEN_PASS_DEF_NORMEXPANDBF16CASTS
#include "Norm/Codegen/CPU/Passes.h.inc"
} // namespace mlir::norm

using namespace mlir;

namespace {

/// The type `like` of `element`: `element` itself for a scalar, else `like`
/// with `element` elements. Null when the splat constants of an expansion
/// cannot have that type (a dynamically shaped tensor).
static Type expandedType(Type like, Type element) {
  auto shaped = dyn_cast<ShapedType>(like);
  if (!shaped)
    return element;
  if (!shaped.hasStaticShape())
    return Type();
  return shaped.clone(element);
}

/// f32 -> bf16 with round to nearest even; a NaN stays a NaN of the same
/// sign, quieted (as AVX512-BF16's vcvtneps2bf16 does):
///   bits = bitcast x; rounded = bits + 0x7fff + ((bits >> 16) & 1)
///   y = bitcast trunc((isnan(x) ? bits | 0x400000 : rounded) >> 16)
struct TruncFToBF16 : OpRewritePattern<arith::TruncFOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(arith::TruncFOp op,
                                PatternRewriter &rewriter) const override {
    Type inType = op.getIn().getType();
    Type outType = op.getType();
    if (!getElementTypeOrSelf(inType).isF32() ||
        !getElementTypeOrSelf(outType).isBF16())
      return failure();
    if (std::optional<arith::RoundingMode> mode = op.getRoundingmode();
        mode && *mode != arith::RoundingMode::to_nearest_even)
      return failure();
    Type i32 = expandedType(inType, rewriter.getI32Type());
    Type i16 = expandedType(inType, rewriter.getI16Type());
    if (!i32 || !i16)
      return rewriter.notifyMatchFailure(op, "dynamically shaped operand");
    Location loc = op.getLoc();
    auto constant = [&](int64_t value) {
      return createScalarOrSplatConstant(rewriter, loc, i32, value);
    };
    Value bits = arith::BitcastOp::create(rewriter, loc, i32, op.getIn());
    Value sixteen = constant(16);
    Value lowestKept = arith::AndIOp::create(
        rewriter, loc, arith::ShRUIOp::create(rewriter, loc, bits, sixteen),
        constant(1));
    Value rounded = arith::AddIOp::create(
        rewriter, loc, arith::AddIOp::create(rewriter, loc, bits, constant(0x7fff)),
        lowestKept);
    Value quieted = arith::OrIOp::create(rewriter, loc, bits, constant(0x400000));
    Value isNaN = arith::CmpFOp::create(rewriter, loc, arith::CmpFPredicate::UNO,
                                        op.getIn(), op.getIn());
    Value chosen =
        arith::SelectOp::create(rewriter, loc, isNaN, quieted, rounded);
    Value high = arith::ShRUIOp::create(rewriter, loc, chosen, sixteen);
    Value narrow = arith::TruncIOp::create(rewriter, loc, i16, high);
    rewriter.replaceOpWithNewOp<arith::BitcastOp>(op, outType, narrow);
    return success();
  }
};

/// bf16 -> f32 is exact: the 16 bits become the high half of the f32.
///   y = bitcast(extui(bitcast x to i16) << 16)
struct ExtFFromBF16 : OpRewritePattern<arith::ExtFOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(arith::ExtFOp op,
                                PatternRewriter &rewriter) const override {
    Type inType = op.getIn().getType();
    if (!getElementTypeOrSelf(inType).isBF16() ||
        !getElementTypeOrSelf(op.getType()).isF32())
      return failure();
    Type i16 = expandedType(inType, rewriter.getI16Type());
    Type i32 = expandedType(inType, rewriter.getI32Type());
    if (!i16 || !i32)
      return rewriter.notifyMatchFailure(op, "dynamically shaped operand");
    Location loc = op.getLoc();
    Value narrow = arith::BitcastOp::create(rewriter, loc, i16, op.getIn());
    Value wide = arith::ExtUIOp::create(rewriter, loc, i32, narrow);
    Value shifted = arith::ShLIOp::create(
        rewriter, loc, wide,
        createScalarOrSplatConstant(rewriter, loc, i32, 16));
    rewriter.replaceOpWithNewOp<arith::BitcastOp>(op, op.getType(), shifted);
    return success();
  }
};

struct NormExpandBF16CastsPass
    : norm::impl::NormExpandBF16CastsBase<NormExpandBF16CastsPass> {
  using Base::Base;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<TruncFToBF16, ExtFFromBF16>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
