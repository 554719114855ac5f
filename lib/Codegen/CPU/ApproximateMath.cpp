//===- ApproximateMath.cpp - inline polynomial math approximations --------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Without this, every math.tanh becomes a libm call per element (LLVM has no
// vector tanh): per row for SeeDNorm's seed, per element for a model's
// activation. The upstream polynomial approximations are inline and vector.
//
//===----------------------------------------------------------------------===//

#include "Norm/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::norm {
#define GEN_PASS_DEF_NORMAPPROXIMATEMATH
#include "Norm/Codegen/CPU/Passes.h.inc"
} // namespace mlir::norm

using namespace mlir;

namespace {
struct NormApproximateMathPass
    : norm::impl::NormApproximateMathBase<NormApproximateMathPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<std::string> names(ops.begin(), ops.end());
    if (names.empty())
      names.push_back("tanh");
    for (const std::string &name : names) {
      if (!RegisteredOperationName::lookup("math." + name, &getContext())) {
        getOperation()->emitError()
            << "norm-approximate-math: invalid options: ops has '" << name
            << "', which is not a math dialect op (e.g. tanh, exp, erf)";
        return signalPassFailure();
      }
    }
    // The upstream predicate receives full op names ("math.tanh").
    auto selected = [&](StringRef name) {
      name.consume_front("math.");
      return llvm::is_contained(names, name.str());
    };
    RewritePatternSet patterns(&getContext());
    populateMathPolynomialApproximationPatterns(patterns, selected);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
