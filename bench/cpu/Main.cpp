//===- Main.cpp - Driver for the C++ CPU baselines of the norm benchmark --===//
//
//   norm-cpu-bench copy  --kib=K --threads=T [--nt=0|1] [--min-time=S]
//   norm-cpu-bench run   --impl=naive|ref --op=rmsnorm|scalenorm|seednorm
//                        --dir=fwd|bwd --rows=R --cols=D [--dtype=f32|bf16]
//                        [--heads=H] [--threads=T] [--min-time=S]
//   norm-cpu-bench check (same as run) --io=DIR
//
// `run` and `copy` time the kernel after one warm-up call (reps chosen so the
// timed part lasts about --min-time seconds, at least 5) and print
//   bench: median_ms=<f> min_ms=<f> reps=<n>
// Bytes and GB/s are computed by the Python driver from its byte models.
// `check` reads raw little-endian f32 inputs from DIR (x.bin, dy.bin, p0.bin,
// p1.bin, p2.bin; bf16 runs round x and dy to nearest even), runs the kernel
// once and writes out.bin (y or dx, as f32) and dp0.bin.. (parameter grads),
// for the driver to compare against a float64 numpy reference.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"

#include <sys/mman.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

using namespace normbench;

namespace {

[[noreturn]] void die(const std::string &msg) {
  std::fprintf(stderr, "norm-cpu-bench: error: %s\n", msg.c_str());
  std::exit(2);
}

struct Options {
  std::string mode;
  std::map<std::string, std::string> kv;
  std::string get(const std::string &k, const std::string &def) const {
    auto it = kv.find(k);
    return it == kv.end() ? def : it->second;
  }
  std::string need(const std::string &k) const {
    auto it = kv.find(k);
    if (it == kv.end())
      die("missing --" + k);
    return it->second;
  }
};

long toLong(const std::string &s, const char *what) {
  char *end = nullptr;
  long v = std::strtol(s.c_str(), &end, 10);
  if (s.empty() || *end || v <= 0)
    die(std::string("bad value for --") + what + ": '" + s + "'");
  return v;
}

/// Buffers of 2 MiB or more on transparent huge pages (advised before the
/// first touch), as norm-runner's buffers are (its HostAllocator): the copy,
/// naive and reference kernels then run on the same kind of pages as
/// norm-mlir. NORM_MLIR_HUGE_PAGES=0 turns it off for both.
void *alignedAlloc(size_t bytes) {
  constexpr size_t kHuge = size_t(2) << 20;
  const char *env = std::getenv("NORM_MLIR_HUGE_PAGES");
  bool huge = bytes >= kHuge && !(env && std::strcmp(env, "0") == 0);
  size_t align = huge ? kHuge : 4096;
  size_t rounded = (bytes + align - 1) / align * align;
  void *p = std::aligned_alloc(align, rounded ? rounded : align);
  if (!p)
    die("out of memory allocating " + std::to_string(bytes) + " bytes");
  if (huge)
    (void)madvise(p, rounded, MADV_HUGEPAGE); // advice only
  std::memset(p, 0, rounded); // first touch outside the timed region
  return p;
}

/// Deterministic values in [-1, 1) from a 64-bit LCG.
void fillRandom(float *p, size_t n, uint64_t seed, float scale, float shift) {
#pragma omp parallel for schedule(static)
  for (long blk = 0; blk < (long)((n + 65535) / 65536); ++blk) {
    uint64_t s = seed * 0x9E3779B97F4A7C15ull + blk * 0xD1B54A32D192ED03ull;
    size_t lo = blk * 65536, hi = std::min(n, lo + 65536);
    for (size_t i = lo; i < hi; ++i) {
      s = s * 6364136223846793005ull + 1442695040888963407ull;
      float u = (float)((s >> 40) * (1.0 / 16777216.0)) * 2.f - 1.f;
      p[i] = u * scale + shift;
    }
  }
}

template <typename T> void fromF32Array(const float *src, T *dst, size_t n) {
#pragma omp parallel for schedule(static)
  for (long i = 0; i < (long)n; ++i)
    fromF32(src[i], dst[i]);
}

std::vector<float> readRaw(const std::string &path, size_t n) {
  std::vector<float> v(n);
  FILE *f = std::fopen(path.c_str(), "rb");
  if (!f)
    die("cannot open " + path);
  size_t got = std::fread(v.data(), sizeof(float), n, f);
  std::fclose(f);
  if (got != n)
    die(path + ": expected " + std::to_string(n) + " floats, got " +
        std::to_string(got));
  return v;
}

void writeRaw(const std::string &path, const float *p, size_t n) {
  FILE *f = std::fopen(path.c_str(), "wb");
  if (!f || std::fwrite(p, sizeof(float), n, f) != n)
    die("cannot write " + path);
  std::fclose(f);
}

template <typename Fn>
void timeIt(Fn &&fn, double minTime) {
  using clk = std::chrono::steady_clock;
  auto t0 = clk::now();
  fn(); // warm-up
  double first = std::chrono::duration<double>(clk::now() - t0).count();
  long reps = std::clamp<long>((long)(minTime / std::max(first, 1e-7)), 5, 5000);
  std::vector<double> ms(reps);
  for (long r = 0; r < reps; ++r) {
    auto a = clk::now();
    fn();
    ms[r] = std::chrono::duration<double, std::milli>(clk::now() - a).count();
  }
  std::vector<double> sorted = ms;
  std::sort(sorted.begin(), sorted.end());
  double median = reps % 2 ? sorted[reps / 2]
                           : 0.5 * (sorted[reps / 2 - 1] + sorted[reps / 2]);
  std::printf("bench: median_ms=%.6f min_ms=%.6f reps=%ld\n", median,
              sorted[0], reps);
}

int runCopy(const Options &o) {
  size_t bytes = (size_t)toLong(o.get("kib", "262144"), "kib") << 10;
  bool nt = o.get("nt", "1") != "0";
  int threads = toLong(o.get("threads", "1"), "threads");
  double minTime = std::atof(o.get("min-time", "1.0").c_str());
  void *src = alignedAlloc(bytes), *dst = alignedAlloc(bytes);
  fillRandom(static_cast<float *>(src), bytes / 4, 7, 1.f, 0.f);
  timeIt([&] { copyKernel(dst, src, bytes, threads, nt); }, minTime);
  std::free(src);
  std::free(dst);
  return 0;
}

template <typename T> int runNorm(const Options &o, bool check) {
  Problem pb;
  std::string opName = o.need("op");
  if (opName == "rmsnorm")
    pb = {Op::RMSNorm, 0, 0, 1, 1e-6f};
  else if (opName == "scalenorm")
    pb = {Op::ScaleNorm, 0, 0, 1, 1e-5f};
  else if (opName == "seednorm")
    pb = {Op::SeeDNorm, 0, 0, 1, 1e-6f};
  else
    die("unknown --op '" + opName + "' (rmsnorm, scalenorm, seednorm)");
  pb.rows = toLong(o.need("rows"), "rows");
  pb.cols = toLong(o.need("cols"), "cols");
  pb.heads = toLong(o.get("heads", "1"), "heads");
  if (pb.op == Op::SeeDNorm && (pb.cols % pb.heads || pb.heads > 256))
    die("--heads must divide --cols and be <= 256");
  std::string impl = o.need("impl"), dir = o.need("dir");
  if (impl != "naive" && impl != "ref")
    die("unknown --impl '" + impl + "' (naive, ref)");
  if (dir != "fwd" && dir != "bwd")
    die("unknown --dir '" + dir + "' (fwd, bwd)");
  int threads = toLong(o.get("threads", "1"), "threads");
  if (impl == "naive" && threads != 1)
    die("the naive implementation is single-threaded (--threads=1)");
  double minTime = std::atof(o.get("min-time", "0.5").c_str());
  bool bwd = dir == "bwd";

  const size_t n = pb.rows * pb.cols, d = pb.cols;
  T *x = static_cast<T *>(alignedAlloc(n * sizeof(T)));
  T *out = static_cast<T *>(alignedAlloc(n * sizeof(T)));
  T *dy = bwd ? static_cast<T *>(alignedAlloc(n * sizeof(T))) : nullptr;
  std::vector<float> p0(d), p1(d), p2(d), dp0(d), dp1(d), dp2(d);
  std::vector<float> scratch((size_t)threads * (3 * d + 1));
  std::string io = check ? o.need("io") : "";
  {
    std::vector<float> tmp;
    if (check) {
      tmp = readRaw(io + "/x.bin", n);
    } else {
      tmp.resize(n);
      fillRandom(tmp.data(), n, 1, 1.f, 0.f);
    }
    fromF32Array(tmp.data(), x, n);
    if (bwd) {
      if (check)
        tmp = readRaw(io + "/dy.bin", n);
      else
        fillRandom(tmp.data(), n, 2, 1.f, 0.f);
      fromF32Array(tmp.data(), dy, n);
    }
  }
  const size_t np0 = pb.op == Op::ScaleNorm ? 1 : d;
  if (check) {
    p0 = readRaw(io + "/p0.bin", np0);
    p0.resize(d);
    if (pb.op == Op::SeeDNorm) {
      p1 = readRaw(io + "/p1.bin", d);
      p2 = readRaw(io + "/p2.bin", d);
    }
  } else {
    fillRandom(p0.data(), d, 3, 0.1f, 1.f);
    fillRandom(p1.data(), d, 4, 0.02f, 0.f);
    fillRandom(p2.data(), d, 5, 0.1f, 1.f);
    if (pb.op == Op::ScaleNorm)
      p0[0] = std::sqrt((float)d);
  }
  Params p{p0.data(), p1.data(), p2.data(), dp0.data(), dp1.data(), dp2.data()};

  auto call = [&] {
    if (impl == "naive") {
      if (bwd)
        naiveBackward(pb, dy, x, p, out);
      else
        naiveForward(pb, x, p, out);
    } else {
      if (bwd)
        refBackward(pb, threads, dy, x, p, out, scratch.data());
      else
        refForward(pb, threads, x, p, out);
    }
  };

  if (check) {
    call();
    std::vector<float> outF(n);
    for (size_t i = 0; i < n; ++i)
      outF[i] = toF32(out[i]);
    writeRaw(io + "/out.bin", outF.data(), n);
    if (bwd) {
      writeRaw(io + "/dp0.bin", dp0.data(), np0);
      if (pb.op == Op::SeeDNorm) {
        writeRaw(io + "/dp1.bin", dp1.data(), d);
        writeRaw(io + "/dp2.bin", dp2.data(), d);
      }
    }
  } else {
    timeIt(call, minTime);
  }
  std::free(x);
  std::free(out);
  std::free(dy);
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 2 || std::string(argv[1]) == "--help" ||
      std::string(argv[1]) == "-h") {
    std::printf("usage: norm-cpu-bench copy|run|check --key=value ...\n"
                "  copy:  --kib=K --threads=T [--nt=0|1] [--min-time=S]\n"
                "  run:   --impl=naive|ref --op=rmsnorm|scalenorm|seednorm "
                "--dir=fwd|bwd --rows=R --cols=D [--dtype=f32|bf16] "
                "[--heads=H] [--threads=T] [--min-time=S]\n"
                "  check: as run, plus --io=DIR (raw f32 in/out files)\n");
    return argc < 2 ? 2 : 0;
  }
  Options o;
  o.mode = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    size_t eq = a.find('=');
    if (a.rfind("--", 0) != 0 || eq == std::string::npos)
      die("bad argument '" + a + "' (expected --key=value)");
    o.kv[a.substr(2, eq - 2)] = a.substr(eq + 1);
  }
  if (o.mode == "copy")
    return runCopy(o);
  if (o.mode != "run" && o.mode != "check")
    die("unknown mode '" + o.mode + "' (copy, run, check)");
  std::string dtype = o.get("dtype", "f32");
  if (dtype == "f32")
    return runNorm<float>(o, o.mode == "check");
  if (dtype == "bf16")
    return runNorm<bf16>(o, o.mode == "check");
  die("unknown --dtype '" + dtype + "' (f32, bf16)");
}
