//===- ChunkedGradient.h - one-pass row loop for gradient groups -*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The one-pass gradient loop that norm-tile-rows builds, exported for
// pipelines that tile their own gradient groups (e.g. with other chunk counts).
//
//===----------------------------------------------------------------------===//

#ifndef NORM_CODEGEN_CPU_CHUNKEDGRADIENT_H
#define NORM_CODEGEN_CPU_CHUNKEDGRADIENT_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::norm {

/// Unit attribute on the scf.for loops whose body is one row tile.
constexpr llvm::StringLiteral kRowLoopAttrName = "norm.row_loop";

/// The terminal ops of one gradient group.
struct GradientTerminals {
  SmallVector<linalg::LinalgOp> reductions, rowOps;
};

/// Splits terminal row reductions and row ops into groups whose members read
/// (by row) a common producer; keeps the groups that hold a reduction.
SmallVector<GradientTerminals>
partitionGradientGroups(ArrayRef<linalg::LinalgOp> reductions,
                        ArrayRef<linalg::LinalgOp> rowOps);

/// Rewrites a gradient group into one pass over the rows:
///
///   scf.forall %t in (numChunks) shared_outs(dx..., partials[numChunks]...) {
///     scf.for %row in chunk(%t) step rowBlock
///         iter_args(dx chunk..., param-grad sums...) {
///       every op of the group tiled to rows [%row, %row + rowBlock)
///       (statistics, dx, and the rows' contribution added to the chunk's
///       parameter-gradient sums, which are read and written once per block)
///     }
///     scf.for over the last (chunk size % rowBlock) rows, one at a time
///   }
///   param grad = linalg.reduce partials over the chunks, in chunk order
///
/// so x and dy are read once, each row stays in cache between its
/// reductions and its elementwise pass, and the result does not depend on the
/// thread count or on timing. `reductions` reduce over the leading (row) loop
/// with `+` (parameter gradients); `rowOps` are all-parallel (dx). The group
/// is them and the linalg ops they transitively read from.
///
/// Fails, changing nothing, when the group does not have this shape (more
/// than one row dim, a producer used outside the group, ...).
LogicalResult tileGradientGroupInOnePass(RewriterBase &rewriter,
                                         ArrayRef<linalg::LinalgOp> reductions,
                                         ArrayRef<linalg::LinalgOp> rowOps,
                                         int64_t numChunks,
                                         int64_t rowBlock = 1);

} // namespace mlir::norm

#endif // NORM_CODEGEN_CPU_CHUNKEDGRADIENT_H
