# RUN: %python %s
# REQUIRES: torch
#
# norm_mlir.torch: the modules' parameters start as the papers say, their
# forward and backward (the compiled norm.*_grad kernels) match torch autograd
# through the plain torch formulas (torch 1.13 has no F.rms_norm), they pass
# torch.autograd.gradcheck in float64, and a few SGD steps train a SeeDNorm.

import torch

from norm_mlir.torch import (RMSNorm, RMSNormFunction, ScaleNorm,
                              ScaleNormFunction, SeeDNorm, SeeDNormFunction)

torch.manual_seed(0)


def rms_formula(x, w, eps):
    return w * x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps)


def scale_formula(x, g, eps):
    return g * x / torch.clamp(x.norm(dim=-1, keepdim=True), min=eps)


def seed_formula(x, a, b, c, eps, heads):
    d = x.shape[-1]
    t = torch.tanh((x * b).reshape(*x.shape[:-1], heads, d // heads).sum(-1))
    t = t.repeat_interleave(d // heads, dim=-1)
    return (t * a + c) * x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps)


def formula(module, x):
    if isinstance(module, RMSNorm):
        return rms_formula(x, module.weight, module.eps)
    if isinstance(module, ScaleNorm):
        return scale_formula(x, module.g, module.eps)
    return seed_formula(x, module.alpha, module.beta, module.gamma, module.eps,
                        module.heads)


# Initialization as in the papers.
m = ScaleNorm(64)
assert m.g.shape == () and abs(m.g.item() - 8.0) < 1e-6
m = SeeDNorm(64, heads=4)
assert torch.all(m.alpha == 1) and torch.all(m.beta == 0) and torch.all(m.gamma == 1)
assert torch.all(RMSNorm(64).weight == 1)

# Forward and backward against torch autograd on the formulas (f32).
for make in (lambda: RMSNorm(96), lambda: ScaleNorm(96), lambda: SeeDNorm(96, heads=4)):
    module = make()
    with torch.no_grad():
        for p in module.parameters():
            p.add_(0.1 * torch.randn_like(p))
    x = torch.randn(2, 5, 96, requires_grad=True)
    dy = torch.randn(2, 5, 96)
    y = module(x)
    y.backward(dy)
    grads = [x.grad.clone()] + [p.grad.clone() for p in module.parameters()]
    x.grad = None
    module.zero_grad()
    y_ref = formula(module, x)
    y_ref.backward(dy)
    refs = [x.grad] + [p.grad for p in module.parameters()]
    err = ((y - y_ref).abs().max() / y_ref.abs().max()).item()
    assert err <= 1e-5, (type(module).__name__, err)
    for k, (got, want) in enumerate(zip(grads, refs)):
        assert got.shape == want.shape, (got.shape, want.shape)
        gerr = ((got - want).abs().max() / want.abs().max().clamp(min=1e-30)).item()
        assert gerr <= 1e-4, (type(module).__name__, k, gerr)
    print("%-9s forward err %.1e, backward ok vs torch autograd" % (type(module).__name__, err))

# gradcheck in float64 (inputs and parameters).
for module in (RMSNorm(16, dtype=torch.float64), ScaleNorm(16, dtype=torch.float64),
               SeeDNorm(16, heads=2, dtype=torch.float64)):
    with torch.no_grad():
        for p in module.parameters():
            p.add_(0.3 * torch.randn_like(p))
    x = torch.randn(3, 16, dtype=torch.float64, requires_grad=True)
    params = tuple(module.parameters())

    if isinstance(module, RMSNorm):
        fn = lambda x, w, eps=module.eps: RMSNormFunction.apply(x, w, eps)
    elif isinstance(module, ScaleNorm):
        fn = lambda x, g, eps=module.eps: ScaleNormFunction.apply(x, g, eps)
    else:
        fn = lambda x, a, b, c, eps=module.eps, h=module.heads: \
            SeeDNormFunction.apply(x, a, b, c, eps, h)
    inputs = (x,) + tuple(p.detach().clone().requires_grad_(True) for p in params)
    assert torch.autograd.gradcheck(fn, inputs, eps=1e-6, atol=1e-7, rtol=1e-5)
    print("%-9s gradcheck float64 passed" % type(module).__name__)

# f16 activations with f32 parameters (mixed precision) and non-contiguous
# inputs: dtypes follow their tensors, gradients reach every parameter.
x = torch.randn(4, 64, dtype=torch.float16, requires_grad=True)
m = SeeDNorm(64, heads=2)
y = m(x)
y.float().sum().backward()
assert y.dtype == torch.float16 and x.grad.dtype == torch.float16
assert m.alpha.grad.dtype == torch.float32 and m.beta.grad.abs().max() > 0
xt = torch.randn(64, 8).t()
assert not xt.is_contiguous()
assert torch.allclose(RMSNorm(64)(xt), rms_formula(xt, torch.ones(64), 1e-6), rtol=1e-5, atol=1e-6)

# Unsupported dtypes are refused with a clear message.
try:
    RMSNorm(8)(torch.ones(2, 8, dtype=torch.int32))
except TypeError as e:
    assert "dtype torch.int32" in str(e), str(e)
else:
    raise AssertionError("int input accepted")

# A few SGD steps with SeeDNorm (+ a linear layer) reduce a regression loss.
torch.manual_seed(1)
model = torch.nn.Sequential(torch.nn.Linear(32, 64), SeeDNorm(64, heads=4),
                            torch.nn.Linear(64, 8))
opt = torch.optim.SGD(model.parameters(), lr=0.05)
xs, ys = torch.randn(128, 32), torch.randn(128, 8)
losses = []
for step in range(20):
    opt.zero_grad()
    loss = torch.nn.functional.mse_loss(model(xs), ys)
    loss.backward()
    opt.step()
    losses.append(loss.item())
seed = model[1]
assert seed.beta.abs().max() > 0, "beta did not move"
assert losses[-1] < losses[0], losses
print("SeeDNorm training: loss %.4f -> %.4f" % (losses[0], losses[-1]))
print("all passed")
