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
  // (norm-runner, the C API, mlir-runner) pass plain memref descriptors.
  bufferization::OneShotBufferizePassOptions bufferizeOptions;
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

void norm::registerNormLowerToCPUPipeline() {
  PassPipelineRegistration<CPUPipelineOptions>(
      "norm-lower-to-cpu",
      "Lower norm ops (or row-wise linalg on tensors) to the LLVM dialect: "
      "fused over rows, vectorized along D, multithreaded with OpenMP",
      buildNormLowerToCPUPipeline);
}
