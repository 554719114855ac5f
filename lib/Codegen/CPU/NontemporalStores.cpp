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

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
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
    RewritePatternSet patterns(&getContext());
    vector::populateVectorTransferLoweringPatterns(patterns,
                                                   /*maxTransferRank=*/1);
    // Broadcast reads (a scalar gain, a per-row statistic) become a scalar
    // load and a vector.broadcast.
    vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
    vector::populateScalarVectorTransferLoweringPatterns(
        patterns, /*benefit=*/1, /*allowMultipleUses=*/true);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    if (!enable)
      return;
    getOperation().walk([&](vector::StoreOp store) {
      // Only full-width stores into memory that is not a stack temporary.
      if (!store->getParentOfType<scf::ForOp>() &&
          !store->getParentOfType<scf::ParallelOp>())
        return;
      if (store.getBase().getDefiningOp<memref::AllocaOp>())
        return;
      store.setNontemporal(true);
    });
  }
};
} // namespace
