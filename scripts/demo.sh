#!/usr/bin/env bash
# Main-job demo: apt set-up + build (scripts/setup.sh), then demo/demo.py,
# which runs every norm op forward and backward through norm-runner on
# real-size inputs, checks each result against a float64 numpy reference and
# prints times and GB/s. Exits non-zero on a wrong result.
#
#   scripts/demo.sh [demo.py options: --reps N, --small]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
export BUILD_DIR=$build
"$root/scripts/setup.sh"
export NORM_MLIR_BUILD_DIR=$build
exec /usr/bin/python3 "$root/demo/demo.py" --runner "$build/bin/norm-runner" "$@"
