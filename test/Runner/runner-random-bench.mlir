// --random-inputs is deterministic, --bench prints one line of fixed format.
// RUN: rm -rf %t && mkdir -p %t

// The same seed gives identical bytes, another seed different ones.
// RUN: norm-runner %S/Inputs/rms.mlir -e rms --pipeline="%scalar_pipeline" --random-inputs=7 --output=%t/a.npy
// RUN: norm-runner %S/Inputs/rms.mlir -e rms --pipeline="%scalar_pipeline" --random-inputs=7 --output=%t/b.npy
// RUN: norm-runner %S/Inputs/rms.mlir -e rms --pipeline="%scalar_pipeline" --random-inputs=8 --output=%t/c.npy
// RUN: cmp %t/a.npy %t/b.npy
// RUN: not cmp -s %t/a.npy %t/c.npy

// The values are uniform in [-1, 1): look at them through @ident.
// RUN: norm-runner %S/Inputs/rms.mlir -e ident --pipeline="%scalar_pipeline" --random-inputs=7 --output=%t/r.npy
// RUN: %python -c "import numpy as np; a = np.load('%t/r.npy'); print(a.min() >= -1, a.max() < 1, len(np.unique(a)) == a.size, abs(a.mean()) < 0.5)" \
// RUN:   | FileCheck %s --check-prefix=RANGE
// RANGE: True True True True

// --input binds the first arguments, --random-inputs fills the others.
// RUN: %python %S/Inputs/npytool.py write %t/x.npy float32 4x8 1
// RUN: norm-runner %S/Inputs/rms.mlir -e rms --pipeline="%scalar_pipeline" --input=%t/x.npy --random-inputs=7 --output=%t/mixed.npy
// RUN: norm-runner %S/Inputs/rms.mlir -e rms --pipeline="%scalar_pipeline" --input=%t/x.npy --random-inputs=7 --output=%t/mixed2.npy
// RUN: cmp %t/mixed.npy %t/mixed2.npy

// bytes = x (4x8 f32) + w (8 f32) + y (4x8 f32) = 128 + 32 + 128.
// RUN: norm-runner %S/Inputs/rms.mlir -e rms --pipeline="%scalar_pipeline" --random-inputs=1 --bench=5 \
// RUN:   | FileCheck %s --check-prefix=BENCH --match-full-lines --implicit-check-not={{.}}
// BENCH: bench: median_ms={{[0-9]+\.[0-9]+}} min_ms={{[0-9]+\.[0-9]+}} reps=5 bytes=288 gbps={{[0-9]+\.[0-9]+}}

// With --output the results of the last timed call are written.
// RUN: norm-runner %S/Inputs/rms.mlir -e rms --pipeline="%scalar_pipeline" --random-inputs=7 --bench=3 --output=%t/bench.npy
// RUN: cmp %t/a.npy %t/bench.npy

// Two results count too: 3x8 f32 in, 8 f32 in, 3x8 f32 + 3 f32 out.
// RUN: %python %S/Inputs/npytool.py write %t/x3.npy float32 3x8 1
// RUN: norm-runner %S/Inputs/rms.mlir -e rms_dyn --pipeline="%scalar_pipeline" --input=%t/x3.npy --random-inputs=2 --bench=2 \
// RUN:   | FileCheck %s --check-prefix=BENCH2
// BENCH2: bench: median_ms={{.*}} reps=2 bytes=236 gbps=
