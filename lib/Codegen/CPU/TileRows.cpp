//===- TileRows.cpp - tile row-wise linalg over rows and fuse -------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// A norm decomposes into a reduction over the last dimension, a per-row
// statistic and an elementwise pass (plus, for gradients, reductions over the
// rows). Executed op by op, each op streams the whole tensor through memory.
// Tiling the last op over rows and fusing its producers makes one loop over
// rows in which a row is loaded once and stays in cache between the reduction
// and the elementwise pass.
//
// Ops that reduce over rows (parameter gradients) and the row-parallel ops
// that share their producers (dx) become one pass over the rows: chunks of
// rows in parallel (scf.forall over `threads` chunks), one row loop per chunk
// that tiles every op of the group to the row, and per-chunk partial sums of
// the parameter gradients merged in chunk order after the loop
// (deterministic). See ChunkedGradient.h.
//
//===----------------------------------------------------------------------===//

#include "Norm/Codegen/CPU/Passes.h"

#include "Norm/Codegen/CPU/ChunkedGradient.h"

#include "CacheLine.h"
#include "TargetCache.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/Verifier.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/TilingInterface.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/SmallBitVector.h"
#include "llvm/ADT/bit.h"
#include "llvm/Support/Debug.h"


namespace mlir::norm {
#define GEN_PASS_DEF_NORMTILEROWS
#include "Norm/Codegen/CPU/Passes.h.inc"
} // namespace mlir::norm

#define DEBUG_TYPE "norm-tile-rows"

using namespace mlir;

namespace {

enum class RowKind { None, RowParallel, RowReduction };

/// Row-parallel: every loop but the last is parallel (at least two loops).
/// Row reduction: the leading loop reduces (over rows, e.g. a parameter
/// gradient, or a sum of per-row values such as ScaleNorm's gain gradient)
/// and the op is not row-parallel.
RowKind classify(linalg::LinalgOp op) {
  SmallVector<utils::IteratorType> iters = op.getIteratorTypesArray();
  if (iters.empty() || op.hasPureBufferSemantics())
    return RowKind::None;
  bool leadingParallel = llvm::all_of(ArrayRef(iters).drop_back(), [](auto t) {
    return t == utils::IteratorType::parallel;
  });
  if (iters.size() >= 2 && leadingParallel)
    return RowKind::RowParallel;
  if (iters.front() == utils::IteratorType::reduction)
    return RowKind::RowReduction;
  return RowKind::None;
}

/// An op is terminal when no other linalg op consumes its results: it is
/// the end of a fusion group.
bool isTerminal(Operation *op) {
  for (Value r : op->getResults())
    for (Operation *user : r.getUsers())
      if (isa<linalg::LinalgOp>(user))
        return false;
  return true;
}

/// A reduction over the rows also ends its group when the linalg ops reading
/// it only finish the result: elementwise ops of fewer than two loops, such
/// as the cast of an f32 parameter gradient [D] (or a 0-d one) to a bf16
/// parameter's type, which stays after the row loop. Otherwise such a
/// gradient would not be one pass over the rows.
bool onlyFinished(linalg::LinalgOp op) {
  for (Value r : op->getResults())
    for (Operation *user : r.getUsers()) {
      auto finish = dyn_cast<linalg::LinalgOp>(user);
      if (finish && (finish.getNumLoops() >= 2 ||
                     finish.getNumReductionLoops() != 0 ||
                     !isTerminal(finish)))
        return false;
    }
  return true;
}

/// An elementwise op whose inputs are not results of other linalg ops.
bool isCheapToRecompute(Operation *op) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp)
    return true; // tensor.empty
  return linalgOp.getNumLoops() == linalgOp.getNumParallelLoops() &&
         llvm::none_of(linalgOp.getDpsInputs(), [](Value v) {
           return v.getDefiningOp<linalg::LinalgOp>() != nullptr;
         });
}

/// Fuse every producer that is a linalg op or a tensor.empty, and yield a
/// replacement for a producer that is also used outside the fusion group.
scf::SCFTileAndFuseOptions::ControlFnTy fuseAllControl() {
  return [](tensor::ExtractSliceOp, OpResult producer,
            bool isDestination) -> std::optional<
                                     scf::SCFTileAndFuseOptions::ControlFnResult> {
    Operation *def = producer.getOwner();
    if (!isa<linalg::LinalgOp, tensor::EmptyOp>(def))
      return std::nullopt;
    // A producer read by several linalg ops is fused once per reader, so it
    // is computed several times per row. That is cheap for elementwise ops
    // on values that are not computed (a residual add of two inputs), but
    // through a chain (a residual stream feeding the next block and its
    // norm) the copies multiply block after block: such a producer stays
    // whole, computed once.
    if (!isDestination && !isCheapToRecompute(def) &&
        llvm::count_if(producer.getUsers(), [](Operation *user) {
          return isa<linalg::LinalgOp>(user);
        }) > 1)
      return std::nullopt;
    scf::SCFTileAndFuseOptions::ControlFnResult result;
    if (!isDestination && isa<linalg::LinalgOp>(def))
      result.yieldProducerReplacement =
          llvm::any_of(producer.getUsers(), [](Operation *user) {
            return !isa<linalg::LinalgOp, tensor::ExtractSliceOp>(user);
          });
    return result;
  };
}

/// Replaces the uses of the tiled and fused values that lie outside `loop`.
/// Uses by the original linalg ops are left alone: those ops were fused into
/// the loop and die with the last outside use of their results.
void replaceOutsideUses(RewriterBase &rewriter,
                        const scf::SCFTileAndFuseResult &result,
                        Operation *loop) {
  for (auto [orig, repl] : result.replacements)
    rewriter.replaceUsesWithIf(orig, repl, [&](OpOperand &use) {
      Operation *owner = use.getOwner();
      return !isa<linalg::LinalgOp, tensor::ExtractSliceOp>(owner) &&
             !loop->isAncestor(owner) &&
             DominanceInfo(loop).properlyDominates(loop, owner,
                                                   /*enclosingOpOk=*/false);
    });
}

/// The feature dims of `op`: the last dim and every dim that an operand
/// independent of the leading dim indexes (a parameter: SeeDNorm's heads in
/// alpha[h, j], a matmul's output columns in W[k, n]). A row tile holds them
/// whole, so that a row's statistics are computed once.
llvm::SmallBitVector featureDims(linalg::LinalgOp op) {
  unsigned n = op.getNumLoops();
  llvm::SmallBitVector feature(n);
  feature.set(n - 1);
  for (AffineMap map : op.getIndexingMapsArray()) {
    if (map.isFunctionOfDim(0))
      continue;
    for (unsigned d = 0; d < n; ++d)
      if (map.isFunctionOfDim(d))
        feature.set(d);
  }
  return feature;
}

/// The last dim of `op` that is not a feature dim (d0 is always a row dim).
unsigned lastRowDim(linalg::LinalgOp op) {
  llvm::SmallBitVector feature = featureDims(op);
  unsigned last = 0;
  for (unsigned d = 0; d < op.getNumLoops(); ++d)
    if (!feature.test(d))
      last = d;
  return last;
}

/// Tile sizes that make one tile `rowTile` rows of the last row dim and one
/// index of every other row dim; feature dims are not tiled.
SmallVector<OpFoldResult> rowTileSizes(OpBuilder &b, linalg::LinalgOp op,
                                       int64_t rowTile) {
  llvm::SmallBitVector feature = featureDims(op);
  SmallVector<OpFoldResult> sizes(op.getNumLoops(), b.getIndexAttr(0));
  for (unsigned d = 0; d < op.getNumLoops(); ++d)
    if (!feature.test(d))
      sizes[d] = b.getIndexAttr(1);
  sizes[lastRowDim(op)] = b.getIndexAttr(rowTile);
  return sizes;
}

struct NormTileRowsPass : norm::impl::NormTileRowsBase<NormTileRowsPass> {
  using Base::Base;

  /// Tiling is best effort: it runs on a clone of the function, and the
  /// clone replaces the original only when it verifies. A group that the
  /// upstream tiling cannot handle stays untiled (scalar, still correct) and
  /// a remark says so.
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    // The thread count becomes OpenMP's num_threads: libomp starts every one
    // of them, and a count in the hundreds of thousands ran the host out of
    // processes.
    if (numThreads < 1 || numThreads > norm::kMaxThreads || rowTile < 0 ||
        rowBlock < 1 || rowBlock > norm::kMaxRowBlock || cacheBytes < 0) {
      func.emitError() << "norm-tile-rows: invalid options: threads = "
                       << static_cast<int64_t>(numThreads) << " (expected 1 to "
                       << norm::kMaxThreads << "), row-tile = "
                       << static_cast<int64_t>(rowTile)
                       << " (expected >= 0), row-block = "
                       << static_cast<int64_t>(rowBlock)
                       << " (expected 1 to " << norm::kMaxRowBlock
                       << "), cache-bytes = "
                       << static_cast<int64_t>(cacheBytes)
                       << " (expected >= 0)";
      return signalPassFailure();
    }
    l1CacheBytes = norm::targetL1CacheBytes(func);
    OpBuilder builder(func);
    auto clone = cast<func::FuncOp>(builder.clone(*func));
    bool tiled;
    {
      // Diagnostics about the clone would only confuse: the remark below
      // speaks for the original.
      ScopedDiagnosticHandler silence(&getContext(), [](Diagnostic &d) {
        LLVM_DEBUG(llvm::dbgs() << "on the clone: " << d << "\n");
        return success();
      });
      tiled = succeeded(tileFunction(clone)) && succeeded(verify(clone));
    }
    if (tiled) {
      func.getBody().takeBody(clone.getBody());
    } else {
      func.emitRemark("norm-tile-rows: could not tile this function over "
                      "rows; it is left untiled");
    }
    clone.erase();
  }

  LogicalResult tileFunction(func::FuncOp func) {
    IRRewriter rewriter(&getContext());

    SmallVector<linalg::LinalgOp> reductions, rowOps;
    func.walk([&](linalg::LinalgOp op) {
      if (op->getParentOfType<scf::ForallOp>() || hasEmptyIterationSpace(op))
        return;
      RowKind kind = classify(op);
      if (kind == RowKind::RowReduction && (isTerminal(op) || onlyFinished(op)))
        reductions.push_back(op);
      else if (kind == RowKind::RowParallel && isTerminal(op))
        rowOps.push_back(op);
    });

    // Gradient groups first: the row reductions and the row ops that share
    // producers with them become one pass over the rows.
    llvm::SmallPtrSet<Operation *, 8> grouped;
    for (const norm::GradientTerminals &group :
         norm::partitionGradientGroups(reductions, rowOps)) {
      ArrayRef<linalg::LinalgOp> groupReductions = group.reductions;
      ArrayRef<linalg::LinalgOp> groupRowOps = group.rowOps;
      for (linalg::LinalgOp op : groupRowOps)
        grouped.insert(op);
      int64_t block = gradientRowBlockFor(groupReductions, groupRowOps);
      if (succeeded(norm::tileGradientGroupInOnePass(
              rewriter, groupReductions, groupRowOps, numThreads, block)))
        continue;
      LLVM_DEBUG(llvm::dbgs() << "one-pass gradient tiling failed for "
                              << groupReductions.front() << "\n");
      if (failed(tileGradientGroup(rewriter, groupReductions, groupRowOps)))
        return failure();
    }
    for (linalg::LinalgOp op : llvm::reverse(rowOps))
      if (!grouped.contains(op) && failed(tileRowParallel(rewriter, op)))
        return failure();
    return success();
  }

  /// True when a loop of `op` has a static extent of 0 (no rows, or rows of
  /// no elements): the op leaves its inits as they are, and the upstream
  /// tile-size computation divides by that extent. Left untiled, it lowers
  /// to an empty loop nest.
  static bool hasEmptyIterationSpace(linalg::LinalgOp op) {
    return llvm::is_contained(op.getStaticLoopRanges(), 0);
  }

  /// Rows per step of a gradient's row loop (see rowsPerBlock); the row
  /// length and element width come from all ops of the group (ScaleNorm's
  /// gain gradient is a sum of per-row values, without a row of its own).
  int64_t gradientRowBlockFor(ArrayRef<linalg::LinalgOp> reductions,
                              ArrayRef<linalg::LinalgOp> rowOps) {
    RowShape shape;
    for (linalg::LinalgOp op : reductions)
      shape.merge(rowShapeOf(op));
    for (linalg::LinalgOp op : rowOps)
      shape.merge(rowShapeOf(op));
    int64_t rowSizedSums = 0;
    for (linalg::LinalgOp op : reductions)
      for (OpOperand &init : op.getDpsInitsMutable())
        rowSizedSums += isRowSized(init.get(), shape.length);
    return rowsPerBlock(shape, rowSizedSums, /*forward=*/false);
  }

  /// Rows per forward tile (see rowsPerBlock), counting the row-sized
  /// parameters `op` reads (SeeDNorm's alpha and gamma); only for rank-2 rows
  /// and a static row count that is a multiple of the block.
  int64_t forwardRowBlockFor(linalg::LinalgOp op) {
    // Rows of rank > 2 inputs ([B, S, D]) would be blocked along S, which
    // the vectorizer splits into single rows again: leave them.
    if (lastRowDim(op) != 0)
      return 1;
    RowShape shape = rowShapeOf(op);
    int64_t rowParameters = 0;
    for (OpOperand *input : op.getDpsInputOperands())
      rowParameters += !op.getMatchingIndexingMap(input).isFunctionOfDim(0) &&
                       isRowSized(input->get(), shape.length);
    int64_t block = rowsPerBlock(shape, rowParameters, /*forward=*/true);
    // Only whole blocks: a partial tile has a dynamic size, which
    // norm-vectorize-rows leaves scalar.
    int64_t rows = op.getStaticLoopRanges().front();
    if (ShapedType::isDynamic(rows) || rows % block != 0)
      return 1;
    return block;
  }

  /// The rows an op works on: their static length (the product of the
  /// feature dims, 0 when dynamic) and the narrowest element width of the
  /// row-indexed floating-point inputs.
  struct RowShape {
    int64_t length = 0;
    /// 0 while no floating-point row input is seen (see elementBits).
    unsigned bits = 0;
    /// Bytes of the largest row-indexed input, -1 when one is dynamic.
    int64_t bytes = 0;
    void mergeBits(unsigned other) {
      bits = bits == 0 ? other : other == 0 ? bits : std::min(bits, other);
    }
    void merge(const RowShape &other) {
      length = std::max(length, other.length);
      mergeBits(other.bits);
      bytes = bytes < 0 || other.bytes < 0 ? -1 : std::max(bytes, other.bytes);
    }
    /// The narrowest floating-point row element width; 32 without one.
    unsigned elementBits() const { return bits == 0 ? 32 : bits; }
  };

  static RowShape rowShapeOf(linalg::LinalgOp op) {
    RowShape shape;
    // SeeDNorm's heads times the head size.
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    llvm::SmallBitVector feature = featureDims(op);
    shape.length = 1;
    for (unsigned d = 0; d < ranges.size(); ++d)
      if (feature.test(d)) {
        if (ShapedType::isDynamic(ranges[d])) {
          shape.length = 0;
          break;
        }
        shape.length *= ranges[d];
      }
    // The row data: floating-point inputs indexed by row (an i1 mask or
    // integer input does not make a row "16-bit").
    for (OpOperand *input : op.getDpsInputOperands()) {
      auto type = dyn_cast<RankedTensorType>(input->get().getType());
      if (!type || !isa<FloatType>(type.getElementType()) ||
          !op.getMatchingIndexingMap(input).isFunctionOfDim(0))
        continue;
      unsigned bits = type.getElementTypeBitWidth();
      shape.mergeBits(bits);
      if (!type.hasStaticShape())
        shape.bytes = -1;
      else if (shape.bytes >= 0)
        shape.bytes =
            std::max(shape.bytes, type.getNumElements() * bits / 8);
    }
    return shape;
  }

  /// Whether blocks of `rowBlock` rows beat single rows, for rows of `shape`
  /// and `rowSized` row-sized parameters or parameter-gradient sums, which a
  /// block loads once. Measured on this Zen 5 (L1d 48 KiB), in cache (1M
  /// elements, 1 thread) and from DRAM beside copies (2 threads), forward
  /// and gradient:
  /// - Several (SeeDNorm): 16-bit rows from 64 elements on (in cache 25-40%
  ///   faster, from DRAM 10-20%); f32 rows from 2048 on (8-16%: not even one
  ///   row stays in L1); f32 rows of 64-512 in cache (10-35%: the block's x
  ///   and dy, 16 KiB at 512, stay in L1 with the parameters), but from DRAM
  ///   their blocks ran at 45-130% of the one-row tiles' speed depending on
  ///   the VM's bandwidth; f32 rows of 768-1024 were slower (up to 20%: one
  ///   row fits in L1, a block does not).
  /// - One or none (RMSNorm, ScaleNorm, row-wise elementwise ops): 16-bit
  ///   rows of 64-1024 elements in cache (13-40% faster; from DRAM 10%
  ///   either way, longer rows up to 15% slower); f32 rows gain nothing
  ///   (forward 10-20% slower).
  /// Rows shorter than 64 elements or of dynamic length keep one row. Where
  /// the stride puts a block's rows in the same L1 sets, rowsPerBlock
  /// decides.
  bool rowBlocksPay(const RowShape &shape, int64_t rowSized) const {
    int64_t length = shape.length;
    if (length < 64)
      return false;
    bool narrow = shape.elementBits() < 32;
    bool inCache = shape.bytes >= 0 && shape.bytes < cacheBytes;
    if (rowSized >= 2)
      return narrow || length >= 2048 || (length <= 512 && inCache);
    return narrow && length <= 1024 && inCache;
  }

  /// Rows per block for rows of `shape` with `rowSized` row-sized
  /// parameters or sums: `rowBlock` where blocks pay (rowBlocksPay) and
  /// their rows fall in different L1 sets (blockRowsShareSets), else 1 --
  /// except gradients and forward rows of 4096 elements or more, which go
  /// in blocks of 2 even in the same sets: a pair loads the
  /// parameters (and adds into the sums) half as often, as long as each
  /// row's piece of a step is whole cache lines (see norm-vectorize-rows).
  /// Measured on a Zen 4 host (L1d 32 KiB 8-way; bench/ab.py, interleaved,
  /// 2 threads from DRAM), SeeDNorm in pairs against single rows: forward
  /// 8192 x 4096 f32 0.85-0.91x (4096 x 8192 0.84x, 1 thread 0.85x, 256 x
  /// 4096 in cache 0.98x), bf16 0.77-0.83x, but 16384 x 2048 f32 0.91-1.05x
  /// and bf16 1.04x (a row and the parameters nearly fit in L1); gradient
  /// 8192 x 4096 f32 0.84-0.95x, bf16 0.73-0.78x, 16384 x 2048 f32 0.91x,
  /// bf16 0.89x. Blocks of 4 in the same sets gained no more (f32 gradient
  /// 0.86x) or lost (bf16 1.13-1.2x).
  int64_t rowsPerBlock(const RowShape &shape, int64_t rowSized,
                       bool forward) const {
    if (!forward && rowBlock > 1)
      if (int64_t rows = wideL1GradientBlock(shape, rowSized))
        return rows;
    if (rowBlock <= 1 || !rowBlocksPay(shape, rowSized))
      return 1;
    int64_t block = rowBlock;
    // A 16-bit gradient with three row-sized sums (SeeDNorm) goes 2 rows of
    // a block at a time in both sweeps anyway (norm-vectorize-rows: whole
    // lines of its four row sums, or of its nine streams, over 4 rows exceed
    // the registers); blocks of 2 then ran faster still (65536 x 1024 bf16:
    // 16.3 ms against 20.9 in blocks of 4).
    if (!forward && shape.elementBits() < 32 && rowSized >= 3)
      block = std::min<int64_t>(block, 2);
    int64_t rowBytes = shape.length * shape.elementBits() / 8;
    if (!blockRowsShareSets(rowBytes, block))
      return block;
    // (The gradients that get here have f32 rows of 2048 or more: shorter
    // rows in blocks, 512 f32 or 1024 bf16 at most, share sets only in
    // pairs, and 16-bit SeeDNorm gradients take pairs already.)
    constexpr int64_t kMinForwardLengthForPairs = 4096;
    return !forward || shape.length >= kMinForwardLengthForPairs ? 2 : 1;
  }

  /// Rows per block for a gradient with one row-sized sum (RMSNorm's) of
  /// f32 rows of 4096 to 8192 elements, on a target whose L1d (DLTI spec)
  /// has 48 KiB or more; 0 elsewhere (rowsPerBlock's rules decide). Such a
  /// row with its weight and sum (48 KiB) already fills the L1, so a
  /// block's rows, a multiple of 4 KiB apart, share its sets: the block
  /// keeps 2 lines per row (x, dy) and the weight's and the sum's in one set
  /// at a time, at most as many rows (a power of two, at most `rowBlock`) as
  /// the ways leave room for: 4 in 12 ways. Measured on an Emerald Rapids
  /// host (L1d 48 KiB 12-way; bench/ab.py, 8-12 interleaved rounds, 2
  /// threads from DRAM), blocks of 4 against single rows: 8192 x 4096
  /// 0.90-0.94x (1 thread 0.93x; pairs 0.93x), 4096 x 8192 0.93-0.96x; but
  /// 2048 x 16384 1.18-1.23x slower, 16384 x 2048 0.98x and 65536 x 1024
  /// 1.01x (a row fits the L1 with its weight and sum), bf16 rows
  /// 0.99-1.04x, and ScaleNorm (no row-sized sum) 1.01x.
  int64_t wideL1GradientBlock(const RowShape &shape, int64_t rowSized) const {
    constexpr int64_t kMinL1Bytes = 48 * 1024;
    constexpr int64_t kMinLength = 4096, kMaxLength = 8192;
    if (l1CacheBytes < kMinL1Bytes || rowSized != 1 ||
        shape.elementBits() != 32 || shape.length < kMinLength ||
        shape.length > kMaxLength)
      return 0;
    int64_t ways = l1CacheBytes / norm::kL1WayBytes;
    // Lines per set: x and dy of each row, the weight and the sum.
    int64_t rows = (ways - 2) / 2;
    rows = std::min<int64_t>(rows, rowBlock);
    return rows >= 2 ? static_cast<int64_t>(llvm::bit_floor(
                           static_cast<uint64_t>(rows)))
                     : 0;
  }

  /// The target's L1 data cache in bytes (DLTI spec; 0: unknown).
  int64_t l1CacheBytes = 0;

  /// True when more than two of `rows` rows `rowBytes` apart fall in the
  /// same sets of an L1 of 64 sets of 64-byte lines (32 KiB 8-way, 48 KiB
  /// 12-way): a block then walks x, dy and dx of several rows through the
  /// same few sets, more lines than an 8-way L1 holds. On an AVX2 Zen host
  /// (L1d 32 KiB 8-way), SeeDNorm's gradient 8192 x 4096 ran 2.5x slower in
  /// blocks of 4 rows than in single rows (f32: 45-55 vs 17-20 ms; bf16: 48
  /// vs 14 ms), and so did D = 4104 (rows 32 bytes off a multiple of 4 KiB),
  /// while D = 4000, 4112, 4128 and 4160 ran 10-20% faster in blocks.
  static bool blockRowsShareSets(int64_t rowBytes, int64_t rows) {
    constexpr int64_t kSetSpan = norm::kL1WayBytes;
    constexpr int64_t kLine = norm::kCacheLineBytes;
    for (int64_t i = 0; i < rows; ++i) {
      int64_t sharing = 0;
      for (int64_t j = 0; j < rows; ++j) {
        int64_t offset = (((j - i) * rowBytes) % kSetSpan + kSetSpan) % kSetSpan;
        sharing += std::min(offset, kSetSpan - offset) < kLine;
      }
      if (sharing > 2)
        return true;
    }
    return false;
  }

  /// True when `value` is a static tensor of at least `rowLength` (> 0)
  /// elements.
  static bool isRowSized(Value value, int64_t rowLength) {
    auto type = dyn_cast<RankedTensorType>(value.getType());
    return rowLength > 0 && type && type.hasStaticShape() &&
           type.getNumElements() >= rowLength;
  }

  /// Tiles `op` with `tiling` (an scf.forall), fuses its producers into the
  /// loop and redirects the outside uses to the loop results.
  LogicalResult tileAndFuse(RewriterBase &rewriter, linalg::LinalgOp op,
                            const scf::SCFTilingOptions &tiling) {
    scf::SCFTileAndFuseOptions options;
    options.setTilingOptions(tiling);
    options.setFusionControlFn(fuseAllControl());
    FailureOr<scf::SCFTileAndFuseResult> result =
        scf::tileConsumerAndFuseProducersUsingSCF(
            rewriter, cast<TilingInterface>(op.getOperation()), options);
    if (failed(result))
      return op->emitOpError("norm-tile-rows: tiling over rows failed");
    replaceOutsideUses(rewriter, *result, result->loops.front());
    return success();
  }

  /// Forward: tile the terminal op over rows with scf.forall and fuse.
  LogicalResult tileRowParallel(RewriterBase &rewriter, linalg::LinalgOp op) {
    rewriter.setInsertionPoint(op);
    scf::SCFTilingOptions tiling;
    tiling.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
    int64_t rows = rowTile > 0 ? rowTile : forwardRowBlockFor(op);
    tiling.setTileSizes(rowTileSizes(rewriter, op, rows));
    return tileAndFuse(rewriter, op, tiling);
  }

  /// Fallback for gradient groups that do not fit the one-pass form (see
  /// ChunkedGradient.h): a row reduction (parameter gradient) is tiled into
  /// `numThreads` row chunks with one partial result per chunk, merged in
  /// chunk order after the loop; the row-parallel ops (dx) are tiled as in
  /// the forward case, so x and dy are read twice.
  LogicalResult tileGradientGroup(RewriterBase &rewriter,
                                  ArrayRef<linalg::LinalgOp> reductions,
                                  ArrayRef<linalg::LinalgOp> rowOps) {
    for (linalg::LinalgOp op : reductions) {
      // A 1-D sum (over per-row values) is cheap: left as it is.
      if (op.getNumLoops() < 2)
        continue;
      rewriter.setInsertionPoint(op);
      SmallVector<OpFoldResult> threads(op.getNumLoops(),
                                        rewriter.getIndexAttr(0));
      threads[0] = rewriter.getIndexAttr(numThreads);
      scf::SCFTilingOptions tiling;
      tiling.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
      tiling.setNumThreads(threads);
      tiling.setReductionTilingStrategy(
          ReductionTilingStrategy::PartialReductionOuterParallel);
      tiling.setReductionDims({0});
      if (failed(tileAndFuse(rewriter, op, tiling)))
        return failure();
    }
    for (linalg::LinalgOp op : llvm::reverse(rowOps))
      if (failed(tileRowParallel(rewriter, op)))
        return failure();
    return success();
  }
};

} // namespace
