#!/usr/bin/env python3
"""Checks printed norm results against an independent float64 numpy reference.

Usage: mlir-runner ... | check_norm.py TEST.mlir

TEST.mlir holds one `// CASE: {json}` line per case (written by
gen_integration.py). For each case, in order, stdin holds one
printMemrefI32 block per input (the bits of its f32 values, bf16/f16 inputs
widened exactly) followed by one block per output. The reference is the math
of shared/research/norms-math.md §2-§4 evaluated in float64 on the exact
inputs. Tolerances (SPEC §4): f32 forward 1e-5 and gradients 1e-4 relative
error (normalized per row, per tensor for parameter gradients); bf16 and f16
outputs within 2 ulp of the reference rounded once to their type (or within the f32 accuracy
of the row for elements that cancel: gradient elements, and SeeDNorm outputs
whose gain t*alpha + gamma cancels). NaN and Inf must appear exactly
where the reference has them.
"""

import json
import re
import sys

import numpy as np


def parse_blocks(text):
    blocks = []
    for chunk in text.split("Unranked Memref")[1:]:
        sizes = re.search(r"sizes = \[([0-9, ]*)\]", chunk)
        data = chunk.split("data =", 1)[1]
        vals = np.array([int(v) for v in re.findall(r"-?\d+", data)],
                        dtype=np.int64)
        n = int(np.prod([int(s) for s in sizes.group(1).split(",") if s.strip()]))
        if vals.size != n:
            raise SystemExit(f"malformed memref block: {vals.size} values, expected {n}")
        blocks.append(vals.astype(np.uint32).view(np.float32))
    return blocks


def param_names(op):
    return {"rmsnorm": ["w"], "scalenorm": ["g"],
            "seednorm": ["alpha", "beta", "gamma"]}[op.replace("_grad", "")]


# ---------------------------------------------------------------------------
# float64 references (rows = all leading dims, flattened)
# ---------------------------------------------------------------------------

def rmsnorm(x, w, eps):
    rstd = 1.0 / np.sqrt(np.mean(x * x, axis=-1) + eps)
    return {"y": w * x * rstd[:, None], "rstd": rstd}


def rmsnorm_grad(x, w, dy, eps):
    rstd = 1.0 / np.sqrt(np.mean(x * x, axis=-1) + eps)
    xhat = x * rstd[:, None]
    g = dy * w
    mean = np.mean(g * xhat, axis=-1)
    dx = rstd[:, None] * (g - xhat * mean[:, None])
    return {"dx": dx, "dw": np.sum(dy * xhat, axis=0)}


def scalenorm(x, g, eps):
    n = np.sqrt(np.sum(x * x, axis=-1))
    inv = 1.0 / np.maximum(n, eps)  # np.maximum propagates NaN
    return {"y": g * x * inv[:, None], "inv": inv}


def scalenorm_grad(x, g, dy, eps):
    n = np.sqrt(np.sum(x * x, axis=-1))
    inv = 1.0 / np.maximum(n, eps)
    xu = x * inv[:, None]
    s = np.sum(dy * xu, axis=-1)
    unclamped = g * inv[:, None] * (dy - xu * s[:, None])
    clamped = g * dy / eps
    dx = np.where((n < eps)[:, None], clamped, unclamped)
    return {"dx": dx, "dg": np.array([np.sum(dy * x * inv[:, None])])}


def seednorm_parts(x, alpha, beta, gamma, eps, heads):
    N, D = x.shape
    rstd = 1.0 / np.sqrt(np.mean(x * x, axis=-1) + eps)
    xh = x.reshape(N, heads, D // heads)
    t = np.tanh(np.sum(xh * beta.reshape(heads, D // heads), axis=-1))
    tj = np.repeat(t, D // heads, axis=1)  # t_{k(j)}
    c = tj * alpha + gamma
    return rstd, t, tj, c


def seednorm(x, alpha, beta, gamma, eps, heads):
    rstd, t, _, c = seednorm_parts(x, alpha, beta, gamma, eps, heads)
    return {"y": c * x * rstd[:, None], "rstd": rstd, "t": t}


def seednorm_grad(x, alpha, beta, gamma, dy, eps, heads):
    N, D = x.shape
    rstd, t, tj, c = seednorm_parts(x, alpha, beta, gamma, eps, heads)
    xhat = x * rstd[:, None]
    u = dy * xhat
    A = np.sum((alpha * u).reshape(N, heads, D // heads), axis=-1)
    Aj = np.repeat(A, D // heads, axis=1)
    S = np.sum(dy * c * xhat, axis=-1)
    dx = rstd[:, None] * (dy * c - xhat * S[:, None] / D) + (1 - tj * tj) * Aj * beta
    return {"dx": dx, "dalpha": np.sum(tj * u, axis=0),
            "dbeta": np.sum((1 - tj * tj) * Aj * x, axis=0),
            "dgamma": np.sum(u, axis=0)}


# ---------------------------------------------------------------------------
# Comparison
# ---------------------------------------------------------------------------

def to_bf16(a):
    """Rounds float64 values once to bf16 (nearest even), returned as f32."""
    a32 = np.asarray(a, dtype=np.float64).astype(np.float32)
    bits = a32.view(np.uint32).astype(np.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
    out = rounded.astype(np.uint32).view(np.float32).copy()
    nan = np.isnan(a32)
    out[nan] = np.nan
    return out


def to_f16(a):
    """Rounds float64 values once to f16 (nearest even), returned as f32."""
    return np.asarray(a, dtype=np.float64).astype(np.float16).astype(np.float32)


ROUND_ONCE = {"bf16": to_bf16, "f16": to_f16}


def ulp_distance(a, b, dtype):
    """Distance in units in the last place of `dtype` (bf16 or f16) between
    two arrays of values representable in it."""
    def ordered(v):
        if dtype == "bf16":
            i = (v.astype(np.float32).view(np.uint32) >> 16).astype(np.int64)
        else:
            i = v.astype(np.float16).view(np.uint16).astype(np.int64)
        # Sign-magnitude bits to a monotonic integer line (+0 and -0 meet).
        return np.where(i & 0x8000, 0x10000 - i, i + 0x8000)
    return np.abs(ordered(a) - ordered(b))


def compare(case, name, got, ref, rows_shape, dtype, is_grad, is_param):
    ref = np.asarray(ref, dtype=np.float64).reshape(-1)
    got = got.astype(np.float64).reshape(-1)
    errors = []
    nan_ref = np.isnan(ref)
    if not np.array_equal(np.isnan(got), nan_ref):
        errors.append(f"NaN mismatch: got NaN at {np.flatnonzero(np.isnan(got)).tolist()}, "
                      f"reference at {np.flatnonzero(nan_ref).tolist()}")
    # A 16-bit result is the reference rounded once: beyond the type's range
    # (f16: 65504) that is an Inf.
    rounded = ROUND_ONCE[dtype](ref).astype(np.float64) if dtype in ROUND_ONCE else ref
    inf_ref = np.isinf(rounded)
    if not np.array_equal(got[inf_ref], rounded[inf_ref]) or np.isinf(got[~inf_ref]).any():
        errors.append("Inf mismatch")
    tol = 1e-4 if is_grad else 1e-5
    # Rows over which the relative error is normalized.
    if is_param or rows_shape is None:
        groups = ref.reshape(1, -1), got.reshape(1, -1)
    else:
        groups = ref.reshape(rows_shape), got.reshape(rows_shape)
    worst = 0.0
    for r, g in zip(*groups):
        fin = np.isfinite(r) & np.isfinite(g)
        if not fin.any():
            continue
        scale = np.max(np.abs(r[fin]))
        if dtype in ROUND_ONCE:
            rb = ROUND_ONCE[dtype](r[fin])
            ulps = ulp_distance(g[fin].astype(np.float32), rb, dtype)
            # Elements that cancel carry the f32 error of the row: gradient
            # elements (1e-4 of the row), and SeeDNorm's outputs where its gain
            # t*alpha + gamma cancels (t's f32 error, 1e-5 of the row). Other
            # forward outputs get 2 ulp, no more.
            ok = ulps <= 2
            budget = 1e-4 if is_grad else (1e-5 if case["op"] == "seednorm" else 0)
            if budget:
                ok |= np.abs(g[fin] - r[fin]) <= budget * scale
            if not ok.all():
                errors.append(f"{dtype} mismatch beyond 2 ulp: got {g[fin][~ok][:4]}, "
                              f"reference {r[fin][~ok][:4]}")
            worst = max(worst, float(np.max(ulps)))
            continue
        err = np.max(np.abs(g[fin] - r[fin]))
        rel = err / scale if scale > 0 else err
        worst = max(worst, rel)
        if rel > tol:
            errors.append(f"relative error {rel:.3e} > {tol:.0e}")
    unit = "ulp" if dtype in ROUND_ONCE else "rel"
    status = "FAIL" if errors else "ok"
    print(f"{status}: [{case['name']}] {case['op']} {name} max {unit} err {worst:.3g}")
    for e in errors[:3]:
        print(f"    {e}")
    return not errors


def main():
    with open(sys.argv[1]) as f:
        cases = [json.loads(line.split("CASE:", 1)[1])
                 for line in f if line.startswith("// CASE:")]
    blocks = parse_blocks(sys.stdin.read())
    need = sum(len(c["inputs"]) + len(c["outputs"]) for c in cases)
    if len(blocks) != need or not cases:
        print(f"FAIL: expected {need} printed memrefs, got {len(blocks)}")
        return 1
    ok = True
    pos = 0
    with np.errstate(all="ignore"):
        for case in cases:
            op, shape, heads = case["op"], case["shape"], case["heads"]
            D = shape[-1]
            N = int(np.prod(shape[:-1])) if len(shape) > 1 else 1
            ins = {}
            for name in case["inputs"]:
                ins[name] = blocks[pos].astype(np.float64)
                pos += 1
            x = ins["x"].reshape(N, D)
            eps = float(np.float32(case["eps"]))
            p = [ins[n] for n in param_names(op)]
            if op == "scalenorm" or op == "scalenorm_grad":
                p = [p[0][0]]
            if op.endswith("_grad"):
                dy = ins["dy"].reshape(N, D)
                ref = {"rmsnorm_grad": lambda: rmsnorm_grad(x, *p, dy, eps),
                       "scalenorm_grad": lambda: scalenorm_grad(x, *p, dy, eps),
                       "seednorm_grad": lambda: seednorm_grad(x, *p, dy, eps, heads),
                       }[op]()
            else:
                ref = {"rmsnorm": lambda: rmsnorm(x, *p, eps),
                       "scalenorm": lambda: scalenorm(x, *p, eps),
                       "seednorm": lambda: seednorm(x, *p, eps, heads)}[op]()
            for out in case["outputs"]:
                name = out["name"]
                got = blocks[pos]
                pos += 1
                r = ref[name]
                is_param = name.startswith("d") and name != "dx"
                if name in ("y", "dx"):
                    rows_shape = (N, D)
                elif name == "t":
                    rows_shape = (N, heads)
                elif name in ("rstd", "inv"):
                    rows_shape = (N, 1)
                else:
                    rows_shape = None
                if np.asarray(r).size != got.size:
                    print(f"FAIL: [{case['name']}] {name}: {got.size} values, "
                          f"expected {np.asarray(r).size}")
                    ok = False
                    continue
                dtype = out["dtype"]
                ok &= compare(case, name, got, r, rows_shape, dtype,
                              op.endswith("_grad"), is_param)
    print("ALL PASSED" if ok else "SOME FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
