//===- ReverseOpInterface.cpp - reverse-mode AD rules ---------------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "Norm/Interfaces/ReverseOpInterface.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;
using namespace mlir::norm;

#include "Norm/Interfaces/ReverseOpInterface.cpp.inc"

static bool isFloatLike(Type type) {
  if (auto tensor = dyn_cast<RankedTensorType>(type))
    return isa<FloatType>(tensor.getElementType());
  return isa<FloatType>(type);
}

bool ReverseModeContext::needsCotangent(Value v) const {
  return isActive(v) && isFloatLike(v.getType());
}

void ReverseModeContext::addCotangent(OpBuilder &builder, Location loc, Value v,
                                      Value contribution) {
  if (!contribution || !needsCotangent(v))
    return;
  assert(contribution.getType() == v.getType() &&
         "a cotangent has the type of its primal value");
  Value &slot = cotangents[v];
  if (!slot) {
    slot = contribution;
    return;
  }
  slot = arith::AddFOp::create(builder, loc, slot, contribution);
}

Value norm::createEmptyLike(OpBuilder &builder, Location loc, Value like) {
  auto type = cast<RankedTensorType>(like.getType());
  SmallVector<Value> dynSizes;
  for (auto [i, size] : llvm::enumerate(type.getShape()))
    if (ShapedType::isDynamic(size))
      dynSizes.push_back(tensor::DimOp::create(builder, loc, like, i));
  return tensor::EmptyOp::create(builder, loc, type.getShape(),
                                 type.getElementType(), dynSizes);
}

Value norm::createConstantLike(OpBuilder &builder, Location loc, Value like,
                               double value) {
  Type type = like.getType();
  Type elementType = getElementTypeOrSelf(type);
  auto scalarAttr = builder.getFloatAttr(elementType, value);
  auto tensorType = dyn_cast<RankedTensorType>(type);
  if (!tensorType)
    return arith::ConstantOp::create(builder, loc, elementType, scalarAttr);
  if (tensorType.hasStaticShape())
    return arith::ConstantOp::create(
        builder, loc, tensorType,
        DenseElementsAttr::get(tensorType, cast<Attribute>(scalarAttr)));
  Value scalar =
      arith::ConstantOp::create(builder, loc, elementType, scalarAttr);
  Value empty = createEmptyLike(builder, loc, like);
  return linalg::FillOp::create(builder, loc, scalar, empty).getResult(0);
}

Value norm::createZerosLike(OpBuilder &builder, Location loc, Value like) {
  Type type = like.getType();
  Type elementType = getElementTypeOrSelf(type);
  Value zero = arith::ConstantOp::create(
      builder, loc, elementType, builder.getFloatAttr(elementType, 0.0));
  if (!isa<RankedTensorType>(type))
    return zero;
  Value empty = createEmptyLike(builder, loc, like);
  return linalg::FillOp::create(builder, loc, zero, empty).getResult(0);
}
