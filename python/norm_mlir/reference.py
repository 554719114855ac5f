"""Independent numpy float64 references of the norm ops and their
vector-Jacobian products (research/norms-math.md §2-4), used by the tests.
Every function upcasts its inputs to float64 and returns float64 arrays;
rows are all leading dimensions, the last dimension is normalized."""

import numpy as np

__all__ = ["rms_norm", "rms_norm_vjp", "scale_norm", "scale_norm_vjp",
           "seed_norm", "seed_norm_vjp"]


def _f64(*arrays):
    return [np.asarray(a, dtype=np.float64) for a in arrays]


def rms_norm(x, weight, eps=1e-6):
    x, w = _f64(x, weight)
    rstd = 1.0 / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps)
    return w * x * rstd


def rms_norm_vjp(x, weight, dy, eps=1e-6):
    x, w, dy = _f64(x, weight, dy)
    rstd = 1.0 / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps)
    xhat = x * rstd
    g = dy * w
    dx = rstd * (g - xhat * np.mean(g * xhat, axis=-1, keepdims=True))
    dw = (dy * xhat).reshape(-1, x.shape[-1]).sum(axis=0)
    return dx, dw


def scale_norm(x, g, eps=1e-5):
    x, g = _f64(x, g)
    n = np.sqrt(np.sum(x * x, axis=-1, keepdims=True))
    return g * x / np.maximum(n, eps)


def scale_norm_vjp(x, g, dy, eps=1e-5):
    x, g, dy = _f64(x, g, dy)
    n = np.sqrt(np.sum(x * x, axis=-1, keepdims=True))
    clamped = n < eps
    inv = 1.0 / np.maximum(n, eps)
    xu = x * inv
    # Below eps the clamp is constant, so no gradient flows through the norm.
    proj = np.where(clamped, 0.0, np.sum(dy * xu, axis=-1, keepdims=True))
    dx = g * inv * (dy - xu * proj)
    dg = np.sum(dy * xu)
    return dx, np.asarray(dg)


def _seed_parts(x, alpha, beta, gamma, eps, heads):
    d = x.shape[-1]
    rstd = 1.0 / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps)
    xb = (x * beta).reshape(x.shape[:-1] + (heads, d // heads))
    t = np.tanh(xb.sum(axis=-1))                       # (..., heads)
    t_full = np.repeat(t, d // heads, axis=-1)         # (..., D)
    return rstd, t, t_full


def seed_norm(x, alpha, beta, gamma, eps=1e-6, heads=1):
    x, a, b, c = _f64(x, alpha, beta, gamma)
    rstd, _, t_full = _seed_parts(x, a, b, c, eps, heads)
    return (t_full * a + c) * x * rstd


def seed_norm_vjp(x, alpha, beta, gamma, dy, eps=1e-6, heads=1):
    x, a, b, c, dy = _f64(x, alpha, beta, gamma, dy)
    d = x.shape[-1]
    hs = d // heads
    rstd, t, t_full = _seed_parts(x, a, b, c, eps, heads)
    xhat = x * rstd
    gain = t_full * a + c
    u = dy * xhat
    # A_k = sum over head k of alpha_j u_j.
    A = (a * u).reshape(x.shape[:-1] + (heads, hs)).sum(axis=-1)
    A_full = np.repeat(A, hs, axis=-1)
    S = np.sum(dy * gain * xhat, axis=-1, keepdims=True)
    dx = rstd * (dy * gain - xhat * S / d) + (1 - t_full ** 2) * A_full * b
    rows = lambda v: v.reshape(-1, d).sum(axis=0)
    dalpha = rows(t_full * u)
    dbeta = rows((1 - t_full ** 2) * A_full * x)
    dgamma = rows(u)
    return dx, dalpha, dbeta, dgamma
