//===- NVVMPipeline.cpp - norm-lower-to-nvvm ------------------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// norm ops -> row-mapped gpu.launch kernels (convert-norm-to-gpu) -> bufferized
// host code -> outlined kernels -> NVVM -> gpu.binary, host -> LLVM dialect.
// The GPU part mirrors upstream's gpu-lower-to-nvvm-pipeline; the difference
// is the toolkit, which is passed to gpu-module-to-binary so that libdevice
// (math.rsqrt, math.tanh, ...) links even in a scrubbed environment
// (research/toolchain.md §4).
//
//===----------------------------------------------------------------------===//

#include "Norm/Pipelines/NVVMPipeline.h"

#include "Norm/Codegen/GPU/Passes.h"
#include "Norm/Dialect/Norm/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Triple.h"

#include <cstdlib>
#include <memory>
#include <mutex>

using namespace mlir;

std::string norm::defaultNVPTXFeatures(llvm::StringRef chip) {
  // The minimum PTX ISA of the chip is what the NVPTX backend needs; +ptx80
  // covers sm_50 .. sm_90a and is accepted by ptxas 12.x/13.x. Newer chips
  // need newer ISAs (sm_100: 8.6, sm_120: 8.7).
  unsigned sm = 0;
  llvm::StringRef digits = chip;
  if (digits.consume_front("sm_"))
    digits.take_while([](char c) { return c >= '0' && c <= '9'; })
        .getAsInteger(10, sm);
  if (sm >= 120)
    return "+ptx87";
  if (sm >= 100)
    return "+ptx86";
  return "+ptx80";
}

std::string norm::defaultCudaToolkit() {
  if (const char *home = std::getenv("CUDA_HOME"); home && *home)
    return home;
  return "/usr/local/cuda";
}

void norm::buildNormLowerToNVVMPipeline(OpPassManager &pm,
                                        const NormNVVMPipelineOptions &options) {
  // Norm level -> gpu.launch kernels on buffers; then bufferize the host.
  // The memory option is validated by the pass itself (diagnostic + failure).
  pm.addPass(createNormToGPUPass(options.memory, options.gradBlocks));
  // Outline before any canonicalization: the canonicalizer hoists constants
  // out of gpu.launch bodies (they are not isolated from above), and the
  // outliner would then pass vector constants as by-value kernel arguments.
  pm.addPass(createGpuKernelOutliningPass());
  pm.addPass(createCanonicalizerPass());
  // Never write into the caller's host arrays (see norm-read-only-
  // arguments). Not with memory=device: the arguments are device pointers,
  // which a protective copy would read on the host. Loops yielding new
  // tensors stay an error here: this pipeline has no buffer deallocation,
  // so each iteration's buffer would leak.
  if (options.memory == "host")
    pm.addNestedPass<func::FuncOp>(createNormReadOnlyArgumentsPass());
  bufferization::OneShotBufferizePassOptions bufOpts;
  bufOpts.bufferizeFunctionBoundaries = true;
  bufOpts.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufOpts));
  pm.addPass(createConvertBufferizationToMemRefPass());
  // Anything else on tensors in the function (host code around the norms).
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());

  // Common part (upstream buildCommonPassPipeline; outlining is done).
  pm.addPass(createConvertVectorToSCFPass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createConvertNVVMToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  GpuNVVMAttachTargetOptions target;
  target.chip = options.chip;
  target.features = options.features.empty()
                        ? defaultNVPTXFeatures(options.chip)
                        : std::string(options.features);
  target.optLevel = options.optLevel;
  pm.addPass(createGpuNVVMAttachTarget(target));
  pm.addPass(createLowerAffinePass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());

  // Device part (upstream buildGpuPassPipeline).
  pm.addNestedPass<gpu::GPUModuleOp>(createStripDebugInfoPass());
  pm.addNestedPass<gpu::GPUModuleOp>(createConvertGpuOpsToNVVMOps());
  pm.addNestedPass<gpu::GPUModuleOp>(LLVM::createNVVMOptimizeForTargetPass());
  pm.addNestedPass<gpu::GPUModuleOp>(createCanonicalizerPass());
  pm.addNestedPass<gpu::GPUModuleOp>(createCSEPass());
  pm.addNestedPass<gpu::GPUModuleOp>(createReconcileUnrealizedCastsPass());

  // Host part and serialization (upstream buildHostPostPipeline).
  pm.addPass(createGpuToLLVMConversionPass());
  GpuModuleToBinaryPassOptions binOpts;
  binOpts.compilationTarget = options.format;
  binOpts.toolkitPath = options.toolkit.empty() ? defaultCudaToolkit()
                                                : std::string(options.toolkit);
  pm.addPass(createGpuModuleToBinaryPass(binOpts));
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

bool norm::isKnownNVPTXChip(llvm::StringRef chip) {
  // Pipelines may be parsed on several threads (Python compiles).
  static std::once_flag initialized;
  std::call_once(initialized, [] {
    LLVMInitializeNVPTXTargetInfo();
    LLVMInitializeNVPTXTargetMC();
  });
  llvm::Triple triple("nvptx64-nvidia-cuda");
  std::string error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return false;
  // Created for a processor every NVPTX backend knows, then asked about
  // `chip`: an unknown CPU given to the constructor prints a warning.
  std::unique_ptr<llvm::MCSubtargetInfo> info(
      target->createMCSubtargetInfo(triple, "sm_50", ""));
  return !info || info->isCPUStringValid(chip);
}

bool norm::isKnownGPUBinaryFormat(llvm::StringRef format) {
  // The names gpu-module-to-binary parses; anything else it reports with an
  // error but without failing, and the module went on with no binary.
  return llvm::is_contained({"fatbin", "fatbinary", "bin", "binary", "isa",
                             "assembly", "offloading", "llvm"},
                            format);
}

void norm::registerNormNVVMPipeline() {
  // registerPassPipeline rather than PassPipelineRegistration, to reject a
  // chip that LLVM's NVPTX backend does not know while parsing the options:
  // an empty one crashed NVVMTargetAttr's verifier, an unknown one
  // ("sm_1000") aborted instruction selection ("Cannot select").
  using Options = NormNVVMPipelineOptions;
  registerPassPipeline(
      "norm-lower-to-nvvm",
      "Lower norm ops (and the host code around them) to the LLVM dialect with "
      "the kernels compiled into an embedded gpu.binary (NVPTX)",
      [](OpPassManager &pm, StringRef optionsText,
         function_ref<LogicalResult(const Twine &)> errorHandler) {
        Options options;
        if (failed(options.parseFromString(optionsText)))
          return failure();
        if (!isKnownGPUBinaryFormat(options.format))
          return errorHandler("norm-lower-to-nvvm: format '" + options.format +
                              "' is not a gpu.binary format (fatbin, bin or "
                              "isa; also fatbinary, binary, assembly, "
                              "offloading, llvm)");
        if (!isKnownNVPTXChip(options.chip))
          return errorHandler("norm-lower-to-nvvm: chip '" + options.chip +
                              "' is not an NVPTX processor that LLVM knows "
                              "(e.g. sm_80, sm_90, sm_90a)");
        buildNormLowerToNVVMPipeline(pm, options);
        return success();
      },
      [](function_ref<void(const detail::PassOptions &)> optionsHandler) {
        optionsHandler(Options());
      });
}
