"""Side-by-side timing of one norm op under several runners or pipeline options.

This VM's speed drifts by tens of percent within minutes, so two variants are
only comparable when their runs interleave. Each round runs every variant once
(`norm-runner --bench=REPS`); the table gives, per variant, the median over the
rounds of the runner's median time, the lowest time seen, and the ratio to the
first variant.

    /usr/bin/python3 bench/ab.py seednorm bwd 64x4096 f32 \
        --variant "threads=1" --variant "threads=1 unroll=2" \
        --variant "/tmp/old-norm-runner@threads=1"

A variant is `[RUNNER@]PIPELINE-OPTIONS` (default runner: --runner).
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import normlib  # noqa: E402

BENCH_RE = re.compile(r"bench:\s*median_ms=([0-9.eE+-]+)\s+min_ms=([0-9.eE+-]+)")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("op", choices=normlib.OPS)
    ap.add_argument("direction", choices=("fwd", "bwd"))
    ap.add_argument("shape", help="e.g. 8192x4096")
    ap.add_argument("dtype", choices=sorted(normlib.ELEM_BYTES))
    ap.add_argument("--heads", type=int, default=1)
    ap.add_argument("--variant", action="append", required=True,
                    help="[RUNNER@]PIPELINE-OPTIONS; repeat for each variant")
    ap.add_argument("--runner", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "build", "bin",
        "norm-runner"))
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--reps", type=int, default=50)
    ap.add_argument("--thp", action="store_true",
                    help="malloc on transparent huge pages in every run "
                         "(GLIBC_TUNABLES=glibc.malloc.hugetlb=1, as "
                         "run_cpu.py --thp)")
    a = ap.parse_args()
    if a.thp:
        normlib.use_huge_pages()

    try:
        shape = tuple(int(s) for s in a.shape.split("x"))
    except ValueError:
        ap.error(f"shape '{a.shape}' is not like 8192x4096")
    kwargs = {"heads": a.heads} if a.op == "seednorm" else {}
    src = normlib.mlir_module(a.op, a.direction, shape, a.dtype, **kwargs)

    variants = []
    for v in a.variant:
        runner, sep, options = v.rpartition("@")
        variants.append((runner if sep else a.runner, options, v))
    times = {v: [] for _, _, v in variants}
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "f.mlir")
        with open(path, "w") as f:
            f.write(src)
        for _ in range(a.rounds):
            for runner, options, name in variants:
                out = subprocess.run(
                    [runner, path, "-e", "f", "--random-inputs=1",
                     f"--pipeline-options={options}", f"--bench={a.reps}"],
                    capture_output=True, text=True)
                m = BENCH_RE.search(out.stdout)
                if out.returncode != 0 or not m:
                    errors = [l for l in out.stderr.splitlines() if "error" in l]
                    why = "\n".join(errors[:3]) or out.stderr.strip()[-400:]
                    sys.exit(f"ab.py: variant '{name}' failed "
                             f"(exit {out.returncode}): {why}")
                times[name].append((float(m.group(1)), float(m.group(2))))

    base = statistics.median(t for t, _ in times[variants[0][2]])
    print(f"{a.op} {a.direction} {a.shape} {a.dtype}"
          f"{f' heads={a.heads}' if a.heads > 1 else ''}: "
          f"{a.rounds} interleaved rounds of --bench={a.reps}")
    width = max(len(v) for _, _, v in variants)
    for _, _, name in variants:
        med = statistics.median(t for t, _ in times[name])
        low = min(m for _, m in times[name])
        print(f"  {name:<{width}}  median {med:9.4f} ms  min {low:9.4f} ms  "
              f"ratio {med / base:.3f}")


if __name__ == "__main__":
    main()
