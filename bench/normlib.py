"""Shared helpers for the norm-mlir benchmark and demo.

* MLIR text for one norm op (forward or grad) wrapped in ``func.func @f``;
* float64 numpy references of every op (research/norms-math.md §2-§4);
* bf16 rounding (nearest even, as norm-runner does for bf16 arguments) and the
  error metrics of SPEC §4;
* the byte models used for GB/s (fwd: read x + write y; bwd: read x, dy +
  write dx), which deliberately ignore the small parameter/statistic traffic.
"""

import math
import os

import numpy as np

EPS = {"rmsnorm": 1e-6, "scalenorm": 1e-5, "seednorm": 1e-6}
OPS = ("rmsnorm", "scalenorm", "seednorm")
ELEM_BYTES = {"f32": 4, "bf16": 2, "f16": 2, "f64": 8}


# ----------------------------------------------------------------------------
# MLIR generation
# ----------------------------------------------------------------------------

HUGE_PAGES_TUNABLE = "glibc.malloc.hugetlb=1"


def use_huge_pages():
    """Puts glibc's malloc of this process's future children on transparent
    huge pages (GLIBC_TUNABLES, kept with any tunables already set); for the
    benches' --thp."""
    tunables = os.environ.get("GLIBC_TUNABLES", "")
    os.environ["GLIBC_TUNABLES"] = ":".join(
        t for t in (tunables, HUGE_PAGES_TUNABLE) if t)


def _tensor(shape, elt):
    dims = "x".join(str(d) for d in shape)
    return f"tensor<{dims}x{elt}>" if dims else f"tensor<{elt}>"


def param_shapes(op, d):
    """Shapes of the parameter operands (all f32)."""
    if op == "rmsnorm":
        return [(d,)]
    if op == "scalenorm":
        return [()]
    return [(d,), (d,), (d,)]


def arg_names(op, direction):
    params = {"rmsnorm": ["weight"], "scalenorm": ["g"],
              "seednorm": ["alpha", "beta", "gamma"]}[op]
    return (["x"] if direction == "fwd" else ["dy", "x"]) + params


def mlir_module(op, direction, shape, dtype="f32", heads=1, eps=None):
    """A module with `func.func @f` computing one norm op.

    fwd: @f(x, params...) -> y; bwd: @f(dy, x, params...) -> (dx, dparams...).
    The grad ops get no saved statistics, so they recompute them (one pass
    over x and dy, the 3-stream model).
    """
    eps = EPS[op] if eps is None else eps
    xt = _tensor(shape, dtype)
    pts = [_tensor(s, "f32") for s in param_shapes(op, shape[-1])]
    attrs = f"epsilon = {eps:.6e} : f32"
    if op == "seednorm":
        attrs += f", heads = {heads} : i64"
    if direction == "fwd":
        ins = [xt] + pts
        outs = [xt]
        name = f"norm.{op}"
    else:
        ins = [xt, xt] + pts
        outs = [xt] + pts
        name = f"norm.{op}_grad"
    args = ", ".join(f"%a{i}: {t}" for i, t in enumerate(ins))
    operands = ", ".join(f"%a{i}" for i in range(len(ins)))
    res = ", ".join(f"%r{i}" for i in range(len(outs)))
    out_ty = outs[0] if len(outs) == 1 else "(" + ", ".join(outs) + ")"
    return (
        f"func.func @f({args}) -> {out_ty} {{\n"
        f"  {res} = {name} {operands} {{{attrs}}} : "
        f"({', '.join(ins)}) -> {out_ty}\n"
        f"  return {res} : {', '.join(outs)}\n"
        f"}}\n")


# ----------------------------------------------------------------------------
# Byte models
# ----------------------------------------------------------------------------

def model_bytes(direction, shape, dtype):
    """fwd = read x + write y (2 streams); bwd = read x, dy + write dx (3)."""
    n = math.prod(shape) * ELEM_BYTES[dtype]
    return 2 * n if direction == "fwd" else 3 * n


# ----------------------------------------------------------------------------
# bf16 helpers
# ----------------------------------------------------------------------------

def round_bf16(a):
    """f32 -> nearest-even bf16, returned as f32 (NaN kept)."""
    a = np.ascontiguousarray(a, dtype=np.float32)
    u = a.view(np.uint32).astype(np.uint64)
    r = ((u + 0x7FFF + ((u >> 16) & 1)) >> 16) << 16
    out = r.astype(np.uint32).view(np.float32)
    return np.where(np.isnan(a), a, out).astype(np.float32)


def bf16_ulp(a):
    """Spacing of bf16 numbers at |a| (8 significant bits)."""
    a = np.abs(np.asarray(a, dtype=np.float64))
    _, e = np.frexp(np.where(a == 0, 2.0 ** -126, a))
    return np.ldexp(1.0, e - 8)


# ----------------------------------------------------------------------------
# float64 references (research/norms-math.md)
# ----------------------------------------------------------------------------

def _rows(x):
    return x.reshape(-1, x.shape[-1]).astype(np.float64)


def ref_forward(op, x, params, heads=1, eps=None):
    eps = EPS[op] if eps is None else eps
    xr = _rows(x)
    d = xr.shape[1]
    ss = (xr * xr).sum(1, keepdims=True)
    if op == "rmsnorm":
        y = np.asarray(params[0], np.float64) * xr / np.sqrt(ss / d + eps)
    elif op == "scalenorm":
        inv = 1.0 / np.maximum(np.sqrt(ss), eps)
        y = float(params[0]) * xr * inv
    else:
        a, b, c = (np.asarray(p, np.float64) for p in params)
        r = 1.0 / np.sqrt(ss / d + eps)
        hs = d // heads
        t = np.tanh((xr * b).reshape(-1, heads, hs).sum(2))
        coef = (t[:, :, None] * a.reshape(heads, hs) + c.reshape(heads, hs))
        y = coef.reshape(-1, d) * xr * r
    return y.reshape(x.shape)


def ref_backward(op, dy, x, params, heads=1, eps=None):
    """Returns [dx, dparam...] in float64."""
    eps = EPS[op] if eps is None else eps
    xr, gr = _rows(x), _rows(dy)
    d = xr.shape[1]
    ss = (xr * xr).sum(1, keepdims=True)
    if op == "rmsnorm":
        w = np.asarray(params[0], np.float64)
        r = 1.0 / np.sqrt(ss / d + eps)
        xh = xr * r
        g = gr * w
        dx = r * (g - xh * (g * xh).mean(1, keepdims=True))
        return [dx.reshape(x.shape), (gr * xh).sum(0)]
    if op == "scalenorm":
        gs = float(params[0])
        n = np.sqrt(ss)
        clamped = n < eps
        inv = 1.0 / np.maximum(n, eps)
        xu = xr * inv
        dx = gs * inv * (gr - xu * (gr * xu).sum(1, keepdims=True))
        dx = np.where(clamped, gs * gr / eps, dx)
        dg = (gr * xr * inv).sum()
        return [dx.reshape(x.shape), np.array(dg)]
    a, b, c = (np.asarray(p, np.float64) for p in params)
    hs = d // heads
    r = 1.0 / np.sqrt(ss / d + eps)
    xh = xr * r
    t = np.tanh((xr * b).reshape(-1, heads, hs).sum(2))            # [R, h]
    u = gr * xh
    A = (a * u).reshape(-1, heads, hs).sum(2)                       # [R, h]
    G = (c * u).sum(1)
    S = (t * A).sum(1) + G
    tj = np.repeat(t, hs, axis=1)
    Aj = np.repeat(A, hs, axis=1)
    coef = tj * a + c
    dx = r * (gr * coef - xh * S[:, None] / d) + (1 - tj * tj) * Aj * b
    dgamma = u.sum(0)
    dalpha = (tj * u).sum(0)
    dbeta = ((1 - tj * tj) * Aj * xr).sum(0)
    return [dx.reshape(x.shape), dalpha, dbeta, dgamma]


def make_params(op, d, rng):
    """Parameters as a trained layer would have them (f32)."""
    if op == "rmsnorm":
        return [(1 + 0.1 * rng.standard_normal(d)).astype(np.float32)]
    if op == "scalenorm":
        return [np.array(math.sqrt(d) * 1.1, dtype=np.float32)]
    return [(1 + 0.1 * rng.standard_normal(d)).astype(np.float32),
            (rng.standard_normal(d) / math.sqrt(d)).astype(np.float32),
            (1 + 0.1 * rng.standard_normal(d)).astype(np.float32)]


def rel_err(got, ref):
    """max|got - ref| / max|ref| (the metric of research/norms-math.md §6)."""
    got = np.asarray(got, np.float64)
    ref = np.asarray(ref, np.float64)
    if got.shape != ref.shape:
        raise ValueError(f"shape {got.shape} != reference {ref.shape}")
    den = np.max(np.abs(ref)) if ref.size else 0.0
    num = np.max(np.abs(got - ref)) if ref.size else 0.0
    if not np.isfinite(num):
        return math.inf
    return float(num / den) if den > 0 else float(num)


def bf16_check(got, ref, f32_tol):
    """SPEC §4 bf16 check: every element within 2 bf16 ulp of the reference
    rounded once, on top of an f32-grade error budget `f32_tol * max|ref|`.

    The budget matters only for elements far below the row's scale, where f32
    arithmetic inside the kernel (e.g. SeeDNorm's t*alpha + gamma or the dx
    correction term cancelling) is already off by more than their bf16 ulp.
    Returns (ok, max ulps, number of elements beyond 2 ulp).
    """
    got = np.asarray(got, np.float64)
    ref = np.asarray(ref, np.float64)
    if got.shape != ref.shape:
        raise ValueError(f"shape {got.shape} != reference {ref.shape}")
    rr = round_bf16(ref.astype(np.float32)).astype(np.float64)
    diff = np.abs(got - rr)
    if not np.all(np.isfinite(diff)):
        return False, math.inf, int(np.sum(~np.isfinite(diff)))
    ulp = bf16_ulp(rr)
    scale = np.max(np.abs(ref)) if ref.size else 0.0
    ok = bool(np.all(diff <= 2 * ulp + f32_tol * scale))
    return ok, float(np.max(diff / ulp)), int(np.sum(diff > 2 * ulp))
