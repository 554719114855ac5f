// RUN: norm-opt %s --norm-pipeline-row-sweeps --split-input-file | FileCheck %s

// A row loop of two sweeps: the sums of block %r, then the writes of %r.
// The first block's sums move before the loop (guarded), and each iteration
// writes its block and sums the next (clamped to the last block) in one loop.

// CHECK-LABEL: func.func @two_sweeps
// CHECK-SAME:    (%[[X:.*]]: memref<?x64xf32>, %[[N:.*]]: index)
// CHECK-DAG:     %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG:     %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG:     %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<16xf32>
// CHECK:         %[[OUT:.*]] = memref.alloc
// CHECK:         %[[RUNS:.*]] = arith.cmpi slt, %[[C0]], %[[N]]
// CHECK:         %[[FIRST:.*]] = scf.if %[[RUNS]] -> (vector<16xf32>) {
// CHECK:           %[[S0:.*]] = scf.for {{.*}} iter_args({{.*}} = %[[ZERO]])
// CHECK:             vector.load %[[X]][%[[C0]],
// CHECK:           scf.yield %[[S0]]
// CHECK:         } else {
// CHECK:           scf.yield %[[ZERO]]
// CHECK:         %[[LAST:.*]] = arith.addi %[[C0]], %{{.*}} : index
// CHECK:         scf.for %[[R:.*]] = %[[C0]] to %[[N]] step %[[C2]] iter_args(%[[SUMS:.*]] = %[[FIRST]]) -> (vector<16xf32>) {
// CHECK:           vector.reduction <add>, %[[SUMS]]
// CHECK:           %[[PLUS:.*]] = arith.addi %[[R]], %[[C2]]
// CHECK:           %[[NEXT:.*]] = arith.minsi %[[PLUS]], %[[LAST]]
// CHECK:           %[[FUSED:.*]] = scf.for %[[J:.*]] = {{.*}} iter_args(%[[ACC:.*]] = %[[ZERO]]) -> (vector<16xf32>) {
// CHECK:             vector.load %[[X]][%[[R]], %[[J]]]
// CHECK:             vector.store {{.*}}, %[[OUT]][%[[R]], %[[J]]]
// CHECK:             %[[V:.*]] = vector.load %[[X]][%[[NEXT]], %[[J]]]
// CHECK:             %[[ADD:.*]] = arith.addf %[[ACC]], %[[V]]
// CHECK:             scf.yield %[[ADD]]
// CHECK:           } {norm.pipelined_sweeps}
// CHECK:           scf.yield %[[FUSED]]
// CHECK:         } {norm.row_loop}
func.func @two_sweeps(%x: memref<?x64xf32>, %n: index) -> memref<?x64xf32> {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant dense<0.0> : vector<16xf32>
  %fzero = arith.constant 0.0 : f32
  %out = memref.alloc(%n) : memref<?x64xf32>
  scf.for %r = %c0 to %n step %c2 {
    %s = scf.for %j = %c0 to %c64 step %c16 iter_args(%acc = %zero) -> (vector<16xf32>) {
      %v = vector.load %x[%r, %j] : memref<?x64xf32>, vector<16xf32>
      %a = arith.addf %acc, %v : vector<16xf32>
      scf.yield %a : vector<16xf32>
    }
    %sum = vector.reduction <add>, %s, %fzero : vector<16xf32> into f32
    %b = vector.broadcast %sum : f32 to vector<16xf32>
    scf.for %j = %c0 to %c64 step %c16 {
      %v = vector.load %x[%r, %j] : memref<?x64xf32>, vector<16xf32>
      %y = arith.subf %v, %b : vector<16xf32>
      vector.store %y, %out[%r, %j] : memref<?x64xf32>, vector<16xf32>
    }
  } {norm.row_loop}
  return %out : memref<?x64xf32>
}

// -----

// The writes go to an argument, which may be the buffer the sums read: left
// alone.

// CHECK-LABEL: func.func @writes_argument
// CHECK-NOT:     scf.if
// CHECK-NOT:     norm.pipelined_sweeps
func.func @writes_argument(%x: memref<?x64xf32>, %out: memref<?x64xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant dense<0.0> : vector<16xf32>
  scf.for %r = %c0 to %n step %c1 {
    %s = scf.for %j = %c0 to %c64 step %c16 iter_args(%acc = %zero) -> (vector<16xf32>) {
      %v = vector.load %x[%r, %j] : memref<?x64xf32>, vector<16xf32>
      %a = arith.addf %acc, %v : vector<16xf32>
      scf.yield %a : vector<16xf32>
    }
    scf.for %j = %c0 to %c64 step %c16 {
      %v = vector.load %x[%r, %j] : memref<?x64xf32>, vector<16xf32>
      %y = arith.mulf %v, %s : vector<16xf32>
      vector.store %y, %out[%r, %j] : memref<?x64xf32>, vector<16xf32>
    }
  } {norm.row_loop}
  return
}

// -----

// The sums start from a value the row loop carries: they cannot run a block
// ahead. Left alone.

// CHECK-LABEL: func.func @carried_sums
// CHECK-NOT:     norm.pipelined_sweeps
func.func @carried_sums(%x: memref<?x64xf32>, %n: index) -> (memref<?x64xf32>, vector<16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant dense<0.0> : vector<16xf32>
  %out = memref.alloc(%n) : memref<?x64xf32>
  %total = scf.for %r = %c0 to %n step %c1 iter_args(%carry = %zero) -> (vector<16xf32>) {
    %s = scf.for %j = %c0 to %c64 step %c16 iter_args(%acc = %carry) -> (vector<16xf32>) {
      %v = vector.load %x[%r, %j] : memref<?x64xf32>, vector<16xf32>
      %a = arith.addf %acc, %v : vector<16xf32>
      scf.yield %a : vector<16xf32>
    }
    scf.for %j = %c0 to %c64 step %c16 {
      %v = vector.load %x[%r, %j] : memref<?x64xf32>, vector<16xf32>
      %y = arith.mulf %v, %s : vector<16xf32>
      vector.store %y, %out[%r, %j] : memref<?x64xf32>, vector<16xf32>
    }
    scf.yield %s : vector<16xf32>
  } {norm.row_loop}
  return %out, %total : memref<?x64xf32>, vector<16xf32>
}

// -----

// Column loops of different steps are not one sweep: left alone.

// CHECK-LABEL: func.func @different_steps
// CHECK-NOT:     norm.pipelined_sweeps
func.func @different_steps(%x: memref<?x64xf32>, %n: index) -> memref<?x64xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant dense<0.0> : vector<16xf32>
  %out = memref.alloc(%n) : memref<?x64xf32>
  scf.for %r = %c0 to %n step %c1 {
    %s = scf.for %j = %c0 to %c64 step %c16 iter_args(%acc = %zero) -> (vector<16xf32>) {
      %v = vector.load %x[%r, %j] : memref<?x64xf32>, vector<16xf32>
      %a = arith.addf %acc, %v : vector<16xf32>
      scf.yield %a : vector<16xf32>
    }
    scf.for %j = %c0 to %c64 step %c32 {
      %v = vector.load %x[%r, %j] : memref<?x64xf32>, vector<16xf32>
      %y = arith.mulf %v, %s : vector<16xf32>
      vector.store %y, %out[%r, %j] : memref<?x64xf32>, vector<16xf32>
    }
  } {norm.row_loop}
  return %out : memref<?x64xf32>
}

// -----

// The columns depend on the row: the fused loop would run the next block's
// sums over this block's columns. Left alone.

// CHECK-LABEL: func.func @row_dependent_columns
// CHECK-NOT:     norm.pipelined_sweeps
func.func @row_dependent_columns(%x: memref<?x64xf32>, %n: index) -> memref<?x64xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant dense<0.0> : vector<16xf32>
  %out = memref.alloc(%n) : memref<?x64xf32>
  scf.for %r = %c0 to %n step %c1 {
    %ub = arith.muli %r, %c16 : index
    %s = scf.for %j = %c0 to %ub step %c16 iter_args(%acc = %zero) -> (vector<16xf32>) {
      %v = vector.load %x[%r, %j] : memref<?x64xf32>, vector<16xf32>
      %a = arith.addf %acc, %v : vector<16xf32>
      scf.yield %a : vector<16xf32>
    }
    scf.for %j = %c0 to %ub step %c16 {
      vector.store %s, %out[%r, %j] : memref<?x64xf32>, vector<16xf32>
    }
  } {norm.row_loop}
  return %out : memref<?x64xf32>
}

// -----

// The sums read a buffer that may be one the row body writes (a select of a
// local allocation and an argument): the next block's sums could run before
// a store they must see. Left alone.

// CHECK-LABEL: func.func @read_may_be_written
// CHECK-NOT:     norm.pipelined_sweeps
func.func @read_may_be_written(%x: memref<?x64xf32>, %n: index, %c: i1) -> memref<?x64xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant dense<0.0> : vector<16xf32>
  %tmp = memref.alloc(%n) : memref<?x64xf32>
  %out = memref.alloc(%n) : memref<?x64xf32>
  %buf = arith.select %c, %tmp, %x : memref<?x64xf32>
  scf.for %r = %c0 to %n step %c1 {
    %s = scf.for %j = %c0 to %c64 step %c16 iter_args(%acc = %zero) -> (vector<16xf32>) {
      %v = vector.load %buf[%r, %j] : memref<?x64xf32>, vector<16xf32>
      %a = arith.addf %acc, %v : vector<16xf32>
      scf.yield %a : vector<16xf32>
    }
    scf.for %j = %c0 to %c64 step %c16 {
      vector.store %s, %out[%r, %j] : memref<?x64xf32>, vector<16xf32>
    }
    %t = vector.extract %s[0] : f32 from vector<16xf32>
    memref.store %t, %tmp[%r, %c0] : memref<?x64xf32>
  } {norm.row_loop}
  return %out : memref<?x64xf32>
}

// -----

// A row loop inside another (here in the place of the outer loop's write
// sweep): only the outer one is pipelined (rewriting it replaces the loops
// inside), and the result verifies.

// CHECK-LABEL: func.func @nested_row_loops
// CHECK:         scf.if
// CHECK:         scf.for
// CHECK:           scf.for
// CHECK:             scf.for {{.*}} iter_args
// CHECK:             scf.for
// CHECK-NOT:         norm.pipelined_sweeps
// CHECK:           } {norm.pipelined_sweeps, norm.row_loop}
// CHECK:         } {norm.row_loop}
func.func @nested_row_loops(%x: memref<64x64xf32>) -> memref<64x64xf32> {
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant dense<0.0> : vector<16xf32>
  %out = memref.alloc() : memref<64x64xf32>
  scf.for %r = %c0 to %c64 step %c16 {
    %s = scf.for %j = %c0 to %c64 step %c16 iter_args(%acc = %zero) -> (vector<16xf32>) {
      %v = vector.load %x[%r, %j] : memref<64x64xf32>, vector<16xf32>
      %a = arith.addf %acc, %v : vector<16xf32>
      scf.yield %a : vector<16xf32>
    }
    scf.for %i = %c0 to %c64 step %c16 {
      %s2 = scf.for %j = %c0 to %c64 step %c16 iter_args(%acc = %zero) -> (vector<16xf32>) {
        %v = vector.load %x[%i, %j] : memref<64x64xf32>, vector<16xf32>
        %a = arith.addf %acc, %v : vector<16xf32>
        scf.yield %a : vector<16xf32>
      }
      scf.for %j = %c0 to %c64 step %c16 {
        %w = arith.addf %s2, %s : vector<16xf32>
        vector.store %w, %out[%i, %j] : memref<64x64xf32>, vector<16xf32>
      }
    } {norm.row_loop}
  } {norm.row_loop}
  return %out : memref<64x64xf32>
}
