// RUN: norm-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(norm-place-row-buffers))" | FileCheck %s
// RUN: norm-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(norm-place-row-buffers{min-bytes=1000000}))" | FileCheck %s --check-prefix=LARGE

// A returned row buffer becomes a view, one page into a larger i8 block, at
// the page offset of the argument with its element type and row length,
// rounded down to the 64-byte alignment.

// CHECK-LABEL: func.func @result
//  CHECK-SAME:     (%[[X:.+]]: memref<8x512xbf16>, %[[W:.+]]: memref<512xf32>)
//       CHECK:   %[[RAW:.+]] = memref.alloc() {alignment = 64 : i64} : memref<12288xi8>
//       CHECK:   %[[PAGE:.+]] = arith.constant 4095 : index
//       CHECK:   %[[PX:.+]] = memref.extract_aligned_pointer_as_index %[[X]]
//       CHECK:   %[[OX:.+]] = arith.andi %[[PX]], %[[PAGE]]
//       CHECK:   %[[PR:.+]] = memref.extract_aligned_pointer_as_index %[[RAW]]
//       CHECK:   %[[D:.+]] = arith.subi %[[OX]], %[[PR]]
//       CHECK:   %[[LINES:.+]] = arith.constant 4032 : index
//       CHECK:   %[[SHIFT:.+]] = arith.andi %[[D]], %[[LINES]]
//       CHECK:   %[[Y:.+]] = memref.view %[[RAW]][%[[SHIFT]]][] : memref<12288xi8> to memref<8x1x512xbf16>
//   CHECK-NOT:   memref.alloc
//       CHECK:   linalg.fill {{.*}} outs(%[[Y]] :
//       CHECK:   %[[C:.+]] = memref.collapse_shape %[[Y]]
//       CHECK:   return %[[C]]
// LARGE-LABEL: func.func @result
//       LARGE:   memref.alloc() {alignment = 64 : i64} : memref<8x1x512xbf16>
//   LARGE-NOT:   memref.view
func.func @result(%x: memref<8x512xbf16>, %w: memref<512xf32>) -> memref<8x512xbf16> {
  %cst = arith.constant 0.0 : bf16
  %y = memref.alloc() {alignment = 64 : i64} : memref<8x1x512xbf16>
  linalg.fill ins(%cst : bf16) outs(%y : memref<8x1x512xbf16>)
  %c = memref.collapse_shape %y [[0, 1], [2]] : memref<8x1x512xbf16> into memref<8x512xbf16>
  return %c : memref<8x512xbf16>
}

// -----

// Dynamic rows: the block's size is computed, the view takes the row count.
// With two row inputs (dy, x) the offset starts at dy's and moves to x's when
// x starts less than 512 bytes below it. A temporary (here the f32 sums,
// placed by the f32 parameter) is freed through its raw block.

// CHECK-LABEL: func.func @gradient
//  CHECK-SAME:     (%[[DY:.+]]: memref<?x1024xf32>, %[[X:.+]]: memref<?x1024xf32>, %[[W:.+]]: memref<1024xf32>, %[[N:.+]]: index)
//       CHECK:   %[[ROW:.+]] = arith.constant 4096 : index
//       CHECK:   %[[BYTES:.+]] = arith.muli %[[ROW]], %[[N]]
//       CHECK:   %[[ONEPAGE:.+]] = arith.constant 4096 : index
//       CHECK:   %[[SIZE:.+]] = arith.addi %[[BYTES]], %[[ONEPAGE]]
//       CHECK:   %[[RAW:.+]] = memref.alloc(%[[SIZE]]) {alignment = 64 : i64} : memref<?xi8>
//       CHECK:   memref.extract_aligned_pointer_as_index %[[DY]]
//       CHECK:   memref.extract_aligned_pointer_as_index %[[X]]
//       CHECK:   memref.extract_aligned_pointer_as_index %[[W]]
//       CHECK:   %[[C0:.+]] = arith.constant 0 : index
//       CHECK:   %[[WINDOW:.+]] = arith.constant 512 : index
//       CHECK:   arith.cmpi ugt, %{{.+}}, %[[C0]]
//       CHECK:   arith.cmpi ule, %{{.+}}, %[[WINDOW]]
//       CHECK:   arith.select
//       CHECK:   %[[DX:.+]] = memref.view %[[RAW]][%{{.+}}][%[[N]]] : memref<?xi8> to memref<?x1024xf32>
//       CHECK:   %[[SRAW:.+]] = memref.alloc() {alignment = 64 : i64} : memref<8192xi8>
//       CHECK:   %[[SUMS:.+]] = memref.view %[[SRAW]][%{{.+}}][] : memref<8192xi8> to memref<1024xf32>
//       CHECK:   memref.copy %[[SUMS]], %{{.+}} : memref<1024xf32> to memref<1024xf32>
//       CHECK:   memref.dealloc %[[SRAW]] : memref<8192xi8>
//       CHECK:   return %[[DX]], %{{.+}} : memref<?x1024xf32>, memref<1024xf32>
// A dynamic size counts as large.
// LARGE-LABEL: func.func @gradient
//       LARGE:   memref.view %{{.+}} : memref<?xi8> to memref<?x1024xf32>
//       LARGE:   memref.alloc() {alignment = 64 : i64} : memref<1024xf32>
//   LARGE-NOT:   memref.view
func.func @gradient(%dy: memref<?x1024xf32>, %x: memref<?x1024xf32>, %w: memref<1024xf32>, %n: index) -> (memref<?x1024xf32>, memref<1024xf32>) {
  %dx = memref.alloc(%n) {alignment = 64 : i64} : memref<?x1024xf32>
  %sums = memref.alloc() {alignment = 64 : i64} : memref<1024xf32>
  %dw = memref.alloc() {alignment = 64 : i64} : memref<1024xf32>
  memref.copy %sums, %dw : memref<1024xf32> to memref<1024xf32>
  memref.dealloc %sums : memref<1024xf32>
  return %dx, %dw : memref<?x1024xf32>, memref<1024xf32>
}

// -----

// Left alone: no argument with the buffer's element type and row length, a
// buffer below min-bytes, a dynamic row length, and stack buffers.

// CHECK-LABEL: func.func @untouched
//   CHECK-NOT:   memref.view
//       CHECK:   memref.alloc() {alignment = 64 : i64} : memref<8x512xf16>
//       CHECK:   memref.alloc() {alignment = 64 : i64} : memref<2x64xf32>
//       CHECK:   memref.alloc(%{{.+}}) {alignment = 64 : i64} : memref<8x?xf32>
//       CHECK:   memref.alloca() : memref<4x512xf32>
//   CHECK-NOT:   memref.view
func.func @untouched(%x: memref<8x512xf32>, %v: memref<64xf32>, %n: index) -> (memref<8x512xf16>, memref<2x64xf32>, memref<8x?xf32>) {
  %a = memref.alloc() {alignment = 64 : i64} : memref<8x512xf16>
  %b = memref.alloc() {alignment = 64 : i64} : memref<2x64xf32>
  %c = memref.alloc(%n) {alignment = 64 : i64} : memref<8x?xf32>
  %d = memref.alloca() : memref<4x512xf32>
  return %a, %b, %c : memref<8x512xf16>, memref<2x64xf32>, memref<8x?xf32>
}

// -----

// Elements narrower than a byte (f4) are not placed (their size in memory is
// not their width); a buffer in another memory space keeps it; an argument
// with a strided layout (its aligned pointer is not where its data starts)
// is not an input to place by.

// CHECK-LABEL: func.func @kinds
//  CHECK-SAME:     (%[[XS:.+]]: memref<8x512xf32, strided<[1024, 1], offset: ?>>, %[[X:.+]]: memref<8x512xf32>
//       CHECK:   memref.alloc() {alignment = 64 : i64} : memref<8x512xf4E2M1FN>
//       CHECK:   %[[RAW:.+]] = memref.alloc() {alignment = 64 : i64} : memref<20480xi8, 1>
//   CHECK-NOT:   memref.extract_aligned_pointer_as_index %[[XS]]
//       CHECK:   memref.extract_aligned_pointer_as_index %[[X]]
//       CHECK:   memref.view %[[RAW]][%{{.+}}][] : memref<20480xi8, 1> to memref<8x512xf32, 1>
func.func @kinds(%xs: memref<8x512xf32, strided<[1024, 1], offset: ?>>, %x: memref<8x512xf32>, %x4: memref<8x512xf4E2M1FN>) -> (memref<8x512xf4E2M1FN>, memref<8x512xf32, 1>) {
  %a = memref.alloc() {alignment = 64 : i64} : memref<8x512xf4E2M1FN>
  %b = memref.alloc() {alignment = 64 : i64} : memref<8x512xf32, 1>
  return %a, %b : memref<8x512xf4E2M1FN>, memref<8x512xf32, 1>
}
