"""Runs norm ops whose outputs are large enough (>= 8 MiB) for the CPU
pipeline's streaming stores, through norm-runner with 2 threads, and compares
every output with the float64 numpy reference of check_norm.py.

The small integration cases never execute the streaming stores, the
row-ahead prefetches or the 16-bit store legalization: these do. Cases cover
full-width aligned 16-bit streams (bf16 rows, SeeDNorm's 4-row forward
tiles), 8-byte streams (an odd D; SeeDNorm's bf16 gradient blocks) and f32.

    check_streams.py NORM_RUNNER WORKDIR
"""

import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "Conversion", "NormToLinalg",
                                "Inputs"))
import check_norm as ref  # noqa: E402

runner, work = sys.argv[1:3]
rng = np.random.default_rng(5)
EPS = {"rmsnorm": 1e-6, "scalenorm": 1e-5, "seednorm": 1e-6}


def tensor(shape, elt):
    return "tensor<" + "x".join(map(str, shape)) + ("x" if shape else "") + elt + ">"


def module(op, grad, shape, xdt, pdt, heads, l1=None):
    params = {"rmsnorm": [[shape[-1]]], "scalenorm": [[]],
              "seednorm": [[shape[-1]]] * 3}[op]
    x = tensor(shape, xdt)
    ps = [tensor(p, pdt) for p in params]
    attrs = f"epsilon = {EPS[op]:.1e} : f32"
    if op == "seednorm":
        attrs += f", heads = {heads} : i64"
    ins = ([x, x] if grad else [x]) + ps
    outs = [x] + (ps if grad else [])
    name = f"norm.{op}" + ("_grad" if grad else "")
    args = ", ".join(f"%a{i}: {t}" for i, t in enumerate(ins))
    res = ", ".join(f"%r{i}" for i in range(len(outs)))
    ot = "(" + ", ".join(outs) + ")"
    func = (f"func.func @f({args}) -> {ot} {{\n"
            f"  {res} = {name} {', '.join(f'%a{i}' for i in range(len(ins)))} "
            f"{{{attrs}}} : ({', '.join(ins)}) -> {ot}\n"
            f"  return {res} : {', '.join(outs)}\n}}\n")
    if l1 is None:  # norm-runner describes its host
        return func
    # A target of this L1d size, whatever the host (see norm-tile-rows).
    return ("module attributes {dlti.target_system_spec = "
            "#dlti.target_system_spec<\"CPU\" = #dlti.target_device_spec<"
            f"\"L1_cache_size_in_bytes\" = {l1} : ui32>>}} {{\n{func}}}\n")


def as_input(a, dt):
    """The array the runner is given (bf16 travels as f32 and is rounded by
    the runner) and the exact values it computes on."""
    if dt == "f16":
        h = a.astype(np.float16)
        return h, h.astype(np.float64)
    a32 = a.astype(np.float32)
    exact = ref.to_bf16(a32).astype(np.float64) if dt == "bf16" else a32.astype(np.float64)
    return a32, exact


def run_case(name, op, grad, shape, xdt, pdt="f32", heads=1, l1=None):
    N, D = shape
    text = module(op, grad, shape, xdt, pdt, heads, l1)
    path = os.path.join(work, name + ".mlir")
    with open(path, "w") as f:
        f.write(text)
    x, xe = as_input(rng.uniform(-1, 1, shape) + 0.1, xdt)
    pshapes = {"rmsnorm": [(D,)], "scalenorm": [()],
               "seednorm": [(D,)] * 3}[op]
    pgen = [rng.uniform(0.5, 1.5, s) for s in pshapes]
    if op == "seednorm":  # beta ~ 1/sqrt(D) keeps tanh out of saturation
        pgen[1] = rng.uniform(-1, 1, (D,)) / np.sqrt(D)
    params = [as_input(p, pdt) for p in pgen]
    inputs = [x]
    if grad:
        dy, dye = as_input(rng.uniform(-1, 1, shape), xdt)
        inputs = [dy, x]
    inputs += [p for p, _ in params]
    files = []
    for i, a in enumerate(inputs):
        p = os.path.join(work, f"{name}_in{i}.npy")
        np.save(p, a)
        files.append(p)
    # The gradient of parameter p is named dp (dw, dg, dalpha, ...).
    outs = (["dx"] + ["d" + p for p in ref.param_names(op)]) if grad else ["y"]
    out_files = [os.path.join(work, f"{name}_{o}.npy") for o in outs]
    cmd = [runner, path, "-e", "f", "--pipeline-options=threads=2"]
    cmd += [f"--input={p}" for p in files] + [f"--output={o}" for o in out_files]
    subprocess.run(cmd, check=True)
    pe = [e for _, e in params]
    if op == "scalenorm":
        pe = [float(pe[0])]
    eps = float(np.float32(EPS[op]))
    with np.errstate(all="ignore"):
        if grad:
            r = getattr(ref, op + "_grad")(xe, *pe, dye, eps, *([heads] if op == "seednorm" else []))
        else:
            r = getattr(ref, op)(xe, *pe, eps, *([heads] if op == "seednorm" else []))
    case = {"name": name, "op": op + ("_grad" if grad else "")}
    ok = True
    for o, f in zip(outs, out_files):
        got = np.load(f).astype(np.float64)
        is_param = o != "dx" and o != "y"
        dtype = xdt if not is_param else pdt
        ok &= ref.compare(case, o, got, r[o], None if is_param else (N, D),
                          dtype, grad, is_param)
    return ok


ok = True
# bf16 rows stored one row per loop: full-width aligned streams.
ok &= run_case("rmsnorm_bf16", "rmsnorm", False, (2048, 4096), "bf16")
# An odd D: element-aligned (8-byte) f16 streams.
ok &= run_case("rmsnorm_f16_odd", "rmsnorm", False, (2048, 4097), "f16", "f16")
# SeeDNorm's 4-row forward tiles, full-width bf16 streams (rows 64 bytes off a
# multiple of 4 KiB: at 4096 they would share L1 sets and go one at a time).
ok &= run_case("seednorm_bf16", "seednorm", False, (2048, 4128), "bf16", heads=2)
# SeeDNorm's bf16 gradient: 2-row blocks streaming a whole line of each row
# per store (full width), a remainder row per chunk with half-line stores.
ok &= run_case("seednorm_grad_bf16", "seednorm", True, (2050, 2080), "bf16")
# Rows of 4096 bf16 (a multiple of 4 KiB apart): 2-row forward tiles.
ok &= run_case("seednorm_bf16_pairs", "seednorm", False, (2048, 4096), "bf16")
# A 16-bit gradient of one row per loop, and an f32 one.
ok &= run_case("scalenorm_grad_f16", "scalenorm", True, (1024, 4096), "f16")
ok &= run_case("rmsnorm_grad_f32", "rmsnorm", True, (1024, 2048), "f32")
# On a target with a 48 KiB L1d, RMSNorm's f32 gradient of 4096-wide rows goes
# 4 rows a block: 515 rows a chunk, so 3 rows of each go one at a time; and
# an odd D (4097) in blocks.
ok &= run_case("rmsnorm_grad_f32_blocks", "rmsnorm", True, (1030, 4096), "f32",
               l1=49152)
ok &= run_case("rmsnorm_grad_f32_blocks_odd", "rmsnorm", True, (519, 4097),
               "f32", l1=49152)
print("ALL PASSED" if ok else "SOME FAILED")
sys.exit(0 if ok else 1)
