// A module that names its target CPU (a 48 KiB L1 data cache), for
// runner-host-cpu-spec.mlir.
module attributes {dlti.target_system_spec = #dlti.target_system_spec<
    "CPU" = #dlti.target_device_spec<"L1_cache_size_in_bytes" = 49152 : ui32>>} {
  func.func @f(%x: tensor<2048x1024xf32>, %dy: tensor<2048x1024xf32>, %w: tensor<1024xf32>)
      -> (tensor<2048x1024xf32>, tensor<1024xf32>) {
    %dx, %dw = norm.rmsnorm_grad %x, %dy, %w {epsilon = 1.0e-06 : f32}
        : (tensor<2048x1024xf32>, tensor<2048x1024xf32>, tensor<1024xf32>)
        -> (tensor<2048x1024xf32>, tensor<1024xf32>)
    return %dx, %dw : tensor<2048x1024xf32>, tensor<1024xf32>
  }
}
