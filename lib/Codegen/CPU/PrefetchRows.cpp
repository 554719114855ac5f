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

constexpr int64_t kCacheLineBytes = 64;

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
    if (distance <= 0)
      return;
    SmallVector<scf::ForOp> loops;
    getOperation().walk([&](scf::ForOp loop) {
      // The write sweep: a loop whose own body stores vectors.
      if (llvm::any_of(loop.getBody()->getOps<vector::StoreOp>(),
                       [](auto) { return true; }))
        loops.push_back(loop);
    });
    for (scf::ForOp loop : loops) {
      // The row index of each row but the first of a row block is computed
      // in the loop (row + k): hoist it so that the row is recognized.
      moveLoopInvariantCode(cast<LoopLikeOpInterface>(loop.getOperation()));
      prefetchNextRows(loop);
    }
  }

  void prefetchNextRows(scf::ForOp loop) {
    // One prefetch per (buffer, row index, other indices) read in the loop.
    llvm::SmallDenseSet<std::pair<Value, Value>> seen;
    SmallVector<vector::LoadOp> loads;
    for (auto load : loop.getBody()->getOps<vector::LoadOp>())
      if (readsRow(load, loop) &&
          seen.insert({load.getBase(), load.getIndices().front()}).second)
        loads.push_back(load);
    // A loop over a block of rows reads several rows of a buffer: the next
    // block starts `rows` rows further.
    DenseMap<Value, int64_t> rowsPerBuffer;
    for (vector::LoadOp load : loads)
      ++rowsPerBuffer[load.getBase()];
    // The loads of a buffer in block order (row, row + 1, ...).
    DenseMap<Value, int64_t> rowInBlock;
    for (vector::LoadOp load : loads) {
      int64_t rows = rowsPerBuffer.lookup(load.getBase());
      int64_t row = rowInBlock[load.getBase()]++;
      VectorType type = load.getVectorType();
      int64_t perLine =
          kCacheLineBytes * 8 / type.getElementType().getIntOrFloatBitWidth();
      // A load shorter than a line (a block of bf16 rows, 32 bytes each)
      // would prefetch every line twice or more. The rows of a block are
      // consecutive in memory, so instead every `ratio`-th row's prefetch
      // walks `ratio` rows at `ratio` times the column pace, one prefetch per
      // line: column c * ratio of that row is row + (c * ratio) / D, column
      // (c * ratio) % D.
      int64_t ratio = perLine / type.getNumElements();
      int64_t rowLength = load.getMemRefType().getShape().back();
      bool walk = ratio > 1 && rows % ratio == 0 && isContiguousRows(load) &&
                  !ShapedType::isDynamic(rowLength);
      if (walk && row % ratio != 0)
        continue;
      OpBuilder b(load);
      Location loc = load.getLoc();
      auto constant = [&](int64_t v) {
        return arith::ConstantIndexOp::create(b, loc, v);
      };
      SmallVector<Value> indices(load.getIndices());
      indices.front() = arith::AddIOp::create(b, loc, indices.front(),
                                              constant(distance * rows));
      if (walk) {
        Value walked = arith::MulIOp::create(b, loc, indices.back(),
                                             constant(ratio));
        indices.front() = arith::AddIOp::create(
            b, loc, indices.front(),
            arith::DivUIOp::create(b, loc, walked, constant(rowLength)));
        indices.back() =
            arith::RemUIOp::create(b, loc, walked, constant(rowLength));
      }
      // Cover every cache line of the loaded vector.
      Value first = indices.back();
      for (int64_t offset = 0; offset < type.getNumElements();
           offset += perLine) {
        if (offset > 0)
          indices.back() =
              arith::AddIOp::create(b, loc, first, constant(offset));
        memref::PrefetchOp::create(b, loc, load.getBase(), indices,
                                   /*isWrite=*/false, /*localityHint=*/3,
                                   /*isDataCache=*/true);
      }
    }
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
