// RUN: norm-opt %s --convert-norm-to-linalg --split-input-file --verify-diagnostics

// The verifier accepts heads = 3 for a dynamic D; a tensor.cast shows D = 64,
// which 3 does not divide. Splitting D into [3, D/3] would fold to an
// invalid static shape (the canonicalizer used to crash on it): the
// conversion refuses instead.
func.func @seednorm_heads_do_not_divide_cast_source(%x: tensor<8x64xf32>, %w: tensor<64xf32>) -> tensor<8x?xf32> {
  %xd = tensor.cast %x : tensor<8x64xf32> to tensor<8x?xf32>
  %wd = tensor.cast %w : tensor<64xf32> to tensor<?xf32>
  // expected-error @below {{'norm.seednorm' op heads = 3 does not divide the normalized dimension (64, from the tensor.cast source 'tensor<8x64xf32>' of an operand)}}
  // expected-error @below {{failed to legalize operation 'norm.seednorm'}}
  %y = norm.seednorm %xd, %wd, %wd, %wd {heads = 3 : i64} : (tensor<8x?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>) -> tensor<8x?xf32>
  return %y : tensor<8x?xf32>
}

// -----

// The same through the gradient, the cast on a parameter only.
func.func @seednorm_grad_heads_do_not_divide_cast_source(%dy: tensor<8x?xf32>, %x: tensor<8x?xf32>, %w: tensor<96xf32>) -> tensor<8x?xf32> {
  %wd = tensor.cast %w : tensor<96xf32> to tensor<?xf32>
  // expected-error @below {{'norm.seednorm_grad' op heads = 5 does not divide the normalized dimension (96, from the tensor.cast source 'tensor<96xf32>' of an operand)}}
  // expected-error @below {{failed to legalize operation 'norm.seednorm_grad'}}
  %d:4 = norm.seednorm_grad %dy, %x, %wd, %wd, %wd {heads = 5 : i64} : (tensor<8x?xf32>, tensor<8x?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>) -> (tensor<8x?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>)
  return %d#0 : tensor<8x?xf32>
}

// -----

// A cast source whose D the heads divide converts (Integration/CPU/
// dynamic-leading-dims.mlir runs it).
func.func @seednorm_heads_divide_cast_source(%x: tensor<8x64xf32>, %w: tensor<64xf32>) -> tensor<8x?xf32> {
  %xd = tensor.cast %x : tensor<8x64xf32> to tensor<8x?xf32>
  %wd = tensor.cast %w : tensor<64xf32> to tensor<?xf32>
  %y = norm.seednorm %xd, %wd, %wd, %wd {heads = 4 : i64} : (tensor<8x?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>) -> tensor<8x?xf32>
  return %y : tensor<8x?xf32>
}
