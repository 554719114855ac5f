#!/usr/bin/env bash
# Set-up, build, then every test (lit: dialect, conversions, JIT integration,
# runner, Python). Ends with the line `N passed, M failed`; non-zero on failure.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
"$root/scripts/setup.sh" || { echo "0 passed, 1 failed"; exit 1; }
export CUDA_HOME=${CUDA_HOME:-/usr/local/cuda}

log=$(mktemp)
/usr/lib/llvm-22/bin/lit -sv "$build/test" 2>&1 | tee "$log"
lit_rc=${PIPESTATUS[0]}
count() { grep -E "^ *$1 *: +[0-9]+" "$log" | awk '{print $(NF-1)}' | tail -n1; }
passed=$(( $(count Passed || true) + 0 ))
xfail=$(( $(count "Expectedly Failed" || true) + 0 ))
failed=$(( $(count Failed || true) + $(count "Unexpectedly Passed" || true) + 0 ))
unsupported=$(( $(count Unsupported || true) + 0 ))
rm -f "$log"
# A lit failure, or a run in which nothing passed, never reads as success.
if { [ "$lit_rc" -ne 0 ] || [ "$passed" -eq 0 ]; } && [ "$failed" -eq 0 ]; then failed=1; fi
echo "skipped (unsupported here, e.g. no GPU): $unsupported"
echo "$((passed + xfail)) passed, $failed failed"
[ "$failed" -eq 0 ]
