#!/usr/bin/env python3
"""Runs libnorm_aot.so on a CUDA GPU: every op fwd/bwd (bf16, f16, f32)
against float64 torch references, then benchmarks RMSNorm beside
torch.nn.functional.rms_norm (if present), torch.compile (if present) and a
device-to-device copy on the SPEC §4 shapes. Prints tables; exit code 1 if a
correctness check fails.

Usage: python3 run_gpu.py [--lib libnorm_aot.so] [--manifest manifest.json]
                          [--rows 37] [--bench-rows 32768] [--reps 20]
"""
import argparse
import ctypes
import json
import os
import sys

import torch

here = os.path.dirname(os.path.abspath(__file__))
p = argparse.ArgumentParser()
p.add_argument("--lib", default=os.path.join(here, "libnorm_aot.so"))
p.add_argument("--manifest", default=os.path.join(here, "manifest.json"))
p.add_argument("--rows", type=int, default=37)
p.add_argument("--bench-rows", type=int, default=32768)
p.add_argument("--reps", type=int, default=20)
p.add_argument("--no-bench", action="store_true")
args = p.parse_args()

DT = {"bf16": torch.bfloat16, "f16": torch.float16, "f32": torch.float32}
MANT = {"bf16": 7, "f16": 10, "f32": 23}
dev = torch.device("cuda")
torch.cuda.init()
lib = ctypes.CDLL(args.lib)
funcs = {f["name"]: f for f in json.load(open(args.manifest))}
for f in funcs.values():
    fn = getattr(lib, "norm_aot_" + f["name"])
    fn.argtypes = [ctypes.c_int64, ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_void_p)]
    fn.restype = ctypes.c_int
lib.norm_aot_free.argtypes = [ctypes.c_void_p]
lib.norm_aot_memcpy.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t]


def call(f, rows, tensors, keep=True):
    """Calls the compiled function; returns torch tensors (copies) of the results."""
    torch.cuda.synchronize()  # inputs produced on torch's stream
    a = (ctypes.c_void_p * len(tensors))(*[t.data_ptr() for t in tensors])
    r = (ctypes.c_void_p * len(f["results"]))()
    rc = getattr(lib, "norm_aot_" + f["name"])(rows, a, r)
    assert rc == 0
    outs = []
    for i, res in enumerate(f["results"]):
        shape = [rows if s == "?" else s for s in res["shape"]]
        t = torch.empty(shape, dtype=DT[res["dtype"]], device=dev)
        if keep and t.numel():
            lib.norm_aot_memcpy(t.data_ptr(), r[i], t.numel() * t.element_size())
        if r[i]:
            lib.norm_aot_free(r[i])
        outs.append(t)
    return outs


def reference(f, ins):
    """float64 references (research/norms-math.md §2-§4)."""
    op, eps, H = f["op"], f["eps"], f["heads"]
    x64 = [t.double() for t in ins]
    if op == "rmsnorm":
        x, w = x64
        r = (x.pow(2).mean(-1, keepdim=True) + eps).rsqrt()
        return [w * x * r]
    if op == "scalenorm":
        x, g = x64
        inv = 1.0 / torch.maximum(x.norm(dim=-1, keepdim=True), torch.tensor(eps, dtype=torch.float64, device=dev))
        return [g * x * inv]
    if op == "seednorm":
        x, al, be, ga = x64
        D = x.shape[-1]
        r = (x.pow(2).mean(-1, keepdim=True) + eps).rsqrt()
        t = torch.tanh((x * be).reshape(x.shape[0], H, D // H).sum(-1))
        c = t.repeat_interleave(D // H, dim=-1) * al + ga
        return [c * x * r]
    # Gradients through float64 autograd of the forward definitions.
    fwd = {"rmsnorm_grad": "rmsnorm", "scalenorm_grad": "scalenorm", "seednorm_grad": "seednorm"}[op]
    dy, rest = x64[0], [t.clone().requires_grad_(True) for t in x64[1:]]
    y = reference(dict(f, op=fwd), rest)[0]
    grads = torch.autograd.grad(y, rest, dy)
    if op == "seednorm_grad":  # results: dx, dalpha, dbeta, dgamma
        return [grads[0], grads[1], grads[2], grads[3]]
    return list(grads)


def check(f, got, ref):
    """f32: max rel error; bf16/f16: within 2 ulp of the reference rounded once."""
    worst = 0.0
    grad = f["op"].endswith("_grad")
    for i, (g, r) in enumerate(zip(got, ref)):
        ty = f["results"][i]["dtype"]
        g64 = g.double()
        if ty == "f32":
            err = ((g64 - r).abs().max() / r.abs().max().clamp_min(1e-30)).item() if r.numel() else 0.0
            tol = 1e-4 if grad else 1e-5
            ok = err <= tol
            worst = max(worst, err / tol)
        else:
            rr = r.to(DT[ty]).double()
            exp = torch.floor(torch.log2(rr.abs().clamp_min(1e-30)))
            ulp = torch.pow(2.0, exp - MANT[ty])
            err = ((g64 - rr).abs() / ulp).max().item() if r.numel() else 0.0
            ok = err <= 2.0
            worst = max(worst, err / 2.0)
        if not ok:
            return False, f"result {i} ({ty}): error {err:.3g}"
    return True, f"{worst:.3f} of tolerance"


def inputs(f, rows, seed=0):
    g = torch.Generator(device=dev).manual_seed(seed)
    ts = []
    for a in f["args"]:
        shape = [rows if s == "?" else s for s in a["shape"]]
        t = torch.randn(shape, generator=g, device=dev, dtype=torch.float32)
        if not a["shape"]:
            t = t.abs() + 0.5
        ts.append(t.to(DT[a["dtype"]]).contiguous())
    return ts


fails = 0
print(f"{'function':28s} {'rows':>6s} result")
for name, f in funcs.items():
    for rows in (args.rows, 0 if f["op"].endswith("_grad") else 1):
        ins = inputs(f, rows)
        got = call(f, rows, ins)
        ok, msg = check(f, got, reference(f, ins)) if rows else (True, "ok (empty)")
        if f["op"].endswith("_grad") and rows:
            again = call(f, rows, ins)  # deterministic parameter gradients
            if any(not torch.equal(a, b) for a, b in zip(got[1:], again[1:])):
                ok, msg = False, "parameter gradients differ between runs"
        fails += not ok
        print(f"{name:28s} {rows:6d} {'PASS' if ok else 'FAIL'} {msg}")

if not args.no_bench:
    def bench(fn, reps):
        fn(); torch.cuda.synchronize()
        ts = []
        for _ in range(reps):
            s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            s.record(); fn(); e.record(); torch.cuda.synchronize()
            ts.append(s.elapsed_time(e))
        ts.sort()
        return ts[len(ts) // 2]

    M = args.bench_rows
    print(f"\nBenchmarks (median of {args.reps}; ms and GB/s; bytes: fwd read x + write y, bwd read x, dy + write dx)")
    print(f"{'shape':18s} {'what':34s} {'ms':>8s} {'GB/s':>8s} {'% copy':>7s}")
    for D in (4096, 16384):
        for ty in ("bf16",):
            x = torch.randn(M, D, device=dev, dtype=DT[ty])
            w = torch.ones(D, device=dev, dtype=DT[ty])
            dy = torch.randn_like(x)
            y = torch.empty_like(x)
            nbytes = 2 * x.numel() * x.element_size()
            copy_ms = bench(lambda: y.copy_(x), args.reps)
            copy_bw = nbytes / copy_ms / 1e6
            rows = []
            rows.append(("device-to-device copy", copy_ms, nbytes))
            fwd, bwd = funcs.get(f"rmsnorm_{ty}_{D}"), funcs.get(f"rmsnorm_grad_{ty}_{D}")
            if fwd:
                rows.append(("norm-mlir rmsnorm fwd (incl. alloc+sync)", bench(lambda: call(fwd, M, [x, w], keep=False), args.reps), nbytes))
            if bwd:
                rows.append(("norm-mlir rmsnorm bwd (incl. alloc+sync)", bench(lambda: call(bwd, M, [dy, x, w], keep=False), args.reps), 3 * nbytes // 2))
            if hasattr(torch.nn.functional, "rms_norm"):
                rows.append(("torch F.rms_norm fwd", bench(lambda: torch.nn.functional.rms_norm(x, (D,), w, 1e-6), args.reps), nbytes))
            def eager(x, w):
                xf = x.float()
                return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + 1e-6) * w.float()).to(x.dtype)
            rows.append(("torch eager composite fwd", bench(lambda: eager(x, w), args.reps), nbytes))
            if hasattr(torch, "compile"):
                try:
                    comp = torch.compile(eager)
                    rows.append(("torch.compile fwd", bench(lambda: comp(x, w), args.reps), nbytes))
                except Exception as e:  # noqa: BLE001
                    print(f"torch.compile unavailable: {e}")
            for what, ms, b in rows:
                bw = b / ms / 1e6
                print(f"{f'{M}x{D} {ty}':18s} {what:34s} {ms:8.3f} {bw:8.1f} {100 * bw / copy_bw:6.1f}%")
            del x, dy, y
            torch.cuda.empty_cache()

print(f"\n{fails} correctness failures")
sys.exit(1 if fails else 0)
