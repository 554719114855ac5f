// Kernels in linalg on tensors shared by the runner tests (not a test).
#id = affine_map<(i, j) -> (i, j)>
#row = affine_map<(i, j) -> (i)>
#col = affine_map<(i, j) -> (j)>

// y = x * rsqrt(mean(x^2) + 1e-6) * w over the rows of x.
func.func @rms(%x: tensor<4x8xf32>, %w: tensor<8xf32>) -> tensor<4x8xf32> {
  %xd = tensor.cast %x : tensor<4x8xf32> to tensor<?x8xf32>
  %yd, %rstd = call @rms_dyn(%xd, %w) : (tensor<?x8xf32>, tensor<8xf32>) -> (tensor<?x8xf32>, tensor<?xf32>)
  %y = tensor.cast %yd : tensor<?x8xf32> to tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// Dynamic rows, two results: y and rstd.
func.func @rms_dyn(%xd: tensor<?x8xf32>, %w: tensor<8xf32>) -> (tensor<?x8xf32>, tensor<?xf32>) {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %rows = tensor.dim %xd, %c0 : tensor<?x8xf32>
  %e = tensor.empty(%rows) : tensor<?xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<?xf32>) -> tensor<?xf32>
  %ss = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%xd : tensor<?x8xf32>) outs(%acc : tensor<?xf32>) {
  ^bb0(%a: f32, %s: f32):
    %m = arith.mulf %a, %a : f32
    %r = arith.addf %s, %m : f32
    linalg.yield %r : f32
  } -> tensor<?xf32>
  %rstd = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]}
      ins(%ss : tensor<?xf32>) outs(%e : tensor<?xf32>) {
  ^bb0(%s: f32, %o: f32):
    %n = arith.constant 8.0 : f32
    %eps = arith.constant 1.0e-6 : f32
    %mean = arith.divf %s, %n : f32
    %t = arith.addf %mean, %eps : f32
    %r = math.rsqrt %t : f32
    linalg.yield %r : f32
  } -> tensor<?xf32>
  %ye = tensor.empty(%rows) : tensor<?x8xf32>
  %y = linalg.generic {indexing_maps = [#id, #row, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%xd, %rstd, %w : tensor<?x8xf32>, tensor<?xf32>, tensor<8xf32>) outs(%ye : tensor<?x8xf32>) {
  ^bb0(%a: f32, %r: f32, %g: f32, %o: f32):
    %xr = arith.mulf %a, %r : f32
    %v = arith.mulf %xr, %g : f32
    linalg.yield %v : f32
  } -> tensor<?x8xf32>
  return %y, %rstd : tensor<?x8xf32>, tensor<?xf32>
}

// The argument itself: the result aliases the caller's buffer.
func.func @ident(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  return %x : tensor<4x8xf32>
}

// A constant: the result is a global, not a heap buffer.
func.func @const() -> tensor<2xf32> {
  %c = arith.constant dense<[1.5, -2.0]> : tensor<2xf32>
  return %c : tensor<2xf32>
}

// The same buffer returned twice.
func.func @twice(%x: tensor<3xf64>) -> (tensor<3xf64>, tensor<3xf64>) {
  %e = tensor.empty() : tensor<3xf64>
  %y = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]}
      ins(%x : tensor<3xf64>) outs(%e : tensor<3xf64>) {
  ^bb0(%a: f64, %o: f64):
    %t = arith.addf %a, %a : f64
    linalg.yield %t : f64
  } -> tensor<3xf64>
  return %y, %y : tensor<3xf64>, tensor<3xf64>
}

// A 0-d argument.
func.func @scale(%x: tensor<5xf32>, %g: tensor<f32>) -> tensor<5xf32> {
  %e = tensor.empty() : tensor<5xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> ()>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]}
      ins(%x, %g : tensor<5xf32>, tensor<f32>) outs(%e : tensor<5xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %t = arith.mulf %a, %b : f32
    linalg.yield %t : f32
  } -> tensor<5xf32>
  return %y : tensor<5xf32>
}

// Takes an integer: not callable with buffers.
func.func @takes_int(%i: i32) -> i32 {
  return %i : i32
}

// Static shapes whose bytes overflow int64 (runner-errors.mlir).
func.func @huge(%x: tensor<9223372036854775807x2xf32>) -> tensor<9223372036854775807x2xf32> {
  return %x : tensor<9223372036854775807x2xf32>
}
func.func @huge_bytes(%x: tensor<1x4611686018427387904xf32>) -> tensor<1x4611686018427387904xf32> {
  return %x : tensor<1x4611686018427387904xf32>
}
func.func @huge_empty(%x: tensor<9223372036854775807x0xf32>) -> tensor<9223372036854775807x0xf32> {
  return %x : tensor<9223372036854775807x0xf32>
}
