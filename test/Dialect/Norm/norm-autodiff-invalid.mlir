// Functions norm-autodiff must reject, each with a diagnostic naming the
// problem; the module is left unchanged and the pass fails.
// RUN: norm-opt %s -split-input-file -allow-unregistered-dialect -verify-diagnostics \
// RUN:   --norm-autodiff="functions=f"

func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @below {{norm-autodiff: cannot differentiate 'foo.bar'}}
  %y = "foo.bar"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// expected-error @below {{norm-autodiff: argument #1 of @f has type 'tensor<4xi32>'; only floating-point ranked tensors are differentiable}}
func.func @f(%x: tensor<4xf32>, %i: tensor<4xi32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// -----

// expected-error @below {{norm-autodiff: result #0 of @f has type 'f32'; only floating-point ranked tensors are differentiable}}
func.func @f(%x: tensor<4xf32>) -> f32 {
  %c = arith.constant 1.0 : f32
  return %c : f32
}

// -----

func.func @f(%x: tensor<4xf32>, %n: tensor<4xf32>) -> tensor<4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  // expected-error @below {{norm-autodiff: control flow op 'scf.for' is not supported}}
  %r = scf.for %i = %c0 to %c3 step %c1 iter_args(%a = %x) -> (tensor<4xf32>) {
    %s = arith.addf %a, %n : tensor<4xf32>
    scf.yield %s : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

// expected-error @below {{norm-autodiff: cannot differentiate @f: control flow (more than one block) is not supported}}
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  cf.br ^bb1
^bb1:
  return %x : tensor<4xf32>
}

// -----

// expected-error @below {{norm-autodiff: no function named 'f' in the module}}
module {
  func.func @g(%x: tensor<4xf32>) -> tensor<4xf32> {
    return %x : tensor<4xf32>
  }
}

// -----

#id = affine_map<(i) -> (i)>
#red = affine_map<(i) -> ()>
func.func @f(%x: tensor<4xf32>) -> tensor<f32> {
  %c = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<f32>
  %z = linalg.fill ins(%c : f32) outs(%e : tensor<f32>) -> tensor<f32>
  // expected-error @below {{norm-autodiff: cannot differentiate 'linalg.generic': its reduction is not a sum into the init}}
  %m = linalg.generic {indexing_maps = [#id, #red], iterator_types = ["reduction"]}
      ins(%x : tensor<4xf32>) outs(%z : tensor<f32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.maximumf %o, %a : f32
    linalg.yield %s : f32
  } -> tensor<f32>
  return %m : tensor<f32>
}

// -----

#id = affine_map<(i) -> (i)>
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  // expected-error @below {{norm-autodiff: cannot differentiate 'linalg.generic': no rule for 'math.sin' in its payload}}
  %m = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = math.sin %a : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  return %m : tensor<4xf32>
}

// -----

func.func @f(%x: tensor<4x8xf32>, %w: tensor<8xf32>) -> tensor<4xf32> {
  // expected-error @below {{norm-autodiff: cannot differentiate 'norm.rmsnorm': its statistics results are used by differentiated code}}
  %y, %rstd = norm.rmsnorm %x, %w : (tensor<4x8xf32>, tensor<8xf32>) -> (tensor<4x8xf32>, tensor<4xf32>)
  return %rstd : tensor<4xf32>
}

// -----

// expected-error @below {{norm-autodiff: cannot generate @f_vjp: the symbol already exists}}
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
func.func @f_vjp(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
