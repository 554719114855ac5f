//===- Passes.h - norm CPU code generation passes ---------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef NORM_CODEGEN_CPU_PASSES_H
#define NORM_CODEGEN_CPU_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;
namespace norm {

#define GEN_PASS_DECL
#include "Norm/Codegen/CPU/Passes.h.inc"

/// Unit attribute on the column loops of norm-pipeline-row-sweeps that
/// write one row block and sum the next: they read the next rows themselves,
/// so norm-prefetch-rows leaves them alone.
constexpr llvm::StringLiteral kPipelinedSweepsAttrName = "norm.pipelined_sweeps";

/// Upper bounds of the options that size loops and vectors (the passes reject
/// larger values with a diagnostic): OpenMP threads (norm-tile-rows' chunks),
/// rows per block (norm-vectorize-rows vectorizes blocks of up to 8 rows),
/// f32 lanes per vector, vectors per step, and lanes per step, their product
/// (norm-vectorize-rows): 1024 x 64 lanes made LLVM's x86 instruction
/// selection abort ("SmallVector unable to grow"); 1024 x 32 still compiled.
constexpr int64_t kMaxThreads = 4096;
constexpr int64_t kMaxRowBlock = 8;
constexpr int64_t kMaxVectorWidth = 1024;
constexpr int64_t kMaxUnroll = 64;
constexpr int64_t kMaxLanesPerStep = 4096;

/// Elementwise fusion that also fuses multi-use producers read through a
/// permutation map (see norm-fuse-elementwise).
void populateNormElementwiseFusionPatterns(RewritePatternSet &patterns);

#define GEN_PASS_REGISTRATION
#include "Norm/Codegen/CPU/Passes.h.inc"

} // namespace norm
} // namespace mlir

#endif // NORM_CODEGEN_CPU_PASSES_H
