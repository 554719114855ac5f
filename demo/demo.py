"""norm-mlir demo: every norm op, forward and backward, through norm-runner.

    /usr/bin/python3 demo/demo.py [--runner PATH] [--reps N] [--small]

For each case it writes a one-op MLIR module (bench/normlib.py), runs it with
`norm-runner f.mlir -e f --input=... --output=...` on real-size random inputs,
compares every result with a float64 numpy reference (research/norms-math.md)
and times it with `--bench`. Tolerances (SPEC §4): f32 max relative error
(max|got - ref| / max|ref|) <= 1e-5 forward, <= 1e-4 gradients; bf16 outputs
within 2 ulp of the reference rounded once to bf16, element by element, on
top of the f32 budget (1e-5 / 1e-4 times max|ref|) which only matters for
elements far below their row's scale (normlib.bf16_check); f32 parameter
gradients <= 1e-4.
Exit status: 0 all correct, 1 a wrong result or a failed run, 2 no runner.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
import normlib  # noqa: E402

BENCH_RE = re.compile(r"bench:\s*median_ms=([0-9.eE+-]+)\s+min_ms=([0-9.eE+-]+)")

# (op, direction, shape, dtype, heads)
CASES = [
    ("rmsnorm", "fwd", (4096, 4096), "f32", 1),
    ("rmsnorm", "bwd", (4096, 4096), "f32", 1),
    ("scalenorm", "fwd", (4096, 4096), "f32", 1),
    ("scalenorm", "bwd", (4096, 4096), "f32", 1),
    ("seednorm", "fwd", (4096, 4096), "f32", 1),
    ("seednorm", "bwd", (4096, 4096), "f32", 1),
    ("seednorm", "fwd", (8, 512, 1024), "f32", 4),
    ("seednorm", "bwd", (8, 512, 1024), "f32", 4),
    ("rmsnorm", "fwd", (8192, 4096), "bf16", 1),
    ("rmsnorm", "bwd", (8192, 4096), "bf16", 1),
    ("scalenorm", "fwd", (4096, 4096), "bf16", 1),
    ("seednorm", "fwd", (4096, 4096), "bf16", 1),
]


def find_runner(arg):
    cands = [arg] if arg else []
    if os.environ.get("NORM_RUNNER"):
        cands.append(os.environ["NORM_RUNNER"])
    if os.environ.get("NORM_MLIR_BUILD_DIR"):
        cands.append(os.path.join(os.environ["NORM_MLIR_BUILD_DIR"], "bin",
                                  "norm-runner"))
    cands.append(os.path.join(ROOT, "build", "bin", "norm-runner"))
    for c in cands:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c, cands
    return None, cands


def check(name, got, ref, dtype, direction, is_main):
    """Returns (ok, text) for one result."""
    if got.shape != np.shape(ref):
        return False, f"{name}: shape {got.shape}, expected {np.shape(ref)}"
    tol = 1e-5 if direction == "fwd" else 1e-4
    if dtype == "bf16" and is_main:
        ok, ulps, over = normlib.bf16_check(got, ref, tol)
        return ok, f"{name} max {ulps:.2f}ulp ({over} elements > 2ulp)"
    err = normlib.rel_err(got, ref)
    return err <= tol, f"{name} {err:.1e}"


def run_case(runner, tmp, case, reps, rng):
    op, direction, shape, dtype, heads = case
    tag = f"{op}_{direction}_{'x'.join(map(str, shape))}_{dtype}_h{heads}"
    mlir = os.path.join(tmp, tag + ".mlir")
    with open(mlir, "w") as f:
        f.write(normlib.mlir_module(op, direction, shape, dtype, heads))

    x = rng.standard_normal(shape, dtype=np.float32)
    params = normlib.make_params(op, shape[-1], rng)
    args = [x] + params
    if direction == "bwd":
        dy = rng.standard_normal(shape, dtype=np.float32)
        args = [dy, x] + params
    in_paths = []
    for i, a in enumerate(args):
        p = os.path.join(tmp, f"{tag}_in{i}.npy")
        np.save(p, np.asarray(a, np.float32))
        in_paths.append(p)
    n_out = 1 if direction == "fwd" else 1 + len(params)
    out_paths = [os.path.join(tmp, f"{tag}_out{i}.npy") for i in range(n_out)]

    cmd = [runner, mlir, "-e", "f"] + [f"--input={p}" for p in in_paths] + \
        [f"--output={p}" for p in out_paths]
    t0 = time.time()
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    if p.returncode != 0:
        msg = (p.stderr or p.stdout).strip().splitlines()
        return {"ok": False, "detail": "norm-runner failed: " +
                (msg[-1] if msg else f"exit {p.returncode}")}
    run_s = time.time() - t0

    # The reference sees what the kernel sees: bf16 arguments rounded once.
    if dtype == "bf16":
        x = normlib.round_bf16(x)
        if direction == "bwd":
            dy = normlib.round_bf16(dy)
    if direction == "fwd":
        refs = [normlib.ref_forward(op, x, params, heads)]
        names = ["y"]
    else:
        refs = normlib.ref_backward(op, dy, x, params, heads)
        names = ["dx"] + {"rmsnorm": ["dweight"], "scalenorm": ["dg"],
                          "seednorm": ["dalpha", "dbeta", "dgamma"]}[op]
    ok, texts, worst, main_metric = True, [], 0.0, ""

    for k, (name, ref, path) in enumerate(zip(names, refs, out_paths)):
        try:
            got = np.load(path)
        except (OSError, ValueError) as e:
            return {"ok": False, "detail": f"cannot read {name}: {e}"}
        good, text = check(name, got, ref, dtype, direction, k == 0)
        ok &= good
        texts.append(text + ("" if good else " FAIL"))
        if k == 0 and dtype == "bf16":
            main_metric = f"{normlib.bf16_check(got, ref, 0)[1]:.2f} ulp"
        else:
            worst = max(worst, normlib.rel_err(got, ref))

    err_text = f"{worst:.2e}"
    if main_metric:
        err_text = main_metric + (f", {worst:.1e}" if len(refs) > 1 else "")
    res = {"ok": ok, "detail": ", ".join(texts), "err": err_text,
           "run_s": run_s, "ms": None}
    if reps > 0:
        cmd = [runner, mlir, "-e", "f", "--random-inputs=1", f"--bench={reps}"]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
        m = BENCH_RE.search(p.stdout + p.stderr)
        if p.returncode == 0 and m:
            res["ms"] = float(m.group(1))
        else:
            res["detail"] += " (bench failed)"
    for path in in_paths + out_paths:
        if os.path.exists(path):
            os.remove(path)
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--runner", default="")
    ap.add_argument("--reps", type=int, default=10,
                    help="timed calls per case (0: no timing)")
    ap.add_argument("--small", action="store_true",
                    help="shrink the row counts 16x (quick check)")
    a = ap.parse_args()

    runner, tried = find_runner(a.runner)
    if not runner:
        print("demo: norm-runner not found (tried: " + ", ".join(
            t for t in tried if t) + ").\n"
              "demo: build it first: scripts/setup.sh (or scripts/demo.sh), "
              "or pass --runner PATH / set NORM_RUNNER.", file=sys.stderr)
        return 2
    print(f"demo: using {runner}")
    rng = np.random.default_rng(2024)
    rows = []
    failed = 0
    with tempfile.TemporaryDirectory(prefix="norm-demo-") as tmp:
        for case in CASES:
            op, direction, shape, dtype, heads = case
            if a.small:
                shape = (max(shape[0] // 16, 1),) + shape[1:]
                case = (op, direction, shape, dtype, heads)
            label = (f"{op:9s} {direction} {'x'.join(map(str, shape)):>12} "
                     f"{dtype:4s} h={heads}")
            try:
                r = run_case(runner, tmp, case, a.reps, rng)
            except subprocess.TimeoutExpired:
                r = {"ok": False, "detail": "timeout"}
            failed += not r["ok"]
            gbps = None
            if r.get("ms"):
                gbps = normlib.model_bytes(direction, shape, dtype) / \
                    (r["ms"] * 1e6)
            rows.append((label, r, gbps))
            print(f"  {'ok  ' if r['ok'] else 'FAIL'} {label}  {r['detail']}",
                  flush=True)

    print()
    print("time = median of --bench calls; GB/s from the byte model "
          "(fwd: x + y, bwd: x + dy + dx)")
    print("error = max relative error over all results (f32), bf16: y/dx in "
          "ulps of the reference rounded once, then the f32 parameter grads")
    print(f"{'case':44s} {'error':>18} {'ms':>9} {'GB/s':>6}  result")
    for label, r, gbps in rows:
        print(f"{label:44s} {r.get('err') or '-':>18} "
              f"{('%.3f' % r['ms']) if r.get('ms') else '-':>9} "
              f"{('%.1f' % gbps) if gbps else '-':>6}  "
              f"{'ok' if r['ok'] else 'WRONG'}")
    print()
    if failed:
        print(f"demo: {failed} of {len(rows)} cases FAILED")
        return 1
    print(f"demo: all {len(rows)} cases correct")
    return 0


if __name__ == "__main__":
    sys.exit(main())
