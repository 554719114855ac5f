"""Runs the gradients of grads.mlir three times through norm-runner
(threads=2; OMP_NUM_THREADS unset, 2 and 1), checks the outputs are bitwise
identical and compares them with a float64 numpy reference.

    check_determinism.py NORM_RUNNER GRADS_MLIR WORKDIR [PIPELINE_OPTIONS]

PIPELINE_OPTIONS (e.g. "pipeline-sweeps=1") are added to threads=2.
"""

import os
import subprocess
import sys

import numpy as np

runner, module, work = sys.argv[1:4]
options = " ".join(["threads=2"] + sys.argv[4:5])
rng = np.random.default_rng(11)


def run(entry, inputs, n_out, env_threads):
    paths = []
    for i, a in enumerate(inputs):
        p = os.path.join(work, f"{entry}_in{i}.npy")
        np.save(p, a)
        paths.append(p)
    outs = [os.path.join(work, f"{entry}_out{i}_{env_threads}.npy")
            for i in range(n_out)]
    env = dict(os.environ)
    env.pop("OMP_NUM_THREADS", None)
    if env_threads:
        env["OMP_NUM_THREADS"] = str(env_threads)
    cmd = [runner, module, "-e", entry, f"--pipeline-options={options}"]
    cmd += [f"--input={p}" for p in paths] + [f"--output={o}" for o in outs]
    subprocess.run(cmd, check=True, env=env)
    return [np.load(o) for o in outs]


def identical(name, runs):
    ok = all(np.array_equal(a.view(np.uint32), b.view(np.uint32))
             for other in runs[1:] for a, b in zip(runs[0], other))
    print(f"{name}: 3 runs bitwise {'identical' if ok else 'DIFFERENT'}")
    return ok


def close(name, what, got, ref):
    err = np.abs(got.astype(np.float64) - ref).max() / np.abs(ref).max()
    ok = err <= 1e-4
    print(f"{name}: {what} max rel err {err:.2e} {'ok' if ok else 'FAIL'}")
    return ok


good = True
# RMSNorm, 999 x 2049.
x = rng.uniform(-1, 1, (999, 2049)).astype(np.float32)
dy = rng.uniform(-1, 1, (999, 2049)).astype(np.float32)
w = rng.uniform(0.5, 1.5, 2049).astype(np.float32)
runs = [run("rms", [dy, x, w], 2, t) for t in (None, 2, 1)]
good &= identical("rms", runs)
xd, dyd, wd = (a.astype(np.float64) for a in (x, dy, w))
r = 1 / np.sqrt((xd ** 2).mean(1, keepdims=True) + 1e-6)
g = dyd * wd
xh = xd * r
dx = r * (g - xh * (g * xh).mean(1, keepdims=True))
good &= close("rms", "dx", runs[0][0], dx)
good &= close("rms", "dw", runs[0][1], (dyd * xh).sum(0))

# SeeDNorm, 999 x 2048, 4 heads (beta small: tanh out of saturation).
H, D = 4, 2048
x = rng.uniform(-1, 1, (999, D)).astype(np.float32)
dy = rng.uniform(-1, 1, (999, D)).astype(np.float32)
al = rng.uniform(0.5, 1.5, D).astype(np.float32)
be = rng.uniform(-0.05, 0.05, D).astype(np.float32)
ga = rng.uniform(0.5, 1.5, D).astype(np.float32)
runs = [run("seed", [dy, x, al, be, ga], 4, t) for t in (None, 2, 1)]
good &= identical("seed", runs)
xd, dyd, a_, b_, c_ = (v.astype(np.float64) for v in (x, dy, al, be, ga))
r = 1 / np.sqrt((xd ** 2).mean(1, keepdims=True) + 1e-6)
xh = xd * r
s = (xd * b_).reshape(999, H, D // H).sum(2)        # per-head seeds
t = np.tanh(s)
tj = np.repeat(t, D // H, axis=1)
u = dyd * xh
A = (a_ * u).reshape(999, H, D // H).sum(2)          # sum alpha u per head
Aj = np.repeat(A, D // H, axis=1)
good &= close("seed", "dalpha", runs[0][1], (tj * u).sum(0))
good &= close("seed", "dbeta", runs[0][2], ((1 - tj ** 2) * Aj * xd).sum(0))
good &= close("seed", "dgamma", runs[0][3], u.sum(0))
sys.exit(0 if good else 1)
