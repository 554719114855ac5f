//===- LinalgReverseImpl.cpp - VJP rules of structured linalg ops ---------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// One rule covers every structured op with tensor semantics (generic and the
// named ops, whose payload is materialized as a region too). For each operand
// that needs a cotangent it builds a linalg.generic over the op's iteration
// space whose payload is the original payload followed by its scalar reverse
// sweep (the arith/math models of ReverseOpInterface applied to scalars).
// Loops that do not index the operand become reductions of the new generic,
// which gives the usual transposition rules for free:
//   - elementwise ops give elementwise cotangents;
//   - an input read with a broadcasting map gets a summed cotangent;
//   - the output cotangent of a reduction is read with the output's map,
//     i.e. broadcast back over the reduced loops;
//   - matmul C = A.B + C0 gives dA = dC.B^T, dB = A^T.dC (contractions).
// Reductions must be plain sums into the init (`out = out + f(ins)`): then
// the payload's derivative does not depend on the partial sums, and the init
// receives the output cotangent unchanged.
//
//===----------------------------------------------------------------------===//

#include "Norm/Interfaces/ReverseOpImplementations.h"
#include "Norm/Interfaces/ReverseOpInterface.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;
using namespace mlir::norm;

namespace {

InFlightDiagnostic emitRuleError(Operation *op) {
  return op->emitError() << "norm-autodiff: cannot differentiate '"
                         << op->getName() << "'";
}

/// Every init of a reduction must be accumulated by exactly one `arith.addf`
/// whose result is yielded; anything else (max, product, a reduction that
/// reads its partial result twice) has no cotangent expressible this way.
LogicalResult checkSumReductions(linalg::LinalgOp op) {
  for (OpOperand &init : op.getDpsInitsMutable()) {
    BlockArgument outArg = op.getMatchingBlockArgument(&init);
    auto add =
        op.getMatchingYieldValue(&init)->get().getDefiningOp<arith::AddFOp>();
    bool isSum = add && outArg.hasOneUse() &&
                 (add.getLhs() == outArg || add.getRhs() == outArg);
    if (!isSum)
      return emitRuleError(op) << ": its reduction is not a sum into the init";
  }
  return success();
}

/// The payload may use values defined above the op; an active one would
/// need a cotangent reduced over the whole iteration space.
LogicalResult checkNoActiveCaptures(linalg::LinalgOp op,
                                    const ReverseModeContext &ctx) {
  Region &region = op->getRegion(0);
  WalkResult walk = region.walk([&](Operation *inner) {
    for (Value v : inner->getOperands())
      if (!region.isAncestor(v.getParentRegion()) && ctx.isActive(v))
        return WalkResult::interrupt();
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return emitRuleError(op)
           << ": its payload uses an active value defined outside of it";
  return success();
}

/// Builds the cotangent of `target` (an input, or an init read by an
/// all-parallel payload) as a linalg.generic; see the file comment.
FailureOr<Value> buildOperandCotangent(linalg::LinalgOp op, OpOperand *target,
                                       ArrayRef<Value> resultCotangents,
                                       bool hasReduction, OpBuilder &b,
                                       const ReverseModeContext &ctx) {
  Location loc = op.getLoc();
  AffineMap targetMap = op.getMatchingIndexingMap(target);
  if (!targetMap.isProjectedPermutation())
    return emitRuleError(op) << ": operand #" << target->getOperandNumber()
                             << " is not indexed by a projected permutation";

  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  for (OpOperand *in : op.getDpsInputOperands()) {
    inputs.push_back(in->get());
    maps.push_back(op.getMatchingIndexingMap(in));
  }
  // An all-parallel payload may read its init: pass it in as an input.
  SmallVector<OpOperand *> readInits;
  if (!hasReduction)
    for (OpOperand &init : op.getDpsInitsMutable())
      if (op.payloadUsesValueFromOperand(&init)) {
        readInits.push_back(&init);
        inputs.push_back(init.get());
        maps.push_back(op.getMatchingIndexingMap(&init));
      }
  SmallVector<unsigned> seeded;
  for (auto [i, dr] : llvm::enumerate(resultCotangents)) {
    if (!dr)
      continue;
    seeded.push_back(i);
    inputs.push_back(dr);
    maps.push_back(op.getIndexingMapMatchingResult(op->getResult(i)));
  }
  maps.push_back(targetMap);

  SmallVector<utils::IteratorType> iterators(op.getNumLoops(),
                                             utils::IteratorType::reduction);
  for (AffineExpr e : targetMap.getResults())
    iterators[cast<AffineDimExpr>(e).getPosition()] =
        utils::IteratorType::parallel;
  bool accumulates =
      llvm::is_contained(iterators, utils::IteratorType::reduction);
  Value init = accumulates ? createZerosLike(b, loc, target->get())
                           : createEmptyLike(b, loc, target->get());

  Block *body = op.getBlock();
  unsigned numInputs = op.getNumDpsInputs();
  LogicalResult status = success();
  auto buildPayload = [&](OpBuilder &nb, Location nloc, ValueRange args) {
    IRMapping mapping;
    ReverseModeContext local;
    for (OpOperand *in : op.getDpsInputOperands()) {
      BlockArgument arg = op.getMatchingBlockArgument(in);
      mapping.map(arg, args[in->getOperandNumber()]);
      if (ctx.isActive(in->get()))
        local.setActive(args[in->getOperandNumber()]);
    }
    for (OpOperand &init : op.getDpsInitsMutable()) {
      BlockArgument outArg = op.getMatchingBlockArgument(&init);
      auto *it = llvm::find(readInits, &init);
      if (it != readInits.end()) {
        Value arg = args[numInputs + (it - readInits.begin())];
        mapping.map(outArg, arg);
        if (ctx.isActive(init.get()))
          local.setActive(arg);
        continue;
      }
      // A sum's partial result does not enter the derivative of the payload
      // and an unread init does not enter it at all: any value will do.
      mapping.map(outArg, createConstantLike(nb, nloc, outArg, 0.0));
    }
    // Forward: the primal payload, with activity propagated through it.
    SmallVector<Operation *> cloned;
    for (Operation &p : body->without_terminator()) {
      Operation *c = nb.clone(p, mapping);
      cloned.push_back(c);
      if (llvm::any_of(c->getOperands(),
                       [&](Value v) { return local.isActive(v); }))
        for (Value r : c->getResults())
          local.setActive(r);
    }
    // Seeds: the element of each result cotangent.
    Operation *yield = body->getTerminator();
    unsigned seedOffset = numInputs + readInits.size();
    for (auto [k, i] : llvm::enumerate(seeded))
      local.addCotangent(nb, nloc,
                         mapping.lookupOrDefault(yield->getOperand(i)),
                         args[seedOffset + k]);
    // Reverse: scalar rules in reverse order.
    for (Operation *c : llvm::reverse(cloned)) {
      if (llvm::none_of(c->getResults(),
                        [&](Value r) { return local.getCotangent(r); }))
        continue;
      auto rule = dyn_cast<ReverseOpInterface>(c);
      if (!rule) {
        status = emitRuleError(op) << ": no rule for '" << c->getName()
                                   << "' in its payload";
        break;
      }
      if (failed(rule.buildReverse(nb, local))) {
        status = failure();
        break;
      }
    }
    Value targetArg = mapping.lookup(op.getMatchingBlockArgument(target));
    Value adjoint = local.getCotangent(targetArg);
    if (!adjoint)
      adjoint = createConstantLike(nb, nloc, targetArg, 0.0);
    if (accumulates)
      adjoint = arith::AddFOp::create(nb, nloc, args.back(), adjoint);
    linalg::YieldOp::create(nb, nloc, adjoint);
  };
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{target->get().getType()}, inputs, ValueRange{init},
      maps, iterators, buildPayload);
  if (failed(status))
    return failure();
  // The clone of the payload also recomputed what only the primal or other
  // operands' adjoints needed.
  for (Operation &op :
       llvm::make_early_inc_range(llvm::reverse(*generic.getBody())))
    if (isOpTriviallyDead(&op))
      op.erase();
  return generic.getResult(0);
}

template <typename OpTy>
struct LinalgReverse
    : public ReverseOpInterface::ExternalModel<LinalgReverse<OpTy>, OpTy> {
  LogicalResult buildReverse(Operation *op, OpBuilder &b,
                             ReverseModeContext &ctx) const {
    auto linalgOp = cast<linalg::LinalgOp>(op);
    SmallVector<Value> resultCotangents;
    for (Value r : op->getResults())
      resultCotangents.push_back(ctx.getCotangent(r));
    if (llvm::all_of(resultCotangents, [](Value v) { return !v; }))
      return success();
    if (!linalgOp.hasPureTensorSemantics())
      return emitRuleError(op) << ": only tensor semantics is supported";
    bool hasReduction = linalgOp.getNumReductionLoops() > 0;
    if (hasReduction && failed(checkSumReductions(linalgOp)))
      return failure();
    if (failed(checkNoActiveCaptures(linalgOp, ctx)))
      return failure();

    Location loc = op->getLoc();
    for (OpOperand *in : linalgOp.getDpsInputOperands()) {
      if (!ctx.needsCotangent(in->get()))
        continue;
      if (!isa<RankedTensorType>(in->get().getType()))
        return emitRuleError(op) << ": its scalar operand #"
                                 << in->getOperandNumber()
                                 << " depends on a differentiated argument";
      FailureOr<Value> ct = buildOperandCotangent(
          linalgOp, in, resultCotangents, hasReduction, b, ctx);
      if (failed(ct))
        return failure();
      ctx.addCotangent(b, loc, in->get(), *ct);
    }
    for (OpOperand &init : linalgOp.getDpsInitsMutable()) {
      if (!ctx.needsCotangent(init.get()))
        continue;
      if (hasReduction) {
        // out = init + sum(...): the init gets the output cotangent.
        unsigned resultNumber =
            init.getOperandNumber() - linalgOp.getNumDpsInputs();
        ctx.addCotangent(b, loc, init.get(), resultCotangents[resultNumber]);
        continue;
      }
      if (!linalgOp.payloadUsesValueFromOperand(&init))
        continue; // Overwritten: no path from the init to the result.
      FailureOr<Value> ct = buildOperandCotangent(
          linalgOp, &init, resultCotangents, hasReduction, b, ctx);
      if (failed(ct))
        return failure();
      ctx.addCotangent(b, loc, init.get(), *ct);
    }
    return success();
  }
};

template <typename... OpTys>
void attachLinalgReverse(MLIRContext *ctx) {
  (OpTys::template attachInterface<LinalgReverse<OpTys>>(*ctx), ...);
}

} // namespace

void norm::registerLinalgReverseOpInterfaceExternalModels(
    DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, linalg::LinalgDialect *) {
    attachLinalgReverse<linalg::GenericOp, linalg::MatmulOp,
                        linalg::BatchMatmulOp, linalg::BroadcastOp,
                        linalg::TransposeOp, linalg::ReduceOp, linalg::MapOp,
                        linalg::FillOp>(ctx);
  });
}
