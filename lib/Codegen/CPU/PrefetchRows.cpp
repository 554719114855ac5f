//===- PrefetchRows.cpp - prefetch the next rows during the write sweep ---===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// A row tile loads its row from DRAM in its first sweep and then works from
// cache; during the last sweep, which writes the output, nothing is read
// from memory unless the next row is prefetched (the hardware streamer loses
// the stream when the sweep jumps back to the row start). See Passes.td.
//
//===----------------------------------------------------------------------===//

#include "Norm/Codegen/CPU/Passes.h"

#include "CacheLine.h"
#include "TargetCache.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

namespace mlir::norm {
#define GEN_PASS_DEF_NORMPREFETCHROWS
#include "Norm/Codegen/CPU/Passes.h.inc"
} // namespace mlir::norm

using namespace mlir;

namespace {

/// The smallest L1 data cache (bytes) on which the automatic locality sends
/// a gradient sweep's prefetches to L1 (see localityFor).
constexpr int64_t kMinL1BytesForL1Prefetch = 48 * 1024;

/// True when `load` reads a row of a buffer in `loop`: its leading index is
/// defined outside the loop and is not a constant (a row index), and its last
/// index varies with the loop.
bool readsRow(vector::LoadOp load, scf::ForOp loop) {
  ValueRange indices = load.getIndices();
  if (indices.size() < 2)
    return false;
  Value row = indices.front();
  if (getConstantIntValue(row) || !row.getParentRegion()->isProperAncestor(
                                      &loop.getRegion()))
    return false;
  return !indices.back().getParentRegion()->isProperAncestor(
      &loop.getRegion());
}

struct NormPrefetchRowsPass
    : norm::impl::NormPrefetchRowsBase<NormPrefetchRowsPass> {
  using Base::Base;

  void runOnOperation() override {
    if (locality < -1 || locality > 3 || distance < 0 || minBytesAhead < 0) {
      getOperation().emitError()
          << "norm-prefetch-rows: invalid options: locality = "
          << static_cast<int64_t>(locality)
          << " (expected 0..3, or -1 for the default), distance = "
          << static_cast<int64_t>(distance)
          << " (expected >= 0, 0 = off), min-bytes-ahead = "
          << static_cast<int64_t>(minBytesAhead) << " (expected >= 0)";
      return signalPassFailure();
    }
    if (distance <= 0)
      return;
    int64_t l1CacheBytes = norm::targetL1CacheBytes(getOperation());
    l2CacheBytes = norm::targetL2CacheBytes(getOperation());
    SmallVector<scf::ForOp> loops;
    getOperation().walk([&](scf::ForOp loop) {
      // The write sweep: a loop whose own body stores vectors (and does not
      // read the next rows itself, see norm-pipeline-row-sweeps).
      if (!loop->hasAttr(norm::kPipelinedSweepsAttrName) &&
          llvm::any_of(loop.getBody()->getOps<vector::StoreOp>(),
                       [](auto) { return true; }))
        loops.push_back(loop);
    });
    for (scf::ForOp loop : loops) {
      // The row index of each row but the first of a row block is computed
      // in the loop (row + k): hoist it so that the row is recognized.
      moveLoopInvariantCode(cast<LoopLikeOpInterface>(loop.getOperation()));
      prefetchNextRows(loop, l1CacheBytes);
      // The prefetch addresses' row parts (clamp, 1-D view, row start) do
      // not change in the loop.
      moveLoopInvariantCode(cast<LoopLikeOpInterface>(loop.getOperation()));
    }
  }

  void prefetchNextRows(scf::ForOp loop, int64_t l1CacheBytes) {
    // One prefetch per (buffer, row index, other indices) read in the loop.
    llvm::SmallDenseSet<std::pair<Value, Value>> seen;
    SmallVector<vector::LoadOp> loads;
    for (auto load : loop.getBody()->getOps<vector::LoadOp>())
      if (readsRow(load, loop) && elementsPerLine(load) > 0 &&
          !staysInL2(load.getMemRefType()) &&
          seen.insert({load.getBase(), load.getIndices().front()}).second)
        loads.push_back(load);
    // A loop over a block of rows reads several rows of a buffer: the next
    // block starts `rows` rows further.
    DenseMap<Value, int64_t> rowsPerBuffer;
    for (vector::LoadOp load : loads)
      ++rowsPerBuffer[load.getBase()];
    int64_t hint = localityFor(rowsPerBuffer.size(), l1CacheBytes);
    // The loads of a buffer in block order (row, row + 1, ...).
    DenseMap<Value, int64_t> rowInBlock;
    for (vector::LoadOp load : loads) {
      int64_t rows = rowsPerBuffer.lookup(load.getBase());
      int64_t row = rowInBlock[load.getBase()]++;
      VectorType type = load.getVectorType();
      int64_t perLine = elementsPerLine(load);
      // A load shorter than a line (a block of bf16 rows, 32 bytes each)
      // would prefetch every line twice or more. The rows of a block are
      // consecutive in memory, so instead every `ratio`-th row's prefetch
      // walks `ratio` rows at `ratio` times the column pace, one prefetch per
      // line, on a 1-D view of the buffer: element (row + k) * D + c * ratio.
      // (Row and column indices of the walk would need a division and a
      // remainder by D in every iteration.)
      int64_t ratio = perLine / type.getNumElements();
      int64_t rowLength = load.getMemRefType().getShape().back();
      bool walk = ratio > 1 && rows % ratio == 0 && isContiguousRows(load) &&
                  !ShapedType::isDynamic(rowLength) &&
                  hasAtLeastRows(load.getMemRefType(), ratio);
      if (walk && row % ratio != 0)
        continue;
      OpBuilder b(load);
      Location loc = load.getLoc();
      auto constant = [&](int64_t v) {
        return arith::ConstantIndexOp::create(b, loc, v);
      };
      // The row `distance` blocks ahead, or more for short rows (see
      // blocksAhead), clamped so that the prefetches of the last blocks stay
      // inside the buffer: to the last row, or for a walk over `ratio` rows
      // to the last row but `ratio` - 1. (A walking loop runs only on
      // buffers of at least `rows` >= `ratio` rows.)
      int64_t rowsAhead = blocksAhead(load, rows) * rows;
      Value base = load.getBase();
      Value lastRow = arith::SubIOp::create(
          b, loc, memref::DimOp::create(b, loc, base, 0),
          constant(walk ? ratio : 1));
      Value ahead = arith::MinUIOp::create(
          b, loc,
          arith::AddIOp::create(b, loc, load.getIndices().front(),
                                constant(rowsAhead)),
          lastRow);
      SmallVector<Value> indices(load.getIndices());
      indices.front() = ahead;
      Value column = indices.back();
      int64_t span = type.getNumElements();
      if (walk) {
        Value flat = collapseToOneDim(b, loc, base);
        Value rowStart = arith::MulIOp::create(b, loc, ahead,
                                               constant(rowLength));
        base = flat;
        indices = {arith::AddIOp::create(
            b, loc, rowStart,
            arith::MulIOp::create(b, loc, column, constant(ratio)))};
        column = indices.front();
        span *= ratio;
      }
      // Cover every cache line of the walked or loaded span.
      for (int64_t offset = 0; offset < span; offset += perLine) {
        if (offset > 0)
          indices.back() =
              arith::AddIOp::create(b, loc, column, constant(offset));
        memref::PrefetchOp::create(b, loc, base, indices,
                                   /*isWrite=*/false, /*localityHint=*/hint,
                                   /*isDataCache=*/true);
      }
    }
  }

  /// True when all of a buffer of `type` (static) fits in half the target's
  /// L2 (DLTI spec; unknown: false) and `prefetch-cached` is off: called
  /// again and again, as a layer's activations are, it is read from L2,
  /// where the hardware prefetchers keep up and the prefetches only cost
  /// instructions. Measured on a Granite Rapids-class host (L2 2 MiB; 64 x
  /// 4096 f32 rows, 1 MiB, interleaved bench/ab.py), without the
  /// prefetches: forward 0.87-0.92x the time at 1 thread (ScaleNorm 0.90x at
  /// 2), gradients 0.88-0.99x at 1 thread and 0.78-0.95x at 2. An Emerald
  /// Rapids host (L2 2 MiB too) measured the same rows 1.08-1.39x slower
  /// without them in an earlier session (older code, 4 KiB pages).
  bool staysInL2(MemRefType type) const {
    if (prefetchCached || l2CacheBytes <= 0 || !type.hasStaticShape() ||
        !type.getElementType().isIntOrFloat())
      return false;
    // elements x width <= 8 x (L2 / 2) bits, without the product (a huge
    // static shape would overflow it).
    return type.getNumElements() <=
           l2CacheBytes / 2 * 8 / type.getElementTypeBitWidth();
  }

  /// The target's L2 size in bytes (0: unknown), see staysInL2.
  int64_t l2CacheBytes = 0;

  /// How many elements of `load` a cache line holds; 0 when its rows are not
  /// rows of numbers to prefetch (index elements have no width here,
  /// elements wider than a line are not numbers).
  static int64_t elementsPerLine(vector::LoadOp load) {
    Type elementType = load.getVectorType().getElementType();
    if (!elementType.isIntOrFloat())
      return 0;
    return norm::kCacheLineBytes * 8 / elementType.getIntOrFloatBitWidth();
  }

  /// The locality hint of the prefetches of a sweep that reads `buffers`
  /// row-indexed buffers: the `locality` option, or with "auto" (-1) 2 (to
  /// L2, prefetcht1), except for sweeps that read several buffers (the
  /// gradients' x and dy) on a target whose L1 data cache (`l1CacheBytes`,
  /// 0: unknown; see targetL1CacheBytes) has at least 48 KiB, which get 3
  /// (to L1, prefetcht0).
  /// Measured with bench/ab.py, interleaved: on an Emerald Rapids host (48
  /// KiB L1d) forward sweeps ran 2-23% faster with prefetcht1 and the f32
  /// gradients 1-9% slower; on a Zen 4 host (32 KiB L1d) forward sweeps
  /// again ran faster with prefetcht1 (2-45% slower with prefetcht0), and so
  /// did the gradients, 4-28% on 11 of the 12 DRAM-sized shapes (+2% on the
  /// last): prefetcht0 pulls rows ahead into an L1 that barely holds the
  /// rows being worked on.
  /// Without a target spec the choice is the one that lost least.
  int64_t localityFor(size_t buffers, int64_t l1CacheBytes) const {
    if (locality >= 0)
      return locality;
    return buffers > 1 && l1CacheBytes >= kMinL1BytesForL1Prefetch ? 3 : 2;
  }

  /// How many blocks of `rows` rows ahead to prefetch for `load`: at least
  /// `distance`, and at least `min-bytes-ahead` bytes ahead in the buffer
  /// when its rows have a static size. The prefetch has to run ahead of the
  /// loads by the memory latency times the bandwidth of a stream; two blocks
  /// of long rows are far ahead (128 KiB for 4 rows of 4096 f32), two blocks
  /// of short ones are not (4 KiB for 4 rows of 128 f32: SeeDNorm's gradient
  /// of 262144x128 f32 took 20-30% longer than with 32 KiB, beside copies).
  int64_t blocksAhead(vector::LoadOp load, int64_t rows) const {
    MemRefType type = load.getMemRefType();
    ArrayRef<int64_t> rowShape = type.getShape().drop_front();
    if (minBytesAhead <= 0 || ShapedType::isDynamicShape(rowShape) ||
        !type.getElementType().isIntOrFloat())
      return distance;
    int64_t blockBits = rows * type.getElementTypeBitWidth();
    for (int64_t size : rowShape)
      blockBits *= size;
    int64_t blockBytes = llvm::divideCeil(blockBits, 8);
    if (blockBytes <= 0)
      return distance;
    return std::max<int64_t>(distance,
                             llvm::divideCeil(minBytesAhead, blockBytes));
  }

  /// False when `type` has a static row count below `rows`: a walk over
  /// `rows` rows would leave it (the loads of a "block" then repeat rows).
  static bool hasAtLeastRows(MemRefType type, int64_t rows) {
    int64_t count = type.getShape().front();
    return ShapedType::isDynamic(count) || count >= rows;
  }

  /// `buffer` (identity layout) as a 1-D memref of all its elements.
  static Value collapseToOneDim(OpBuilder &b, Location loc, Value buffer) {
    auto type = cast<MemRefType>(buffer.getType());
    ReassociationIndices all =
        llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()));
    return memref::CollapseShapeOp::create(b, loc, buffer,
                                           ArrayRef<ReassociationIndices>{all});
  }

  /// True when the rows `load` indexes (its leading dim) follow each other
  /// in memory: an identity layout whose dims between the leading and the
  /// last one have size 1 (the [rows, 1, D] views of the row tiles).
  static bool isContiguousRows(vector::LoadOp load) {
    MemRefType type = load.getMemRefType();
    return type.getLayout().isIdentity() &&
           llvm::all_of(type.getShape().drop_front().drop_back(),
                        [](int64_t size) { return size == 1; });
  }
};

} // namespace
