// Every gradient norm op (f32 and bf16; D = 1, 127, 4096, 16384; dynamic rows)
// lowered to cubins for sm_80 and sm_90: gpu-module-to-binary runs ptxas
// and fails on any PTX it rejects.
// REQUIRES: ptxas
// RUN: norm-opt %s --norm-lower-to-nvvm="chip=sm_80 format=bin" | FileCheck %s
// RUN: norm-opt %s --norm-lower-to-nvvm="chip=sm_90 format=bin" | FileCheck %s
// RUN: norm-opt %s --norm-lower-to-nvvm="chip=sm_90 features=+ptx84 format=fatbin" | FileCheck %s

// CHECK-DAG: gpu.binary @rmsnorm_grad_f32_1_kernel
// CHECK-DAG: gpu.binary @rmsnorm_grad_f32_127_kernel
// CHECK-DAG: gpu.binary @rmsnorm_grad_f32_4096_kernel
// CHECK-DAG: gpu.binary @rmsnorm_grad_f32_16384_kernel
// CHECK-DAG: gpu.binary @rmsnorm_grad_bf16_1_kernel
// CHECK-DAG: gpu.binary @rmsnorm_grad_bf16_127_kernel
// CHECK-DAG: gpu.binary @rmsnorm_grad_bf16_4096_kernel
// CHECK-DAG: gpu.binary @rmsnorm_grad_bf16_16384_kernel
// CHECK-DAG: gpu.binary @scalenorm_grad_f32_1_kernel
// CHECK-DAG: gpu.binary @scalenorm_grad_f32_127_kernel
// CHECK-DAG: gpu.binary @scalenorm_grad_f32_4096_kernel
// CHECK-DAG: gpu.binary @scalenorm_grad_f32_16384_kernel
// CHECK-DAG: gpu.binary @scalenorm_grad_bf16_1_kernel
// CHECK-DAG: gpu.binary @scalenorm_grad_bf16_127_kernel
// CHECK-DAG: gpu.binary @scalenorm_grad_bf16_4096_kernel
// CHECK-DAG: gpu.binary @scalenorm_grad_bf16_16384_kernel
// CHECK-DAG: gpu.binary @seednorm_grad_f32_1_kernel
// CHECK-DAG: gpu.binary @seednorm_grad_f32_127_kernel
// CHECK-DAG: gpu.binary @seednorm_grad_f32_4096_kernel
// CHECK-DAG: gpu.binary @seednorm_grad_f32_16384_kernel
// CHECK-DAG: gpu.binary @seednorm_grad_bf16_1_kernel
// CHECK-DAG: gpu.binary @seednorm_grad_bf16_127_kernel
// CHECK-DAG: gpu.binary @seednorm_grad_bf16_4096_kernel
// CHECK-DAG: gpu.binary @seednorm_grad_bf16_16384_kernel
// CHECK-NOT: = norm.

func.func @rmsnorm_grad_f32_1(%dy: tensor<?x1xf32>, %x: tensor<?x1xf32>, %w: tensor<1xf32>) -> (tensor<?x1xf32>, tensor<1xf32>) {
  %dx, %dw = norm.rmsnorm_grad %dy, %x, %w : (tensor<?x1xf32>, tensor<?x1xf32>, tensor<1xf32>) -> (tensor<?x1xf32>, tensor<1xf32>)
  return %dx, %dw : tensor<?x1xf32>, tensor<1xf32>
}

func.func @rmsnorm_grad_f32_127(%dy: tensor<?x127xf32>, %x: tensor<?x127xf32>, %w: tensor<127xf32>) -> (tensor<?x127xf32>, tensor<127xf32>) {
  %dx, %dw = norm.rmsnorm_grad %dy, %x, %w : (tensor<?x127xf32>, tensor<?x127xf32>, tensor<127xf32>) -> (tensor<?x127xf32>, tensor<127xf32>)
  return %dx, %dw : tensor<?x127xf32>, tensor<127xf32>
}

func.func @rmsnorm_grad_f32_4096(%dy: tensor<?x4096xf32>, %x: tensor<?x4096xf32>, %w: tensor<4096xf32>) -> (tensor<?x4096xf32>, tensor<4096xf32>) {
  %dx, %dw = norm.rmsnorm_grad %dy, %x, %w : (tensor<?x4096xf32>, tensor<?x4096xf32>, tensor<4096xf32>) -> (tensor<?x4096xf32>, tensor<4096xf32>)
  return %dx, %dw : tensor<?x4096xf32>, tensor<4096xf32>
}

func.func @rmsnorm_grad_f32_16384(%dy: tensor<?x16384xf32>, %x: tensor<?x16384xf32>, %w: tensor<16384xf32>) -> (tensor<?x16384xf32>, tensor<16384xf32>) {
  %dx, %dw = norm.rmsnorm_grad %dy, %x, %w : (tensor<?x16384xf32>, tensor<?x16384xf32>, tensor<16384xf32>) -> (tensor<?x16384xf32>, tensor<16384xf32>)
  return %dx, %dw : tensor<?x16384xf32>, tensor<16384xf32>
}

func.func @rmsnorm_grad_bf16_1(%dy: tensor<?x1xbf16>, %x: tensor<?x1xbf16>, %w: tensor<1xf32>) -> (tensor<?x1xbf16>, tensor<1xf32>) {
  %dx, %dw = norm.rmsnorm_grad %dy, %x, %w : (tensor<?x1xbf16>, tensor<?x1xbf16>, tensor<1xf32>) -> (tensor<?x1xbf16>, tensor<1xf32>)
  return %dx, %dw : tensor<?x1xbf16>, tensor<1xf32>
}

func.func @rmsnorm_grad_bf16_127(%dy: tensor<?x127xbf16>, %x: tensor<?x127xbf16>, %w: tensor<127xf32>) -> (tensor<?x127xbf16>, tensor<127xf32>) {
  %dx, %dw = norm.rmsnorm_grad %dy, %x, %w : (tensor<?x127xbf16>, tensor<?x127xbf16>, tensor<127xf32>) -> (tensor<?x127xbf16>, tensor<127xf32>)
  return %dx, %dw : tensor<?x127xbf16>, tensor<127xf32>
}

func.func @rmsnorm_grad_bf16_4096(%dy: tensor<?x4096xbf16>, %x: tensor<?x4096xbf16>, %w: tensor<4096xf32>) -> (tensor<?x4096xbf16>, tensor<4096xf32>) {
  %dx, %dw = norm.rmsnorm_grad %dy, %x, %w : (tensor<?x4096xbf16>, tensor<?x4096xbf16>, tensor<4096xf32>) -> (tensor<?x4096xbf16>, tensor<4096xf32>)
  return %dx, %dw : tensor<?x4096xbf16>, tensor<4096xf32>
}

func.func @rmsnorm_grad_bf16_16384(%dy: tensor<?x16384xbf16>, %x: tensor<?x16384xbf16>, %w: tensor<16384xf32>) -> (tensor<?x16384xbf16>, tensor<16384xf32>) {
  %dx, %dw = norm.rmsnorm_grad %dy, %x, %w : (tensor<?x16384xbf16>, tensor<?x16384xbf16>, tensor<16384xf32>) -> (tensor<?x16384xbf16>, tensor<16384xf32>)
  return %dx, %dw : tensor<?x16384xbf16>, tensor<16384xf32>
}

func.func @scalenorm_grad_f32_1(%dy: tensor<?x1xf32>, %x: tensor<?x1xf32>, %g: tensor<f32>) -> (tensor<?x1xf32>, tensor<f32>) {
  %dx, %dg = norm.scalenorm_grad %dy, %x, %g : (tensor<?x1xf32>, tensor<?x1xf32>, tensor<f32>) -> (tensor<?x1xf32>, tensor<f32>)
  return %dx, %dg : tensor<?x1xf32>, tensor<f32>
}

func.func @scalenorm_grad_f32_127(%dy: tensor<?x127xf32>, %x: tensor<?x127xf32>, %g: tensor<f32>) -> (tensor<?x127xf32>, tensor<f32>) {
  %dx, %dg = norm.scalenorm_grad %dy, %x, %g : (tensor<?x127xf32>, tensor<?x127xf32>, tensor<f32>) -> (tensor<?x127xf32>, tensor<f32>)
  return %dx, %dg : tensor<?x127xf32>, tensor<f32>
}

func.func @scalenorm_grad_f32_4096(%dy: tensor<?x4096xf32>, %x: tensor<?x4096xf32>, %g: tensor<f32>) -> (tensor<?x4096xf32>, tensor<f32>) {
  %dx, %dg = norm.scalenorm_grad %dy, %x, %g : (tensor<?x4096xf32>, tensor<?x4096xf32>, tensor<f32>) -> (tensor<?x4096xf32>, tensor<f32>)
  return %dx, %dg : tensor<?x4096xf32>, tensor<f32>
}

func.func @scalenorm_grad_f32_16384(%dy: tensor<?x16384xf32>, %x: tensor<?x16384xf32>, %g: tensor<f32>) -> (tensor<?x16384xf32>, tensor<f32>) {
  %dx, %dg = norm.scalenorm_grad %dy, %x, %g : (tensor<?x16384xf32>, tensor<?x16384xf32>, tensor<f32>) -> (tensor<?x16384xf32>, tensor<f32>)
  return %dx, %dg : tensor<?x16384xf32>, tensor<f32>
}

func.func @scalenorm_grad_bf16_1(%dy: tensor<?x1xbf16>, %x: tensor<?x1xbf16>, %g: tensor<f32>) -> (tensor<?x1xbf16>, tensor<f32>) {
  %dx, %dg = norm.scalenorm_grad %dy, %x, %g : (tensor<?x1xbf16>, tensor<?x1xbf16>, tensor<f32>) -> (tensor<?x1xbf16>, tensor<f32>)
  return %dx, %dg : tensor<?x1xbf16>, tensor<f32>
}

func.func @scalenorm_grad_bf16_127(%dy: tensor<?x127xbf16>, %x: tensor<?x127xbf16>, %g: tensor<f32>) -> (tensor<?x127xbf16>, tensor<f32>) {
  %dx, %dg = norm.scalenorm_grad %dy, %x, %g : (tensor<?x127xbf16>, tensor<?x127xbf16>, tensor<f32>) -> (tensor<?x127xbf16>, tensor<f32>)
  return %dx, %dg : tensor<?x127xbf16>, tensor<f32>
}

func.func @scalenorm_grad_bf16_4096(%dy: tensor<?x4096xbf16>, %x: tensor<?x4096xbf16>, %g: tensor<f32>) -> (tensor<?x4096xbf16>, tensor<f32>) {
  %dx, %dg = norm.scalenorm_grad %dy, %x, %g : (tensor<?x4096xbf16>, tensor<?x4096xbf16>, tensor<f32>) -> (tensor<?x4096xbf16>, tensor<f32>)
  return %dx, %dg : tensor<?x4096xbf16>, tensor<f32>
}

func.func @scalenorm_grad_bf16_16384(%dy: tensor<?x16384xbf16>, %x: tensor<?x16384xbf16>, %g: tensor<f32>) -> (tensor<?x16384xbf16>, tensor<f32>) {
  %dx, %dg = norm.scalenorm_grad %dy, %x, %g : (tensor<?x16384xbf16>, tensor<?x16384xbf16>, tensor<f32>) -> (tensor<?x16384xbf16>, tensor<f32>)
  return %dx, %dg : tensor<?x16384xbf16>, tensor<f32>
}

func.func @seednorm_grad_f32_1(%dy: tensor<?x1xf32>, %x: tensor<?x1xf32>, %a: tensor<1xf32>, %b: tensor<1xf32>, %c: tensor<1xf32>) -> (tensor<?x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) {
  %dx, %da, %db, %dc = norm.seednorm_grad %dy, %x, %a, %b, %c {heads = 1 : i64} : (tensor<?x1xf32>, tensor<?x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<?x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>)
  return %dx, %da, %db, %dc : tensor<?x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>
}

func.func @seednorm_grad_f32_127(%dy: tensor<?x127xf32>, %x: tensor<?x127xf32>, %a: tensor<127xf32>, %b: tensor<127xf32>, %c: tensor<127xf32>) -> (tensor<?x127xf32>, tensor<127xf32>, tensor<127xf32>, tensor<127xf32>) {
  %dx, %da, %db, %dc = norm.seednorm_grad %dy, %x, %a, %b, %c {heads = 1 : i64} : (tensor<?x127xf32>, tensor<?x127xf32>, tensor<127xf32>, tensor<127xf32>, tensor<127xf32>) -> (tensor<?x127xf32>, tensor<127xf32>, tensor<127xf32>, tensor<127xf32>)
  return %dx, %da, %db, %dc : tensor<?x127xf32>, tensor<127xf32>, tensor<127xf32>, tensor<127xf32>
}

func.func @seednorm_grad_f32_4096(%dy: tensor<?x4096xf32>, %x: tensor<?x4096xf32>, %a: tensor<4096xf32>, %b: tensor<4096xf32>, %c: tensor<4096xf32>) -> (tensor<?x4096xf32>, tensor<4096xf32>, tensor<4096xf32>, tensor<4096xf32>) {
  %dx, %da, %db, %dc = norm.seednorm_grad %dy, %x, %a, %b, %c {heads = 4 : i64} : (tensor<?x4096xf32>, tensor<?x4096xf32>, tensor<4096xf32>, tensor<4096xf32>, tensor<4096xf32>) -> (tensor<?x4096xf32>, tensor<4096xf32>, tensor<4096xf32>, tensor<4096xf32>)
  return %dx, %da, %db, %dc : tensor<?x4096xf32>, tensor<4096xf32>, tensor<4096xf32>, tensor<4096xf32>
}

func.func @seednorm_grad_f32_16384(%dy: tensor<?x16384xf32>, %x: tensor<?x16384xf32>, %a: tensor<16384xf32>, %b: tensor<16384xf32>, %c: tensor<16384xf32>) -> (tensor<?x16384xf32>, tensor<16384xf32>, tensor<16384xf32>, tensor<16384xf32>) {
  %dx, %da, %db, %dc = norm.seednorm_grad %dy, %x, %a, %b, %c {heads = 4 : i64} : (tensor<?x16384xf32>, tensor<?x16384xf32>, tensor<16384xf32>, tensor<16384xf32>, tensor<16384xf32>) -> (tensor<?x16384xf32>, tensor<16384xf32>, tensor<16384xf32>, tensor<16384xf32>)
  return %dx, %da, %db, %dc : tensor<?x16384xf32>, tensor<16384xf32>, tensor<16384xf32>, tensor<16384xf32>
}

func.func @seednorm_grad_bf16_1(%dy: tensor<?x1xbf16>, %x: tensor<?x1xbf16>, %a: tensor<1xf32>, %b: tensor<1xf32>, %c: tensor<1xf32>) -> (tensor<?x1xbf16>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) {
  %dx, %da, %db, %dc = norm.seednorm_grad %dy, %x, %a, %b, %c {heads = 1 : i64} : (tensor<?x1xbf16>, tensor<?x1xbf16>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<?x1xbf16>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>)
  return %dx, %da, %db, %dc : tensor<?x1xbf16>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>
}

func.func @seednorm_grad_bf16_127(%dy: tensor<?x127xbf16>, %x: tensor<?x127xbf16>, %a: tensor<127xf32>, %b: tensor<127xf32>, %c: tensor<127xf32>) -> (tensor<?x127xbf16>, tensor<127xf32>, tensor<127xf32>, tensor<127xf32>) {
  %dx, %da, %db, %dc = norm.seednorm_grad %dy, %x, %a, %b, %c {heads = 1 : i64} : (tensor<?x127xbf16>, tensor<?x127xbf16>, tensor<127xf32>, tensor<127xf32>, tensor<127xf32>) -> (tensor<?x127xbf16>, tensor<127xf32>, tensor<127xf32>, tensor<127xf32>)
  return %dx, %da, %db, %dc : tensor<?x127xbf16>, tensor<127xf32>, tensor<127xf32>, tensor<127xf32>
}

func.func @seednorm_grad_bf16_4096(%dy: tensor<?x4096xbf16>, %x: tensor<?x4096xbf16>, %a: tensor<4096xf32>, %b: tensor<4096xf32>, %c: tensor<4096xf32>) -> (tensor<?x4096xbf16>, tensor<4096xf32>, tensor<4096xf32>, tensor<4096xf32>) {
  %dx, %da, %db, %dc = norm.seednorm_grad %dy, %x, %a, %b, %c {heads = 4 : i64} : (tensor<?x4096xbf16>, tensor<?x4096xbf16>, tensor<4096xf32>, tensor<4096xf32>, tensor<4096xf32>) -> (tensor<?x4096xbf16>, tensor<4096xf32>, tensor<4096xf32>, tensor<4096xf32>)
  return %dx, %da, %db, %dc : tensor<?x4096xbf16>, tensor<4096xf32>, tensor<4096xf32>, tensor<4096xf32>
}

func.func @seednorm_grad_bf16_16384(%dy: tensor<?x16384xbf16>, %x: tensor<?x16384xbf16>, %a: tensor<16384xf32>, %b: tensor<16384xf32>, %c: tensor<16384xf32>) -> (tensor<?x16384xbf16>, tensor<16384xf32>, tensor<16384xf32>, tensor<16384xf32>) {
  %dx, %da, %db, %dc = norm.seednorm_grad %dy, %x, %a, %b, %c {heads = 4 : i64} : (tensor<?x16384xbf16>, tensor<?x16384xbf16>, tensor<16384xf32>, tensor<16384xf32>, tensor<16384xf32>) -> (tensor<?x16384xbf16>, tensor<16384xf32>, tensor<16384xf32>, tensor<16384xf32>)
  return %dx, %da, %db, %dc : tensor<?x16384xbf16>, tensor<16384xf32>, tensor<16384xf32>, tensor<16384xf32>
}
