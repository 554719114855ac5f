//===- AggregatedOpInterfaceImpl.cpp - norm ops as aggregated ops ---------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// External models of linalg::AggregatedOpInterface for the norm ops, so that
// `transform.structured.decompose_interface` (and any other user of the
// interface) expands a norm op into the same linalg ops as
// `convert-norm-to-linalg`.
//
//===----------------------------------------------------------------------===//

#include "Norm/Conversion/NormToLinalg/NormToLinalg.h"

#include "Norm/Dialect/Norm/IR/NormDialect.h"
#include "Norm/Dialect/Norm/IR/NormOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"

using namespace mlir;
using namespace mlir::norm;

namespace {
template <typename OpTy>
struct NormAggregatedOpModel
    : linalg::AggregatedOpInterface::ExternalModel<NormAggregatedOpModel<OpTy>,
                                                   OpTy> {
  FailureOr<SmallVector<Value>> decomposeOperation(Operation *op,
                                                   OpBuilder &b) const {
    return decomposeNormOp(b, op);
  }
};
} // namespace

void mlir::norm::registerNormAggregatedOpInterfaceExternalModels(
    DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, NormDialect *) {
    RMSNormOp::attachInterface<NormAggregatedOpModel<RMSNormOp>>(*ctx);
    ScaleNormOp::attachInterface<NormAggregatedOpModel<ScaleNormOp>>(*ctx);
    SeeDNormOp::attachInterface<NormAggregatedOpModel<SeeDNormOp>>(*ctx);
    RMSNormGradOp::attachInterface<NormAggregatedOpModel<RMSNormGradOp>>(*ctx);
    ScaleNormGradOp::attachInterface<NormAggregatedOpModel<ScaleNormGradOp>>(
        *ctx);
    SeeDNormGradOp::attachInterface<NormAggregatedOpModel<SeeDNormGradOp>>(
        *ctx);
    // The decomposition creates ops of these dialects; a transform script may
    // run on IR that does not mention them yet (cf. func's inliner extension,
    // which loads cf the same way).
    ctx->getOrLoadDialect<arith::ArithDialect>();
    ctx->getOrLoadDialect<linalg::LinalgDialect>();
    ctx->getOrLoadDialect<math::MathDialect>();
    ctx->getOrLoadDialect<tensor::TensorDialect>();
  });
}
