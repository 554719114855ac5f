//===- InitAll.h - register everything norm-mlir provides -------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// One place for tools and embedders to register the norm dialect, its
// interface models, passes and pipelines. Each norm library adds its hook
// here, so norm-opt, norm-runner and the C library stay in sync.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_INITALL_H
#define NORM_INITALL_H

#include "mlir/IR/DialectRegistry.h"

namespace mlir {
namespace norm {

/// Adds the norm dialect and the external interface models that norm-mlir
/// attaches to its own and to upstream ops.
void registerAllNormDialects(DialectRegistry &registry);

/// Registers every norm pass and named pipeline with the global registry.
void registerAllNormPasses();

/// Registers all upstream dialects, extensions and LLVM-IR translations plus
/// everything of norm-mlir: what a tool such as norm-opt needs.
void registerEverything(DialectRegistry &registry);

} // namespace norm
} // namespace mlir

#endif // NORM_INITALL_H
