"""ctypes binding of libNormCAPI.so (lib/CAPI/NormCAPI.cpp).

The library is looked up, in order, at ``$NORM_MLIR_LIB`` (a path to the .so),
in ``$NORM_MLIR_BUILD_DIR/lib`` and in ``<repo>/build/lib``. Compiled modules
are wrapped by :class:`CompiledModule`, whose attributes are the module's
public functions, callable with numpy arrays.
"""

import ctypes
import os
import threading

import numpy as np

__all__ = ["NormMLIRError", "CompileError", "CompiledModule", "compile_module",
           "load_library", "library_path", "host_memory_info",
           "release_host_memory"]


class NormMLIRError(RuntimeError):
    """An error reported by the native library (bad call, failed kernel)."""


class CompileError(NormMLIRError):
    """Parsing, lowering or JIT compilation failed; the text carries the MLIR
    diagnostics."""


# Element type codes of NormCAPI.cpp (enum NormElementType).
_F32, _F16, _BF16, _F64 = 0, 1, 2, 3
_CODE_TO_NAME = {_F32: "f32", _F16: "f16", _BF16: "bf16", _F64: "f64"}
_DYNAMIC = -(2 ** 63)
_MAX_RANK = 8


class _NormResult(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("allocated", ctypes.c_void_p),
                ("elementType", ctypes.c_int32), ("rank", ctypes.c_int32),
                ("shape", ctypes.c_int64 * _MAX_RANK)]


_lib = None
_lib_path = None


def _candidate_paths():
    env_lib = os.environ.get("NORM_MLIR_LIB")
    if env_lib:
        return [env_lib]
    build_dir = os.environ.get("NORM_MLIR_BUILD_DIR")
    if not build_dir:
        repo = os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__))))
        build_dir = os.path.join(repo, "build")
    return [os.path.join(build_dir, "lib", "libNormCAPI.so")]


def library_path():
    """Path of the loaded native library (loading it if needed)."""
    load_library()
    return _lib_path


def load_library():
    """Loads libNormCAPI.so once and declares its functions."""
    global _lib, _lib_path
    if _lib is not None:
        return _lib
    candidates = _candidate_paths()
    path = next((p for p in candidates if os.path.exists(p)), None)
    if path is None:
        raise ImportError(
            "norm_mlir: cannot find libNormCAPI.so (looked at: %s). Build the "
            "project (target NormCAPI), or set NORM_MLIR_BUILD_DIR to the build "
            "directory or NORM_MLIR_LIB to the library." % ", ".join(candidates))
    lib = ctypes.CDLL(path)
    vp, i, cp = ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p
    sigs = {
        "normGetLastError": ([], cp),
        "normCompile": ([cp, cp, cp, cp, i], vp),
        "normDestroy": ([vp], None),
        "normGetNumFunctions": ([vp], i),
        "normGetFunctionName": ([vp, i], cp),
        "normGetFunctionUnsupportedReason": ([vp, i], cp),
        "normGetNumValues": ([vp, i, i], i),
        "normGetValueElementType": ([vp, i, i, i], i),
        "normGetValueRank": ([vp, i, i, i], i),
        "normGetValueShape": ([vp, i, i, i], ctypes.POINTER(ctypes.c_int64)),
        "normCall": ([vp, cp, i, ctypes.POINTER(vp),
                      ctypes.POINTER(ctypes.c_int32),
                      ctypes.POINTER(ctypes.POINTER(ctypes.c_int64)), i,
                      ctypes.POINTER(_NormResult)], i),
        "normFreeResult": ([vp], None),
        "normGetHostMemoryStats": ([ctypes.POINTER(ctypes.c_int64)], i),
        "normReleaseHostMemory": ([], ctypes.c_int64),
    }
    for name, (argtypes, restype) in sigs.items():
        fn = getattr(lib, name)
        fn.argtypes = argtypes
        fn.restype = restype
    _lib, _lib_path = lib, path
    return lib


def host_memory_info():
    """What the native huge-page pool holds: a dict with ``live_bytes``
    (blocks of 2 MiB or more in use: results not yet garbage-collected, a
    kernel's own buffers during a call), ``cached_bytes`` (freed blocks kept
    for the next call, at most 1 GiB), ``mapped_blocks`` and
    ``reused_blocks`` (counts since the library was loaded) and
    ``huge_pages`` (False when ``NORM_MLIR_HUGE_PAGES=0``: then every buffer
    comes from malloc and the counts stay 0)."""
    lib = load_library()
    stats = (ctypes.c_int64 * 4)()
    huge = lib.normGetHostMemoryStats(stats)
    return {"live_bytes": stats[0], "cached_bytes": stats[1],
            "mapped_blocks": stats[2], "reused_blocks": stats[3],
            "huge_pages": bool(huge)}


def release_host_memory():
    """Gives the pool's cached blocks back to the OS (blocks in use stay);
    returns the number of bytes released."""
    return load_library().normReleaseHostMemory()


def _last_error():
    return _lib.normGetLastError().decode("utf-8", "replace")


class _ResultOwner:
    """Owns one result buffer; numpy arrays view it through
    __array_interface__ and keep this object alive as their base."""

    __slots__ = ("__array_interface__", "_allocated", "_free")

    def __init__(self, result, dtype):
        shape = tuple(result.shape[k] for k in range(result.rank))
        self._allocated = result.allocated
        self._free = _lib.normFreeResult
        self.__array_interface__ = {
            "shape": shape, "typestr": dtype.str, "version": 3,
            "data": (result.data or 0, False)}

    def __del__(self):
        if self._allocated:
            self._free(self._allocated)
            self._allocated = None


class TensorType:
    """A ranked tensor type of a function argument or result."""

    def __init__(self, element_type, shape):
        self.element_type = element_type  # "f32", "f16", "bf16", "f64"
        self.shape = shape  # tuple; None for a dynamic dimension

    @property
    def dtype(self):
        """The numpy dtype of the data; numpy has no bfloat16, so bf16 values
        are exchanged as their 16-bit patterns in uint16 arrays."""
        return {"f32": np.dtype(np.float32), "f16": np.dtype(np.float16),
                "bf16": np.dtype(np.uint16),
                "f64": np.dtype(np.float64)}.get(self.element_type)

    def __repr__(self):
        dims = "".join(("?" if d is None else str(d)) + "x" for d in self.shape)
        return "tensor<%s%s>" % (dims, self.element_type)


class Function:
    """A public function of a compiled module, callable with numpy arrays
    (bf16 tensors as uint16 bit patterns, see TensorType.dtype)."""

    def __init__(self, module, index):
        lib = _lib
        handle = module._handle
        self._module = module
        self.name = lib.normGetFunctionName(handle, index).decode()
        reason = lib.normGetFunctionUnsupportedReason(handle, index)
        self.unsupported_reason = reason.decode() if reason else ""
        self.arguments = [self._type(handle, index, 0, k)
                          for k in range(lib.normGetNumValues(handle, index, 0))]
        self.results = [self._type(handle, index, 1, k)
                        for k in range(lib.normGetNumValues(handle, index, 1))]
        self._name_bytes = self.name.encode()
        self._arg_dtypes = [t.dtype for t in self.arguments]
        self._result_dtypes = [t.dtype for t in self.results]
        n = len(self.arguments)
        self._ranks = (ctypes.c_int32 * n)(*[len(t.shape) for t in self.arguments])
        self._data_type = ctypes.c_void_p * n
        self._shapes_type = ctypes.POINTER(ctypes.c_int64) * n
        self._results_type = _NormResult * max(len(self.results), 1)

    @staticmethod
    def _type(handle, index, is_result, k):
        code = _lib.normGetValueElementType(handle, index, is_result, k)
        rank = _lib.normGetValueRank(handle, index, is_result, k)
        ptr = _lib.normGetValueShape(handle, index, is_result, k)
        shape = tuple(None if ptr[d] == _DYNAMIC else ptr[d] for d in range(rank))
        return TensorType(_CODE_TO_NAME.get(code, "?"), shape)

    def __repr__(self):
        return "<norm_mlir function @%s (%s) -> (%s)>" % (
            self.name, ", ".join(map(repr, self.arguments)),
            ", ".join(map(repr, self.results)))

    def __call__(self, *args):
        """Calls the function. Returns one array, or a tuple for zero or
        several results."""
        if self.unsupported_reason:
            raise NormMLIRError("function @%s cannot be called from Python: %s"
                                % (self.name, self.unsupported_reason))
        if len(args) != len(self.arguments):
            raise TypeError("@%s takes %d arguments %s, got %d" % (
                self.name, len(self.arguments), self.arguments, len(args)))
        n = len(args)
        arrays = []
        for k, (arg, spec) in enumerate(zip(args, self.arguments)):
            dtype = self._arg_dtypes[k]
            if dtype is None:
                raise TypeError("@%s argument #%d has type %r, which has no numpy "
                                "dtype" % (self.name, k, spec))
            a = np.asarray(arg)
            if a.dtype != dtype:
                raise TypeError("@%s argument #%d: expected dtype %s for %r, got %s"
                                % (self.name, k, dtype, spec, a.dtype))
            if a.ndim != len(spec.shape):
                raise ValueError("@%s argument #%d: expected rank %d for %r, got "
                                 "shape %s" % (self.name, k, len(spec.shape),
                                               spec, a.shape))
            for d, (have, want) in enumerate(zip(a.shape, spec.shape)):
                if want is not None and have != want:
                    raise ValueError(
                        "@%s argument #%d: expected %r, got shape %s (dimension "
                        "%d is %d, expected %d)" % (self.name, k, spec, a.shape,
                                                    d, have, want))
            # Non-contiguous (strided, transposed) arrays are copied.
            arrays.append(np.ascontiguousarray(a))
        # `__array_interface__` is cheaper than `ndarray.ctypes` (which
        # builds a helper object per array); this path is the per-call cost.
        data = self._data_type(*[a.__array_interface__["data"][0] for a in arrays])
        shapes = self._shapes_type(
            *[(ctypes.c_int64 * max(a.ndim, 1))(*a.shape) for a in arrays])
        m = len(self.results)
        results = self._results_type()
        # ctypes releases the GIL during the call and JitModule::call is not
        # thread safe, so calls into one module are serialized.
        with self._module._lock:
            status = _lib.normCall(self._module._handle, self._name_bytes, n,
                                   data, self._ranks, shapes, m, results)
        if status:
            raise NormMLIRError("calling @%s failed: %s" % (self.name, _last_error()))
        outs = []
        for k in range(m):
            dtype = self._result_dtypes[k]
            owner = _ResultOwner(results[k], dtype)
            outs.append(np.asarray(owner))
        return outs[0] if m == 1 else tuple(outs)


class CompiledModule:
    """A JIT-compiled MLIR module; its public functions are attributes."""

    def __init__(self, handle, source):
        self._handle = handle
        self._lock = threading.Lock()
        self.source = source
        count = _lib.normGetNumFunctions(handle)
        self.functions = {}
        for index in range(count):
            fn = Function(self, index)
            self.functions[fn.name] = fn

    def __getattr__(self, name):
        functions = self.__dict__.get("functions", {})
        if name in functions:
            return functions[name]
        raise AttributeError("compiled module has no function %r (functions: %s)"
                             % (name, ", ".join(functions) or "none"))

    def __getitem__(self, name):
        return self.functions[name]

    def __dir__(self):
        return list(super().__dir__()) + list(self.functions)

    def __repr__(self):
        return "<norm_mlir.CompiledModule functions=[%s]>" % ", ".join(self.functions)

    def __del__(self):
        handle = self.__dict__.get("_handle")
        if handle and _lib is not None:
            _lib.normDestroy(handle)
            self._handle = None


def _option_text(options):
    parts = []
    for key, value in sorted(options.items()):
        key = key.replace("_", "-")
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, (list, tuple)):
            value = ",".join(str(v) for v in value)
        parts.append("%s=%s" % (key, value))
    return " ".join(parts)


def compile_module(mlir_text, target="cpu", pipeline=None, opt_level=3,
                   **pipeline_options):
    """Parses, lowers (``norm-lower-to-<target>{pipeline_options}``, or the
    explicit textual ``pipeline``) and JIT-compiles ``mlir_text``."""
    lib = load_library()
    if not isinstance(mlir_text, str):
        raise TypeError("mlir_text must be a str, got %s" % type(mlir_text).__name__)
    if target not in ("cpu", "cuda"):
        raise ValueError("target must be 'cpu' or 'cuda', got %r" % (target,))
    # The C API takes C strings: a NUL would silently cut the text short.
    options = _option_text(pipeline_options)
    for name, text in (("mlir_text", mlir_text), ("pipeline", pipeline or ""),
                       ("pipeline options", options)):
        if "\0" in text:
            raise ValueError("%s contains a NUL character (at %d)"
                             % (name, text.index("\0")))
    handle = lib.normCompile(mlir_text.encode(), target.encode(),
                             options.encode(),
                             (pipeline or "").encode(), int(opt_level))
    if not handle:
        raise CompileError(_last_error())
    return CompiledModule(handle, mlir_text)
