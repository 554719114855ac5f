// RUN: norm-opt %s --pass-pipeline="builtin.module(func.func(norm-nontemporal-stores{min-bytes=0}))" | FileCheck %s
// RUN: norm-opt %s --pass-pipeline="builtin.module(func.func(norm-nontemporal-stores{enable=false}))" | FileCheck %s --check-prefix=OFF
// RUN: norm-opt %s --pass-pipeline="builtin.module(func.func(norm-nontemporal-stores))" | FileCheck %s --check-prefix=SMALL

// Transfers become vector.load/store. Inside the row loop, the output row
// (dx, written once) is streamed with non-temporal stores; the running sum
// (read back by the same loop nest) and the stack temporary keep ordinary
// stores, so they stay in cache.

// CHECK-LABEL: func.func @grad_row
//       CHECK:   scf.for
//       CHECK:     scf.for
//       CHECK:       vector.load
//       CHECK:       vector.store %{{.+}}, %[[DX:.+]][%{{.+}}, %{{.+}}] {nontemporal = true} : memref<8x256xf32>, vector<64xf32>
//       CHECK:       %[[OLD:.+]] = vector.load %[[ACC:.+]][%{{.+}}] : memref<256xf32>, vector<64xf32>
//       CHECK:       vector.store %{{.+}}, %[[ACC]][%{{.+}}] : memref<256xf32>, vector<64xf32>
//       CHECK:       vector.store %{{.+}}, %{{.+}}[%{{.+}}] : memref<64xf32>, vector<64xf32>
//   CHECK-NOT:   transfer_

// OFF-NOT: nontemporal

// With the default min-bytes (8 MiB), the 8 KiB output fits in cache and keeps
// ordinary stores.
// SMALL-LABEL: func.func @grad_row
// SMALL: vector.store
// SMALL-NOT: nontemporal
func.func @grad_row(%x: memref<8x256xf32>, %dx: memref<8x256xf32>, %acc: memref<256xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  %c256 = arith.constant 256 : index
  %pad = arith.constant 0.0 : f32
  %tmp = memref.alloca() : memref<64xf32>
  scf.for %r = %c0 to %c8 step %c1 {
    scf.for %j = %c0 to %c256 step %c64 {
      %v = vector.transfer_read %x[%r, %j], %pad {in_bounds = [true]} : memref<8x256xf32>, vector<64xf32>
      %d = arith.mulf %v, %v : vector<64xf32>
      vector.transfer_write %d, %dx[%r, %j] {in_bounds = [true]} : vector<64xf32>, memref<8x256xf32>
      %a = vector.transfer_read %acc[%j], %pad {in_bounds = [true]} : memref<256xf32>, vector<64xf32>
      %s = arith.addf %a, %v : vector<64xf32>
      vector.transfer_write %s, %acc[%j] {in_bounds = [true]} : vector<64xf32>, memref<256xf32>
      vector.transfer_write %s, %tmp[%c0] {in_bounds = [true]} : vector<64xf32>, memref<64xf32>
    }
  }
  return
}

// Alignment: a streamed store carries the alignment proven from the 64-byte
// aligned allocation, the row stride (1000 f32 = 4000 bytes: 32-byte steps),
// the subview offset and the column index (steps of 16 f32 = 64 bytes). A
// column start of 4 elements (16 bytes) or an allocation without alignment
// proves less; a function argument proves nothing beyond its element, so its
// store keeps no alignment attribute (see @grad_row).

// Dynamic sizes are assumed large: streamed whatever min-bytes says.
// SMALL-LABEL: func.func @aligned_rows
// SMALL: nontemporal = true

// CHECK-LABEL: func.func @aligned_rows
//       CHECK:   vector.store {{.*}} {alignment = 32 : i64, nontemporal = true} : memref<?x1000xf32>, vector<16xf32>
//       CHECK:   vector.store {{.*}} {alignment = 64 : i64, nontemporal = true} : memref<1x1024xf32, strided<[1024, 1], offset: ?>>, vector<16xf32>
//       CHECK:   vector.store {{.*}} {alignment = 16 : i64, nontemporal = true} : memref<?x1024xf32>, vector<16xf32>
//       CHECK:   vector.store {{.*}} {nontemporal = true} : memref<?x1024xf32>, vector<16xf32>
func.func @aligned_rows(%n: index, %v: vector<16xf32>) -> (memref<?x1000xf32>, memref<?x1024xf32>, memref<?x1024xf32>, memref<?x1024xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %c992 = arith.constant 992 : index
  %c1008 = arith.constant 1008 : index
  %a = memref.alloc(%n) {alignment = 64 : i64} : memref<?x1000xf32>
  %b = memref.alloc(%n) {alignment = 64 : i64} : memref<?x1024xf32>
  %c = memref.alloc(%n) {alignment = 64 : i64} : memref<?x1024xf32>
  %d = memref.alloc(%n) : memref<?x1024xf32>
  scf.for %r = %c0 to %n step %c1 {
    scf.for %j = %c0 to %c992 step %c16 {
      vector.store %v, %a[%r, %j] : memref<?x1000xf32>, vector<16xf32>
    }
    %row = memref.subview %b[%r, 0] [1, 1024] [1, 1] : memref<?x1024xf32> to memref<1x1024xf32, strided<[1024, 1], offset: ?>>
    scf.for %j = %c0 to %c1008 step %c16 {
      vector.store %v, %row[%c0, %j] : memref<1x1024xf32, strided<[1024, 1], offset: ?>>, vector<16xf32>
    }
    scf.for %j = %c4 to %c1008 step %c16 {
      vector.store %v, %c[%r, %j] : memref<?x1024xf32>, vector<16xf32>
      vector.store %v, %d[%r, %j] : memref<?x1024xf32>, vector<16xf32>
    }
  }
  return %a, %b, %c, %d : memref<?x1000xf32>, memref<?x1024xf32>, memref<?x1024xf32>, memref<?x1024xf32>
}

// bf16 streams of one row per loop get their proven alignment (full-width
// streaming stores); with align-narrow-elements=false they keep their element
// alignment (8-byte streaming stores on x86).
// RUN: norm-opt %s --pass-pipeline="builtin.module(func.func(norm-nontemporal-stores{align-narrow-elements=false}))" | FileCheck %s --check-prefix=SPLIT

// CHECK-LABEL: func.func @bf16_rows
//       CHECK:   vector.store {{.*}} {alignment = 64 : i64, nontemporal = true} : memref<?x1024xbf16>, vector<32xbf16>
// SPLIT-LABEL: func.func @bf16_rows
//       SPLIT:   vector.store {{.*}} {nontemporal = true} : memref<?x1024xbf16>, vector<32xbf16>
func.func @bf16_rows(%n: index, %v: vector<32xbf16>) -> memref<?x1024xbf16> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %c1024 = arith.constant 1024 : index
  %a = memref.alloc(%n) {alignment = 64 : i64} : memref<?x1024xbf16>
  scf.for %r = %c0 to %n step %c1 {
    scf.for %j = %c0 to %c1024 step %c32 {
      vector.store %v, %a[%r, %j] : memref<?x1024xbf16>, vector<32xbf16>
    }
  }
  return %a : memref<?x1024xbf16>
}

// A loop that streams two rows of the buffer (a row block: the rows' stores
// interleave) aligns them too; one that also updates a running sum (a
// gradient's row block) keeps the element alignment of its bf16 streams of
// less than a cache line a row (measured faster split), not of its f32 ones,
// nor of bf16 streams of whole lines (measured faster aligned).

// CHECK-LABEL: func.func @row_block_streams
//       CHECK:   vector.store {{.*}} {alignment = 32 : i64, nontemporal = true} : memref<?x1024xbf16>, vector<16xbf16>
//       CHECK:   vector.store {{.*}} {alignment = 32 : i64, nontemporal = true} : memref<?x1024xbf16>, vector<16xbf16>
func.func @row_block_streams(%n: index, %v: vector<16xbf16>) -> memref<?x1024xbf16> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c16 = arith.constant 16 : index
  %c1024 = arith.constant 1024 : index
  %a = memref.alloc(%n) {alignment = 64 : i64} : memref<?x1024xbf16>
  scf.for %r = %c0 to %n step %c2 {
    %r1 = arith.addi %r, %c1 : index
    scf.for %j = %c0 to %c1024 step %c16 {
      vector.store %v, %a[%r, %j] : memref<?x1024xbf16>, vector<16xbf16>
      vector.store %v, %a[%r1, %j] : memref<?x1024xbf16>, vector<16xbf16>
    }
  }
  return %a : memref<?x1024xbf16>
}

// CHECK-LABEL: func.func @gradient_row_block_streams
//       CHECK:   vector.store {{.*}} {nontemporal = true} : memref<?x1024xbf16>, vector<16xbf16>
//       CHECK:   vector.store {{.*}} {nontemporal = true} : memref<?x1024xbf16>, vector<16xbf16>
//       CHECK:   vector.store {{.*}} {alignment = 64 : i64, nontemporal = true} : memref<?x1024xf32>, vector<16xf32>
//       CHECK:   vector.store {{.*}} {alignment = 64 : i64, nontemporal = true} : memref<?x1024xf32>, vector<16xf32>
//       CHECK:   vector.store %{{.+}}, %{{.+}}[%{{.+}}] : memref<1024xf32>, vector<16xf32>
func.func @gradient_row_block_streams(%n: index, %v: vector<16xbf16>, %w: vector<16xf32>) -> (memref<?x1024xbf16>, memref<?x1024xf32>, memref<1024xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c16 = arith.constant 16 : index
  %c1024 = arith.constant 1024 : index
  %a = memref.alloc(%n) {alignment = 64 : i64} : memref<?x1024xbf16>
  %b = memref.alloc(%n) {alignment = 64 : i64} : memref<?x1024xf32>
  %sum = memref.alloc() {alignment = 64 : i64} : memref<1024xf32>
  scf.for %r = %c0 to %n step %c2 {
    %r1 = arith.addi %r, %c1 : index
    scf.for %j = %c0 to %c1024 step %c16 {
      vector.store %v, %a[%r, %j] : memref<?x1024xbf16>, vector<16xbf16>
      vector.store %v, %a[%r1, %j] : memref<?x1024xbf16>, vector<16xbf16>
      vector.store %w, %b[%r, %j] : memref<?x1024xf32>, vector<16xf32>
      vector.store %w, %b[%r1, %j] : memref<?x1024xf32>, vector<16xf32>
      %s = vector.load %sum[%j] : memref<1024xf32>, vector<16xf32>
      %t = arith.addf %s, %w : vector<16xf32>
      vector.store %t, %sum[%j] : memref<1024xf32>, vector<16xf32>
    }
  }
  return %a, %b, %sum : memref<?x1024xbf16>, memref<?x1024xf32>, memref<1024xf32>
}

// CHECK-LABEL: func.func @gradient_row_block_line_streams
//       CHECK:   vector.store {{.*}} {alignment = 64 : i64, nontemporal = true} : memref<?x1024xbf16>, vector<32xbf16>
//       CHECK:   vector.store {{.*}} {alignment = 64 : i64, nontemporal = true} : memref<?x1024xbf16>, vector<32xbf16>
//       CHECK:   vector.store %{{.+}}, %{{.+}}[%{{.+}}] : memref<1024xf32>, vector<32xf32>
func.func @gradient_row_block_line_streams(%n: index, %v: vector<32xbf16>, %w: vector<32xf32>) -> (memref<?x1024xbf16>, memref<1024xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c32 = arith.constant 32 : index
  %c1024 = arith.constant 1024 : index
  %a = memref.alloc(%n) {alignment = 64 : i64} : memref<?x1024xbf16>
  %sum = memref.alloc() {alignment = 64 : i64} : memref<1024xf32>
  scf.for %r = %c0 to %n step %c2 {
    %r1 = arith.addi %r, %c1 : index
    scf.for %j = %c0 to %c1024 step %c32 {
      vector.store %v, %a[%r, %j] : memref<?x1024xbf16>, vector<32xbf16>
      vector.store %v, %a[%r1, %j] : memref<?x1024xbf16>, vector<32xbf16>
      %s = vector.load %sum[%j] : memref<1024xf32>, vector<32xf32>
      %t = arith.addf %s, %w : vector<32xf32>
      vector.store %t, %sum[%j] : memref<1024xf32>, vector<32xf32>
    }
  }
  return %a, %sum : memref<?x1024xbf16>, memref<1024xf32>
}

// An allocation whose layout starts at an offset (3 f32) is aligned only as
// far as that offset allows (4 bytes: no attribute); index elements have no
// bit width to align by (streamed, no alignment).

// CHECK-LABEL: func.func @offset_and_index
//       CHECK:   vector.store {{.*}} {nontemporal = true} : memref<?x1024xf32, strided<[1024, 1], offset: 3>>, vector<16xf32>
//       CHECK:   vector.store {{.*}} {nontemporal = true} : memref<?x1024xindex>, vector<16xindex>
func.func @offset_and_index(%n: index, %v: vector<16xf32>, %i: vector<16xindex>) -> (memref<?x1024xf32, strided<[1024, 1], offset: 3>>, memref<?x1024xindex>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c1008 = arith.constant 1008 : index
  %a = memref.alloc(%n) {alignment = 64 : i64} : memref<?x1024xf32, strided<[1024, 1], offset: 3>>
  %b = memref.alloc(%n) {alignment = 64 : i64} : memref<?x1024xindex>
  scf.for %r = %c0 to %n step %c1 {
    scf.for %j = %c0 to %c1008 step %c16 {
      vector.store %v, %a[%r, %j] : memref<?x1024xf32, strided<[1024, 1], offset: 3>>, vector<16xf32>
      vector.store %i, %b[%r, %j] : memref<?x1024xindex>, vector<16xindex>
    }
  }
  return %a, %b : memref<?x1024xf32, strided<[1024, 1], offset: 3>>, memref<?x1024xindex>
}

// A view placed by norm-place-row-buffers: aligned as far as both the block
// and the byte shift are (a mask clearing the low 6 bits: 64 bytes; a shift
// of 16 bytes: 16).
// CHECK-LABEL: func.func @placed_rows
//       CHECK:   vector.store {{.*}} {alignment = 64 : i64, nontemporal = true} : memref<?x1024xf32>, vector<16xf32>
//       CHECK:   vector.store {{.*}} {alignment = 16 : i64, nontemporal = true} : memref<?x1024xf32>, vector<16xf32>
func.func @placed_rows(%n: index, %bytes: index, %p: index, %v: vector<16xf32>) -> (memref<?x1024xf32>, memref<?x1024xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c1024 = arith.constant 1024 : index
  %c4032 = arith.constant 4032 : index
  %raw = memref.alloc(%bytes) {alignment = 64 : i64} : memref<?xi8>
  %shift = arith.andi %p, %c4032 : index
  %a = memref.view %raw[%shift][%n] : memref<?xi8> to memref<?x1024xf32>
  %raw2 = memref.alloc(%bytes) {alignment = 64 : i64} : memref<?xi8>
  %b = memref.view %raw2[%c16][%n] : memref<?xi8> to memref<?x1024xf32>
  scf.for %r = %c0 to %n step %c1 {
    scf.for %j = %c0 to %c1024 step %c16 {
      vector.store %v, %a[%r, %j] : memref<?x1024xf32>, vector<16xf32>
      vector.store %v, %b[%r, %j] : memref<?x1024xf32>, vector<16xf32>
    }
  }
  return %a, %b : memref<?x1024xf32>, memref<?x1024xf32>
}

// The size that decides min-bytes is the placed buffer's (the view's 4 KiB),
// not its block's (a page larger).
// RUN: norm-opt %s --pass-pipeline="builtin.module(func.func(norm-nontemporal-stores{min-bytes=6000}))" | FileCheck %s --check-prefix=PLACED
// PLACED-LABEL: func.func @placed_small
//   PLACED-NOT:   nontemporal
//       PLACED:   return
func.func @placed_small(%p: index, %v: vector<16xf32>) -> memref<1x1024xf32> {
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  %c1024 = arith.constant 1024 : index
  %c4032 = arith.constant 4032 : index
  %raw = memref.alloc() {alignment = 64 : i64} : memref<8192xi8>
  %shift = arith.andi %p, %c4032 : index
  %a = memref.view %raw[%shift][] : memref<8192xi8> to memref<1x1024xf32>
  scf.for %j = %c0 to %c1024 step %c16 {
    vector.store %v, %a[%c0, %j] : memref<1x1024xf32>, vector<16xf32>
  }
  return %a : memref<1x1024xf32>
}

// Static buffers of elements without a bit width (index, vectors) have no
// byte size to compare with min-bytes: they stream as large ones do (this
// used to crash the pass).
// SMALL-LABEL: func @static_index_and_vector_elements
//       SMALL:   vector.store {{.*}} {nontemporal = true} : memref<64x1024xindex>, vector<16xindex>
//       SMALL:   vector.store {{.*}} {nontemporal = true} : memref<64x32xvector<16xf32>>, vector<16xf32>
func.func @static_index_and_vector_elements(%i: vector<16xindex>, %x: memref<64x32xvector<16xf32>>) -> (memref<64x1024xindex>, memref<64x32xvector<16xf32>>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  %c1024 = arith.constant 1024 : index
  %b = memref.alloc() {alignment = 64 : i64} : memref<64x1024xindex>
  %y = memref.alloc() {alignment = 64 : i64} : memref<64x32xvector<16xf32>>
  scf.for %r = %c0 to %c64 step %c1 {
    scf.for %j = %c0 to %c1024 step %c16 {
      vector.store %i, %b[%r, %j] : memref<64x1024xindex>, vector<16xindex>
    }
    scf.for %j = %c0 to %c32 step %c1 {
      %a = vector.load %x[%r, %j] : memref<64x32xvector<16xf32>>, vector<16xf32>
      vector.store %a, %y[%r, %j] : memref<64x32xvector<16xf32>>, vector<16xf32>
    }
  }
  return %b, %y : memref<64x1024xindex>, memref<64x32xvector<16xf32>>
}
