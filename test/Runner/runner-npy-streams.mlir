// .npy inputs that are not regular files (a pipe, a device) are read only
// as far as their header says: /dev/zero used to be read to the end, which
// never came (13 GB in 8 s). `timeout` turns a hang into a failed check.
// REQUIRES: numpy
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/Inputs/npytool.py write %t/x.npy float32 4x8 1
// RUN: %python %S/Inputs/npytool.py write %t/w.npy float32 8 2

// RUN: not timeout 60 norm-runner %S/Inputs/rms.mlir -e rms --input=/dev/zero --input=%t/w.npy 2>&1 \
// RUN:   | FileCheck %s --check-prefix=ZERO
// ZERO: norm-runner: error: bad .npy file '/dev/zero': missing the \x93NUMPY magic (not a .npy file)

// A pipe with a whole file: read and run.
// RUN: cat %t/x.npy | timeout 60 norm-runner %S/Inputs/rms.mlir -e rms --input=/dev/stdin \
// RUN:   --input=%t/w.npy --output=%t/y.npy
// RUN: %python %S/Inputs/npytool.py check \
// RUN:   "load('%t/x.npy') / np.sqrt(np.mean(load('%t/x.npy')**2, axis=-1, keepdims=True) + 1e-6) * load('%t/w.npy')" \
// RUN:   %t/y.npy | FileCheck %s --check-prefix=PIPE
// PIPE: OK {{.*}}y.npy dtype=float32 shape=(4, 8)

// More data than the header announces, and less.
// RUN: cat %t/x.npy %t/w.npy | not timeout 60 norm-runner %S/Inputs/rms.mlir -e rms \
// RUN:   --input=/dev/stdin --input=%t/w.npy 2>&1 | FileCheck %s --check-prefix=TRAILING
// TRAILING: norm-runner: error: bad .npy file '/dev/stdin': trailing bytes after the data
// RUN: head -c 200 %t/x.npy | not timeout 60 norm-runner %S/Inputs/rms.mlir -e rms \
// RUN:   --input=/dev/stdin --input=%t/w.npy 2>&1 | FileCheck %s --check-prefix=SHORT
// SHORT: norm-runner: error: bad .npy file '/dev/stdin': truncated data: expected 128 bytes, found 72
// RUN: head -c 20 %t/x.npy | not timeout 60 norm-runner %S/Inputs/rms.mlir -e rms \
// RUN:   --input=/dev/stdin --input=%t/w.npy 2>&1 | FileCheck %s --check-prefix=HEADER
// HEADER: norm-runner: error: bad .npy file '/dev/stdin': truncated header
