// A gradient of 4 MiB arguments and results (runner-huge-pages.mlir).
func.func @grad(%dy: tensor<1024x1024xf32>, %x: tensor<1024x1024xf32>, %w: tensor<1024xf32>) -> (tensor<1024x1024xf32>, tensor<1024xf32>) {
  %dx, %dw = norm.rmsnorm_grad %dy, %x, %w : (tensor<1024x1024xf32>, tensor<1024x1024xf32>, tensor<1024xf32>) -> (tensor<1024x1024xf32>, tensor<1024xf32>)
  return %dx, %dw : tensor<1024x1024xf32>, tensor<1024xf32>
}
