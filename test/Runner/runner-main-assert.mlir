// A failed cf.assert in an mlir-runner style main is an error (exit 1, the
// assert's message on stdout), not a crash report asking for a bug report.
// RUN: not norm-runner %s -e main -entry-point-result=void 2>&1 | FileCheck %s
// CHECK: weights must be positive
// CHECK: norm-runner: error: entry function 'main' aborted: a cf.assert or runtime check failed (its message is printed on stdout)
// CHECK-NOT: please report
// Without the flag, a main without arguments runs as a tensor function: the
// same, through the call path of norm-runner's arrays.
// RUN: not norm-runner %s -e main 2>&1 | FileCheck %s --check-prefix=TENSOR
// TENSOR: weights must be positive
// TENSOR: norm-runner: error: function 'main' stopped at a failed runtime check or another abort()
// TENSOR-NOT: please report
func.func @main() {
  %false = arith.constant false
  cf.assert %false, "weights must be positive"
  return
}
