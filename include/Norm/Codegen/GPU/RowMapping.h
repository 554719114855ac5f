//===- RowMapping.h - how norm rows map onto GPU threads --------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The one place that decides, from the row length D and the element type, how
// a row is spread over threads (performance.md §2: warp or sub-warp per row
// for small D, a block per row for large D, 128-bit accesses, the row held in
// registers). Kernels and benchmarks share it.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_CODEGEN_GPU_ROWMAPPING_H
#define NORM_CODEGEN_GPU_ROWMAPPING_H

#include <cstdint>

namespace mlir {
namespace norm {

struct RowMapping {
  /// Elements per vector access (16 bytes when D allows it, else less).
  int64_t vectorWidth;
  /// Vector chunks per row: D / vectorWidth.
  int64_t chunks;
  /// Threads cooperating on one row (a power of two, <= 1024).
  int64_t threadsPerRow;
  /// Rows handled by one block (threadsPerRow * rowsPerBlock threads).
  int64_t rowsPerBlock;
  /// Chunks each thread holds in registers: ceil(chunks / threadsPerRow).
  int64_t chunksPerThread;

  int64_t blockThreads() const { return threadsPerRow * rowsPerBlock; }
  int64_t warpsPerRow() const {
    return threadsPerRow > 32 ? threadsPerRow / 32 : 1;
  }
  /// True when every thread's chunk index is in range (no tail predicate).
  bool exact() const { return chunks % threadsPerRow == 0; }
};

/// Picks the mapping for rows of `d` elements of `elemBytes` bytes.
/// `segment` (a divisor of d, e.g. the SeeDNorm head size) must not be split
/// by a vector access; pass d when there is no such constraint.
/// `chunksPerThread` is the register budget in vectors per thread for rows
/// that take a whole block: 4 for forward kernels; gradients keep x, dy and
/// the parameter-gradient accumulators live, so they use 2.
/// `maxThreadsPerRow` caps the block (ptxas gives a 1024-thread block only
/// 64 registers per thread; register-heavy kernels ask for fewer threads).
RowMapping chooseRowMapping(int64_t d, int64_t elemBytes, int64_t segment,
                            int64_t chunksPerThread = 4,
                            int64_t maxThreadsPerRow = 1024);

} // namespace norm
} // namespace mlir

#endif // NORM_CODEGEN_GPU_ROWMAPPING_H
