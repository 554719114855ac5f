//===- Passes.td - norm CPU code generation passes ---------*- tablegen -*-===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The passes behind `norm-lower-to-cpu`. They work on linalg on tensors (the
// output of convert-norm-to-linalg, or any row-wise linalg a user writes) and
// are usable on their own by embedders.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_CODEGEN_CPU_PASSES_TD
#define NORM_CODEGEN_CPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def NormFuseElementwise : Pass<"norm-fuse-elementwise", "func::FuncOp"> {
  let summary = "Fuse elementwise producers and consumers into row-wise linalg ops";
  let description = [{
    Fuses elementwise `linalg.generic` producers into their `linalg` consumers
    when the consumer reads the producer's result through a permutation map,
    even when the producer has several users (it is then recomputed in each
    consumer, which is cheaper than a round trip through memory for
    memory-bound row ops). Producers read through a broadcast map, such as a
    per-row statistic, are not fused, so that they stay computed once per row.

    ```mlir
    %s = linalg.generic {iterator_types = ["parallel", "parallel"]} ins(%x, %r) ... // x + r
    %ss = linalg.generic {iterator_types = ["parallel", "reduction"]} ins(%s) ...
    %y = linalg.generic {iterator_types = ["parallel", "parallel"]} ins(%s, %rstd, %w) ...
    ```
    becomes one reduction and one elementwise op, both reading `%x` and `%r`.
  }];
  let dependentDialects = ["linalg::LinalgDialect", "affine::AffineDialect"];
}

def NormTileRows : Pass<"norm-tile-rows", "func::FuncOp"> {
  let summary = "Tile row-wise linalg ops over rows and fuse their producers";
  let description = [{
    Tiles every terminal row-parallel `linalg` op (one whose leading loops are
    parallel and whose result leaves the linalg graph) over its leading
    dimensions with `scf.forall`, fusing all producers (reductions over the
    last dimension, per-row statistics, fills) into the loop with
    `scf::tileConsumerAndFuseProducersUsingSCF`. A producer whose result is
    also used outside (e.g. a saved statistic) is yielded from the loop.

    A gradient (ops that reduce over the rows, the parameter gradients, with
    the row-parallel dx that shares their row producers) becomes one pass
    over the rows: `threads` contiguous row chunks in an `scf.forall`, one
    row loop per chunk in which every op is tiled to the row, per-chunk
    partial sums merged after the loop in a fixed order (deterministic).

    Where it measured faster, rows are processed `row-block` rows at a time,
    so that row-sized parameters and parameter-gradient sums are loaded and
    stored once per block and the per-row work of short rows overlaps:
    - ops that read two or more row-sized parameters (a forward) or update
      two or more row-sized sums (a gradient), as SeeDNorm does: 16-bit rows
      of 64 elements or more, f32 rows of 2048 or more, and f32 rows of
      64-512 whose data fits in cache;
    - the others (RMSNorm, ScaleNorm, row-wise elementwise ops): 16-bit
      floating-point rows of 64-1024 elements whose data fits in cache.
    Data fits in cache when the largest row-indexed input has a static size
    under `cache-bytes` (dynamic sizes count as large, as in
    `norm-nontemporal-stores`): from memory, one-row tiles of short rows with
    a deep prefetch measured as fast or faster and steadier.
    Blocks whose rows fall in the same L1 sets (rows a multiple of 4 KiB
    apart, give or take a cache line) take 2 rows instead (a forward only
    for rows of 4096 elements or more; a gradient's rows there are f32 rows
    of 2048 or more); a
    16-bit gradient with three row-sized sums (SeeDNorm) always takes 2 rows
    (`norm-vectorize-rows` would split a larger block into pairs anyway).
    On a target whose L1 data cache has 48 KiB or more (from the DLTI
    target system spec, `"CPU" = #dlti.target_device_spec<
    "L1_cache_size_in_bytes" = N>`, which `norm-runner` attaches for its
    host), a gradient with one row-sized sum (RMSNorm's) of f32 rows of 4096
    to 8192 elements goes in blocks of `row-block` rows (at most as many as
    the L1's ways, N / 4 KiB, leave room for: 4 in 12 ways), even in the
    same sets: such a row with its weight and sum fills the L1 anyway, and
    the block loads the weight and adds into the sum once per 4 rows
    (measured on an Emerald Rapids host: 8192 x 4096 0.90-0.94x, 4096 x 8192
    0.93-0.96x; rows of 2048 or fewer, bf16 rows and ScaleNorm gained
    nothing, and rows of 16384 ran 1.2x slower).
    A gradient's last rows (fewer than a block) go through a one-row loop; a
    forward uses blocks only when the row count is a static multiple of
    the block. `row-tile` overrides the forward tile size.
  }];
  let options = [
    Option<"rowTile", "row-tile", "int64_t", "0",
           "Rows per forward tile (0: one row, or a block where blocks pay, see above)">,
    Option<"numThreads", "threads", "int64_t", "2",
           "Row chunks for ops that reduce over rows (parameter gradients)">,
    Option<"rowBlock", "row-block", "int64_t", "4",
           "Rows per step where blocks of rows pay (see above)">,
    Option<"cacheBytes", "cache-bytes", "int64_t", "8 << 20",
           "Inputs smaller than this (static) are taken to be in cache">,
  ];
  let dependentDialects = ["scf::SCFDialect", "linalg::LinalgDialect",
                           "tensor::TensorDialect", "affine::AffineDialect"];
}

def NormVectorizeRows : Pass<"norm-vectorize-rows", "func::FuncOp"> {
  let summary = "Vectorize row tiles along the normalized dimension";
  let description = [{
    Inside row tiles, tiles every `linalg` op along its last dimension by
    `vector-width` x `unroll` elements (reductions keep that many independent
    f32 partial sums, merged by one horizontal reduction per row), peels the
    remainder and vectorizes both parts (the remainder with masks), then
    hoists the loop-carried partial sums into vector registers.

    The reductions of one sweep over a row (fused into one loop at the end)
    share the `vector-width` x `unroll` lanes of partial sums, and a block of
    rows shares them too: RMSNorm's gradient sums (sum x^2, sum dy w x) get
    32 lanes each, SeeDNorm's four gradient sums 16 each, and in a block of
    4 rows, whose 4 x 4 sums would not fit even at 8 lanes, the sums' sweep
    goes over 2 rows at a time. With 64 lanes per sum, the accumulators took
    16 to 32 AVX2 registers and were spilled and reloaded in every iteration
    (in cache, 1 thread: SeeDNorm's gradient 512 x 1024 0.49 -> 0.35 ms,
    its forward 1024 x 512 0.14 -> 0.10 ms; RMSNorm's gradient 64 x 4096 0.15 -> 0.12
    ms).

    An elementwise sweep that reads and writes more than four row-long
    streams (SeeDNorm's gradient: x, dy, alpha, beta, gamma, dx and three
    running sums) gets half or a quarter of the lanes, for the same reason
    (it kept 33 spills and 39 reloads per iteration at 64 lanes; in cache, 1
    thread: SeeDNorm's gradient 64 x 4096 0.29 -> 0.21 ms, RMSNorm's 1024 x
    512 0.20 -> 0.14 ms).

    In a block of rows, a row's piece of less than a cache line is then
    widened to two lines of the rows' narrowest element type (32 f32, 64
    bf16), or one, where rows x sums (or x stream share) x lanes stays
    within 16 vectors of `vector-width` lanes (8 below 16 lanes: AVX2 has
    half the registers), over fewer rows of the block at a time if need be
    (so a piece can exceed `vector-width` x `unroll`): a piece of less than
    a line reads each line in two or more iterations, and where the block's
    rows share L1 sets the line is evicted in between (on a Zen 4 host,
    SeeDNorm's bf16 gradient 8192 x 4096 in pairs ran 4x slower than single
    rows at 8 lanes a row and 0.73-0.96x at 32).

    Example (SeeDNorm gradient, one row of 4096 f32, the sums' sweep):
    ```mlir
    %s:4 = scf.for %j = %c0 to %c4096 step %c16 iter_args(...)
        -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
    ```
  }];
  let options = [
    Option<"vectorWidth", "vector-width", "int64_t", "16",
           "f32 lanes of one vector register">,
    Option<"unroll", "unroll", "int64_t", "4",
           "Independent vectors per step (accumulators of a reduction)">,
  ];
  let dependentDialects = ["scf::SCFDialect", "linalg::LinalgDialect",
                           "tensor::TensorDialect", "vector::VectorDialect",
                           "affine::AffineDialect", "arith::ArithDialect"];
}

def NormNontemporalStores : Pass<"norm-nontemporal-stores", "func::FuncOp"> {
  let summary = "Lower vector transfers to loads/stores; stream stores in loops";
  let description = [{
    Lowers 1-D `vector.transfer_read`/`transfer_write` on memrefs to
    `vector.load`/`store` (masked ones to `maskedload`/`maskedstore`), then,
    when `enable` is set, marks the `vector.store` ops inside loops
    `nontemporal`, so outputs much larger than the caches are streamed to
    memory without a read for ownership. Stack temporaries, buffers the loop
    nest reads back (running sums) and outputs of a static size below
    `min-bytes` (they fit in the last-level cache, where their reader finds
    them) keep ordinary stores.

    A streamed store also gets the `alignment` proven from the IR (the
    allocation's alignment, view offsets, loop steps): without it LLVM splits
    a 64-byte x86 streaming store into eight 8-byte `movntsd`. This is done
    for elements of 32 bits or more, and, with `align-narrow-elements` (the
    default), for narrower ones (bf16, f16), except in a loop that streams a
    block of rows of the buffer (stores with another leading index) in
    pieces of less than a cache line while it updates running sums (a
    gradient's row block). Measured side by side on
    the project's Zen 5 machine: every f32 kernel ran faster aligned;
    RMSNorm and ScaleNorm bf16 forward ran up to 1.8x faster with full-width
    streams while the VM's copy bandwidth ran high, and as fast otherwise;
    SeeDNorm's bf16 forward (4-row tiles) ran 20-30% faster aligned while
    the copy ran high and 8% slower while it ran low (85-91% of the copy
    either way, against 66-98% split); SeeDNorm's bf16 gradient (4-row
    blocks that also update the parameter-gradient sums, 16 bytes of each
    row a store) ran 5-8% slower aligned in both. On a Zen 4 host, with
    whole lines of each row (norm-vectorize-rows widens a block's pieces),
    that gradient ran 0.87-0.91x aligned (8192 x 4096, 65536 x 1024 bf16).
    LLVM 22 only streams aligned bf16/f16 vectors after
    `norm-legalize-nontemporal-stores`.

    ```mlir
    vector.store %v, %dx[%row, %j] : memref<8192x4096xf32>, vector<16xf32>
    // becomes (a 64-byte aligned allocation, %j stepping by 16)
    vector.store %v, %dx[%row, %j] {alignment = 64 : i64, nontemporal = true} : memref<8192x4096xf32>, vector<16xf32>
    ```
  }];
  let options = [
    Option<"enable", "enable", "bool", "true", "Mark stores in loops non-temporal">,
    Option<"alignNarrowElements", "align-narrow-elements", "bool", "true",
           "Also give streamed stores of elements narrower than 32 bits their "
           "proven alignment (not in gradient row blocks of pieces under a "
           "cache line, see above)">,
    Option<"minBytes", "min-bytes", "int64_t", "8 << 20",
           "Leave outputs of a static size below this many bytes cached">,
  ];
  let dependentDialects = ["vector::VectorDialect"];
}

def NormPlaceRowBuffers : Pass<"norm-place-row-buffers", "func::FuncOp"> {
  let summary = "Allocate row buffers at an input's page offset (no 4K aliasing)";
  let description = [{
    x86 cores first match a load against the older stores in flight by the
    low 12 bits of the address; a match (a 4K alias) makes the load wait for
    the store. A row kernel stores `y[j]` and then loads `x` a little further
    along, so when `y` starts a few cache lines above `x` modulo 4 KiB nearly
    every load waits. Allocators make that the usual case: large blocks start
    just past a page boundary, and heap blocks allocated in a row get page
    offsets a few lines apart. On a Zen 4 host SeeDNorm's bf16 forward
    (8192 x 4096, one thread) ran 9.9 ms with `y` 64 bytes above `x` modulo
    4 KiB, 7.6 ms at 128 bytes, and 5.5-6.3 ms at 0, at 256 bytes or more, or
    below `x`. The same holds for a gradient's per-thread parameter-gradient
    sums, stored at the rate the f32 parameters are loaded.

    Each `memref.alloc` of floats of whole bytes (f16, bf16, f32, f64) with
    an identity layout and a static row length, of `min-bytes` or more (or
    of a dynamic size), whose function has identity-layout arguments of the
    same element type and row length (rows first, then vectors: x and dy,
    the parameters), becomes a `memref.view` into an i8 allocation one page
    larger in the same memory space, at a byte shift computed at run time.
    The view starts at the page offset of the first such argument, moved
    down to another's while one starts up to 512 bytes below it (rounded
    down to the allocation's alignment): the stores then run level with or
    behind every input's loads. The view keeps the type and the alignment (which
    `norm-nontemporal-stores` proves through the shift); deallocations free
    the raw block, and a returned view's allocated pointer is the raw
    block's, so callers free it as before.

    `norm-lower-to-cpu` runs it after bufferization unless `place-buffers`
    is false.

    ```mlir
    %y = memref.alloc() {alignment = 64 : i64} : memref<8192x4096xbf16>
    // becomes
    %raw = memref.alloc() {alignment = 64 : i64} : memref<67112960xi8>
    %px = memref.extract_aligned_pointer_as_index %x : memref<8192x4096xbf16> -> index
    %ox = arith.andi %px, %c4095 : index
    %pr = memref.extract_aligned_pointer_as_index %raw : memref<67112960xi8> -> index
    %d = arith.subi %ox, %pr : index
    %shift = arith.andi %d, %c4032 : index
    %y = memref.view %raw[%shift][] : memref<67112960xi8> to memref<8192x4096xbf16>
    ```
  }];
  let options = [
    Option<"minBytes", "min-bytes", "int64_t", "4096",
           "Place buffers of a static size of at least this many bytes">,
  ];
  let dependentDialects = ["arith::ArithDialect", "memref::MemRefDialect"];
}

def NormLegalizeNontemporalStores : Pass<"norm-legalize-nontemporal-stores"> {
  let summary = "Keep non-temporal LLVM stores of bf16/f16 vectors non-temporal";
  let description = [{
    LLVM's x86 backend has no non-temporal store patterns for bf16 or f16
    vectors: a `!nontemporal` store of `vector<32xbf16>` is selected as an
    ordinary store (read for ownership and all), and bitcasting the value to
    another type does not help, because instruction selection folds the
    bitcast back into the store. This pass, run on the LLVM dialect, bitcasts
    the stored value of every non-temporal `llvm.store` of a bf16 or f16
    vector (a whole number of 32-bit words, aligned to 16 bytes or more) to
    an f32 vector and passes it through `llvm.arithmetic.fence`, which
    instruction selection does not look through and which emits no
    instruction. Other stores, and streams aligned to less than 16 bytes
    (split into 8-byte streaming stores, which keep the hint), are left as
    they are.

    `norm-lower-to-cpu` runs it after the conversion to the LLVM dialect,
    for the aligned 16-bit streams of `norm-nontemporal-stores`.

    ```mlir
    llvm.store %v, %p {alignment = 64 : i64, nontemporal} : vector<32xbf16>, !llvm.ptr
    // becomes
    %w = llvm.bitcast %v : vector<32xbf16> to vector<16xf32>
    %f = llvm.call_intrinsic "llvm.arithmetic.fence"(%w) : (vector<16xf32>) -> vector<16xf32>
    llvm.store %f, %p {alignment = 64 : i64, nontemporal} : vector<16xf32>, !llvm.ptr
    ```
  }];
  let dependentDialects = ["LLVM::LLVMDialect"];
}

def NormPipelineRowSweeps : Pass<"norm-pipeline-row-sweeps", "func::FuncOp"> {
  let summary = "Sum the next row block while this one is written";
  let description = [{
    A gradient's row loop (`norm.row_loop`, built by norm-tile-rows) runs
    two column loops per row block: the row sums, which read the block from
    memory, and then the write sweep (dx and the parameter-gradient sums),
    which finds the block in cache. Memory is busy during the first and
    nearly idle during the second. This pass pipelines the row loop by one
    stage: the sums of the first block run before the loop, and each
    iteration runs one column loop that writes its block and sums the next
    (the row after the last block is clamped to the last block, whose sums
    are then computed twice and the second result dropped). Reads from
    memory then go on through the whole iteration, in the order the
    hardware prefetchers follow, and the parameters both sweeps read are
    loaded once. norm-prefetch-rows leaves the fused loops alone
    (`norm.pipelined_sweeps`).

    The row loop qualifies when its first column loop only reads memory and
    returns values (the sums), a later column loop has the same bounds and
    step (the writes), the sums depend on the row loop only through its
    induction variable and side-effect-free ops, and everything the row
    body writes is a buffer allocated in the function (so the sums, which
    now run before those writes, read nothing they write). Runs after
    bufferization, on `scf.for`.

    norm-lower-to-cpu runs it only with `pipeline-sweeps=true`. Measured on a
    Granite Rapids-class host (norm-runner, interleaved processes): SeeDNorm's
    gradient of 64 x 4096 f32 rows in cache, 1 thread, 0.91x the time; from
    DRAM, 2 threads, 8192 x 4096 f32 1.05x on huge pages (14.0-14.4 ms
    against 13.1-14.4 with the write sweep's prefetches), and on 4 KiB pages
    bf16 1.10x, 65536 x 1024 f32 1.15x, 262144 x 128 f32 1.28x. The fused loop
    keeps the next block's sums (16 zmm registers for a pair of rows) beside
    the write sweep's values, and LLVM spills some of them every iteration.

    ```mlir
    scf.for %r = %lb to %ub step %c2 iter_args(...) {
      %s = scf.for %j = %c0 to %c4096 step %c32 iter_args(%a = %zero) -> (vector<...>) {
        ... vector.load %x[%r, %j] ...
      }
      ... statistics from %s ...
      scf.for %j = %c0 to %c4096 step %c32 { ... vector.store %dx[%r, %j] ... }
    } {norm.row_loop}
    // becomes
    %s0 = scf.if (%lb < %ub) { sums of block %lb } else { %zero }
    scf.for %r = %lb to %ub step %c2 iter_args(..., %s = %s0) {
      ... statistics from %s ...
      %next = arith.minsi(%r + 2, %last)
      %s1 = scf.for %j = %c0 to %c4096 step %c32 iter_args(%a = %zero) {
        ... vector.store %dx[%r, %j] ... vector.load %x[%next, %j] ...
      } {norm.pipelined_sweeps}
      scf.yield ..., %s1
    } {norm.row_loop}
    ```
  }];
  let dependentDialects = ["scf::SCFDialect", "arith::ArithDialect"];
}

def NormPrefetchRows : Pass<"norm-prefetch-rows", "func::FuncOp"> {
  let summary = "Prefetch the next rows while a row is written";
  let description = [{
    A row tile reads its row from memory in the first sweep (the row sums)
    and only writes in the last one, from cache; without help the memory
    reads stop while the row is written. In each loop that stores (the last
    sweep), this pass adds a `memref.prefetch` of the row `distance` rows
    ahead for every vector load of a row-indexed buffer (leading index
    invariant in the loop, not a constant), one per 64-byte line, so that
    the reads of the next row overlap the writes of this one. In a loop over
    a block of rows the next block is prefetched; when a row's load is
    shorter than a line (4 bf16 rows of 16 elements), every other row's
    prefetch walks two consecutive rows at twice the column pace, on a 1-D
    `memref.collapse_shape` view of the buffer (an add per prefetch, no
    division by the row length), so each line is prefetched once. The row
    ahead is clamped to the buffer's last row (for a walk over k rows, to
    the last row but k - 1), so the last blocks prefetch inside the buffer,
    and computed before the sweep. It is at least `min-bytes-ahead` bytes
    ahead when the rows have a static size (more rows for short rows). Runs after bufferization, on `vector.load`/`vector.store`.

    Where the prefetches go by default depends on the target's L1 data
    cache, read from the DLTI target system spec of an enclosing op (as
    `norm-runner` attaches for its host); without one, into L2:
    ```mlir
    module attributes {dlti.target_system_spec = #dlti.target_system_spec<
        "CPU" = #dlti.target_device_spec<"L1_cache_size_in_bytes" = 49152 : ui32>>} {
      ...
    }
    ```

    A buffer with a static size of at most half the target's L2 cache
    (`"L2_cache_size_in_bytes"` in the same spec, which `norm-runner` also
    writes) gets no prefetches unless `prefetch-cached` is set: called over
    and over, as a layer's activations are, it is read from L2, where the
    hardware prefetchers keep up. On a Granite Rapids-class host (L2 2 MiB,
    64 x 4096 f32 rows of 1 MiB) dropping them took 0.87-0.92x the time of
    the forward ops and 0.78-0.99x of the gradients; an Emerald Rapids host
    (also 2 MiB) measured the opposite in an earlier session (1.08-1.39x
    slower without them), which `prefetch-cached=true` restores.

    Example (distance = 1):
    ```mlir
    scf.for %j = %c0 to %c4096 step %c16 {
      %v = vector.load %x[%row, %j] : memref<8192x4096xf32>, vector<16xf32>
      vector.store %w, %y[%row, %j] {nontemporal = true} : ...
    }
    // becomes
    %plus1 = arith.addi %row, %c1 : index
    %next = arith.minui %plus1, %c8191 : index
    scf.for %j = %c0 to %c4096 step %c16 {
      memref.prefetch %x[%next, %j], read, locality<2>, data : memref<8192x4096xf32>
      %v = vector.load %x[%row, %j] : memref<8192x4096xf32>, vector<16xf32>
      ...
    }
    ```
  }];
  let options = [
    Option<"distance", "distance", "int64_t", "1",
           "How many rows (blocks of rows) ahead to prefetch (0 disables)">,
    Option<"minBytesAhead", "min-bytes-ahead", "int64_t", "0",
           "Prefetch at least this many bytes ahead in each buffer: more "
           "rows ahead for short static rows (0: `distance` only)">,
    Option<"locality", "locality", "int64_t", "-1",
           "Locality hint of the prefetches, 0..3 (3: into L1); -1: 2, "
           "except 3 in sweeps that read several row-indexed buffers "
           "(gradients) when the DLTI target spec gives the CPU an L1 data "
           "cache of at least 48 KiB">,
    Option<"prefetchCached", "prefetch-cached", "bool", "false",
           "Also prefetch buffers of a static size of at most half the L2 "
           "that the DLTI target spec gives (by default they get none)">,
  ];
  let dependentDialects = ["memref::MemRefDialect", "arith::ArithDialect"];
}

def NormExpandBF16Casts : Pass<"norm-expand-bf16-casts", "func::FuncOp"> {
  let summary = "Expand f32 <-> bf16 casts into integer arithmetic";
  let description = [{
    Without a native conversion (AVX512-BF16), LLVM's x86 backend lowers
    every `arith.truncf` to bf16 to a call of `__truncsfbf2`, one call per
    element even for vectors: a bf16 forward on an AVX2 machine spent 43% of
    its time there and ran 8x slower than f32. This pass rewrites f32 -> bf16
    truncations (round to nearest even in i32 lanes, NaN kept and quieted)
    and bf16 -> f32 extensions (a shift) into integer arithmetic, which
    vectorizes on any target. Scalars, vectors and static-shaped tensors are
    rewritten; casts of dynamically shaped tensors are left alone (the pass
    runs after bufferization in the pipeline, where there are none).
    `norm-lower-to-cpu{native-bf16=true}` skips it for targets whose LLVM
    backend has a bf16 conversion instruction.

    Example:
    ```mlir
    %h = arith.truncf %v : vector<16xf32> to vector<16xbf16>
    // becomes a bitcast to i32, a rounding add of 0x7fff plus the lowest
    // kept bit, a shift right by 16, a NaN select and a bitcast to bf16
    ```
  }];
  let dependentDialects = ["arith::ArithDialect", "vector::VectorDialect"];
}

def NormApproximateMath : Pass<"norm-approximate-math", "func::FuncOp"> {
  let summary = "Inline polynomial approximations of math functions";
  let description = [{
    LLVM lowers `math.tanh` to a call of libm's `tanhf`, one call per
    element even for vectors (SeeDNorm's gain, a model's activation). This
    pass rewrites the functions named in `ops` (default: tanh) with MLIR's
    polynomial approximations (`populateMathPolynomialApproximationPatterns`),
    which vectorize and stay inline. The tanh approximation is within a few
    ulp of `tanhf` and, like it, saturates to +-1 for large |x|.

    Example:
    ```mlir
    %t = math.tanh %s : vector<16xf32>
    // becomes a clamp, a rational polynomial and a select (no call)
    ```
  }];
  let options = [
    ListOption<"ops", "ops", "std::string",
               "Math op names to approximate (e.g. tanh,exp,erf)">,
  ];
  let dependentDialects = ["arith::ArithDialect", "math::MathDialect",
                           "vector::VectorDialect"];
}

#endif // NORM_CODEGEN_CPU_PASSES_TD
