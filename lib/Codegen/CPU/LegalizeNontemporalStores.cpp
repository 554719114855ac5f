//===- LegalizeNontemporalStores.cpp - keep 16-bit float streams streaming ===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Works around a gap in LLVM's x86 instruction selection (LLVM 22): there is
// no non-temporal store pattern for bf16 or f16 vectors, so such a store silently
// becomes an ordinary one, and a bitcast to an integer or f32 vector is folded
// back into the store before selection. An llvm.arithmetic.fence between the
// bitcast and the store is opaque to that fold and emits no code.
//
//===----------------------------------------------------------------------===//

#include "Norm/Codegen/CPU/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace mlir::norm {
#define GEN_PASS_DEF_NORMLEGALIZENONTEMPORALSTORES
#include "Norm/Codegen/CPU/Passes.h.inc"
} // namespace mlir::norm

using namespace mlir;

namespace {
/// The f32 vector with the bits of `type`, or null when `type` is not a
/// fixed-size bf16 or f16 vector of a whole number of 32-bit words.
VectorType asF32Words(Type type) {
  auto vector = dyn_cast<VectorType>(type);
  if (!vector || vector.isScalable() || vector.getRank() != 1 ||
      !isa<BFloat16Type, Float16Type>(vector.getElementType()) ||
      vector.getNumElements() % 2 != 0)
    return {};
  return VectorType::get({vector.getNumElements() / 2},
                         Float32Type::get(type.getContext()));
}

struct NormLegalizeNontemporalStoresPass
    : norm::impl::NormLegalizeNontemporalStoresBase<
          NormLegalizeNontemporalStoresPass> {
  void runOnOperation() override {
    getOperation()->walk([](LLVM::StoreOp store) {
      VectorType words = asF32Words(store.getValue().getType());
      // Stores aligned to less than 16 bytes are split into 8-byte streaming
      // stores (movntsd), which keep the hint whatever the type.
      if (!store.getNontemporal() || !words || store.getAlignment().value_or(0) < 16)
        return;
      OpBuilder builder(store);
      Location loc = store.getLoc();
      Value cast = LLVM::BitcastOp::create(builder, loc, words, store.getValue());
      auto fence = LLVM::CallIntrinsicOp::create(
          builder, loc, words, builder.getStringAttr("llvm.arithmetic.fence"),
          ValueRange{cast});
      store.getValueMutable().assign(fence.getResult(0));
    });
  }
};
} // namespace
