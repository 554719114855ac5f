# -*- Python -*-
# lit configuration of the norm-mlir test suite.

import os
import shutil
import subprocess

import lit.formats
import lit.util
from lit.llvm import llvm_config

config.name = "NORM"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".py", ".test"]
config.excludes = ["lit.cfg.py", "lit.site.cfg.py", "Inputs", "lit.local.cfg"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.norm_obj_root, "test")

llvm_config.use_default_substitutions()
# lit scrubs the environment; the CUDA toolkit location must survive it.
llvm_config.with_system_environment(["CUDA_HOME", "CUDA_ROOT", "CUDA_PATH", "HOME"])
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("CUDA_HOME", config.cuda_home)

# Debian's python has numpy (and torch); the tests use it for references.
config.python_executable = "/usr/bin/python3"
config.substitutions.append(("%python", config.python_executable))
# MLIRConfig.cmake does not define MLIR_LIB_DIR; the runner utils live in
# LLVM's library dir.
if not config.mlir_lib_dir:
    config.mlir_lib_dir = config.llvm_shlib_dir
config.substitutions.append(("%mlir_lib_dir", config.mlir_lib_dir))
config.substitutions.append(("%llvm_shlib_dir", config.llvm_shlib_dir))
config.substitutions.append(("%libomp", os.path.join(config.llvm_shlib_dir, "libomp.so")))
config.substitutions.append(("%norm_lib_dir", config.norm_lib_dir))
config.substitutions.append(("%norm_src_root", config.norm_src_root))
config.substitutions.append(("%shlibext", ".so"))
config.substitutions.append(
    ("%mlir_runner_utils", os.path.join(config.mlir_lib_dir, "libmlir_runner_utils.so")))
config.substitutions.append(
    ("%mlir_c_runner_utils", os.path.join(config.mlir_lib_dir, "libmlir_c_runner_utils.so")))
config.substitutions.append(("%cuda_home", config.cuda_home))

tool_dirs = [config.norm_tools_dir, config.llvm_tools_dir]
tools = ["norm-opt", "norm-runner", "mlir-opt", "mlir-runner", "mlir-translate", "llc"]
llvm_config.add_tool_substitutions(tools, tool_dirs)

# PYTHONPATH for the Python package tests.
llvm_config.with_environment("PYTHONPATH", os.path.join(config.norm_src_root, "python"),
                             append_path=True)
llvm_config.with_environment("NORM_MLIR_BUILD_DIR", config.norm_obj_root)

def _python_has(module):
    try:
        return subprocess.run([config.python_executable, "-c", "import " + module],
                              capture_output=True, timeout=120).returncode == 0
    except Exception:
        return False

if _python_has("numpy"):
    config.available_features.add("numpy")
if _python_has("torch"):
    config.available_features.add("torch")

ptxas = shutil.which("ptxas") or (
    os.path.join(config.cuda_home, "bin", "ptxas")
    if os.path.exists(os.path.join(config.cuda_home, "bin", "ptxas")) else None)
if ptxas and os.path.exists(os.path.join(config.cuda_home, "nvvm", "libdevice", "libdevice.10.bc")):
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", ptxas))

# A usable CUDA GPU: a driver library and at least one device.
def _has_cuda_gpu():
    smi = shutil.which("nvidia-smi")
    if not smi:
        return False
    try:
        out = subprocess.run([smi, "-L"], capture_output=True, text=True, timeout=30)
        return out.returncode == 0 and "GPU" in out.stdout
    except Exception:
        return False

if _has_cuda_gpu():
    config.available_features.add("cuda-gpu")

if os.path.exists(os.path.join(config.llvm_shlib_dir, "libomp.so")) or \
   os.path.exists("/usr/lib/x86_64-linux-gnu/libomp.so.5"):
    config.available_features.add("openmp")

# The host's bf16 conversion instruction (AVX512-BF16 with AVX512-VL): the JIT
# of norm-runner then leaves f32 -> bf16 casts to LLVM (native-bf16=true).
def _host_cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()

if {"avx512_bf16", "avx512vl"} <= _host_cpu_flags():
    config.available_features.add("host-avx512bf16")
# The FileCheck prefix of what norm-runner's default lowering does with bf16
# casts on this host (test/Runner/runner-host-defaults.mlir).
config.substitutions.append((
    "%host_bf16_casts",
    "NATIVE" if "host-avx512bf16" in config.available_features else "EXPANDED"))

# This host's L1 data cache in bytes (0: unknown), which norm-runner writes
# into the module's DLTI target spec, and the prefetch locality hint that
# norm-prefetch-rows then gives a gradient's sweeps (test/Runner/
# runner-host-cpu-spec.mlir): 3 (L1) from 48 KiB up, else 2 (L2).
# (getconf asks the C library's sysconf, as norm-runner does; Python's
# os.sysconf does not know the name.)
def _getconf_bytes(name):
    """A cache size from getconf, in bytes; 0 when it cannot tell."""
    try:
        return max(int(subprocess.run(
            ["getconf", name], capture_output=True, text=True,
            timeout=10).stdout.strip() or 0), 0)
    except (ValueError, OSError, subprocess.SubprocessError):
        return 0


_host_l1d = _getconf_bytes("LEVEL1_DCACHE_SIZE")
if _host_l1d > 0:
    config.available_features.add("host-l1d-known")
config.substitutions.append(("%host_l1d_bytes", str(_host_l1d)))
# And its L2 (per core), which norm-runner also writes and which tells
# norm-prefetch-rows which buffers stay in cache (runner-host-l2-spec.mlir).
_host_l2 = _getconf_bytes("LEVEL2_CACHE_SIZE")
if _host_l2 > 0:
    config.available_features.add("host-l2-known")
config.substitutions.append(("%host_l2_bytes", str(_host_l2)))
_host_grad_hint = 3 if _host_l1d >= 48 * 1024 else 2
config.substitutions.append(("%host_grad_prefetch_hint", str(_host_grad_hint)))
# The other hints, as a FileCheck character class: no prefetch may use them.
config.substitutions.append((
    "%host_other_prefetch_hints",
    "[" + "".join(str(h) for h in range(4) if h != _host_grad_hint) + "]"))
