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


class RMSNormFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, weight, eps):
        ctx.save_for_backward(x, weight)
        ctx.eps = eps
        return _t(_ops.rms_norm(_np(x, "x"), _np(weight, "weight"), eps))

    @staticmethod
    def backward(ctx, dy):
        x, weight = ctx.saved_tensors
        dx, dw = _ops.rms_norm_vjp(_np(x, "x"), _np(weight, "weight"),
                                   _np(dy.to(x.dtype), "dy"), ctx.eps)
        return _t(dx), _t(dw), None


class ScaleNormFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, g, eps):
        ctx.save_for_backward(x, g)
        ctx.eps = eps
        return _t(_ops.scale_norm(_np(x, "x"), _np(g, "g"), eps))

    @staticmethod
    def backward(ctx, dy):
        x, g = ctx.saved_tensors
        dx, dg = _ops.scale_norm_vjp(_np(x, "x"), _np(g, "g"),
                                     _np(dy.to(x.dtype), "dy"), ctx.eps)
        return _t(dx), _t(dg).reshape(g.shape), None


class SeeDNormFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, alpha, beta, gamma, eps, heads):
        ctx.save_for_backward(x, alpha, beta, gamma)
        ctx.eps, ctx.heads = eps, heads
        return _t(_ops.seed_norm(_np(x, "x"), _np(alpha, "alpha"),
                                 _np(beta, "beta"), _np(gamma, "gamma"),
                                 eps, heads))

    @staticmethod
    def backward(ctx, dy):
        x, alpha, beta, gamma = ctx.saved_tensors
        dx, da, db, dc = _ops.seed_norm_vjp(
            _np(x, "x"), _np(alpha, "alpha"), _np(beta, "beta"),
            _np(gamma, "gamma"), _np(dy.to(x.dtype), "dy"), ctx.eps, ctx.heads)
        return _t(dx), _t(da), _t(db), _t(dc), None, None


class RMSNorm(nn.Module):
    """RMSNorm over the last dimension: weight * x / sqrt(mean(x^2) + eps);
    `weight` initialized to 1 (Zhang & Sennrich 2019)."""

    def __init__(self, dim, eps=1e-6, dtype=None):
        super().__init__()
        self.dim, self.eps = dim, eps
        self.weight = nn.Parameter(torch.ones(dim, dtype=dtype))

    def forward(self, x):
        return RMSNormFunction.apply(x, self.weight, self.eps)

    def extra_repr(self):
        return "%d, eps=%g" % (self.dim, self.eps)


class ScaleNorm(nn.Module):
    """ScaleNorm: g * x / max(||x||_2, eps); scalar `g` initialized to
    sqrt(dim) (Nguyen & Salazar 2019)."""

    def __init__(self, dim, eps=1e-5, dtype=None):
        super().__init__()
        self.dim, self.eps = dim, eps
        self.g = nn.Parameter(torch.tensor(math.sqrt(dim), dtype=dtype or
                                           torch.get_default_dtype()))

    def forward(self, x):
        return ScaleNormFunction.apply(x, self.g, self.eps)

    def extra_repr(self):
        return "%d, eps=%g" % (self.dim, self.eps)


class SeeDNorm(nn.Module):
    """SeeDNorm: (tanh(x . beta per head) * alpha + gamma) * x / RMS(x);
    alpha = 1, beta = 0, gamma = 1 at init, so it starts as RMSNorm
    (Cai et al. 2025)."""

    def __init__(self, dim, eps=1e-6, heads=1, dtype=None):
        super().__init__()
        if heads < 1 or dim % heads:
            raise ValueError("heads (%d) must divide dim (%d)" % (heads, dim))
        self.dim, self.eps, self.heads = dim, eps, heads
        self.alpha = nn.Parameter(torch.ones(dim, dtype=dtype))
        self.beta = nn.Parameter(torch.zeros(dim, dtype=dtype))
        self.gamma = nn.Parameter(torch.ones(dim, dtype=dtype))

    def forward(self, x):
        return SeeDNormFunction.apply(x, self.alpha, self.beta, self.gamma,
                                      self.eps, self.heads)

    def extra_repr(self):
        return "%d, eps=%g, heads=%d" % (self.dim, self.eps, self.heads)
