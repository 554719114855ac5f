"""Gradient checks of norm-autodiff: JIT-run @f_vjp, compare with float64
central finite differences (numpy) and torch autograd (when torch imports).

A check is an MLIR module holding @f, the float32 inputs, the cotangents of
the results, and a float64 numpy function computing f (the reference). The
module goes through `norm-opt --norm-autodiff=functions=f
--convert-elementwise-to-linalg` and `norm-runner -e f_vjp` with .npy I/O;
the forward @f is run too and compared with the reference, so a wrong
reference cannot hide a wrong gradient.
"""

import os
import subprocess
import sys
import tempfile

import numpy as np

BUILD = os.environ.get("NORM_MLIR_BUILD_DIR", "")
NORM_OPT = os.path.join(BUILD, "bin", "norm-opt")
NORM_RUNNER = os.path.join(BUILD, "bin", "norm-runner")

# By default the functions run through norm-runner's own lowering
# (norm-lower-to-cpu). NORM_AUTODIFF_PIPELINE=scalar selects the upstream
# scalar CPU pipeline (research/toolchain.md §3) instead, to tell a wrong
# gradient rule from a codegen bug.
SCALAR_PIPELINE = (
    "builtin.module(convert-norm-to-linalg,"
    "func.func(convert-elementwise-to-linalg),"
    "one-shot-bufferize{bufferize-function-boundaries "
    "function-boundary-type-conversion=identity-layout-map},"
    "buffer-deallocation-pipeline,convert-bufferization-to-memref,"
    "func.func(convert-linalg-to-loops),convert-scf-to-cf,"
    "expand-strided-metadata,lower-affine,convert-to-llvm,"
    "reconcile-unrealized-casts)")
PIPELINE = os.environ.get("NORM_AUTODIFF_PIPELINE", "default")

try:
    import torch  # noqa: F401
    HAVE_TORCH = True
except Exception:  # pragma: no cover - torch is optional
    HAVE_TORCH = False


def _run(cmd):
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write("command failed: %s\n%s%s" % (" ".join(cmd), proc.stdout, proc.stderr))
        raise SystemExit(1)
    return proc.stdout


def differentiate(mlir, name="f"):
    """Returns the text of the module with @<name>_vjp, ready for norm-runner."""
    with tempfile.NamedTemporaryFile("w", suffix=".mlir", delete=False) as f:
        f.write(mlir)
        path = f.name
    try:
        return _run([NORM_OPT, path, "--norm-autodiff=functions=" + name,
                     "--convert-elementwise-to-linalg"])
    finally:
        os.unlink(path)


def jit(module_text, entry, inputs, num_outputs):
    """Runs `entry` of the module with norm-runner; returns its results."""
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "m.mlir")
        with open(path, "w") as f:
            f.write(module_text)
        cmd = [NORM_RUNNER, path, "-e", entry]
        if PIPELINE == "scalar":
            cmd.append("--pipeline=" + SCALAR_PIPELINE)
        for i, a in enumerate(inputs):
            p = os.path.join(d, "in%d.npy" % i)
            np.save(p, np.array(a, order="C"))  # keeps 0-d arrays 0-d
            cmd.append("--input=" + p)
        outs = [os.path.join(d, "out%d.npy" % i) for i in range(num_outputs)]
        cmd += ["--output=" + p for p in outs]
        _run(cmd)
        return [np.load(p) for p in outs]


def central_differences(ref, args, cotangents, h):
    """Gradient of L = sum_i <ref(args)_i, cotangents_i> in float64."""
    args = [np.asarray(a, np.float64) for a in args]

    def loss(xs):
        ys = ref(*xs)
        if not isinstance(ys, (tuple, list)):
            ys = (ys,)
        return sum(float(np.sum(y * c)) for y, c in zip(ys, cotangents))

    grads = []
    for k, a in enumerate(args):
        g = np.zeros_like(a)
        it = np.nditer(a, flags=["multi_index"])
        for _ in it:
            idx = it.multi_index
            xs = [x.copy() for x in args]
            xs[k][idx] += h
            lp = loss(xs)
            xs[k][idx] -= 2 * h
            lm = loss(xs)
            g[idx] = (lp - lm) / (2 * h)
        grads.append(g)
    return grads


def rel_err(got, ref):
    scale = max(float(np.max(np.abs(ref))), 1e-30) if ref.size else 1.0
    return float(np.max(np.abs(got.astype(np.float64) - ref))) / scale if ref.size else 0.0


def check(title, mlir, args, cotangents, ref, torch_ref=None, h=1e-6,
          tol=1e-4, arg_names=None):
    """Runs @f and @f_vjp and compares them with the references. Prints one
    line per gradient; exits non-zero on the first mismatch."""
    args = [np.asarray(a, np.float32) for a in args]
    cotangents = [np.asarray(c, np.float32) for c in cotangents]
    names = arg_names or ["arg%d" % i for i in range(len(args))]
    module = differentiate(mlir)
    ok = True

    # Forward: the reference must describe what @f computes.
    ys = jit(module, "f", args, len(cotangents))
    yref = ref(*[a.astype(np.float64) for a in args])
    if not isinstance(yref, (tuple, list)):
        yref = (yref,)
    for i, (y, r) in enumerate(zip(ys, yref)):
        e = rel_err(y, r)
        if not e <= 1e-5:
            print("%s: FAIL forward result %d rel err %.3g" % (title, i, e))
            ok = False

    grads = jit(module, "f_vjp", args + cotangents, len(args))
    fd = central_differences(ref, args, [c.astype(np.float64) for c in cotangents], h)
    tg = None
    if torch_ref is not None and HAVE_TORCH:
        tg = torch_gradients(torch_ref, args, cotangents)
    for name, g, r in zip(names, grads, fd):
        e = rel_err(g, r)
        line = "%s: d%s fd %s" % (title, name, "ok" if e <= tol else "FAIL")
        ok &= e <= tol
        if tg is not None:
            et = rel_err(g, tg[names.index(name)])
            line += " torch %s" % ("ok" if et <= tol else "FAIL")
            ok &= et <= tol
        print(line)
    if not ok:
        raise SystemExit(1)
    return grads


def torch_gradients(torch_ref, args, cotangents):
    import torch
    xs = [torch.tensor(a.astype(np.float64), requires_grad=True) for a in args]
    ys = torch_ref(*xs)
    if not isinstance(ys, (tuple, list)):
        ys = (ys,)
    loss = sum((y * torch.tensor(c.astype(np.float64))).sum() for y, c in zip(ys, cotangents))
    gs = torch.autograd.grad(loss, xs, allow_unused=True)
    return [np.zeros(a.shape) if g is None else g.detach().numpy() for a, g in zip(args, gs)]


# --- float64 references of the norm ops (research/norms-math.md) ---------

def rmsnorm(x, w, eps=1e-6):
    ms = np.mean(x * x, axis=-1, keepdims=True)
    return w * x / np.sqrt(ms + eps)


def scalenorm(x, g, eps=1e-5):
    n = np.sqrt(np.sum(x * x, axis=-1, keepdims=True))
    return g * x / np.maximum(n, eps)


def seednorm(x, a, b, c, eps=1e-6, heads=1):
    d = x.shape[-1]
    r = 1.0 / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps)
    xh = (x * b).reshape(x.shape[:-1] + (heads, d // heads))
    t = np.tanh(xh.sum(-1))
    t = np.repeat(t, d // heads, axis=-1)
    return (t * a + c) * x * r


def t_rmsnorm(x, w, eps=1e-6):
    import torch
    return w * x * torch.rsqrt((x * x).mean(-1, keepdim=True) + eps)


def t_scalenorm(x, g, eps=1e-5):
    import torch
    # vector_norm has a zero subgradient at 0 (sqrt would give 0 * inf = NaN).
    n = torch.linalg.vector_norm(x, dim=-1, keepdim=True)
    return g * x / torch.clamp(n, min=eps)


def t_seednorm(x, a, b, c, eps=1e-6, heads=1):
    import torch
    d = x.shape[-1]
    r = torch.rsqrt((x * x).mean(-1, keepdim=True) + eps)
    t = torch.tanh((x * b).reshape(x.shape[:-1] + (heads, d // heads)).sum(-1))
    t = t.repeat_interleave(d // heads, dim=-1)
    return (t * a + c) * x * r
