"""norm-mlir from Python: JIT-compiled RMSNorm, ScaleNorm and SeeDNorm
kernels (forward and vector-Jacobian products) on numpy arrays, and
``compile`` for any MLIR module the project can lower.

The native side is libNormCAPI.so from the project's build tree (found in
``$NORM_MLIR_BUILD_DIR/lib``, else ``<repo>/build/lib``, or at
``$NORM_MLIR_LIB``), loaded with ctypes. ``norm_mlir.torch`` adds nn.Modules
when torch is installed.
"""

from ._capi import (CompileError, CompiledModule, NormMLIRError,
                    compile_module as _compile_module, host_memory_info,
                    library_path, load_library, release_host_memory)
from ._ops import (cache_info, clear_cache, compile_count, rms_norm,
                   rms_norm_vjp, scale_norm, scale_norm_vjp, seed_norm,
                   seed_norm_vjp, set_default_options)

__all__ = ["compile", "rms_norm", "rms_norm_vjp", "scale_norm",
           "scale_norm_vjp", "seed_norm", "seed_norm_vjp", "CompileError",
           "NormMLIRError", "CompiledModule", "compile_count", "cache_info",
           "clear_cache", "set_default_options", "library_path",
           "host_memory_info", "release_host_memory"]

# Fail at import, with a message saying how to build, when the library is
# missing.
load_library()


def compile(mlir_text, target="cpu", **pipeline_options):
    """JIT-compiles an MLIR module (norm, linalg/tensor or LLVM level).

    ``pipeline_options`` go to ``norm-lower-to-<target>{...}`` (underscores
    become dashes: ``vector_width=16``); ``pipeline="..."`` replaces the
    pipeline and ``opt_level=0..3`` sets the JIT's LLVM level. The returned
    object has one callable attribute per public function, taking and
    returning numpy arrays. Raises CompileError with the MLIR diagnostics.
    """
    return _compile_module(mlir_text, target=target, **pipeline_options)
