//===- Naive.cpp - Naive scalar norm kernels for the CPU benchmark --------===//
//
// The "what a first implementation looks like" baseline: one thread, plain
// loops, one scalar f32 accumulator per reduction. bench.sh compiles this file
// with -O2 -fno-vectorize -fno-slp-vectorize so that it stays scalar.
// Backward recomputes the statistics (as the grad ops do when no stats are
// passed) and accumulates parameter gradients directly (single thread).
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"

#include <algorithm>
#include <cmath>
#include <vector>

using namespace normbench;

namespace {

template <typename T>
void forward(const Problem &pb, const T *x, const Params &p, T *y) {
  const size_t n = pb.cols;
  const size_t hs = n / pb.heads;
  std::vector<float> t(pb.heads);
  for (size_t i = 0; i < pb.rows; ++i) {
    const T *xr = x + i * n;
    T *yr = y + i * n;
    float ss = 0.f;
    for (size_t j = 0; j < n; ++j)
      ss += toF32(xr[j]) * toF32(xr[j]);
    switch (pb.op) {
    case Op::RMSNorm: {
      float r = 1.f / std::sqrt(ss / n + pb.eps);
      for (size_t j = 0; j < n; ++j)
        fromF32(p.p0[j] * toF32(xr[j]) * r, yr[j]);
      break;
    }
    case Op::ScaleNorm: {
      float inv = 1.f / std::max(std::sqrt(ss), pb.eps);
      float g = p.p0[0];
      for (size_t j = 0; j < n; ++j)
        fromF32(g * toF32(xr[j]) * inv, yr[j]);
      break;
    }
    case Op::SeeDNorm: {
      float r = 1.f / std::sqrt(ss / n + pb.eps);
      for (int k = 0; k < pb.heads; ++k) {
        float s = 0.f;
        for (size_t j = k * hs; j < (k + 1) * hs; ++j)
          s += toF32(xr[j]) * p.p1[j];
        t[k] = std::tanh(s);
      }
      for (size_t j = 0; j < n; ++j) {
        float c = t[j / hs] * p.p0[j] + p.p2[j];
        fromF32(c * toF32(xr[j]) * r, yr[j]);
      }
      break;
    }
    }
  }
}

template <typename T>
void backward(const Problem &pb, const T *dy, const T *x, const Params &p,
              T *dx) {
  const size_t n = pb.cols;
  const size_t hs = n / pb.heads;
  const float invN = 1.f / n;
  switch (pb.op) {
  case Op::RMSNorm:
    std::fill(p.dp0, p.dp0 + n, 0.f);
    break;
  case Op::ScaleNorm:
    p.dp0[0] = 0.f;
    break;
  case Op::SeeDNorm:
    std::fill(p.dp0, p.dp0 + n, 0.f);
    std::fill(p.dp1, p.dp1 + n, 0.f);
    std::fill(p.dp2, p.dp2 + n, 0.f);
    break;
  }
  std::vector<float> t(pb.heads), a(pb.heads);
  for (size_t i = 0; i < pb.rows; ++i) {
    const T *xr = x + i * n, *dyr = dy + i * n;
    T *dxr = dx + i * n;
    switch (pb.op) {
    case Op::RMSNorm: {
      float ss = 0.f, gx = 0.f;
      for (size_t j = 0; j < n; ++j) {
        float xv = toF32(xr[j]);
        ss += xv * xv;
        gx += toF32(dyr[j]) * p.p0[j] * xv;
      }
      float r = 1.f / std::sqrt(ss * invN + pb.eps);
      float c = r * r * r * gx * invN;
      for (size_t j = 0; j < n; ++j) {
        float xv = toF32(xr[j]), dyv = toF32(dyr[j]);
        fromF32(r * dyv * p.p0[j] - c * xv, dxr[j]);
        p.dp0[j] += dyv * xv * r;
      }
      break;
    }
    case Op::ScaleNorm: {
      float ss = 0.f, dyx = 0.f;
      for (size_t j = 0; j < n; ++j) {
        float xv = toF32(xr[j]);
        ss += xv * xv;
        dyx += toF32(dyr[j]) * xv;
      }
      float nrm = std::sqrt(ss);
      float g = p.p0[0];
      bool clamped = nrm < pb.eps;
      float inv = clamped ? 1.f / pb.eps : 1.f / nrm;
      float c = clamped ? 0.f : g * inv * inv * inv * dyx;
      for (size_t j = 0; j < n; ++j)
        fromF32(g * inv * toF32(dyr[j]) - c * toF32(xr[j]), dxr[j]);
      p.dp0[0] += dyx * inv;
      break;
    }
    case Op::SeeDNorm: {
      float ss = 0.f, gdx = 0.f;
      for (size_t j = 0; j < n; ++j) {
        float xv = toF32(xr[j]);
        ss += xv * xv;
        gdx += p.p2[j] * toF32(dyr[j]) * xv;
      }
      float r = 1.f / std::sqrt(ss * invN + pb.eps);
      float sum = r * gdx;
      for (int k = 0; k < pb.heads; ++k) {
        float s = 0.f, adx = 0.f;
        for (size_t j = k * hs; j < (k + 1) * hs; ++j) {
          float xv = toF32(xr[j]);
          s += xv * p.p1[j];
          adx += p.p0[j] * toF32(dyr[j]) * xv;
        }
        t[k] = std::tanh(s);
        a[k] = r * adx;
        sum += t[k] * a[k];
      }
      for (size_t j = 0; j < n; ++j) {
        int k = j / hs;
        float xv = toF32(xr[j]), dyv = toF32(dyr[j]);
        float c = t[k] * p.p0[j] + p.p2[j];
        float xh = xv * r;
        float ds = (1.f - t[k] * t[k]) * a[k];
        fromF32(r * (dyv * c - xh * sum * invN) + ds * p.p1[j], dxr[j]);
        float u = dyv * xh;
        p.dp2[j] += u;
        p.dp0[j] += t[k] * u;
        p.dp1[j] += ds * xv;
      }
      break;
    }
    }
  }
}

} // namespace

namespace normbench {
void naiveForward(const Problem &pb, const float *x, const Params &p,
                  float *y) {
  forward(pb, x, p, y);
}
void naiveForward(const Problem &pb, const bf16 *x, const Params &p, bf16 *y) {
  forward(pb, x, p, y);
}
void naiveBackward(const Problem &pb, const float *dy, const float *x,
                   const Params &p, float *dx) {
  backward(pb, dy, x, p, dx);
}
void naiveBackward(const Problem &pb, const bf16 *dy, const bf16 *x,
                   const Params &p, bf16 *dx) {
  backward(pb, dy, x, p, dx);
}
} // namespace normbench
