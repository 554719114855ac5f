//===- NormDialect.cpp - norm dialect registration ------------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "Norm/Dialect/Norm/IR/NormDialect.h"
#include "Norm/Dialect/Norm/IR/NormOps.h"

using namespace mlir;
using namespace mlir::norm;

#include "Norm/Dialect/Norm/IR/NormOpsDialect.cpp.inc"

void NormDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "Norm/Dialect/Norm/IR/NormOps.cpp.inc"
      >();
}
