// .npy in, .npy out through the explicit --pipeline path; results are
// compared with a float64 numpy reference.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/Inputs/npytool.py write %t/x.npy float32 4x8 1
// RUN: %python %S/Inputs/npytool.py write %t/x3.npy float32 3x8 5
// RUN: %python %S/Inputs/npytool.py write %t/w.npy float32 8 2

// Static shapes.
// RUN: norm-runner %S/Inputs/rms.mlir -e rms --pipeline="%scalar_pipeline" \
// RUN:   --input=%t/x.npy --input=%t/w.npy --output=%t/y.npy
// RUN: %python %S/Inputs/npytool.py check \
// RUN:   "load('%t/x.npy') / np.sqrt(np.mean(load('%t/x.npy')**2, axis=-1, keepdims=True) + 1e-6) * load('%t/w.npy')" \
// RUN:   %t/y.npy | FileCheck %s --check-prefix=STATIC
// STATIC: OK {{.*}}y.npy dtype=float32 shape=(4, 8)

// A dynamic dimension takes its size from the file; two results.
// RUN: norm-runner %S/Inputs/rms.mlir -e rms_dyn --pipeline="%scalar_pipeline" \
// RUN:   --input=%t/x3.npy --input=%t/w.npy --output=%t/y3.npy --output=%t/r3.npy
// RUN: %python %S/Inputs/npytool.py check \
// RUN:   "load('%t/x3.npy') / np.sqrt(np.mean(load('%t/x3.npy')**2, axis=-1, keepdims=True) + 1e-6) * load('%t/w.npy')" \
// RUN:   %t/y3.npy | FileCheck %s --check-prefix=DYN
// RUN: %python %S/Inputs/npytool.py check \
// RUN:   "1 / np.sqrt(np.mean(load('%t/x3.npy')**2, axis=-1) + 1e-6)" %t/r3.npy \
// RUN:   | FileCheck %s --check-prefix=RSTD
// DYN: OK {{.*}}y3.npy dtype=float32 shape=(3, 8)
// RSTD: OK {{.*}}r3.npy dtype=float32 shape=(3,)

// Fewer --output files than results is fine: the rest is dropped.
// RUN: norm-runner %S/Inputs/rms.mlir -e rms_dyn --pipeline="%scalar_pipeline" \
// RUN:   --input=%t/x3.npy --input=%t/w.npy --output=%t/y3b.npy
// RUN: cmp %t/y3.npy %t/y3b.npy

// A result that is the argument itself, a constant, and a buffer returned
// twice: each comes back as its own copy.
// RUN: norm-runner %S/Inputs/rms.mlir -e ident --pipeline="%scalar_pipeline" \
// RUN:   --input=%t/x.npy --output=%t/ident.npy
// RUN: cmp %t/x.npy %t/ident.npy
// RUN: norm-runner %S/Inputs/rms.mlir -e const --pipeline="%scalar_pipeline" --output=%t/c.npy
// RUN: %python %S/Inputs/npytool.py check "[1.5, -2.0]" %t/c.npy 0 0 | FileCheck %s --check-prefix=CONST
// CONST: OK {{.*}}c.npy dtype=float32 shape=(2,)
// RUN: %python -c "import numpy as np; np.save('%t/t.npy', np.array([1.0, -2.0, 3.5]))"
// RUN: norm-runner %S/Inputs/rms.mlir -e twice --pipeline="%scalar_pipeline" \
// RUN:   --input=%t/t.npy --output=%t/t1.npy --output=%t/t2.npy
// RUN: %python %S/Inputs/npytool.py check "2 * load('%t/t.npy')" %t/t1.npy 0 0 | FileCheck %s --check-prefix=TWICE
// RUN: %python %S/Inputs/npytool.py check "2 * load('%t/t.npy')" %t/t2.npy 0 0 | FileCheck %s --check-prefix=TWICE
// TWICE: OK {{.*}}.npy dtype=float64 shape=(3,)

// A 0-d argument.
// RUN: %python -c "import numpy as np; np.save('%t/g.npy', np.array(3.0, dtype=np.float32)); np.save('%t/x5.npy', np.arange(5, dtype=np.float32))"
// RUN: norm-runner %S/Inputs/rms.mlir -e scale --pipeline="%scalar_pipeline" \
// RUN:   --input=%t/x5.npy --input=%t/g.npy --output=%t/s.npy
// RUN: %python %S/Inputs/npytool.py check "3 * load('%t/x5.npy')" %t/s.npy 0 0 | FileCheck %s --check-prefix=SCALAR
// SCALAR: OK {{.*}}s.npy dtype=float32 shape=(5,)

// The same through stdin.
// RUN: cat %S/Inputs/rms.mlir | norm-runner - -e rms --pipeline="%scalar_pipeline" \
// RUN:   --input=%t/x.npy --input=%t/w.npy --output=%t/y_stdin.npy
// RUN: cmp %t/y.npy %t/y_stdin.npy
