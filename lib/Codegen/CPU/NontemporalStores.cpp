//===- NontemporalStores.cpp - stream large outputs past the caches -------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// A regular store to a line not in cache first reads the line (read for
// ownership): for an output much larger than the last-level cache this adds a
// third memory stream to a two-stream kernel. Non-temporal stores skip it.
// Outputs that fit in cache are better kept there, so only stores inside
// loops are marked, and only in functions that are built for large shapes
// (the pipeline runs this pass when asked to).
//
//===----------------------------------------------------------------------===//

#include "Norm/Codegen/CPU/Passes.h"

#include "CacheLine.h"
#include "KnownAlignment.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::norm {
#define GEN_PASS_DEF_NORMNONTEMPORALSTORES
#include "Norm/Codegen/CPU/Passes.h.inc"
} // namespace mlir::norm

using namespace mlir;

namespace {
struct NormNontemporalStoresPass
    : norm::impl::NormNontemporalStoresBase<NormNontemporalStoresPass> {
  using Base::Base;

  void runOnOperation() override {
    if (minBytes < 0) {
      getOperation().emitError()
          << "norm-nontemporal-stores: invalid options: min-bytes = "
          << static_cast<int64_t>(minBytes) << " (expected >= 0)";
      return signalPassFailure();
    }
    RewritePatternSet patterns(&getContext());
    vector::populateVectorTransferLoweringPatterns(patterns,
                                                   /*maxTransferRank=*/1);
    // Broadcast reads (a scalar gain, a per-row statistic) become a scalar
    // load and a vector.broadcast.
    vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
    // Single uses only: with several uses, the upstream patterns load the
    // scalar again at each use (vector.extract), after any store to the same
    // buffer in between, which read a running value instead of the initial
    // one (a wrong row sum when two row sums share their initial zero).
    vector::populateScalarVectorTransferLoweringPatterns(
        patterns, /*benefit=*/1, /*allowMultipleUses=*/false);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    if (!enable)
      return;
    // Buffers that are read back in the loop nest that writes them (a
    // running sum such as a parameter-gradient accumulator) must stay in
    // cache: a non-temporal store would send every update to memory.
    llvm::DenseSet<std::pair<Operation *, Value>> readBack;
    getOperation().walk([&](Operation *op) {
      Value base;
      if (auto load = dyn_cast<vector::LoadOp>(op))
        base = load.getBase();
      else if (auto load = dyn_cast<memref::LoadOp>(op))
        base = load.getMemRef();
      if (base)
        readBack.insert({outermostLoop(op), rootBuffer(base)});
    });
    getOperation().walk([&](vector::StoreOp store) {
      // Only full-width stores into memory that is not a stack temporary.
      Operation *loop = outermostLoop(store);
      if (!loop)
        return;
      Value root = rootBuffer(store.getBase());
      if (root.getDefiningOp<memref::AllocaOp>() ||
          readBack.contains({loop, root}) || fitsInCache(store.getBase()))
        return;
      store.setNontemporal(true);
      // A streaming store wider than its proven alignment is split into
      // narrow ones (eight 8-byte stores for a 64-byte vector on x86).
      // Elements narrower than 32 bits are aligned unless the loop streams
      // pieces of less than a cache line of a block of rows of the buffer
      // while it updates running sums (see the pass description: such a
      // gradient row block measured faster split).
      Type elementType = store.getMemRefType().getElementType();
      if (!elementType.isIntOrFloat())
        return;
      unsigned elementBits = elementType.getIntOrFloatBitWidth();
      auto updatesRunningSum = [&](vector::StoreOp other) {
        return readBack.contains({loop, rootBuffer(other.getBase())});
      };
      VectorType vectorType = store.getVectorType();
      bool subLinePiece =
          vectorType.getRank() == 0 ||
          vectorType.getShape().back() * elementBits < norm::kCacheLineBytes * 8;
      if (elementBits < 32 &&
          (!alignNarrowElements ||
           (subLinePiece && storesSeveralRows(store) &&
            llvm::any_of(store->getBlock()->getOps<vector::StoreOp>(),
                         updatesRunningSum))))
        return;
      int64_t alignment =
          norm::knownAccessAlignment(store.getBase(), store.getIndices());
      if (alignment * 8 > elementBits)
        store.setAlignmentAttr(
            IntegerAttr::get(IntegerType::get(&getContext(), 64), alignment));
    });
  }

  /// True when the block of `store` also stores into another row of the
  /// same buffer (another leading index): a row block, whose rows' stores
  /// interleave.
  static bool storesSeveralRows(vector::StoreOp store) {
    if (store.getIndices().empty())
      return false;
    Value row = store.getIndices().front();
    return llvm::any_of(
        store->getBlock()->getOps<vector::StoreOp>(), [&](vector::StoreOp other) {
          return other.getBase() == store.getBase() &&
                 !other.getIndices().empty() &&
                 other.getIndices().front() != row;
        });
  }

  /// True when the buffer `buffer` views has a static size below `minBytes`:
  /// such an output is better left in cache for its reader (dynamic sizes are
  /// assumed large, and so are buffers of elements without a bit width:
  /// index, vectors).
  bool fitsInCache(Value buffer) const {
    // For a buffer placed by norm-place-row-buffers (a memref.view of a
    // block a page larger) the memref.view, whose size is the buffer's.
    buffer = rootBuffer(buffer, /*throughByteViews=*/false);
    auto type = dyn_cast<MemRefType>(buffer.getType());
    if (!type || !type.hasStaticShape() ||
        !type.getElementType().isIntOrFloat())
      return false;
    int64_t bytes = type.getNumElements() *
                    type.getElementType().getIntOrFloatBitWidth() / 8;
    return bytes < minBytes;
  }

  /// The outermost scf.for / scf.parallel around `op`, or null.
  static Operation *outermostLoop(Operation *op) {
    Operation *outer = nullptr;
    for (Operation *p = op->getParentOp(); p; p = p->getParentOp())
      if (isa<scf::ForOp, scf::ParallelOp>(p))
        outer = p;
    return outer;
  }

  /// The buffer a view (subview, cast, reshape) is a view of.
  /// The buffer `v` is a view of; with `throughByteViews` false, a
  /// memref.view (a typed view of a byte buffer) counts as a buffer.
  static Value rootBuffer(Value v, bool throughByteViews = true) {
    while (auto view = v.getDefiningOp<ViewLikeOpInterface>()) {
      if (!throughByteViews && isa<memref::ViewOp>(view.getOperation()))
        break;
      v = view.getViewSource();
    }
    return v;
  }
};
} // namespace
