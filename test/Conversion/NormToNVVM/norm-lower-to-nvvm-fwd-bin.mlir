// Every forward norm op (f32 and bf16; D = 1, 127, 4096, 16384; dynamic rows)
// lowered to cubins for sm_80 and sm_90: gpu-module-to-binary runs ptxas
// and fails on any PTX it rejects.
// REQUIRES: ptxas
// RUN: norm-opt %s --norm-lower-to-nvvm="chip=sm_80 format=bin" | FileCheck %s
// RUN: norm-opt %s --norm-lower-to-nvvm="chip=sm_90 format=bin" | FileCheck %s
// RUN: norm-opt %s --norm-lower-to-nvvm="chip=sm_90 features=+ptx84 format=fatbin" | FileCheck %s

// CHECK-DAG: gpu.binary @rmsnorm_f32_1_kernel
// CHECK-DAG: gpu.binary @rmsnorm_f32_127_kernel
// CHECK-DAG: gpu.binary @rmsnorm_f32_4096_kernel
// CHECK-DAG: gpu.binary @rmsnorm_f32_16384_kernel
// CHECK-DAG: gpu.binary @rmsnorm_bf16_1_kernel
// CHECK-DAG: gpu.binary @rmsnorm_bf16_127_kernel
// CHECK-DAG: gpu.binary @rmsnorm_bf16_4096_kernel
// CHECK-DAG: gpu.binary @rmsnorm_bf16_16384_kernel
// CHECK-DAG: gpu.binary @scalenorm_f32_1_kernel
// CHECK-DAG: gpu.binary @scalenorm_f32_127_kernel
// CHECK-DAG: gpu.binary @scalenorm_f32_4096_kernel
// CHECK-DAG: gpu.binary @scalenorm_f32_16384_kernel
// CHECK-DAG: gpu.binary @scalenorm_bf16_1_kernel
// CHECK-DAG: gpu.binary @scalenorm_bf16_127_kernel
// CHECK-DAG: gpu.binary @scalenorm_bf16_4096_kernel
// CHECK-DAG: gpu.binary @scalenorm_bf16_16384_kernel
// CHECK-DAG: gpu.binary @seednorm_f32_1_kernel
// CHECK-DAG: gpu.binary @seednorm_f32_127_kernel
// CHECK-DAG: gpu.binary @seednorm_f32_4096_kernel
// CHECK-DAG: gpu.binary @seednorm_f32_16384_kernel
// CHECK-DAG: gpu.binary @seednorm_bf16_1_kernel
// CHECK-DAG: gpu.binary @seednorm_bf16_127_kernel
// CHECK-DAG: gpu.binary @seednorm_bf16_4096_kernel
// CHECK-DAG: gpu.binary @seednorm_bf16_16384_kernel
// CHECK-NOT: = norm.

func.func @rmsnorm_f32_1(%x: tensor<?x1xf32>, %w: tensor<1xf32>) -> (tensor<?x1xf32>, tensor<?xf32>) {
  %y, %r = norm.rmsnorm %x, %w : (tensor<?x1xf32>, tensor<1xf32>) -> (tensor<?x1xf32>, tensor<?xf32>)
  return %y, %r : tensor<?x1xf32>, tensor<?xf32>
}

func.func @rmsnorm_f32_127(%x: tensor<?x127xf32>, %w: tensor<127xf32>) -> (tensor<?x127xf32>, tensor<?xf32>) {
  %y, %r = norm.rmsnorm %x, %w : (tensor<?x127xf32>, tensor<127xf32>) -> (tensor<?x127xf32>, tensor<?xf32>)
  return %y, %r : tensor<?x127xf32>, tensor<?xf32>
}

func.func @rmsnorm_f32_4096(%x: tensor<?x4096xf32>, %w: tensor<4096xf32>) -> (tensor<?x4096xf32>, tensor<?xf32>) {
  %y, %r = norm.rmsnorm %x, %w : (tensor<?x4096xf32>, tensor<4096xf32>) -> (tensor<?x4096xf32>, tensor<?xf32>)
  return %y, %r : tensor<?x4096xf32>, tensor<?xf32>
}

func.func @rmsnorm_f32_16384(%x: tensor<?x16384xf32>, %w: tensor<16384xf32>) -> (tensor<?x16384xf32>, tensor<?xf32>) {
  %y, %r = norm.rmsnorm %x, %w : (tensor<?x16384xf32>, tensor<16384xf32>) -> (tensor<?x16384xf32>, tensor<?xf32>)
  return %y, %r : tensor<?x16384xf32>, tensor<?xf32>
}

func.func @rmsnorm_bf16_1(%x: tensor<?x1xbf16>, %w: tensor<1xf32>) -> (tensor<?x1xbf16>, tensor<?xf32>) {
  %y, %r = norm.rmsnorm %x, %w : (tensor<?x1xbf16>, tensor<1xf32>) -> (tensor<?x1xbf16>, tensor<?xf32>)
  return %y, %r : tensor<?x1xbf16>, tensor<?xf32>
}

func.func @rmsnorm_bf16_127(%x: tensor<?x127xbf16>, %w: tensor<127xf32>) -> (tensor<?x127xbf16>, tensor<?xf32>) {
  %y, %r = norm.rmsnorm %x, %w : (tensor<?x127xbf16>, tensor<127xf32>) -> (tensor<?x127xbf16>, tensor<?xf32>)
  return %y, %r : tensor<?x127xbf16>, tensor<?xf32>
}

func.func @rmsnorm_bf16_4096(%x: tensor<?x4096xbf16>, %w: tensor<4096xf32>) -> (tensor<?x4096xbf16>, tensor<?xf32>) {
  %y, %r = norm.rmsnorm %x, %w : (tensor<?x4096xbf16>, tensor<4096xf32>) -> (tensor<?x4096xbf16>, tensor<?xf32>)
  return %y, %r : tensor<?x4096xbf16>, tensor<?xf32>
}

func.func @rmsnorm_bf16_16384(%x: tensor<?x16384xbf16>, %w: tensor<16384xf32>) -> (tensor<?x16384xbf16>, tensor<?xf32>) {
  %y, %r = norm.rmsnorm %x, %w : (tensor<?x16384xbf16>, tensor<16384xf32>) -> (tensor<?x16384xbf16>, tensor<?xf32>)
  return %y, %r : tensor<?x16384xbf16>, tensor<?xf32>
}

func.func @scalenorm_f32_1(%x: tensor<?x1xf32>, %g: tensor<f32>) -> (tensor<?x1xf32>, tensor<?xf32>) {
  %y, %r = norm.scalenorm %x, %g : (tensor<?x1xf32>, tensor<f32>) -> (tensor<?x1xf32>, tensor<?xf32>)
  return %y, %r : tensor<?x1xf32>, tensor<?xf32>
}

func.func @scalenorm_f32_127(%x: tensor<?x127xf32>, %g: tensor<f32>) -> (tensor<?x127xf32>, tensor<?xf32>) {
  %y, %r = norm.scalenorm %x, %g : (tensor<?x127xf32>, tensor<f32>) -> (tensor<?x127xf32>, tensor<?xf32>)
  return %y, %r : tensor<?x127xf32>, tensor<?xf32>
}

func.func @scalenorm_f32_4096(%x: tensor<?x4096xf32>, %g: tensor<f32>) -> (tensor<?x4096xf32>, tensor<?xf32>) {
  %y, %r = norm.scalenorm %x, %g : (tensor<?x4096xf32>, tensor<f32>) -> (tensor<?x4096xf32>, tensor<?xf32>)
  return %y, %r : tensor<?x4096xf32>, tensor<?xf32>
}

func.func @scalenorm_f32_16384(%x: tensor<?x16384xf32>, %g: tensor<f32>) -> (tensor<?x16384xf32>, tensor<?xf32>) {
  %y, %r = norm.scalenorm %x, %g : (tensor<?x16384xf32>, tensor<f32>) -> (tensor<?x16384xf32>, tensor<?xf32>)
  return %y, %r : tensor<?x16384xf32>, tensor<?xf32>
}

func.func @scalenorm_bf16_1(%x: tensor<?x1xbf16>, %g: tensor<f32>) -> (tensor<?x1xbf16>, tensor<?xf32>) {
  %y, %r = norm.scalenorm %x, %g : (tensor<?x1xbf16>, tensor<f32>) -> (tensor<?x1xbf16>, tensor<?xf32>)
  return %y, %r : tensor<?x1xbf16>, tensor<?xf32>
}

func.func @scalenorm_bf16_127(%x: tensor<?x127xbf16>, %g: tensor<f32>) -> (tensor<?x127xbf16>, tensor<?xf32>) {
  %y, %r = norm.scalenorm %x, %g : (tensor<?x127xbf16>, tensor<f32>) -> (tensor<?x127xbf16>, tensor<?xf32>)
  return %y, %r : tensor<?x127xbf16>, tensor<?xf32>
}

func.func @scalenorm_bf16_4096(%x: tensor<?x4096xbf16>, %g: tensor<f32>) -> (tensor<?x4096xbf16>, tensor<?xf32>) {
  %y, %r = norm.scalenorm %x, %g : (tensor<?x4096xbf16>, tensor<f32>) -> (tensor<?x4096xbf16>, tensor<?xf32>)
  return %y, %r : tensor<?x4096xbf16>, tensor<?xf32>
}

func.func @scalenorm_bf16_16384(%x: tensor<?x16384xbf16>, %g: tensor<f32>) -> (tensor<?x16384xbf16>, tensor<?xf32>) {
  %y, %r = norm.scalenorm %x, %g : (tensor<?x16384xbf16>, tensor<f32>) -> (tensor<?x16384xbf16>, tensor<?xf32>)
  return %y, %r : tensor<?x16384xbf16>, tensor<?xf32>
}

func.func @seednorm_f32_1(%x: tensor<?x1xf32>, %a: tensor<1xf32>, %b: tensor<1xf32>, %c: tensor<1xf32>) -> (tensor<?x1xf32>, tensor<?xf32>, tensor<?x1xf32>) {
  %y, %r, %t = norm.seednorm %x, %a, %b, %c {heads = 1 : i64} : (tensor<?x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<?x1xf32>, tensor<?xf32>, tensor<?x1xf32>)
  return %y, %r, %t : tensor<?x1xf32>, tensor<?xf32>, tensor<?x1xf32>
}

func.func @seednorm_f32_127(%x: tensor<?x127xf32>, %a: tensor<127xf32>, %b: tensor<127xf32>, %c: tensor<127xf32>) -> (tensor<?x127xf32>, tensor<?xf32>, tensor<?x1xf32>) {
  %y, %r, %t = norm.seednorm %x, %a, %b, %c {heads = 1 : i64} : (tensor<?x127xf32>, tensor<127xf32>, tensor<127xf32>, tensor<127xf32>) -> (tensor<?x127xf32>, tensor<?xf32>, tensor<?x1xf32>)
  return %y, %r, %t : tensor<?x127xf32>, tensor<?xf32>, tensor<?x1xf32>
}

func.func @seednorm_f32_4096(%x: tensor<?x4096xf32>, %a: tensor<4096xf32>, %b: tensor<4096xf32>, %c: tensor<4096xf32>) -> (tensor<?x4096xf32>, tensor<?xf32>, tensor<?x4xf32>) {
  %y, %r, %t = norm.seednorm %x, %a, %b, %c {heads = 4 : i64} : (tensor<?x4096xf32>, tensor<4096xf32>, tensor<4096xf32>, tensor<4096xf32>) -> (tensor<?x4096xf32>, tensor<?xf32>, tensor<?x4xf32>)
  return %y, %r, %t : tensor<?x4096xf32>, tensor<?xf32>, tensor<?x4xf32>
}

func.func @seednorm_f32_16384(%x: tensor<?x16384xf32>, %a: tensor<16384xf32>, %b: tensor<16384xf32>, %c: tensor<16384xf32>) -> (tensor<?x16384xf32>, tensor<?xf32>, tensor<?x4xf32>) {
  %y, %r, %t = norm.seednorm %x, %a, %b, %c {heads = 4 : i64} : (tensor<?x16384xf32>, tensor<16384xf32>, tensor<16384xf32>, tensor<16384xf32>) -> (tensor<?x16384xf32>, tensor<?xf32>, tensor<?x4xf32>)
  return %y, %r, %t : tensor<?x16384xf32>, tensor<?xf32>, tensor<?x4xf32>
}

func.func @seednorm_bf16_1(%x: tensor<?x1xbf16>, %a: tensor<1xf32>, %b: tensor<1xf32>, %c: tensor<1xf32>) -> (tensor<?x1xbf16>, tensor<?xf32>, tensor<?x1xf32>) {
  %y, %r, %t = norm.seednorm %x, %a, %b, %c {heads = 1 : i64} : (tensor<?x1xbf16>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<?x1xbf16>, tensor<?xf32>, tensor<?x1xf32>)
  return %y, %r, %t : tensor<?x1xbf16>, tensor<?xf32>, tensor<?x1xf32>
}

func.func @seednorm_bf16_127(%x: tensor<?x127xbf16>, %a: tensor<127xf32>, %b: tensor<127xf32>, %c: tensor<127xf32>) -> (tensor<?x127xbf16>, tensor<?xf32>, tensor<?x1xf32>) {
  %y, %r, %t = norm.seednorm %x, %a, %b, %c {heads = 1 : i64} : (tensor<?x127xbf16>, tensor<127xf32>, tensor<127xf32>, tensor<127xf32>) -> (tensor<?x127xbf16>, tensor<?xf32>, tensor<?x1xf32>)
  return %y, %r, %t : tensor<?x127xbf16>, tensor<?xf32>, tensor<?x1xf32>
}

func.func @seednorm_bf16_4096(%x: tensor<?x4096xbf16>, %a: tensor<4096xf32>, %b: tensor<4096xf32>, %c: tensor<4096xf32>) -> (tensor<?x4096xbf16>, tensor<?xf32>, tensor<?x4xf32>) {
  %y, %r, %t = norm.seednorm %x, %a, %b, %c {heads = 4 : i64} : (tensor<?x4096xbf16>, tensor<4096xf32>, tensor<4096xf32>, tensor<4096xf32>) -> (tensor<?x4096xbf16>, tensor<?xf32>, tensor<?x4xf32>)
  return %y, %r, %t : tensor<?x4096xbf16>, tensor<?xf32>, tensor<?x4xf32>
}

func.func @seednorm_bf16_16384(%x: tensor<?x16384xbf16>, %a: tensor<16384xf32>, %b: tensor<16384xf32>, %c: tensor<16384xf32>) -> (tensor<?x16384xbf16>, tensor<?xf32>, tensor<?x4xf32>) {
  %y, %r, %t = norm.seednorm %x, %a, %b, %c {heads = 4 : i64} : (tensor<?x16384xbf16>, tensor<16384xf32>, tensor<16384xf32>, tensor<16384xf32>) -> (tensor<?x16384xbf16>, tensor<?xf32>, tensor<?x4xf32>)
  return %y, %r, %t : tensor<?x16384xbf16>, tensor<?xf32>, tensor<?x4xf32>
}
