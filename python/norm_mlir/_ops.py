"""numpy entry points for the norm ops: each call builds (once per
(op, D, dtypes, eps, heads, options)) a norm-dialect module with a dynamic
row dimension, JIT-compiles it and caches it, so every row count of the same
D reuses one kernel. Leading dimensions are flattened into rows."""

import threading

import numpy as np

from . import _capi

_SUPPORTED = {np.dtype(np.float32): "f32", np.dtype(np.float16): "f16",
              np.dtype(np.float64): "f64"}

_cache = {}
_cache_lock = threading.Lock()
_stats = {"compiles": 0, "hits": 0}

# Options passed to norm-lower-to-cpu for the built-in ops (see
# set_default_options); part of the cache key.
_default_options = {}


def set_default_options(**pipeline_options):
    """Sets the pipeline options (e.g. ``threads=1``) used by rms_norm & co.
    for kernels compiled from now on."""
    _default_options.clear()
    _default_options.update(pipeline_options)


def compile_count():
    """Number of kernels the op functions have JIT-compiled so far."""
    return _stats["compiles"]


def cache_info():
    """{'compiles': n, 'hits': n, 'size': n} for the op kernel cache."""
    return dict(_stats, size=len(_cache))


def clear_cache():
    """Drops every cached op kernel (the counters are kept)."""
    with _cache_lock:
        _cache.clear()


def _get_kernel(key, build_text):
    fn = _cache.get(key)
    if fn is not None:
        _stats["hits"] += 1
        return fn
    with _cache_lock:
        fn = _cache.get(key)
        if fn is None:
            module = _capi.compile_module(build_text(), **dict(key[-1]))
            fn = module.functions["kernel"]
            _cache[key] = fn
            _stats["compiles"] += 1
    return fn


def _eps_attr(eps):
    eps = float(eps)
    if not eps >= 0.0:
        raise ValueError("eps must be a non-negative number, got %r" % (eps,))
    # MLIR float literals need a '.'; %.9e round-trips an f32 exactly.
    return "%.9e" % eps


def _x_type(x, name="x"):
    if not isinstance(x, np.ndarray):
        x = np.asarray(x)
    et = _SUPPORTED.get(x.dtype)
    if et is None:
        raise TypeError("%s: unsupported dtype %s (supported: float32, float16, "
                        "float64)" % (name, x.dtype))
    if x.ndim < 1:
        raise ValueError("%s must have rank >= 1 (the last dimension is "
                         "normalized), got a 0-d array" % name)
    return x, et


def _param(p, name, d, x_dtype, shape=None):
    """A parameter: of x's dtype or float32; python scalars take x's dtype."""
    if not isinstance(p, np.ndarray):
        p = np.asarray(p, dtype=x_dtype)
    if p.dtype != x_dtype and p.dtype != np.float32:
        raise TypeError("%s: dtype %s must be the dtype of x (%s) or float32"
                        % (name, p.dtype, x_dtype))
    want = (d,) if shape is None else shape
    if p.shape != want:
        raise ValueError("%s: expected shape %s, got %s" % (name, want, p.shape))
    return p, _SUPPORTED[p.dtype]


def _rows(x):
    d = x.shape[-1]
    rows = 1
    for s in x.shape[:-1]:
        rows *= s
    return rows, d


def _flat(x, rows, d):
    return np.ascontiguousarray(x).reshape(rows, d)


def _same_shape(name, a, x):
    a = np.asarray(a)
    if a.shape != x.shape:
        raise ValueError("%s: expected shape %s (the shape of x), got %s"
                         % (name, x.shape, a.shape))
    if a.dtype != x.dtype:
        raise TypeError("%s: expected dtype %s (the dtype of x), got %s"
                        % (name, x.dtype, a.dtype))
    return a


def _options_key():
    return tuple(sorted(_default_options.items()))


def _ty(d, et, rows=True):
    return "tensor<?x%dx%s>" % (d, et) if rows else "tensor<%dx%s>" % (d, et)


# ---------------------------------------------------------------------------
# RMSNorm
# ---------------------------------------------------------------------------

def rms_norm(x, weight, eps=1e-6):
    """y = weight * x / sqrt(mean(x^2, -1) + eps) over the last dimension."""
    x, et = _x_type(x)
    rows, d = _rows(x)
    weight, wt = _param(weight, "weight", d, x.dtype)
    if rows == 0:
        return np.empty(x.shape, x.dtype)
    e = _eps_attr(eps)
    key = ("rms_norm", d, et, wt, e, _options_key())

    def text():
        X, W = _ty(d, et), _ty(d, wt, False)
        return ("func.func @kernel(%%x: %s, %%w: %s) -> %s {\n"
                "  %%y = norm.rmsnorm %%x, %%w {epsilon = %s : f32} : (%s, %s) -> %s\n"
                "  return %%y : %s\n}\n" % (X, W, X, e, X, W, X, X))
    y = _get_kernel(key, text)(_flat(x, rows, d), weight)
    return y.reshape(x.shape)


def rms_norm_vjp(x, weight, dy, eps=1e-6):
    """(dx, dweight) of rms_norm for the cotangent dy."""
    x, et = _x_type(x)
    rows, d = _rows(x)
    weight, wt = _param(weight, "weight", d, x.dtype)
    dy = _same_shape("dy", dy, x)
    if rows == 0:
        return np.empty(x.shape, x.dtype), np.zeros(d, weight.dtype)
    e = _eps_attr(eps)
    key = ("rms_norm_vjp", d, et, wt, e, _options_key())

    def text():
        X, W = _ty(d, et), _ty(d, wt, False)
        return ("func.func @kernel(%%dy: %s, %%x: %s, %%w: %s) -> (%s, %s) {\n"
                "  %%dx, %%dw = norm.rmsnorm_grad %%dy, %%x, %%w {epsilon = %s : f32}"
                " : (%s, %s, %s) -> (%s, %s)\n"
                "  return %%dx, %%dw : %s, %s\n}\n"
                % (X, X, W, X, W, e, X, X, W, X, W, X, W))
    dx, dw = _get_kernel(key, text)(_flat(dy, rows, d), _flat(x, rows, d), weight)
    return dx.reshape(x.shape), dw


# ---------------------------------------------------------------------------
# ScaleNorm
# ---------------------------------------------------------------------------

def _scalar_param(g, x_dtype):
    if not isinstance(g, np.ndarray):
        g = np.asarray(g, dtype=x_dtype)
    if g.shape == (1,):
        g = g.reshape(())
    return _param(g, "g", None, x_dtype, shape=())


def scale_norm(x, g, eps=1e-5):
    """y = g * x / max(||x||_2, eps) over the last dimension; g is a scalar."""
    x, et = _x_type(x)
    rows, d = _rows(x)
    g, gt = _scalar_param(g, x.dtype)
    if rows == 0:
        return np.empty(x.shape, x.dtype)
    e = _eps_attr(eps)
    key = ("scale_norm", d, et, gt, e, _options_key())

    def text():
        X, G = _ty(d, et), "tensor<%s>" % gt
        return ("func.func @kernel(%%x: %s, %%g: %s) -> %s {\n"
                "  %%y = norm.scalenorm %%x, %%g {epsilon = %s : f32} : (%s, %s) -> %s\n"
                "  return %%y : %s\n}\n" % (X, G, X, e, X, G, X, X))
    y = _get_kernel(key, text)(_flat(x, rows, d), g)
    return y.reshape(x.shape)


def scale_norm_vjp(x, g, dy, eps=1e-5):
    """(dx, dg) of scale_norm for the cotangent dy; dg is 0-d."""
    x, et = _x_type(x)
    rows, d = _rows(x)
    g, gt = _scalar_param(g, x.dtype)
    dy = _same_shape("dy", dy, x)
    if rows == 0:
        return np.empty(x.shape, x.dtype), np.zeros((), g.dtype)
    e = _eps_attr(eps)
    key = ("scale_norm_vjp", d, et, gt, e, _options_key())

    def text():
        X, G = _ty(d, et), "tensor<%s>" % gt
        return ("func.func @kernel(%%dy: %s, %%x: %s, %%g: %s) -> (%s, %s) {\n"
                "  %%dx, %%dg = norm.scalenorm_grad %%dy, %%x, %%g {epsilon = %s : f32}"
                " : (%s, %s, %s) -> (%s, %s)\n"
                "  return %%dx, %%dg : %s, %s\n}\n"
                % (X, X, G, X, G, e, X, X, G, X, G, X, G))
    dx, dg = _get_kernel(key, text)(_flat(dy, rows, d), _flat(x, rows, d), g)
    return dx.reshape(x.shape), dg


# ---------------------------------------------------------------------------
# SeeDNorm
# ---------------------------------------------------------------------------

def _seed_params(x, alpha, beta, gamma, heads):
    rows, d = _rows(x)
    heads = int(heads)
    if heads < 1 or d % heads:
        raise ValueError("heads (%d) must be >= 1 and divide the last dimension "
                         "of x (%d)" % (heads, d))
    params = [_param(p, n, d, x.dtype) for p, n in
              ((alpha, "alpha"), (beta, "beta"), (gamma, "gamma"))]
    return rows, d, heads, params


def seed_norm(x, alpha, beta, gamma, eps=1e-6, heads=1):
    """SeeDNorm: y = (tanh(x . beta per head) * alpha + gamma) * x * rstd."""
    x, et = _x_type(x)
    rows, d, heads, params = _seed_params(x, alpha, beta, gamma, heads)
    if rows == 0:
        return np.empty(x.shape, x.dtype)
    e = _eps_attr(eps)
    pts = tuple(t for _, t in params)
    key = ("seed_norm", d, et, pts, e, heads, _options_key())

    def text():
        X = _ty(d, et)
        A, B, C = (_ty(d, t, False) for t in pts)
        return ("func.func @kernel(%%x: %s, %%a: %s, %%b: %s, %%c: %s) -> %s {\n"
                "  %%y = norm.seednorm %%x, %%a, %%b, %%c {epsilon = %s : f32, heads = %d : i64}"
                " : (%s, %s, %s, %s) -> %s\n"
                "  return %%y : %s\n}\n"
                % (X, A, B, C, X, e, heads, X, A, B, C, X, X))
    y = _get_kernel(key, text)(_flat(x, rows, d), *[p for p, _ in params])
    return y.reshape(x.shape)


def seed_norm_vjp(x, alpha, beta, gamma, dy, eps=1e-6, heads=1):
    """(dx, dalpha, dbeta, dgamma) of seed_norm for the cotangent dy."""
    x, et = _x_type(x)
    rows, d, heads, params = _seed_params(x, alpha, beta, gamma, heads)
    dy = _same_shape("dy", dy, x)
    if rows == 0:
        return (np.empty(x.shape, x.dtype),) + tuple(
            np.zeros(d, p.dtype) for p, _ in params)
    e = _eps_attr(eps)
    pts = tuple(t for _, t in params)
    key = ("seed_norm_vjp", d, et, pts, e, heads, _options_key())

    def text():
        X = _ty(d, et)
        A, B, C = (_ty(d, t, False) for t in pts)
        return ("func.func @kernel(%%dy: %s, %%x: %s, %%a: %s, %%b: %s, %%c: %s)"
                " -> (%s, %s, %s, %s) {\n"
                "  %%dx, %%da, %%db, %%dc = norm.seednorm_grad %%dy, %%x, %%a, %%b, %%c"
                " {epsilon = %s : f32, heads = %d : i64}"
                " : (%s, %s, %s, %s, %s) -> (%s, %s, %s, %s)\n"
                "  return %%dx, %%da, %%db, %%dc : %s, %s, %s, %s\n}\n"
                % (X, X, A, B, C, X, A, B, C, e, heads, X, X, A, B, C, X, A, B, C,
                   X, A, B, C))
    dx, da, db, dc = _get_kernel(key, text)(
        _flat(dy, rows, d), _flat(x, rows, d), *[p for p, _ in params])
    return dx.reshape(x.shape), da, db, dc
