"""PyTorch CPU baseline for the norm benchmark (run in its own process).

    /usr/bin/python3 bench/torch_cpu.py --threads=T --min-time=S JOB...

JOB = op:dir:RxD:dtype[:heads]. Prints one JSON object per job:
{"job": ..., "median_ms": ..., "min_ms": ..., "reps": ...}.

torch 1.13 has no F.rms_norm, so each norm is written in torch ops the way a
model would (f32 math for bf16 inputs, one cast back). Backward is autograd:
the forward graph is built once and `torch.autograd.grad(..., retain_graph=
True)` is timed, giving dx and the parameter gradients without accumulation.
A separate process keeps torch's OpenMP runtime away from the libomp used by
the other baselines.
"""

import argparse
import json
import math
import statistics
import sys
import time

import torch

EPS = {"rmsnorm": 1e-6, "scalenorm": 1e-5, "seednorm": 1e-6}
DT = {"f32": torch.float32, "bf16": torch.bfloat16}


def rmsnorm(x, w, eps):
    xf = x.float()
    y = xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps) * w
    return y.to(x.dtype)


def scalenorm(x, g, eps):
    xf = x.float()
    n = torch.linalg.vector_norm(xf, dim=-1, keepdim=True)
    return (xf * (g / torch.clamp(n, min=eps))).to(x.dtype)


def seednorm(x, alpha, beta, gamma, eps, heads):
    xf = x.float()
    d = xf.shape[-1]
    hs = d // heads
    r = torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)
    if heads == 1:
        t = torch.tanh(xf @ beta).unsqueeze(-1)
        coef = t * alpha + gamma
    else:
        xh = xf.reshape(*xf.shape[:-1], heads, hs)
        t = torch.tanh((xh * beta.reshape(heads, hs)).sum(-1, keepdim=True))
        coef = (t * alpha.reshape(heads, hs) + gamma.reshape(heads, hs))
        coef = coef.reshape(*xf.shape[:-1], d)
    return (coef * xf * r).to(x.dtype)


def make(op, rows, d, dtype, heads, grad):
    g = torch.Generator().manual_seed(0)
    x = (torch.rand(rows, d, generator=g) * 2 - 1).to(DT[dtype])
    x.requires_grad_(grad)
    if op == "rmsnorm":
        ps = [1 + 0.1 * torch.rand(d, generator=g)]
        fn = lambda x, w: rmsnorm(x, w, EPS[op])  # noqa: E731
    elif op == "scalenorm":
        ps = [torch.tensor(math.sqrt(d))]
        fn = lambda x, s: scalenorm(x, s, EPS[op])  # noqa: E731
    else:
        ps = [1 + 0.1 * torch.rand(d, generator=g),
              0.02 * (torch.rand(d, generator=g) * 2 - 1),
              1 + 0.1 * torch.rand(d, generator=g)]
        fn = lambda x, a, b, c: seednorm(x, a, b, c, EPS[op], heads)  # noqa
    for p in ps:
        p.requires_grad_(grad)
    return x, ps, fn


def time_it(call, min_time):
    t0 = time.perf_counter()
    call()  # warm-up
    first = time.perf_counter() - t0
    reps = int(min(max(min_time / max(first, 1e-7), 5), 2000))
    ms = []
    for _ in range(reps):
        a = time.perf_counter()
        call()
        ms.append((time.perf_counter() - a) * 1e3)
    return statistics.median(ms), min(ms), reps


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--min-time", type=float, default=0.5)
    ap.add_argument("jobs", nargs="+")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    for job in a.jobs:
        parts = job.split(":")
        op, direction, shape, dtype = parts[:4]
        heads = int(parts[4]) if len(parts) > 4 else 1
        rows, d = (int(v) for v in shape.split("x"))
        bwd = direction == "bwd"
        x, ps, fn = make(op, rows, d, dtype, heads, bwd)
        if bwd:
            y = fn(x, *ps)
            dy = (torch.rand(y.shape, generator=torch.Generator().manual_seed(1))
                  * 2 - 1).to(y.dtype)
            call = lambda: torch.autograd.grad(  # noqa: E731
                y, [x] + ps, dy, retain_graph=True)
        else:
            call = lambda: fn(x, *ps)  # noqa: E731
        with torch.set_grad_enabled(bwd):
            med, mn, reps = time_it(call, a.min_time)
        print(json.dumps({"job": job, "median_ms": med, "min_ms": mn,
                          "reps": reps}), flush=True)
        call = None  # drop the graph before the next job allocates
    return 0


if __name__ == "__main__":
    sys.exit(main())
