"""torch.nn modules whose forward and backward run norm-mlir's JIT-compiled
CPU kernels (through torch.autograd.Function and the numpy entry points).

Importing this module requires torch. Tensors are moved to numpy without a
copy when they are contiguous CPU tensors; CUDA tensors are not supported by
these modules (the kernels here are the CPU ones).
"""

import math

import numpy as np
import torch
from torch import nn

from . import _ops

__all__ = ["RMSNormFunction", "ScaleNormFunction", "SeeDNormFunction",
           "RMSNorm", "ScaleNorm", "SeeDNorm"]

_TORCH_DTYPES = (torch.float32, torch.float16, torch.float64)


def _np(t, name):
    if t.device.type != "cpu":
        raise ValueError("norm_mlir.torch: %s is on %s; only CPU tensors are "
                         "supported" % (name, t.device))
    if t.dtype not in _TORCH_DTYPES:
        raise TypeError("norm_mlir.torch: %s has dtype %s (supported: float32, "
                        "float16, float64)" % (name, t.dtype))
    return t.detach().contiguous().numpy()


def _t(a):
    return torch.from_numpy(np.ascontiguousarray(a))


def _function(name, spec):
    """The torch.autograd.Function `name` of the op `spec`: its forward and
    backward run the op's numpy kernel and vjp."""
    fwd = getattr(_ops, spec.name)
    vjp = getattr(_ops, spec.name + "_vjp")
    n = len(spec.params)

    def forward(ctx, x, *args):
        params, ctx.attrs = args[:n], args[n:]  # attrs: eps[, heads]
        ctx.save_for_backward(x, *params)
        return _t(fwd(_np(x, "x"), *map(_np, params, spec.params), *ctx.attrs))

    def backward(ctx, dy):
        x, *params = ctx.saved_tensors
        dx, *dparams = vjp(_np(x, "x"), *map(_np, params, spec.params),
                           _np(dy.to(x.dtype), "dy"), *ctx.attrs)
        return ((_t(dx),) + tuple(_t(dp).reshape(p.shape)
                                  for dp, p in zip(dparams, params))
                + (None,) * len(ctx.attrs))

    # Built with type() so that autograd names the backward node after the
    # class (RMSNormFunctionBackward).
    doc = "apply(%s)" % ", ".join(("x",) + spec.params + ("eps",) + spec.attrs)
    return type(name, (torch.autograd.Function,),
                {"__doc__": doc, "__module__": __name__,
                 "forward": staticmethod(forward),
                 "backward": staticmethod(backward)})


RMSNormFunction = _function("RMSNormFunction", _ops.RMS_NORM)
ScaleNormFunction = _function("ScaleNormFunction", _ops.SCALE_NORM)
SeeDNormFunction = _function("SeeDNormFunction", _ops.SEED_NORM)


class _Norm(nn.Module):
    """What the modules share: forward applies `_function` to x, the
    parameters (in the op's order), eps and the op's attributes."""

    def _attrs(self):
        return tuple(getattr(self, a) for a in self._spec.attrs)

    def forward(self, x):
        params = [getattr(self, p) for p in self._spec.params]
        return self._function.apply(x, *params, self.eps, *self._attrs())

    def extra_repr(self):
        return "%d, eps=%g" % (self.dim, self.eps) + "".join(
            ", %s=%d" % a for a in zip(self._spec.attrs, self._attrs()))


class RMSNorm(_Norm):
    """RMSNorm over the last dimension: weight * x / sqrt(mean(x^2) + eps);
    `weight` initialized to 1 (Zhang & Sennrich 2019)."""
    _spec, _function = _ops.RMS_NORM, RMSNormFunction

    def __init__(self, dim, eps=_ops.RMS_NORM.eps, dtype=None):
        super().__init__()
        self.dim, self.eps = dim, eps
        self.weight = nn.Parameter(torch.ones(dim, dtype=dtype))


class ScaleNorm(_Norm):
    """ScaleNorm: g * x / max(||x||_2, eps); scalar `g` initialized to
    sqrt(dim) (Nguyen & Salazar 2019)."""
    _spec, _function = _ops.SCALE_NORM, ScaleNormFunction

    def __init__(self, dim, eps=_ops.SCALE_NORM.eps, dtype=None):
        super().__init__()
        self.dim, self.eps = dim, eps
        self.g = nn.Parameter(torch.tensor(math.sqrt(dim), dtype=dtype or
                                           torch.get_default_dtype()))


class SeeDNorm(_Norm):
    """SeeDNorm: (tanh(x . beta per head) * alpha + gamma) * x / RMS(x);
    alpha = 1, beta = 0, gamma = 1 at init, so it starts as RMSNorm
    (Cai et al. 2025)."""
    _spec, _function = _ops.SEED_NORM, SeeDNormFunction

    def __init__(self, dim, eps=_ops.SEED_NORM.eps, heads=1, dtype=None):
        super().__init__()
        if heads < 1 or dim % heads:
            raise ValueError("heads (%d) must divide dim (%d)" % (heads, dim))
        self.dim, self.eps, self.heads = dim, eps, heads
        self.alpha = nn.Parameter(torch.ones(dim, dtype=dtype))
        self.beta = nn.Parameter(torch.zeros(dim, dtype=dtype))
        self.gamma = nn.Parameter(torch.ones(dim, dtype=dtype))
