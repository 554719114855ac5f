#!/usr/bin/env bash
# Main-job demo: apt set-up + build (scripts/setup.sh), then
#  1. demo/demo.py, which runs every norm op forward and backward through
#     norm-runner on real-size inputs, checks each result against a float64
#     numpy reference and prints times and GB/s;
#  2. demo/train.py --norm all, a training run (SGD, pre-norm residual blocks
#     with ScaleNorm, RMSNorm, SeeDNorm) through norm-opt --norm-autodiff and
#     the JIT, gradient-checked at step 0; it prints the loss curve and the
#     time per step.
# Exits non-zero on a wrong result, a failed gradient check or a loss that did
# not fall.
#
#   scripts/demo.sh [demo.py options: --reps N, --small]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
export BUILD_DIR=$build
"$root/scripts/setup.sh"
export NORM_MLIR_BUILD_DIR=$build
rc=0
/usr/bin/python3 "$root/demo/demo.py" --runner "$build/bin/norm-runner" "$@" || rc=$?
echo
/usr/bin/python3 "$root/demo/train.py" --norm all --norm-opt "$build/bin/norm-opt" || {
  r=$?; [ "$rc" -ne 0 ] || rc=$r; }
exit "$rc"
