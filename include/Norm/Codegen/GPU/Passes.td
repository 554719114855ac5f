//===- Passes.td - norm GPU code generation passes ---------*- tablegen -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef NORM_CODEGEN_GPU_PASSES_TD
#define NORM_CODEGEN_GPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertNormToGPUPass : Pass<"convert-norm-to-gpu", "ModuleOp"> {
  let summary = "Lower norm ops (forward and gradient) to row-mapped gpu.launch kernels";
  let description = [{
    Replaces every `norm` op on tensors with `gpu.launch` kernels on buffers
    (`bufferization.to_buffer` / `bufferization.to_tensor` at the boundary,
    so that `one-shot-bufferize` finishes the host side).

    Rows are mapped by the static size D of the normalized dimension
    (`Norm/Codegen/GPU/RowMapping.h`): a group of `threadsPerRow` threads owns
    a row; small rows pack several row groups (sub-warp or one warp per row)
    into a block, large rows take a whole block. Every thread loads its chunks
    of the row with 128-bit `vector.load`s (`ld.global.v4`), keeps them in
    registers (unrolled SSA values) across the reduction and the output,
    accumulates in f32 (f64 for f64 input), reduces across the row group with
    a `gpu.shuffle xor` butterfly and, for block-wide rows, across warps
    through workgroup memory in a fixed order.

    Gradients run a persistent grid of at most `grad-blocks` blocks that
    stride over the rows, read `x` and `dy` once, write `dx` and accumulate
    the parameter gradients in f32 registers; each row group writes its f32
    partials to a scratch buffer, and a separate finalize kernel sums the
    partials in a fixed order (deterministic, no atomics).

    `memory=host` (the default) treats function arguments and results as host
    memory: inputs are copied to device buffers and results back (what
    `norm-runner --target=cuda` and `mlir-runner` need). `memory=device`
    treats them as device pointers and allocates results with `gpu.alloc`
    (the ahead-of-time path, where the caller owns CUDA memory).
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect",
  ];
  let options = [
    Option<"memory", "memory", "std::string", /*default=*/"\"host\"",
           "Where function arguments and results live: host (copy in/out) or device">,
    Option<"gradBlocks", "grad-blocks", "int64_t", /*default=*/"528",
           "Maximum number of blocks of the persistent gradient kernels "
           "(their partial buffers have one row per row group of each block)">,
  ];
}

#endif // NORM_CODEGEN_GPU_PASSES_TD
