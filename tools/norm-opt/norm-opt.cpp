//===- norm-opt.cpp - the norm-mlir optimizer driver ----------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// mlir-opt with the norm dialect, its passes and pipelines. All upstream
// dialects, passes, extensions and LLVM-IR translations are registered too so
// that upstream pipelines (e.g. gpu-lower-to-nvvm-pipeline) run unchanged.
//
//===----------------------------------------------------------------------===//

#include "Norm/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::norm::registerEverything(registry);
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "norm-mlir optimizer driver\n", registry));
}
