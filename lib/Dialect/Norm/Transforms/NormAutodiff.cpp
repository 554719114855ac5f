//===- NormAutodiff.cpp - reverse-mode differentiation of functions -------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Generates @f_vjp for @f: a forward sweep (a clone of the body whose ops are
// augmented to keep what their adjoints need) followed by a reverse sweep in
// which every op applies its ReverseOpInterface rule. The driver only knows
// about activity, cotangent accumulation and the function boundary; all the
// math lives in the rules (Norm/Interfaces).
//
// Value semantics makes the sweep simple: every primal value of the forward
// sweep stays alive for the reverse sweep, so no tape or cache is needed;
// bufferization later decides what is materialized.
//
//===----------------------------------------------------------------------===//

#include "Norm/Dialect/Norm/Transforms/Passes.h"

#include "Norm/Interfaces/ReverseOpInterface.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/SetVector.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/RegionUtils.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir {
namespace norm {
#define GEN_PASS_DEF_NORMAUTODIFFPASS
#include "Norm/Dialect/Norm/Transforms/Passes.h.inc"
} // namespace norm
} // namespace mlir

using namespace mlir;
using namespace mlir::norm;

namespace {

bool isFloatTensor(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && isa<FloatType>(tensor.getElementType());
}

/// Ops whose regions are not control flow: the payloads of structured ops.
bool isControlFlow(Operation *op) {
  StringRef dialect = op->getName().getDialectNamespace();
  if (dialect == "scf" || dialect == "cf" || op->getNumSuccessors() > 0)
    return true;
  return op->getNumRegions() > 0 && !isa<linalg::LinalgOp>(op);
}

/// Whether `op` reads an active value, as an operand or from inside one of
/// its regions.
bool readsActiveValue(Operation *op, const ReverseModeContext &ctx) {
  if (llvm::any_of(op->getOperands(),
                   [&](Value v) { return ctx.isActive(v); }))
    return true;
  bool captured = false;
  visitUsedValuesDefinedAbove(op->getRegions(), [&](OpOperand *use) {
    captured |= ctx.isActive(use->get());
  });
  return captured;
}

/// Whether `type` can carry a derivative: floats, and tensors or vectors of
/// them. Sizes and indices (tensor.dim of an active tensor) cannot.
bool isDifferentiableType(Type type) {
  return isa<FloatType>(getElementTypeOrSelf(type));
}

/// The results of `op` that become active when it reads an active value.
void markActiveResults(Operation *op, ReverseModeContext &ctx) {
  if (!readsActiveValue(op, ctx))
    return;
  for (Value r : op->getResults())
    if (isDifferentiableType(r.getType()))
      ctx.setActive(r);
}

/// Forward activity: function arguments are active, and so is every
/// floating-point result of an op that reads an active value.
void propagateActivity(Block &block, ReverseModeContext &ctx) {
  for (BlockArgument arg : block.getArguments())
    ctx.setActive(arg);
  for (Operation &op : block)
    markActiveResults(&op, ctx);
}

/// Everything that can be rejected before any IR is created.
LogicalResult checkDifferentiable(func::FuncOp func) {
  StringRef name = func.getSymName();
  if (func.isExternal())
    return func.emitError() << "norm-autodiff: cannot differentiate @" << name
                            << ": it has no body";
  if (!func.getBody().hasOneBlock())
    return func.emitError()
           << "norm-autodiff: cannot differentiate @" << name
           << ": control flow (more than one block) is not supported";
  for (auto [i, type] : llvm::enumerate(func.getArgumentTypes()))
    if (!isFloatTensor(type))
      return func.emitError()
             << "norm-autodiff: argument #" << i << " of @" << name
             << " has type " << type
             << "; only floating-point ranked tensors are differentiable";
  for (auto [i, type] : llvm::enumerate(func.getResultTypes()))
    if (!isFloatTensor(type))
      return func.emitError()
             << "norm-autodiff: result #" << i << " of @" << name
             << " has type " << type
             << "; only floating-point ranked tensors are differentiable";
  std::string vjpName = (name + "_vjp").str();
  auto vjpSymbol = StringAttr::get(func.getContext(), vjpName);
  if (SymbolTable::lookupNearestSymbolFrom(func, vjpSymbol))
    return func.emitError() << "norm-autodiff: cannot generate @" << vjpName
                            << ": the symbol already exists";

  ReverseModeContext activity;
  Block &block = func.getBody().front();
  propagateActivity(block, activity);
  for (Operation &op : block.without_terminator()) {
    if (isControlFlow(&op))
      return op.emitError() << "norm-autodiff: control flow op '"
                            << op.getName() << "' is not supported";
    // An op without a rule may read active values only for what carries
    // no derivative (tensor.dim: the sizes of an active tensor).
    if (!isa<ReverseOpInterface>(op) && readsActiveValue(&op, activity) &&
        llvm::any_of(op.getResultTypes(), isDifferentiableType))
      return op.emitError() << "norm-autodiff: cannot differentiate '"
                            << op.getName() << "'";
  }
  return success();
}

/// Builds the body of `vjp` from `func`; on failure the caller erases `vjp`.
LogicalResult buildVJPBody(func::FuncOp func, func::FuncOp vjp) {
  Block &src = func.getBody().front();
  Block *dst = vjp.addEntryBlock();
  unsigned numArgs = func.getNumArguments();
  Location loc = func.getLoc();
  OpBuilder b = OpBuilder::atBlockEnd(dst);

  // Forward sweep: clone, then let every op augment itself.
  IRMapping mapping;
  mapping.map(src.getArguments(), dst->getArguments().take_front(numArgs));
  for (Operation &op : src.without_terminator())
    b.clone(op, mapping);
  SmallVector<Value> primalResults;
  for (Value v : src.getTerminator()->getOperands())
    primalResults.push_back(mapping.lookupOrDefault(v));

  SmallVector<Operation *> forward;
  for (Operation &op : llvm::make_early_inc_range(*dst)) {
    auto rule = dyn_cast<ReverseOpInterface>(op);
    if (!rule) {
      forward.push_back(&op);
      continue;
    }
    b.setInsertionPoint(&op);
    Operation *augmented = rule.augmentPrimal(b);
    if (augmented != &op) {
      for (auto [oldResult, newResult] :
           llvm::zip(op.getResults(), augmented->getResults())) {
        oldResult.replaceAllUsesWith(newResult);
        llvm::replace(primalResults, Value(oldResult), Value(newResult));
      }
      op.erase();
    }
    forward.push_back(augmented);
  }

  // Activity is computed on the forward sweep itself: only the primal
  // arguments are active, the cotangent arguments are seeds.
  ReverseModeContext ctx;
  for (BlockArgument arg : dst->getArguments().take_front(numArgs))
    ctx.setActive(arg);
  for (Operation *op : forward)
    markActiveResults(op, ctx);

  // Reverse sweep.
  b.setInsertionPointToEnd(dst);
  for (auto [result, seed] :
       llvm::zip(primalResults, dst->getArguments().drop_front(numArgs)))
    ctx.addCotangent(b, loc, result, seed);
  for (Operation *op : llvm::reverse(forward)) {
    if (llvm::none_of(op->getResults(),
                      [&](Value r) { return ctx.getCotangent(r); }))
      continue;
    auto rule = dyn_cast<ReverseOpInterface>(op);
    if (!rule)
      return op->emitError() << "norm-autodiff: cannot differentiate '"
                             << op->getName() << "'";
    if (failed(rule.buildReverse(b, ctx)))
      return failure();
  }

  SmallVector<Value> argCotangents;
  for (BlockArgument arg : dst->getArguments().take_front(numArgs)) {
    Value ct = ctx.getCotangent(arg);
    argCotangents.push_back(ct ? ct : createZerosLike(b, loc, arg));
  }
  func::ReturnOp::create(b, loc, argCotangents);

  // The primal results themselves are not returned: drop the forward ops
  // that only fed them.
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(*dst)))
    if (isOpTriviallyDead(&op))
      op.erase();
  return success();
}

struct NormAutodiffPass
    : public norm::impl::NormAutodiffPassBase<NormAutodiffPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    // A function named twice gets one vjp (a second would clash with it).
    llvm::SmallSetVector<StringRef, 8> names;
    for (const std::string &name : functions)
      names.insert(name);
    for (StringRef name : names) {
      auto func = module.lookupSymbol<func::FuncOp>(name);
      if (!func) {
        module.emitError() << "norm-autodiff: no function named '" << name
                           << "' in the module";
        signalPassFailure();
        continue;
      }
      if (failed(generateVJP(func)))
        signalPassFailure();
    }
  }
};

} // namespace

FailureOr<func::FuncOp> norm::generateVJP(func::FuncOp func) {
  if (failed(checkDifferentiable(func)))
    return failure();
  SmallVector<Type> inputs(func.getArgumentTypes());
  llvm::append_range(inputs, func.getResultTypes());
  auto type = FunctionType::get(func.getContext(), inputs,
                                func.getArgumentTypes());
  OpBuilder b(func);
  b.setInsertionPointAfter(func);
  auto vjp = func::FuncOp::create(b, func.getLoc(),
                                  (func.getSymName() + "_vjp").str(), type);
  vjp.setVisibility(func.getVisibility());
  if (failed(buildVJPBody(func, vjp))) {
    vjp.erase();
    return failure();
  }
  return vjp;
}
