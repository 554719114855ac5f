//===- VectorizeRows.cpp - vectorize row tiles along D ---------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// After norm-tile-rows, each row tile holds linalg ops over one row. Here
// every such op is tiled along its last dimension by `vector-width * unroll`
// elements, the loop is peeled so that the main part has full, unmasked
// vectors, and both parts are vectorized with the upstream linalg vectorizer
// (the remainder with masks, which handles any D). A reduction along D is
// tiled with a partial-reduction strategy: the loop carries `unroll`
// independent vectors of partial sums (breaking the FMA latency chain) and one
// horizontal reduction per row merges them after the loop.
//
// The reductions of one sweep (fused below into one loop) share those
// `vector-width * unroll` lanes of partial sums: a sweep with more sums than
// fit (SeeDNorm's gradient keeps four per row, in a block of four rows) goes
// over fewer rows at a time instead of spilling its accumulators to the stack
// in every iteration.
//
//===----------------------------------------------------------------------===//

#include "Norm/Codegen/CPU/Passes.h"

#include "Norm/Codegen/CPU/ChunkedGradient.h"

#include "CacheLine.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/TilingInterface.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

namespace mlir::norm {
#define GEN_PASS_DEF_NORMVECTORIZEROWS
#include "Norm/Codegen/CPU/Passes.h.inc"
} // namespace mlir::norm

using namespace mlir;

namespace {

/// The static loop ranges of `op`, with ShapedType::kDynamic where unknown.
SmallVector<int64_t> staticRanges(linalg::LinalgOp op) {
  return op.getStaticLoopRanges();
}

/// Row tiles hold one row, or a block of a few rows (gradient row loops step
/// over small blocks so that the parameter-gradient sums are read and written
/// once per block); the block becomes the leading dim of the vectors.
constexpr int64_t kMaxRowBlock = 8;

/// The fewest elements of a row tiled into one vector piece (one AVX2
/// register of f32).
constexpr int64_t kMinLanes = 8;

/// Row-long vectors (inputs, outputs, running sums) an elementwise sweep
/// keeps in flight at full `vector-width * unroll` lanes.
constexpr int64_t kStreamsPerStep = 4;

bool isRowBlockExtent(int64_t extent) {
  return !ShapedType::isDynamic(extent) && extent >= 1 &&
         extent <= kMaxRowBlock;
}

/// True when the leading loop is a row block and every other loop but the
/// last has extent 1: the op works on a block of short row pieces.
bool isSingleRow(linalg::LinalgOp op) {
  SmallVector<int64_t> ranges = staticRanges(op);
  if (ranges.empty())
    return false;
  if (ranges.size() == 1)
    return true;
  return isRowBlockExtent(ranges.front()) &&
         llvm::all_of(ArrayRef(ranges).drop_front().drop_back(),
                      [](int64_t r) { return r == 1; });
}

/// A sum over the leading dim of a vector (a block of rows added into a
/// running sum).
bool isLeadingDimSum(vector::MultiDimReductionOp op) {
  VectorType type = op.getSourceVectorType();
  return op.getKind() == vector::CombiningKind::ADD && type.getRank() >= 2 &&
         op.getReductionDims() == ArrayRef<int64_t>{0} &&
         type.getDimSize(0) <= kMaxRowBlock;
}

/// Replaces a leading-dim sum with a chain of adds of the rows, in order
/// (running sum + row 0 + row 1 ...), with `fastmath` flags on the adds.
void unrollLeadingDimSum(RewriterBase &rewriter,
                         vector::MultiDimReductionOp op,
                         arith::FastMathFlagsAttr fastmath = nullptr) {
  Value sum = op.getAcc();
  for (int64_t i = 0; i < op.getSourceVectorType().getDimSize(0); ++i) {
    Value row =
        vector::ExtractOp::create(rewriter, op.getLoc(), op.getSource(), i);
    sum = vector::makeArithReduction(rewriter, op.getLoc(),
                                     vector::CombiningKind::ADD, sum, row,
                                     fastmath);
  }
  rewriter.replaceOp(op, sum);
}

/// A leading-dim sum becomes a chain of adds of the rows; the pipeline's
/// multi-reduction lowering, tuned for sums along rows, would transpose.
struct UnrollLeadingDimSum : OpRewritePattern<vector::MultiDimReductionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(vector::MultiDimReductionOp op,
                                PatternRewriter &rewriter) const override {
    if (!isLeadingDimSum(op))
      return failure();
    unrollLeadingDimSum(rewriter, op);
    return success();
  }
};

/// True when every reduction of `op` combines with an `arith.addf` that may
/// be contracted (the norm decomposition marks its arithmetic `contract`).
bool hasContractedSums(linalg::LinalgOp op) {
  if (op.getNumReductionLoops() == 0)
    return false;
  auto yield = cast<linalg::YieldOp>(op.getBlock()->getTerminator());
  for (OpOperand &init : op.getDpsInitsMutable()) {
    Value yielded =
        yield.getOperand(init.getOperandNumber() - op.getNumDpsInputs());
    auto add = yielded.getDefiningOp<arith::AddFOp>();
    if (!add ||
        !llvm::is_contained(add->getOperands(), op.getMatchingBlockArgument(&init)) ||
        !arith::bitEnumContainsAll(add.getFastmath(),
                                   arith::FastMathFlags::contract))
      return false;
  }
  return true;
}

/// The vectorizer turns a reduction's combiner into `vector.multi_reduction`,
/// which has no fast-math flags, so a running sum updated by a row's (or a
/// row block's) contribution lost its `contract` and LLVM kept a multiply and
/// an add instead of an FMA (SeeDNorm's gradient: 12 of 48 vector operations
/// of the dx sweep). For the sums of `hasContractedSums` ops, the sums over
/// the leading (row) dim become the chain of UnrollLeadingDimSum right away,
/// with contracting adds.
void contractLeadingDimSums(RewriterBase &rewriter,
                            ArrayRef<vector::MultiDimReductionOp> sums) {
  auto contract = arith::FastMathFlagsAttr::get(rewriter.getContext(),
                                                arith::FastMathFlags::contract);
  for (vector::MultiDimReductionOp op : sums) {
    VectorType type = op.getSourceVectorType();
    if (!isLeadingDimSum(op) || type.getScalableDims().front() ||
        !isa<FloatType>(type.getElementType()) || op.isMasked())
      continue;
    rewriter.setInsertionPoint(op);
    unrollLeadingDimSum(rewriter, op, contract);
  }
}

/// Row tiles are the bodies of the scf.forall loops made by norm-tile-rows
/// and of the row loops it marks (gradients), and one-row ops.
bool isInRowTile(Operation *op) {
  if (op->getParentOfType<scf::ForallOp>())
    return true;
  // An op of one row or a row block whose row loop folded away (a [1, D]
  // function; the block and last rows of a tiny static gradient, e.g. 5 rows
  // with threads=1) is a row tile too.
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
    SmallVector<int64_t> ranges = linalgOp.getStaticLoopRanges();
    if (ranges.size() >= 2 && isRowBlockExtent(ranges.front()))
      return true;
  }
  for (auto loop = op->getParentOfType<scf::ForOp>(); loop;
       loop = loop->getParentOfType<scf::ForOp>())
    if (loop->hasAttr(norm::kRowLoopAttrName))
      return true;
  return false;
}

/// A per-row statistic is written to a one-element tensor and read back
/// broadcast along the row. Forward the value instead, so it stays in a
/// register rather than round-tripping through a temporary buffer:
///   %t = vector.transfer_write %v, %buf[%c0] : vector<1xf32>, tensor<1xf32>
///   %b = vector.transfer_read %t[%c0], %pad {permutation_map = (d0) -> (0)}
/// becomes a vector.broadcast of the element of %v.
struct ForwardBroadcastStatistic : OpRewritePattern<vector::TransferReadOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(vector::TransferReadOp read,
                                PatternRewriter &rewriter) const override {
    auto write = read.getBase().getDefiningOp<vector::TransferWriteOp>();
    if (!write || write.getMask() || read.getMask())
      return failure();
    auto written = dyn_cast<VectorType>(write.getVector().getType());
    if (!written || written.getNumElements() != 1 ||
        write.getIndices() != read.getIndices())
      return failure();
    auto sourceType = dyn_cast<RankedTensorType>(write.getBase().getType());
    if (!sourceType || sourceType.getNumElements() != 1)
      return failure();
    // Every result dimension of the read must broadcast the single element.
    if (!llvm::all_of(read.getPermutationMap().getResults(), [](AffineExpr e) {
          auto c = dyn_cast<AffineConstantExpr>(e);
          return c && c.getValue() == 0;
        }))
      return failure();
    SmallVector<int64_t> zeros(written.getRank(), 0);
    Value scalar =
        vector::ExtractOp::create(rewriter, read.getLoc(), write.getVector(), zeros);
    rewriter.replaceOpWithNewOp<vector::BroadcastOp>(read, read.getVectorType(),
                                                     scalar);
    return success();
  }
};

struct NormVectorizeRowsPass
    : norm::impl::NormVectorizeRowsBase<NormVectorizeRowsPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    // Bounded so that vector-width x unroll (x rows of a block) cannot
    // overflow: 2^63 - 1 lanes became vector<-4xf32> in the output.
    if (vectorWidth < 1 || vectorWidth > norm::kMaxVectorWidth || unroll < 1 ||
        unroll > norm::kMaxUnroll ||
        vectorWidth * unroll > norm::kMaxLanesPerStep) {
      func.emitError() << "norm-vectorize-rows: invalid options: vector-width = "
                       << static_cast<int64_t>(vectorWidth) << " (expected 1 to "
                       << norm::kMaxVectorWidth << "), unroll = "
                       << static_cast<int64_t>(unroll) << " (expected 1 to "
                       << norm::kMaxUnroll << "), their product at most "
                       << norm::kMaxLanesPerStep;
      return signalPassFailure();
    }
    MLIRContext *ctx = &getContext();
    IRRewriter rewriter(ctx);
    int64_t step = vectorWidth * unroll;

    // 1. Tile every op of a row tile that is not yet one short row: along
    // a long last dimension by `step`, and by 1 along the middle dimensions
    // (SeeDNorm's heads: [1, heads, D/heads] becomes a loop over the heads).
    SmallVector<std::pair<linalg::LinalgOp, SmallVector<int64_t>>> rowOps;
    func.walk([&](linalg::LinalgOp op) {
      // An op over rows of no elements (D = 0) has nothing to tile, and
      // the upstream tile-size computation divides by the extent.
      if (!op.hasPureTensorSemantics() || !isInRowTile(op) ||
          llvm::is_contained(op.getStaticLoopRanges(), 0))
        return;
      SmallVector<int64_t> sizes = tileSizesAlongRow(
          op, step,
          reducesAlongD(op) ? reductionsOfSweep(op) : streamShareOfSweep(op),
          maxVectorsPerStep(vectorWidth) * vectorWidth);
      if (!sizes.empty())
        rowOps.emplace_back(op, std::move(sizes));
    });
    for (auto &[op, sizes] : rowOps) {
      if (failed(tileAlongRow(rewriter, op, sizes)))
        return signalPassFailure();
    }

    // 2. Peeling leaves the tile sizes as constants in dynamic slices:
    // canonicalize so that full tiles and static remainders get static types.
    {
      RewritePatternSet canonical(ctx);
      for (Dialect *dialect : ctx->getLoadedDialects())
        dialect->getCanonicalizationPatterns(canonical);
      for (RegisteredOperationName op : ctx->getRegisteredOperations())
        op.getCanonicalizationPatterns(canonical, ctx);
      if (failed(applyPatternsGreedily(func, std::move(canonical))))
        return signalPassFailure();
    }

    // 3. Vectorize every static one-row op of a row tile: full tiles,
    // remainder tiles when D is static (no masks needed), per-row
    // statistics, fills and partial-sum merges. A remainder of a dynamic D
    // stays a scalar loop of fewer than `step` elements.
    SmallVector<linalg::LinalgOp> toVectorize;
    func.walk([&](linalg::LinalgOp op) {
      if (op.hasPureTensorSemantics() && !op.hasDynamicShape() &&
          isInRowTile(op) && isSingleRow(op))
        toVectorize.push_back(op);
    });
    for (linalg::LinalgOp op : toVectorize) {
      if (failed(linalg::vectorizeOpPrecondition(op)))
        continue;
      bool contractedSums = hasContractedSums(op);
      Operation *before = op->getPrevNode();
      Block *block = op->getBlock();
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::VectorizationResult> result =
          linalg::vectorize(rewriter, op);
      if (failed(result))
        continue;
      // The vectorized ops sit between `before` and `op`.
      SmallVector<vector::MultiDimReductionOp> sums;
      if (contractedSums)
        for (Operation &made : llvm::make_range(
                 before ? std::next(before->getIterator()) : block->begin(),
                 op->getIterator()))
          if (auto sum = dyn_cast<vector::MultiDimReductionOp>(made))
            sums.push_back(sum);
      rewriter.replaceOp(op, result->replacements);
      contractLeadingDimSums(rewriter, sums);
    }

    // 4. Clean up: fold slices into transfers, drop unit dims, and hoist the
    // loop-carried partial sums into vector iter_args.
    RewritePatternSet patterns(ctx);
    patterns.add<ForwardBroadcastStatistic>(ctx);
    patterns.add<UnrollLeadingDimSum>(ctx, /*benefit=*/2);
    tensor::populateFoldTensorSubsetIntoVectorTransferPatterns(patterns);
    vector::populateCastAwayVectorLeadingOneDimPatterns(patterns);
    vector::populateSinkVectorOpsPatterns(patterns);
    vector::MultiDimReductionOp::getCanonicalizationPatterns(patterns, ctx);
    vector::TransferReadOp::getCanonicalizationPatterns(patterns, ctx);
    vector::TransferWriteOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::ExtractSliceOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::InsertSliceOp::getCanonicalizationPatterns(patterns, ctx);
    scf::ForOp::getCanonicalizationPatterns(patterns, ctx);
    if (failed(applyPatternsGreedily(func, std::move(patterns))))
      return signalPassFailure();
    func.walk([&](scf::ForOp loop) {
      hoistLoopInvariantSubsets(rewriter, cast<LoopLikeOpInterface>(*loop));
    });

    // 5. One sweep over the row per pass: independent sibling loops along D
    // (two reductions of the same row, dx and the parameter-gradient update)
    // become one loop, so the row is loaded once per sweep (CSE then merges
    // the duplicate loads).
    // With SeeDNorm's heads the loops along D sit in a loop over the heads
    // of the row: fuse there too.
    SmallVector<Block *> rowBodies;
    func.walk([&](Operation *op) {
      if (isa<scf::ForallOp>(op) ||
          (isa<scf::ForOp>(op) && op->hasAttr(norm::kRowLoopAttrName)))
        rowBodies.push_back(&op->getRegion(0).front());
    });
    for (Block *body : rowBodies)
      fuseSiblingLoopsNested(rewriter, body);
  }

  /// Fuses sibling loops in `body`, then in the bodies of the loops left
  /// there (the loops over heads, over the rows of a block, over both).
  static void fuseSiblingLoopsNested(RewriterBase &rewriter, Block *body) {
    fuseSiblingLoops(rewriter, body);
    for (auto loop : body->getOps<scf::ForOp>())
      fuseSiblingLoopsNested(rewriter, loop.getBody());
  }

  /// Fuses, in `body`, each scf.for into the next sibling scf.for with the
  /// same bounds that does not depend on it. Only loops free of memory
  /// effects (on tensors, as the norm ops' sweeps are here) fuse: the
  /// dependence check follows SSA values, not memory.
  static void fuseSiblingLoops(RewriterBase &rewriter, Block *body) {
    for (bool changed = true; changed;) {
      changed = false;
      SmallVector<scf::ForOp> loops(body->getOps<scf::ForOp>());
      for (auto [i, first] : llvm::enumerate(loops)) {
        for (scf::ForOp second : ArrayRef(loops).drop_front(i + 1)) {
          if (!sameBounds(first, second) || !isMemoryEffectFree(first) ||
              !isMemoryEffectFree(second))
            continue;
          llvm::SetVector<Operation *> dependents = dependentsOf(first, second);
          if (dependents.contains(second))
            continue;
          // Users of the first loop's results move after the second loop,
          // where the fused loop will be.
          Operation *insertAfter = second;
          for (Operation *op : dependents) {
            op->moveAfter(insertAfter);
            insertAfter = op;
          }
          fuseIndependentSiblingForLoops(first, second, rewriter);
          changed = true;
          break;
        }
        if (changed)
          break;
      }
    }
  }

  static bool sameBounds(scf::ForOp a, scf::ForOp b) {
    auto same = [](Value x, Value y) {
      return x == y || (getConstantIntValue(x) && getConstantIntValue(y) &&
                        *getConstantIntValue(x) == *getConstantIntValue(y));
    };
    return same(a.getLowerBound(), b.getLowerBound()) &&
           same(a.getUpperBound(), b.getUpperBound()) &&
           same(a.getStep(), b.getStep());
  }

  /// The ops of `first`'s block, from `first` up to `last`, that use (through
  /// operands or values captured by their regions) a result of `first`,
  /// transitively; in block order.
  static llvm::SetVector<Operation *> dependentsOf(Operation *first,
                                                   Operation *last) {
    llvm::SetVector<Operation *> dependents;
    llvm::SmallPtrSet<Operation *, 16> tainted{first};
    for (Operation *op = first->getNextNode(); op; op = op->getNextNode()) {
      bool uses = false;
      op->walk([&](Operation *nested) {
        for (Value v : nested->getOperands())
          if (Operation *def = v.getDefiningOp())
            if (tainted.contains(def))
              uses = true;
      });
      if (uses) {
        tainted.insert(op);
        dependents.insert(op);
      }
      if (op == last)
        break;
    }
    return dependents;
  }

  /// True when every operand is either independent of the last loop or has
  /// it as its innermost dimension: the pieces are then contiguous vectors
  /// (not a matmul row reading a weight column).
  static bool isContiguousAlongD(linalg::LinalgOp op) {
    unsigned last = op.getNumLoops() - 1;
    return llvm::all_of(op.getIndexingMapsArray(), [&](AffineMap map) {
      ArrayRef<AffineExpr> results = map.getResults();
      for (auto [i, e] : llvm::enumerate(results))
        if (e.isFunctionOfDim(last) &&
            (i + 1 != results.size() || !isa<AffineDimExpr>(e)))
          return false;
      return true;
    });
  }

  static bool reducesAlongD(linalg::LinalgOp op) {
    return op.getNumLoops() >= 2 && op.getIteratorTypesArray().back() ==
                                        utils::IteratorType::reduction;
  }

  /// The number of sums along D that will share `op`'s sweep: the results
  /// of `op` and of its siblings in the row tile that reduce the same rows
  /// and D (the sibling fusion of step 5 makes them one loop). 1 for an op
  /// that does not reduce along D.
  static int64_t reductionsOfSweep(linalg::LinalgOp op) {
    if (!reducesAlongD(op))
      return 1;
    SmallVector<int64_t> ranges = staticRanges(op);
    int64_t count = 0;
    for (Operation &sibling : *op->getBlock())
      if (auto other = dyn_cast<linalg::LinalgOp>(&sibling))
        if (reducesAlongD(other) && staticRanges(other) == ranges)
          count += other.getNumDpsInits();
    return std::max<int64_t>(count, 1);
  }

  /// The share of the `step` lanes an elementwise op along D gets: 1 when
  /// its sweep (it and its siblings over the same rows and D, fused in step
  /// 5) reads and writes at most kStreamsPerStep row-long vectors (x, dy,
  /// parameters, outputs, running sums), else 1/2, 1/4, ...: a step holds
  /// one vector of each stream in flight, and SeeDNorm's gradient (nine
  /// streams) at 64 lanes kept 33 spills and 39 reloads per iteration.
  static int64_t streamShareOfSweep(linalg::LinalgOp op) {
    if (op.getNumLoops() < 2)
      return 1;
    SmallVector<int64_t> ranges = staticRanges(op);
    unsigned last = op.getNumLoops() - 1;
    llvm::SmallPtrSet<Value, 16> streams;
    for (Operation &sibling : *op->getBlock()) {
      auto other = dyn_cast<linalg::LinalgOp>(&sibling);
      if (!other || reducesAlongD(other) || staticRanges(other) != ranges)
        continue;
      for (OpOperand &operand : other->getOpOperands()) {
        AffineMap map = other.getMatchingIndexingMap(&operand);
        if (map.getNumResults() > 0 &&
            map.getResults().back().isFunctionOfDim(last))
          streams.insert(operand.get());
      }
    }
    int64_t share = 1;
    while (static_cast<int64_t>(streams.size()) > kStreamsPerStep * share)
      share *= 2;
    return share;
  }

  /// The budget, in vectors of `vector-width` lanes, of a block's piece
  /// widened to whole cache lines (see tileSizesAlongRow): half the vector
  /// registers of the x86 target the vector width stands for (AVX-512: 32,
  /// AVX2: 16). It bounds rows x `sharing` x lanes, the product the step
  /// divides (4 vectors at the default unroll), not every value in flight:
  /// an elementwise sweep's `sharing` is a share of its streams. (SeeDNorm's
  /// widened gradient pairs compile without a vector spill on Zen 4.)
  static int64_t maxVectorsPerStep(int64_t vectorWidth) {
    return vectorWidth >= 16 ? 16 : 8;
  }

  /// The elements of one cache line of the narrowest floating-point row data
  /// (operands indexed by the row dim and along D) that `op`'s sweep (its
  /// siblings over the same rows and D) reads or writes: 16 for f32, 32 for
  /// bf16; 0 when there is none.
  static int64_t lineLanesOfSweep(linalg::LinalgOp op) {
    SmallVector<int64_t> ranges = staticRanges(op);
    unsigned last = op.getNumLoops() - 1;
    unsigned bits = 0;
    for (Operation &sibling : *op->getBlock()) {
      auto other = dyn_cast<linalg::LinalgOp>(&sibling);
      if (!other || staticRanges(other) != ranges)
        continue;
      for (OpOperand &operand : other->getOpOperands()) {
        auto type = dyn_cast<RankedTensorType>(operand.get().getType());
        AffineMap map = other.getMatchingIndexingMap(&operand);
        if (!type || !isa<FloatType>(type.getElementType()) ||
            map.getNumResults() < 2 || !map.getResult(0).isFunctionOfDim(0) ||
            !map.getResults().back().isFunctionOfDim(last))
          continue;
        unsigned width = type.getElementTypeBitWidth();
        bits = bits == 0 ? width : std::min(bits, width);
      }
    }
    return bits == 0 ? 0 : norm::kCacheLineBytes * 8 / bits;
  }

  /// Tile sizes that turn a row-tile op (leading extent: one row or a block
  /// of rows) into loops over pieces of at most `step` elements; empty when
  /// there is nothing to tile (already such a piece, or not a row-tile op).
  /// The lanes of a reduction op are shared by `sharing` sums of its sweep;
  /// an elementwise op gets 1/`sharing` of them (streamShareOfSweep). In a
  /// block of rows, a row's piece of less than a cache line is widened to
  /// two lines, or one, as long as the block's piece (rows x `sharing` x
  /// lanes) stays within `maxBlockLanes`, over fewer rows of the block at a
  /// time if need be; such pieces can exceed `vector-width` x `unroll`. A
  /// piece of half a line (a 4-sum gradient sweep over 2 rows gets 8 lanes
  /// of each row at 64 lanes a step) reads every line in two or more
  /// iterations, and where the block's rows share L1 sets the line is
  /// evicted in between. On a Zen 4 host (bench/ab.py, 2 threads, 8192 x
  /// 4096 in pairs), SeeDNorm's bf16 gradient ran 4x slower than single
  /// rows with 8 lanes a row, 0.73-0.96x with 32; its f32 gradient 1.01-1.08x
  /// with 8, 0.84-0.95x with 16 or 32; its bf16 forward 1.11-1.23x with 16
  /// lanes a sum, 0.74-0.83x with 32 or 64. Widened RMSNorm and ScaleNorm
  /// bf16 blocks (in cache, 1 thread, 256 x 1024) ran 0.91-1.02x.
  static SmallVector<int64_t> tileSizesAlongRow(linalg::LinalgOp op,
                                                int64_t step, int64_t sharing,
                                                int64_t maxBlockLanes) {
    int64_t reductions = sharing;
    SmallVector<int64_t> ranges = staticRanges(op);
    if (ranges.size() < 2 || !isRowBlockExtent(ranges.front()) ||
        !isContiguousAlongD(op))
      return {};
    // A block of rows shares the vector registers: fewer elements per row.
    // The partial sums of a sweep's reductions share them too; when even
    // kMinLanes per row and reduction do not fit, the sweep goes over fewer
    // rows of the block at a time (a loop over pieces of the block).
    int64_t rows = ranges.front();
    // The most rows, up to `from`, that divide the block and fit (1 if
    // none does).
    auto mostRowsThatFit = [&](int64_t from,
                               llvm::function_ref<bool(int64_t)> fits) {
      int64_t pieceRows = from;
      while (pieceRows > 1 && (!fits(pieceRows) || rows % pieceRows != 0))
        --pieceRows;
      return pieceRows;
    };
    int64_t rowsPerPiece = rows;
    if (reducesAlongD(op))
      rowsPerPiece = mostRowsThatFit(rows, [&](int64_t pieceRows) {
        return pieceRows * reductions * kMinLanes <= step;
      });
    // Shared lanes stay whole vectors of kMinLanes; an unshared step is the
    // user's vector-width * unroll, whatever it is.
    int64_t lanes = step;
    if (int64_t divisor = rowsPerPiece * sharing; divisor > 1) {
      lanes = std::max(step / divisor, std::min(step, kMinLanes));
      if (lanes >= kMinLanes)
        lanes -= lanes % kMinLanes;
    }
    if (int64_t lineLanes = rows > 1 ? lineLanesOfSweep(op) : 0;
        lineLanes > lanes) {
      // Two lines where they fit, else one, else one over fewer rows of the
      // block at a time (a 4-row bf16 gradient's second sweep: its nine
      // streams would get 8 lanes of each row).
      auto fits = [&](int64_t pieceRows, int64_t pieceLanes) {
        return pieceRows * sharing * pieceLanes <= maxBlockLanes;
      };
      auto fitsOneLine = [&](int64_t pieceRows) {
        return fits(pieceRows, lineLanes);
      };
      if (fits(rowsPerPiece, 2 * lineLanes)) {
        lanes = 2 * lineLanes;
      } else if (int64_t pieceRows = mostRowsThatFit(rowsPerPiece, fitsOneLine);
                 fitsOneLine(pieceRows)) {
        rowsPerPiece = pieceRows;
        lanes = lineLanes;
      }
    }
    SmallVector<int64_t> sizes(ranges.size(), 0);
    bool any = false;
    if (rowsPerPiece < rows) {
      sizes.front() = rowsPerPiece;
      any = true;
    }
    for (size_t i = 1; i + 1 < ranges.size(); ++i)
      if (ranges[i] != 1) {
        sizes[i] = 1;
        any = true;
      }
    if (ShapedType::isDynamic(ranges.back()) || ranges.back() > lanes) {
      sizes.back() = lanes;
      any = true;
    }
    return any ? sizes : SmallVector<int64_t>{};
  }

  /// Tiles `op` by `sizes` (from tileSizesAlongRow): first the rows and
  /// middle dims (heads), then the last dim (a partial reduction when that
  /// loop reduces), whose remainder is peeled.
  LogicalResult tileAlongRow(RewriterBase &rewriter, linalg::LinalgOp op,
                             ArrayRef<int64_t> sizes) {
    // Partial-reduction tiling cannot also tile parallel dims: the row and
    // middle dims are tiled first, then the last dim of the resulting op.
    SmallVector<int64_t> outer(sizes);
    outer.back() = 0;
    if (llvm::any_of(outer, [](int64_t s) { return s != 0; })) {
      FailureOr<linalg::LinalgOp> inner = tile(rewriter, op, outer, false);
      if (failed(inner))
        return failure();
      op = *inner;
    }
    if (sizes.back() == 0)
      return success();
    SmallVector<int64_t> last(sizes.size(), 0);
    last.back() = sizes.back();
    bool reduction = reducesAlongD(op);
    scf::ForOp loop;
    if (failed(tile(rewriter, op, last, reduction, &loop)))
      return failure();
    scf::ForOp remainder;
    // Peeling fails when the trip count divides evenly: nothing to peel.
    (void)scf::peelForLoopAndSimplifyBounds(rewriter, loop, remainder);
    return success();
  }

  /// Tiles `op` with scf.for loops (a partial reduction along the last dim
  /// when `partialReduction`); returns the tiled op and the innermost loop.
  static FailureOr<linalg::LinalgOp>
  tile(RewriterBase &rewriter, linalg::LinalgOp op, ArrayRef<int64_t> sizes,
       bool partialReduction, scf::ForOp *innermost = nullptr) {
    scf::SCFTilingOptions options;
    options.setLoopType(scf::SCFTilingOptions::LoopType::ForOp);
    options.setTileSizes(getAsIndexOpFoldResult(rewriter.getContext(), sizes));
    if (partialReduction) {
      options.setReductionTilingStrategy(
          ReductionTilingStrategy::PartialReductionOuterReduction);
      options.setReductionDims({static_cast<unsigned>(sizes.size() - 1)});
    }
    rewriter.setInsertionPoint(op);
    FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
        rewriter, cast<TilingInterface>(op.getOperation()), options);
    if (failed(tiled) || tiled->tiledOps.empty())
      return op->emitOpError("norm-vectorize-rows: tiling along the row failed");
    rewriter.replaceOp(op, tiled->replacements);
    if (innermost)
      *innermost = cast<scf::ForOp>(tiled->loops.back().getOperation());
    return cast<linalg::LinalgOp>(tiled->tiledOps.front());
  }
};

} // namespace
