//===- Kernels.h - C++ baselines for the norm CPU benchmark -----*- C++ -*-===//
//
// Declarations shared by the baseline kernels of bench/: the AVX-512 (AVX2)
// non-temporal copy (the bandwidth limit), a naive scalar implementation and
// an OpenMP + auto-vectorized reference of every norm op, forward and backward.
// The math follows docs of the `norm` dialect (research/norms-math.md §2-§4):
// every reduction accumulates in f32, parameters are f32, x/y/dy/dx are f32 or
// bf16 (bf16 is stored as raw uint16_t and widened in registers).
//
//===----------------------------------------------------------------------===//

#ifndef NORM_BENCH_CPU_KERNELS_H
#define NORM_BENCH_CPU_KERNELS_H

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace normbench {

/// bf16 storage type: the upper half of an IEEE f32.
struct bf16 {
  uint16_t bits;
};

inline float toF32(float v) { return v; }
inline float toF32(bf16 v) {
  uint32_t u = static_cast<uint32_t>(v.bits) << 16;
  float f;
  std::memcpy(&f, &u, sizeof(f));
  return f;
}

/// Round-to-nearest-even f32 -> bf16; NaN stays a (quiet) NaN.
inline void fromF32(float v, float &dst) { dst = v; }
inline void fromF32(float v, bf16 &dst) {
  uint32_t u;
  std::memcpy(&u, &v, sizeof(u));
  if ((u & 0x7fffffffu) > 0x7f800000u) {
    dst.bits = static_cast<uint16_t>((u >> 16) | 0x40u);
    return;
  }
  u += 0x7fffu + ((u >> 16) & 1u);
  dst.bits = static_cast<uint16_t>(u >> 16);
}

enum class Op { RMSNorm, ScaleNorm, SeeDNorm };

/// Problem description: `rows` x `cols` activations, SeeDNorm `heads`.
struct Problem {
  Op op;
  size_t rows, cols;
  int heads = 1;
  float eps;
};

/// Parameters and saved buffers of one problem. Parameters are f32:
/// p0 = weight (RMSNorm) / g (ScaleNorm, 1 element) / alpha (SeeDNorm),
/// p1 = beta, p2 = gamma (SeeDNorm only). Gradients likewise in dp0..dp2.
struct Params {
  const float *p0 = nullptr, *p1 = nullptr, *p2 = nullptr;
  float *dp0 = nullptr, *dp1 = nullptr, *dp2 = nullptr;
};

// Naive scalar loops (one thread, compiled without vectorization).
void naiveForward(const Problem &pb, const float *x, const Params &p, float *y);
void naiveForward(const Problem &pb, const bf16 *x, const Params &p, bf16 *y);
void naiveBackward(const Problem &pb, const float *dy, const float *x,
                   const Params &p, float *dx);
void naiveBackward(const Problem &pb, const bf16 *dy, const bf16 *x,
                   const Params &p, bf16 *dx);

// OpenMP reference (-O3 -march=native, auto-vectorized). `scratch` holds
// per-thread parameter-gradient partials: at least threads * 3 * cols + threads
// floats.
void refForward(const Problem &pb, int threads, const float *x,
                const Params &p, float *y);
void refForward(const Problem &pb, int threads, const bf16 *x,
                const Params &p, bf16 *y);
void refBackward(const Problem &pb, int threads, const float *dy,
                 const float *x, const Params &p, float *dx, float *scratch);
void refBackward(const Problem &pb, int threads, const bf16 *dy, const bf16 *x,
                 const Params &p, bf16 *dx, float *scratch);

/// AVX-512 (AVX2) copy of `bytes` (multiple of 256, 64-byte aligned), with
/// non-temporal or ordinary stores.
void copyKernel(void *dst, const void *src, size_t bytes, int threads,
                bool nontemporal);

} // namespace normbench

#endif // NORM_BENCH_CPU_KERNELS_H
