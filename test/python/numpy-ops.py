# RUN: %python %s
# REQUIRES: numpy
#
# norm_mlir's numpy entry points (forward and *_vjp) against the independent
# float64 reference (norm_mlir.reference), SPEC §4 tolerances: f32 <= 1e-5
# (forward) and <= 1e-4 (gradients) relative to the largest reference value;
# f16 forward within 2 ulp of the reference rounded once to f16.

import numpy as np

import norm_mlir
from norm_mlir import reference as ref

rng = np.random.default_rng(0)
FWD_TOL = {np.float32: 1e-5, np.float64: 1e-12}
GRAD_TOL = {np.float32: 1e-4, np.float64: 1e-10}
failures = []


def rel_err(got, want):
    got = np.asarray(got, np.float64)
    want = np.asarray(want, np.float64)
    assert got.shape == want.shape, (got.shape, want.shape)
    return np.max(np.abs(got - want)) / max(np.max(np.abs(want)), 1e-30)


def check(name, got, want, tol):
    err = rel_err(got, want)
    status = "ok" if err <= tol else "FAIL"
    print("%-45s err=%.2e tol=%.0e %s" % (name, err, tol, status))
    if err > tol:
        failures.append(name)


def check_f16(name, got, want):
    assert got.dtype == np.float16, got.dtype
    want16 = np.asarray(want).astype(np.float16)
    ulp = np.spacing(np.abs(want16)).astype(np.float64)
    ulps = np.max(np.abs(got.astype(np.float64) - want16.astype(np.float64)) / ulp)
    status = "ok" if ulps <= 2 else "FAIL"
    print("%-45s ulps=%.1f %s" % (name, ulps, status))
    if ulps > 2:
        failures.append(name)


def params(d, dtype):
    w = (1 + 0.1 * rng.standard_normal(d)).astype(dtype)
    a = (1 + 0.1 * rng.standard_normal(d)).astype(dtype)
    b = (0.05 * rng.standard_normal(d)).astype(dtype)
    c = (1 + 0.1 * rng.standard_normal(d)).astype(dtype)
    return w, a, b, c


for dtype in (np.float32, np.float64):
    for shape, heads in (((7, 64), 4), ((2, 3, 128), 8), ((96,), 1), ((33, 1000), 10)):
        d = shape[-1]
        x = rng.standard_normal(shape).astype(dtype)
        dy = rng.standard_normal(shape).astype(dtype)
        w, a, b, c = params(d, dtype)
        g = dtype(np.sqrt(d) * 0.9)
        tag = "%s%s" % (np.dtype(dtype).name, list(shape))

        y = norm_mlir.rms_norm(x, w)
        assert y.dtype == dtype and y.shape == shape
        check("rms_norm " + tag, y, ref.rms_norm(x, w), FWD_TOL[dtype])
        dx, dw = norm_mlir.rms_norm_vjp(x, w, dy)
        rdx, rdw = ref.rms_norm_vjp(x, w, dy)
        check("rms_norm_vjp dx " + tag, dx, rdx, GRAD_TOL[dtype])
        check("rms_norm_vjp dw " + tag, dw, rdw, GRAD_TOL[dtype])

        y = norm_mlir.scale_norm(x, g, eps=1e-5)
        check("scale_norm " + tag, y, ref.scale_norm(x, g), FWD_TOL[dtype])
        dx, dg = norm_mlir.scale_norm_vjp(x, g, dy)
        rdx, rdg = ref.scale_norm_vjp(x, g, dy)
        assert np.shape(dg) == (), np.shape(dg)
        check("scale_norm_vjp dx " + tag, dx, rdx, GRAD_TOL[dtype])
        check("scale_norm_vjp dg " + tag, dg, rdg, GRAD_TOL[dtype])

        y = norm_mlir.seed_norm(x, a, b, c, heads=heads)
        check("seed_norm heads=%d %s" % (heads, tag), y,
              ref.seed_norm(x, a, b, c, heads=heads), FWD_TOL[dtype])
        grads = norm_mlir.seed_norm_vjp(x, a, b, c, dy, heads=heads)
        rgrads = ref.seed_norm_vjp(x, a, b, c, dy, heads=heads)
        for gname, got, want in zip(("dx", "dalpha", "dbeta", "dgamma"), grads, rgrads):
            check("seed_norm_vjp %s %s" % (gname, tag), got, want, GRAD_TOL[dtype])

# Non-default epsilon reaches the kernel: with a large eps the result changes.
x = (1e-2 * rng.standard_normal((4, 32))).astype(np.float32)
w = np.ones(32, np.float32)
check("rms_norm eps=1e-2", norm_mlir.rms_norm(x, w, eps=1e-2),
      ref.rms_norm(x, w, eps=1e-2), 1e-5)
check("scale_norm eps=10 (clamped)", norm_mlir.scale_norm(x, 2.0, eps=10.0),
      ref.scale_norm(x, 2.0, eps=10.0), 1e-5)
dy = rng.standard_normal((4, 32)).astype(np.float32)
check("scale_norm_vjp dx eps=10 (clamped)",
      norm_mlir.scale_norm_vjp(x, 2.0, dy, eps=10.0)[0],
      ref.scale_norm_vjp(x, 2.0, dy, eps=10.0)[0], 1e-4)

# f16 activations, f16 and f32 parameters.
for pdtype in (np.float16, np.float32):
    x = rng.standard_normal((16, 256)).astype(np.float16)
    w, a, b, c = params(256, pdtype)
    check_f16("rms_norm f16 x, %s w" % np.dtype(pdtype).name,
              norm_mlir.rms_norm(x, w), ref.rms_norm(x, w))
    check_f16("seed_norm f16 x, %s params" % np.dtype(pdtype).name,
              norm_mlir.seed_norm(x, a, b, c, heads=2), ref.seed_norm(x, a, b, c, heads=2))
check_f16("scale_norm f16", norm_mlir.scale_norm(x, np.float16(16)),
          ref.scale_norm(x, 16.0))
dy = rng.standard_normal((16, 256)).astype(np.float16)
w16 = np.ones(256, np.float16)
dx, dw = norm_mlir.rms_norm_vjp(x, w16, dy)
rdx, rdw = ref.rms_norm_vjp(x, w16, dy)
assert dx.dtype == np.float16 and dw.dtype == np.float16
check("rms_norm_vjp dx f16 (2e-3)", dx, rdx, 2e-3)
check("rms_norm_vjp dw f16 (2e-3)", dw, rdw, 2e-3)

# Non-contiguous inputs are copied, not misread.
x = rng.standard_normal((64, 48)).astype(np.float32)
w = np.ones(64, np.float32)
check("rms_norm transposed input", norm_mlir.rms_norm(x.T, w), ref.rms_norm(x.T, w), 1e-5)
check("rms_norm strided input", norm_mlir.rms_norm(x[::2, ::2], w[:24]),
      ref.rms_norm(x[::2, ::2], w[:24]), 1e-5)

# Empty row count: no kernel call, correct shapes.
y = norm_mlir.rms_norm(np.zeros((0, 8), np.float32), np.ones(8, np.float32))
assert y.shape == (0, 8)
dx, dw = norm_mlir.rms_norm_vjp(np.zeros((0, 8), np.float32), np.ones(8, np.float32),
                                np.zeros((0, 8), np.float32))
assert dx.shape == (0, 8) and np.all(dw == 0)

# NaN propagates to its row only.
x = np.ones((3, 16), np.float32)
x[1, 5] = np.nan
y = norm_mlir.rms_norm(x, np.ones(16, np.float32))
assert np.all(np.isnan(y[1])) and np.all(np.isfinite(y[[0, 2]])), y

# Inputs at any address: the kernels place their results at an input's page
# offset (norm-place-row-buffers), rounded down to 64 bytes; inputs only 4-byte
# aligned or at unusual page offsets must still give exact-layout results.
for shift in (1, 15, 16, 1000):
    base = np.empty(64 * 512 * 2 + 4096, np.float32)
    x = base[shift:shift + 64 * 512].reshape(64, 512)
    x[...] = rng.standard_normal((64, 512))
    dy = base[34000 + shift:34000 + shift + 64 * 512].reshape(64, 512)
    dy[...] = rng.standard_normal((64, 512))
    w, a, b, c = params(512, np.float32)
    tag = "at +%d floats" % shift
    check("rms_norm " + tag, norm_mlir.rms_norm(x, w), ref.rms_norm(x, w), 1e-5)
    dx, dw = norm_mlir.rms_norm_vjp(x, w, dy)
    rdx, rdw = ref.rms_norm_vjp(x, w, dy)
    check("rms_norm_vjp dx " + tag, dx, rdx, 1e-4)
    check("rms_norm_vjp dw " + tag, dw, rdw, 1e-4)
    check("seed_norm " + tag, norm_mlir.seed_norm(x, a, b, c, heads=4),
          ref.seed_norm(x, a, b, c, heads=4), 1e-5)
    got = norm_mlir.seed_norm_vjp(x, a, b, c, dy, heads=4)
    want = ref.seed_norm_vjp(x, a, b, c, dy, heads=4)
    for name, g_, w_ in zip(("dx", "dalpha", "dbeta", "dgamma"), got, want):
        check("seed_norm_vjp %s %s" % (name, tag), g_, w_, 1e-4)

# The check of the issue.
y = norm_mlir.rms_norm(np.ones((2, 8), np.float32), np.ones(8, np.float32))
assert np.allclose(y, 1 / np.sqrt(1 + 1e-6), rtol=1e-6), y

if failures:
    raise SystemExit("FAILED: " + ", ".join(failures))
print("all passed")
