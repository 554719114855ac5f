//===- PipelineRowSweeps.cpp - next rows' sums during this row's writes ---===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// A gradient's row loop runs two sweeps over each row block: the row sums,
// which read the block from memory, then the write sweep, which works from
// cache. Memory is busy in the first and nearly idle in the second. Here the
// row loop is software-pipelined by one stage: the sums of the next block
// run in the same column loop as the writes of this one, so the reads from
// memory are spread over the whole iteration, and the parameters the two
// sweeps share are loaded once. See Passes.td.
//
//===----------------------------------------------------------------------===//

#include "Norm/Codegen/CPU/Passes.h"

#include "Norm/Codegen/CPU/ChunkedGradient.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::norm {
#define GEN_PASS_DEF_NORMPIPELINEROWSWEEPS
#include "Norm/Codegen/CPU/Passes.h.inc"
} // namespace mlir::norm

using namespace mlir;

namespace {

/// True when `buffer` is a buffer allocated here (memref.alloc/alloca):
/// no other root buffer aliases it.
bool isLocalAllocation(Value buffer) {
  Operation *def = buffer.getDefiningOp();
  return def && isa<memref::AllocOp, memref::AllocaOp>(def);
}

/// True when `buffer` is an argument of the enclosing function (a buffer
/// the caller owns, never one allocated here).
bool isFunctionArgument(Value buffer) {
  auto arg = dyn_cast<BlockArgument>(buffer);
  if (!arg)
    return false;
  Block *block = arg.getOwner();
  return block->isEntryBlock() &&
         isa<FunctionOpInterface>(block->getParentOp());
}

/// Adds the root buffers that `op` and the ops nested in it read (when
/// `write` is false) or write to `buffers`; false when an effect has no
/// known buffer (a call, an op without the memory effect interface).
bool collectBuffers(Operation *op, MemoryEffects::Effect *kind,
                    llvm::SetVector<Value> &buffers) {
  WalkResult result = op->walk([&](Operation *nested) {
    if (nested->hasTrait<OpTrait::HasRecursiveMemoryEffects>())
      return WalkResult::advance();
    auto iface = dyn_cast<MemoryEffectOpInterface>(nested);
    if (!iface)
      return WalkResult::interrupt();
    SmallVector<MemoryEffects::EffectInstance> effects;
    iface.getEffects(effects);
    for (const MemoryEffects::EffectInstance &effect : effects) {
      if (effect.getEffect() != kind)
        continue;
      // The buffer behind views (subview, expand_shape, memref.view, ...):
      // an allocation or a block argument.
      auto buffer = dyn_cast_or_null<MemrefValue>(effect.getValue());
      if (!buffer)
        return WalkResult::interrupt();
      buffers.insert(memref::skipViewLikeOps(buffer));
    }
    return WalkResult::advance();
  });
  return !result.wasInterrupted();
}

/// One row loop to pipeline: its sums loop (`sums`, results only, no
/// writes), the write loop after it over the same columns (`writes`), and
/// the ops of the row body that the sums loop uses (`slice`, in order,
/// free of memory effects).
struct RowSweeps {
  scf::ForOp rows, sums, writes;
  SmallVector<Operation *> slice;
};

/// The ops of `rows`'s body that `sums` uses, directly or through others,
/// in body order; failure when one has memory effects or regions, or when
/// `sums` depends on a value carried by the row loop.
FailureOr<SmallVector<Operation *>> sliceFeeding(scf::ForOp rows,
                                                  scf::ForOp sums) {
  Block *body = rows.getBody();
  llvm::SetVector<Operation *> slice;
  SmallVector<Value> worklist;
  sums->walk([&](Operation *nested) {
    for (Value operand : nested->getOperands())
      worklist.push_back(operand);
  });
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    if (auto arg = dyn_cast<BlockArgument>(value)) {
      if (arg.getOwner() == body && arg != rows.getInductionVar())
        return failure();
      continue;
    }
    Operation *def = value.getDefiningOp();
    if (def->getBlock() != body || def == sums.getOperation() ||
        slice.contains(def))
      continue;
    if (!isMemoryEffectFree(def) || def->getNumRegions() != 0)
      return failure();
    slice.insert(def);
    llvm::append_range(worklist, def->getOperands());
  }
  SmallVector<Operation *> ordered = slice.takeVector();
  llvm::sort(ordered,
             [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
  return ordered;
}

/// Matches `rows` (see RowSweeps), or fails.
FailureOr<RowSweeps> matchRowSweeps(scf::ForOp rows) {
  RowSweeps match;
  match.rows = rows;
  if (!rows.getInductionVar().getType().isIndex())
    return failure();
  for (Operation &op : rows.getBody()->without_terminator()) {
    auto loop = dyn_cast<scf::ForOp>(op);
    if (!loop)
      continue;
    if (!match.sums) {
      // The first column loop must be the sums: results, no writes.
      llvm::SetVector<Value> written;
      if (loop.getNumResults() == 0 ||
          !collectBuffers(loop, MemoryEffects::Write::get(), written) ||
          !written.empty())
        return failure();
      match.sums = loop;
      continue;
    }
    if (isEqualConstantIntOrValue(loop.getLowerBound(),
                                  match.sums.getLowerBound()) &&
        isEqualConstantIntOrValue(loop.getUpperBound(),
                                  match.sums.getUpperBound()) &&
        isEqualConstantIntOrValue(loop.getStep(), match.sums.getStep())) {
      match.writes = loop;
      break;
    }
    return failure();
  }
  if (!match.writes)
    return failure();
  // The sums start from values, and run over columns, defined outside the
  // row loop: the fused loop runs the next block's sums over this block's
  // write columns.
  auto definedInside = [&](Value v) {
    return rows->isAncestor(v.getParentBlock()->getParentOp());
  };
  if (llvm::any_of(match.sums.getInitArgs(), definedInside) ||
      definedInside(match.sums.getLowerBound()) ||
      definedInside(match.sums.getUpperBound()) ||
      definedInside(match.sums.getStep()))
    return failure();
  FailureOr<SmallVector<Operation *>> slice = sliceFeeding(rows, match.sums);
  if (failed(slice))
    return failure();
  match.slice = std::move(*slice);
  // The next block's sums now run before this iteration's writes: nothing
  // the row body writes may be read by the sums. Writes go to buffers
  // allocated here (the outputs, the running sums); the sums read function
  // arguments or other such buffers, neither of which can be one written.
  llvm::SetVector<Value> read, written;
  if (!collectBuffers(match.sums, MemoryEffects::Read::get(), read))
    return failure();
  for (Operation &op : rows.getBody()->without_terminator())
    if (&op != match.sums.getOperation() &&
        !collectBuffers(&op, MemoryEffects::Write::get(), written))
      return failure();
  if (!llvm::all_of(written, isLocalAllocation))
    return failure();
  for (Value buffer : read)
    if (written.contains(buffer) ||
        !(isLocalAllocation(buffer) || isFunctionArgument(buffer)))
      return failure();
  return match;
}

/// Clones `ops` at `b`'s insertion point with `mapping` (extended).
void cloneAll(OpBuilder &b, ArrayRef<Operation *> ops, IRMapping &mapping) {
  for (Operation *op : ops)
    b.clone(*op, mapping);
}

/// The column loop that does `writes` and then `sums` (for the rows
/// `mapping` gives their slice), carrying both loops' values.
scf::ForOp fuseSweeps(OpBuilder &b, RowSweeps match,
                      IRMapping &bodyMapping, IRMapping &nextMapping) {
  scf::ForOp writes = match.writes, sums = match.sums;
  SmallVector<Value> inits;
  for (Value init : writes.getInitArgs())
    inits.push_back(bodyMapping.lookupOrDefault(init));
  llvm::append_range(inits, sums.getInitArgs());
  unsigned numWrites = writes.getNumRegionIterArgs();
  auto fused = scf::ForOp::create(
      b, writes.getLoc(), bodyMapping.lookupOrDefault(writes.getLowerBound()),
      bodyMapping.lookupOrDefault(writes.getUpperBound()),
      bodyMapping.lookupOrDefault(writes.getStep()), inits,
      [&](OpBuilder &lb, Location loc, Value iv, ValueRange args) {
        IRMapping writeMapping = bodyMapping;
        writeMapping.map(writes.getInductionVar(), iv);
        writeMapping.map(writes.getRegionIterArgs(),
                         args.take_front(numWrites));
        for (Operation &op : writes.getBody()->without_terminator())
          lb.clone(op, writeMapping);
        IRMapping sumMapping = nextMapping;
        sumMapping.map(sums.getInductionVar(), iv);
        sumMapping.map(sums.getRegionIterArgs(), args.drop_front(numWrites));
        for (Operation &op : sums.getBody()->without_terminator())
          lb.clone(op, sumMapping);
        SmallVector<Value> yields;
        for (Value v : writes.getBody()->getTerminator()->getOperands())
          yields.push_back(writeMapping.lookupOrDefault(v));
        for (Value v : sums.getBody()->getTerminator()->getOperands())
          yields.push_back(sumMapping.lookupOrDefault(v));
        scf::YieldOp::create(lb, loc, yields);
      });
  fused->setAttrs(writes->getAttrs());
  fused->setAttr(norm::kPipelinedSweepsAttrName, b.getUnitAttr());
  return fused;
}

/// Rewrites `match.rows` into its pipelined form:
///
///   sums0 = rows.lb < rows.ub ? sums(rows.lb) : poison-free inits
///   scf.for %r iter_args(..., %s = sums0) {
///     ... (uses of the sums read %s)
///     %next = min(%r + step, last row block)
///     scf.for %j { writes(%r)[%j]; sums(%next)[%j] }   // yields sums(%next)
///   }
///
/// On the last iteration %next is the block itself, recomputed and unused.
void pipeline(RowSweeps match) {
  scf::ForOp rows = match.rows, sums = match.sums;
  Location loc = rows.getLoc();
  OpBuilder b(rows);
  Value lb = rows.getLowerBound(), ub = rows.getUpperBound(),
        step = rows.getStep();

  // The first block's sums, when the loop runs at all (its row may not
  // exist otherwise).
  Value runs =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, lb, ub);
  auto prologue = scf::IfOp::create(
      b, loc, runs,
      [&](OpBuilder &tb, Location l) {
        IRMapping mapping;
        mapping.map(rows.getInductionVar(), lb);
        cloneAll(tb, match.slice, mapping);
        Operation *first = tb.clone(*sums, mapping);
        scf::YieldOp::create(tb, l, first->getResults());
      },
      [&](OpBuilder &eb, Location l) {
        scf::YieldOp::create(eb, l, sums.getInitArgs());
      });
  // The start of the last block: lb + ((ub - lb - 1) / step) * step.
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value span = arith::SubIOp::create(
      b, loc, arith::SubIOp::create(b, loc, ub, lb), one);
  Value last = arith::AddIOp::create(
      b, loc, lb,
      arith::MulIOp::create(b, loc,
                            arith::DivUIOp::create(b, loc, span, step), step));

  SmallVector<Value> inits(rows.getInitArgs());
  llvm::append_range(inits, prologue.getResults());
  unsigned numCarried = rows.getNumRegionIterArgs();
  auto pipelined = scf::ForOp::create(
      b, loc, lb, ub, step, inits,
      [&](OpBuilder &rb, Location l, Value iv, ValueRange args) {
        IRMapping mapping;
        mapping.map(rows.getInductionVar(), iv);
        mapping.map(rows.getRegionIterArgs(), args.take_front(numCarried));
        mapping.map(sums.getResults(), args.drop_front(numCarried));
        SmallVector<Value> nextSums;
        for (Operation &op : rows.getBody()->without_terminator()) {
          if (&op == sums.getOperation())
            continue;
          if (&op != match.writes.getOperation()) {
            rb.clone(op, mapping);
            continue;
          }
          Value next = arith::MinSIOp::create(
              rb, l, arith::AddIOp::create(rb, l, iv, step), last);
          IRMapping nextMapping;
          nextMapping.map(rows.getInductionVar(), next);
          cloneAll(rb, match.slice, nextMapping);
          scf::ForOp fused = fuseSweeps(rb, match, mapping, nextMapping);
          unsigned numWrites = match.writes.getNumResults();
          mapping.map(match.writes.getResults(),
                      fused.getResults().take_front(numWrites));
          llvm::append_range(nextSums,
                             fused.getResults().drop_front(numWrites));
        }
        SmallVector<Value> yields;
        for (Value v : rows.getBody()->getTerminator()->getOperands())
          yields.push_back(mapping.lookupOrDefault(v));
        llvm::append_range(yields, nextSums);
        scf::YieldOp::create(rb, l, yields);
      });
  pipelined->setAttrs(rows->getAttrs());
  rows.replaceAllUsesWith(
      pipelined.getResults().take_front(rows.getNumResults()));
  rows.erase();
}

struct NormPipelineRowSweepsPass
    : norm::impl::NormPipelineRowSweepsBase<NormPipelineRowSweepsPass> {
  using Base::Base;

  void runOnOperation() override {
    // Outermost matches only: rewriting a row loop replaces the loops
    // inside it, which an enclosing match would otherwise hold.
    SmallVector<RowSweeps> matches;
    getOperation().walk<WalkOrder::PreOrder>([&](scf::ForOp rows) {
      if (!rows->hasAttr(norm::kRowLoopAttrName))
        return WalkResult::advance();
      FailureOr<RowSweeps> match = matchRowSweeps(rows);
      if (failed(match))
        return WalkResult::advance();
      matches.push_back(std::move(*match));
      return WalkResult::skip();
    });
    for (const RowSweeps &match : matches)
      pipeline(match);
  }
};

} // namespace
