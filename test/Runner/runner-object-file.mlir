// --dump-object-file writes the JIT's machine code (as mlir-runner does), to
// read what actually runs: an ELF object with the entry's symbol.
// RUN: rm -rf %t && mkdir -p %t && cp %S/Inputs/rms.mlir %t/k.mlir
// RUN: norm-runner %t/k.mlir -e rms --random-inputs=1 --dump-object-file --object-filename=%t/named.o
// RUN: %python -c "import sys; d = open(sys.argv[1], 'rb').read(); print(d[:4] == b'\x7fELF', b'rms' in d)" %t/named.o | FileCheck %s --check-prefix=ELF
// ELF: True True

// Without --object-filename the object goes next to the input, as <input>.o.
// RUN: norm-runner %t/k.mlir -e rms --random-inputs=1 --dump-object-file
// RUN: %python -c "import sys; print(open(sys.argv[1], 'rb').read(4) == b'\x7fELF')" %t/k.mlir.o | FileCheck %s --check-prefix=DEFAULT
// DEFAULT: True

// RUN: not norm-runner %t/k.mlir -e rms --random-inputs=1 --object-filename=%t/x.o 2>&1 | FileCheck %s --check-prefix=NODUMP
// NODUMP: error: --object-filename needs --dump-object-file
// RUN: not norm-runner %t/k.mlir -e rms --random-inputs=1 --dump-object-file --object-filename=%t/missing-dir/x.o 2>&1 | FileCheck %s --check-prefix=UNWRITABLE
// UNWRITABLE: error: cannot write the object file '{{.*}}missing-dir/x.o'
// RUN: not norm-runner %t/k.mlir -e rms --random-inputs=1 --dump-object-file --object-filename= 2>&1 | FileCheck %s --check-prefix=EMPTY
// EMPTY: error: --object-filename needs a file name
// RUN: mkdir -p %t/adir/sub
// RUN: not norm-runner %t/k.mlir -e rms --random-inputs=1 --dump-object-file --object-filename=%t/adir 2>&1 | FileCheck %s --check-prefix=DIRECTORY
// DIRECTORY: error: cannot write the object file '{{.*}}adir'
