//===- RuntimeOpVerification.cpp - runtime checks of norm ops -------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The verifier checks the shapes of a norm op where they are static. With
// dynamic dims (tensor<?x?xf32> arguments of a function the user calls with
// arrays of any shape) a mismatch, e.g. a weight shorter than the rows, makes
// the lowered loops read past the weight. These models give the upstream
// `generate-runtime-verification` pass the checks to emit, one `cf.assert`
// per pair of sizes of which at least one is dynamic, as the tensor and
// memref dialects do for their ops.
//
//===----------------------------------------------------------------------===//

#include "Norm/Dialect/Norm/Transforms/RuntimeOpVerification.h"

#include "Norm/Dialect/Norm/IR/NormDialect.h"
#include "Norm/Dialect/Norm/IR/NormOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/RuntimeVerifiableOpInterface.h"

using namespace mlir;
using namespace mlir::norm;

namespace {

/// Emits the size checks of one op against its `x`.
class SizeChecks {
public:
  SizeChecks(Operation *op, OpBuilder &b, Location loc, Value x,
             function_ref<std::string(Operation *, StringRef)> message)
      : op(op), b(b), loc(loc), x(x), message(message),
        xType(cast<RankedTensorType>(x.getType())) {}

  /// dy has the shape of x.
  void sameShapeAsX(Value dy, StringRef name) {
    auto type = dyn_cast<RankedTensorType>(dy.getType());
    if (!type || type.getRank() != xType.getRank())
      return; // The verifier's business.
    for (int64_t i = 0; i < type.getRank(); ++i)
      equal(dy, i, x, i,
            (name + " and x differ in dimension " + Twine(i)).str());
  }

  /// A [D] parameter: as long as the rows of x.
  void rowParameter(Value p, StringRef name) {
    auto type = dyn_cast<RankedTensorType>(p.getType());
    if (!type || type.getRank() != 1 || xType.getRank() < 1)
      return;
    equal(p, 0, x, xType.getRank() - 1,
          (name + " is not as long as the rows of x").str());
  }

  /// A statistic of [rows] or [rows, heads] (t; `heads` 0 for the others):
  /// one row per row of x (the leading dims of x flattened), one column per
  /// head. A result's sizes can only be compared where its type fixes them
  /// (the checks run before the op; a dynamic size is the op's to choose).
  void statistic(Value s, StringRef name, int64_t heads = 0) {
    auto type = dyn_cast<RankedTensorType>(s.getType());
    if (!type || type.getRank() < 1)
      return;
    bool isResult = isa<OpResult>(s);
    bool rowsKnown = !ShapedType::isDynamic(getStaticRowCount(xType));
    bool sizeKnown = !type.isDynamicDim(0);
    if (!(rowsKnown && sizeKnown) && !(isResult && !sizeKnown)) {
      Value rows = index(1);
      for (int64_t i = 0; i + 1 < xType.getRank(); ++i)
        rows = arith::MulIOp::create(b, loc, rows, dim(x, i));
      Value size = sizeKnown ? index(type.getDimSize(0)) : dim(s, 0);
      assertEqual(size, rows,
                  (name + " does not have one entry per row of x").str());
    }
    if (heads > 0 && type.getRank() == 2 && type.isDynamicDim(1) &&
        !isResult)
      assertEqual(dim(s, 1), index(heads),
                  (name + " does not have one column per head (" +
                   Twine(heads) + ")")
                      .str());
  }

  /// `heads` divides D (SeeDNorm).
  void headsDivideD(int64_t heads) {
    if (heads <= 1 || xType.getRank() < 1 ||
        !ShapedType::isDynamic(xType.getShape().back()))
      return;
    Value rest = arith::RemUIOp::create(b, loc, dim(x, xType.getRank() - 1),
                                        index(heads));
    assertEqual(rest, index(0),
                ("heads = " + Twine(heads) +
                 " does not divide the length of the rows of x")
                    .str());
  }

private:
  Value dim(Value v, int64_t i) {
    return tensor::DimOp::create(b, loc, v, i);
  }

  Value index(int64_t value) {
    return arith::ConstantIndexOp::create(b, loc, value);
  }

  /// Asserts dim `i` of `a` == dim `j` of `c` unless both are static (the
  /// verifier compared those).
  void equal(Value a, int64_t i, Value c, int64_t j, const std::string &what) {
    auto aType = cast<RankedTensorType>(a.getType());
    auto cType = cast<RankedTensorType>(c.getType());
    if (!aType.isDynamicDim(i) && !cType.isDynamicDim(j))
      return;
    assertEqual(dim(a, i), dim(c, j), what);
  }

  /// A cf.assert that `lhs` == `rhs` (index values), failing with `what`.
  void assertEqual(Value lhs, Value rhs, const std::string &what) {
    Value equal =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lhs, rhs);
    cf::AssertOp::create(b, loc, equal, message(op, what));
  }

  Operation *op;
  OpBuilder &b;
  Location loc;
  Value x;
  function_ref<std::string(Operation *, StringRef)> message;
  RankedTensorType xType;
};

void addChecks(RMSNormOp op, SizeChecks &c) {
  c.rowParameter(op.getWeight(), "weight");
  if (Value rstd = op.getRstd())
    c.statistic(rstd, "the result rstd");
}
void addChecks(ScaleNormOp op, SizeChecks &c) { // g is a scalar.
  if (Value inv = op.getInv())
    c.statistic(inv, "the result inv");
}
/// SeeDNorm and its gradient: the parameters, the heads and the statistics
/// (results of the forward op, operands of the gradient).
template <typename OpTy>
void addSeeDNormChecks(OpTy op, SizeChecks &c, StringRef statPrefix) {
  c.rowParameter(op.getAlpha(), "alpha");
  c.rowParameter(op.getBeta(), "beta");
  c.rowParameter(op.getGamma(), "gamma");
  c.headsDivideD(op.getNumHeads());
  if (Value rstd = op.getRstd())
    c.statistic(rstd, (statPrefix + "rstd").str());
  if (Value t = op.getT())
    c.statistic(t, (statPrefix + "t").str(), op.getNumHeads());
}
void addChecks(SeeDNormOp op, SizeChecks &c) {
  addSeeDNormChecks(op, c, "the result ");
}
void addChecks(RMSNormGradOp op, SizeChecks &c) {
  c.sameShapeAsX(op.getDy(), "dy");
  c.rowParameter(op.getWeight(), "weight");
  if (Value rstd = op.getRstd())
    c.statistic(rstd, "rstd");
}
void addChecks(ScaleNormGradOp op, SizeChecks &c) {
  c.sameShapeAsX(op.getDy(), "dy");
  if (Value inv = op.getInv())
    c.statistic(inv, "inv");
}
void addChecks(SeeDNormGradOp op, SizeChecks &c) {
  c.sameShapeAsX(op.getDy(), "dy");
  addSeeDNormChecks(op, c, "");
}

template <typename OpTy>
struct NormOpRuntimeVerification
    : RuntimeVerifiableOpInterface::ExternalModel<
          NormOpRuntimeVerification<OpTy>, OpTy> {
  void generateRuntimeVerification(
      Operation *op, OpBuilder &builder, Location loc,
      function_ref<std::string(Operation *, StringRef)> message) const {
    auto normOp = cast<OpTy>(op);
    if (!isa<RankedTensorType>(normOp.getX().getType()))
      return;
    SizeChecks checks(op, builder, loc, normOp.getX(), message);
    addChecks(normOp, checks);
  }
};

template <typename... OpTys>
void attachToAll(MLIRContext *ctx) {
  (OpTys::template attachInterface<NormOpRuntimeVerification<OpTys>>(*ctx),
   ...);
}

} // namespace

void mlir::norm::registerRuntimeVerifiableOpInterfaceExternalModels(
    DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, NormDialect *) {
    attachToAll<RMSNormOp, ScaleNormOp, SeeDNormOp, RMSNormGradOp,
                ScaleNormGradOp, SeeDNormGradOp>(ctx);
    // The checks are built from these.
    ctx->loadDialect<arith::ArithDialect, cf::ControlFlowDialect,
                     tensor::TensorDialect>();
  });
}
