//===- TargetCache.cpp - the target's caches, from its DLTI spec ---------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "TargetCache.h"

#include "mlir/Dialect/DLTI/DLTI.h"
#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;

/// The entry `key` of the CPU's DLTI target device spec as a size in bytes;
/// 0 when absent or implausible.
static int64_t targetCacheBytes(Operation *op, StringRef key) {
  FailureOr<Attribute> size = dlti::query(op, {"CPU", key});
  if (failed(size))
    return 0;
  // Anything but a plausible size (a string, a negative or huge number) is
  // no information.
  auto integer = dyn_cast<IntegerAttr>(*size);
  if (!integer)
    return 0;
  const APInt &value = integer.getValue();
  if ((!integer.getType().isUnsignedInteger() && value.isNegative()) ||
      value.getActiveBits() > 40)
    return 0;
  return value.getZExtValue();
}

int64_t norm::targetL1CacheBytes(Operation *op) {
  return targetCacheBytes(op, "L1_cache_size_in_bytes");
}

int64_t norm::targetL2CacheBytes(Operation *op) {
  return targetCacheBytes(op, "L2_cache_size_in_bytes");
}
