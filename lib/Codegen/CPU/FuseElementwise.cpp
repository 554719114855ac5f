//===- FuseElementwise.cpp - multi-use elementwise fusion -----------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Upstream elementwise fusion with a control function suited to row ops: a
// residual add before a norm feeds both the norm's reduction and its
// elementwise pass, so it has two users; recomputing it in both is cheaper
// than writing and re-reading a full tensor.
//
//===----------------------------------------------------------------------===//

#include "Norm/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::norm {
#define GEN_PASS_DEF_NORMFUSEELEMENTWISE
#include "Norm/Codegen/CPU/Passes.h.inc"
} // namespace mlir::norm

using namespace mlir;

namespace {
/// Fuse when the producer is elementwise and the consumer reads it through a
/// permutation: then each consumer iteration recomputes exactly one producer
/// element. Broadcast reads (a per-row statistic read by every element of the
/// row) would recompute the producer D times, so they are left alone.
bool shouldFuse(OpOperand *fusedOperand) {
  auto producer = fusedOperand->get().getDefiningOp<linalg::GenericOp>();
  auto consumer = dyn_cast<linalg::GenericOp>(fusedOperand->getOwner());
  if (!producer || !consumer)
    return false;
  if (producer.getNumParallelLoops() != producer.getNumLoops())
    return false;
  return consumer.getMatchingIndexingMap(fusedOperand).isPermutation();
}
} // namespace

void norm::populateNormElementwiseFusionPatterns(RewritePatternSet &patterns) {
  linalg::populateElementwiseOpsFusionPatterns(patterns, shouldFuse);
}

namespace {
struct NormFuseElementwisePass
    : norm::impl::NormFuseElementwiseBase<NormFuseElementwisePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    norm::populateNormElementwiseFusionPatterns(patterns);
    linalg::populateEraseUnusedOperandsAndResultsPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
