//===- KnownAlignment.h - alignment of a memref access proven from the IR -===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// vector.load/store lower to LLVM accesses aligned only to the element size.
// A non-temporal store at that alignment cannot use one full-width streaming
// instruction (x86 splits a 64-byte one into eight 8-byte ones), so the stores
// the pipeline streams carry the alignment it can prove: the base buffer's
// alignment, the view offsets and the indices (loop induction variables with
// their steps) are all traced back to divisors.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_LIB_CODEGEN_CPU_KNOWNALIGNMENT_H
#define NORM_LIB_CODEGEN_CPU_KNOWNALIGNMENT_H

#include "mlir/IR/Value.h"
#include "mlir/IR/ValueRange.h"

#include <cstdint>

namespace mlir::norm {

/// The alignment in bytes proven for the address of `memref[indices]`: a
/// power of two, at least 1, at most the alignment of the allocation the
/// memref is a view of.
int64_t knownAccessAlignment(Value memref, ValueRange indices);

} // namespace mlir::norm

#endif // NORM_LIB_CODEGEN_CPU_KNOWNALIGNMENT_H
