// Gradients on a shape that exercises every part of the one-pass loop: 999
// rows (uneven chunks, 2-row blocks and a last single row), D = 2049 (64-wide
// vector tiles and a remainder).
func.func @rms(%dy: tensor<999x2049xf32>, %x: tensor<999x2049xf32>, %w: tensor<2049xf32>) -> (tensor<999x2049xf32>, tensor<2049xf32>) {
  %dx, %dw = norm.rmsnorm_grad %dy, %x, %w : (tensor<999x2049xf32>, tensor<999x2049xf32>, tensor<2049xf32>) -> (tensor<999x2049xf32>, tensor<2049xf32>)
  return %dx, %dw : tensor<999x2049xf32>, tensor<2049xf32>
}
func.func @seed(%dy: tensor<999x2048xf32>, %x: tensor<999x2048xf32>, %a: tensor<2048xf32>, %b: tensor<2048xf32>, %c: tensor<2048xf32>) -> (tensor<999x2048xf32>, tensor<2048xf32>, tensor<2048xf32>, tensor<2048xf32>) {
  %dx, %da, %db, %dc = norm.seednorm_grad %dy, %x, %a, %b, %c {heads = 4 : i64} : (tensor<999x2048xf32>, tensor<999x2048xf32>, tensor<2048xf32>, tensor<2048xf32>, tensor<2048xf32>) -> (tensor<999x2048xf32>, tensor<2048xf32>, tensor<2048xf32>, tensor<2048xf32>)
  return %dx, %da, %db, %dc : tensor<999x2048xf32>, tensor<2048xf32>, tensor<2048xf32>, tensor<2048xf32>
}
