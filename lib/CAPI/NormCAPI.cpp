//===- NormCAPI.cpp - C ABI over the norm-mlir JIT --------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// A deliberately small extern "C" interface to JitModule, loaded with ctypes
// by python/norm_mlir. Debian ships neither MLIR's Python bindings nor a
// shared MLIR C API, and this library needs no Python headers, so either
// interpreter can load it.
//
// Conventions: functions that can fail return NULL or a non-zero status and
// leave the message (with the MLIR diagnostics) in a thread-local string read
// by normGetLastError. Indices out of range are reported the same way, never
// by crashing. Element types are the integers of NormElementType below.
//
//===----------------------------------------------------------------------===//

#include "Norm/ExecutionEngine/HostAllocator.h"
#include "Norm/ExecutionEngine/JitModule.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

using namespace mlir::norm;

namespace {
/// The C handle: the JIT module plus nothing else; kept as a struct so that
/// the handle type is opaque to C.
struct NormModuleImpl {
  std::unique_ptr<JitModule> jit;
};

thread_local std::string lastError;

void setError(std::string message) { lastError = std::move(message); }
} // namespace

extern "C" {

/// Element type codes; must match python/norm_mlir/_capi.py.
enum NormElementType {
  NORM_F32 = 0,
  NORM_F16 = 1,
  NORM_BF16 = 2,
  NORM_F64 = 3,
};

/// Maximum rank of a result reported through NormResult.
#define NORM_MAX_RANK 8

/// One result of normCall. `data` points to the first element (row-major,
/// contiguous); `allocated` must be released with normFreeResult.
struct NormResult {
  void *data;
  void *allocated;
  int32_t elementType;
  int32_t rank;
  int64_t shape[NORM_MAX_RANK];
};

const char *normGetLastError(void) { return lastError.c_str(); }

/// Parses, lowers and JIT-compiles `source`. `target` is "cpu" or "cuda";
/// `pipelineOptions` go between the braces of the default pipeline;
/// `pipeline` (may be NULL or empty) replaces the default pipeline.
void *normCompile(const char *source, const char *target,
                  const char *pipelineOptions, const char *pipeline,
                  int optLevel) {
  if (!source) {
    setError("normCompile: source is NULL");
    return nullptr;
  }
  JitOptions options;
  if (target && *target)
    options.target = target;
  if (pipelineOptions)
    options.pipelineOptions = pipelineOptions;
  if (pipeline)
    options.pipeline = pipeline;
  if (optLevel < 0 || optLevel > 3) {
    setError("normCompile: optimization level must be 0..3, got " +
             std::to_string(optLevel));
    return nullptr;
  }
  options.optLevel = static_cast<unsigned>(optLevel);
  auto jit = JitModule::compileSource(source, options, "<python>");
  if (!jit) {
    setError(llvm::toString(jit.takeError()));
    return nullptr;
  }
  auto *module = new NormModuleImpl;
  module->jit = std::move(*jit);
  return module;
}

void normDestroy(void *module) { delete static_cast<NormModuleImpl *>(module); }

int normGetNumFunctions(void *module) {
  return static_cast<int>(
      static_cast<NormModuleImpl *>(module)->jit->getFunctions().size());
}

static const FunctionSignature *getFunction(void *module, int index) {
  auto functions = static_cast<NormModuleImpl *>(module)->jit->getFunctions();
  if (index < 0 || static_cast<size_t>(index) >= functions.size()) {
    setError("function index " + std::to_string(index) + " out of range");
    return nullptr;
  }
  return &functions[index];
}

const char *normGetFunctionName(void *module, int index) {
  const FunctionSignature *fn = getFunction(module, index);
  return fn ? fn->name.c_str() : nullptr;
}

/// Empty when the function is callable with buffers, else the reason.
const char *normGetFunctionUnsupportedReason(void *module, int index) {
  const FunctionSignature *fn = getFunction(module, index);
  return fn ? fn->unsupportedReason.c_str() : nullptr;
}

/// Number of arguments (isResult == 0) or results (isResult != 0); -1 on a
/// bad index.
int normGetNumValues(void *module, int index, int isResult) {
  const FunctionSignature *fn = getFunction(module, index);
  if (!fn)
    return -1;
  return static_cast<int>(isResult ? fn->results.size()
                                   : fn->arguments.size());
}

static const TensorSpec *getSpec(void *module, int index, int isResult,
                                 int position) {
  const FunctionSignature *fn = getFunction(module, index);
  if (!fn)
    return nullptr;
  const auto &specs = isResult ? fn->results : fn->arguments;
  if (position < 0 || static_cast<size_t>(position) >= specs.size()) {
    setError("value index " + std::to_string(position) + " out of range");
    return nullptr;
  }
  return &specs[position];
}

/// Element type code of an argument or result; -1 on a bad index.
int normGetValueElementType(void *module, int index, int isResult,
                            int position) {
  const TensorSpec *spec = getSpec(module, index, isResult, position);
  return spec ? static_cast<int>(spec->elementType) : -1;
}

/// Rank of an argument or result; -1 on a bad index.
int normGetValueRank(void *module, int index, int isResult, int position) {
  const TensorSpec *spec = getSpec(module, index, isResult, position);
  return spec ? static_cast<int>(spec->shape.size()) : -1;
}

/// Sizes of an argument or result (INT64_MIN for a dynamic dimension); NULL
/// on a bad index. Valid while the module lives.
const int64_t *normGetValueShape(void *module, int index, int isResult,
                                 int position) {
  const TensorSpec *spec = getSpec(module, index, isResult, position);
  return spec ? spec->shape.data() : nullptr;
}

/// Calls function `name` with `numArgs` contiguous row-major buffers
/// (`argData[i]` of rank `argRanks[i]` and sizes `argShapes[i]`). On success
/// returns 0 and fills `results[0..numResults)`, which must be exactly the
/// function's result count; on failure returns 1 and sets the error.
int normCall(void *module, const char *name, int numArgs,
             const void *const *argData, const int32_t *argRanks,
             const int64_t *const *argShapes, int numResults,
             NormResult *results) {
  JitModule &jit = *static_cast<NormModuleImpl *>(module)->jit;
  const FunctionSignature *fn = jit.lookupFunction(name);
  if (!fn) {
    setError(std::string("no function named '") + name + "' in the module");
    return 1;
  }
  if (static_cast<size_t>(numResults) != fn->results.size()) {
    setError("function '" + fn->name + "' has " +
             std::to_string(fn->results.size()) + " results, caller expected " +
             std::to_string(numResults));
    return 1;
  }
  llvm::SmallVector<ArgumentBuffer, 8> args(numArgs);
  for (int i = 0; i < numArgs; ++i) {
    args[i].data = argData[i];
    args[i].shape.assign(argShapes[i], argShapes[i] + argRanks[i]);
  }
  llvm::SmallVector<ResultBuffer, 4> buffers;
  if (llvm::Error err = jit.call(name, args, buffers)) {
    setError(llvm::toString(std::move(err)));
    return 1;
  }
  for (auto [i, buffer] : llvm::enumerate(buffers)) {
    NormResult &result = results[i];
    if (buffer.shape.size() > NORM_MAX_RANK) {
      for (ResultBuffer &b : buffers)
        freeResultBuffer(b);
      setError("result rank " + std::to_string(buffer.shape.size()) +
               " exceeds the C API's maximum of " +
               std::to_string(NORM_MAX_RANK));
      return 1;
    }
    result.data = buffer.data;
    result.allocated = buffer.allocated;
    result.elementType = static_cast<int32_t>(buffer.elementType);
    result.rank = static_cast<int32_t>(buffer.shape.size());
    std::memset(result.shape, 0, sizeof(result.shape));
    std::copy(buffer.shape.begin(), buffer.shape.end(), result.shape);
  }
  return 0;
}

/// Releases a result's memory (`NormResult::allocated`).
void normFreeResult(void *allocated) {
  ResultBuffer buffer;
  buffer.allocated = allocated;
  freeResultBuffer(buffer);
}

/// The huge-page pool behind results and the kernels' own buffers
/// (HostAllocator.h): writes live bytes, cached bytes, blocks mapped and
/// blocks reused, in that order, to `stats[0..3]` (unless null); returns
/// whether large blocks go on huge pages at all (NORM_MLIR_HUGE_PAGES).
int normGetHostMemoryStats(int64_t *stats) {
  if (stats) {
    HostAllocatorStats s = getHostAllocatorStats();
    stats[0] = static_cast<int64_t>(s.liveBytes);
    stats[1] = static_cast<int64_t>(s.cachedBytes);
    stats[2] = static_cast<int64_t>(s.mappedBlocks);
    stats[3] = static_cast<int64_t>(s.reusedBlocks);
  }
  return hostAllocatorUsesHugePages() ? 1 : 0;
}

/// Unmaps the pool's cached blocks; returns the bytes given back.
int64_t normReleaseHostMemory(void) {
  return static_cast<int64_t>(releaseCachedHostMemory());
}

} // extern "C"
