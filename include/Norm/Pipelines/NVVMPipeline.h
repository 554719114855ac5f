//===- NVVMPipeline.h - norm-lower-to-nvvm ----------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The named pipeline from norm level to host LLVM dialect with an embedded
// gpu.binary (SPEC §2), modelled on upstream's GPUToNVVMPipelineOptions but
// with a `toolkit` option so that libdevice is always found.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_PIPELINES_NVVMPIPELINE_H
#define NORM_PIPELINES_NVVMPIPELINE_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

#include <string>

namespace mlir {
namespace norm {

struct NormNVVMPipelineOptions
    : public PassPipelineOptions<NormNVVMPipelineOptions> {
  Option<std::string> chip{*this, "chip", llvm::cl::desc("Target SM (sm_80, sm_90, ...)"),
                           llvm::cl::init("sm_80")};
  Option<std::string> features{
      *this, "features",
      llvm::cl::desc("NVPTX features; empty picks a PTX version valid for the chip "
                     "(+ptx80 up to sm_90a)"),
      llvm::cl::init("")};
  Option<std::string> format{*this, "format",
                             llvm::cl::desc("gpu.binary format: fatbin, bin or isa"),
                             llvm::cl::init("fatbin")};
  Option<std::string> toolkit{
      *this, "toolkit",
      llvm::cl::desc("CUDA toolkit root (ptxas, fatbinary, libdevice); empty: "
                     "$CUDA_HOME, else /usr/local/cuda"),
      llvm::cl::init("")};
  Option<int> optLevel{*this, "opt-level",
                       llvm::cl::desc("Optimization level of the device code (0-3)"),
                       llvm::cl::init(3)};
  Option<std::string> memory{
      *this, "memory",
      llvm::cl::desc("Where function tensors live: host (copies in/out) or device"),
      llvm::cl::init("host")};
  Option<int64_t> gradBlocks{
      *this, "grad-blocks",
      llvm::cl::desc("Maximum grid of the persistent gradient kernels"),
      llvm::cl::init(528)};
};

/// The PTX feature string used when `features` is empty.
std::string defaultNVPTXFeatures(llvm::StringRef chip);

/// The toolkit root used when `toolkit` is empty.
std::string defaultCudaToolkit();

/// Whether LLVM's NVPTX backend knows `chip` ("sm_90a") as a processor;
/// true when this LLVM has no NVPTX backend (serialization then fails).
bool isKnownNVPTXChip(llvm::StringRef chip);

/// Whether `format` names a gpu.binary format that gpu-module-to-binary
/// parses ("fatbin", "bin", "isa" and their long names, "offloading").
bool isKnownGPUBinaryFormat(llvm::StringRef format);

void buildNormLowerToNVVMPipeline(OpPassManager &pm,
                                  const NormNVVMPipelineOptions &options);

/// Registers `norm-lower-to-nvvm`.
void registerNormNVVMPipeline();

} // namespace norm
} // namespace mlir

#endif // NORM_PIPELINES_NVVMPIPELINE_H
