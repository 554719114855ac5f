//===- Passes.h - norm GPU code generation passes ---------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The passes are declared in Passes.td (-name NormGPU). This header does not
// include the generated Passes.h.inc on purpose: the pipeline and
// registration libraries use it without a build dependency on the TableGen
// target, so they must not need the generated file to compile.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_CODEGEN_GPU_PASSES_H
#define NORM_CODEGEN_GPU_PASSES_H

#include "mlir/Pass/Pass.h"

#include <cstdint>
#include <memory>

namespace mlir {
class RewritePatternSet;

namespace norm {

/// Where the tensors that norm ops read and write live at run time.
enum class GPUMemorySpace {
  /// Host memory: inputs are copied to device buffers, results copied back.
  Host,
  /// Device memory: arguments are device pointers, results are `gpu.alloc`ed.
  Device,
};

struct NormToGPUOptions {
  GPUMemorySpace memory = GPUMemorySpace::Host;
  /// Upper bound on the grid of the persistent gradient kernels.
  int64_t gradBlocks = 528;
};

/// Patterns rewriting every norm op into `gpu.launch` kernels on buffers
/// (with `bufferization.to_buffer`/`to_tensor` at the tensor boundary).
void populateNormToGPUPatterns(RewritePatternSet &patterns,
                               const NormToGPUOptions &options);

/// `convert-norm-to-gpu` with the given options.
std::unique_ptr<Pass> createNormToGPUPass(const NormToGPUOptions &options = {});

/// `convert-norm-to-gpu{memory=<memory> grad-blocks=<gradBlocks>}`; the pass
/// diagnoses a memory kind other than "host" or "device".
std::unique_ptr<Pass> createNormToGPUPass(llvm::StringRef memory,
                                          int64_t gradBlocks);

/// Registers the passes of Passes.td (`convert-norm-to-gpu`).
void registerNormGPUCodegenPasses();

} // namespace norm
} // namespace mlir

#endif // NORM_CODEGEN_GPU_PASSES_H
