// RUN: norm-opt %s --norm-legalize-nontemporal-stores | FileCheck %s
// RUN: norm-opt %s --norm-legalize-nontemporal-stores | mlir-translate --mlir-to-llvmir | llc -O3 -mtriple=x86_64 -mcpu=znver4 | FileCheck %s --check-prefix=ASM
// RUN: mlir-translate --mlir-to-llvmir %s | llc -O3 -mtriple=x86_64 -mcpu=znver4 | FileCheck %s --check-prefix=UPSTREAM

// A non-temporal store of a bf16 vector aligned to 16 bytes or more is bitcast
// to f32 words behind an arithmetic fence; other stores, and less aligned ones
// (split into 8-byte streaming stores anyway), are left alone.

// CHECK-LABEL: llvm.func @bf16_stream
//  CHECK-SAME:   (%[[P:[^:]+]]: !llvm.ptr, %[[Q:[^:]+]]: !llvm.ptr, %[[R:[^:]+]]: !llvm.ptr, %[[S:[^:]+]]: !llvm.ptr, %[[T:[^:]+]]: !llvm.ptr, %[[V:[^:]+]]: vector<32xbf16>, %[[F32:[^:]+]]: vector<16xf32>, %[[ODD:[^:]+]]: vector<3xbf16>)
//       CHECK:   %[[W:.+]] = llvm.bitcast %[[V]] : vector<32xbf16> to vector<16xf32>
//       CHECK:   %[[F:.+]] = llvm.call_intrinsic "llvm.arithmetic.fence"(%[[W]]) : (vector<16xf32>) -> vector<16xf32>
//       CHECK:   llvm.store %[[F]], %[[P]] {alignment = 64 : i64, nontemporal} : vector<16xf32>, !llvm.ptr
//       CHECK:   llvm.store %[[V]], %[[Q]] {alignment = 64 : i64} : vector<32xbf16>, !llvm.ptr
//       CHECK:   llvm.store %[[F32]], %[[R]] {alignment = 64 : i64, nontemporal} : vector<16xf32>, !llvm.ptr
//       CHECK:   llvm.store %[[ODD]], %[[S]] {alignment = 2 : i64, nontemporal} : vector<3xbf16>, !llvm.ptr
//       CHECK:   llvm.store %[[V]], %[[T]] {alignment = 8 : i64, nontemporal} : vector<32xbf16>, !llvm.ptr

// Machine code: the aligned bf16 stream is one 64-byte non-temporal store;
// the 8-byte aligned one is eight 8-byte streaming stores.
// ASM-LABEL: bf16_stream:
//       ASM:   vmovntps %zmm{{[0-9]+}}, (%rdi)
//       ASM:   vmovap{{[sd]}} %zmm0, (%rsi)
//       ASM:   vmovntps %zmm1, (%rdx)
//       ASM:   movntsd %xmm{{[0-9]+}}, 56(%r8)

// Without the pass, LLVM 22 selects an ordinary store for it (this run
// documents the backend gap the pass works around; it fails once LLVM fixes
// it, and the pass can then go).
// UPSTREAM-LABEL: bf16_stream:
//   UPSTREAM-NOT:  vmovnt{{.*}}(%rdi)
//       UPSTREAM:  vmovap{{[sd]}} %zmm0, (%rdi)
//   UPSTREAM-NOT:  vmovnt{{.*}}(%rdi)
//       UPSTREAM:  ret
llvm.func @bf16_stream(%p: !llvm.ptr, %q: !llvm.ptr, %r: !llvm.ptr, %s: !llvm.ptr, %t: !llvm.ptr, %v: vector<32xbf16>, %f: vector<16xf32>, %odd: vector<3xbf16>) {
  llvm.store %v, %p {alignment = 64 : i64, nontemporal} : vector<32xbf16>, !llvm.ptr
  llvm.store %v, %q {alignment = 64 : i64} : vector<32xbf16>, !llvm.ptr
  llvm.store %f, %r {alignment = 64 : i64, nontemporal} : vector<16xf32>, !llvm.ptr
  llvm.store %odd, %s {alignment = 2 : i64, nontemporal} : vector<3xbf16>, !llvm.ptr
  llvm.store %v, %t {alignment = 8 : i64, nontemporal} : vector<32xbf16>, !llvm.ptr
  llvm.return
}

// f16 vectors have the same gap and get the same treatment.
// CHECK-LABEL: llvm.func @f16_stream
//       CHECK:   %[[W16:.+]] = llvm.bitcast %{{.+}} : vector<16xf16> to vector<8xf32>
//       CHECK:   %[[F16:.+]] = llvm.call_intrinsic "llvm.arithmetic.fence"(%[[W16]]) : (vector<8xf32>) -> vector<8xf32>
//       CHECK:   llvm.store %[[F16]], %{{.+}} {alignment = 32 : i64, nontemporal} : vector<8xf32>, !llvm.ptr
// ASM-LABEL: f16_stream:
//       ASM:   vmovntps %ymm0, (%rdi)
// UPSTREAM-LABEL: f16_stream:
//   UPSTREAM-NOT:  vmovnt
//       UPSTREAM:  ret
llvm.func @f16_stream(%p: !llvm.ptr, %v: vector<16xf16>) {
  llvm.store %v, %p {alignment = 32 : i64, nontemporal} : vector<16xf16>, !llvm.ptr
  llvm.return
}
