//===- CPUPipeline.cpp - norm-lower-to-cpu --------------------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// norm ops -> linalg on tensors -> elementwise fusion -> one loop over rows
// (tile + fuse) -> vectors along D -> buffers -> OpenMP -> LLVM dialect.
// Each stage is a pass of its own (see Norm/Codegen/CPU/Passes.td), so the
// IR between stages can be printed with --mlir-print-ir-after-all.
//
//===----------------------------------------------------------------------===//

#include "Norm/Pipelines/CPUPipeline.h"

#include "Norm/Codegen/CPU/Passes.h"
#include "Norm/Conversion/Passes.h"
#include "Norm/Dialect/Norm/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Dialect/Vector/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

#include <limits>

using namespace mlir;

void norm::buildNormLowerToCPUPipeline(OpPassManager &pm,
                                       const CPUPipelineOptions &options) {
  // 0. Size checks of dynamic shapes, on the norm ops themselves.
  if (options.runtimeVerification)
    pm.addPass(createGenerateRuntimeVerificationPass());
  // 1. Norm ops to linalg, then fusion and tiling on tensors. Canonicalized
  // first, so that sizes known through casts (an extract_slice of constant
  // size becomes a static slice and a cast) fold into the norm ops.
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createConvertNormToLinalgPass());
  OpPassManager &fpm = pm.nest<func::FuncOp>();
  // Elementwise arith/math on tensors (model code, autodiff cotangent sums)
  // becomes linalg.generic so that it fuses into the row loops.
  fpm.addPass(createConvertElementwiseToLinalgPass());
  fpm.addPass(createNormFuseElementwise());
  fpm.addPass(createCanonicalizerPass());
  fpm.addPass(createCSEPass());
  NormTileRowsOptions tileOptions;
  tileOptions.numThreads = options.threads == 0 ? 2 : options.threads;
  tileOptions.rowBlock = options.rowBlock;
  fpm.addPass(createNormTileRows(tileOptions));
  fpm.addPass(createCanonicalizerPass());
  fpm.addPass(createCSEPass());
  NormVectorizeRowsOptions vectorOptions;
  vectorOptions.vectorWidth = options.vectorWidth;
  vectorOptions.unroll = options.unroll;
  fpm.addPass(createNormVectorizeRows(vectorOptions));
  fpm.addPass(createCanonicalizerPass());
  fpm.addPass(createCSEPass());

  // 2. Buffers, with identity layouts at function boundaries so that callers
  // (norm-runner, the C API, mlir-runner) pass plain memref descriptors,
  // and never written into (a public function's arguments are its caller's
  // arrays). A loop may yield a new tensor each iteration (a loop over
  // layers carrying the activations).
  pm.addNestedPass<func::FuncOp>(createNormReadOnlyArgumentsPass());
  bufferization::OneShotBufferizePassOptions bufferizeOptions;
  bufferizeOptions.allowReturnAllocsFromLoops = true;
  bufferizeOptions.bufferizeFunctionBoundaries = true;
  bufferizeOptions.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferizeOptions));
  bufferization::BufferDeallocationPipelineOptions deallocOptions;
  bufferization::buildBufferDeallocationPipeline(pm, deallocOptions);
  pm.addPass(createConvertBufferizationToMemRefPass());
  // Small temporaries left inside row loops go to the stack, not malloc.
  pm.addNestedPass<func::FuncOp>(
      bufferization::createPromoteBuffersToStackPass());
  if (options.placeBuffers)
    pm.addNestedPass<func::FuncOp>(createNormPlaceRowBuffers());

  // 3. Loops and vectors.
  OpPassManager &lpm = pm.nest<func::FuncOp>();
  lpm.addPass(createForallToParallelLoopPass());
  lpm.addPass(createConvertLinalgToLoopsPass());
  lpm.addPass(createLoopInvariantCodeMotionPass());
  lpm.addPass(vector::createLowerVectorMultiReductionPass(
      vector::VectorMultiReductionLowering::InnerReduction));
  lpm.addPass(createCanonicalizerPass());
  // Transfers of row blocks (vector<rows x n>) become one 1-D transfer per
  // row, which norm-nontemporal-stores then turns into loads and stores.
  lpm.addPass(createConvertVectorToSCFPass(
      VectorTransferToSCFOptions().enableFullUnroll()));
  NormNontemporalStoresOptions storeOptions;
  storeOptions.enable = options.nontemporal;
  lpm.addPass(createNormNontemporalStores(storeOptions));
  if (options.pipelineSweeps)
    lpm.addPass(createNormPipelineRowSweeps());
  NormPrefetchRowsOptions prefetchOptions;
  prefetchOptions.distance = options.prefetchDistance;
  prefetchOptions.minBytesAhead = options.prefetchMinBytes;
  prefetchOptions.locality = options.prefetchLocality;
  prefetchOptions.prefetchCached = options.prefetchCached;
  lpm.addPass(createNormPrefetchRows(prefetchOptions));
  if (options.approximateTanh)
    lpm.addPass(createNormApproximateMath());
  if (!options.nativeBF16)
    lpm.addPass(createNormExpandBF16Casts());

  // 4. Threads: scf.parallel over rows becomes an OpenMP worksharing loop.
  // (memref lowering must precede scf-to-cf, see toolchain.md §7.)
  if (options.threads != 1) {
    ConvertSCFToOpenMPPassOptions ompOptions;
    ompOptions.numThreads = options.threads;
    pm.addPass(createConvertSCFToOpenMPPass(ompOptions));
  }
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createSCFToControlFlowPass());
  ConvertVectorToLLVMPassOptions vectorToLLVM;
  vectorToLLVM.reassociateFPReductions = true;
  pm.addPass(createConvertVectorToLLVMPass(vectorToLLVM));
  pm.addPass(createConvertToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  // Aligned bf16/f16 streams would lose their hint in LLVM's x86 backend.
  pm.addPass(createNormLegalizeNontemporalStores());
  pm.addPass(createCanonicalizerPass());
}

std::string norm::checkCPUPipelineOptions(const CPUPipelineOptions &options) {
  auto outOfRange = [](StringRef name, int64_t value, int64_t min,
                       int64_t max) -> std::string {
    if (value >= min && value <= max)
      return "";
    return ("norm-lower-to-cpu: " + name + "=" + Twine(value) +
            " is out of range (expected " + Twine(min) + " to " + Twine(max) +
            ")")
        .str();
  };
  constexpr int64_t kNoLimit = std::numeric_limits<int64_t>::max();
  for (std::string error :
       {outOfRange("threads", options.threads, 0, kMaxThreads),
        outOfRange("vector-width", options.vectorWidth, 1, kMaxVectorWidth),
        outOfRange("unroll", options.unroll, 1, kMaxUnroll),
        outOfRange("row-block", options.rowBlock, 1, kMaxRowBlock),
        outOfRange("prefetch-distance", options.prefetchDistance, 0, kNoLimit),
        outOfRange("prefetch-min-bytes", options.prefetchMinBytes, 0,
                   kNoLimit),
        outOfRange("prefetch-locality", options.prefetchLocality, -1, 3)})
    if (!error.empty())
      return error;
  // Both are at most 2^10 and 2^6 here, so the product cannot overflow.
  if (options.vectorWidth * options.unroll > kMaxLanesPerStep)
    return ("norm-lower-to-cpu: vector-width x unroll = " +
            Twine(options.vectorWidth * options.unroll) +
            " lanes per step is more than " + Twine(kMaxLanesPerStep))
        .str();
  return "";
}

void norm::registerNormLowerToCPUPipeline() {
  // registerPassPipeline rather than PassPipelineRegistration, to reject
  // options out of range while parsing them, with one line naming the
  // option, rather than from inside a pass on every function.
  registerPassPipeline(
      "norm-lower-to-cpu",
      "Lower norm ops (or row-wise linalg on tensors) to the LLVM dialect: "
      "fused over rows, vectorized along D, multithreaded with OpenMP",
      [](OpPassManager &pm, StringRef optionsText,
         function_ref<LogicalResult(const Twine &)> errorHandler) {
        CPUPipelineOptions options;
        if (failed(options.parseFromString(optionsText)))
          return failure();
        std::string error = checkCPUPipelineOptions(options);
        if (!error.empty())
          return errorHandler(error);
        buildNormLowerToCPUPipeline(pm, options);
        return success();
      },
      [](function_ref<void(const mlir::detail::PassOptions &)>
             optionsHandler) { optionsHandler(CPUPipelineOptions()); });
}
