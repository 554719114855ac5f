// Every user error is a message naming the problem and a non-zero exit.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/Inputs/npytool.py write %t/x.npy float32 4x8 1
// RUN: %python %S/Inputs/npytool.py write %t/w.npy float32 8 2
// RUN: %python %S/Inputs/npytool.py write %t/x64.npy float64 4x8 1
// RUN: %python %S/Inputs/npytool.py write %t/x16.npy float16 4x8 1
// RUN: %python %S/Inputs/npytool.py write %t/w7.npy float32 7 2
// RUN: %python %S/Inputs/npytool.py write %t/x1d.npy float32 32 2
// RUN: %python %S/Inputs/npytool.py write %t/xf.npy float32 4x8 1 fortran
// RUN: %python -c "import numpy as np; np.save('%t/xi.npy', np.zeros((4, 8), dtype=np.int32)); np.save('%t/xbe.npy', np.zeros((4, 8), dtype='>f4'))"
// RUN: %python %S/Inputs/npytool.py raw %t/notnpy.npy "hello world, not an npy file"
// RUN: %python %S/Inputs/npytool.py truncate %t/x.npy %t/trunc.npy 150
// RUN: %python %S/Inputs/npytool.py truncate %t/x.npy %t/trunchdr.npy 40
// DEFINE: %{run} = norm-runner %S/Inputs/rms.mlir --pipeline="%scalar_pipeline"

// RUN: not %{run} -e rms --input=%t/missing.npy --input=%t/w.npy 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: error: cannot open '{{.*}}missing.npy': No such file or directory

// RUN: not norm-runner %t/nonexistent.mlir 2>&1 | FileCheck %s --check-prefix=NOINPUT
// NOINPUT: error: cannot open input file '{{.*}}nonexistent.mlir': No such file or directory

// RUN: not %{run} -e rms --input=%t/notnpy.npy --input=%t/w.npy 2>&1 | FileCheck %s --check-prefix=NOTNPY
// NOTNPY: error: bad .npy file '{{.*}}notnpy.npy': missing the \x93NUMPY magic (not a .npy file)

// RUN: not %{run} -e rms --input=%t/trunc.npy --input=%t/w.npy 2>&1 | FileCheck %s --check-prefix=TRUNC
// TRUNC: error: bad .npy file '{{.*}}trunc.npy': truncated data: expected 128 bytes, found 22
// RUN: not %{run} -e rms --input=%t/trunchdr.npy --input=%t/w.npy 2>&1 | FileCheck %s --check-prefix=TRUNCHDR
// TRUNCHDR: error: bad .npy file '{{.*}}trunchdr.npy': truncated header

// RUN: not %{run} -e rms --input=%t/xf.npy --input=%t/w.npy 2>&1 | FileCheck %s --check-prefix=FORTRAN
// FORTRAN: error: bad .npy file '{{.*}}xf.npy': Fortran-order arrays are not supported

// RUN: not %{run} -e rms --input=%t/xi.npy --input=%t/w.npy 2>&1 | FileCheck %s --check-prefix=INTDTYPE
// INTDTYPE: error: bad .npy file '{{.*}}xi.npy': unsupported dtype '<i4' (supported: '<f2', '<f4', '<f8')
// RUN: not %{run} -e rms --input=%t/xbe.npy --input=%t/w.npy 2>&1 | FileCheck %s --check-prefix=BIGENDIAN
// BIGENDIAN: error: bad .npy file '{{.*}}xbe.npy': unsupported dtype '>f4'

// RUN: not %{run} -e rms --input=%t/x64.npy --input=%t/w.npy 2>&1 | FileCheck %s --check-prefix=DTYPE
// DTYPE: error: dtype mismatch for argument #0 of 'rms' (tensor<4x8xf32>), from '{{.*}}x64.npy': a f32 tensor needs a '<f4' array, got '<f8'
// RUN: not %{run} -e rms --input=%t/x16.npy --input=%t/w.npy 2>&1 | FileCheck %s --check-prefix=DTYPE16
// DTYPE16: error: dtype mismatch for argument #0 of 'rms' (tensor<4x8xf32>), {{.*}} got '<f2'

// RUN: not %{run} -e rms --input=%t/x.npy --input=%t/w7.npy 2>&1 | FileCheck %s --check-prefix=SHAPE
// SHAPE: error: shape mismatch: argument #1 of 'rms' (tensor<8xf32>): dimension 0 must be 8, got 7 (shape [7]) from '{{.*}}w7.npy' of shape [7]
// RUN: not %{run} -e rms --input=%t/x1d.npy --input=%t/w.npy 2>&1 | FileCheck %s --check-prefix=RANK
// RANK: error: shape mismatch: argument #0 of 'rms' (tensor<4x8xf32>): expected rank 2, got shape [32]
// RUN: not %{run} -e rms_dyn --input=%t/x.npy --input=%t/w7.npy 2>&1 | FileCheck %s --check-prefix=DYNSHAPE
// DYNSHAPE: error: shape mismatch: argument #1 of 'rms_dyn' (tensor<8xf32>): dimension 0 must be 8, got 7

// RUN: not %{run} -e rms_dyn --random-inputs=1 2>&1 | FileCheck %s --check-prefix=DYNRANDOM
// DYNRANDOM: error: argument #0 of 'rms_dyn' (tensor<?x8xf32>) has dynamic dimensions; give its data with --input (--random-inputs needs static shapes)

// A static shape whose size in bytes overflows (the random buffer used to
// be allocated from the wrapped size, and the kernel then wrote past it).
// RUN: not %{run} -e huge --random-inputs=1 2>&1 | FileCheck %s --check-prefix=HUGE
// HUGE: error: argument #0 of 'huge' (tensor<9223372036854775807x2xf32>) has more bytes than a 64-bit size can count
// RUN: not %{run} -e huge_bytes --random-inputs=1 2>&1 | FileCheck %s --check-prefix=HUGEBYTES
// HUGEBYTES: error: argument #0 of 'huge_bytes' (tensor<1x4611686018427387904xf32>) has more bytes than a 64-bit size can count
// No bytes at all, however many rows: runs.
// RUN: %{run} -e huge_empty --random-inputs=1

// RUN: not %{run} -e rms --input=%t/x.npy 2>&1 | FileCheck %s --check-prefix=NODATA
// NODATA: error: no data for argument #1 of 'rms' (tensor<8xf32>): give one --input per argument or --random-inputs=SEED

// RUN: not %{run} -e rms --input=%t/x.npy --input=%t/w.npy --input=%t/w.npy 2>&1 | FileCheck %s --check-prefix=TOOMANYIN
// TOOMANYIN: error: got 3 --input file(s) but 'rms' takes 2 argument(s) (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
// RUN: not %{run} -e rms --random-inputs=1 --output=%t/a.npy --output=%t/b.npy 2>&1 | FileCheck %s --check-prefix=TOOMANYOUT
// TOOMANYOUT: error: got 2 --output file(s) but 'rms' returns 1 result(s)

// RUN: not %{run} -e nosuch 2>&1 | FileCheck %s --check-prefix=UNKNOWNFN
// UNKNOWNFN: error: entry function 'nosuch' not found (public functions: rms, rms_dyn, ident, const, twice, scale, takes_int, huge, huge_bytes, huge_empty)
// RUN: not %{run} 2>&1 | FileCheck %s --check-prefix=NOMAIN
// NOMAIN: error: entry function 'main' not found
// RUN: not %{run} -e takes_int 2>&1 | FileCheck %s --check-prefix=NOTCALLABLE
// NOTCALLABLE: error: function 'takes_int' cannot be run with buffers: argument #0 has type 'i32'
// RUN: not %{run} -e rms -entry-point-result=void 2>&1 | FileCheck %s --check-prefix=MAINARGS
// MAINARGS: error: entry function 'rms' must take no arguments to be run with -entry-point-result
// RUN: not %{run} -e takes_int -entry-point-result=f32 2>&1 | FileCheck %s --check-prefix=MAINARGS2
// MAINARGS2: error: entry function 'takes_int' must take no arguments
// RUN: not %{run} -e const -entry-point-result=i32 --random-inputs=1 2>&1 | FileCheck %s --check-prefix=MIXED
// MIXED: error: --input, --output, --random-inputs and --bench need a function with tensor arguments

// RUN: not %{run} -e rms --random-inputs=1 --bench=0 2>&1 | FileCheck %s --check-prefix=BENCH0
// BENCH0: error: --bench needs at least 1 repetition

// Bad flags and flag values.
// RUN: not %{run} --no-such-flag 2>&1 | FileCheck %s --check-prefix=BADFLAG
// BADFLAG: Unknown command line argument '--no-such-flag'
// RUN: not %{run} -e rms --bench=abc 2>&1 | FileCheck %s --check-prefix=BADVALUE
// BADVALUE: for the --bench option: '{{.*}}abc' value invalid
// RUN: not %{run} -entry-point-result=f16 2>&1 | FileCheck %s --check-prefix=BADRESULT
// BADRESULT: error: unknown -entry-point-result 'f16' (expected void, i32, i64 or f32)
// RUN: not %{run} --target=tpu 2>&1 | FileCheck %s --check-prefix=BADTARGET
// BADTARGET: error: unknown --target 'tpu' (expected cpu or cuda)
// RUN: not %{run} -O1 -O3 2>&1 | FileCheck %s --check-prefix=TWOOPT
// TWOOPT: error: give at most one of -O0, -O1, -O2, -O3
// RUN: not %{run} -shared-libs=%t/libnothere.so 2>&1 | FileCheck %s --check-prefix=NOLIB
// NOLIB: error: shared library '{{.*}}libnothere.so' not found
// RUN: not %{run} -shared-libs=%t/x.npy 2>&1 | FileCheck %s --check-prefix=BADLIB
// BADLIB: error: cannot load shared library '{{.*}}x.npy'
// RUN: not norm-runner %S/Inputs/rms.mlir --pipeline="builtin.module(no-such-pass)" 2>&1 | FileCheck %s --check-prefix=BADPIPE
// BADPIPE: error: invalid pass pipeline 'builtin.module(no-such-pass)': {{.*}}no-such-pass
// RUN: not norm-runner %S/Inputs/rms.mlir --pipeline="builtin.module(canonicalize)" 2>&1 | FileCheck %s --check-prefix=UNLOWERED
// UNLOWERED: error: lowering with 'builtin.module(canonicalize)' left an operation outside the LLVM dialect: 'func.func'

// Invalid IR is reported with its location.
// RUN: echo "func.func @f(%%x: tensor<4xf32>) -> tensor<4xf32> { return %%y : tensor<4xf32> }" > %t/bad.mlir
// RUN: not norm-runner %t/bad.mlir -e f 2>&1 | FileCheck %s --check-prefix=BADIR
// BADIR: error: cannot parse '{{.*}}bad.mlir':
// BADIR: bad.mlir:1:{{[0-9]+}}: error: use of undeclared SSA value name

// A symbol that no library provides is a link error, not a crash.
// RUN: echo "llvm.func @nowhere() llvm.func @main() { llvm.call @nowhere() : () -> () llvm.return }" > %t/unresolved.mlir
// RUN: not norm-runner %t/unresolved.mlir 2>&1 | FileCheck %s --check-prefix=UNRESOLVED
// UNRESOLVED: Symbols not found: [ nowhere ]
// UNRESOLVED: error: JIT linking failed: Failed to materialize symbols

// --target=cuda needs the project's CUDA runtime wrapper library.
// RUN: not %{run} --target=cuda --cuda-runtime=%t/libnothere.so 2>&1 | FileCheck %s --check-prefix=NOCUDART
// NOCUDART: error: CUDA runtime wrapper library '{{.*}}libnothere.so' not found
