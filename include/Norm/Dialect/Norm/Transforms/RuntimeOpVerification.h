//===- RuntimeOpVerification.h - runtime checks of norm ops -----*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef NORM_DIALECT_NORM_TRANSFORMS_RUNTIMEOPVERIFICATION_H
#define NORM_DIALECT_NORM_TRANSFORMS_RUNTIMEOPVERIFICATION_H

namespace mlir {
class DialectRegistry;

namespace norm {
/// Attaches RuntimeVerifiableOpInterface to every norm op: the upstream
/// `generate-runtime-verification` pass then emits `cf.assert`s for what the
/// verifier cannot see with dynamic shapes (D of x against the parameters
/// and dy, the rows of the statistics, heads dividing D).
void registerRuntimeVerifiableOpInterfaceExternalModels(
    DialectRegistry &registry);
} // namespace norm
} // namespace mlir

#endif // NORM_DIALECT_NORM_TRANSFORMS_RUNTIMEOPVERIFICATION_H
