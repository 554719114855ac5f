"""norm-mlir training demo: a small pre-norm residual network trained with SGD,
forward and gradient compiled by the project.

    /usr/bin/python3 demo/train.py [--norm {scalenorm,rmsnorm,seednorm,all}]
        [--steps N] [--blocks L] [--width D] [--batch B] [--lr LR] [--seed S]
        [--threads T] [--norm-opt PATH] [--print-every K]

The model has L blocks h = h + tanh(norm(h) . W1) . W2 (W1: D x D, W2: D x D;
norm = norm.scalenorm with its scalar g, norm.rmsnorm with its weight, or
norm.seednorm with alpha, beta, gamma). It is written as MLIR at the norm
level, func @model(x, params...) -> y, differentiated by
`norm-opt --norm-autodiff=functions=model` (giving @model_vjp(x, params...,
dy) -> (dx, dparams...)) and JIT-compiled with norm_mlir.compile
(norm-lower-to-cpu). The task is regression on a fixed random teacher
network of the same shape; the loss (mean squared error), its cotangent
dy = 2 (y - target) / (B D) and the SGD update are numpy.

Before training, step 0 is checked: the JIT forward against a float64 numpy
model, the JIT gradient of every parameter against float64 central
differences of the loss on a few coordinates, and against torch autograd
(float64, all coordinates) when torch imports.

Exit status: 0 when every check passed and the loss fell to at most half its
initial value, 1 otherwise (including any non-finite value), 2 when norm-opt
or the Python package is missing.
"""

import argparse
import os
import shutil
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "python"))

NORMS = ("scalenorm", "rmsnorm", "seednorm")
EPS = {"scalenorm": 1e-5, "rmsnorm": 1e-6, "seednorm": 1e-6}
NORM_PARAMS = {"scalenorm": ["g"], "rmsnorm": ["w"],
               "seednorm": ["alpha", "beta", "gamma"]}
FWD_TOL = 1e-4   # f32 forward of the whole network vs float64
GRAD_TOL = 1e-3  # f32 gradients vs float64 (finite differences, torch)


# --- the model as MLIR ------------------------------------------------------

def param_shapes(norm, width):
    """(name, shape) of every parameter of one block, in argument order."""
    d = width
    norm_shapes = {"scalenorm": [()], "rmsnorm": [(d,)],
                   "seednorm": [(d,), (d,), (d,)]}[norm]
    return list(zip(NORM_PARAMS[norm], norm_shapes)) + [("w1", (d, d)), ("w2", (d, d))]


def tensor_type(shape):
    return "tensor<%sf32>" % "".join("%dx" % s for s in shape)


def model_mlir(norm, blocks, width, batch, heads):
    """func @model(%x, block parameters...) -> y, at the norm level."""
    act = tensor_type((batch, width))
    args = ["%%x: %s" % act]
    for b in range(blocks):
        args += ["%%b%d_%s: %s" % (b, name, tensor_type(shape))
                 for name, shape in param_shapes(norm, width)]
    eps = "epsilon = %.1e : f32" % EPS[norm]
    lines = ["func.func @model(%s) -> %s {" % (", ".join(args), act),
             "  %zero = arith.constant 0.0 : f32"]
    h = "%x"
    for b in range(blocks):
        p = "%%b%d_" % b
        w1t, w2t = tensor_type((width, width)), tensor_type((width, width))
        vec = tensor_type((width,))
        if norm == "scalenorm":
            lines.append("  %%n%d = norm.scalenorm %s, %sg {%s} : (%s, tensor<f32>) -> %s"
                         % (b, h, p, eps, act, act))
        elif norm == "rmsnorm":
            lines.append("  %%n%d = norm.rmsnorm %s, %sw {%s} : (%s, %s) -> %s"
                         % (b, h, p, eps, act, vec, act))
        else:
            lines.append("  %%n%d = norm.seednorm %s, %salpha, %sbeta, %sgamma "
                         "{%s, heads = %d : i64} : (%s, %s, %s, %s) -> %s"
                         % (b, h, p, p, p, eps, heads, act, vec, vec, vec, act))
        lines += [
            "  %%e%d = tensor.empty() : %s" % (b, act),
            "  %%z%d = linalg.fill ins(%%zero : f32) outs(%%e%d : %s) -> %s" % (b, b, act, act),
            "  %%a%d = linalg.matmul ins(%%n%d, %sw1 : %s, %s) outs(%%z%d : %s) -> %s"
            % (b, b, p, act, w1t, b, act, act),
            "  %%t%d = math.tanh %%a%d : %s" % (b, b, act),
            "  %%o%d = linalg.matmul ins(%%t%d, %sw2 : %s, %s) outs(%%z%d : %s) -> %s"
            % (b, b, p, act, w2t, b, act, act),
            "  %%h%d = arith.addf %s, %%o%d : %s" % (b + 1, h, b, act),
        ]
        h = "%%h%d" % (b + 1)
    lines += ["  return %s : %s" % (h, act), "}"]
    return "\n".join(lines) + "\n"


# --- float64 numpy reference (research/norms-math.md) -----------------------

def ref_norm(norm, x, p, heads):
    if norm == "scalenorm":
        n = np.sqrt(np.sum(x * x, axis=-1, keepdims=True))
        return p[0] * x / np.maximum(n, EPS[norm])
    r = 1.0 / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + EPS[norm])
    if norm == "rmsnorm":
        return p[0] * x * r
    a, b, c = p
    d = x.shape[-1]
    t = np.tanh((x * b).reshape(x.shape[:-1] + (heads, d // heads)).sum(-1))
    t = np.repeat(t, d // heads, axis=-1)
    return (t * a + c) * x * r


def ref_model(norm, x, params, blocks, heads):
    k = len(params) // blocks
    h = np.asarray(x, np.float64)
    for b in range(blocks):
        p = [np.asarray(v, np.float64) for v in params[b * k:(b + 1) * k]]
        h = h + np.tanh(ref_norm(norm, h, p[:-2], heads) @ p[-2]) @ p[-1]
    return h


def torch_model(norm, x, params, blocks, heads):
    import torch
    k = len(params) // blocks
    h = x
    for b in range(blocks):
        p = params[b * k:(b + 1) * k]
        q = p[:-2]
        if norm == "scalenorm":
            n = torch.linalg.vector_norm(h, dim=-1, keepdim=True)
            nh = q[0] * h / torch.clamp(n, min=EPS[norm])
        else:
            r = torch.rsqrt((h * h).mean(-1, keepdim=True) + EPS[norm])
            if norm == "rmsnorm":
                nh = q[0] * h * r
            else:
                d = h.shape[-1]
                t = torch.tanh((h * q[1]).reshape(h.shape[:-1] + (heads, d // heads)).sum(-1))
                nh = (t.repeat_interleave(d // heads, dim=-1) * q[0] + q[2]) * h * r
        h = h + torch.tanh(nh @ p[-2]) @ p[-1]
    return h


# --- parameters and data ----------------------------------------------------

def init_params(norm, blocks, width, rng, branch_scale, spread=0.0):
    """Norm parameters at their usual init plus `spread` times noise
    (SeeDNorm's beta is always small random, so that every gradient is
    non-zero from step 0), W1 ~ N(0, 1/D), W2 ~ branch_scale N(0, 1/D)."""
    d = width
    params = []

    def around_one(shape):
        return 1.0 + spread * rng.standard_normal(shape)

    for _ in range(blocks):
        if norm == "scalenorm":
            params.append(np.array(np.sqrt(d) * abs(around_one(()))))
        elif norm == "rmsnorm":
            params.append(around_one(d))
        else:
            params += [around_one(d), (1.0 + 2.0 * spread) * rng.standard_normal(d) / np.sqrt(d),
                       around_one(d)]
        params.append(rng.standard_normal((d, d)) / np.sqrt(d))
        params.append(branch_scale * rng.standard_normal((d, d)) / np.sqrt(d))
    return [np.asarray(p, np.float32) for p in params]


def param_names(norm, blocks, width):
    return ["b%d.%s" % (b, name) for b in range(blocks)
            for name, _ in param_shapes(norm, width)]


def rel_err(got, ref):
    got, ref = np.asarray(got, np.float64), np.asarray(ref, np.float64)
    scale = max(float(np.max(np.abs(ref))), 1e-30)
    return float(np.max(np.abs(got - ref))) / scale


# --- compile ----------------------------------------------------------------

def differentiate(norm_opt, mlir):
    """Runs norm-opt --norm-autodiff=functions=model on the module text."""
    proc = subprocess.run([norm_opt, "-", "--norm-autodiff=functions=model"],
                          input=mlir, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError("norm-opt --norm-autodiff=functions=model failed "
                           "(exit %d):\n%s" % (proc.returncode, proc.stderr))
    return proc.stdout


# --- one run ------------------------------------------------------------------

def gradient_check(tag, norm, x, target, params, names, grads, blocks, heads, rng,
                   coords):
    """float64 central differences of the loss on `coords` coordinates of
    every parameter (its largest JIT-gradient entry and random ones), and
    torch autograd on all of them. Returns True when both are within
    GRAD_TOL."""
    x64, t64 = np.asarray(x, np.float64), np.asarray(target, np.float64)
    p64 = [np.asarray(p, np.float64) for p in params]

    def loss(ps):
        return float(np.mean((ref_model(norm, x64, ps, blocks, heads) - t64) ** 2))

    ok = True
    worst, worst_name = 0.0, ""
    for k, (name, g) in enumerate(zip(names, grads)):
        flat = g.reshape(-1)
        picks = {int(np.argmax(np.abs(flat)))}
        picks.update(int(i) for i in rng.choice(flat.size, size=min(coords, flat.size) - 1,
                                                replace=False))
        got, fd = [], []
        for i in sorted(picks):
            idx = np.unravel_index(i, g.shape)
            h = 1e-5 * max(1.0, abs(float(p64[k][idx])))
            ps = [p.copy() for p in p64]
            ps[k][idx] += h
            lp = loss(ps)
            ps[k][idx] -= 2 * h
            lm = loss(ps)
            fd.append((lp - lm) / (2 * h))
            got.append(float(g[idx]))
        got, fd = np.array(got), np.array(fd)
        scale = max(float(np.max(np.abs(fd))), float(np.max(np.abs(flat))), 1e-30)
        e = float(np.max(np.abs(got - fd))) / scale
        if np.isfinite(worst) and (not np.isfinite(e) or e > worst):  # NaN sticks
            worst, worst_name = e, name
    good = bool(np.isfinite(worst) and worst <= GRAD_TOL)
    ok &= good
    print("[%s] grad check vs float64 central differences (<= %d coords x %d params): "
          "max rel err %.2e at %s (tol %.0e) %s"
          % (tag, coords, len(names), worst, worst_name, GRAD_TOL, "ok" if good else "FAIL"))

    try:
        import torch
    except Exception:
        print("[%s] grad check vs torch autograd: skipped (no torch)" % tag)
        return ok
    tx = torch.tensor(x64)
    tp = [torch.tensor(p, requires_grad=True) for p in p64]
    tl = ((torch_model(norm, tx, tp, blocks, heads) - torch.tensor(t64)) ** 2).mean()
    tg = torch.autograd.grad(tl, tp)
    worst, worst_name = 0.0, ""
    for name, g, r in zip(names, grads, tg):
        e = rel_err(g, r.numpy())
        if np.isfinite(worst) and (not np.isfinite(e) or e > worst):  # NaN sticks
            worst, worst_name = e, name
    good = bool(np.isfinite(worst) and worst <= GRAD_TOL)
    ok &= good
    print("[%s] grad check vs torch autograd (all %d params): max rel err %.2e at %s "
          "(tol %.0e) %s" % (tag, len(names), worst, worst_name, GRAD_TOL,
                             "ok" if good else "FAIL"))
    return ok


def run(norm, a, norm_opt):
    import norm_mlir
    tag = norm
    d, bsz, blocks = a.width, a.batch, a.blocks
    heads = a.heads if norm == "seednorm" else 1
    rng = np.random.default_rng(a.seed)
    x = rng.standard_normal((bsz, d)).astype(np.float32)
    teacher = init_params(norm, blocks, d, rng, branch_scale=1.0, spread=0.5)
    target = ref_model(norm, x, teacher, blocks, heads).astype(np.float32)
    params = init_params(norm, blocks, d, rng, branch_scale=0.1)
    names = param_names(norm, blocks, d)
    nparam = sum(p.size for p in params)
    print("[%s] model: %d pre-norm blocks h = h + tanh(%s(h) W1) W2, width %d%s, "
          "batch %d, %d parameters; SGD lr %g, %d steps, threads %d"
          % (tag, blocks, norm, d, " heads %d" % heads if norm == "seednorm" else "",
             bsz, nparam, a.lr, a.steps, a.threads))

    t0 = time.perf_counter()
    module = differentiate(norm_opt, model_mlir(norm, blocks, d, bsz, heads))
    t1 = time.perf_counter()
    compiled = norm_mlir.compile(module, target="cpu", threads=a.threads)
    t2 = time.perf_counter()
    print("[%s] norm-opt --norm-autodiff=functions=model: %.2f s; JIT compile "
          "(norm-lower-to-cpu) of @model and @model_vjp: %.2f s"
          % (tag, t1 - t0, t2 - t1))
    model, vjp = compiled.model, compiled.model_vjp
    n = bsz * d

    def step_values(ps):
        y = model(x, *ps)
        diff = y - target
        return y, float(np.mean(diff * diff)), (2.0 / n) * diff

    ok = True
    # Step 0 checks.
    y, loss0, dy = step_values(params)
    e = rel_err(y, ref_model(norm, x, params, blocks, heads))
    good = e <= FWD_TOL
    ok &= good
    print("[%s] forward check vs float64 numpy: max rel err %.2e (tol %.0e) %s"
          % (tag, e, FWD_TOL, "ok" if good else "FAIL"))
    grads = vjp(x, *params, dy.astype(np.float32))[1:]
    ok &= gradient_check(tag, norm, x, target, params, names, grads, blocks, heads,
                         np.random.default_rng(a.seed + 1), a.check_coords)

    print("[%s] %6s %12s %10s %10s %10s %10s" % (tag, "step", "loss", "ms/step",
                                                 "jit fwd", "jit vjp", "numpy"))
    every = a.print_every or max(a.steps // 10, 1)
    losses = []
    acc = np.zeros(3)
    count = 0
    finite = True
    for step in range(a.steps):
        ta = time.perf_counter()
        y = model(x, *params)
        tb = time.perf_counter()
        diff = y - target
        loss = float(np.mean(diff * diff))
        dy = ((2.0 / n) * diff).astype(np.float32)
        tc = time.perf_counter()
        grads = vjp(x, *params, dy)[1:]
        td = time.perf_counter()
        params = [(p - np.float32(a.lr) * g).astype(np.float32) for p, g in zip(params, grads)]
        te = time.perf_counter()
        acc += [tb - ta, td - tc, (tc - tb) + (te - td)]
        count += 1
        losses.append(loss)
        if not np.isfinite(loss) or not all(np.all(np.isfinite(g)) for g in grads):
            print("[%s] step %d: non-finite loss or gradient" % (tag, step))
            finite = False
            break
        if step % every == 0 or step == a.steps - 1:
            ms = 1e3 * acc / count
            print("[%s] %6d %12.6f %10.2f %10.2f %10.2f %10.2f"
                  % (tag, step, loss, ms.sum(), ms[0], ms[1], ms[2]), flush=True)
            acc[:] = 0
            count = 0
    final = float(np.mean((model(x, *params) - target) ** 2)) if finite else float("nan")
    finite &= bool(np.isfinite(final)) and all(np.all(np.isfinite(p)) for p in params)
    fell = finite and final <= 0.5 * loss0
    ok &= fell
    print("[%s] summary: initial loss %.6f, final loss %.6f after %d steps "
          "(%.1f%% of initial): loss %s"
          % (tag, loss0, final, len(losses), 100.0 * final / loss0 if loss0 else float("nan"),
             "fell" if fell else ("NON-FINITE" if not finite else "DID NOT FALL (> 50%)")))
    print("[%s] result: %s" % (tag, "PASS" if ok else "FAIL"), flush=True)
    return ok


def find_norm_opt(arg):
    if arg:  # an explicit path (or a name on PATH) is the only candidate
        path = arg if os.sep in arg else (shutil.which(arg) or arg)
        ok = os.path.isfile(path) and os.access(path, os.X_OK)
        return (path if ok else None), [arg]
    cands = []
    if os.environ.get("NORM_MLIR_BUILD_DIR"):
        cands.append(os.path.join(os.environ["NORM_MLIR_BUILD_DIR"], "bin", "norm-opt"))
    cands.append(os.path.join(ROOT, "build", "bin", "norm-opt"))
    for c in cands:
        if os.path.isfile(c) and os.access(c, os.X_OK):
            return c, cands
    return None, cands


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--norm", default="all", choices=NORMS + ("all",))
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--blocks", type=int, default=3)
    ap.add_argument("--width", type=int, default=64)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--lr", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--heads", type=int, default=4, help="SeeDNorm heads (divides --width)")
    ap.add_argument("--threads", type=int, default=2,
                    help="norm-lower-to-cpu threads (0: all cores, 1: no OpenMP)")
    ap.add_argument("--norm-opt", default="", help="norm-opt binary (default: the build tree's)")
    ap.add_argument("--print-every", type=int, default=0, help="default: steps / 10")
    ap.add_argument("--check-coords", type=int, default=3,
                    help="finite-difference coordinates per parameter at step 0")
    a = ap.parse_args()
    if a.norm in ("seednorm", "all") and (a.heads < 1 or a.width % a.heads):
        ap.error("--heads %d does not divide --width %d" % (a.heads, a.width))
    if min(a.steps, a.blocks, a.width, a.batch, a.check_coords) < 1:
        ap.error("--steps, --blocks, --width, --batch and --check-coords must be >= 1")

    norm_opt, tried = find_norm_opt(a.norm_opt)
    if not norm_opt:
        print("train: norm-opt not found (tried: %s); build with scripts/setup.sh "
              "or pass --norm-opt PATH" % ", ".join(tried), file=sys.stderr)
        return 2
    try:
        import norm_mlir  # noqa: F401
    except ImportError as e:
        print("train: cannot import norm_mlir: %s" % e, file=sys.stderr)
        return 2
    print("train: norm-opt %s, norm_mlir %s" % (norm_opt, norm_mlir.library_path()))
    norms = NORMS if a.norm == "all" else (a.norm,)
    results = {}
    for norm in norms:
        try:
            with np.errstate(over="ignore", invalid="ignore"):  # reported as non-finite
                results[norm] = run(norm, a, norm_opt)
        except Exception as e:  # a compile or call failure is a failed run
            print("[%s] error: %s" % (norm, e))
            print("[%s] result: FAIL" % norm, flush=True)
            results[norm] = False
    failed = [k for k, v in results.items() if not v]
    print("train: %s" % ("all %d runs passed (%s)" % (len(results), ", ".join(results))
                         if not failed else "FAILED: %s" % ", ".join(failed)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
