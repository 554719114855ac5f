//===- TensorReverseImpl.cpp - VJP rules of tensor ops --------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "Norm/Interfaces/ReverseOpImplementations.h"
#include "Norm/Interfaces/ReverseOpInterface.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"

using namespace mlir;
using namespace mlir::norm;

namespace {

/// tensor.empty only carries a shape (its dynamic sizes are indices): a
/// cotangent reaching it, e.g. through the init of an overwriting linalg op,
/// is dropped.
struct EmptyReverse
    : public ReverseOpInterface::ExternalModel<EmptyReverse, tensor::EmptyOp> {
  LogicalResult buildReverse(Operation *, OpBuilder &,
                             ReverseModeContext &) const {
    return success();
  }
};

} // namespace

void norm::registerTensorReverseOpInterfaceExternalModels(
    DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, tensor::TensorDialect *) {
    tensor::EmptyOp::attachInterface<EmptyReverse>(*ctx);
  });
}
