//===- HostAllocator.cpp - host buffers for JIT kernels and their I/O -----===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "Norm/ExecutionEngine/HostAllocator.h"

#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <unordered_map>

using namespace mlir;

namespace {

/// Freed huge-page blocks kept for reuse, at most this many bytes in all
/// (a kernel called in a loop gets its result blocks back).
constexpr size_t kMaxCachedBytes = size_t(1) << 30;

/// The granule blocks are sized in: the base page (4 KiB on x86-64; 16 or
/// 64 KiB on some arm64 kernels, where munmap of a 4 KiB-aligned tail
/// would fail).
size_t smallPageBytes() {
  static const size_t bytes = [] {
    long page = sysconf(_SC_PAGESIZE);
    return page > 0 ? static_cast<size_t>(page) : size_t(4096);
  }();
  return bytes;
}

struct Block {
  void *ptr;
  size_t capacity;
};

/// The huge-page blocks: those handed out (by address) and those freed.
class HugePagePool {
public:
  void *allocate(size_t bytes) {
    // A size the rounding below would wrap (a bad dynamic size): no memory,
    // as malloc says it.
    if (bytes > SIZE_MAX - 2 * norm::kHugePageBytes) {
      errno = ENOMEM;
      return nullptr;
    }
    // Whole small pages: a block's tail past its last huge page stays on
    // small pages, so a result a few KiB over a multiple of 2 MiB (row
    // buffers placed at an input's page offset are) does not fault in a
    // whole huge page for them.
    size_t page = smallPageBytes();
    size_t capacity = (bytes + page - 1) / page * page;
    {
      std::lock_guard<std::mutex> lock(mutex);
      // The smallest cached block that fits without wasting half of it.
      auto best = cached.end();
      for (auto it = cached.begin(); it != cached.end(); ++it)
        if (it->capacity >= capacity && it->capacity / 2 < capacity &&
            (best == cached.end() || it->capacity < best->capacity))
          best = it;
      if (best != cached.end()) {
        Block block = *best;
        cached.erase(best);
        cachedBytes -= block.capacity;
        live[block.ptr] = block.capacity;
        liveBytes += block.capacity;
        ++reusedBlocks;
        return block.ptr;
      }
    }
    void *ptr = mapAligned(capacity);
    if (!ptr)
      return nullptr;
    std::lock_guard<std::mutex> lock(mutex);
    live[ptr] = capacity;
    liveBytes += capacity;
    ++mappedBlocks;
    return ptr;
  }

  /// Takes `ptr` back when it is one of ours; false otherwise.
  bool release(void *ptr) {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = live.find(ptr);
    if (it == live.end())
      return false;
    cached.push_back({ptr, it->second});
    cachedBytes += it->second;
    liveBytes -= it->second;
    live.erase(it);
    // Unmap the oldest blocks beyond the cache limit.
    unmapCachedBeyond(kMaxCachedBytes);
    return true;
  }

  norm::HostAllocatorStats getStats() {
    std::lock_guard<std::mutex> lock(mutex);
    norm::HostAllocatorStats stats;
    stats.liveBytes = liveBytes;
    stats.cachedBytes = cachedBytes;
    stats.mappedBlocks = mappedBlocks;
    stats.reusedBlocks = reusedBlocks;
    return stats;
  }

  size_t releaseCached() {
    std::lock_guard<std::mutex> lock(mutex);
    size_t released = cachedBytes;
    unmapCachedBeyond(0);
    return released;
  }

  /// For the fork handlers (see getPool).
  void lock() { mutex.lock(); }
  void unlock() { mutex.unlock(); }

private:
  /// Unmaps the oldest cached blocks until at most `limit` bytes stay
  /// cached. The caller holds the lock.
  void unmapCachedBeyond(size_t limit) {
    while (cachedBytes > limit) {
      Block oldest = cached.front();
      cached.pop_front();
      cachedBytes -= oldest.capacity;
      munmap(oldest.ptr, oldest.capacity);
    }
  }

  /// `capacity` bytes (whole small pages) at a huge-page boundary, advised
  /// for huge pages before anything touches them.
  static void *mapAligned(size_t capacity) {
    size_t span = capacity + norm::kHugePageBytes;
    void *raw = mmap(nullptr, span, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED)
      return nullptr;
    uintptr_t start = reinterpret_cast<uintptr_t>(raw);
    uintptr_t aligned = (start + norm::kHugePageBytes - 1) &
                        ~(uintptr_t(norm::kHugePageBytes) - 1);
    if (aligned > start)
      munmap(raw, aligned - start);
    uintptr_t end = start + span, alignedEnd = aligned + capacity;
    if (end > alignedEnd)
      munmap(reinterpret_cast<void *>(alignedEnd), end - alignedEnd);
    // Advice only: where THP is off, the block still works on small pages.
    (void)madvise(reinterpret_cast<void *>(aligned), capacity, MADV_HUGEPAGE);
    return reinterpret_cast<void *>(aligned);
  }

  std::mutex mutex;
  std::unordered_map<void *, size_t> live;
  std::deque<Block> cached;
  size_t cachedBytes = 0;
  size_t liveBytes = 0;
  uint64_t mappedBlocks = 0;
  uint64_t reusedBlocks = 0;
};

HugePagePool &getPool() {
  // Never destroyed: JIT code may free its blocks during exit. A fork while
  // another thread holds the lock would leave the child's copy locked for
  // ever: the handlers hold it across the fork, as glibc does for malloc.
  static HugePagePool *pool = [] {
    auto *created = new HugePagePool();
    pthread_atfork([] { getPool().lock(); }, [] { getPool().unlock(); },
                   [] { getPool().unlock(); });
    return created;
  }();
  return *pool;
}

bool isHuge(size_t bytes) {
  return bytes >= norm::kHugePageBytes && norm::hostAllocatorUsesHugePages();
}

} // namespace

bool norm::hostAllocatorUsesHugePages() {
  static const bool enabled = [] {
    const char *env = std::getenv("NORM_MLIR_HUGE_PAGES");
    return !env || std::strcmp(env, "0") != 0;
  }();
  return enabled;
}

norm::HostAllocatorStats norm::getHostAllocatorStats() {
  return getPool().getStats();
}

size_t norm::releaseCachedHostMemory() { return getPool().releaseCached(); }

void *norm::hostMalloc(size_t bytes) {
  return isHuge(bytes) ? getPool().allocate(bytes) : std::malloc(bytes);
}

void *norm::hostAlignedAlloc(size_t alignment, size_t bytes) {
  if (isHuge(bytes) && alignment <= kHugePageBytes)
    return getPool().allocate(bytes);
  // C's aligned_alloc wants a size that is a nonzero multiple of the
  // alignment: round up here rather than in every caller.
  if (alignment == 0 || bytes > SIZE_MAX - alignment) {
    errno = ENOMEM;
    return nullptr;
  }
  size_t rounded = std::max<size_t>(
      alignment, (bytes + alignment - 1) / alignment * alignment);
  return std::aligned_alloc(alignment, rounded);
}

void norm::hostFree(void *ptr) {
  // Pool blocks start at a huge-page boundary: anything else is glibc's,
  // without taking the pool's lock.
  if (!ptr)
    return;
  if (reinterpret_cast<uintptr_t>(ptr) % kHugePageBytes == 0 &&
      getPool().release(ptr))
    return;
  std::free(ptr);
}

llvm::orc::SymbolMap
norm::getHostAllocatorSymbols(llvm::orc::MangleAndInterner interner) {
  llvm::orc::SymbolMap symbols;
  auto bind = [&](llvm::StringRef name, void *fn) {
    symbols[interner(name)] = {llvm::orc::ExecutorAddr::fromPtr(fn),
                               llvm::JITSymbolFlags::Exported};
  };
  bind("malloc", reinterpret_cast<void *>(&hostMalloc));
  bind("aligned_alloc", reinterpret_cast<void *>(&hostAlignedAlloc));
  bind("free", reinterpret_cast<void *>(&hostFree));
  return symbols;
}
