// RUN: norm-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(norm-prefetch-rows))" | FileCheck %s
// RUN: norm-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(norm-prefetch-rows{distance=2}))" | FileCheck %s --check-prefix=DIST2
// RUN: norm-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(norm-prefetch-rows{distance=0}))" | FileCheck %s --check-prefix=OFF

// The write sweep of a row tile prefetches the next row of x, one prefetch per
// 64-byte line of each 64-float load (4 lines); the parameter (constant
// leading index) and the sweep that only reads are left alone; a sweep that
// reads one row buffer prefetches into L2 (locality<2>). The next row
// is clamped to the last one (the last tile prefetches inside the buffer)
// and computed before the sweep.

// CHECK-LABEL: func.func @row_tile
//  CHECK-SAME:   (%[[X:.+]]: memref<8x256xf32>, %[[W:.+]]: memref<1x256xf32>, %[[Y:.+]]: memref<8x256xf32>)
//       CHECK:   scf.parallel (%[[ROW:.+]]) =
//       CHECK:     scf.for
//   CHECK-NOT:       memref.prefetch
//       CHECK:       vector.reduction
//       CHECK:     %[[ROWS:.+]] = memref.dim %[[X]], %{{.+}} : memref<8x256xf32>
//       CHECK:     %[[LAST:.+]] = arith.subi %[[ROWS]], %{{.+}} : index
//       CHECK:     %[[PLUS1:.+]] = arith.addi %[[ROW]], %{{.+}} : index
//       CHECK:     %[[NEXT:.+]] = arith.minui %[[PLUS1]], %[[LAST]] : index
//       CHECK:     scf.for %[[J:.+]] = %{{.+}} to %{{.+}} step
//   CHECK-NOT:       arith.minui
//       CHECK:       memref.prefetch %[[X]][%[[NEXT]], %[[J]]], read, locality<2>, data
//       CHECK:       %[[J16:.+]] = arith.addi %[[J]], %{{.+}} : index
//       CHECK:       memref.prefetch %[[X]][%[[NEXT]], %[[J16]]], read, locality<2>, data
//       CHECK:       memref.prefetch %[[X]]
//       CHECK:       memref.prefetch %[[X]]
//   CHECK-NOT:       memref.prefetch
//       CHECK:       vector.load %[[X]][%[[ROW]], %[[J]]]
//       CHECK:       vector.load %[[W]]
//       CHECK:       vector.store

// OFF-NOT: memref.prefetch
func.func @row_tile(%x: memref<8x256xf32>, %w: memref<1x256xf32>, %y: memref<8x256xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  %c256 = arith.constant 256 : index
  %zero = arith.constant dense<0.0> : vector<64xf32>
  scf.parallel (%r) = (%c0) to (%c8) step (%c1) {
    %s = scf.for %j = %c0 to %c256 step %c64 iter_args(%acc = %zero) -> (vector<64xf32>) {
      %v = vector.load %x[%r, %j] : memref<8x256xf32>, vector<64xf32>
      %sq = arith.mulf %v, %v : vector<64xf32>
      %a = arith.addf %acc, %sq : vector<64xf32>
      scf.yield %a : vector<64xf32>
    }
    %t = vector.reduction <add>, %s : vector<64xf32> into f32
    %b = vector.broadcast %t : f32 to vector<64xf32>
    scf.for %j = %c0 to %c256 step %c64 {
      %v = vector.load %x[%r, %j] : memref<8x256xf32>, vector<64xf32>
      %p = vector.load %w[%c0, %j] : memref<1x256xf32>, vector<64xf32>
      %m = arith.mulf %v, %b : vector<64xf32>
      %o = arith.mulf %m, %p : vector<64xf32>
      vector.store %o, %y[%r, %j] {nontemporal = true} : memref<8x256xf32>, vector<64xf32>
    }
    scf.reduce
  }
  return
}

// -----

// A block of two rows per step: the next block starts two rows further.

// CHECK-LABEL: func.func @row_block
//       CHECK:   scf.for %[[R:.+]] = %{{.+}} to %{{.+}} step
//       CHECK:     %[[R1:.+]] = arith.addi %[[R]], %{{.+}} : index
//       CHECK:     %[[TWO:.+]] = arith.constant 2 : index
//       CHECK:     %[[A0:.+]] = arith.addi %[[R]], %[[TWO]] : index
//       CHECK:     %[[N0:.+]] = arith.minui %[[A0]], %{{.+}} : index
//       CHECK:     %[[TWO1:.+]] = arith.constant 2 : index
//       CHECK:     %[[A1:.+]] = arith.addi %[[R1]], %[[TWO1]] : index
//       CHECK:     %[[N1:.+]] = arith.minui %[[A1]], %{{.+}} : index
//       CHECK:     scf.for
//       CHECK:       memref.prefetch %{{.+}}[%[[N0]], %{{.+}}]
//       CHECK:       memref.prefetch %{{.+}}[%[[N1]], %{{.+}}]
func.func @row_block(%x: memref<8x64xf32>, %y: memref<8x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  scf.for %r = %c0 to %c8 step %c2 {
    %r1 = arith.addi %r, %c1 : index
    scf.for %j = %c0 to %c64 step %c16 {
      %a = vector.load %x[%r, %j] : memref<8x64xf32>, vector<16xf32>
      %b = vector.load %x[%r1, %j] : memref<8x64xf32>, vector<16xf32>
      vector.store %a, %y[%r, %j] : memref<8x64xf32>, vector<16xf32>
      vector.store %b, %y[%r1, %j] : memref<8x64xf32>, vector<16xf32>
    }
  }
  return
}

// -----

// The vectorized row block computes the index of its second row inside the
// write sweep (affine.apply row + 1): it is hoisted, and both rows of the
// block two blocks ahead (distance 2: 2 * 2 rows further) are prefetched.

// DIST2-LABEL: func.func @row_block_index_in_loop
//       DIST2:   scf.for %[[R:.+]] = %{{.+}} to %{{.+}} step
//       DIST2:     %[[R1:.+]] = affine.apply #{{.+}}(%[[R]])
//       DIST2:     %[[FOUR:.+]] = arith.constant 4 : index
//       DIST2:     %[[A0:.+]] = arith.addi %[[R]], %[[FOUR]] : index
//       DIST2:     %[[N0:.+]] = arith.minui %[[A0]], %{{.+}} : index
//       DIST2:     %[[FOUR1:.+]] = arith.constant 4 : index
//       DIST2:     %[[A1:.+]] = arith.addi %[[R1]], %[[FOUR1]] : index
//       DIST2:     %[[N1:.+]] = arith.minui %[[A1]], %{{.+}} : index
//       DIST2:     scf.for
//       DIST2:       memref.prefetch %{{.+}}[%[[N0]], %{{.+}}]
//       DIST2:       memref.prefetch %{{.+}}[%[[N1]], %{{.+}}]
// OFF-LABEL: func.func @row_block_index_in_loop
// OFF-NOT: memref.prefetch
func.func @row_block_index_in_loop(%x: memref<16x64xf32>, %y: memref<16x64xf32>) {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  scf.for %r = %c0 to %c16 step %c2 {
    scf.for %j = %c0 to %c64 step %c16 {
      %a = vector.load %x[%r, %j] : memref<16x64xf32>, vector<16xf32>
      %r1 = affine.apply affine_map<(d0) -> (d0 + 1)>(%r)
      %b = vector.load %x[%r1, %j] : memref<16x64xf32>, vector<16xf32>
      vector.store %a, %y[%r, %j] : memref<16x64xf32>, vector<16xf32>
      vector.store %b, %y[%r1, %j] : memref<16x64xf32>, vector<16xf32>
    }
  }
  return
}

// -----

// A block of 4 bf16 rows loaded 16 elements (32 bytes, half a line) at a time:
// rows 0 and 2 of the next block (4 rows further) are prefetched, each walking
// two rows at twice the column pace on a 1-D view of the buffer (element
// (r + 4) * 64 + 2j), one prefetch per line and none for rows 1 and 3, which
// those walks cover. The walk's start row is clamped to the last row but one,
// so that the last block's walk stays inside the buffer.

// CHECK-LABEL: func.func @half_line_rows
//  CHECK-SAME:   (%[[X:.+]]: memref<16x64xbf16>,
//       CHECK:   scf.for %[[R:.+]] = %{{.+}} to %{{.+}} step
//       CHECK:     %[[R1:.+]] = affine.apply #{{.+}}(%[[R]])
//       CHECK:     %[[R2:.+]] = affine.apply #{{.+}}(%[[R]])
//       CHECK:     %[[ROWS:.+]] = memref.dim %[[X]], %{{.+}} : memref<16x64xbf16>
//       CHECK:     %[[TWO:.+]] = arith.constant 2 : index
//       CHECK:     %[[LAST:.+]] = arith.subi %[[ROWS]], %[[TWO]] : index
//       CHECK:     %[[A0:.+]] = arith.addi %[[R]], %{{.+}} : index
//       CHECK:     %[[N0:.+]] = arith.minui %[[A0]], %[[LAST]] : index
//       CHECK:     %[[FLAT:.+]] = memref.collapse_shape %[[X]] {{\[}}[0, 1]] : memref<16x64xbf16> into memref<1024xbf16>
//       CHECK:     %[[START0:.+]] = arith.muli %[[N0]], %{{.+}} : index
//   CHECK-NOT:     arith.addi %[[R1]]
//       CHECK:     arith.addi %[[R2]]
//       CHECK:     scf.for %[[J:.+]] = %{{.+}} to
//       CHECK:       %[[W0:.+]] = arith.muli %[[J]], %{{.+}} : index
//       CHECK:       %[[I0:.+]] = arith.addi %[[START0]], %[[W0]] : index
//       CHECK:       memref.prefetch %[[FLAT]][%[[I0]]]
//   CHECK-NOT:       memref.prefetch
//       CHECK:       vector.load
//       CHECK:       vector.load
//       CHECK:       arith.muli %[[J]]
//       CHECK:       memref.prefetch
//   CHECK-NOT:       memref.prefetch
//       CHECK:       vector.store
func.func @half_line_rows(%x: memref<16x64xbf16>, %y: memref<16x64xbf16>) {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  scf.for %r = %c0 to %c16 step %c4 {
    scf.for %j = %c0 to %c64 step %c16 {
      %r1 = affine.apply affine_map<(d0) -> (d0 + 1)>(%r)
      %r2 = affine.apply affine_map<(d0) -> (d0 + 2)>(%r)
      %r3 = affine.apply affine_map<(d0) -> (d0 + 3)>(%r)
      %a = vector.load %x[%r, %j] : memref<16x64xbf16>, vector<16xbf16>
      %b = vector.load %x[%r1, %j] : memref<16x64xbf16>, vector<16xbf16>
      %c = vector.load %x[%r2, %j] : memref<16x64xbf16>, vector<16xbf16>
      %d = vector.load %x[%r3, %j] : memref<16x64xbf16>, vector<16xbf16>
      %s = arith.addf %a, %b : vector<16xbf16>
      %t = arith.addf %c, %d : vector<16xbf16>
      %u = arith.addf %s, %t : vector<16xbf16>
      vector.store %u, %y[%r, %j] : memref<16x64xbf16>, vector<16xbf16>
    }
  }
  return
}

// -----

// Short rows: at least min-bytes-ahead bytes ahead. Rows of 128 f32 are 512
// bytes, so 2048 bytes ahead is 4 rows (more than distance = 1); a row length
// that is not static keeps `distance`.

// RUN: norm-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(norm-prefetch-rows{distance=1 min-bytes-ahead=2048}))" | FileCheck %s --check-prefix=BYTES

// BYTES-LABEL: func.func @short_rows
//       BYTES:   arith.subi
//       BYTES:   %[[FOUR:.+]] = arith.constant 4 : index
//       BYTES:   %[[AHEAD:.+]] = arith.addi %{{.+}}, %[[FOUR]] : index
//       BYTES:   %[[ROW:.+]] = arith.minui %[[AHEAD]]
//       BYTES:   memref.prefetch %{{.+}}[%[[ROW]],
// BYTES-LABEL: func.func @dynamic_row_length
//       BYTES:   arith.subi
//       BYTES:   %[[ONE:.+]] = arith.constant 1 : index
//       BYTES:   %[[AHEAD1:.+]] = arith.addi %{{.+}}, %[[ONE]] : index
//       BYTES:   %[[ROW1:.+]] = arith.minui %[[AHEAD1]]
//       BYTES:   memref.prefetch %{{.+}}[%[[ROW1]],
func.func @short_rows(%x: memref<64x128xf32>, %y: memref<64x128xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %c128 = arith.constant 128 : index
  scf.for %r = %c0 to %c64 step %c1 {
    scf.for %j = %c0 to %c128 step %c16 {
      %a = vector.load %x[%r, %j] : memref<64x128xf32>, vector<16xf32>
      vector.store %a, %y[%r, %j] : memref<64x128xf32>, vector<16xf32>
    }
  }
  return
}

func.func @dynamic_row_length(%x: memref<64x?xf32>, %y: memref<64x?xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  scf.for %r = %c0 to %c64 step %c1 {
    scf.for %j = %c0 to %n step %c16 {
      %a = vector.load %x[%r, %j] : memref<64x?xf32>, vector<16xf32>
      vector.store %a, %y[%r, %j] : memref<64x?xf32>, vector<16xf32>
    }
  }
  return
}

// -----

// Unusual element types do not crash the pass: index elements have no width
// (no prefetch); a buffer of vectors has no byte size per row (distance only).

// BYTES-LABEL: func.func @index_rows
//   BYTES-NOT:   memref.prefetch
// BYTES-LABEL: func.func @vector_elements
//       BYTES:   arith.subi
//       BYTES:   %[[ONE:.+]] = arith.constant 1 : index
//       BYTES:   arith.addi %{{.+}}, %[[ONE]] : index
//       BYTES:   memref.prefetch
func.func @index_rows(%x: memref<64x512xindex>, %y: memref<64x512xindex>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c16 = arith.constant 16 : index
  %c512 = arith.constant 512 : index
  scf.for %r = %c0 to %c64 step %c1 {
    scf.for %j = %c0 to %c512 step %c16 {
      %a = vector.load %x[%r, %j] : memref<64x512xindex>, vector<16xindex>
      vector.store %a, %y[%r, %j] : memref<64x512xindex>, vector<16xindex>
    }
  }
  return
}

func.func @vector_elements(%x: memref<64x32xvector<16xf32>>, %y: memref<64x32xvector<16xf32>>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c32 = arith.constant 32 : index
  scf.for %r = %c0 to %c64 step %c1 {
    scf.for %j = %c0 to %c32 step %c1 {
      %a = vector.load %x[%r, %j] : memref<64x32xvector<16xf32>>, vector<16xf32>
      vector.store %a, %y[%r, %j] : memref<64x32xvector<16xf32>>, vector<16xf32>
    }
  }
  return
}

// -----

// A sweep that reads two row buffers (a gradient's x and dy) prefetches both
// into L2 (locality<2>) when the target's L1 data cache is unknown; an
// explicit locality applies to every sweep.
// RUN: norm-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(norm-prefetch-rows{locality=1}))" | FileCheck %s --check-prefix=LOC1

// CHECK-LABEL: func.func @two_row_buffers
//   CHECK-NOT:   locality<3>
//       CHECK:   memref.prefetch %{{.+}}, read, locality<2>, data : memref<8x16xf32>
//       CHECK:   memref.prefetch %{{.+}}, read, locality<2>, data : memref<8x16xf32>
//   CHECK-NOT:   locality<3>
// LOC1-LABEL: func.func @two_row_buffers
//       LOC1:   memref.prefetch %{{.+}}, read, locality<1>, data : memref<8x16xf32>
//       LOC1:   memref.prefetch %{{.+}}, read, locality<1>, data : memref<8x16xf32>
func.func @two_row_buffers(%x: memref<8x16xf32>, %dy: memref<8x16xf32>, %dx: memref<8x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  scf.parallel (%row) = (%c0) to (%c8) step (%c1) {
    scf.for %j = %c0 to %c16 step %c16 {
      %a = vector.load %x[%row, %j] : memref<8x16xf32>, vector<16xf32>
      %b = vector.load %dy[%row, %j] : memref<8x16xf32>, vector<16xf32>
      %s = arith.mulf %a, %b : vector<16xf32>
      vector.store %s, %dx[%row, %j] : memref<8x16xf32>, vector<16xf32>
    }
    scf.reduce
  }
  return
}

// -----

// With a DLTI target spec whose CPU has a 48 KiB L1 data cache, a sweep that
// reads two row buffers prefetches into L1 (locality<3>); a sweep that reads
// one still prefetches into L2. An explicit locality still wins.

// CHECK-LABEL: func.func @large_l1_two_row_buffers
//   CHECK-NOT:   locality<2>
//       CHECK:   memref.prefetch %{{.+}}, read, locality<3>, data : memref<8x16xf32>
//       CHECK:   memref.prefetch %{{.+}}, read, locality<3>, data : memref<8x16xf32>
//   CHECK-NOT:   locality<2>
// CHECK-LABEL: func.func @large_l1_one_row_buffer
//       CHECK:   memref.prefetch %{{.+}}, read, locality<2>, data : memref<8x16xf32>
//   CHECK-NOT:   locality<3>
// LOC1-LABEL: func.func @large_l1_two_row_buffers
//       LOC1:   memref.prefetch %{{.+}}, read, locality<1>, data : memref<8x16xf32>
//       LOC1:   memref.prefetch %{{.+}}, read, locality<1>, data : memref<8x16xf32>
module attributes {dlti.target_system_spec = #dlti.target_system_spec<
    "CPU" = #dlti.target_device_spec<"L1_cache_size_in_bytes" = 49152 : ui32>>} {
func.func @large_l1_two_row_buffers(%x: memref<8x16xf32>, %dy: memref<8x16xf32>, %dx: memref<8x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  scf.parallel (%row) = (%c0) to (%c8) step (%c1) {
    scf.for %j = %c0 to %c16 step %c16 {
      %a = vector.load %x[%row, %j] : memref<8x16xf32>, vector<16xf32>
      %b = vector.load %dy[%row, %j] : memref<8x16xf32>, vector<16xf32>
      %s = arith.mulf %a, %b : vector<16xf32>
      vector.store %s, %dx[%row, %j] : memref<8x16xf32>, vector<16xf32>
    }
    scf.reduce
  }
  return
}

func.func @large_l1_one_row_buffer(%x: memref<8x16xf32>, %y: memref<8x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  scf.parallel (%row) = (%c0) to (%c8) step (%c1) {
    scf.for %j = %c0 to %c16 step %c16 {
      %a = vector.load %x[%row, %j] : memref<8x16xf32>, vector<16xf32>
      vector.store %a, %y[%row, %j] : memref<8x16xf32>, vector<16xf32>
    }
    scf.reduce
  }
  return
}
}

// -----

// A 32 KiB L1 data cache: a gradient's sweep prefetches into L2.

// CHECK-LABEL: func.func @small_l1_two_row_buffers
//   CHECK-NOT:   locality<3>
//       CHECK:   memref.prefetch %{{.+}}, read, locality<2>, data : memref<8x16xf32>
//       CHECK:   memref.prefetch %{{.+}}, read, locality<2>, data : memref<8x16xf32>
//   CHECK-NOT:   locality<3>
module attributes {dlti.target_system_spec = #dlti.target_system_spec<
    "CPU" = #dlti.target_device_spec<"L1_cache_size_in_bytes" = 32768 : ui32>>} {
func.func @small_l1_two_row_buffers(%x: memref<8x16xf32>, %dy: memref<8x16xf32>, %dx: memref<8x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  scf.parallel (%row) = (%c0) to (%c8) step (%c1) {
    scf.for %j = %c0 to %c16 step %c16 {
      %a = vector.load %x[%row, %j] : memref<8x16xf32>, vector<16xf32>
      %b = vector.load %dy[%row, %j] : memref<8x16xf32>, vector<16xf32>
      %s = arith.mulf %a, %b : vector<16xf32>
      vector.store %s, %dx[%row, %j] : memref<8x16xf32>, vector<16xf32>
    }
    scf.reduce
  }
  return
}
}

// -----

// An L1 size that is not a plausible number of bytes says nothing: L2.

// CHECK-LABEL: func.func @bad_l1_spec
//   CHECK-NOT:   locality<3>
//       CHECK:   memref.prefetch %{{.+}}, read, locality<2>, data : memref<8x16xf32>
//   CHECK-NOT:   locality<3>
module attributes {dlti.target_system_spec = #dlti.target_system_spec<
    "CPU" = #dlti.target_device_spec<"L1_cache_size_in_bytes" = -49152 : i32>>} {
func.func @bad_l1_spec(%x: memref<8x16xf32>, %dy: memref<8x16xf32>, %dx: memref<8x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  scf.parallel (%row) = (%c0) to (%c8) step (%c1) {
    scf.for %j = %c0 to %c16 step %c16 {
      %a = vector.load %x[%row, %j] : memref<8x16xf32>, vector<16xf32>
      %b = vector.load %dy[%row, %j] : memref<8x16xf32>, vector<16xf32>
      %s = arith.mulf %a, %b : vector<16xf32>
      vector.store %s, %dx[%row, %j] : memref<8x16xf32>, vector<16xf32>
    }
    scf.reduce
  }
  return
}
}

// -----

// CHECK-LABEL: func.func @string_l1_spec
//   CHECK-NOT:   locality<3>
//       CHECK:   memref.prefetch %{{.+}}, read, locality<2>, data : memref<8x16xf32>
module attributes {dlti.target_system_spec = #dlti.target_system_spec<
    "CPU" = #dlti.target_device_spec<"L1_cache_size_in_bytes" = "48K">>} {
func.func @string_l1_spec(%x: memref<8x16xf32>, %dy: memref<8x16xf32>, %dx: memref<8x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  scf.parallel (%row) = (%c0) to (%c8) step (%c1) {
    scf.for %j = %c0 to %c16 step %c16 {
      %a = vector.load %x[%row, %j] : memref<8x16xf32>, vector<16xf32>
      %b = vector.load %dy[%row, %j] : memref<8x16xf32>, vector<16xf32>
      %s = arith.mulf %a, %b : vector<16xf32>
      vector.store %s, %dx[%row, %j] : memref<8x16xf32>, vector<16xf32>
    }
    scf.reduce
  }
  return
}
}

// -----

// With an L2 of 1 MiB in the target spec, a buffer of at most 512 KiB (x,
// 128 KiB) stays in cache: no prefetches for it, unless prefetch-cached is
// set; a larger one (dy, 1 MiB) still gets them.
// RUN: norm-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(norm-prefetch-rows{prefetch-cached=true}))" | FileCheck %s --check-prefix=CACHED

// CHECK-LABEL: func.func @l2_resident_buffer
//   CHECK-NOT:   memref.prefetch %{{.+}} : memref<2048x16xf32>
//       CHECK:   memref.prefetch %{{.+}} : memref<16384x16xf32>
//   CHECK-NOT:   memref.prefetch %{{.+}} : memref<2048x16xf32>
// CACHED-LABEL: func.func @l2_resident_buffer
//   CACHED-DAG:    memref.prefetch %{{.+}} : memref<2048x16xf32>
//   CACHED-DAG:    memref.prefetch %{{.+}} : memref<16384x16xf32>
module attributes {dlti.target_system_spec = #dlti.target_system_spec<
    "CPU" = #dlti.target_device_spec<"L2_cache_size_in_bytes" = 1048576 : ui32>>} {
  func.func @l2_resident_buffer(%x: memref<2048x16xf32>, %dy: memref<16384x16xf32>, %dx: memref<2048x16xf32>) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c16 = arith.constant 16 : index
    %c2048 = arith.constant 2048 : index
    scf.parallel (%row) = (%c0) to (%c2048) step (%c1) {
      scf.for %j = %c0 to %c16 step %c16 {
        %a = vector.load %x[%row, %j] : memref<2048x16xf32>, vector<16xf32>
        %b = vector.load %dy[%row, %j] : memref<16384x16xf32>, vector<16xf32>
        %s = arith.mulf %a, %b : vector<16xf32>
        vector.store %s, %dx[%row, %j] : memref<2048x16xf32>, vector<16xf32>
      }
      scf.reduce
    }
    return
  }
}
