//===- PlaceRowBuffers.cpp - row buffers off the inputs' 4K aliases ----===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// x86 cores check a load against the older stores still in flight by the low
// 12 bits of the address first; a match (a "4K alias") makes the load wait as
// if it depended on the store. A row kernel stores y[j] and then loads x (and
// dy, and f32 parameters) a little further along the row, so when y sits a
// few cache lines above an input modulo 4 KiB, nearly every load waits for a
// store. Allocators make that the usual case rather than an accident: large
// blocks all start just past a page boundary (glibc's mmap chunks at +16
// bytes, +64 after the 64-byte rounding of memref.alloc), and the heap gives
// blocks allocated in a row page offsets a few lines apart. Measured on a Zen
// 4 host, SeeDNorm's bf16 forward (8192 x 4096, one thread) ran 9.9 ms with
// y 64 bytes above x modulo 4 KiB, 7.6 ms at 128 bytes, and 5.5-6.3 ms at 0,
// 256 bytes or more, or below x.
//
// So each row buffer the function allocates (its results, a gradient's
// per-thread sums) is carved, at run time, out of an allocation 4 KiB larger,
// at the page offset of one of its inputs (rounded down to the allocation's
// alignment): stores then run level with or behind the inputs' loads, never
// just ahead of them.
//
//===----------------------------------------------------------------------===//

#include "Norm/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace mlir::norm {
#define GEN_PASS_DEF_NORMPLACEROWBUFFERS
#include "Norm/Codegen/CPU/Passes.h.inc"
} // namespace mlir::norm

using namespace mlir;

namespace {
constexpr int64_t kPageBytes = 4096;
/// An input that starts up to this many bytes below the result (modulo 4
/// KiB) has its loads just ahead of the result's stores. Measured: 64 and
/// 128 bytes slow, 256 bytes and more as fast as 0.
constexpr int64_t kAliasWindowBytes = 512;

/// A buffer of floats of whole bytes (f16, bf16, f32, f64: the element size
/// in bytes is then also their size in memory) with an identity layout and a
/// static row length.
bool isRowBuffer(MemRefType type) {
  auto element = dyn_cast<FloatType>(type.getElementType());
  if (!element || !llvm::is_contained({8u, 16u, 32u, 64u}, element.getWidth()))
    return false;
  return type.getRank() >= 1 && type.getLayout().isIdentity() &&
         !ShapedType::isDynamic(type.getShape().back());
}

struct NormPlaceRowBuffersPass
    : norm::impl::NormPlaceRowBuffersBase<NormPlaceRowBuffersPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (minBytes < 0) {
      func.emitError() << "norm-place-row-buffers: invalid options: min-bytes = "
                       << static_cast<int64_t>(minBytes) << " (expected >= 0)";
      return signalPassFailure();
    }
    if (func.isExternal())
      return;
    SmallVector<memref::AllocOp> allocs;
    func.walk([&](memref::AllocOp alloc) {
      MemRefType type = alloc.getType();
      if (isRowBuffer(type) &&
          (!type.hasStaticShape() ||
           type.getNumElements() * type.getElementTypeBitWidth() / 8 >=
               minBytes))
        allocs.push_back(alloc);
    });
    for (memref::AllocOp alloc : allocs)
      place(alloc);
  }

  /// The arguments whose loads run along the rows of `type` at the rate its
  /// stores do: memrefs of the same element type and row length (x and dy,
  /// then the parameters of that type). Farther apart than that, loads and
  /// stores only meet modulo 4 KiB for a moment.
  SmallVector<Value> rowInputs(MemRefType type) {
    SmallVector<Value> rows, vectors;
    for (BlockArgument arg : getOperation().getArguments()) {
      auto argType = dyn_cast<MemRefType>(arg.getType());
      // (The aligned pointer is where the data starts only for an identity
      // layout, which the pipeline gives function arguments.)
      if (argType && argType.getRank() >= 1 &&
          argType.getLayout().isIdentity() &&
          argType.getElementType() == type.getElementType() &&
          argType.getShape().back() == type.getShape().back())
        (argType.getRank() >= 2 ? rows : vectors).push_back(arg);
    }
    rows.append(vectors);
    return rows;
  }

  void place(memref::AllocOp alloc) {
    MemRefType type = alloc.getType();
    SmallVector<Value> inputs = rowInputs(type);
    if (inputs.empty())
      return;
    int64_t alignment =
        std::max<int64_t>(alloc.getAlignment().value_or(0),
                          type.getElementTypeBitWidth() / 8);
    if (alignment > kPageBytes || kPageBytes % alignment != 0)
      return;

    OpBuilder b(alloc);
    Location loc = alloc.getLoc();
    auto index = [&](int64_t v) {
      return arith::ConstantIndexOp::create(b, loc, v).getResult();
    };
    // The bytes of the buffer, and a raw allocation a page larger.
    int64_t elementBytes = type.getElementTypeBitWidth() / 8;
    int64_t staticElements = 1;
    for (int64_t size : type.getShape())
      if (!ShapedType::isDynamic(size))
        staticElements *= size;
    MemRefType rawType;
    SmallVector<Value> rawSizes;
    if (type.hasStaticShape()) {
      rawType = MemRefType::get({staticElements * elementBytes + kPageBytes},
                                b.getI8Type(), MemRefLayoutAttrInterface(),
                                type.getMemorySpace());
    } else {
      Value bytes = index(staticElements * elementBytes);
      for (Value size : alloc.getDynamicSizes())
        bytes = arith::MulIOp::create(b, loc, bytes, size);
      rawSizes.push_back(
          arith::AddIOp::create(b, loc, bytes, index(kPageBytes)));
      rawType = MemRefType::get({ShapedType::kDynamic}, b.getI8Type(),
                                MemRefLayoutAttrInterface(),
                                type.getMemorySpace());
    }
    auto raw = memref::AllocOp::create(b, loc, rawType, rawSizes,
                                       b.getI64IntegerAttr(alignment));

    // The page offset to take: the first input's, moved down to another
    // input's while one starts just below it (its loads would run ahead of
    // the stores). A round that moves nothing has settled; each move goes
    // down by at most the window, so with fewer than 4096 / 512 = 8 inputs
    // the moves cannot wrap around the page (and come back above the first
    // input), and n - 1 rounds settle. With more inputs it stops where the
    // rounds end, still at some input's offset.
    auto pointer = [&](Value memref) -> Value {
      return memref::ExtractAlignedPointerAsIndexOp::create(b, loc, memref);
    };
    Value pageMask = index(kPageBytes - 1);
    auto pageOffset = [&](Value address) -> Value {
      return arith::AndIOp::create(b, loc, address, pageMask);
    };
    SmallVector<Value> offsets;
    for (Value input : inputs)
      offsets.push_back(pageOffset(pointer(input)));
    Value zero = index(0), window = index(kAliasWindowBytes);
    Value target = offsets.front();
    for (size_t round = 1; round < offsets.size(); ++round) {
      for (Value other : llvm::drop_begin(offsets)) {
        Value above = pageOffset(arith::SubIOp::create(b, loc, target, other));
        Value justAbove = arith::AndIOp::create(
            b, loc,
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, above,
                                  zero),
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ule, above,
                                  window));
        target = arith::SelectOp::create(b, loc, justAbove, other, target);
      }
    }
    // shift = (target - raw) mod 4096, rounded down to the alignment, so the
    // view starts at the target page offset or up to alignment-1 bytes below.
    Value shift = arith::AndIOp::create(
        b, loc, arith::SubIOp::create(b, loc, target, pointer(raw)),
        index(kPageBytes - alignment));
    auto view = memref::ViewOp::create(b, loc, type, raw, shift,
                                       alloc.getDynamicSizes());
    // The raw block owns the memory: deallocations free it, everything
    // else (the loops, the return) sees the view.
    for (OpOperand &use : llvm::make_early_inc_range(alloc->getUses()))
      use.set(isa<memref::DeallocOp>(use.getOwner()) ? raw.getResult()
                                                     : view.getResult());
    alloc.erase();
  }
};
} // namespace
