// Round trip of every norm op, pretty and generic forms, static and dynamic
// shapes, all element types, with and without statistics and epsilon.
// RUN: norm-opt %s | norm-opt | FileCheck %s
// RUN: norm-opt %s --mlir-print-op-generic | norm-opt | FileCheck %s
// RUN: norm-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC

// CHECK-LABEL: func @rmsnorm
func.func @rmsnorm(%x: tensor<8x512xf32>, %w: tensor<512xf32>,
                   %xb: tensor<?x4096xbf16>, %wb: tensor<4096xf32>,
                   %xh: tensor<2x3x64xf16>, %wh: tensor<64xf16>,
                   %xd: tensor<7xf64>, %wd: tensor<7xf64>) {
  // CHECK: norm.rmsnorm %{{.*}}, %{{.*}} {epsilon = 9.99999997E-7 : f32} : (tensor<8x512xf32>, tensor<512xf32>) -> tensor<8x512xf32>
  %0 = norm.rmsnorm %x, %w {epsilon = 1.0e-06 : f32} : (tensor<8x512xf32>, tensor<512xf32>) -> tensor<8x512xf32>
  // CHECK: norm.rmsnorm %{{.*}}, %{{.*}} : (tensor<8x512xf32>, tensor<512xf32>) -> (tensor<8x512xf32>, tensor<8xf32>)
  %1:2 = norm.rmsnorm %x, %w : (tensor<8x512xf32>, tensor<512xf32>) -> (tensor<8x512xf32>, tensor<8xf32>)
  // CHECK: norm.rmsnorm %{{.*}}, %{{.*}} {epsilon = 9.99999997E-7 : f32} : (tensor<?x4096xbf16>, tensor<4096xf32>) -> tensor<?x4096xbf16>
  %2 = norm.rmsnorm %xb, %wb {epsilon = 1.0e-06 : f32} : (tensor<?x4096xbf16>, tensor<4096xf32>) -> tensor<?x4096xbf16>
  // CHECK: norm.rmsnorm %{{.*}}, %{{.*}} {epsilon = 9.99999974E-6 : f32} : (tensor<2x3x64xf16>, tensor<64xf16>) -> (tensor<2x3x64xf16>, tensor<6xf32>)
  %3:2 = norm.rmsnorm %xh, %wh {epsilon = 1.0e-05 : f32} : (tensor<2x3x64xf16>, tensor<64xf16>) -> (tensor<2x3x64xf16>, tensor<6xf32>)
  // CHECK: norm.rmsnorm %{{.*}}, %{{.*}} : (tensor<7xf64>, tensor<7xf64>) -> (tensor<7xf64>, tensor<1xf64>)
  %4:2 = norm.rmsnorm %xd, %wd : (tensor<7xf64>, tensor<7xf64>) -> (tensor<7xf64>, tensor<1xf64>)
  // CHECK: norm.rmsnorm %{{.*}}, %{{.*}} : (tensor<?x4096xbf16>, tensor<4096xf32>) -> (tensor<?x4096xbf16>, tensor<?xf32>)
  %5:2 = norm.rmsnorm %xb, %wb : (tensor<?x4096xbf16>, tensor<4096xf32>) -> (tensor<?x4096xbf16>, tensor<?xf32>)
  return
}

// CHECK-LABEL: func @scalenorm
func.func @scalenorm(%x: tensor<2x16x512xf32>, %g: tensor<f32>,
                     %xb: tensor<?x?xbf16>, %gb: tensor<bf16>, %xh: tensor<4x8xf16>) {
  // CHECK: norm.scalenorm %{{.*}}, %{{.*}} {epsilon = 9.99999974E-6 : f32} : (tensor<2x16x512xf32>, tensor<f32>) -> tensor<2x16x512xf32>
  %0 = norm.scalenorm %x, %g {epsilon = 1.0e-05 : f32} : (tensor<2x16x512xf32>, tensor<f32>) -> tensor<2x16x512xf32>
  // CHECK: norm.scalenorm %{{.*}}, %{{.*}} : (tensor<2x16x512xf32>, tensor<f32>) -> (tensor<2x16x512xf32>, tensor<32xf32>)
  %1:2 = norm.scalenorm %x, %g : (tensor<2x16x512xf32>, tensor<f32>) -> (tensor<2x16x512xf32>, tensor<32xf32>)
  // CHECK: norm.scalenorm %{{.*}}, %{{.*}} : (tensor<?x?xbf16>, tensor<bf16>) -> tensor<?x?xbf16>
  %2 = norm.scalenorm %xb, %gb : (tensor<?x?xbf16>, tensor<bf16>) -> tensor<?x?xbf16>
  // CHECK: norm.scalenorm %{{.*}}, %{{.*}} {epsilon = 0.000000e+00 : f32} : (tensor<4x8xf16>, tensor<f32>) -> (tensor<4x8xf16>, tensor<4xf32>)
  %3:2 = norm.scalenorm %xh, %g {epsilon = 0.0 : f32} : (tensor<4x8xf16>, tensor<f32>) -> (tensor<4x8xf16>, tensor<4xf32>)
  return
}

// CHECK-LABEL: func @seednorm
func.func @seednorm(%x: tensor<8x512xf32>, %a: tensor<512xf32>, %b: tensor<512xf32>, %c: tensor<512xf32>,
                    %xb: tensor<?x16x512xbf16>, %ab: tensor<512xbf16>) {
  // CHECK: norm.seednorm %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {epsilon = 9.99999997E-7 : f32, heads = 4 : i64} : (tensor<8x512xf32>, tensor<512xf32>, tensor<512xf32>, tensor<512xf32>) -> tensor<8x512xf32>
  %0 = norm.seednorm %x, %a, %b, %c {epsilon = 1.0e-06 : f32, heads = 4 : i64} : (tensor<8x512xf32>, tensor<512xf32>, tensor<512xf32>, tensor<512xf32>) -> tensor<8x512xf32>
  // CHECK: norm.seednorm %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : (tensor<8x512xf32>, tensor<512xf32>, tensor<512xf32>, tensor<512xf32>) -> (tensor<8x512xf32>, tensor<8xf32>, tensor<8x1xf32>)
  %1:3 = norm.seednorm %x, %a, %b, %c : (tensor<8x512xf32>, tensor<512xf32>, tensor<512xf32>, tensor<512xf32>) -> (tensor<8x512xf32>, tensor<8xf32>, tensor<8x1xf32>)
  // CHECK: norm.seednorm %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {heads = 16 : i64} : (tensor<?x16x512xbf16>, tensor<512xbf16>, tensor<512xf32>, tensor<512xbf16>) -> (tensor<?x16x512xbf16>, tensor<?xf32>, tensor<?x16xf32>)
  %2:3 = norm.seednorm %xb, %ab, %a, %ab {heads = 16 : i64} : (tensor<?x16x512xbf16>, tensor<512xbf16>, tensor<512xf32>, tensor<512xbf16>) -> (tensor<?x16x512xbf16>, tensor<?xf32>, tensor<?x16xf32>)
  return
}

// CHECK-LABEL: func @grads
func.func @grads(%dy: tensor<8x512xf32>, %x: tensor<8x512xf32>, %w: tensor<512xf32>, %r: tensor<8xf32>,
                 %g: tensor<f32>, %t: tensor<8x4xf32>,
                 %dyb: tensor<?x64xbf16>, %xb: tensor<?x64xbf16>, %wb: tensor<64xf32>, %rb: tensor<?xf32>) {
  // CHECK: norm.rmsnorm_grad %{{.*}}, %{{.*}}, %{{.*}} {epsilon = 9.99999997E-7 : f32} : (tensor<8x512xf32>, tensor<8x512xf32>, tensor<512xf32>) -> (tensor<8x512xf32>, tensor<512xf32>)
  %0:2 = norm.rmsnorm_grad %dy, %x, %w {epsilon = 1.0e-06 : f32} : (tensor<8x512xf32>, tensor<8x512xf32>, tensor<512xf32>) -> (tensor<8x512xf32>, tensor<512xf32>)
  // CHECK: norm.rmsnorm_grad %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : (tensor<8x512xf32>, tensor<8x512xf32>, tensor<512xf32>, tensor<8xf32>) -> (tensor<8x512xf32>, tensor<512xf32>)
  %1:2 = norm.rmsnorm_grad %dy, %x, %w, %r : (tensor<8x512xf32>, tensor<8x512xf32>, tensor<512xf32>, tensor<8xf32>) -> (tensor<8x512xf32>, tensor<512xf32>)
  // CHECK: norm.rmsnorm_grad %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : (tensor<?x64xbf16>, tensor<?x64xbf16>, tensor<64xf32>, tensor<?xf32>) -> (tensor<?x64xbf16>, tensor<64xf32>)
  %2:2 = norm.rmsnorm_grad %dyb, %xb, %wb, %rb : (tensor<?x64xbf16>, tensor<?x64xbf16>, tensor<64xf32>, tensor<?xf32>) -> (tensor<?x64xbf16>, tensor<64xf32>)
  // CHECK: norm.scalenorm_grad %{{.*}}, %{{.*}}, %{{.*}} {epsilon = 9.99999974E-6 : f32} : (tensor<8x512xf32>, tensor<8x512xf32>, tensor<f32>) -> (tensor<8x512xf32>, tensor<f32>)
  %3:2 = norm.scalenorm_grad %dy, %x, %g {epsilon = 1.0e-05 : f32} : (tensor<8x512xf32>, tensor<8x512xf32>, tensor<f32>) -> (tensor<8x512xf32>, tensor<f32>)
  // CHECK: norm.scalenorm_grad %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : (tensor<8x512xf32>, tensor<8x512xf32>, tensor<f32>, tensor<8xf32>) -> (tensor<8x512xf32>, tensor<f32>)
  %4:2 = norm.scalenorm_grad %dy, %x, %g, %r : (tensor<8x512xf32>, tensor<8x512xf32>, tensor<f32>, tensor<8xf32>) -> (tensor<8x512xf32>, tensor<f32>)
  // CHECK: norm.seednorm_grad %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {heads = 4 : i64} : (tensor<8x512xf32>, tensor<8x512xf32>, tensor<512xf32>, tensor<512xf32>, tensor<512xf32>) -> (tensor<8x512xf32>, tensor<512xf32>, tensor<512xf32>, tensor<512xf32>)
  %5:4 = norm.seednorm_grad %dy, %x, %w, %w, %w {heads = 4 : i64} : (tensor<8x512xf32>, tensor<8x512xf32>, tensor<512xf32>, tensor<512xf32>, tensor<512xf32>) -> (tensor<8x512xf32>, tensor<512xf32>, tensor<512xf32>, tensor<512xf32>)
  // CHECK: norm.seednorm_grad %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {epsilon = 9.99999997E-7 : f32, heads = 4 : i64} : (tensor<8x512xf32>, tensor<8x512xf32>, tensor<512xf32>, tensor<512xf32>, tensor<512xf32>, tensor<8xf32>, tensor<8x4xf32>) -> (tensor<8x512xf32>, tensor<512xf32>, tensor<512xf32>, tensor<512xf32>)
  %6:4 = norm.seednorm_grad %dy, %x, %w, %w, %w, %r, %t {epsilon = 1.0e-06 : f32, heads = 4 : i64} : (tensor<8x512xf32>, tensor<8x512xf32>, tensor<512xf32>, tensor<512xf32>, tensor<512xf32>, tensor<8xf32>, tensor<8x4xf32>) -> (tensor<8x512xf32>, tensor<512xf32>, tensor<512xf32>, tensor<512xf32>)
  return
}

// The generic form spells the op names and keeps the attributes.
// GENERIC: "norm.rmsnorm"(%{{.*}}, %{{.*}}) <{epsilon = 9.99999997E-7 : f32}>
// GENERIC: "norm.seednorm"(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) <{epsilon = 9.99999997E-7 : f32, heads = 4 : i64}>
// GENERIC: "norm.seednorm_grad"
