// One case per verifier rule of the norm ops.
// RUN: norm-opt %s -split-input-file -verify-diagnostics

func.func @x_rank0(%x: tensor<f32>, %w: tensor<1xf32>) {
  // expected-error @+1 {{'norm.rmsnorm' op operand 'x' must have rank >= 1 (rows x D), got 'tensor<f32>'}}
  %0 = norm.rmsnorm %x, %w : (tensor<f32>, tensor<1xf32>) -> tensor<f32>
  return
}

// -----

func.func @x_integer(%x: tensor<4x8xi32>, %w: tensor<8xf32>) {
  // expected-error @+1 {{'norm.rmsnorm' op operand #0 must be ranked tensor of 16-bit float or bfloat16 type or 32-bit float or 64-bit float values, but got 'tensor<4x8xi32>'}}
  %0 = norm.rmsnorm %x, %w : (tensor<4x8xi32>, tensor<8xf32>) -> tensor<4x8xi32>
  return
}

// -----

func.func @y_type(%x: tensor<4x8xf32>, %w: tensor<8xf32>) {
  // expected-error @+1 {{result 'y' must have the type of 'x' ('tensor<4x8xf32>'), got 'tensor<4x8xf16>'}}
  %0 = norm.rmsnorm %x, %w : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf16>
  return
}

// -----

func.func @weight_d_mismatch(%x: tensor<4x8xf32>, %w: tensor<16xf32>) {
  // expected-error @+1 {{operand 'weight' must have shape [8] (the size D of the last dimension of 'x'), got 'tensor<16xf32>'}}
  %0 = norm.rmsnorm %x, %w : (tensor<4x8xf32>, tensor<16xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @weight_rank(%x: tensor<4x8xf32>, %w: tensor<1x8xf32>) {
  // expected-error @+1 {{operand 'weight' must have shape [8]}}
  %0 = norm.rmsnorm %x, %w : (tensor<4x8xf32>, tensor<1x8xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @weight_elt(%x: tensor<4x8xbf16>, %w: tensor<8xf16>) {
  // expected-error @+1 {{operand 'weight' must have element type 'bf16' (that of 'x') or f32, got 'f16'}}
  %0 = norm.rmsnorm %x, %w : (tensor<4x8xbf16>, tensor<8xf16>) -> tensor<4x8xbf16>
  return
}

// -----

func.func @rstd_shape(%x: tensor<2x3x8xf32>, %w: tensor<8xf32>) {
  // expected-error @+1 {{result 'rstd' must have shape [6] (one entry per row of 'x'), got 'tensor<2x3xf32>'}}
  %0:2 = norm.rmsnorm %x, %w : (tensor<2x3x8xf32>, tensor<8xf32>) -> (tensor<2x3x8xf32>, tensor<2x3xf32>)
  return
}

// -----

func.func @rstd_elt(%x: tensor<4x8xbf16>, %w: tensor<8xf32>) {
  // expected-error @+1 {{result 'rstd' must have element type 'f32', got 'bf16'}}
  %0:2 = norm.rmsnorm %x, %w : (tensor<4x8xbf16>, tensor<8xf32>) -> (tensor<4x8xbf16>, tensor<4xbf16>)
  return
}

// -----

func.func @negative_epsilon(%x: tensor<4x8xf32>, %w: tensor<8xf32>) {
  // expected-error @+1 {{attribute 'epsilon' must be >= 0, got -1.0}}
  %0 = norm.rmsnorm %x, %w {epsilon = -1.0 : f32} : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @nan_epsilon(%x: tensor<4x8xf32>, %w: tensor<8xf32>) {
  // expected-error @+1 {{attribute 'epsilon' must be >= 0}}
  %0 = norm.rmsnorm %x, %w {epsilon = 0x7FC00000 : f32} : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @epsilon_not_f32(%x: tensor<4x8xf32>, %w: tensor<8xf32>) {
  // expected-error @+1 {{attribute 'epsilon' failed to satisfy constraint: 32-bit float attribute}}
  %0 = norm.rmsnorm %x, %w {epsilon = 1.0 : f64} : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @scalenorm_g_shape(%x: tensor<4x8xf32>, %g: tensor<1xf32>) {
  // expected-error @+1 {{'norm.scalenorm' op operand 'g' must have shape [] (a scalar gain), got 'tensor<1xf32>'}}
  %0 = norm.scalenorm %x, %g : (tensor<4x8xf32>, tensor<1xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @scalenorm_inv_shape(%x: tensor<4x8xf32>, %g: tensor<f32>) {
  // expected-error @+1 {{result 'inv' must have shape [4] (one entry per row of 'x'), got 'tensor<8xf32>'}}
  %0:2 = norm.scalenorm %x, %g : (tensor<4x8xf32>, tensor<f32>) -> (tensor<4x8xf32>, tensor<8xf32>)
  return
}

// -----

func.func @seednorm_heads_divide(%x: tensor<4x10xf32>, %a: tensor<10xf32>) {
  // expected-error @+1 {{attribute 'heads' (4) must divide D, the size of the last dimension of 'x' (10)}}
  %0 = norm.seednorm %x, %a, %a, %a {heads = 4 : i64} : (tensor<4x10xf32>, tensor<10xf32>, tensor<10xf32>, tensor<10xf32>) -> tensor<4x10xf32>
  return
}

// -----

func.func @seednorm_heads_positive(%x: tensor<4x8xf32>, %a: tensor<8xf32>) {
  // expected-error @+1 {{attribute 'heads' must be >= 1, got 0}}
  %0 = norm.seednorm %x, %a, %a, %a {heads = 0 : i64} : (tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @seednorm_beta_shape(%x: tensor<4x8xf32>, %a: tensor<8xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{operand 'beta' must have shape [8] (the size D of the last dimension of 'x'), got 'tensor<4xf32>'}}
  %0 = norm.seednorm %x, %a, %b, %a : (tensor<4x8xf32>, tensor<8xf32>, tensor<4xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @seednorm_one_stat(%x: tensor<4x8xf32>, %a: tensor<8xf32>) {
  // expected-error @+1 {{expects the statistics 'rstd' and 't' as results, both or none, got 1}}
  %0:2 = norm.seednorm %x, %a, %a, %a : (tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<4x8xf32>, tensor<4xf32>)
  return
}

// -----

func.func @seednorm_t_shape(%x: tensor<4x8xf32>, %a: tensor<8xf32>) {
  // expected-error @+1 {{result 't' must have shape [4, 2] (one entry per row of 'x'), got 'tensor<4x1xf32>'}}
  %0:3 = norm.seednorm %x, %a, %a, %a {heads = 2 : i64} : (tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<4x8xf32>, tensor<4xf32>, tensor<4x1xf32>)
  return
}

// -----

func.func @grad_dy_type(%dy: tensor<4x8xf16>, %x: tensor<4x8xf32>, %w: tensor<8xf32>) {
  // expected-error @+1 {{'norm.rmsnorm_grad' op operand 'dy' must have the type of 'x' ('tensor<4x8xf32>'), got 'tensor<4x8xf16>'}}
  %0:2 = norm.rmsnorm_grad %dy, %x, %w : (tensor<4x8xf16>, tensor<4x8xf32>, tensor<8xf32>) -> (tensor<4x8xf32>, tensor<8xf32>)
  return
}

// -----

func.func @grad_dx_type(%dy: tensor<4x8xf32>, %x: tensor<4x8xf32>, %w: tensor<8xf32>) {
  // expected-error @+1 {{result 'dx' must have the type of 'x' ('tensor<4x8xf32>'), got 'tensor<8x4xf32>'}}
  %0:2 = norm.rmsnorm_grad %dy, %x, %w : (tensor<4x8xf32>, tensor<4x8xf32>, tensor<8xf32>) -> (tensor<8x4xf32>, tensor<8xf32>)
  return
}

// -----

func.func @grad_dweight_type(%dy: tensor<4x8xbf16>, %x: tensor<4x8xbf16>, %w: tensor<8xf32>) {
  // expected-error @+1 {{result 'dweight' must have the type of 'weight' ('tensor<8xf32>'), got 'tensor<8xbf16>'}}
  %0:2 = norm.rmsnorm_grad %dy, %x, %w : (tensor<4x8xbf16>, tensor<4x8xbf16>, tensor<8xf32>) -> (tensor<4x8xbf16>, tensor<8xbf16>)
  return
}

// -----

func.func @grad_rstd_shape(%dy: tensor<4x8xf32>, %x: tensor<4x8xf32>, %w: tensor<8xf32>, %r: tensor<5xf32>) {
  // expected-error @+1 {{operand 'rstd' must have shape [4] (one entry per row of 'x'), got 'tensor<5xf32>'}}
  %0:2 = norm.rmsnorm_grad %dy, %x, %w, %r : (tensor<4x8xf32>, tensor<4x8xf32>, tensor<8xf32>, tensor<5xf32>) -> (tensor<4x8xf32>, tensor<8xf32>)
  return
}

// -----

func.func @scalenorm_grad_dg(%dy: tensor<4x8xf32>, %x: tensor<4x8xf32>, %g: tensor<f32>) {
  // expected-error @+1 {{result 'dg' must have the type of 'g' ('tensor<f32>'), got 'tensor<1xf32>'}}
  %0:2 = norm.scalenorm_grad %dy, %x, %g : (tensor<4x8xf32>, tensor<4x8xf32>, tensor<f32>) -> (tensor<4x8xf32>, tensor<1xf32>)
  return
}

// -----

func.func @scalenorm_grad_inv_elt(%dy: tensor<4x8xf32>, %x: tensor<4x8xf32>, %g: tensor<f32>, %i: tensor<4xf16>) {
  // expected-error @+1 {{operand 'inv' must have element type 'f32', got 'f16'}}
  %0:2 = norm.scalenorm_grad %dy, %x, %g, %i : (tensor<4x8xf32>, tensor<4x8xf32>, tensor<f32>, tensor<4xf16>) -> (tensor<4x8xf32>, tensor<f32>)
  return
}

// -----

func.func @seednorm_grad_dbeta(%dy: tensor<4x8xf32>, %x: tensor<4x8xf32>, %a: tensor<8xf32>) {
  // expected-error @+1 {{result 'dbeta' must have the type of 'beta' ('tensor<8xf32>'), got 'tensor<4xf32>'}}
  %0:4 = norm.seednorm_grad %dy, %x, %a, %a, %a : (tensor<4x8xf32>, tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<4x8xf32>, tensor<8xf32>, tensor<4xf32>, tensor<8xf32>)
  return
}

// -----

func.func @seednorm_grad_stats(%dy: tensor<4x8xf32>, %x: tensor<4x8xf32>, %a: tensor<8xf32>, %r: tensor<4xf32>) {
  // expected-error @+1 {{expects the statistics 'rstd' and 't' as operands, both or none, got 1}}
  %0:4 = norm.seednorm_grad %dy, %x, %a, %a, %a, %r : (tensor<4x8xf32>, tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<4xf32>) -> (tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>)
  return
}

// -----

func.func @seednorm_grad_heads(%dy: tensor<4x6xf32>, %x: tensor<4x6xf32>, %a: tensor<6xf32>) {
  // expected-error @+1 {{attribute 'heads' (4) must divide D}}
  %0:4 = norm.seednorm_grad %dy, %x, %a, %a, %a {heads = 4 : i64} : (tensor<4x6xf32>, tensor<4x6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>) -> (tensor<4x6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>)
  return
}

// -----

func.func @not_a_tensor(%x: memref<4x8xf32>, %w: tensor<8xf32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of}}
  %0 = norm.rmsnorm %x, %w : (memref<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @unranked(%x: tensor<*xf32>, %w: tensor<8xf32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of}}
  %0 = norm.rmsnorm %x, %w : (tensor<*xf32>, tensor<8xf32>) -> tensor<*xf32>
  return
}
