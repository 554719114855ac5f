//===- CacheLine.h - the cache line the CPU passes plan for ------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The CPU passes size prefetches (norm-prefetch-rows), row pieces
// (norm-vectorize-rows) and streaming stores (norm-nontemporal-stores) in
// cache lines; they share this one.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_LIB_CODEGEN_CPU_CACHELINE_H
#define NORM_LIB_CODEGEN_CPU_CACHELINE_H

#include <cstdint>

namespace mlir::norm {

/// The cache line of the x86 targets these passes are tuned for.
constexpr int64_t kCacheLineBytes = 64;

} // namespace mlir::norm

#endif // NORM_LIB_CODEGEN_CPU_CACHELINE_H
