//===- InitAll.cpp - register everything norm-mlir provides ---------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "Norm/InitAll.h"

#include "Norm/Codegen/CPU/Passes.h"
#include "Norm/Conversion/Passes.h"
#include "Norm/Codegen/GPU/Passes.h"
#include "Norm/Dialect/Norm/IR/NormDialect.h"
#include "Norm/Pipelines/NVVMPipeline.h"
#include "Norm/Dialect/Norm/Transforms/Passes.h"
#include "Norm/Dialect/Norm/Transforms/RuntimeOpVerification.h"
#include "Norm/Interfaces/ReverseOpImplementations.h"
#include "Norm/Pipelines/CPUPipeline.h"

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"

using namespace mlir;

void norm::registerAllNormDialects(DialectRegistry &registry) {
  registry.insert<norm::NormDialect>();
  norm::registerAllReverseOpInterfaceExternalModels(registry);
  registerNormAggregatedOpInterfaceExternalModels(registry);
  norm::registerRuntimeVerifiableOpInterfaceExternalModels(registry);
}

void norm::registerAllNormPasses() {
  registerNormConversionPasses();
  registerNormGPUCodegenPasses();
  registerNormNVVMPipeline();
  registerNormCPUPasses();
  registerNormLowerToCPUPipeline();
  registerNormTransformsPasses();
}

void norm::registerEverything(DialectRegistry &registry) {
  registerAllDialects(registry);
  registerAllExtensions(registry);
  // Without the translations gpu-module-to-binary and the JIT cannot turn
  // the LLVM dialect (host and device) into LLVM IR.
  registerAllToLLVMIRTranslations(registry);
  registerAllNormDialects(registry);
  registerAllPasses();
  registerAllNormPasses();
}
