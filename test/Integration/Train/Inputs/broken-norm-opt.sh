#!/usr/bin/env bash
# A norm-opt with a wrong gradient rule, to show that the training tests catch
# one: runs the build's norm-opt, then rewrites every arith.subf of
# @model_vjp into arith.addf. In the demo model the only subf there is the
# derivative of tanh, dy - dy*t*t, which becomes dy + dy*t*t: the gradients of
# W1 and of the norm parameters are wrong, the forward @model is untouched.
set -euo pipefail
"${NORM_MLIR_BUILD_DIR:?}/bin/norm-opt" "$@" | sed '/func\.func @model_vjp/,$ s/arith\.subf/arith.addf/'
