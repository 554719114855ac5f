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
    # The attribute is an f32: larger values would round to inf.
    if not 0.0 <= eps <= float(np.finfo(np.float32).max):
        raise ValueError("eps must be a finite non-negative f32 number, got %r"
                         % (eps,))
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


def _param(p, name, shape, x_dtype):
    """A parameter: of x's dtype or float32; python scalars take x's dtype."""
    if not isinstance(p, np.ndarray):
        p = np.asarray(p, dtype=x_dtype)
    if shape == () and p.shape == (1,):  # a 1-element array as the scalar
        p = p.reshape(())
    if p.dtype != x_dtype and p.dtype != np.float32:
        raise TypeError("%s: dtype %s must be the dtype of x (%s) or float32"
                        % (name, p.dtype, x_dtype))
    if p.shape != shape:
        raise ValueError("%s: expected shape %s, got %s" % (name, shape, p.shape))
    return p


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
# The ops: one spec each drives validation, the kernel's MLIR and the call
# ---------------------------------------------------------------------------

class OpSpec:
    """A norm op as the wrappers (here and in norm_mlir.torch) see it.

    name: the Python function (``name + "_vjp"`` is its gradient); mlir: the
    op (``mlir + "_grad"`` its gradient); params: the parameter names, in
    operand order; scalar: the parameters are 0-d (else shape (D,)); eps:
    the default epsilon; attrs: the integer attributes after eps (SeeDNorm's
    heads, which must divide D).
    """

    def __init__(self, name, mlir, params, scalar, eps, attrs=()):
        self.name, self.mlir, self.params = name, mlir, params
        self.scalar, self.eps, self.attrs = scalar, eps, attrs


RMS_NORM = OpSpec("rms_norm", "rmsnorm", ("weight",), False, 1e-6)
SCALE_NORM = OpSpec("scale_norm", "scalenorm", ("g",), True, 1e-5)
SEED_NORM = OpSpec("seed_norm", "seednorm", ("alpha", "beta", "gamma"), False,
                   1e-6, ("heads",))


def _prepare(spec, x, params, attrs):
    """Validates x, the parameters and the attributes (heads before the
    parameters, so a bad heads is named first); returns them converted."""
    x, et = _x_type(x)
    rows, d = _rows(x)
    for a, v in zip(spec.attrs, attrs):
        # int() would take 1.5, "2" or True silently.
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
            raise TypeError("%s must be an int, got %r" % (a, v))
    attrs = tuple(int(a) for a in attrs)
    for a, v in zip(spec.attrs, attrs):
        if v < 1 or d % v:
            raise ValueError("%s (%d) must be >= 1 and divide the last "
                             "dimension of x (%d)" % (a, v, d))
    shape = () if spec.scalar else (d,)
    params = [_param(p, n, shape, x.dtype)
              for p, n in zip(params, spec.params)]
    return x, et, rows, d, params, attrs


def _kernel_text(spec, grad, d, et, pts, e, attrs):
    """The one-op module @kernel: (x, params) -> y, or for the gradient
    (dy, x, params) -> (dx, dparams)."""
    X = _ty(d, et)
    P = ["tensor<%s>" % t if spec.scalar else _ty(d, t, False) for t in pts]
    names = ["%" + n for n in spec.params]
    ins, in_types = ["%x"] + names, [X] + P
    outs, out_types = ["%y"], [X]
    if grad:
        ins, in_types = ["%dy"] + ins, [X] + in_types
        outs = ["%dx"] + ["%d" + n for n in spec.params]
        out_types = [X] + P
    attr = ", ".join(["epsilon = %s : f32" % e] +
                     ["%s = %d : i64" % a for a in zip(spec.attrs, attrs)])
    res = out_types[0] if not grad else "(%s)" % ", ".join(out_types)
    return ("func.func @kernel(%s) -> %s {\n"
            "  %s = norm.%s%s %s {%s} : (%s) -> %s\n"
            "  return %s : %s\n}\n"
            % (", ".join("%s: %s" % a for a in zip(ins, in_types)), res,
               ", ".join(outs), spec.mlir, "_grad" if grad else "",
               ", ".join(ins), attr, ", ".join(in_types), res,
               ", ".join(outs), ", ".join(out_types)))


def _forward(spec, x, params, eps, attrs=()):
    x, et, rows, d, params, attrs = _prepare(spec, x, params, attrs)
    if rows == 0:
        return np.empty(x.shape, x.dtype)
    e = _eps_attr(eps)
    pts = tuple(_SUPPORTED[p.dtype] for p in params)
    key = (spec.name, d, et, pts, e, attrs, _options_key())
    kernel = _get_kernel(
        key, lambda: _kernel_text(spec, False, d, et, pts, e, attrs))
    return kernel(_flat(x, rows, d), *params).reshape(x.shape)


def _vjp(spec, x, params, dy, eps, attrs=()):
    x, et, rows, d, params, attrs = _prepare(spec, x, params, attrs)
    dy = _same_shape("dy", dy, x)
    if rows == 0:
        return (np.empty(x.shape, x.dtype),) + tuple(
            np.zeros(p.shape, p.dtype) for p in params)
    e = _eps_attr(eps)
    pts = tuple(_SUPPORTED[p.dtype] for p in params)
    key = (spec.name + "_vjp", d, et, pts, e, attrs, _options_key())
    kernel = _get_kernel(
        key, lambda: _kernel_text(spec, True, d, et, pts, e, attrs))
    dx, *dparams = kernel(_flat(dy, rows, d), _flat(x, rows, d), *params)
    return (dx.reshape(x.shape),) + tuple(dparams)


def rms_norm(x, weight, eps=RMS_NORM.eps):
    """y = weight * x / sqrt(mean(x^2, -1) + eps) over the last dimension."""
    return _forward(RMS_NORM, x, (weight,), eps)


def rms_norm_vjp(x, weight, dy, eps=RMS_NORM.eps):
    """(dx, dweight) of rms_norm for the cotangent dy."""
    return _vjp(RMS_NORM, x, (weight,), dy, eps)


def scale_norm(x, g, eps=SCALE_NORM.eps):
    """y = g * x / max(||x||_2, eps) over the last dimension; g is a scalar."""
    return _forward(SCALE_NORM, x, (g,), eps)


def scale_norm_vjp(x, g, dy, eps=SCALE_NORM.eps):
    """(dx, dg) of scale_norm for the cotangent dy; dg is 0-d."""
    return _vjp(SCALE_NORM, x, (g,), dy, eps)


def seed_norm(x, alpha, beta, gamma, eps=SEED_NORM.eps, heads=1):
    """SeeDNorm: y = (tanh(x . beta per head) * alpha + gamma) * x * rstd."""
    return _forward(SEED_NORM, x, (alpha, beta, gamma), eps, (heads,))


def seed_norm_vjp(x, alpha, beta, gamma, dy, eps=SEED_NORM.eps, heads=1):
    """(dx, dalpha, dbeta, dgamma) of seed_norm for the cotangent dy."""
    return _vjp(SEED_NORM, x, (alpha, beta, gamma), dy, eps, (heads,))
