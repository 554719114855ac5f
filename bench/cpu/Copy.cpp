//===- Copy.cpp - AVX-512 non-temporal copy: the bandwidth limit ----------===//
//
// The streaming copy every norm result is compared with: 64-byte aligned
// AVX-512 loads and non-temporal stores (no read-for-ownership of the
// destination), the buffer split in contiguous chunks over OpenMP threads.
// This is how memcpy reaches its figure for buffers far larger than the L3.
// With `nontemporal` false it uses ordinary stores: the comparator for
// cache-resident problems, whose output should stay in cache.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"

#include <immintrin.h>

namespace {

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
      __m512 a = _mm512_load_ps(s + i * 16);
      __m512 b = _mm512_load_ps(s + i * 16 + 16);
      __m512 c = _mm512_load_ps(s + i * 16 + 32);
      __m512 e = _mm512_load_ps(s + i * 16 + 48);
      if constexpr (NonTemporal) {
        _mm512_stream_ps(d + i * 16, a);
        _mm512_stream_ps(d + i * 16 + 16, b);
        _mm512_stream_ps(d + i * 16 + 32, c);
        _mm512_stream_ps(d + i * 16 + 48, e);
      } else {
        _mm512_store_ps(d + i * 16, a);
        _mm512_store_ps(d + i * 16 + 16, b);
        _mm512_store_ps(d + i * 16 + 32, c);
        _mm512_store_ps(d + i * 16 + 48, e);
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
