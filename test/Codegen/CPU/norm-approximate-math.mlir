// RUN: norm-opt %s --pass-pipeline="builtin.module(func.func(norm-approximate-math))" | FileCheck %s
// RUN: norm-opt %s --pass-pipeline="builtin.module(func.func(norm-approximate-math{ops=exp}))" | FileCheck %s --check-prefix=EXP

// tanh (default) becomes inline vector arithmetic: no math.tanh is left to
// become a libm call per element. Other functions are left alone unless named.

// CHECK-LABEL: func.func @seed
//   CHECK-NOT:   math.tanh
//       CHECK:   arith.cmpf
//       CHECK:   arith.select
//       CHECK:   math.exp
// EXP-LABEL: func.func @seed
//       EXP:   math.tanh
//   EXP-NOT:   math.exp
func.func @seed(%s: vector<16xf32>, %e: vector<16xf32>) -> (vector<16xf32>, vector<16xf32>) {
  %t = math.tanh %s : vector<16xf32>
  %x = math.exp %e : vector<16xf32>
  return %t, %x : vector<16xf32>, vector<16xf32>
}
