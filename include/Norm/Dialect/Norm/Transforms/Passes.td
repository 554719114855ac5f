//===- Passes.td - norm dialect transformations ------------*- tablegen -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef NORM_DIALECT_NORM_TRANSFORMS_PASSES_TD
#define NORM_DIALECT_NORM_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

//===----------------------------------------------------------------------===//
// NormAutodiff
//===----------------------------------------------------------------------===//

def NormAutodiffPass : Pass<"norm-autodiff", "ModuleOp"> {
  let summary = "Generate reverse-mode gradient functions (vector-Jacobian products)";
  let description = [{
    For every function named in `functions`,

    ```mlir
    func.func @f(%a0: T0, ..., %an: Tn) -> (R0, ..., Rm)
    ```

    adds next to it

    ```mlir
    func.func @f_vjp(%a0: T0, ..., %an: Tn, %dr0: R0, ..., %drm: Rm)
        -> (T0, ..., Tn)
    ```

    returning the vector-Jacobian product: the cotangent of every argument
    given the cotangents `%dr` of the results. The body is the forward sweep
    (a clone of `@f` in which norm ops also return their statistics) followed
    by the reverse sweep: every op, in reverse order, applies its
    `ReverseOpInterface` rule. Norm ops become the fused `norm.*_grad` ops
    reading the saved statistics; upstream ops use the external models of
    `Norm/Interfaces/ReverseOpImplementations.h` (arith and math on tensors,
    `linalg.generic` with its payload differentiated, broadcasts and sum
    reductions, `linalg.matmul`, `linalg.fill`, `tensor.empty`, constants).
    Cotangents of values used more than once are summed with `arith.addf`; an
    argument with no path to a result gets zeros (`linalg.fill`).

    The functions must have one block, floating-point ranked tensor arguments
    and results, and no control flow. Anything else, and ops without a rule,
    is reported by name and the pass fails.
  }];
  let options = [
    ListOption<"functions", "functions", "std::string",
               "Names of the functions to differentiate">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::func::FuncDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::norm::NormDialect",
  ];
}

//===----------------------------------------------------------------------===//
// NormReadOnlyArguments
//===----------------------------------------------------------------------===//

def NormReadOnlyArgumentsPass
    : Pass<"norm-read-only-arguments", "func::FuncOp"> {
  let summary = "Keep bufferization from writing into a public function's "
                "tensor arguments";
  let description = [{
    Marks every tensor argument of a public function with a body
    `bufferization.writable = false`, unless it already carries that
    attribute, so that one-shot bufferization with function boundaries
    copies such an argument before an op writes into it instead of reusing
    the caller's buffer.

    Why: tensors are values. Upstream bufferization treats function
    arguments as writable, so `linalg.matmul ... outs(%c)` or a
    `linalg.generic` whose `outs` is an argument accumulated into the
    caller's array: each `norm-runner --bench` repetition, or each call from
    Python, added to the result of the one before. norm ops write into
    fresh tensors (`tensor.empty`), so their kernels get no copies. Private
    functions are left alone (bufferization sees all their callers), and an
    embedder that wants in-place updates of an argument says so with
    `bufferization.writable = true`.

    Example:

    ```mlir
    func.func @f(%a: tensor<4x8xf32>, %b: tensor<8x8xf32>, %c: tensor<4x8xf32>)
        -> tensor<4x8xf32>
    // becomes
    func.func @f(%a: tensor<4x8xf32> {bufferization.writable = false},
                 %b: tensor<8x8xf32> {bufferization.writable = false},
                 %c: tensor<4x8xf32> {bufferization.writable = false})
        -> tensor<4x8xf32>
    ```

    Part of `norm-lower-to-cpu` and of `norm-lower-to-nvvm{memory=host}`,
    before `one-shot-bufferize` (with `memory=device` the arguments are
    device pointers, which a copy on the host cannot read).
  }];
  let dependentDialects = ["bufferization::BufferizationDialect"];
}

#endif // NORM_DIALECT_NORM_TRANSFORMS_PASSES_TD
