"""CPU benchmark of norm-mlir against the copy limit and C++/PyTorch baselines.

Usually run through `scripts/bench.sh [--quick]`, which builds the tools first:

    /usr/bin/python3 bench/run_cpu.py --cpu-bench BUILD/bench/norm-cpu-bench \
        --runner BUILD/bin/norm-runner [--quick] [--out bench/results]

What is measured, in one run (SPEC §4):
  copy       AVX-512 (or AVX2) copy kernel (non-temporal stores for DRAM-sized buffers,
             ordinary stores for the cache-resident one), GB/s counting
             read + write. Every row, 1-thread rows included, is compared
             with the 2-thread copy (the machine's limit, SPEC §4), measured
             right before and right after each of the --rounds (3) norm-mlir
             runs of the row (one with --quick), the mean of the two being
             that run's limit; the row reports the run with the median ratio
             (this VM's bandwidth drifts by tens of percent over minutes).
             1-thread rows also show norm-mlir's % of a 1-thread copy
             measured before and after the row (%cpT). Copies of both
             thread counts are also measured before and after everything,
             for context.
  norm-mlir  `norm-runner f.mlir -e f --random-inputs=1 --bench=REPS` with the
             pipeline's thread count set to 1 or 2.
  c++ref     -O3 -march=native OpenMP, auto-vectorized loops (bench/cpu).
  naive      scalar loops, 1 thread, -O2 without vectorization.
  torch      PyTorch CPU (Debian's torch 1.13), ops + autograd.
Pages: norm-runner (HostAllocator) and the C++ kernels put buffers of 2 MiB or
more on transparent huge pages (NORM_MLIR_HUGE_PAGES=0 turns both off);
PyTorch keeps its allocator's pages unless --thp.
GB/s always come from the median time and the byte models of bench/normlib.py
(fwd: read x + write y; bwd: read x, dy + write dx), not from the runner's own
`bytes=` count (which also counts parameters and parameter gradients).
"""

import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import normlib  # noqa: E402

FULL_SHAPES = [((8192, 4096), "f32"), ((8192, 4096), "bf16"),
               ((65536, 1024), "f32"), ((262144, 128), "f32"),
               ((64, 4096), "f32")]
QUICK_SHAPES = [((8192, 4096), "f32"), ((64, 4096), "f32")]
IMPLS = ["norm-mlir", "c++ref", "naive", "torch"]
COPY_THREADS = 2  # SPEC §4: every row is compared with a 2-thread copy
CACHE_BYTES = 16 << 20  # working sets up to this are "cache-resident"
BENCH_RE = re.compile(r"bench:\s*median_ms=([0-9.eE+-]+)\s+min_ms=([0-9.eE+-]+)"
                      r"\s+reps=(\d+)")


def log(msg):
    print(msg, flush=True)


def parse_bench(text):
    m = BENCH_RE.search(text)
    if not m:
        return None
    return {"median_ms": float(m.group(1)), "min_ms": float(m.group(2)),
            "reps": int(m.group(3))}


def run(cmd, timeout=600, env=None):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                       env=env)
    return p.returncode, p.stdout + p.stderr


def thp_mode():
    """The kernel's THP setting ("always", "madvise", "never"), or "unknown"."""
    try:
        with open("/sys/kernel/mm/transparent_hugepage/enabled") as f:
            text = f.read()
        start, end = text.index("[") + 1, text.index("]")
        return f"'{text[start:end]}'"
    except (OSError, ValueError):
        return "unknown"


def is_cache_resident(shape, dtype, direction):
    return normlib.model_bytes(direction, shape, dtype) <= CACHE_BYTES


# ----------------------------------------------------------------------------
# Correctness of the C++ baselines (before any timing)
# ----------------------------------------------------------------------------

def check_cpp(cpu_bench):
    rng = np.random.default_rng(0)
    cases = []
    for op in normlib.OPS:
        for direction in ("fwd", "bwd"):
            for dtype in ("f32", "bf16"):
                cases.append((op, direction, dtype, 1))
            if op == "seednorm":
                cases.append((op, direction, "f32", 4))
    failures = 0
    with tempfile.TemporaryDirectory() as io:
        for op, direction, dtype, heads in cases:
            rows, d = 37, 256
            x = rng.standard_normal((rows, d)).astype(np.float32)
            x[0] = 0.0  # all-zero row: clamped ScaleNorm, rstd = eps^-1/2
            x[1] *= 1e-7
            dy = rng.standard_normal((rows, d)).astype(np.float32)
            params = normlib.make_params(op, d, rng)
            x.tofile(f"{io}/x.bin")
            dy.tofile(f"{io}/dy.bin")
            for i, p in enumerate(params):
                np.asarray(p, np.float32).tofile(f"{io}/p{i}.bin")
            if dtype == "bf16":
                x, dy = normlib.round_bf16(x), normlib.round_bf16(dy)
            if direction == "fwd":
                refs = [normlib.ref_forward(op, x, params, heads)]
            else:
                refs = normlib.ref_backward(op, dy, x, params, heads)
            for impl, threads in (("naive", 1), ("ref", 1), ("ref", 2)):
                rc, out = run([cpu_bench, "check", f"--impl={impl}",
                               f"--op={op}", f"--dir={direction}",
                               f"--rows={rows}", f"--cols={d}",
                               f"--dtype={dtype}", f"--heads={heads}",
                               f"--threads={threads}", f"--io={io}"])
                if rc != 0:
                    log(f"  FAIL {impl} {op} {direction}: {out.strip()}")
                    failures += 1
                    continue
                names = ["out"] + [f"dp{i}" for i in range(len(refs) - 1)]
                msgs, ok = [], True
                for k, (name, ref) in enumerate(zip(names, refs)):
                    got = np.fromfile(f"{io}/{name}.bin", np.float32)
                    got = got.reshape(np.shape(ref))
                    tol = 1e-5 if direction == "fwd" else 1e-4
                    if k == 0 and dtype == "bf16":
                        good, ulps, _ = normlib.bf16_check(got, ref, tol)
                        msgs.append(f"{name} {ulps:.2f}ulp")
                    else:
                        err = normlib.rel_err(got, ref)
                        good = err <= tol
                        msgs.append(f"{name} {err:.1e}")
                    ok &= good
                failures += not ok
                if not ok:
                    log(f"  FAIL {impl:5s} t={threads} {op:9s} {direction} "
                        f"{dtype:4s} heads={heads}: " + ", ".join(msgs))
    return failures, len(cases) * 3


# ----------------------------------------------------------------------------
# Runners for each implementation
# ----------------------------------------------------------------------------

def copy_bw(cpu_bench, threads, kib, nt, min_time):
    rc, out = run([cpu_bench, "copy", f"--kib={kib}", f"--threads={threads}",
                   f"--nt={int(nt)}", f"--min-time={min_time}"])
    r = parse_bench(out)
    if rc != 0 or not r:
        raise RuntimeError(f"copy benchmark failed: {out}")
    return 2 * kib * 1024 / (r["median_ms"] * 1e6)


class RunnerInfo:
    """How to pass the thread count to norm-runner, found from its --help."""

    def __init__(self, path):
        self.path = path
        self.ok = bool(path) and os.access(path, os.X_OK)
        self.help = ""
        if self.ok:
            _, self.help = run([path, "--help"], timeout=60)

    def thread_args(self, threads):
        h = self.help
        if "--pipeline-options" in h:  # SPEC: options of norm-lower-to-cpu
            return [f"--pipeline-options=threads={threads}"]
        if "--threads" in h:
            return [f"--threads={threads}"]
        return None


def bench_mlir(runner, workdir, op, direction, shape, dtype, threads, reps):
    path = os.path.join(
        workdir, f"{op}_{direction}_{'x'.join(map(str, shape))}_{dtype}.mlir")
    with open(path, "w") as f:
        f.write(normlib.mlir_module(op, direction, shape, dtype))
    targs = runner.thread_args(threads)
    if targs is None:
        return None, "norm-runner has no thread-count option"
    cmd = [runner.path, path, "-e", "f", "--random-inputs=1",
           f"--bench={reps}"] + targs
    try:
        rc, out = run(cmd, timeout=600)
    except subprocess.TimeoutExpired:
        return None, "timeout"
    r = parse_bench(out)
    if rc != 0 or not r:
        return None, out.strip().splitlines()[-1] if out.strip() else f"rc={rc}"
    return r, None


def bench_cpp(cpu_bench, impl, op, direction, shape, dtype, threads, min_time):
    rc, out = run([cpu_bench, "run", f"--impl={impl}", f"--op={op}",
                   f"--dir={direction}", f"--rows={shape[0]}",
                   f"--cols={shape[1]}", f"--dtype={dtype}",
                   f"--threads={threads}", f"--min-time={min_time}"])
    r = parse_bench(out)
    return (r, None) if rc == 0 and r else (None, out.strip())


def bench_torch(configs, threads, min_time):
    """One process per thread count; returns {(op,dir,shape,dtype): result}."""
    jobs = [f"{op}:{d}:{s[0]}x{s[1]}:{dt}" for op, d, s, dt in configs]
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    here = os.path.dirname(os.path.abspath(__file__))
    cmd = ["/usr/bin/python3", os.path.join(here, "torch_cpu.py"),
           f"--threads={threads}", f"--min-time={min_time}"] + jobs
    res = {}
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, env=env)
    for line in p.stdout:
        try:
            r = json.loads(line)
        except ValueError:
            continue
        op, d, s, dt = r["job"].split(":")[:4]
        res[(op, d, tuple(int(v) for v in s.split("x")), dt)] = r
    err = p.stderr.read()
    p.wait()
    if p.returncode != 0:
        log(f"  torch (threads={threads}) failed: {err.strip()[-500:]}")
    return res


# ----------------------------------------------------------------------------
# Report
# ----------------------------------------------------------------------------

def fmt(v, spec):
    """format(v, spec), or "-" padded to the spec's width when v is None."""
    if v is not None:
        return format(v, spec)
    width = re.match(r"\d*", spec).group(0)
    return format("-", ">" + width)


def print_tables(rows):
    log("")
    log("GB/s = model bytes / median time; model bytes: fwd = read x + write y,"
        " bwd = read x, dy + write dx (parameters and their gradients not"
        " counted; not the runner's bytes=).")
    log("%cp = GB/s / the 2-thread copy's GB/s (copy2T; DRAM copy for"
        " DRAM-resident shapes, cache copy for the 64-row shape, mean of the"
        " copies right before and after the norm-mlir run; of 3 runs, the one"
        " with the median ratio), for every row: the SPEC §4 targets are for"
        " the 2-thread rows; %cpT = norm-mlir's GB/s / a copy with the row's"
        " own thread count; xtrch = torch time / this time.")
    for op in normlib.OPS:
        for direction in ("fwd", "bwd"):
            sel = [r for r in rows if r["op"] == op and r["dir"] == direction]
            if not sel:
                continue
            log("")
            log(f"== {op} {direction} " + "=" * 90)
            def width(impl):
                return 29 if impl == "norm-mlir" else 24
            hdr = (f"{'shape':>12} {'dt':>4} {'thr':>3} {'copy2T':>8} |"
                   + "".join(f" {i:>{width(i)}} |" for i in IMPLS))
            log(hdr)
            log(f"{'':>12} {'':>4} {'':>3} {'GB/s':>8} |" +
                "".join(f" {'ms':>7} {'GB/s':>5} {'%cp':>4}" +
                        (f" {'%cpT':>4}" if i == "norm-mlir" else "") +
                        f" {'xtrch':>5} |" for i in IMPLS))
            keys = []
            for r in sel:
                k = (r["shape"], r["dtype"], r["threads"])
                if k not in keys:
                    keys.append(k)
            for shape, dtype, threads in keys:
                line = (f"{'x'.join(map(str, shape)):>12} {dtype:>4} "
                        f"{threads:>3} ")
                cp = None
                cells = ""
                for impl in IMPLS:
                    m = [r for r in sel if r["shape"] == shape and
                         r["dtype"] == dtype and r["threads"] == threads and
                         r["impl"] == impl]
                    extra = impl == "norm-mlir"
                    if not m or m[0]["median_ms"] is None:
                        cells += (f" {'-':>7} {'-':>5} {'-':>4}" +
                                  (f" {'-':>4}" if extra else "") +
                                  f" {'-':>5} |")
                        if m:
                            cp = m[0]["copy_gbps"]
                        continue
                    r = m[0]
                    cp = r["copy_gbps"]
                    cells += (f" {r['median_ms']:7.3f} {r['gbps']:5.1f} "
                              f"{fmt(r['pct_copy'], '4.0f')} " +
                              (f"{fmt(r['pct_copy_same'], '4.0f')} "
                               if extra else "") +
                              f"{fmt(r['vs_torch'], '5.2f')} |")
                log(line + f"{fmt(cp, '8.1f')} |" + cells)


def plot(rows, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        log("matplotlib missing: no plot written (CSV has the data)")
        return False
    ops = [o for o in normlib.OPS if any(r["op"] == o for r in rows)]
    if not ops:
        return False
    fig, axes = plt.subplots(len(ops), 2, figsize=(16, 4.4 * len(ops)),
                             squeeze=False)
    colors = {"norm-mlir": "tab:blue", "c++ref": "tab:orange",
              "naive": "tab:gray", "torch": "tab:red"}
    for i, op in enumerate(ops):
        for j, direction in enumerate(("fwd", "bwd")):
            ax = axes[i][j]
            sel = [r for r in rows if r["op"] == op and r["dir"] == direction]
            keys = []
            for r in sel:
                k = (r["shape"], r["dtype"], r["threads"])
                if k not in keys:
                    keys.append(k)
            width = 0.8 / (len(IMPLS) + 1)
            for n, impl in enumerate(IMPLS):
                vals = []
                for k in keys:
                    m = [r for r in sel if (r["shape"], r["dtype"],
                                            r["threads"]) == k and
                         r["impl"] == impl and r["gbps"] is not None]
                    vals.append(m[0]["gbps"] if m else 0.0)
                ax.bar([x + n * width for x in range(len(keys))], vals,
                       width, label=impl, color=colors[impl])
            cps = []
            for k in keys:
                m = [r for r in sel if (r["shape"], r["dtype"],
                                        r["threads"]) == k]
                cps.append(m[0]["copy_gbps"] if m else 0.0)
            ax.bar([x + len(IMPLS) * width for x in range(len(keys))], cps,
                   width, label="copy (limit)", color="black", alpha=0.35)
            ax.set_xticks([x + 0.4 for x in range(len(keys))])
            ax.set_xticklabels([f"{'x'.join(map(str, s))}\n{dt} t{t}"
                                for s, dt, t in keys], fontsize=7)
            ax.set_ylabel("GB/s (model bytes)")
            ax.set_title(f"{op} {direction}")
            ax.grid(axis="y", alpha=0.3)
            if i == 0 and j == 0:
                ax.legend(fontsize=8)
    fig.suptitle("norm CPU benchmark (GB/s: fwd = x+y, bwd = x+dy+dx)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return True


# ----------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--cpu-bench", required=True)
    ap.add_argument("--runner", default="")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--rounds", type=int, default=3,
                    help="copy / norm-mlir / copy rounds per row (the median "
                         "ratio is reported; more rounds, less VM noise)")
    ap.add_argument("--out", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "results"))
    ap.add_argument("--ops", default=",".join(normlib.OPS))
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--skip", default="", help="impls to skip, comma-separated")
    ap.add_argument("--thp", action="store_true",
                    help="run every process (copy, norm-runner, C++, torch) "
                         "with glibc's malloc on transparent huge pages "
                         "(GLIBC_TUNABLES=glibc.malloc.hugetlb=1): where THP "
                         "is 'madvise' only, 4 KiB pages and their TLB misses "
                         "bound the DRAM rows, the copy's included")
    ap.add_argument("--wait-idle", type=float, default=0, metavar="SECONDS",
                    help="first wait up to SECONDS for the 1-minute load "
                         "average to drop below 0.5")
    a = ap.parse_args()

    if a.thp:
        # Inherited by every subprocess below (they all take os.environ).
        normlib.use_huge_pages()
    ops = [o for o in a.ops.split(",") if o]
    for o in ops:
        if o not in normlib.OPS:
            ap.error(f"unknown op {o}")
    threads_list = [int(t) for t in a.threads.split(",")]
    skip = set(s for s in a.skip.split(",") if s)
    shapes = QUICK_SHAPES if a.quick else FULL_SHAPES
    min_time = 0.15 if a.quick else 0.5
    os.makedirs(a.out, exist_ok=True)

    deadline = time.time() + a.wait_idle
    while os.getloadavg()[0] >= 0.5 and time.time() < deadline:
        log(f"   waiting for an idle machine (load "
            f"{os.getloadavg()[0]:.2f})...")
        time.sleep(15)
    load = os.getloadavg()
    log(f"== machine: {os.cpu_count()} CPUs, load average {load[0]:.2f} "
        f"{load[1]:.2f} {load[2]:.2f}")
    if load[0] > 0.7:
        log("   WARNING: other processes are running; numbers will be noisy")
    huge = os.environ.get("NORM_MLIR_HUGE_PAGES", "1") != "0"
    log(f"== pages: transparent huge pages {thp_mode()}; norm-runner's and "
        "the C++ kernels' buffers of 2 MiB or more "
        + ("on huge pages" if huge else "on the default pages "
           "(NORM_MLIR_HUGE_PAGES=0)")
        + "; other mallocs (torch's) "
        + ("on huge pages (--thp)" if a.thp else "on the default pages"))

    log("== verifying the C++ baselines against numpy float64 (37x256)")
    fails, total = check_cpp(a.cpu_bench)
    if fails:
        log(f"   {fails}/{total} C++ baseline checks FAILED; not timing")
        return 1
    log(f"   all {total} checks passed (f32: fwd <= 1e-5, grads <= 1e-4; "
        "bf16 <= 2 ulp + the f32 budget)")

    runner = RunnerInfo(a.runner)
    if "norm-mlir" not in skip:
        if not runner.ok:
            log(f"   norm-runner not found at '{a.runner}': norm-mlir column "
                "skipped")
            skip.add("norm-mlir")
        elif runner.thread_args(1) is None:
            log("   norm-runner --help shows no way to set the thread count; "
                "norm-mlir column skipped")
            skip.add("norm-mlir")
    try:
        import importlib.util
        if importlib.util.find_spec("torch") is None and "torch" not in skip:
            log("   torch not importable: torch column skipped")
            skip.add("torch")
    except Exception:  # pragma: no cover
        skip.add("torch")

    configs = [(op, d, s, dt) for op in ops for d in ("fwd", "bwd")
               for s, dt in shapes]

    def copies_now():
        c = {}
        for t in sorted(set(threads_list) | {COPY_THREADS}):
            c[("dram", t)] = copy_bw(a.cpu_bench, t, 256 << 10, True, min_time)
            c[("cache", t)] = copy_bw(a.cpu_bench, t, 512, False, min_time)
        return c

    log("== copy bandwidth (before)")
    c0 = copies_now()
    results = {}  # (impl, op, dir, shape, dtype, threads) -> result
    local_copy = {}  # (op, dir, shape, dtype, threads) -> 2-thread GB/s
    same_copy = {}  # the same, with a copy of the row's own thread count
    errors = []
    t_start = time.time()
    workdir = tempfile.mkdtemp(prefix="norm-bench-")
    try:
        for op, d, s, dt in configs:
            for t in threads_list:
                tag = f"{op} {d} {'x'.join(map(str, s))} {dt} t={t}"
                # The bandwidth of this VM drifts by tens of percent over
                # minutes (and between seconds), so each row's limit is the
                # mean of two copies measured right before and right after
                # its norm-mlir run.
                cache = is_cache_resident(s, dt, d)

                def row_copy(threads=COPY_THREADS):
                    return copy_bw(a.cpu_bench, threads,
                                   512 if cache else 256 << 10, not cache,
                                   min_time / 2)
                if "c++ref" not in skip:
                    r, e = bench_cpp(a.cpu_bench, "ref", op, d, s, dt, t,
                                     min_time)
                    results[("c++ref", op, d, s, dt, t)] = r
                    if e:
                        errors.append(f"c++ref {tag}: {e}")
                if "naive" not in skip and t == 1:
                    r, e = bench_cpp(a.cpu_bench, "naive", op, d, s, dt, 1,
                                     min_time)
                    results[("naive", op, d, s, dt, t)] = r
                    if e:
                        errors.append(f"naive {tag}: {e}")
                # Rounds of copy / norm-mlir / copy (--rounds); the row
                # reports the round whose ratio to its bracketing copies is
                # the median.
                rounds = []
                same_before = row_copy(t) if t != COPY_THREADS else None
                before = row_copy()
                for _ in range(1 if a.quick else max(1, a.rounds)):
                    if "norm-mlir" in skip:
                        break
                    reps = (200 if a.quick else 500) if cache else \
                        (8 if a.quick else 20)
                    r, e = bench_mlir(runner, workdir, op, d, s, dt, t, reps)
                    after = row_copy()
                    if e or not r:
                        errors.append(f"norm-mlir {tag}: {e}")
                        break
                    rounds.append((r, (before + after) / 2))
                    before = after
                if rounds:
                    rounds.sort(key=lambda rc: rc[1] * rc[0]["median_ms"])
                    r, limit = rounds[len(rounds) // 2]
                    results[("norm-mlir", op, d, s, dt, t)] = r
                    local_copy[(op, d, s, dt, t)] = limit
                else:
                    local_copy[(op, d, s, dt, t)] = before
                if same_before is not None:
                    same_copy[(op, d, s, dt, t)] = (same_before +
                                                    row_copy(t)) / 2
                done = {i: results.get((i, op, d, s, dt, t)) for i in IMPLS}
                log(f"   {tag:38s} " + "  ".join(
                    f"{i}={v['median_ms']:.3f}ms" for i, v in done.items()
                    if v))
        if "torch" not in skip:
            for t in threads_list:
                log(f"== torch, {t} thread(s)")
                tr = bench_torch(configs, t, min_time)
                for (op, d, s, dt), r in tr.items():
                    results[("torch", op, d, s, dt, t)] = r
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    log("== copy bandwidth (after)")
    c1 = copies_now()
    for t in sorted(set(threads_list) | {COPY_THREADS}):
        log(f"   copy {t} thread(s): DRAM (256 MiB, NT stores) "
            f"{c0[('dram', t)]:.1f} / {c1[('dram', t)]:.1f} GB/s, "
            f"cache (512 KiB) {c0[('cache', t)]:.1f} / "
            f"{c1[('cache', t)]:.1f} GB/s (before / after)")
    log(f"   elapsed {time.time() - t_start:.0f} s")

    rows = []
    for op, d, s, dt in configs:
        for t in threads_list:
            regime = "cache" if is_cache_resident(s, dt, d) else "dram"
            cp = local_copy[(op, d, s, dt, t)]
            cp_same = same_copy.get((op, d, s, dt, t), cp)
            tr = results.get(("torch", op, d, s, dt, t))
            for impl in IMPLS:
                if (impl, op, d, s, dt, t) not in results:
                    continue
                r = results[(impl, op, d, s, dt, t)]
                nbytes = normlib.model_bytes(d, s, dt)
                row = {"op": op, "dir": d, "shape": s, "dtype": dt,
                       "threads": t, "impl": impl, "regime": regime,
                       "model_bytes": nbytes, "copy_gbps": cp,
                       "copy_same_gbps": cp_same, "pct_copy_same": None,
                       "median_ms": None, "min_ms": None, "reps": None,
                       "gbps": None, "pct_copy": None, "vs_torch": None}
                if r:
                    row.update(median_ms=r["median_ms"], min_ms=r["min_ms"],
                               reps=r["reps"])
                    row["gbps"] = nbytes / (r["median_ms"] * 1e6)
                    row["pct_copy"] = 100 * row["gbps"] / cp
                    row["pct_copy_same"] = 100 * row["gbps"] / cp_same
                    if tr:
                        row["vs_torch"] = tr["median_ms"] / r["median_ms"]
                rows.append(row)

    print_tables(rows)
    if errors:
        log("")
        log("== errors")
        for e in errors:
            log("   " + e[:400])

    csv_path = os.path.join(a.out, "cpu.csv")
    with open(csv_path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["op", "dir", "rows", "cols", "dtype", "threads", "impl",
                    "regime", "median_ms", "min_ms", "reps", "model_bytes",
                    "gbps", "copy_gbps", "pct_copy", "copy_same_threads_gbps",
                    "pct_copy_same_threads", "vs_torch"])
        for r in rows:
            w.writerow([r["op"], r["dir"], r["shape"][0], r["shape"][1],
                        r["dtype"], r["threads"], r["impl"], r["regime"],
                        fmt(r["median_ms"], ".4f"), fmt(r["min_ms"], ".4f"),
                        r["reps"] or "", r["model_bytes"],
                        fmt(r["gbps"], ".2f"), f"{r['copy_gbps']:.2f}",
                        fmt(r["pct_copy"], ".1f"),
                        f"{r['copy_same_gbps']:.2f}",
                        fmt(r["pct_copy_same"], ".1f"),
                        fmt(r["vs_torch"], ".3f")])
    log("")
    log(f"wrote {csv_path}")
    png = os.path.join(a.out, "cpu.png")
    if plot(rows, png):
        log(f"wrote {png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
