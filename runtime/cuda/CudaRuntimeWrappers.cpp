//===- CudaRuntimeWrappers.cpp - mgpu* over the CUDA driver API -----------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The functions that MLIR's gpu-to-llvm host code calls (Debian ships no
// libmlir_cuda_runtime.so). Differences from upstream's wrapper:
//  - CUDA is initialized lazily on first use, including from mgpuModuleLoad,
//    which runs in a global constructor of the lowered module;
//  - every driver error is reported with its name (cuGetErrorName) and the
//    call that failed, then the process aborts: a kernel that silently did
//    not run must never look like a result;
//  - streams are pooled (the lowered code creates and destroys one per norm
//    op) and created blocking, so they are ordered with the legacy default
//    stream that PyTorch uses by default;
//  - device allocations are stream-ordered (cuMemAllocAsync/cuMemFreeAsync
//    on the default memory pool), so per-call result buffers are cheap.
// Environment: NORM_CUDA_DEVICE selects the device (default 0).
//
//===----------------------------------------------------------------------===//

#include "cuda.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

#define NORM_EXPORT extern "C" __attribute__((visibility("default")))

namespace {

[[noreturn]] void fail(const char *expr, CUresult result) {
  const char *name = "<unknown>";
  const char *text = "";
  cuGetErrorName(result, &name);
  cuGetErrorString(result, &text);
  fprintf(stderr, "norm_cuda_runtime: '%s' failed with %s: %s\n", expr, name,
          text ? text : "");
  fflush(stderr);
  abort();
}

#define CUDA_CHECK(expr)                                                       \
  do {                                                                         \
    CUresult result__ = (expr);                                                \
    if (result__ != CUDA_SUCCESS)                                              \
      fail(#expr, result__);                                                   \
  } while (0)

std::once_flag initFlag;
CUdevice device;
CUcontext context;

/// cuInit + the device's primary context, made current on this thread. Safe
/// to call from global constructors and from any thread.
void ensureContext() {
  std::call_once(initFlag, [] {
    CUDA_CHECK(cuInit(0));
    int ordinal = 0;
    if (const char *env = getenv("NORM_CUDA_DEVICE"))
      ordinal = atoi(env);
    CUDA_CHECK(cuDeviceGet(&device, ordinal));
    CUDA_CHECK(cuDevicePrimaryCtxRetain(&context, device));
  });
  CUcontext current = nullptr;
  CUDA_CHECK(cuCtxGetCurrent(&current));
  if (current != context)
    CUDA_CHECK(cuCtxSetCurrent(context));
}

std::mutex streamPoolMutex;
std::vector<CUstream> streamPool;

} // namespace

NORM_EXPORT void mgpuSetDefaultDevice(int32_t ordinal) {
  // Only meaningful before the first CUDA use.
  setenv("NORM_CUDA_DEVICE", std::to_string(ordinal).c_str(), 1);
}

NORM_EXPORT CUmodule mgpuModuleLoad(void *data, size_t /*gpuBlobSize*/) {
  ensureContext();
  CUmodule module = nullptr;
  CUDA_CHECK(cuModuleLoadData(&module, data));
  return module;
}

NORM_EXPORT CUmodule mgpuModuleLoadJIT(void *data, int optLevel) {
  ensureContext();
  CUmodule module = nullptr;
  char jitErrorBuffer[4096] = {0};
  CUjit_option options[] = {CU_JIT_ERROR_LOG_BUFFER,
                            CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES,
                            CU_JIT_OPTIMIZATION_LEVEL};
  void *values[] = {(void *)jitErrorBuffer, (void *)sizeof(jitErrorBuffer),
                    (void *)(intptr_t)optLevel};
  CUresult result = cuModuleLoadDataEx(&module, data, 3, options, values);
  if (result != CUDA_SUCCESS) {
    fprintf(stderr, "norm_cuda_runtime: PTX JIT log:\n%s\n", jitErrorBuffer);
    fail("cuModuleLoadDataEx(PTX)", result);
  }
  return module;
}

NORM_EXPORT void mgpuModuleUnload(CUmodule module) {
  // Called from a global destructor; the context may already be gone when
  // the process tears down the driver, so a failure here is not fatal.
  if (cuModuleUnload(module) != CUDA_SUCCESS)
    return;
}

NORM_EXPORT CUfunction mgpuModuleGetFunction(CUmodule module,
                                             const char *name) {
  CUfunction function = nullptr;
  CUresult result = cuModuleGetFunction(&function, module, name);
  if (result != CUDA_SUCCESS) {
    fprintf(stderr, "norm_cuda_runtime: kernel '%s' not found\n", name);
    fail("cuModuleGetFunction", result);
  }
  return function;
}

NORM_EXPORT void mgpuLaunchKernel(CUfunction function, intptr_t gridX,
                                  intptr_t gridY, intptr_t gridZ,
                                  intptr_t blockX, intptr_t blockY,
                                  intptr_t blockZ, int32_t smem,
                                  CUstream stream, void **params, void **extra,
                                  size_t /*paramsCount*/) {
  ensureContext();
  if (smem > 48 * 1024)
    CUDA_CHECK(cuFuncSetAttribute(
        function, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, smem));
  CUDA_CHECK(cuLaunchKernel(function, gridX, gridY, gridZ, blockX, blockY,
                            blockZ, smem, stream, params, extra));
  // Launch errors (bad configuration, too many resources) are reported by
  // cuLaunchKernel above; execution errors at the next synchronization.
}

NORM_EXPORT CUstream mgpuStreamCreate() {
  ensureContext();
  {
    std::lock_guard<std::mutex> lock(streamPoolMutex);
    if (!streamPool.empty()) {
      CUstream s = streamPool.back();
      streamPool.pop_back();
      return s;
    }
  }
  CUstream stream = nullptr;
  // Blocking (CU_STREAM_DEFAULT): ordered with the legacy default stream,
  // where callers such as PyTorch produce the inputs.
  CUDA_CHECK(cuStreamCreate(&stream, CU_STREAM_DEFAULT));
  return stream;
}

NORM_EXPORT void mgpuStreamDestroy(CUstream stream) {
  std::lock_guard<std::mutex> lock(streamPoolMutex);
  streamPool.push_back(stream);
}

NORM_EXPORT void mgpuStreamSynchronize(CUstream stream) {
  CUDA_CHECK(cuStreamSynchronize(stream));
}

NORM_EXPORT void mgpuStreamWaitEvent(CUstream stream, CUevent event) {
  CUDA_CHECK(cuStreamWaitEvent(stream, event, /*flags=*/0));
}

NORM_EXPORT CUevent mgpuEventCreate() {
  ensureContext();
  CUevent event = nullptr;
  CUDA_CHECK(cuEventCreate(&event, CU_EVENT_DISABLE_TIMING));
  return event;
}

NORM_EXPORT void mgpuEventDestroy(CUevent event) {
  CUDA_CHECK(cuEventDestroy(event));
}

NORM_EXPORT void mgpuEventSynchronize(CUevent event) {
  CUDA_CHECK(cuEventSynchronize(event));
}

NORM_EXPORT void mgpuEventRecord(CUevent event, CUstream stream) {
  CUDA_CHECK(cuEventRecord(event, stream));
}

NORM_EXPORT void *mgpuMemAlloc(uint64_t sizeBytes, CUstream stream,
                               bool isHostShared) {
  ensureContext();
  if (sizeBytes == 0)
    return nullptr; // Zero rows: nothing to allocate (the driver rejects 0).
  CUdeviceptr ptr = 0;
  if (isHostShared)
    CUDA_CHECK(cuMemAllocManaged(&ptr, sizeBytes, CU_MEM_ATTACH_GLOBAL));
  else if (stream)
    CUDA_CHECK(cuMemAllocAsync(&ptr, sizeBytes, stream));
  else
    CUDA_CHECK(cuMemAlloc(&ptr, sizeBytes));
  return reinterpret_cast<void *>(ptr);
}

NORM_EXPORT void mgpuMemFree(void *ptr, CUstream stream) {
  if (!ptr)
    return;
  if (stream)
    CUDA_CHECK(cuMemFreeAsync(reinterpret_cast<CUdeviceptr>(ptr), stream));
  else
    CUDA_CHECK(cuMemFree(reinterpret_cast<CUdeviceptr>(ptr)));
}

NORM_EXPORT void mgpuMemcpy(void *dst, void *src, size_t sizeBytes,
                            CUstream stream) {
  if (sizeBytes == 0)
    return;
  CUDA_CHECK(cuMemcpyAsync(reinterpret_cast<CUdeviceptr>(dst),
                           reinterpret_cast<CUdeviceptr>(src), sizeBytes,
                           stream));
}

NORM_EXPORT void mgpuMemset32(void *dst, unsigned int value, size_t count,
                              CUstream stream) {
  CUDA_CHECK(cuMemsetD32Async(reinterpret_cast<CUdeviceptr>(dst), value, count,
                              stream));
}

NORM_EXPORT void mgpuMemset16(void *dst, unsigned short value, size_t count,
                              CUstream stream) {
  CUDA_CHECK(cuMemsetD16Async(reinterpret_cast<CUdeviceptr>(dst), value, count,
                              stream));
}

NORM_EXPORT void mgpuMemHostRegister(void *ptr, uint64_t sizeBytes) {
  ensureContext();
  CUDA_CHECK(cuMemHostRegister(ptr, sizeBytes, /*flags=*/0));
}

NORM_EXPORT void mgpuMemHostUnregister(void *ptr) {
  CUDA_CHECK(cuMemHostUnregister(ptr));
}

/// Unranked memref descriptor as passed by the host code: {rank, ptr to a
/// ranked descriptor {allocated, aligned, offset, sizes[rank],
/// strides[rank]}}.
namespace {
struct RankedDescriptor {
  void *allocated;
  void *aligned;
  int64_t offset;
  int64_t sizesAndStrides[];
};
size_t describedBytes(int64_t rank, const RankedDescriptor *d,
                      int64_t elementSizeBytes) {
  int64_t count = 1;
  for (int64_t i = 0; i < rank; ++i)
    count *= d->sizesAndStrides[i];
  return static_cast<size_t>(count * elementSizeBytes);
}
} // namespace

NORM_EXPORT void mgpuMemHostRegisterMemRef(int64_t rank, void *descriptor,
                                           int64_t elementSizeBytes) {
  auto *d = static_cast<RankedDescriptor *>(descriptor);
  char *base = static_cast<char *>(d->aligned) + d->offset * elementSizeBytes;
  mgpuMemHostRegister(base, describedBytes(rank, d, elementSizeBytes));
}

NORM_EXPORT void mgpuMemHostUnregisterMemRef(int64_t /*rank*/,
                                             void *descriptor,
                                             int64_t elementSizeBytes) {
  auto *d = static_cast<RankedDescriptor *>(descriptor);
  char *base = static_cast<char *>(d->aligned) + d->offset * elementSizeBytes;
  mgpuMemHostUnregister(base);
}
