//===- Copy.cpp - SIMD non-temporal copy: the bandwidth limit -------------===//
//
// The streaming copy every norm result is compared with: 64-byte aligned
// AVX-512 (or AVX2) loads and non-temporal stores (no read-for-ownership of the
// destination), the buffer split in contiguous chunks over OpenMP threads.
// This is how memcpy reaches its figure for buffers far larger than the L3.
// With `nontemporal` false it uses ordinary stores: the comparator for
// cache-resident problems, whose output should stay in cache.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"

#include <immintrin.h>

namespace {

// The widest vectors of the build's -march=native: AVX-512 (one register a
// cache line) or AVX/AVX2 (two registers a line). With AVX-512 missing, the
// AVX-512 intrinsics would not compile on this VM's AVX2-only hosts.
#if defined(__AVX512F__)
struct Line {
  __m512 v;
  static Line load(const float *p) { return {_mm512_load_ps(p)}; }
  void stream(float *p) const { _mm512_stream_ps(p, v); }
  void store(float *p) const { _mm512_store_ps(p, v); }
};
#else
struct Line {
  __m256 lo, hi;
  static Line load(const float *p) {
    return {_mm256_load_ps(p), _mm256_load_ps(p + 8)};
  }
  void stream(float *p) const {
    _mm256_stream_ps(p, lo);
    _mm256_stream_ps(p + 8, hi);
  }
  void store(float *p) const {
    _mm256_store_ps(p, lo);
    _mm256_store_ps(p + 8, hi);
  }
};
#endif

// One instantiation per store kind: with a runtime `if` around the two store
// flavours clang merges the identical-looking stores and drops the
// !nontemporal hint (observed with clang 22: no vmovntps left).
template <bool NonTemporal>
void copyLoop(float *d, const float *s, long lines, int threads) {
#pragma omp parallel num_threads(threads)
  {
#pragma omp for schedule(static) nowait
    for (long i = 0; i < lines; i += 4) {
      // Four cache lines per iteration keep several loads in flight.
      Line a = Line::load(s + i * 16);
      Line b = Line::load(s + i * 16 + 16);
      Line c = Line::load(s + i * 16 + 32);
      Line e = Line::load(s + i * 16 + 48);
      if constexpr (NonTemporal) {
        a.stream(d + i * 16);
        b.stream(d + i * 16 + 16);
        c.stream(d + i * 16 + 32);
        e.stream(d + i * 16 + 48);
      } else {
        a.store(d + i * 16);
        b.store(d + i * 16 + 16);
        c.store(d + i * 16 + 32);
        e.store(d + i * 16 + 48);
      }
    }
    _mm_sfence();
  }
}

} // namespace

namespace normbench {

void copyKernel(void *dst, const void *src, size_t bytes, int threads,
                bool nontemporal) {
  const long lines = bytes / 64;
  const float *s = static_cast<const float *>(src);
  float *d = static_cast<float *>(dst);
  if (nontemporal)
    copyLoop<true>(d, s, lines, threads);
  else
    copyLoop<false>(d, s, lines, threads);
}

} // namespace normbench
