// Arrays of any shape reach a function with dynamic dims: norm-runner's
// default pipeline checks at run time what the verifier could not (the
// runtime-verification option of norm-lower-to-cpu): a failed check prints
// the op, and the call returns an error (the abort of the check is caught),
// instead of reading past the weight.
// REQUIRES: numpy
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/Inputs/npytool.py write %t/x.npy float32 4x8 1
// RUN: %python %S/Inputs/npytool.py write %t/w3.npy float32 3 2
// RUN: %python %S/Inputs/npytool.py write %t/w8.npy float32 8 2
// RUN: %python %S/Inputs/npytool.py write %t/x6.npy float32 4x6 3
// RUN: %python %S/Inputs/npytool.py write %t/w6.npy float32 6 4

// RUN: not norm-runner %s -e rms --input=%t/x.npy --input=%t/w3.npy --output=%t/y.npy 2>&1 \
// RUN:   | FileCheck %s --check-prefix=SHORT
// SHORT: ERROR: Runtime op verification failed
// SHORT-NEXT: norm.rmsnorm
// SHORT-NEXT: ^ weight is not as long as the rows of x
// SHORT: norm-runner: error: function 'rms' stopped at a failed runtime check or another abort() (a check prints on stdout "Runtime op verification failed" and the op when the arguments' sizes do not fit its ops, or a cf.assert's message; a library such as OpenMP prints on stderr)
// RUN: not norm-runner %s -e rms --input=%t/x.npy --input=%t/w3.npy --output=%t/y.npy --bench=3 2>&1 \
// RUN:   | FileCheck %s --check-prefix=SHORT

// Heads must divide the D of the arrays: 4 does not divide 6.
// RUN: not norm-runner %s -e seed --input=%t/x6.npy --input=%t/w6.npy 2>&1 \
// RUN:   | FileCheck %s --check-prefix=HEADS
// HEADS: ERROR: Runtime op verification failed
// HEADS: ^ heads = 4 does not divide the length of the rows of x

// Matching arrays pass the checks and give numpy's result.
// RUN: norm-runner %s -e rms --input=%t/x.npy --input=%t/w8.npy --output=%t/y.npy
// RUN: %python %S/Inputs/npytool.py check \
// RUN:   "load('%t/x.npy') / np.sqrt(np.mean(load('%t/x.npy')**2, axis=-1, keepdims=True) + 1e-6) * load('%t/w8.npy')" \
// RUN:   %t/y.npy | FileCheck %s --check-prefix=OK
// OK: OK {{.*}}y.npy dtype=float32 shape=(4, 8)

// The checks are in the lowered code unless the user turns them off.
// RUN: norm-runner %s -e rms --input=%t/x.npy --input=%t/w8.npy --print-lowered-ir | FileCheck %s --check-prefix=ON
// ON: llvm.mlir.global private constant @assert_msg
// RUN: norm-runner %s -e rms --input=%t/x.npy --input=%t/w8.npy --print-lowered-ir \
// RUN:   --pipeline-options=runtime-verification=false | FileCheck %s --check-prefix=OFF
// OFF-NOT: @assert_msg

func.func @rms(%x: tensor<?x?xf32>, %w: tensor<?xf32>) -> tensor<?x?xf32> {
  %y = norm.rmsnorm %x, %w : (tensor<?x?xf32>, tensor<?xf32>) -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}

func.func @seed(%x: tensor<?x?xf32>, %w: tensor<?xf32>) -> tensor<?x?xf32> {
  %y = norm.seednorm %x, %w, %w, %w {heads = 4 : i64} : (tensor<?x?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>) -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}
