//===- Reference.cpp - OpenMP reference norm kernels for the benchmark ----===//
//
// The "competent C++" baseline: rows split in contiguous chunks over OpenMP
// threads, inner loops written plainly with `omp simd` reductions so that
// clang auto-vectorizes them at -O3 -march=native, f32 accumulation, ordinary
// (not non-temporal) stores. Backward recomputes the row statistics, writes dx
// and accumulates parameter gradients into per-thread partials that are summed
// in a fixed order afterwards (deterministic for a fixed thread count).
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"

#include <algorithm>
#include <cmath>
#include <omp.h>

using namespace normbench;

namespace {

constexpr int kMaxHeads = 256;

template <typename T>
void forward(const Problem &pb, int threads, const T *x, const Params &p,
             T *y) {
  const long rows = pb.rows;
  const size_t n = pb.cols;
  const size_t hs = n / pb.heads;
  const float invN = 1.f / n;
  const float *w = p.p0, *b = p.p1, *g = p.p2;
#pragma omp parallel for num_threads(threads) schedule(static)
  for (long i = 0; i < rows; ++i) {
    const T *xr = x + i * n;
    T *yr = y + i * n;
    float ss = 0.f;
#pragma omp simd reduction(+ : ss)
    for (size_t j = 0; j < n; ++j)
      ss += toF32(xr[j]) * toF32(xr[j]);
    if (pb.op == Op::RMSNorm) {
      float r = 1.f / std::sqrt(ss * invN + pb.eps);
#pragma omp simd
      for (size_t j = 0; j < n; ++j)
        fromF32(w[j] * toF32(xr[j]) * r, yr[j]);
    } else if (pb.op == Op::ScaleNorm) {
      float s = w[0] / std::max(std::sqrt(ss), pb.eps);
#pragma omp simd
      for (size_t j = 0; j < n; ++j)
        fromF32(toF32(xr[j]) * s, yr[j]);
    } else {
      float r = 1.f / std::sqrt(ss * invN + pb.eps);
      for (int k = 0; k < pb.heads; ++k) {
        float s = 0.f;
        const size_t lo = k * hs, hi = lo + hs;
#pragma omp simd reduction(+ : s)
        for (size_t j = lo; j < hi; ++j)
          s += toF32(xr[j]) * b[j];
        float t = std::tanh(s);
#pragma omp simd
        for (size_t j = lo; j < hi; ++j)
          fromF32((t * w[j] + g[j]) * toF32(xr[j]) * r, yr[j]);
      }
    }
  }
}

template <typename T>
void backward(const Problem &pb, int threads, const T *dy, const T *x,
              const Params &p, T *dx, float *scratch) {
  const long rows = pb.rows;
  const size_t n = pb.cols;
  const size_t hs = n / pb.heads;
  const float invN = 1.f / n;
  const float *w = p.p0, *b = p.p1, *g = p.p2;
  // Partials: [threads][3][n] for the column sums, then [threads] for dg.
  float *scalars = scratch + (size_t)threads * 3 * n;
#pragma omp parallel num_threads(threads)
  {
    const int tid = omp_get_thread_num();
    float *pw = scratch + (size_t)tid * 3 * n; // dweight / dalpha
    float *pb1 = pw + n;                       // dbeta
    float *pg = pb1 + n;                       // dgamma
    std::fill(pw, pw + 3 * n, 0.f);
    float dgAcc = 0.f;
#pragma omp for schedule(static)
    for (long i = 0; i < rows; ++i) {
      const T *xr = x + i * n, *dyr = dy + i * n;
      T *dxr = dx + i * n;
      if (pb.op == Op::RMSNorm) {
        float ss = 0.f, gx = 0.f;
#pragma omp simd reduction(+ : ss, gx)
        for (size_t j = 0; j < n; ++j) {
          float xv = toF32(xr[j]);
          ss += xv * xv;
          gx += toF32(dyr[j]) * w[j] * xv;
        }
        float r = 1.f / std::sqrt(ss * invN + pb.eps);
        float c = r * r * r * gx * invN;
#pragma omp simd
        for (size_t j = 0; j < n; ++j) {
          float xv = toF32(xr[j]), dyv = toF32(dyr[j]);
          fromF32(r * dyv * w[j] - c * xv, dxr[j]);
          pw[j] += dyv * xv * r;
        }
      } else if (pb.op == Op::ScaleNorm) {
        float ss = 0.f, dyx = 0.f;
#pragma omp simd reduction(+ : ss, dyx)
        for (size_t j = 0; j < n; ++j) {
          float xv = toF32(xr[j]);
          ss += xv * xv;
          dyx += toF32(dyr[j]) * xv;
        }
        float nrm = std::sqrt(ss);
        bool clamped = nrm < pb.eps;
        float inv = clamped ? 1.f / pb.eps : 1.f / nrm;
        float a = w[0] * inv;
        float c = clamped ? 0.f : a * inv * inv * dyx;
#pragma omp simd
        for (size_t j = 0; j < n; ++j)
          fromF32(a * toF32(dyr[j]) - c * toF32(xr[j]), dxr[j]);
        dgAcc += dyx * inv;
      } else {
        float ss = 0.f, gdx = 0.f;
#pragma omp simd reduction(+ : ss, gdx)
        for (size_t j = 0; j < n; ++j) {
          float xv = toF32(xr[j]);
          ss += xv * xv;
          gdx += g[j] * toF32(dyr[j]) * xv;
        }
        float r = 1.f / std::sqrt(ss * invN + pb.eps);
        float t[kMaxHeads], a[kMaxHeads];
        float sum = r * gdx;
        for (int k = 0; k < pb.heads; ++k) {
          float s = 0.f, adx = 0.f;
          const size_t lo = k * hs, hi = lo + hs;
#pragma omp simd reduction(+ : s, adx)
          for (size_t j = lo; j < hi; ++j) {
            float xv = toF32(xr[j]);
            s += xv * b[j];
            adx += w[j] * toF32(dyr[j]) * xv;
          }
          t[k] = std::tanh(s);
          a[k] = r * adx;
          sum += t[k] * a[k];
        }
        const float sn = sum * invN;
        for (int k = 0; k < pb.heads; ++k) {
          const float tk = t[k], ds = (1.f - tk * tk) * a[k];
          const size_t lo = k * hs, hi = lo + hs;
#pragma omp simd
          for (size_t j = lo; j < hi; ++j) {
            float xv = toF32(xr[j]), dyv = toF32(dyr[j]);
            float xh = xv * r;
            float c = tk * w[j] + g[j];
            fromF32(r * dyv * c - xh * r * sn + ds * b[j], dxr[j]);
            float u = dyv * xh;
            pg[j] += u;
            pw[j] += tk * u;
            pb1[j] += ds * xv;
          }
        }
      }
    }
    scalars[tid] = dgAcc;
    // Every thread's partials are complete after this barrier; then the
    // fixed-order finalize.
#pragma omp barrier
    if (pb.op == Op::ScaleNorm) {
#pragma omp single
      {
        float s = 0.f;
        for (int t = 0; t < threads; ++t)
          s += scalars[t];
        p.dp0[0] = s;
      }
    } else {
      const int nOut = pb.op == Op::RMSNorm ? 1 : 3;
      float *outs[3] = {p.dp0, p.dp1, p.dp2};
#pragma omp for schedule(static)
      for (long j = 0; j < (long)n; ++j) {
        for (int o = 0; o < nOut; ++o) {
          float s = 0.f;
          for (int t = 0; t < threads; ++t)
            s += scratch[(size_t)t * 3 * n + o * n + j];
          outs[o][j] = s;
        }
      }
    }
  }
}

} // namespace

namespace normbench {
void refForward(const Problem &pb, int threads, const float *x,
                const Params &p, float *y) {
  forward(pb, threads, x, p, y);
}
void refForward(const Problem &pb, int threads, const bf16 *x, const Params &p,
                bf16 *y) {
  forward(pb, threads, x, p, y);
}
void refBackward(const Problem &pb, int threads, const float *dy,
                 const float *x, const Params &p, float *dx, float *scratch) {
  backward(pb, threads, dy, x, p, dx, scratch);
}
void refBackward(const Problem &pb, int threads, const bf16 *dy, const bf16 *x,
                 const Params &p, bf16 *dx, float *scratch) {
  backward(pb, threads, dy, x, p, dx, scratch);
}
} // namespace normbench
