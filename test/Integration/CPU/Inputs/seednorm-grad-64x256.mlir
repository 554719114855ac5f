// A SeeDNorm gradient that recomputes its statistics (check_saturated_tanh.py).
func.func @f(%dy: tensor<64x256xf32>, %x: tensor<64x256xf32>, %a: tensor<256xf32>, %b: tensor<256xf32>, %c: tensor<256xf32>) -> (tensor<64x256xf32>, tensor<256xf32>, tensor<256xf32>, tensor<256xf32>) {
  %dx, %da, %db, %dc = norm.seednorm_grad %dy, %x, %a, %b, %c : (tensor<64x256xf32>, tensor<64x256xf32>, tensor<256xf32>, tensor<256xf32>, tensor<256xf32>) -> (tensor<64x256xf32>, tensor<256xf32>, tensor<256xf32>, tensor<256xf32>)
  return %dx, %da, %db, %dc : tensor<64x256xf32>, tensor<256xf32>, tensor<256xf32>, tensor<256xf32>
}
