//===- Npy.h - NumPy .npy files for the runner ------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// A small reader and writer for NumPy's .npy format (versions 1.0, 2.0 and
// 3.0 headers; little-endian f2/f4/f8 in C order), plus the conversions that
// bind .npy data to tensor arguments: a bf16 argument is given as f32 and
// rounded to nearest even, a bf16 result is written as f32.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_EXECUTIONENGINE_NPY_H
#define NORM_EXECUTIONENGINE_NPY_H

#include "Norm/ExecutionEngine/JitModule.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <cstdlib>
#include <memory>

namespace mlir {
namespace norm {

/// Element types of .npy files this reader and writer support.
enum class NpyDType { F16, F32, F64 };

/// The descr string of `dtype` ("<f2", "<f4", "<f8").
llvm::StringRef getNpyDescr(NpyDType dtype);
size_t getNpyDTypeSize(NpyDType dtype);

/// A 64-byte aligned heap buffer (from hostAlignedAlloc: large ones on huge
/// pages, see HostAllocator.h).
class AlignedBuffer {
public:
  AlignedBuffer() = default;
  explicit AlignedBuffer(size_t bytes);
  void *data() const { return ptr.get(); }
  size_t size() const { return bytes; }
  explicit operator bool() const { return ptr != nullptr; }

private:
  struct Free {
    void operator()(void *p) const;
  };
  std::unique_ptr<void, Free> ptr;
  size_t bytes = 0;
};

/// An array read from a .npy file.
struct NpyArray {
  NpyDType dtype = NpyDType::F32;
  llvm::SmallVector<int64_t, 4> shape;
  AlignedBuffer buffer;

  int64_t getNumElements() const;
};

/// Parses the contents of a .npy file; `name` is used in error messages.
llvm::Expected<NpyArray> parseNpy(llvm::StringRef bytes, llvm::StringRef name);
/// Reads a .npy file.
llvm::Expected<NpyArray> readNpyFile(llvm::StringRef path);

/// Writes a C-order array of `dtype` with `shape` to `path`.
llvm::Error writeNpyFile(llvm::StringRef path, NpyDType dtype,
                         llvm::ArrayRef<int64_t> shape, const void *data);

/// Round-to-nearest-even f32 -> bf16 (NaN stays a quiet NaN of that sign).
uint16_t convertF32ToBF16(float value);
float convertBF16ToF32(uint16_t bits);

/// The .npy dtype that carries a tensor of `type` (f32 for bf16).
NpyDType getNpyDTypeFor(ElementType type);

/// Turns a .npy array into the bytes of an argument of `type`: f32/f16/f64
/// must match the file's dtype exactly; bf16 takes an f32 file. `what`
/// names the argument in error messages.
llvm::Expected<AlignedBuffer> convertNpyToArgument(const NpyArray &array,
                                                   ElementType type,
                                                   llvm::StringRef what);

/// Writes a result to `path` (bf16 as f32).
llvm::Error writeResultAsNpy(llvm::StringRef path, const ResultBuffer &result);

} // namespace norm
} // namespace mlir

#endif // NORM_EXECUTIONENGINE_NPY_H
