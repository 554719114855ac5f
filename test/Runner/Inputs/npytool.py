"""Helpers for the norm-runner tests: write inputs and check outputs.

  npytool.py write PATH DTYPE SHAPE SEED [fortran]   random uniform[-1, 1)
  npytool.py raw PATH BYTES                             arbitrary bytes
  npytool.py truncate SRC DST NBYTES                    cut a file short
  npytool.py check EXPR OUT [ATOL RTOL]                 compare OUT to EXPR

EXPR is evaluated with numpy as `np`, `load(path)` (float64) and `bf16(a)`
(round to bf16 and back, as the runner does for bf16 arguments).
"""
import sys

import numpy as np


def bf16(a):
    a = np.ascontiguousarray(a, dtype=np.float32)
    bits = a.view(np.uint32).astype(np.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16 << 16
    return rounded.astype(np.uint32).view(np.float32).astype(np.float64)


def load(path):
    return np.load(path).astype(np.float64)


def main(argv):
    cmd = argv[1]
    if cmd == "write":
        path, dtype, shape, seed = argv[2], argv[3], argv[4], int(argv[5])
        dims = tuple(int(d) for d in shape.split("x")) if shape else ()
        rng = np.random.default_rng(seed)
        a = rng.uniform(-1.0, 1.0, size=dims).astype(dtype)
        if len(argv) > 6 and argv[6] == "fortran":
            a = np.asfortranarray(a)
        np.save(path, a)
    elif cmd == "raw":
        with open(argv[2], "wb") as f:
            f.write(argv[3].encode())
    elif cmd == "truncate":
        data = open(argv[2], "rb").read()
        with open(argv[3], "wb") as f:
            f.write(data[: int(argv[4])])
    elif cmd == "check":
        expected = np.asarray(eval(argv[2]), dtype=np.float64)
        out = np.load(argv[3])
        atol = float(argv[4]) if len(argv) > 4 else 1e-6
        rtol = float(argv[5]) if len(argv) > 5 else 1e-5
        if out.shape != expected.shape:
            print(f"FAIL shape {out.shape} != {expected.shape}")
            return 1
        got = out.astype(np.float64)
        err = np.max(np.abs(got - expected) - rtol * np.abs(expected), initial=0)
        # NaN must appear exactly where the reference has one.
        if not np.all(np.isclose(got, expected, rtol=rtol, atol=atol,
                                 equal_nan=True)):
            print(f"FAIL {argv[3]}: max excess error {err}")
            return 1
        print(f"OK {argv[3]} dtype={out.dtype} shape={out.shape}")
    else:
        print("unknown command", cmd)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
