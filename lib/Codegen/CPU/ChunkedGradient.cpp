//===- ChunkedGradient.cpp - one-pass row loop for gradient groups --------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// A norm gradient decomposes into per-row statistics, an elementwise dx and
// parameter gradients that sum over the rows. Tiled one op at a time, dx and
// the parameter gradients become two loops over the rows and read x and dy
// twice. Here every op of the group is tiled to one row (with the upstream
// TilingInterface) inside a single row loop, and the parameter gradients sum
// into per-chunk accumulators carried by that loop; the chunks run in
// parallel and their partial sums are merged in chunk order afterwards. See
// ChunkedGradient.h for the loop structure.
//
// Which loop is "the row" is read off the indexing maps: the leading loop of
// every op in the group, and only ever the leading dimension of an operand.
// A producer belongs to the group when a group op reads it by row and no op
// outside the group reads it; anything else is used whole, from outside.
//
//===----------------------------------------------------------------------===//

#include "Norm/Codegen/CPU/ChunkedGradient.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/TilingInterface.h"
#include "llvm/ADT/SetVector.h"

#include <functional>
#include <numeric>

using namespace mlir;

namespace {

/// True when `expr` is the leading loop d0 itself.
bool isRowDim(AffineExpr expr) {
  auto dim = dyn_cast<AffineDimExpr>(expr);
  return dim && dim.getPosition() == 0;
}

/// How `op` reads or writes `operand` along the row loop: -1 when the
/// operand does not depend on the row, 0 when its leading dimension is the
/// row, and failure when the row appears anywhere else (transposed, mixed
/// into an expression).
FailureOr<int> rowAccess(linalg::LinalgOp op, OpOperand &operand) {
  AffineMap map = op.getMatchingIndexingMap(&operand);
  int access = -1;
  for (auto [i, expr] : llvm::enumerate(map.getResults())) {
    if (!expr.isFunctionOfDim(0))
      continue;
    if (i != 0 || !isRowDim(expr))
      return failure();
    access = 0;
  }
  return access;
}

/// True when every result of `op` is `out + f(...)`: a sum that can be split
/// into partial sums and merged with addf.
bool sumsIntoOutputs(linalg::LinalgOp op) {
  auto yield = cast<linalg::YieldOp>(op.getBlock()->getTerminator());
  for (auto [i, init] : llvm::enumerate(op.getDpsInitsMutable())) {
    BlockArgument out = op.getMatchingBlockArgument(&init);
    auto add = yield.getOperand(i).getDefiningOp<arith::AddFOp>();
    if (!add || !out.hasOneUse() ||
        (add.getLhs() != out && add.getRhs() != out))
      return false;
  }
  return true;
}

/// `v` with type `type` (a tensor.cast when only static information differs).
Value castTo(OpBuilder &b, Location loc, Value v, Type type) {
  if (v.getType() == type)
    return v;
  return tensor::CastOp::create(b, loc, type, v);
}

/// True when a result of `rowOp` is read before the last of `reductions`
/// (e.g. a forward norm whose output feeds the rest of the model and whose
/// statistics the gradient shares): the one-pass loop goes after the
/// reductions, so such an op is tiled on its own.
bool usedBeforeReductions(linalg::LinalgOp rowOp,
                          ArrayRef<linalg::LinalgOp> reductions) {
  Block *block = rowOp->getBlock();
  Operation *last = reductions.front();
  for (linalg::LinalgOp op : reductions)
    if (op->getBlock() == block && last->isBeforeInBlock(op))
      last = op;
  for (Operation *user : rowOp->getUsers()) {
    Operation *ancestor = block->findAncestorOpInBlock(*user);
    if (ancestor && ancestor != last && ancestor->isBeforeInBlock(last))
      return true;
  }
  return false;
}

/// The group of a gradient: its terminal ops and the producers tiled with
/// them, in block order.
struct GradientGroup {
  SmallVector<linalg::LinalgOp> reductions, rowOps;
  SmallVector<linalg::LinalgOp> ops; // members incl. terminals, block order
  llvm::SmallPtrSet<Operation *, 16> members;
};

/// Collects the producers that `op` reads by row (transitively).
LogicalResult collectRowProducers(linalg::LinalgOp op, bool isReduction,
                                  llvm::SetVector<Operation *> &found) {
  Block *block = op->getBlock();
  for (OpOperand &operand : op->getOpOperands()) {
    // A reduction's outputs are merged after the loop; a row op's outputs
    // are its destination, not read.
    if (op.isDpsInit(&operand) &&
        (isReduction || !op.payloadUsesValueFromOperand(&operand)))
      continue;
    FailureOr<int> access = rowAccess(op, operand);
    if (failed(access))
      return failure();
    auto producer = operand.get().getDefiningOp<linalg::LinalgOp>();
    if (*access != 0 || !producer || producer->getBlock() != block ||
        !producer.hasPureTensorSemantics())
      continue;
    // The producer's leading loop must be the row too.
    OpOperand *init = producer.getDpsInitOperand(
        cast<OpResult>(operand.get()).getResultNumber());
    FailureOr<int> producerAccess = rowAccess(producer, *init);
    if (failed(producerAccess) || *producerAccess != 0)
      continue;
    if (found.insert(producer) &&
        failed(collectRowProducers(producer, /*isReduction=*/false, found)))
      return failure();
  }
  return success();
}

/// Builds the group of `reductions` and `rowOps`, dropping producers that an
/// op outside the group also reads.
FailureOr<GradientGroup> buildGroup(ArrayRef<linalg::LinalgOp> reductions,
                                    ArrayRef<linalg::LinalgOp> rowOps) {
  llvm::SetVector<Operation *> producers;
  for (linalg::LinalgOp op : reductions)
    if (failed(collectRowProducers(op, true, producers)))
      return failure();
  for (linalg::LinalgOp op : rowOps)
    if (failed(collectRowProducers(op, false, producers)))
      return failure();

  GradientGroup group;
  group.reductions.assign(reductions.begin(), reductions.end());
  group.rowOps.assign(rowOps.begin(), rowOps.end());
  for (linalg::LinalgOp op : reductions)
    group.members.insert(op);
  for (linalg::LinalgOp op : rowOps)
    group.members.insert(op);
  for (Operation *op : producers)
    group.members.insert(op);
  for (bool changed = true; changed;) {
    changed = false;
    for (Operation *op : producers) {
      if (!group.members.contains(op))
        continue;
      bool usedOutside = llvm::any_of(op->getUsers(), [&](Operation *user) {
        return !group.members.contains(user);
      });
      if (usedOutside) {
        group.members.erase(op);
        changed = true;
      }
    }
  }

  Block *block = reductions.front()->getBlock();
  for (Operation &op : *block)
    if (group.members.contains(&op))
      group.ops.push_back(cast<linalg::LinalgOp>(&op));
  if (group.ops.size() != group.members.size())
    return failure(); // a terminal in another block

  // Only worth it when the group streams rows (some op has a row and a
  // column loop); a sum over a vector is left to the fallback.
  if (llvm::none_of(group.ops,
                    [](linalg::LinalgOp op) { return op.getNumLoops() >= 2; }))
    return failure();
  for (linalg::LinalgOp op : group.ops) {
    bool isReduction = llvm::is_contained(reductions, op);
    SmallVector<utils::IteratorType> iters = op.getIteratorTypesArray();
    if (iters.empty() || !op.hasPureTensorSemantics() ||
        (iters.front() == utils::IteratorType::reduction) != isReduction)
      return failure();
    for (OpOperand &operand : op->getOpOperands())
      if (failed(rowAccess(op, operand)))
        return failure();
    if (isReduction && !sumsIntoOutputs(op))
      return failure();
  }
  for (linalg::LinalgOp op : rowOps)
    for (OpOperand &init : op.getDpsInitsMutable())
      if (op.payloadUsesValueFromOperand(&init) || *rowAccess(op, init) != 0)
        return failure();
  return group;
}

/// The point after which the rewritten loop nest goes: after every group op
/// and every value the group reads. Fails when a use of a group result comes
/// before it.
FailureOr<Operation *> insertionPoint(const GradientGroup &group) {
  Block *block = group.ops.front()->getBlock();
  Operation *last = group.ops.back();
  auto consider = [&](Value v) {
    Operation *def = v.getDefiningOp();
    if (!def)
      return;
    def = block->findAncestorOpInBlock(*def);
    if (def && last->isBeforeInBlock(def))
      last = def;
  };
  for (linalg::LinalgOp op : group.ops)
    for (Value v : op->getOperands())
      consider(v);
  for (linalg::LinalgOp op : group.ops)
    for (Operation *user : op->getUsers()) {
      if (group.members.contains(user))
        continue;
      Operation *ancestor = block->findAncestorOpInBlock(*user);
      if (!ancestor || !last->isBeforeInBlock(ancestor))
        return failure();
    }
  return last;
}

/// Tiles every op of `group` to row `row` (chunk-relative `rowInChunk`)
/// inside the row loop. `chunks` are the row ops' destination chunks and
/// `accs` the parameter-gradient sums (loop iter_args). Returns the new
/// values of the iter_args.
FailureOr<SmallVector<Value>>
tileGroupToRow(OpBuilder &b, Location loc, const GradientGroup &group,
               const DenseMap<Operation *, SmallVector<Range>> &ranges,
               Value row, Value rowInChunk, int64_t numRows, ValueRange chunks,
               ValueRange accs) {
  IRMapping tiledValues; // group result -> its row tile
  SmallVector<Value> newChunks(chunks.begin(), chunks.end());
  SmallVector<Value> newAccs;
  unsigned chunkIndex = 0, accIndex = 0;
  for (linalg::LinalgOp op : group.ops) {
    SmallVector<OpFoldResult> offsets, sizes;
    for (auto [i, range] : llvm::enumerate(ranges.lookup(op))) {
      offsets.push_back(i == 0 ? OpFoldResult(row) : range.offset);
      sizes.push_back(i == 0 ? OpFoldResult(b.getIndexAttr(numRows))
                             : range.size);
    }
    FailureOr<TilingResult> tiled =
        cast<TilingInterface>(op.getOperation())
            .getTiledImplementation(b, offsets, sizes);
    if (failed(tiled) || tiled->tiledOps.size() != 1)
      return failure();
    auto tiledOp = cast<linalg::LinalgOp>(tiled->tiledOps.front());
    bool isReduction = llvm::is_contained(group.reductions, op);
    bool isRowOp = llvm::is_contained(group.rowOps, op);

    // Replacement operands go right before the tiled op.
    b.setInsertionPoint(tiledOp);
    SmallVector<tensor::ExtractSliceOp> rowDests; // a row op's chunk rows

    for (OpOperand &operand : tiledOp->getOpOperands()) {
      auto slice = operand.get().getDefiningOp<tensor::ExtractSliceOp>();
      Value replacement;
      if (isReduction && tiledOp.isDpsInit(&operand)) {
        // The loop's running sum replaces the (whole) output.
        Value acc = accs[accIndex + (operand.getOperandNumber() -
                                     tiledOp.getNumDpsInputs())];
        replacement = castTo(b, loc, acc, operand.get().getType());
      } else if (isRowOp && tiledOp.isDpsInit(&operand) && slice) {
        // Write straight into the row of the destination chunk.
        SmallVector<OpFoldResult> rowOffsets = slice.getMixedOffsets();
        rowOffsets[0] = rowInChunk;
        Value chunk = chunks[chunkIndex + (operand.getOperandNumber() -
                                           tiledOp.getNumDpsInputs())];
        auto dest = tensor::ExtractSliceOp::create(
            b, loc, chunk, rowOffsets, slice.getMixedSizes(),
            slice.getMixedStrides());
        rowDests.push_back(dest);
        replacement = castTo(b, loc, dest, slice.getType());
      } else if (tiledValues.contains(operand.get())) {
        // A whole-tensor read (the slice folded away: a single row).
        replacement = tiledValues.lookup(operand.get());
      } else if (slice && tiledValues.contains(slice.getSource())) {
        Value producerTile = tiledValues.lookup(slice.getSource());
        auto want = cast<RankedTensorType>(slice.getType());
        auto have = cast<RankedTensorType>(producerTile.getType());
        if (want.getRank() != have.getRank())
          return failure();
        replacement = castTo(b, loc, producerTile, want);
      } else if (slice) {
        Operation *def = slice.getSource().getDefiningOp();
        if (def && group.members.contains(def))
          return failure(); // a group result read before it was tiled
      }
      if (replacement)
        operand.set(replacement);
    }

    b.setInsertionPointAfter(tiledOp);
    for (auto [result, value] : llvm::zip(op->getResults(), tiledOp->getResults()))
      tiledValues.map(result, value);
    if (isReduction) {
      for (Value v : tiledOp->getResults()) {
        newAccs.push_back(castTo(b, loc, v, accs[accIndex].getType()));
        ++accIndex;
      }
    }
    if (isRowOp) {
      // Every output was redirected to its chunk rows above (or the tile
      // did not slice it, which this loop does not handle).
      if (static_cast<int64_t>(rowDests.size()) != tiledOp.getNumDpsInits())
        return failure();
      for (auto [result, dest] : llvm::zip(tiledOp->getResults(), rowDests)) {
        Value value = castTo(b, loc, result, dest.getType());
        newChunks[chunkIndex] = tensor::InsertSliceOp::create(
            b, loc, value, newChunks[chunkIndex], dest.getMixedOffsets(),
            dest.getMixedSizes(), dest.getMixedStrides());
        ++chunkIndex;
      }
    }
  }
  SmallVector<Value> yielded = newChunks;
  yielded.append(newAccs);
  return yielded;
}

} // namespace

SmallVector<mlir::norm::GradientTerminals>
mlir::norm::partitionGradientGroups(ArrayRef<linalg::LinalgOp> reductions,
                                    ArrayRef<linalg::LinalgOp> rowOps) {
  SmallVector<linalg::LinalgOp> terminals(reductions);
  llvm::append_range(terminals, rowOps);
  // The producers each terminal reads by row (none when its maps are not
  // row-shaped), and union-find over terminals that share one.
  SmallVector<llvm::SetVector<Operation *>> producers(terminals.size());
  for (auto [i, op] : llvm::enumerate(terminals))
    if (failed(collectRowProducers(op, i < reductions.size(), producers[i])))
      producers[i].clear();
  // The values computed outside linalg (arguments, reshapes) that each
  // terminal or its producers read by row: terminals that stream the same
  // rows belong together even without a shared producer (a gradient given
  // its saved statistics computes nothing per row before dx and the
  // parameter sums).
  SmallVector<llvm::SmallDenseSet<Value>> rowInputs(terminals.size());
  for (auto [i, op] : llvm::enumerate(terminals)) {
    SmallVector<linalg::LinalgOp> readers = {op};
    for (Operation *p : producers[i])
      readers.push_back(cast<linalg::LinalgOp>(p));
    for (linalg::LinalgOp reader : readers)
      for (OpOperand *input : reader.getDpsInputOperands()) {
        FailureOr<int> access = rowAccess(reader, *input);
        if (succeeded(access) && *access == 0 &&
            !input->get().getDefiningOp<linalg::LinalgOp>())
          rowInputs[i].insert(input->get());
      }
  }
  SmallVector<unsigned> leader(terminals.size());
  std::iota(leader.begin(), leader.end(), 0);
  std::function<unsigned(unsigned)> find = [&](unsigned i) {
    return leader[i] == i ? i : leader[i] = find(leader[i]);
  };
  for (unsigned i = 0; i < terminals.size(); ++i)
    for (unsigned j = i + 1; j < terminals.size(); ++j)
      if (llvm::any_of(producers[i],
                       [&](Operation *p) {
                         // Fills of zeros are shared after CSE by unrelated
                         // reductions; each group fills its own tile anyway.
                         return !isa<linalg::FillOp>(p) &&
                                producers[j].contains(p);
                       }) ||
          llvm::any_of(rowInputs[i],
                       [&](Value v) { return rowInputs[j].contains(v); }))
        leader[find(j)] = find(i);

  SmallVector<GradientTerminals> groups;
  DenseMap<unsigned, unsigned> groupOf;
  for (unsigned i = 0; i < reductions.size(); ++i) {
    auto [it, inserted] = groupOf.try_emplace(find(i), groups.size());
    if (inserted)
      groups.emplace_back();
    groups[it->second].reductions.push_back(reductions[i]);
  }
  for (unsigned j = 0; j < rowOps.size(); ++j) {
    auto it = groupOf.find(find(reductions.size() + j));
    if (it != groupOf.end() &&
        !usedBeforeReductions(rowOps[j], groups[it->second].reductions))
      groups[it->second].rowOps.push_back(rowOps[j]);
  }
  return groups;
}

LogicalResult mlir::norm::tileGradientGroupInOnePass(
    RewriterBase &rewriter, ArrayRef<linalg::LinalgOp> reductions,
    ArrayRef<linalg::LinalgOp> rowOps, int64_t numChunks, int64_t rowBlock) {
  if (reductions.empty() || numChunks < 1 || rowBlock < 1)
    return failure();
  FailureOr<GradientGroup> maybeGroup = buildGroup(reductions, rowOps);
  if (failed(maybeGroup))
    return failure();
  const GradientGroup &group = *maybeGroup;
  FailureOr<Operation *> after = insertionPoint(group);
  if (failed(after))
    return failure();

  // The terminals' outputs, in loop order: row-op destinations (shared by
  // the chunks), then one [numChunks, ...] partial-sum tensor per
  // parameter-gradient output.
  SmallVector<Value> rowInits, sumInits;
  for (linalg::LinalgOp op : group.rowOps)
    llvm::append_range(rowInits, op.getDpsInits());
  for (linalg::LinalgOp op : group.reductions)
    llvm::append_range(sumInits, op.getDpsInits());

  Location loc = reductions.front()->getLoc();
  rewriter.setInsertionPointAfter(*after);
  DenseMap<Operation *, SmallVector<Range>> ranges;
  for (linalg::LinalgOp op : group.ops)
    ranges[op] = op.createLoopRanges(rewriter, loc);
  Value numRows = getValueOrCreateConstantIndexOp(
      rewriter, loc, ranges[reductions.front()].front().size);

  SmallVector<Value> sharedOuts = rowInits;
  for (Value init : sumInits) {
    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(rewriter, loc, init);
    sizes.insert(sizes.begin(), rewriter.getIndexAttr(numChunks));
    sharedOuts.push_back(tensor::EmptyOp::create(
        rewriter, loc, sizes, getElementTypeOrSelf(init.getType())));
  }

  MLIRContext *ctx = rewriter.getContext();
  AffineExpr s0, s1, s2;
  bindSymbols(ctx, s0, s1, s2);
  OpFoldResult chunkRows = affine::makeComposedFoldedAffineApply(
      rewriter, loc, s0.ceilDiv(numChunks), {OpFoldResult(numRows)});

  auto forall = scf::ForallOp::create(
      rewriter, loc, ArrayRef<OpFoldResult>{rewriter.getIndexAttr(numChunks)},
      sharedOuts, std::nullopt);
  Block *body = forall.getBody();
  rewriter.setInsertionPointToStart(body);
  Value chunk = forall.getInductionVars().front();
  ValueRange outs = forall.getRegionIterArgs();

  // Rows [lb, ub) of this chunk; empty chunks when rows < chunks.
  OpFoldResult lb = affine::makeComposedFoldedAffineMin(
      rewriter, loc, AffineMap::get(0, 3, {s0 * s1, s2}, ctx),
      {chunk, chunkRows, numRows});
  OpFoldResult ub = affine::makeComposedFoldedAffineMin(
      rewriter, loc, AffineMap::get(0, 3, {s0 + s1, s2}, ctx),
      {lb, chunkRows, numRows});
  OpFoldResult count = affine::makeComposedFoldedAffineApply(
      rewriter, loc, s0 - s1, {ub, lb});

  SmallVector<Value> iterInits;
  SmallVector<SmallVector<OpFoldResult>> chunkOffsets, chunkSizes;
  for (Value out : outs.take_front(rowInits.size())) {
    auto type = cast<RankedTensorType>(out.getType());
    SmallVector<OpFoldResult> offsets(type.getRank(), rewriter.getIndexAttr(0));
    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(rewriter, loc, out);
    offsets[0] = lb;
    sizes[0] = count;
    iterInits.push_back(
        tensor::ExtractSliceOp::create(rewriter, loc, out, offsets, sizes,
                                       SmallVector<OpFoldResult>(
                                           type.getRank(),
                                           rewriter.getIndexAttr(1))));
    chunkOffsets.push_back(offsets);
    chunkSizes.push_back(sizes);
  }
  for (Value init : sumInits) {
    Type elementType = getElementTypeOrSelf(init.getType());
    Value empty = tensor::EmptyOp::create(
        rewriter, loc, tensor::getMixedSizes(rewriter, loc, init), elementType);
    Value zero = arith::ConstantOp::create(rewriter, loc, elementType,
                                           rewriter.getZeroAttr(elementType));
    iterInits.push_back(
        linalg::FillOp::create(rewriter, loc, zero, empty).getResult(0));
  }

  Value countValue = getValueOrCreateConstantIndexOp(rewriter, loc, count);
  Value lbValue = getValueOrCreateConstantIndexOp(rewriter, loc, lb);
  bool tiledAll = true;
  // A row loop over [from, to) stepping over blocks of `rows` rows.
  auto buildRowLoop = [&](Value from, Value to, int64_t rows,
                          ValueRange inits) {
    Value stepValue = arith::ConstantIndexOp::create(rewriter, loc, rows);
    auto loop = scf::ForOp::create(
        rewriter, loc, from, to, stepValue, inits,
        [&](OpBuilder &b, Location l, Value i, ValueRange args) {
          Value row = arith::AddIOp::create(b, l, lbValue, i);
          FailureOr<SmallVector<Value>> next = tileGroupToRow(
              b, l, group, ranges, row, i, rows,
              args.take_front(rowInits.size()),
              args.drop_front(rowInits.size()));
          if (failed(next)) {
            tiledAll = false;
            scf::YieldOp::create(b, l, args);
            return;
          }
          scf::YieldOp::create(b, l, *next);
        });
    // norm-vectorize-rows looks for row tiles under this marker (the chunk
    // loop may fold away when there is a single chunk).
    loop->setAttr(kRowLoopAttrName, rewriter.getUnitAttr());
    return loop;
  };
  // Blocks of `rowBlock` rows, then the remaining rows one by one.
  Value blocksEnd = getValueOrCreateConstantIndexOp(
      rewriter, loc,
      affine::makeComposedFoldedAffineApply(
          rewriter, loc, s0.floorDiv(rowBlock) * rowBlock, {count}));
  SmallVector<Value> loopInits(iterInits);
  if (rowBlock > 1) {
    Value c0 = arith::ConstantIndexOp::create(rewriter, loc, 0);
    scf::ForOp blocks = buildRowLoop(c0, blocksEnd, rowBlock, loopInits);
    loopInits.assign(blocks.getResults().begin(), blocks.getResults().end());
  } else {
    blocksEnd = arith::ConstantIndexOp::create(rewriter, loc, 0);
  }
  scf::ForOp rowLoop = buildRowLoop(blocksEnd, countValue, 1, loopInits);
  if (!tiledAll)
    return reductions.front()->emitOpError(
        "norm-tile-rows: could not tile the gradient group to one row");

  // Publish the chunk: its dx rows and its partial sums.
  rewriter.setInsertionPointToStart(forall.getTerminator().getBody());
  ValueRange loopResults = rowLoop.getResults();
  for (auto [i, out] : llvm::enumerate(outs.take_front(rowInits.size()))) {
    auto type = cast<RankedTensorType>(out.getType());
    tensor::ParallelInsertSliceOp::create(
        rewriter, loc, loopResults[i], out, chunkOffsets[i], chunkSizes[i],
        SmallVector<OpFoldResult>(type.getRank(), rewriter.getIndexAttr(1)));
  }
  for (auto [i, out] : llvm::enumerate(outs.drop_front(rowInits.size()))) {
    Value sum = loopResults[rowInits.size() + i];
    auto type = cast<RankedTensorType>(out.getType());
    SmallVector<OpFoldResult> offsets(type.getRank(), rewriter.getIndexAttr(0));
    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(rewriter, loc, sum);
    offsets[0] = chunk;
    sizes.insert(sizes.begin(), rewriter.getIndexAttr(1));
    tensor::ParallelInsertSliceOp::create(
        rewriter, loc, sum, out, offsets, sizes,
        SmallVector<OpFoldResult>(type.getRank(), rewriter.getIndexAttr(1)));
  }

  // Merge the partial sums in chunk order (deterministic) into the original
  // outputs, then replace the group's results.
  rewriter.setInsertionPointAfter(forall);
  SmallVector<Value> merged;
  for (auto [i, init] : llvm::enumerate(sumInits)) {
    auto reduce = linalg::ReduceOp::create(
        rewriter, loc, ValueRange{forall.getResult(rowInits.size() + i)},
        ValueRange{init}, ArrayRef<int64_t>{0},
        [](OpBuilder &b, Location l, ValueRange args) {
          Value sum = arith::AddFOp::create(b, l, args[0], args[1]);
          linalg::YieldOp::create(b, l, sum);
        });
    merged.push_back(reduce.getResult(0));
  }
  unsigned next = 0;
  for (linalg::LinalgOp op : group.rowOps)
    for (Value result : op->getResults())
      rewriter.replaceAllUsesWith(result, forall.getResult(next++));
  next = 0;
  for (linalg::LinalgOp op : group.reductions)
    for (Value result : op->getResults())
      rewriter.replaceAllUsesWith(result, merged[next++]);
  for (linalg::LinalgOp op : llvm::reverse(group.ops))
    if (op->use_empty())
      rewriter.eraseOp(op);
  return success();
}
