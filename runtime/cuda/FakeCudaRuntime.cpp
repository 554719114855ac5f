//===- FakeCudaRuntime.cpp - logging mgpu* stand-in for CI ----------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The symbols of libnorm_cuda_runtime.so without CUDA, so that lowered host
// code can run on machines without a GPU and its launch sequence can be
// FileCheck'ed. Every call is logged to stderr, one line each:
//
//   mgpuModuleLoad size=<bytes> format=fatbin|cubin|unknown
//   mgpuModuleGetFunction name=<kernel> found=yes|no
//   mgpuLaunchKernel name=<kernel> grid=(x,y,z) block=(x,y,z) smem=<n> params=<n>
//   mgpuMemAlloc bytes=<n> ...
//
// Device memory is emulated with aligned host allocations and memcpy; a copy
// or free that does not match a live allocation aborts with a message (this
// checks the host code's buffer bookkeeping). Kernels are not run.
//
//===----------------------------------------------------------------------===//

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>

#define NORM_EXPORT extern "C" __attribute__((visibility("default")))

namespace {

std::mutex mutex;
/// Live emulated device allocations: base -> size.
std::map<uintptr_t, size_t> allocations;
/// Loaded images, to check that requested kernels exist in them.
struct Module {
  const char *data;
  size_t size;
};
int64_t streamCounter = 0;

[[noreturn]] void fail(const char *what) {
  fprintf(stderr, "norm_fake_cuda_runtime: error: %s\n", what);
  fflush(stderr);
  abort();
}

/// Whether [p, p + n) lies inside a live emulated allocation.
bool isDevice(const void *p, size_t n) {
  auto addr = reinterpret_cast<uintptr_t>(p);
  auto it = allocations.upper_bound(addr);
  if (it == allocations.begin())
    return false;
  --it;
  return addr >= it->first && addr + n <= it->first + it->second;
}

const char *imageFormat(const char *data, size_t size) {
  if (size >= 4 && memcmp(data, "\x7f"
                                "ELF",
                          4) == 0)
    return "cubin";
  // Fatbin magic 0xBA55ED50, little endian.
  if (size >= 4 && (unsigned char)data[0] == 0x50 &&
      (unsigned char)data[1] == 0xED && (unsigned char)data[2] == 0x55 &&
      (unsigned char)data[3] == 0xBA)
    return "fatbin";
  return "unknown";
}

struct Function {
  std::string name;
  bool found;
};

} // namespace

NORM_EXPORT void mgpuSetDefaultDevice(int32_t ordinal) {
  fprintf(stderr, "mgpuSetDefaultDevice %d\n", ordinal);
}

NORM_EXPORT void *mgpuModuleLoad(void *data, size_t size) {
  auto *m = new Module{static_cast<const char *>(data), size};
  fprintf(stderr, "mgpuModuleLoad size=%zu format=%s\n", size,
          imageFormat(m->data, size));
  return m;
}

NORM_EXPORT void *mgpuModuleLoadJIT(void *data, int optLevel) {
  const char *ptx = static_cast<const char *>(data);
  auto *m = new Module{ptx, strlen(ptx)};
  fprintf(stderr, "mgpuModuleLoadJIT size=%zu opt=%d\n", m->size, optLevel);
  return m;
}

NORM_EXPORT void mgpuModuleUnload(void *module) {
  fprintf(stderr, "mgpuModuleUnload\n");
  delete static_cast<Module *>(module);
}

NORM_EXPORT void *mgpuModuleGetFunction(void *module, const char *name) {
  auto *m = static_cast<Module *>(module);
  bool found = m && memmem(m->data, m->size, name, strlen(name)) != nullptr;
  fprintf(stderr, "mgpuModuleGetFunction name=%s found=%s\n", name,
          found ? "yes" : "no");
  return new Function{name, found};
}

NORM_EXPORT void mgpuLaunchKernel(void *function, intptr_t gridX,
                                  intptr_t gridY, intptr_t gridZ,
                                  intptr_t blockX, intptr_t blockY,
                                  intptr_t blockZ, int32_t smem, void *stream,
                                  void **params, void ** /*extra*/,
                                  size_t paramsCount) {
  auto *f = static_cast<Function *>(function);
  if (gridX < 1 || gridY < 1 || gridZ < 1 || blockX < 1 || blockY < 1 ||
      blockZ < 1 || blockX * blockY * blockZ > 1024)
    fail("invalid launch configuration");
  if (paramsCount && !params)
    fail("launch without kernel parameters");
  fprintf(stderr,
          "mgpuLaunchKernel name=%s grid=(%ld,%ld,%ld) block=(%ld,%ld,%ld) "
          "smem=%d params=%zu stream=%s\n",
          f->name.c_str(), (long)gridX, (long)gridY, (long)gridZ, (long)blockX,
          (long)blockY, (long)blockZ, smem, paramsCount,
          stream ? "yes" : "null");
}

NORM_EXPORT void *mgpuStreamCreate() {
  std::lock_guard<std::mutex> lock(mutex);
  fprintf(stderr, "mgpuStreamCreate\n");
  return reinterpret_cast<void *>(++streamCounter);
}

NORM_EXPORT void mgpuStreamDestroy(void *) {
  fprintf(stderr, "mgpuStreamDestroy\n");
}

NORM_EXPORT void mgpuStreamSynchronize(void *) {
  fprintf(stderr, "mgpuStreamSynchronize\n");
}

NORM_EXPORT void mgpuStreamWaitEvent(void *, void *) {
  fprintf(stderr, "mgpuStreamWaitEvent\n");
}

NORM_EXPORT void *mgpuEventCreate() {
  fprintf(stderr, "mgpuEventCreate\n");
  return malloc(1);
}

NORM_EXPORT void mgpuEventDestroy(void *event) {
  fprintf(stderr, "mgpuEventDestroy\n");
  free(event);
}

NORM_EXPORT void mgpuEventSynchronize(void *) {
  fprintf(stderr, "mgpuEventSynchronize\n");
}

NORM_EXPORT void mgpuEventRecord(void *, void *) {
  fprintf(stderr, "mgpuEventRecord\n");
}

NORM_EXPORT void *mgpuMemAlloc(uint64_t sizeBytes, void *stream,
                               bool isHostShared) {
  std::lock_guard<std::mutex> lock(mutex);
  fprintf(stderr, "mgpuMemAlloc bytes=%llu shared=%d\n",
          (unsigned long long)sizeBytes, (int)isHostShared);
  (void)stream;
  if (sizeBytes == 0)
    return nullptr;
  // 256-byte alignment like cuMemAlloc; vector accesses rely on it.
  void *p = aligned_alloc(256, (sizeBytes + 255) / 256 * 256);
  if (!p)
    fail("out of host memory emulating a device allocation");
  allocations[reinterpret_cast<uintptr_t>(p)] = sizeBytes;
  return p;
}

NORM_EXPORT void mgpuMemFree(void *ptr, void *) {
  std::lock_guard<std::mutex> lock(mutex);
  fprintf(stderr, "mgpuMemFree\n");
  if (!ptr)
    return;
  auto it = allocations.find(reinterpret_cast<uintptr_t>(ptr));
  if (it == allocations.end())
    fail("mgpuMemFree of a pointer that is not a live device allocation");
  allocations.erase(it);
  free(ptr);
}

NORM_EXPORT void mgpuMemcpy(void *dst, void *src, size_t sizeBytes, void *) {
  std::lock_guard<std::mutex> lock(mutex);
  bool dstDev = isDevice(dst, sizeBytes), srcDev = isDevice(src, sizeBytes);
  fprintf(stderr, "mgpuMemcpy bytes=%zu %s\n", sizeBytes,
          srcDev && dstDev ? "DtoD"
          : dstDev         ? "HtoD"
          : srcDev         ? "DtoH"
                           : "HtoH");
  if (sizeBytes == 0)
    return;
  if (!dstDev && !srcDev)
    fail("mgpuMemcpy between two host buffers (a device buffer is out of "
         "bounds or was freed)");
  memcpy(dst, src, sizeBytes);
}

NORM_EXPORT void mgpuMemset32(void *dst, unsigned int value, size_t count,
                              void *) {
  fprintf(stderr, "mgpuMemset32 count=%zu\n", count);
  auto *p = static_cast<unsigned int *>(dst);
  for (size_t i = 0; i < count; ++i)
    p[i] = value;
}

NORM_EXPORT void mgpuMemset16(void *dst, unsigned short value, size_t count,
                              void *) {
  fprintf(stderr, "mgpuMemset16 count=%zu\n", count);
  auto *p = static_cast<unsigned short *>(dst);
  for (size_t i = 0; i < count; ++i)
    p[i] = value;
}

NORM_EXPORT void mgpuMemHostRegister(void *, uint64_t sizeBytes) {
  fprintf(stderr, "mgpuMemHostRegister bytes=%llu\n",
          (unsigned long long)sizeBytes);
}

NORM_EXPORT void mgpuMemHostUnregister(void *) {
  fprintf(stderr, "mgpuMemHostUnregister\n");
}

NORM_EXPORT void mgpuMemHostRegisterMemRef(int64_t rank, void *, int64_t) {
  fprintf(stderr, "mgpuMemHostRegisterMemRef rank=%lld\n", (long long)rank);
}

NORM_EXPORT void mgpuMemHostUnregisterMemRef(int64_t rank, void *, int64_t) {
  fprintf(stderr, "mgpuMemHostUnregisterMemRef rank=%lld\n", (long long)rank);
}
