//===- JitModule.h - JIT-compile and call norm-mlir modules -----*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The JIT core shared by norm-runner and the C/Python library. A module at
// norm, linalg or tensor level is lowered for a target (by default with the
// named pipeline `norm-lower-to-cpu`), JIT-compiled with mlir::ExecutionEngine,
// and its public functions are then callable with plain buffers:
//
//   auto jit = JitModule::compileSource(text, JitOptions());
//   SmallVector<ResultBuffer> results;
//   if (auto err = (*jit)->call("f", {{xPtr, {8, 512}}, {wPtr, {512}}}, results))
//     ...
//   ... read results[0].data (row-major, shape results[0].shape) ...
//   freeResultBuffer(results[0]);
//
// The signatures (ranked tensor types) of the public functions are recorded
// before lowering, so that calls can be checked against them: static
// dimensions must match, dynamic dimensions take the size of the argument.
// Functions take and return tensors; after bufferization with identity
// layouts at function boundaries they take and return plain memref
// descriptors, which is the ABI this file relies on.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_EXECUTIONENGINE_JITMODULE_H
#define NORM_EXECUTIONENGINE_JITMODULE_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace llvm {
class SourceMgr;
} // namespace llvm

namespace mlir {
class ExecutionEngine;

namespace norm {

/// Element types a JIT function may take and return.
enum class ElementType { F32, F16, BF16, F64 };

/// Size in bytes of one element of `type`.
size_t getElementTypeSize(ElementType type);
/// The MLIR spelling of `type` ("f32", "bf16", ...).
llvm::StringRef getElementTypeName(ElementType type);

/// Marks a dynamic dimension in TensorSpec::shape (same value as
/// ShapedType::kDynamic).
constexpr int64_t kDynamicDim = INT64_MIN;

/// A ranked tensor type of a function argument or result.
struct TensorSpec {
  ElementType elementType = ElementType::F32;
  /// Sizes; kDynamicDim for `?`.
  llvm::SmallVector<int64_t, 4> shape;

  bool hasStaticShape() const;
  /// Number of elements; only meaningful with a static shape.
  int64_t getNumElements() const;
  /// Bytes of a static shape's data; nullopt when they overflow int64
  /// (e.g. tensor<9223372036854775807x2xf32>).
  std::optional<int64_t> getSizeInBytes() const;
  /// Prints as an MLIR type, e.g. "tensor<?x512xbf16>".
  std::string str() const;
};

/// The recorded signature of one public function of the input module.
struct FunctionSignature {
  std::string name;
  llvm::SmallVector<TensorSpec> arguments;
  llvm::SmallVector<TensorSpec> results;
  /// Empty when every argument and result is a supported ranked tensor;
  /// otherwise says why the function cannot be called with buffers (it may
  /// still be run through `invokeRaw`).
  std::string unsupportedReason;

  bool isCallable() const { return unsupportedReason.empty(); }
  /// "(tensor<8x512xf32>, tensor<512xf32>) -> tensor<8x512xf32>".
  std::string str() const;
};

/// An argument: contiguous row-major data of the argument's element type
/// (bf16 and f16 as their 16-bit patterns) and its shape. Not owned.
struct ArgumentBuffer {
  const void *data = nullptr;
  llvm::SmallVector<int64_t, 4> shape;
};

/// A result: contiguous row-major data owned by the caller afterwards.
/// `data` points to the first element; `allocated` is what must be released,
/// with freeResultBuffer (it may differ from `data` when the kernel allocated
/// an over-aligned buffer).
struct ResultBuffer {
  void *data = nullptr;
  void *allocated = nullptr;
  ElementType elementType = ElementType::F32;
  llvm::SmallVector<int64_t, 4> shape;

  int64_t getNumElements() const;
  size_t getSizeInBytes() const;
};

/// Releases the memory of a result returned by JitModule::call and clears
/// its pointers. Safe on an already freed or empty buffer.
void freeResultBuffer(ResultBuffer &buffer);

/// Options for JitModule::compile*.
struct JitOptions {
  /// "cpu" (default) or "cuda".
  std::string target = "cpu";
  /// Options of the default pipeline, e.g. "threads=1 vector-width=16";
  /// pasted between the braces of `norm-lower-to-cpu{...}` (or
  /// `norm-lower-to-nvvm{...}` for cuda).
  std::string pipelineOptions;
  /// An explicit textual pass pipeline that replaces the default one, e.g.
  /// "builtin.module(one-shot-bufferize{...},...)" or "func.func(...),...".
  std::string pipeline;
  /// LLVM optimization level of the JIT (0..3).
  unsigned optLevel = 3;
  /// Extra shared libraries to load (symbols for the JIT-compiled code).
  std::vector<std::string> sharedLibs;
  /// The CUDA runtime wrapper library for --target=cuda; empty: look for
  /// libnorm_cuda_runtime.so next to this library or in $NORM_CUDA_RUNTIME.
  std::string cudaRuntimeLibrary;
  /// Where to write the JIT's object code (x86 ELF for cpu), to read the
  /// machine code that actually runs (`objdump -d`); empty: nowhere.
  std::string objectFile;
};

/// A JIT-compiled module. Not copyable; calls are not thread safe.
class JitModule {
public:
  /// Parses `source` (MLIR assembly), lowers it unless it is already in the
  /// LLVM dialect, and JIT-compiles it. Errors carry the diagnostics.
  static llvm::Expected<std::unique_ptr<JitModule>>
  compileSource(llvm::StringRef source, const JitOptions &options,
                llvm::StringRef bufferName = "<input>");

  /// Reads the file (or stdin for "-") and calls compileSource.
  static llvm::Expected<std::unique_ptr<JitModule>>
  compileFile(llvm::StringRef path, const JitOptions &options);

  /// Same for a module that is already parsed; `module` is cloned, the
  /// caller's module is left untouched. Its context must have the dialects
  /// of registerEverything (and the module's ops) loaded.
  static llvm::Expected<std::unique_ptr<JitModule>>
  compileModule(ModuleOp module, const JitOptions &options);

  ~JitModule();
  JitModule(const JitModule &) = delete;
  JitModule &operator=(const JitModule &) = delete;

  /// The public functions defined in the input module, in module order (for
  /// a module given in the LLVM dialect: none, see hasFunction).
  llvm::ArrayRef<FunctionSignature> getFunctions() const { return functions; }
  /// The signature of `name`, or null.
  const FunctionSignature *lookupFunction(llvm::StringRef name) const;
  /// Whether the lowered module defines an LLVM function `name`.
  bool hasFunction(llvm::StringRef name) const;
  /// Whether the module was lowered by the JIT (false: given as LLVM).
  bool wasLowered() const { return lowered; }
  /// Whether the lowered module uses OpenMP (libomp was loaded).
  bool usesOpenMP() const { return openMP; }
  /// The lowered module (LLVM dialect), e.g. for dumping.
  ModuleOp getLoweredModule() const { return *loweredModule; }

  /// Calls `name` with `args` (one per argument). Checks their number and
  /// shapes against the signature. On success `results` holds one buffer per
  /// result, owned by the caller (see freeResultBuffer).
  llvm::Error call(llvm::StringRef name, llvm::ArrayRef<ArgumentBuffer> args,
                   llvm::SmallVectorImpl<ResultBuffer> &results);

  /// Checks `args` against the signature of `name` without calling it.
  llvm::Error checkArguments(const FunctionSignature &signature,
                             llvm::ArrayRef<ArgumentBuffer> args) const;

  /// mlir-runner style: calls the LLVM function `name`, which must take no
  /// arguments and return `resultType` ("void", "i32", "i64", "f32"). The
  /// returned value is written into `result` (8 bytes; nothing for void).
  llvm::Error invokeMain(llvm::StringRef name, llvm::StringRef resultType,
                         void *result);

  /// The underlying engine.
  ExecutionEngine &getEngine() { return *engine; }

private:
  JitModule();
  llvm::Error compile(OwningOpRef<ModuleOp> module, const JitOptions &options,
                      llvm::SourceMgr &sourceMgr);

  std::unique_ptr<MLIRContext> context;
  OwningOpRef<ModuleOp> loweredModule;
  std::unique_ptr<ExecutionEngine> engine;
  llvm::SmallVector<FunctionSignature> functions;
  /// Packed entry points (`_mlir__mlir_ciface_<name>`), looked up once.
  llvm::StringMap<void (*)(void **)> packedEntries;
  bool lowered = false;
  bool openMP = false;
  /// Compiled for the host CPU: an abort() of the calling thread inside a
  /// call is a failed runtime check (cf.assert) and becomes an error. Not
  /// for CUDA modules, whose runtime aborts on driver errors (possibly with
  /// a lock held), after which the process must not go on.
  bool catchFailedChecks = false;
};

/// Records the signatures of the public functions of `module` and marks them
/// with `llvm.emit_c_interface`. Exposed for embedders that lower themselves.
llvm::SmallVector<FunctionSignature> prepareFunctionsForJit(ModuleOp module);

/// Whether `module` is already lowered: only LLVM-dialect (and OpenMP, and
/// gpu.binary / gpu.launch_func) operations.
bool isLoweredToLLVM(ModuleOp module);

/// Registers dialects, passes and LLVM targets needed by the JIT (once per
/// process; called by the compile functions) and returns the registry.
const DialectRegistry &getJitDialectRegistry();

/// Makes glibc keep freed large blocks for reuse instead of returning them to
/// the OS (mallopt): repeated large result allocations then reuse memory
/// rather than page-faulting fresh mmaps. Called once by the compile
/// functions; idempotent.
void configureAllocatorForReuse();

} // namespace norm
} // namespace mlir

#endif // NORM_EXECUTIONENGINE_JITMODULE_H
