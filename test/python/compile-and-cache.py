# RUN: %python %s
# REQUIRES: numpy
#
# norm_mlir.compile on a user module, the op kernel cache (a second call with
# the same op/D/dtype/eps does not recompile, other row counts reuse it) and
# the error paths: each raises a Python exception whose text names the problem.

import numpy as np

import norm_mlir
from norm_mlir import reference as ref

rng = np.random.default_rng(1)


def expect_error(exc_type, fragment, fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except exc_type as e:
        assert fragment in str(e), "message %r lacks %r" % (str(e), fragment)
        print("raised %s: %s" % (exc_type.__name__, str(e).splitlines()[0]))
        return
    raise AssertionError("expected %s containing %r" % (exc_type.__name__, fragment))


# --- compile() on a module with two functions, pipeline options ------------
MODULE = """
func.func @norm_then_scale(%x: tensor<?x64xf32>, %w: tensor<64xf32>, %s: tensor<?x64xf32>) -> tensor<?x64xf32> {
  %y = norm.rmsnorm %x, %w {epsilon = 1.0e-05 : f32} : (tensor<?x64xf32>, tensor<64xf32>) -> tensor<?x64xf32>
  %z = arith.mulf %y, %s : tensor<?x64xf32>
  return %z : tensor<?x64xf32>
}
func.func @stats(%x: tensor<4x64xf32>, %w: tensor<64xf32>) -> (tensor<4x64xf32>, tensor<4xf32>) {
  %y, %r = norm.rmsnorm %x, %w : (tensor<4x64xf32>, tensor<64xf32>) -> (tensor<4x64xf32>, tensor<4xf32>)
  return %y, %r : tensor<4x64xf32>, tensor<4xf32>
}
"""
m = norm_mlir.compile(MODULE, target="cpu", threads=1)
print(m)
assert sorted(m.functions) == ["norm_then_scale", "stats"]
fn = m.norm_then_scale
print(fn)
assert repr(fn.arguments[0]) == "tensor<?x64xf32>"
x = rng.standard_normal((5, 64)).astype(np.float32)
w = rng.standard_normal(64).astype(np.float32)
s = rng.standard_normal((5, 64)).astype(np.float32)
z = fn(x, w, s)
want = ref.rms_norm(x, w, eps=1e-5) * s
assert np.max(np.abs(z - want)) <= 1e-5 * np.max(np.abs(want)), np.max(np.abs(z - want))
y, r = m.stats(x[:4], w)
assert r.shape == (4,) and r.dtype == np.float32
assert np.allclose(r, 1 / np.sqrt(np.mean(x[:4].astype(np.float64) ** 2, -1) + 1e-6), rtol=1e-6)
# Results own their memory: they outlive the module.
del m, fn
assert np.allclose(y, ref.rms_norm(x[:4], w), rtol=1e-5, atol=1e-6)

# --- arguments are values ----------------------------------------------------
# A function whose linalg op takes an argument as `outs` returns a new array
# and leaves the caller's alone (before, c grew by a @ b at each call).
ACC = """
func.func @acc(%a: tensor<4x8xf64>, %b: tensor<8x8xf64>, %c: tensor<4x8xf64>) -> tensor<4x8xf64> {
  %m = linalg.matmul ins(%a, %b : tensor<4x8xf64>, tensor<8x8xf64>) outs(%c : tensor<4x8xf64>) -> tensor<4x8xf64>
  return %m : tensor<4x8xf64>
}
"""
acc = norm_mlir.compile(ACC).acc
a, b = rng.standard_normal((4, 8)), rng.standard_normal((8, 8))
c = rng.standard_normal((4, 8))
c0 = c.copy()
for _ in range(3):
    assert np.allclose(acc(a, b, c), a @ b + c0, rtol=1e-12, atol=1e-12)
assert np.array_equal(c, c0), "the argument array was written"

# --- the cache --------------------------------------------------------------
before = norm_mlir.compile_count()
x8 = np.ones((3, 40), np.float32)
w8 = np.ones(40, np.float32)
norm_mlir.rms_norm(x8, w8)
after_first = norm_mlir.compile_count()
assert after_first == before + 1, (before, after_first)
for rows in (1, 3, 17, 1000):
    norm_mlir.rms_norm(np.ones((rows, 40), np.float32), w8)
norm_mlir.rms_norm(np.ones((2, 5, 40), np.float32), w8)
assert norm_mlir.compile_count() == after_first, "same D/dtype/eps recompiled"
norm_mlir.rms_norm(x8, w8, eps=1e-3)           # another eps: a new kernel
norm_mlir.rms_norm(x8.astype(np.float64), w8.astype(np.float64))  # another dtype
assert norm_mlir.compile_count() == after_first + 2
info = norm_mlir.cache_info()
assert info["hits"] >= 5, info
print("cache:", info)

# --- error paths ------------------------------------------------------------
expect_error(norm_mlir.CompileError, "custom op 'norm.bogus' is unknown",
             norm_mlir.compile, "func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {\n"
             "  %y = norm.bogus %x : tensor<4xf32>\n  return %y : tensor<4xf32>\n}")
expect_error(norm_mlir.CompileError, "heads",
             norm_mlir.compile,
             "func.func @f(%x: tensor<4x6xf32>, %a: tensor<6xf32>) -> tensor<4x6xf32> {\n"
             "  %y = norm.seednorm %x, %a, %a, %a {heads = 4 : i64} : (tensor<4x6xf32>, "
             "tensor<6xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<4x6xf32>\n"
             "  return %y : tensor<4x6xf32>\n}")
expect_error(ValueError, "target", norm_mlir.compile, MODULE, target="tpu")
expect_error(ValueError, "mlir_text contains a NUL character (at 9)", norm_mlir.compile,
             "module {}\x00garbage")
expect_error(ValueError, "pipeline options contains a NUL character", norm_mlir.compile,
             MODULE, threads="1\x002")
m = norm_mlir.compile(MODULE, threads=1)
expect_error(AttributeError, "no function 'missing'", getattr, m, "missing")
expect_error(TypeError, "takes 3 arguments", m.norm_then_scale, x, w)
expect_error(TypeError, "expected dtype float32", m.norm_then_scale, x.astype(np.float64), w, s)
expect_error(ValueError, "dimension 1 is 32, expected 64", m.norm_then_scale,
             np.ones((5, 32), np.float32), w, s)
expect_error(ValueError, "expected rank 2", m.norm_then_scale, w, w, s)
expect_error(ValueError, "dimension 0 is 5, expected 4", m.stats, x, w)
# Sizes the signature leaves open but the norm op needs equal: the runtime
# check of the compiled function fails, and the call raises (the process
# used to read past the weight, then, with the checks, abort).
DYN = norm_mlir.compile('''func.func @dyn(%x: tensor<?x?xf32>, %w: tensor<?xf32>) -> tensor<?x?xf32> {
  %y = norm.rmsnorm %x, %w : (tensor<?x?xf32>, tensor<?xf32>) -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}''', target="cpu", threads=1)
for _ in range(2):  # the second catch checks SIGABRT is unblocked again
    expect_error(norm_mlir.NormMLIRError, "stopped at a failed runtime check", DYN.dyn,
                 np.ones((2, 12), np.float32), np.ones(5, np.float32))
got = DYN.dyn(np.ones((2, 12), np.float32), np.full(12, 2.0, np.float32))
assert np.allclose(got, 2.0 / np.sqrt(1.0 + 1e-6)), got

expect_error(ValueError, "weight: expected shape (8,), got (7,)",
             norm_mlir.rms_norm, np.ones((2, 8), np.float32), np.ones(7, np.float32))
expect_error(TypeError, "unsupported dtype int64",
             norm_mlir.rms_norm, np.ones((2, 8), np.int64), np.ones(8, np.float32))
expect_error(TypeError, "weight: dtype float64 must be the dtype of x (float32) or float32",
             norm_mlir.rms_norm, np.ones((2, 8), np.float32), np.ones(8, np.float64))
expect_error(ValueError, "rank >= 1", norm_mlir.rms_norm, np.float32(1), np.ones(1, np.float32))
expect_error(ValueError, "dy: expected shape (2, 8)",
             norm_mlir.rms_norm_vjp, np.ones((2, 8), np.float32), np.ones(8, np.float32),
             np.ones((8, 2), np.float32))
expect_error(ValueError, "heads (3) must be >= 1 and divide",
             norm_mlir.seed_norm, np.ones((2, 8), np.float32), *[np.ones(8, np.float32)] * 3,
             heads=3)
expect_error(ValueError, "g: expected shape ()", norm_mlir.scale_norm,
             np.ones((2, 8), np.float32), np.ones(8, np.float32))
expect_error(ValueError, "eps must be a finite non-negative f32 number, got -1.0", norm_mlir.rms_norm,
             np.ones((2, 8), np.float32), np.ones(8, np.float32), eps=-1.0)
expect_error(ValueError, "eps must be a finite non-negative f32 number, got inf", norm_mlir.rms_norm,
             np.ones((2, 8), np.float32), np.ones(8, np.float32), eps=float("inf"))
expect_error(ValueError, "eps must be a finite non-negative f32 number, got 1e+39", norm_mlir.rms_norm,
             np.ones((2, 8), np.float32), np.ones(8, np.float32), eps=1e39)
for bad in (1.5, "2", True):
    expect_error(TypeError, "heads must be an int, got %r" % (bad,), norm_mlir.seed_norm,
                 np.ones((2, 8), np.float32), np.ones(8, np.float32),
                 np.ones(8, np.float32), np.ones(8, np.float32), heads=bad)

# Concurrent calls from Python threads (ctypes drops the GIL) stay correct.
import threading

xs = [rng.standard_normal((64, 40)).astype(np.float32) for _ in range(4)]
outs = [None] * 4


def work(k):
    for _ in range(50):
        outs[k] = norm_mlir.rms_norm(xs[k], w8)


threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
for k in range(4):
    assert np.max(np.abs(outs[k] - ref.rms_norm(xs[k], w8))) <= 1e-5 * np.max(np.abs(outs[k]))
print("threads ok")

# bf16 functions take and return uint16 bit patterns.
BF16 = """
func.func @f(%x: tensor<?x32xbf16>, %w: tensor<32xf32>) -> tensor<?x32xbf16> {
  %y = norm.rmsnorm %x, %w : (tensor<?x32xbf16>, tensor<32xf32>) -> tensor<?x32xbf16>
  return %y : tensor<?x32xbf16>
}
"""
m = norm_mlir.compile(BF16)
xf = rng.standard_normal((3, 32)).astype(np.float32)
xb = (xf.view(np.uint32) >> 16).astype(np.uint16)      # truncate to bf16
yb = m.f(xb, np.ones(32, np.float32))
assert yb.dtype == np.uint16 and yb.shape == (3, 32)
y = (yb.astype(np.uint32) << 16).view(np.float32)
want = ref.rms_norm((xb.astype(np.uint32) << 16).view(np.float32), np.ones(32))
assert np.max(np.abs(y - want) / np.abs(want)) <= 2 ** -7, np.max(np.abs(y - want) / np.abs(want))

# Default pipeline options are part of the cache key.
n = norm_mlir.compile_count()
norm_mlir.set_default_options(threads=1)
y1 = norm_mlir.rms_norm(x8, w8)
norm_mlir.set_default_options()
assert norm_mlir.compile_count() == n + 1
assert np.allclose(y1, norm_mlir.rms_norm(x8, w8))
assert norm_mlir.compile_count() == n + 1
print("all passed")
