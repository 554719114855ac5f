//===- ReadOnlyArguments.cpp - norm-read-only-arguments -------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Marks the tensor arguments of public functions non-writable for one-shot
// bufferization, so that compiled functions never write into their callers'
// buffers (see the pass description in Passes.td).
//
//===----------------------------------------------------------------------===//

#include "Norm/Dialect/Norm/Transforms/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"

namespace mlir {
namespace norm {
#define GEN_PASS_DEF_NORMREADONLYARGUMENTSPASS
#include "Norm/Dialect/Norm/Transforms/Passes.h.inc"
} // namespace norm
} // namespace mlir

using namespace mlir;

namespace {

struct NormReadOnlyArgumentsPass
    : public norm::impl::NormReadOnlyArgumentsPassBase<
          NormReadOnlyArgumentsPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (!func.isPublic() || func.isExternal())
      return;
    StringRef name = bufferization::BufferizationDialect::kWritableAttrName;
    auto readOnly = BoolAttr::get(&getContext(), false);
    for (auto [index, type] : llvm::enumerate(func.getArgumentTypes()))
      if (isa<TensorType>(type) && !func.getArgAttr(index, name))
        func.setArgAttr(index, name, readOnly);
  }
};

} // namespace
