//===- HostAllocator.h - host buffers for JIT kernels and their I/O -*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The allocator behind the buffers the JIT runs on: the arguments norm-runner
// reads or generates, and what compiled code allocates (its malloc,
// aligned_alloc and free resolve here). Blocks of kHugePageBytes or more are
// mapped on transparent huge pages and kept for reuse when freed; smaller
// ones come from glibc.
//
// Why: with 4 KiB pages, row kernels that read several rows ahead (software
// prefetches of the next row block, a gradient's x and dy streams) ran at
// two speeds from one process to the next, 13 or 21 ms for SeeDNorm's
// 8192 x 4096 gradient, with the same code and data; on huge pages every
// process ran at the fast one. Kernels only streaming (a copy) do not care.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_EXECUTIONENGINE_HOSTALLOCATOR_H
#define NORM_EXECUTIONENGINE_HOSTALLOCATOR_H

#include "llvm/ExecutionEngine/Orc/Core.h"
#include "llvm/ExecutionEngine/Orc/Mangling.h"

#include <cstddef>
#include <cstdint>

namespace mlir {
namespace norm {

/// Blocks from this size on are mapped on huge pages (the x86-64 THP size).
constexpr size_t kHugePageBytes = size_t(2) << 20;

/// malloc / aligned_alloc / free with the policy above (hostAlignedAlloc
/// takes any size: it rounds up to the multiple of the alignment that C's
/// aligned_alloc wants). hostFree takes any pointer from hostMalloc or
/// hostAlignedAlloc (and null). Thread-safe.
void *hostMalloc(size_t bytes);
void *hostAlignedAlloc(size_t alignment, size_t bytes);
void hostFree(void *ptr);

/// Whether large blocks go on huge pages: yes, unless the environment sets
/// NORM_MLIR_HUGE_PAGES=0 (then everything comes from glibc).
bool hostAllocatorUsesHugePages();

/// What the huge-page pool holds: for embedders that watch their memory, and
/// for tests that the JIT's allocations reach it. Blocks from glibc are not
/// counted.
struct HostAllocatorStats {
  /// Bytes of huge-page blocks handed out and not freed yet.
  size_t liveBytes = 0;
  /// Bytes of freed blocks kept for reuse (at most 1 GiB).
  size_t cachedBytes = 0;
  /// Blocks mapped from the kernel, and blocks handed out again from the
  /// cache, since the process started.
  uint64_t mappedBlocks = 0;
  uint64_t reusedBlocks = 0;
};
HostAllocatorStats getHostAllocatorStats();

/// Unmaps every cached block (blocks in use stay); returns the bytes given
/// back. For a long-running process that is done with large shapes.
size_t releaseCachedHostMemory();

/// The symbols `malloc`, `aligned_alloc` and `free` bound to the functions
/// above, for ExecutionEngine::registerSymbols.
llvm::orc::SymbolMap
getHostAllocatorSymbols(llvm::orc::MangleAndInterner interner);

} // namespace norm
} // namespace mlir

#endif // NORM_EXECUTIONENGINE_HOSTALLOCATOR_H
