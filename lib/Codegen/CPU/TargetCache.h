//===- TargetCache.h - the target's caches, from its DLTI spec ---*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Some CPU passes choose by the caches of the target they compile for
// (norm-tile-rows: row blocks by the L1; norm-prefetch-rows: where
// prefetches go by the L1, which buffers need none by the L2). The sizes come
// from the DLTI target system spec that norm-runner attaches for its host, or
// that a user writes:
//
//   module attributes {dlti.target_system_spec = #dlti.target_system_spec<
//       "CPU" = #dlti.target_device_spec<"L1_cache_size_in_bytes" = 49152 : ui32,
//                                        "L2_cache_size_in_bytes" = 2097152 : ui32>>}
//
//===----------------------------------------------------------------------===//

#ifndef NORM_LIB_CODEGEN_CPU_TARGETCACHE_H
#define NORM_LIB_CODEGEN_CPU_TARGETCACHE_H

#include <cstdint>

namespace mlir {
class Operation;
namespace norm {

/// The L1 data cache size (bytes) of the CPU that `op` is compiled for, from
/// the DLTI target system spec of an enclosing op; 0 when none says (or the
/// value is not a plausible size).
int64_t targetL1CacheBytes(Operation *op);

/// The same for the L2 cache ("L2_cache_size_in_bytes", per core), which
/// tells norm-prefetch-rows which buffers stay in cache.
int64_t targetL2CacheBytes(Operation *op);

/// Bytes per way of an x86 L1 data cache: 64 sets of 64-byte lines (the
/// cache is indexed by the 4 KiB page offset), so its ways are its size over
/// this: 8 for 32 KiB, 12 for 48 KiB.
constexpr int64_t kL1WayBytes = 64 * 64;

} // namespace norm
} // namespace mlir

#endif // NORM_LIB_CODEGEN_CPU_TARGETCACHE_H
