# RUN: %python %s huge | FileCheck %s --check-prefix=HUGE
# RUN: env NORM_MLIR_HUGE_PAGES=0 %python %s glibc | FileCheck %s --check-prefix=GLIBC
# REQUIRES: numpy
#
# The huge-page pool behind the kernels' buffers, seen from Python: a result
# of 2 MiB or more is allocated by the compiled code's own malloc, which the
# JIT binds to the pool (HostAllocator); freeing it keeps the block for the
# next call, and release_host_memory() gives the cached blocks back. With
# NORM_MLIR_HUGE_PAGES=0 nothing goes through the pool.

import gc
import sys

import numpy as np

import norm_mlir
from norm_mlir import reference as ref

MIB = 1 << 20
mode = sys.argv[1]
rng = np.random.default_rng(3)
x = rng.standard_normal((1024, 1024)).astype(np.float32)  # 4 MiB result
w = (1 + 0.1 * rng.standard_normal(1024)).astype(np.float32)

before = norm_mlir.host_memory_info()
y = norm_mlir.rms_norm(x, w, eps=1e-6)
err = np.max(np.abs(y - ref.rms_norm(x, w, 1e-6)) /
             (np.abs(ref.rms_norm(x, w, 1e-6)) + 1e-6))
assert err < 1e-5, err
during = norm_mlir.host_memory_info()
del y
gc.collect()
after_free = norm_mlir.host_memory_info()
y = norm_mlir.rms_norm(x, w, eps=1e-6)
again = norm_mlir.host_memory_info()
del y
gc.collect()
released = norm_mlir.release_host_memory()
after_release = norm_mlir.host_memory_info()

if mode == "huge":
    assert before["huge_pages"]
    grown = during["live_bytes"] - before["live_bytes"]
    # The result's block: its 4 MiB (and the few KiB its placement at x's
    # page offset adds), in whole 4 KiB pages, not rounded up to 6 MiB.
    assert 4 * MIB <= grown < 4 * MIB + 64 * 1024, grown
    assert during["mapped_blocks"] >= before["mapped_blocks"] + 1 or \
        during["reused_blocks"] >= before["reused_blocks"] + 1, during
    assert after_free["live_bytes"] == before["live_bytes"], after_free
    assert after_free["cached_bytes"] >= grown, after_free
    # The second call gets the freed block back instead of mapping one.
    assert again["reused_blocks"] == after_free["reused_blocks"] + 1, again
    assert again["mapped_blocks"] == after_free["mapped_blocks"], again
    assert released >= grown, released
    assert after_release["cached_bytes"] == 0, after_release
    assert norm_mlir.release_host_memory() == 0
    print("result block from the pool: %d KiB; reused; released %d KiB"
          % (grown // 1024, released // 1024))
    # HUGE: result block from the pool: 4{{[0-9][0-9][0-9]}} KiB; reused; released {{[0-9]+}} KiB
else:
    assert not before["huge_pages"]
    for info in (before, during, after_free, again, after_release):
        assert info["live_bytes"] == info["cached_bytes"] == 0, info
        assert info["mapped_blocks"] == info["reused_blocks"] == 0, info
    assert released == 0
    print("pool unused: %s" % sorted(after_release.items()))
    # GLIBC: pool unused: [('cached_bytes', 0), ('huge_pages', False), ('live_bytes', 0), ('mapped_blocks', 0), ('reused_blocks', 0)]
