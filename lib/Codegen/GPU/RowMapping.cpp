//===- RowMapping.cpp - how norm rows map onto GPU threads ----------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "Norm/Codegen/GPU/RowMapping.h"

#include <algorithm>

using namespace mlir;

static int64_t nextPowerOf2(int64_t v) {
  int64_t p = 1;
  while (p < v)
    p *= 2;
  return p;
}

norm::RowMapping norm::chooseRowMapping(int64_t d, int64_t elemBytes,
                                  int64_t segment,
                                  int64_t chunksPerThread,
                                  int64_t maxThreadsPerRow) {
  RowMapping m;
  // 128-bit accesses when the row (and every segment) is a multiple of the
  // vector; otherwise the largest power of two that divides both.
  int64_t vec = std::max<int64_t>(1, 16 / elemBytes);
  while (vec > 1 && (d % vec != 0 || segment % vec != 0))
    vec /= 2;
  m.vectorWidth = vec;
  m.chunks = d / vec;

  // About `chunksPerThread` vectors per thread: enough independent 128-bit
  // loads in flight per thread while the row stays in registers.
  const int64_t kTargetChunksPerThread = std::max<int64_t>(1, chunksPerThread);
  if (m.chunks <= 32) {
    // Sub-warp (or single-thread) rows: pack 256 threads worth of rows.
    m.threadsPerRow = nextPowerOf2(m.chunks);
    m.rowsPerBlock = 256 / m.threadsPerRow;
  } else if (m.chunks <= 32 * kTargetChunksPerThread) {
    // One warp per row, four rows per block: reductions are shuffles only.
    m.threadsPerRow = 32;
    m.rowsPerBlock = 4;
  } else {
    // A block per row; cross-warp reduction through workgroup memory.
    m.threadsPerRow = std::clamp<int64_t>(
        nextPowerOf2((m.chunks + kTargetChunksPerThread - 1) /
                     kTargetChunksPerThread),
        64, std::max<int64_t>(64, maxThreadsPerRow));
    m.rowsPerBlock = 1;
  }
  m.chunksPerThread = (m.chunks + m.threadsPerRow - 1) / m.threadsPerRow;
  return m;
}
