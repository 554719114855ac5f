//===- CPUPipeline.h - the norm-lower-to-cpu pipeline -----------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef NORM_PIPELINES_CPUPIPELINE_H
#define NORM_PIPELINES_CPUPIPELINE_H

#include "mlir/Pass/PassOptions.h"

#include <string>

namespace mlir {
class OpPassManager;
namespace norm {

struct CPUPipelineOptions : public PassPipelineOptions<CPUPipelineOptions> {
  PassOptions::Option<int64_t> vectorWidth{
      *this, "vector-width",
      llvm::cl::desc("f32 lanes per vector register (16 for AVX-512, 8 for AVX2; 1 to 1024)"),
      llvm::cl::init(16)};
  PassOptions::Option<int64_t> unroll{
      *this, "unroll",
      llvm::cl::desc("Independent vectors per step along D (reduction accumulators; 1 to 64)"),
      llvm::cl::init(4)};
  PassOptions::Option<int64_t> threads{
      *this, "threads",
      llvm::cl::desc("OpenMP threads over rows: 0 = all cores, 1 = serial code without OpenMP (at most 4096)"),
      llvm::cl::init(0)};
  PassOptions::Option<bool> nontemporal{
      *this, "nontemporal",
      llvm::cl::desc("Stream stores inside row loops past the caches (for outputs larger than the LLC)"),
      llvm::cl::init(true)};
  PassOptions::Option<int64_t> rowBlock{
      *this, "row-block",
      llvm::cl::desc("Rows per step where blocks of rows measured faster (SeeDNorm's rows, 16-bit rows of 64-1024; see norm-tile-rows; 1..8)"),
      llvm::cl::init(4)};
  PassOptions::Option<bool> approximateTanh{
      *this, "approximate-tanh",
      llvm::cl::desc("Inline polynomial tanh (a few ulp, vectorizes) instead of a libm call per element"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> nativeBF16{
      *this, "native-bf16",
      llvm::cl::desc("Leave f32 <-> bf16 casts to LLVM (for targets with a bf16 conversion instruction, e.g. AVX512-BF16); by default they become vector integer code (norm-expand-bf16-casts), since elsewhere LLVM calls __truncsfbf2 per element"),
      llvm::cl::init(false)};
  PassOptions::Option<bool> pipelineSweeps{
      *this, "pipeline-sweeps",
      llvm::cl::desc("Sum a gradient's next row block in the loop that writes this one (norm-pipeline-row-sweeps; off by default: measured faster only with rows in cache)"),
      llvm::cl::init(false)};
  PassOptions::Option<int64_t> prefetchDistance{
      *this, "prefetch-distance",
      llvm::cl::desc("Prefetch this many rows (row blocks) ahead while a row is written (0 = off)"),
      llvm::cl::init(2)};
  PassOptions::Option<int64_t> prefetchMinBytes{
      *this, "prefetch-min-bytes",
      llvm::cl::desc("And at least this many bytes ahead in each buffer (more rows ahead for short rows)"),
      llvm::cl::init(32768)};
  PassOptions::Option<int64_t> prefetchLocality{
      *this, "prefetch-locality",
      llvm::cl::desc("Locality hint of those prefetches, 0..3 (3: into L1); -1: into L2 for forward sweeps, L1 for gradients (see norm-prefetch-rows)"),
      llvm::cl::init(-1)};
  PassOptions::Option<bool> prefetchCached{
      *this, "prefetch-cached",
      llvm::cl::desc("Also prefetch rows of buffers that fit in half the target's L2 (DLTI spec; norm-runner writes the host's); by default they get no prefetches (see norm-prefetch-rows)"),
      llvm::cl::init(false)};
  PassOptions::Option<bool> placeBuffers{
      *this, "place-buffers",
      llvm::cl::desc("Allocate row buffers at an input's page offset, so that their stores do not 4K-alias the inputs' loads (norm-place-row-buffers)"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> runtimeVerification{
      *this, "runtime-verification",
      llvm::cl::desc("Check at run time what the verifier cannot see in dynamic shapes (the sizes of x against the parameters, dy and the statistics; heads dividing D): a failed check prints the op and aborts (upstream generate-runtime-verification; norm-runner and the Python API turn it on and turn the abort into an error)"),
      llvm::cl::init(false)};
};

/// Adds the passes of norm-lower-to-cpu: norm (or row-wise linalg) on tensors
/// to the LLVM dialect, fused over rows, vectorized and multithreaded.
void buildNormLowerToCPUPipeline(OpPassManager &pm,
                                 const CPUPipelineOptions &options);

/// Why `options` cannot be lowered with (the first out-of-range option, named
/// as on the command line), or an empty string when they can. The passes
/// check their own options too; this says it once, before any pass runs.
std::string checkCPUPipelineOptions(const CPUPipelineOptions &options);

/// Registers `norm-lower-to-cpu` with the global pass pipeline registry; its
/// options are checked (checkCPUPipelineOptions) when the pipeline is parsed.
void registerNormLowerToCPUPipeline();

} // namespace norm
} // namespace mlir

#endif // NORM_PIPELINES_CPUPIPELINE_H
