//===- KnownAlignment.cpp - alignment of a memref access proven from the IR ===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Divisors are tracked as powers of two (alignments are powers of two), capped
// at kUnbounded, which also stands for "known to be zero". Anything the walk
// does not understand contributes a divisor of 1, so the result is always a
// sound lower bound.
//
//===----------------------------------------------------------------------===//

#include "KnownAlignment.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Matchers.h"

#include <algorithm>

using namespace mlir;

namespace {
constexpr int64_t kUnbounded = int64_t(1) << 30;
constexpr int kMaxDepth = 16;

/// The largest power of two dividing `value` (kUnbounded for 0).
int64_t powerOfTwoDivisor(int64_t value) {
  if (value == 0)
    return kUnbounded;
  uint64_t magnitude = value < 0 ? -uint64_t(value) : uint64_t(value);
  return std::min<int64_t>(int64_t(magnitude & -magnitude), kUnbounded);
}

int64_t product(int64_t a, int64_t b) {
  return a >= kUnbounded / b ? kUnbounded : a * b;
}

int64_t divisor(Value value, int depth);

int64_t divisor(OpFoldResult ofr, int depth) {
  if (auto value = dyn_cast<Value>(ofr))
    return divisor(value, depth);
  return powerOfTwoDivisor(cast<IntegerAttr>(cast<Attribute>(ofr)).getInt());
}

/// An induction variable takes lb + k * step.
int64_t inductionDivisor(OpFoldResult lowerBound, OpFoldResult step,
                         int depth) {
  return std::min(divisor(lowerBound, depth), divisor(step, depth));
}

int64_t affineDivisor(AffineExpr expr, ValueRange dims, ValueRange symbols,
                      int depth) {
  if (auto constant = dyn_cast<AffineConstantExpr>(expr))
    return powerOfTwoDivisor(constant.getValue());
  if (auto dim = dyn_cast<AffineDimExpr>(expr))
    return divisor(dims[dim.getPosition()], depth);
  if (auto symbol = dyn_cast<AffineSymbolExpr>(expr))
    return divisor(symbols[symbol.getPosition()], depth);
  auto binary = cast<AffineBinaryOpExpr>(expr);
  int64_t lhs = affineDivisor(binary.getLHS(), dims, symbols, depth);
  int64_t rhs = affineDivisor(binary.getRHS(), dims, symbols, depth);
  switch (expr.getKind()) {
  case AffineExprKind::Add:
    return std::min(lhs, rhs);
  case AffineExprKind::Mul:
    return product(lhs, rhs);
  default: // floordiv, ceildiv, mod: not tracked.
    return 1;
  }
}

int64_t affineMapDivisor(AffineMap map, ValueRange operands, int depth) {
  ValueRange dims = operands.take_front(map.getNumDims());
  ValueRange symbols = operands.drop_front(map.getNumDims());
  int64_t result = kUnbounded;
  for (AffineExpr expr : map.getResults())
    result = std::min(result, affineDivisor(expr, dims, symbols, depth));
  return result;
}

int64_t divisor(Value value, int depth) {
  if (++depth > kMaxDepth)
    return 1;
  APInt constant;
  if (matchPattern(value, m_ConstantInt(&constant)))
    return powerOfTwoDivisor(constant.getSExtValue());

  if (auto arg = dyn_cast<BlockArgument>(value)) {
    Operation *owner = arg.getOwner()->getParentOp();
    if (auto loop = dyn_cast<scf::ForOp>(owner);
        loop && loop.getInductionVar() == arg)
      return inductionDivisor(loop.getLowerBound(), loop.getStep(), depth);
    if (auto loop = dyn_cast<scf::ParallelOp>(owner)) {
      unsigned i = arg.getArgNumber();
      return inductionDivisor(loop.getLowerBound()[i], loop.getStep()[i],
                              depth);
    }
    if (auto loop = dyn_cast<scf::ForallOp>(owner);
        loop && arg.getArgNumber() < loop.getRank()) {
      unsigned i = arg.getArgNumber();
      return inductionDivisor(loop.getMixedLowerBound()[i],
                              loop.getMixedStep()[i], depth);
    }
    return 1;
  }

  Operation *op = value.getDefiningOp();
  if (isa<arith::AddIOp, arith::SubIOp>(op))
    return std::min(divisor(op->getOperand(0), depth),
                    divisor(op->getOperand(1), depth));
  if (isa<arith::MulIOp>(op))
    return product(divisor(op->getOperand(0), depth),
                   divisor(op->getOperand(1), depth));
  // Bits clear in either operand stay clear.
  if (isa<arith::AndIOp>(op))
    return std::max(divisor(op->getOperand(0), depth),
                    divisor(op->getOperand(1), depth));
  if (isa<arith::IndexCastOp>(op))
    return divisor(op->getOperand(0), depth);
  if (auto apply = dyn_cast<affine::AffineApplyOp>(op))
    return affineMapDivisor(apply.getAffineMap(), apply.getOperands(), depth);
  // Every result of a min or max is one of the expressions.
  if (auto min = dyn_cast<affine::AffineMinOp>(op))
    return affineMapDivisor(min.getAffineMap(), min.getOperands(), depth);
  if (auto max = dyn_cast<affine::AffineMaxOp>(op))
    return affineMapDivisor(max.getAffineMap(), max.getOperands(), depth);
  return 1;
}

/// A divisor of the linear offset, in elements, of `indices` into a memref
/// of `type` (sum of index times stride); 1 when its strides are unknown.
int64_t linearOffsetDivisor(MemRefType type, ArrayRef<OpFoldResult> indices,
                            int depth) {
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(type.getStridesAndOffset(strides, offset)))
    return 1;
  int64_t result = kUnbounded;
  for (auto [stride, index] : llvm::zip_equal(strides, indices)) {
    int64_t strideDivisor =
        ShapedType::isDynamic(stride) ? 1 : powerOfTwoDivisor(stride);
    result = std::min(result, product(divisor(index, depth), strideDivisor));
  }
  return result;
}

/// The alignment of the allocation `memref` views (in bytes) and a divisor
/// of the view's offset into it (in elements).
struct ViewBase {
  int64_t alignment;
  int64_t offsetDivisor;
};

ViewBase traceView(Value memref, int64_t elementBytes, int depth) {
  ViewBase unknown{elementBytes, 1};
  if (++depth > kMaxDepth)
    return unknown;
  Operation *op = memref.getDefiningOp();
  if (!op)
    return unknown;
  // Without an alignment attribute an allocation is only known to be aligned
  // to its element. Its layout may place element 0 at an offset.
  auto allocation = [&](std::optional<uint64_t> alignment) -> ViewBase {
    SmallVector<int64_t> strides;
    int64_t offset;
    if (failed(cast<MemRefType>(memref.getType())
                   .getStridesAndOffset(strides, offset)) ||
        ShapedType::isDynamic(offset))
      return unknown;
    return {std::max<int64_t>(alignment.value_or(0), elementBytes),
            powerOfTwoDivisor(offset)};
  };
  if (auto alloc = dyn_cast<memref::AllocOp>(op))
    return allocation(alloc.getAlignment());
  if (auto alloca = dyn_cast<memref::AllocaOp>(op))
    return allocation(alloca.getAlignment());
  if (isa<memref::ExpandShapeOp, memref::CollapseShapeOp, memref::CastOp>(op))
    return traceView(op->getOperand(0), elementBytes, depth);
  // A view starts `byte_shift` bytes into an i8 buffer (at its offset, which
  // for memref.view's identity-layout source is 0) and has no offset itself.
  if (auto view = dyn_cast<memref::ViewOp>(op)) {
    ViewBase base = traceView(view.getSource(), /*elementBytes=*/1, depth);
    int64_t start = std::min({base.alignment, base.offsetDivisor,
                              divisor(view.getByteShift(), depth)});
    return {std::max<int64_t>(start, 1), kUnbounded};
  }
  if (auto subview = dyn_cast<memref::SubViewOp>(op)) {
    ViewBase base = traceView(subview.getSource(), elementBytes, depth);
    base.offsetDivisor =
        std::min(base.offsetDivisor,
                 linearOffsetDivisor(subview.getSourceType(),
                                     subview.getMixedOffsets(), depth));
    return base;
  }
  return unknown;
}
} // namespace

int64_t mlir::norm::knownAccessAlignment(Value memref, ValueRange indices) {
  auto type = cast<MemRefType>(memref.getType());
  if (!type.getElementType().isIntOrFloat())
    return 1;
  unsigned bits = type.getElementType().getIntOrFloatBitWidth();
  if (bits % 8 != 0 || !llvm::isPowerOf2_32(bits / 8))
    return 1;
  int64_t elementBytes = bits / 8;
  ViewBase base = traceView(memref, elementBytes, /*depth=*/0);
  int64_t elements =
      std::min(base.offsetDivisor,
               linearOffsetDivisor(type, getAsOpFoldResult(indices),
                                   /*depth=*/0));
  return std::min(base.alignment, product(elements, elementBytes));
}
