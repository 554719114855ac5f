//===- NormToGPU.cpp - norm ops to row-mapped GPU kernels -----------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Rewrites every norm op into `gpu.launch` kernels on buffers. The kernels
// follow the fastest public RMSNorm kernels (research/performance.md §2):
//  - rows are mapped by D (RowMapping): sub-warp / warp per row for small D,
//    a block per row for large D;
//  - each thread reads its chunks of the row with 128-bit vector loads and
//    keeps them in registers (unrolled SSA values) from the reduction to the
//    output, so x (and dy) are read from memory exactly once;
//  - reductions accumulate in f32 (f64 for f64), go through a gpu.shuffle
//    xor butterfly within the row group and, for block-wide rows, through
//    workgroup memory, summed by every thread in a fixed warp order;
//  - gradients run a persistent grid that accumulates the parameter
//    gradients in registers, writes per-row-group f32 partials, and a second
//    kernel sums them in a fixed order: deterministic, no atomics.
//
// All six kernels share that skeleton (launchRowKernel); each op lowering
// only states its math as a RowMath: the row sums to reduce, how they become
// statistics, and the per-element output.
//
//===----------------------------------------------------------------------===//

#include "Norm/Codegen/GPU/Passes.h"
#include "Norm/Codegen/GPU/RowMapping.h"
#include "Norm/Dialect/Norm/IR/NormDialect.h"
#include "Norm/Dialect/Norm/IR/NormOps.h"
#include "Norm/Dialect/Norm/Utils/SeeDNormMath.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Transforms/DialectConversion.h"

#include <functional>

namespace mlir {
namespace norm {
#define GEN_PASS_DECL_CONVERTNORMTOGPUPASS
#define GEN_PASS_DEF_CONVERTNORMTOGPUPASS
#define GEN_PASS_REGISTRATION
#include "Norm/Codegen/GPU/Passes.h.inc"
} // namespace norm
} // namespace mlir

using namespace mlir;
using namespace mlir::norm;

namespace {

//===----------------------------------------------------------------------===//
// Small helpers
//===----------------------------------------------------------------------===//

int64_t byteWidth(Type t) { return t.getIntOrFloatBitWidth() / 8; }

/// The accumulation type: f64 for f64 data, f32 otherwise.
FloatType accTypeFor(Type elem) {
  if (elem.isF64())
    return Float64Type::get(elem.getContext());
  return Float32Type::get(elem.getContext());
}

Value idx(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

//===----------------------------------------------------------------------===//
// Host side: buffers, copies, the stream (async token) chain
//===----------------------------------------------------------------------===//

/// Builds the host code around the kernels of one norm op: device buffers
/// for the inputs and results, copies in and out (memory=host), and the
/// async token chain that gpu-to-llvm turns into one stream per op.
class HostLowering {
public:
  HostLowering(OpBuilder &b, Location loc, GPUMemorySpace memory)
      : b(b), loc(loc), memory(memory) {
    tokenType = gpu::AsyncTokenType::get(b.getContext());
    token = gpu::WaitOp::create(b, loc, tokenType, ValueRange{}).getAsyncToken();
  }

  /// Views an N-d buffer as [rows, D] (rank 1 becomes [1, D]).
  Value asRows(Value buf) {
    auto type = cast<MemRefType>(buf.getType());
    int64_t rank = type.getRank();
    if (rank == 2)
      return buf;
    if (rank == 1) {
      auto rowsType =
          MemRefType::get({1, type.getDimSize(0)}, type.getElementType());
      return memref::ExpandShapeOp::create(b, loc, rowsType, buf,
                                           {ReassociationIndices{0, 1}});
    }
    ReassociationIndices lead;
    for (int64_t i = 0; i < rank - 1; ++i)
      lead.push_back(i);
    return memref::CollapseShapeOp::create(
        b, loc, buf, {lead, ReassociationIndices{rank - 1}});
  }

  /// The host-visible buffer of a tensor operand.
  Value hostBuffer(Value tensor) {
    auto type = cast<RankedTensorType>(tensor.getType());
    auto memrefType = MemRefType::get(type.getShape(), type.getElementType());
    return bufferization::ToBufferOp::create(b, loc, memrefType, tensor,
                                             /*read_only=*/true);
  }

  SmallVector<Value> dynamicSizes(Value buf) {
    SmallVector<Value> sizes;
    auto type = cast<MemRefType>(buf.getType());
    for (int64_t i = 0; i < type.getRank(); ++i)
      if (type.isDynamicDim(i))
        sizes.push_back(memref::DimOp::create(b, loc, buf, i));
    return sizes;
  }

  Value deviceAlloc(MemRefType type, ValueRange dynSizes) {
    auto alloc = gpu::AllocOp::create(b, loc, type, tokenType, ValueRange{token},
                                      dynSizes, ValueRange{},
                                      /*hostShared=*/false);
    token = alloc.getAsyncToken();
    return alloc.getMemref();
  }

  /// A device buffer holding the value of `tensor` (copied in for host
  /// memory, the tensor's own buffer for device memory).
  Value input(Value tensor) {
    Value host = hostBuffer(tensor);
    if (memory == GPUMemorySpace::Device)
      return host;
    Value dev = deviceAlloc(cast<MemRefType>(host.getType()), dynamicSizes(host));
    token = gpu::MemcpyOp::create(b, loc, tokenType, ValueRange{token}, dev, host)
                .getAsyncToken();
    temporaries.push_back(dev);
    return dev;
  }

  /// A device buffer for a result of type `type`; `dynSizes` gives its
  /// dynamic dimensions. The result tensor is produced by finish().
  Value output(RankedTensorType type, ValueRange dynSizes) {
    auto memrefType = MemRefType::get(type.getShape(), type.getElementType());
    Value dev = deviceAlloc(memrefType, dynSizes);
    Value result = dev;
    if (memory == GPUMemorySpace::Host) {
      result = memref::AllocOp::create(b, loc, memrefType, dynSizes);
      temporaries.push_back(dev);
      copyBack.push_back({result, dev});
    }
    results.push_back({type, result});
    return dev;
  }

  /// Device scratch space, freed when the op is done.
  Value scratch(MemRefType type, ValueRange dynSizes) {
    Value dev = deviceAlloc(type, dynSizes);
    temporaries.push_back(dev);
    return dev;
  }

  /// Creates a kernel launch on the op's stream; `body` fills the kernel.
  void launch(Value gridX, int64_t blockX, ArrayRef<Type> workgroupBuffers,
              llvm::function_ref<void(OpBuilder &, gpu::LaunchOp)> body) {
    Value one = idx(b, loc, 1);
    auto launchOp = gpu::LaunchOp::create(
        b, loc, gridX, one, one, idx(b, loc, blockX), one, one,
        /*dynamicSharedMemorySize=*/nullptr, tokenType, ValueRange{token},
        workgroupBuffers);
    token = launchOp.getAsyncToken();
    OpBuilder::InsertionGuard guard(b);
    Block &block = launchOp.getBody().front();
    b.setInsertionPointToStart(&block);
    body(b, launchOp);
    gpu::TerminatorOp::create(b, loc);
  }

  /// Copies results back, frees device temporaries, waits for the stream
  /// and returns the result tensors in the order of output() calls.
  SmallVector<Value> finish() {
    for (auto [host, dev] : copyBack)
      token = gpu::MemcpyOp::create(b, loc, tokenType, ValueRange{token}, host,
                                    dev)
                  .getAsyncToken();
    for (Value dev : temporaries)
      token = gpu::DeallocOp::create(b, loc, tokenType, ValueRange{token}, dev)
                  .getAsyncToken();
    gpu::WaitOp::create(b, loc, Type(), ValueRange{token});
    SmallVector<Value> tensors;
    for (auto [type, buf] : results)
      tensors.push_back(bufferization::ToTensorOp::create(
          b, loc, type, buf, /*restrict=*/true, /*writable=*/true));
    return tensors;
  }

  OpBuilder &b;
  Location loc;
  GPUMemorySpace memory;
  Type tokenType;
  Value token;
  SmallVector<Value> temporaries;
  SmallVector<std::pair<Value, Value>> copyBack;
  SmallVector<std::pair<RankedTensorType, Value>> results;
};

//===----------------------------------------------------------------------===//
// Device side: the row kernel building blocks
//===----------------------------------------------------------------------===//

/// Emits the body of a row kernel: thread/row indices, predicated vector
/// loads and stores of a thread's chunks, and row-group reductions.
class RowKernel {
public:
  RowKernel(OpBuilder &b, Location loc, const RowMapping &m, FloatType acc,
            int64_t d)
      : b(b), loc(loc), m(m), acc(acc), d(d) {
    vecType = VectorType::get({m.vectorWidth}, acc);
    tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
    bid = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
    gridDim = gpu::GridDimOp::create(b, loc, gpu::Dimension::x);
    if (m.rowsPerBlock == 1) {
      lane = tid;
      rowInBlock = idx(0);
    } else {
      lane = arith::RemUIOp::create(b, loc, tid, idx(m.threadsPerRow));
      rowInBlock = arith::DivUIOp::create(b, loc, tid, idx(m.threadsPerRow));
    }
  }

  Value idx(int64_t v) { return ::idx(b, loc, v); }
  Value fconst(double v) {
    return arith::ConstantOp::create(b, loc, acc, b.getFloatAttr(acc, v));
  }
  Value vzero() {
    return arith::ConstantOp::create(
        b, loc, vecType, DenseElementsAttr::get(vecType, b.getFloatAttr(acc, 0)));
  }
  Value splat(Value s) { return vector::BroadcastOp::create(b, loc, vecType, s); }
  Value add(Value x, Value y) { return arith::AddFOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubFOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulFOp::create(b, loc, x, y); }
  Value div(Value x, Value y) { return arith::DivFOp::create(b, loc, x, y); }
  Value fma(Value x, Value y, Value z) {
    return math::FmaOp::create(b, loc, x, y, z);
  }
  Value andi(Value x, Value y) {
    if (!x)
      return y;
    if (!y)
      return x;
    return arith::AndIOp::create(b, loc, x, y);
  }
  Value ult(Value x, Value y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x, y);
  }
  Value eq(Value x, Value y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, x, y);
  }
  Value select(Value c, Value t, Value f) {
    if (!c)
      return t;
    return arith::SelectOp::create(b, loc, c, t, f);
  }
  /// Lane 0 of a valid row: the thread that stores the row's statistics.
  Value firstLane(Value rowValid) { return andi(rowValid, eq(lane, idx(0))); }
  Value sumVec(Value v) {
    return vector::ReductionOp::create(b, loc, vector::CombiningKind::ADD, v);
  }

  /// Index of the k-th chunk of this thread: lane + k * threadsPerRow.
  Value chunk(int64_t k) {
    if (k == 0)
      return lane;
    return arith::AddIOp::create(b, loc, lane, idx(k * m.threadsPerRow));
  }
  Value column(Value chunkIdx) {
    return arith::MulIOp::create(b, loc, chunkIdx, idx(m.vectorWidth));
  }
  /// Whether chunk k of this thread exists (null when always true).
  Value chunkPred(int64_t k) {
    if (m.exact())
      return Value();
    // Chunks of the first rounds are in range for every lane.
    if ((k + 1) * m.threadsPerRow <= m.chunks)
      return Value();
    return ult(chunk(k), idx(m.chunks));
  }

  /// Loads `vectorWidth` elements at `indices` (the last one a column) as an
  /// accumulator vector; zeros where `pred` is false.
  Value load(Value mem, ValueRange indices, Value pred) {
    auto memType = cast<MemRefType>(mem.getType());
    Type elem = memType.getElementType();
    auto loadType = VectorType::get({m.vectorWidth}, elem);
    int64_t align = std::min<int64_t>(16, m.vectorWidth * byteWidth(elem));
    auto emit = [&](OpBuilder &ob) -> Value {
      Value v = vector::LoadOp::create(ob, loc, loadType, mem, indices,
                                       /*nontemporal=*/false,
                                       llvm::MaybeAlign(align));
      if (elem != acc)
        v = arith::ExtFOp::create(ob, loc, vecType, v);
      return v;
    };
    if (!pred)
      return emit(b);
    auto ifOp = scf::IfOp::create(
        b, loc, pred,
        [&](OpBuilder &ob, Location) {
          scf::YieldOp::create(ob, loc, emit(ob));
        },
        [&](OpBuilder &ob, Location) {
          Value z = arith::ConstantOp::create(
              ob, loc, vecType,
              DenseElementsAttr::get(vecType, ob.getFloatAttr(acc, 0)));
          scf::YieldOp::create(ob, loc, z);
        });
    return ifOp.getResult(0);
  }

  /// Stores an accumulator vector (rounded once to the element type).
  void store(Value v, Value mem, ValueRange indices, Value pred) {
    auto memType = cast<MemRefType>(mem.getType());
    Type elem = memType.getElementType();
    int64_t align = std::min<int64_t>(16, m.vectorWidth * byteWidth(elem));
    auto emit = [&](OpBuilder &ob) {
      Value s = v;
      if (elem != acc)
        s = arith::TruncFOp::create(
            ob, loc, VectorType::get({m.vectorWidth}, elem), v);
      vector::StoreOp::create(ob, loc, s, mem, indices, /*nontemporal=*/false,
                              llvm::MaybeAlign(align));
    };
    if (!pred)
      return emit(b);
    scf::IfOp::create(b, loc, pred, [&](OpBuilder &ob, Location) {
      emit(ob);
      scf::YieldOp::create(ob, loc);
    });
  }

  /// Stores a scalar statistic (f32/f64) when `pred` holds.
  void storeScalar(Value v, Value mem, ValueRange indices, Value pred) {
    Type elem = cast<MemRefType>(mem.getType()).getElementType();
    auto emit = [&](OpBuilder &ob) {
      Value s = v;
      if (elem != acc)
        s = elem.getIntOrFloatBitWidth() < acc.getWidth()
                ? (Value)arith::TruncFOp::create(ob, loc, elem, v)
                : (Value)arith::ExtFOp::create(ob, loc, elem, v);
      memref::StoreOp::create(ob, loc, s, mem, indices);
    };
    if (!pred)
      return emit(b);
    scf::IfOp::create(b, loc, pred, [&](OpBuilder &ob, Location) {
      emit(ob);
      scf::YieldOp::create(ob, loc);
    });
  }

  /// Loads a scalar (a saved statistic or the 0-d ScaleNorm gain) as acc;
  /// zero where `pred` is false.
  Value loadScalar(Value mem, ValueRange indices, Value pred) {
    Type elem = cast<MemRefType>(mem.getType()).getElementType();
    auto emit = [&](OpBuilder &ob) -> Value {
      Value v = memref::LoadOp::create(ob, loc, mem, indices);
      if (elem != acc)
        v = elem.getIntOrFloatBitWidth() < acc.getWidth()
                ? (Value)arith::ExtFOp::create(ob, loc, acc, v)
                : (Value)arith::TruncFOp::create(ob, loc, acc, v);
      return v;
    };
    if (!pred)
      return emit(b);
    auto ifOp = scf::IfOp::create(
        b, loc, pred,
        [&](OpBuilder &ob, Location) { scf::YieldOp::create(ob, loc, emit(ob)); },
        [&](OpBuilder &ob, Location) {
          Value z = arith::ConstantOp::create(ob, loc, acc, ob.getFloatAttr(acc, 0));
          scf::YieldOp::create(ob, loc, z);
        });
    return ifOp.getResult(0);
  }

  /// The workgroup buffer a block-wide reduction of `n` values needs (none
  /// when a row fits in one warp).
  static std::optional<MemRefType> reductionBuffer(MLIRContext *ctx,
                                                   const RowMapping &m,
                                                   FloatType acc, int64_t n) {
    if (m.threadsPerRow <= 32)
      return std::nullopt;
    auto space = gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
    return MemRefType::get({m.warpsPerRow() * n}, acc, MemRefLayoutAttrInterface(),
                           space);
  }

  /// Sums each of `values` over the threads of the row group; every thread
  /// gets the totals. Within a warp: a gpu.shuffle xor butterfly. Across
  /// warps (block-wide rows): lane 0 of each warp writes its sums to `smem`,
  /// and every thread adds the warps' sums in warp order (fixed order, so
  /// results do not depend on scheduling). `reuse` adds a trailing barrier
  /// when `smem` is written again by a later iteration.
  SmallVector<Value> reduce(ArrayRef<Value> values, Value smem, bool reuse) {
    SmallVector<Value> sums(values.begin(), values.end());
    Value width = arith::ConstantIntOp::create(b, loc, 32, 32);
    for (int64_t off = std::min<int64_t>(m.threadsPerRow, 32) / 2; off >= 1;
         off /= 2) {
      Value offset = arith::ConstantIntOp::create(b, loc, off, 32);
      for (Value &s : sums) {
        auto shfl = gpu::ShuffleOp::create(b, loc, s, offset, width,
                                           gpu::ShuffleMode::XOR);
        s = add(s, shfl.getShuffleResult());
      }
    }
    if (m.threadsPerRow <= 32)
      return sums;
    int64_t n = sums.size();
    Value warp = arith::DivUIOp::create(b, loc, lane, idx(32));
    Value laneInWarp = arith::RemUIOp::create(b, loc, lane, idx(32));
    Value base = arith::MulIOp::create(b, loc, warp, idx(n));
    scf::IfOp::create(b, loc, eq(laneInWarp, idx(0)),
                      [&](OpBuilder &ob, Location) {
                        for (int64_t i = 0; i < n; ++i) {
                          Value at = arith::AddIOp::create(ob, loc, base,
                                                           ::idx(ob, loc, i));
                          memref::StoreOp::create(ob, loc, sums[i], smem, at);
                        }
                        scf::YieldOp::create(ob, loc);
                      });
    gpu::BarrierOp::create(b, loc);
    for (int64_t i = 0; i < n; ++i) {
      Value total;
      for (int64_t w = 0; w < m.warpsPerRow(); ++w) {
        Value v = memref::LoadOp::create(b, loc, smem, idx(w * n + i));
        total = total ? add(total, v) : v;
      }
      sums[i] = total;
    }
    if (reuse)
      gpu::BarrierOp::create(b, loc);
    return sums;
  }

  OpBuilder &b;
  Location loc;
  RowMapping m;
  FloatType acc;
  int64_t d;
  VectorType vecType;
  Value tid, bid, gridDim, lane, rowInBlock;
};

/// Runs `body(row, rowValid)` for the row of this thread's row group in a
/// one-row-per-group launch. With one row per block the whole body is
/// guarded by a block-uniform condition (barriers stay legal) and rowValid
/// is null; with several rows per block every thread runs the body (the
/// shuffles need the full warp) and loads/stores are predicated on rowValid.
void forThisRow(RowKernel &k, Value rows,
                llvm::function_ref<void(Value row, Value rowValid)> body) {
  OpBuilder &b = k.b;
  if (k.m.rowsPerBlock == 1) {
    Value row = k.bid;
    scf::IfOp::create(b, k.loc, k.ult(row, rows), [&](OpBuilder &, Location) {
      body(row, Value());
      scf::YieldOp::create(b, k.loc);
    });
    return;
  }
  Value row = arith::AddIOp::create(
      b, k.loc, arith::MulIOp::create(b, k.loc, k.bid, k.idx(k.m.rowsPerBlock)),
      k.rowInBlock);
  body(row, k.ult(row, rows));
}

/// The persistent row loop of gradient kernels: row groups bid, bid + grid,
/// ... carrying `init` (the parameter-gradient accumulators). The trip
/// count is uniform over the block.
SmallVector<Value>
forEachRow(RowKernel &k, Value rows, ValueRange init,
           llvm::function_ref<SmallVector<Value>(Value row, Value rowValid,
                                                 ValueRange acc)>
               body) {
  OpBuilder &b = k.b;
  Location loc = k.loc;
  int64_t r = k.m.rowsPerBlock;
  Value groups = arith::CeilDivUIOp::create(b, loc, rows, k.idx(r));
  auto loop = scf::ForOp::create(
      b, loc, k.bid, groups, k.gridDim, init,
      [&](OpBuilder &, Location, Value group, ValueRange acc) {
        Value row = group;
        Value rowValid;
        if (r > 1) {
          row = arith::AddIOp::create(
              b, loc, arith::MulIOp::create(b, loc, group, k.idx(r)),
              k.rowInBlock);
          rowValid = k.ult(row, rows);
        }
        SmallVector<Value> next = body(row, rowValid, acc);
        scf::YieldOp::create(b, loc, next);
      });
  return loop.getResults();
}

/// Launches the fixed-order finalize kernel for column partials: out[j] =
/// sum over p (in order) of partials[p][j], one thread per column.
void launchColumnFinalize(HostLowering &h, ArrayRef<Value> partials,
                          ArrayRef<Value> outs, int64_t d, FloatType acc) {
  OpBuilder &b = h.b;
  Location loc = h.loc;
  constexpr int64_t kThreads = 256;
  Value grid = idx(b, loc, (d + kThreads - 1) / kThreads);
  h.launch(grid, kThreads, {}, [&](OpBuilder &b, gpu::LaunchOp) {
    Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
    Value bid = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
    Value col = arith::AddIOp::create(
        b, loc, arith::MulIOp::create(b, loc, bid, idx(b, loc, kThreads)), tid);
    Value inRange = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                          col, idx(b, loc, d));
    scf::IfOp::create(b, loc, inRange, [&](OpBuilder &, Location) {
      for (size_t i = 0; i < partials.size(); ++i) {
        Value partial = partials[i], out = outs[i];
        Value n = memref::DimOp::create(b, loc, partial, 0);
        Value zero = arith::ConstantOp::create(b, loc, acc, b.getFloatAttr(acc, 0));
        auto loop = scf::ForOp::create(
            b, loc, idx(b, loc, 0), n, idx(b, loc, 1), ValueRange{zero},
            [&](OpBuilder &, Location, Value p, ValueRange iter) {
              Value v = memref::LoadOp::create(b, loc, partial, ValueRange{p, col});
              scf::YieldOp::create(b, loc,
                                   ValueRange{arith::AddFOp::create(b, loc, iter[0], v)});
            });
        Value s = loop.getResult(0);
        Type elem = cast<MemRefType>(out.getType()).getElementType();
        if (elem != acc)
          s = arith::TruncFOp::create(b, loc, elem, s);
        memref::StoreOp::create(b, loc, s, out, col);
      }
      scf::YieldOp::create(b, loc);
    });
  });
}

/// Launches the fixed-order finalize kernel for a scalar gradient: one block
/// sums partials[tid], partials[tid + 256], ... per thread, then reduces the
/// block with the same butterfly + workgroup-memory scheme as the rows.
void launchScalarFinalize(HostLowering &h, Value partial, Value out,
                          FloatType acc) {
  OpBuilder &b = h.b;
  Location loc = h.loc;
  RowMapping m{/*vectorWidth=*/1, /*chunks=*/256, /*threadsPerRow=*/256,
               /*rowsPerBlock=*/1, /*chunksPerThread=*/1};
  auto smemType = *RowKernel::reductionBuffer(b.getContext(), m, acc, 1);
  h.launch(idx(b, loc, 1), m.threadsPerRow, {smemType},
           [&](OpBuilder &b, gpu::LaunchOp launch) {
             RowKernel k(b, loc, m, acc, 1);
             Value n = memref::DimOp::create(b, loc, partial, 0);
             auto loop = scf::ForOp::create(
                 b, loc, k.tid, n, k.idx(m.threadsPerRow),
                 ValueRange{k.fconst(0)},
                 [&](OpBuilder &, Location, Value p, ValueRange iter) {
                   Value v = memref::LoadOp::create(b, loc, partial, p);
                   scf::YieldOp::create(b, loc, ValueRange{k.add(iter[0], v)});
                 });
             Value s = k.reduce({loop.getResult(0)},
                                launch.getWorkgroupAttributions()[0],
                                /*reuse=*/false)[0];
             k.storeScalar(s, out, ValueRange{}, k.eq(k.tid, k.idx(0)));
           });
}

//===----------------------------------------------------------------------===//
// The row-kernel builder: the skeleton every norm op shares
//===----------------------------------------------------------------------===//

/// Shared checks and facts about the `x` operand of every norm op.
struct RowShape {
  RankedTensorType type;
  int64_t d;
  FloatType acc;
  int64_t elemBytes() const { return byteWidth(type.getElementType()); }
};

FailureOr<RowShape> getRowShape(Value x) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t d = type.getShape().back();
  // Diagnosed by the pass before conversion (checkSupported).
  if (ShapedType::isDynamic(d) || d < 1)
    return failure();
  return RowShape{type, d, accTypeFor(type.getElementType())};
}

/// The host side of one op: its stream, x (and dy) on the device viewed as
/// [rows, D], the row count, the result buffers and the grid.
struct RowOp {
  RowOp(PatternRewriter &rewriter, Location loc, GPUMemorySpace memory,
        const RowShape &shape, const RowMapping &m, Value xTensor,
        Value dyTensor = Value())
      : h(rewriter, loc, memory), shape(shape), m(m) {
    if (dyTensor)
      dy = h.asRows(h.input(dyTensor));
    xDev = h.input(xTensor);
    x = h.asRows(xDev);
    rows = memref::DimOp::create(rewriter, loc, x, 0);
  }

  /// The device buffer of an input; null for an absent optional operand.
  Value input(Value tensor) { return tensor ? h.input(tensor) : Value(); }

  /// The [rows, D] device buffer of the result shaped like x (y or dx).
  Value rowsOutput(Value result) {
    auto type = cast<RankedTensorType>(result.getType());
    return h.asRows(h.output(type, h.dynamicSizes(xDev)));
  }

  /// The device buffer of a saved statistic ([rows] or [rows, heads]); null
  /// when the op does not return it.
  Value statOutput(Value result) {
    if (!result)
      return Value();
    auto type = cast<RankedTensorType>(result.getType());
    SmallVector<Value> dynSizes;
    if (type.isDynamicDim(0))
      dynSizes.push_back(rows);
    return h.output(type, dynSizes);
  }

  /// The device buffer of a parameter gradient (static shape).
  Value paramOutput(Value result) {
    return h.output(cast<RankedTensorType>(result.getType()), {});
  }

  /// The forward grid: one block per row group, at least one (so zero rows
  /// is a valid launch).
  Value forwardGrid() {
    return arith::MaxUIOp::create(h.b, h.loc, rowGroups(), one());
  }

  /// The persistent gradient grid: min(row groups, gradBlocks), >= 1.
  Value gradientGrid(int64_t gradBlocks) {
    Value g = arith::MinUIOp::create(h.b, h.loc, rowGroups(),
                                     idx(h.b, h.loc, gradBlocks));
    return arith::MaxUIOp::create(h.b, h.loc, g, one());
  }

  /// Scratch for a gradient's f32 partials: one row of `inner` ([D] for a
  /// column gradient, [] for a scalar) per row group of the grid.
  Value partials(Value grid, ArrayRef<int64_t> inner) {
    Value n = arith::MulIOp::create(h.b, h.loc, grid,
                                    idx(h.b, h.loc, m.rowsPerBlock));
    SmallVector<int64_t> dims{ShapedType::kDynamic};
    dims.append(inner.begin(), inner.end());
    return h.scratch(MemRefType::get(dims, shape.acc), {n});
  }

  HostLowering h;
  RowShape shape;
  RowMapping m;
  Value xDev, x, dy, rows;

private:
  Value rowGroups() {
    return arith::CeilDivUIOp::create(h.b, h.loc, rows,
                                      idx(h.b, h.loc, m.rowsPerBlock));
  }
  Value one() { return idx(h.b, h.loc, 1); }
};

/// What one thread holds of its row: the row index and whether it exists
/// (null when the block's row is known to), and per chunk its load
/// predicate, first column, and the x (and dy) vectors, loaded once and kept
/// in registers until the output.
struct Row {
  Value row, valid;
  SmallVector<Value> preds, cols, xs, dys;
};

/// A phase's partial sums and a gradient's accumulators, updated in place.
using Sums = MutableArrayRef<Value>;
using Accs = MutableArrayRef<Value>;

/// One row reduction: per-thread partial sums folded chunk by chunk, summed
/// over the row group (RowKernel::reduce), then turned into statistics. The
/// callbacks run while the kernel is built: once per phase of the row body
/// and, for `chunk`, once per chunk in order.
struct RowPhase {
  /// How many values the phase's workgroup buffer holds per warp.
  int64_t width = 1;
  /// The initial partial sums (vectors are summed to scalars before the
  /// reduction). Unset: nothing is reduced (the statistics are passed in).
  std::function<SmallVector<Value>(RowKernel &)> init;
  /// Folds chunk i of the row into the partial sums (optional).
  std::function<void(RowKernel &, const Row &, int64_t i, Sums)> chunk;
  /// Computes the statistics from the row totals (in the order of init).
  std::function<void(RowKernel &, const Row &, ArrayRef<Value>)> finish;
};

/// The math of one norm kernel. launchRowKernel owns the rest: the launch,
/// the row loop, loading x (and dy), the reductions and the output stores.
struct RowMath {
  SmallVector<RowPhase, 2> phases;
  /// Chunk i of the output row (y or dx). Gradients also fold the chunk into
  /// their parameter-gradient accumulators.
  std::function<Value(RowKernel &, const Row &, int64_t i, Accs)> element;
  /// After the output row (optional): saved statistics, per-row gradients.
  std::function<void(RowKernel &, const Row &, Accs)> finishRow;
  /// Once per thread before any row (optional): row-invariant loads.
  std::function<void(RowKernel &)> begin;
  /// Gradients only: the accumulators the persistent row loop carries, and
  /// how they are written after it. Unset: a forward kernel (one row per row
  /// group, no loop).
  std::function<SmallVector<Value>(RowKernel &)> initAccs;
  std::function<void(RowKernel &, ArrayRef<Value>)> storeAccs;
};

/// One thread's row: the phases (the first loads each chunk just before
/// folding it in), then the output chunks.
void emitRow(RowKernel &k, const RowOp &r, const RowMath &math,
             ArrayRef<Value> buffers, Value out, Row &row, Accs accs) {
  int64_t kc = k.m.chunksPerThread;
  // A gradient's workgroup buffers are written again by its next row.
  bool reuse = static_cast<bool>(math.initAccs);
  for (auto [p, phase] : llvm::enumerate(math.phases)) {
    SmallVector<Value> sums = phase.init ? phase.init(k) : SmallVector<Value>();
    for (int64_t i = 0; i < kc; ++i) {
      if (p == 0) {
        row.preds.push_back(k.andi(row.valid, k.chunkPred(i)));
        row.cols.push_back(k.column(k.chunk(i)));
        row.xs.push_back(k.load(r.x, {row.row, row.cols[i]}, row.preds[i]));
        if (r.dy)
          row.dys.push_back(
              k.load(r.dy, {row.row, row.cols[i]}, row.preds[i]));
      }
      if (phase.chunk)
        phase.chunk(k, row, i, sums);
    }
    SmallVector<Value> totals;
    if (!sums.empty()) {
      for (Value &s : sums)
        if (isa<VectorType>(s.getType()))
          s = k.sumVec(s);
      totals = k.reduce(sums, buffers[p], reuse);
    }
    phase.finish(k, row, totals);
  }
  for (int64_t i = 0; i < kc; ++i)
    k.store(math.element(k, row, i, accs), out, {row.row, row.cols[i]},
            row.preds[i]);
  if (math.finishRow)
    math.finishRow(k, row, accs);
}

/// Launches the row kernel of `math` on `grid` blocks, writing its output
/// rows to `out`: one row per row group for forward kernels, a persistent
/// row loop carrying the accumulators for gradients.
void launchRowKernel(RowOp &r, Value grid, Value out, const RowMath &math) {
  const RowMapping &m = r.m;
  SmallVector<Type> smem;
  for (const RowPhase &phase : math.phases)
    if (auto t = RowKernel::reductionBuffer(r.h.b.getContext(), m,
                                            r.shape.acc, phase.width))
      smem.push_back(*t);
  auto body = [&](OpBuilder &b, gpu::LaunchOp launch) {
    RowKernel k(b, r.h.loc, m, r.shape.acc, r.shape.d);
    // Null when a row fits in a warp (no workgroup memory).
    SmallVector<Value> buffers(math.phases.size());
    if (!smem.empty())
      llvm::copy(launch.getWorkgroupAttributions(), buffers.begin());
    if (math.begin)
      math.begin(k);
    if (!math.initAccs) {
      forThisRow(k, r.rows, [&](Value rowIdx, Value valid) {
        Row row{rowIdx, valid, {}, {}, {}, {}};
        emitRow(k, r, math, buffers, out, row, {});
      });
      return;
    }
    SmallVector<Value> accs = forEachRow(
        k, r.rows, math.initAccs(k),
        [&](Value rowIdx, Value valid, ValueRange in) -> SmallVector<Value> {
          Row row{rowIdx, valid, {}, {}, {}, {}};
          SmallVector<Value> next(in.begin(), in.end());
          emitRow(k, r, math, buffers, out, row, next);
          return next;
        });
    math.storeAccs(k, accs);
  };
  r.h.launch(grid, m.blockThreads(), smem, body);
}

/// Detects gradient ops (they have a dy operand).
template <typename OpTy>
using GetDy = decltype(std::declval<OpTy>().getDy());

/// One norm op's lowering: matchAndRewrite does what every op shares (the
/// host side of x and dy, replacing the op by the result tensors); the op
/// states its row mapping and, in `lower`, its buffers and kernels.
template <typename OpTy>
struct NormPattern : public OpRewritePattern<OpTy> {
  NormPattern(MLIRContext *ctx, const NormToGPUOptions &options)
      : OpRewritePattern<OpTy>(ctx), options(options) {}

  /// How the op's rows map onto threads.
  virtual RowMapping mapping(OpTy op, const RowShape &shape) const = 0;
  /// The op's other buffers and its kernels, on the host side `r`.
  virtual void lower(OpTy op, RowOp &r) const = 0;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const final {
    FailureOr<RowShape> shape = getRowShape(op.getX());
    if (failed(shape))
      return failure();
    Value dy;
    if constexpr (llvm::is_detected<GetDy, OpTy>::value)
      dy = op.getDy();
    RowOp r(rewriter, op.getLoc(), options.memory, *shape,
            mapping(op, *shape), op.getX(), dy);
    lower(op, r);
    rewriter.replaceOp(op, r.h.finish());
    return success();
  }

  NormToGPUOptions options;
};

//===----------------------------------------------------------------------===//
// Statistics shared by a forward op and its gradient
//===----------------------------------------------------------------------===//

/// A phase summing x^2 over the row, then `finish`.
RowPhase sumOfSquares(
    std::function<void(RowKernel &, const Row &, ArrayRef<Value>)> finish) {
  RowPhase p;
  p.init = [](RowKernel &k) { return SmallVector<Value>{k.vzero()}; };
  p.chunk = [](RowKernel &k, const Row &row, int64_t i, Sums s) {
    s[0] = k.fma(row.xs[i], row.xs[i], s[0]);
  };
  p.finish = std::move(finish);
  return p;
}

/// rstd = (sum(x^2) / D + eps)^-1/2 (RMSNorm and SeeDNorm).
Value rstdFromSumSq(RowKernel &k, Value sumSq, double eps) {
  return math::RsqrtOp::create(
      k.b, k.loc, k.add(k.div(sumSq, k.fconst(k.d)), k.fconst(eps)));
}

/// 1 / max(n, eps) with the NaN-propagating max (research/norms-math.md §7).
Value clampedInverse(RowKernel &k, Value n, double eps) {
  return k.div(k.fconst(1.0),
               arith::MaximumFOp::create(k.b, k.loc, n, k.fconst(eps)));
}

/// RMSNorm's statistics: rstd (and its splat) from the row's sum of squares,
/// or loaded from `saved` when a gradient is given it.
RowPhase rmsStats(double eps, Value saved, Value &rstd, Value &rstdV) {
  auto finish = [=, &rstd, &rstdV](RowKernel &k, const Row &row,
                                   ArrayRef<Value> totals) {
    rstd = saved ? k.loadScalar(saved, {row.row}, row.valid)
                 : rstdFromSumSq(k, totals[0], eps);
    rstdV = k.splat(rstd);
  };
  if (!saved)
    return sumOfSquares(finish);
  RowPhase p;
  p.finish = finish;
  return p;
}

/// Per-chunk head index and selection helpers for SeeDNorm.
struct Heads {
  int64_t n;
  int64_t size;
  /// The head of the chunk starting at column `col` (null for one head).
  Value of(RowKernel &k, Value col) const {
    if (n == 1)
      return Value();
    return arith::DivUIOp::create(k.b, k.loc, col, k.idx(size));
  }
  /// values[head] for a per-chunk dynamic head (a select chain).
  Value pick(RowKernel &k, Value head, ArrayRef<Value> values) const {
    Value v = values[0];
    for (int64_t h = 1; h < n; ++h)
      v = k.select(k.eq(head, k.idx(h)), values[h], v);
    return v;
  }
  /// Adds `x` to sums[head] (static when there is one head).
  void accumulate(RowKernel &k, Value head, Value x,
                  MutableArrayRef<Value> sums) const {
    if (n == 1) {
      sums[0] = k.add(sums[0], x);
      return;
    }
    for (int64_t h = 0; h < n; ++h)
      sums[h] = k.add(sums[h], k.select(k.eq(head, k.idx(h)), x, k.fconst(0)));
  }
};

/// SeeDNorm's statistics: the row's sum of squares and per-head sums of
/// x * beta give rstd and t_h = tanh(sum_h); a gradient given both loads
/// them instead. The phase also notes each chunk's head for later steps.
struct SeeDNormStats {
  SeeDNormStats(Heads heads, Value beta, double eps, Value savedRstd = {},
                Value savedT = {})
      : heads(heads), beta(beta), eps(eps), savedRstd(savedRstd),
        savedT(savedT) {}

  RowPhase phase() {
    bool recompute = !savedRstd || !savedT;
    RowPhase p;
    p.width = 1 + heads.n;
    if (recompute)
      p.init = [this](RowKernel &k) {
        SmallVector<Value> sums{k.vzero()};
        sums.append(heads.n, k.fconst(0));
        return sums;
      };
    p.chunk = [this, recompute](RowKernel &k, const Row &row, int64_t i,
                                Sums s) {
      headOf.push_back(heads.of(k, row.cols[i]));
      if (!recompute)
        return;
      s[0] = k.fma(row.xs[i], row.xs[i], s[0]);
      Value bv = k.load(beta, {row.cols[i]}, row.preds[i]);
      heads.accumulate(k, headOf[i], k.sumVec(k.mul(row.xs[i], bv)),
                       s.drop_front());
    };
    p.finish = [this, recompute](RowKernel &k, const Row &row,
                                 ArrayRef<Value> totals) {
      rstd = recompute ? rstdFromSumSq(k, totals[0], eps)
                       : k.loadScalar(savedRstd, {row.row}, row.valid);
      for (int64_t hh = 0; hh < heads.n; ++hh) {
        if (recompute) {
          t.push_back(math::TanhOp::create(k.b, k.loc, totals[1 + hh]));
          dtanh.push_back(
              buildTanhDerivativeFromInput(k.b, k.loc, totals[1 + hh]));
        } else {
          t.push_back(
              k.loadScalar(savedT, {row.row, k.idx(hh)}, row.valid));
          dtanh.push_back(buildTanhDerivativeFromOutput(k.b, k.loc, t.back()));
        }
      }
      rstdV = k.splat(rstd);
    };
    return p;
  }

  Heads heads;
  Value beta;
  double eps;
  Value savedRstd, savedT;
  Value rstd, rstdV;
  /// Per head: t = tanh(s) and tanh'(s) (see SeeDNormMath.h).
  SmallVector<Value> t, dtanh, headOf;
};

//===----------------------------------------------------------------------===//
// Forward ops
//===----------------------------------------------------------------------===//

struct RMSNormToGPU : public NormPattern<RMSNormOp> {
  using NormPattern::NormPattern;
  RowMapping mapping(RMSNormOp op, const RowShape &s) const override {
    return chooseRowMapping(s.d, s.elemBytes(), s.d);
  }
  void lower(RMSNormOp op, RowOp &r) const override {
    Value w = r.h.input(op.getWeight());
    Value y = r.rowsOutput(op.getY());
    Value rstdOut = r.statOutput(op.getRstd());
    Value rstd, rstdV;
    RowMath math;
    math.phases.push_back(rmsStats(op.getEpsilonValue(), {}, rstd, rstdV));
    math.element = [&](RowKernel &k, const Row &row, int64_t i, Accs) {
      Value wv = k.load(w, {row.cols[i]}, row.preds[i]);
      return k.mul(k.mul(row.xs[i], rstdV), wv);
    };
    math.finishRow = [&](RowKernel &k, const Row &row, Accs) {
      if (rstdOut)
        k.storeScalar(rstd, rstdOut, {row.row}, k.firstLane(row.valid));
    };
    launchRowKernel(r, r.forwardGrid(), y, math);
  }
};

struct ScaleNormToGPU : public NormPattern<ScaleNormOp> {
  using NormPattern::NormPattern;
  RowMapping mapping(ScaleNormOp op, const RowShape &s) const override {
    return chooseRowMapping(s.d, s.elemBytes(), s.d);
  }
  void lower(ScaleNormOp op, RowOp &r) const override {
    Value g = r.h.input(op.getG());
    Value y = r.rowsOutput(op.getY());
    Value invOut = r.statOutput(op.getInv());
    double eps = op.getEpsilonValue();
    Value gain, inv, scale;
    RowMath math;
    math.begin = [&](RowKernel &k) { gain = k.loadScalar(g, {}, Value()); };
    math.phases.push_back(sumOfSquares(
        [&](RowKernel &k, const Row &, ArrayRef<Value> totals) {
          inv = clampedInverse(k, math::SqrtOp::create(k.b, k.loc, totals[0]),
                               eps);
          scale = k.splat(k.mul(gain, inv));
        }));
    math.element = [&](RowKernel &k, const Row &row, int64_t i, Accs) {
      return k.mul(row.xs[i], scale);
    };
    math.finishRow = [&](RowKernel &k, const Row &row, Accs) {
      if (invOut)
        k.storeScalar(inv, invOut, {row.row}, k.firstLane(row.valid));
    };
    launchRowKernel(r, r.forwardGrid(), y, math);
  }
};

struct SeeDNormToGPU : public NormPattern<SeeDNormOp> {
  using NormPattern::NormPattern;
  RowMapping mapping(SeeDNormOp op, const RowShape &s) const override {
    return chooseRowMapping(s.d, s.elemBytes(), s.d / op.getNumHeads());
  }
  void lower(SeeDNormOp op, RowOp &r) const override {
    Heads heads{op.getNumHeads(), r.shape.d / op.getNumHeads()};
    Value alpha = r.h.input(op.getAlpha());
    Value beta = r.h.input(op.getBeta());
    Value gamma = r.h.input(op.getGamma());
    Value y = r.rowsOutput(op.getY());
    Value rstdOut = r.statOutput(op.getRstd());
    Value tOut = r.statOutput(op.getT());
    SeeDNormStats stats(heads, beta, op.getEpsilonValue());
    RowMath math;
    math.phases.push_back(stats.phase());
    math.element = [&](RowKernel &k, const Row &row, int64_t i, Accs) {
      Value av = k.load(alpha, {row.cols[i]}, row.preds[i]);
      Value gv = k.load(gamma, {row.cols[i]}, row.preds[i]);
      Value tk = heads.pick(k, stats.headOf[i], stats.t);
      Value c = k.fma(k.splat(tk), av, gv);
      return k.mul(k.mul(row.xs[i], stats.rstdV), c);
    };
    math.finishRow = [&](RowKernel &k, const Row &row, Accs) {
      Value first = k.firstLane(row.valid);
      if (rstdOut)
        k.storeScalar(stats.rstd, rstdOut, {row.row}, first);
      if (tOut)
        for (int64_t hh = 0; hh < heads.n; ++hh)
          k.storeScalar(stats.t[hh], tOut, {row.row, k.idx(hh)}, first);
    };
    launchRowKernel(r, r.forwardGrid(), y, math);
  }
};

//===----------------------------------------------------------------------===//
// Gradient ops
//===----------------------------------------------------------------------===//

/// Vectors per thread of block-wide gradient rows (x, dy and the parameter
/// gradient accumulators stay in registers, RowMapping.h).
constexpr int64_t kGradChunksPerThread = 2;
/// SeeDNorm's gradient keeps three accumulators and the per-head sums live:
/// it needs more than the 64 registers ptxas allows at 1024 threads (and
/// spills at 128 with 512), so its rows take at most 256 threads.
constexpr int64_t kSeeDNormGradMaxThreads = 256;

/// This thread's row group's row of the partials buffers.
Value partialRow(RowKernel &k) {
  return arith::AddIOp::create(
      k.b, k.loc,
      arith::MulIOp::create(k.b, k.loc, k.bid, k.idx(k.m.rowsPerBlock)),
      k.rowInBlock);
}

/// Writes this thread's column accumulators to its row group's partial row.
void storeColumnPartials(RowKernel &k, ArrayRef<Value> accs, Value partial) {
  Value p = partialRow(k);
  for (int64_t i = 0; i < k.m.chunksPerThread; ++i)
    k.store(accs[i], partial, {p, k.column(k.chunk(i))}, k.chunkPred(i));
}

/// Zero accumulators for `n` column gradients, one vector per chunk each.
std::function<SmallVector<Value>(RowKernel &)> zeroColumnAccs(int64_t n) {
  return [n](RowKernel &k) {
    return SmallVector<Value>(n * k.m.chunksPerThread, k.vzero());
  };
}

struct RMSNormGradToGPU : public NormPattern<RMSNormGradOp> {
  using NormPattern::NormPattern;
  RowMapping mapping(RMSNormGradOp op, const RowShape &s) const override {
    return chooseRowMapping(s.d, s.elemBytes(), s.d, kGradChunksPerThread);
  }
  void lower(RMSNormGradOp op, RowOp &r) const override {
    int64_t d = r.shape.d;
    Value w = r.h.input(op.getWeight());
    Value rstdIn = r.input(op.getRstd());
    Value dx = r.rowsOutput(op.getDx());
    Value dw = r.paramOutput(op.getDweight());
    Value grid = r.gradientGrid(options.gradBlocks);
    Value partial = r.partials(grid, {d});
    // dx = rstd (g - xhat mean(g xhat)) with g = dy w and xhat = x rstd;
    // dw = sum over rows of dy xhat.
    Value rstd, rstdV, meanV;
    SmallVector<Value> xh, g;
    RowMath math;
    math.phases.push_back(rmsStats(op.getEpsilonValue(), rstdIn, rstd, rstdV));
    RowPhase dot;
    dot.init = [](RowKernel &k) { return SmallVector<Value>{k.vzero()}; };
    dot.chunk = [&](RowKernel &k, const Row &row, int64_t i, Sums s) {
      xh.push_back(k.mul(row.xs[i], rstdV));
      g.push_back(k.mul(row.dys[i], k.load(w, {row.cols[i]}, row.preds[i])));
      s[0] = k.fma(g[i], xh[i], s[0]);
    };
    dot.finish = [&](RowKernel &k, const Row &, ArrayRef<Value> totals) {
      meanV = k.splat(k.div(totals[0], k.fconst(d)));
    };
    math.phases.push_back(dot);
    math.element = [&](RowKernel &k, const Row &row, int64_t i, Accs accs) {
      Value contrib = k.mul(row.dys[i], xh[i]);
      accs[i] = k.add(accs[i], k.select(row.valid, contrib, k.vzero()));
      return k.mul(rstdV, k.sub(g[i], k.mul(xh[i], meanV)));
    };
    math.initAccs = zeroColumnAccs(1);
    math.storeAccs = [&](RowKernel &k, ArrayRef<Value> accs) {
      storeColumnPartials(k, accs, partial);
    };
    launchRowKernel(r, grid, dx, math);
    launchColumnFinalize(r.h, {partial}, {dw}, d, r.shape.acc);
  }
};

struct ScaleNormGradToGPU : public NormPattern<ScaleNormGradOp> {
  using NormPattern::NormPattern;
  RowMapping mapping(ScaleNormGradOp op, const RowShape &s) const override {
    return chooseRowMapping(s.d, s.elemBytes(), s.d, kGradChunksPerThread);
  }
  void lower(ScaleNormGradOp op, RowOp &r) const override {
    Value g = r.h.input(op.getG());
    Value invIn = r.input(op.getInv());
    Value dx = r.rowsOutput(op.getDx());
    Value dg = r.paramOutput(op.getDg());
    Value grid = r.gradientGrid(options.gradBlocks);
    Value partial = r.partials(grid, {});
    double eps = op.getEpsilonValue();
    Value gain, inv, sdx, coefV, scale;
    RowMath math;
    math.begin = [&](RowKernel &k) { gain = k.loadScalar(g, {}, Value()); };
    // One sweep: sum(dy x) and, without a saved inv, sum(x^2) (two values
    // per warp in the workgroup buffer then).
    RowPhase sums;
    sums.width = invIn ? 1 : 2;
    sums.init = [&](RowKernel &k) {
      SmallVector<Value> s{k.vzero()};
      if (!invIn)
        s.push_back(k.vzero());
      return s;
    };
    sums.chunk = [&](RowKernel &k, const Row &row, int64_t i, Sums s) {
      if (!invIn)
        s[1] = k.fma(row.xs[i], row.xs[i], s[1]);
      s[0] = k.fma(row.dys[i], row.xs[i], s[0]);
    };
    sums.finish = [&](RowKernel &k, const Row &row, ArrayRef<Value> totals) {
      sdx = totals[0];
      Value clamped;
      if (invIn) {
        inv = k.loadScalar(invIn, {row.row}, row.valid);
        // The forward pass saturates inv at 1/eps exactly when the norm was
        // clamped; with eps = 0 nothing is (a zero row's inv = inf).
        clamped = eps > 0.0
                      ? Value(arith::CmpFOp::create(
                            k.b, k.loc, arith::CmpFPredicate::OGE, inv,
                            k.div(k.fconst(1.0), k.fconst(eps))))
                      : Value(arith::ConstantIntOp::create(k.b, k.loc, 0, 1));
      } else {
        Value n = math::SqrtOp::create(k.b, k.loc, totals[1]);
        clamped = arith::CmpFOp::create(k.b, k.loc, arith::CmpFPredicate::OLT,
                                        n, k.fconst(eps));
        inv = clampedInverse(k, n, eps);
      }
      // dx = g*inv*(dy - x_u * sum(dy*x_u)), x_u = x*inv; the clamp stops
      // the gradient through the norm: dx = g*inv*dy.
      Value coef = k.select(clamped, k.fconst(0), k.mul(k.mul(inv, inv), sdx));
      coefV = k.splat(coef);
      scale = k.splat(k.mul(gain, inv));
    };
    math.phases.push_back(sums);
    math.element = [&](RowKernel &k, const Row &row, int64_t i, Accs) {
      return k.mul(scale, k.sub(row.dys[i], k.mul(row.xs[i], coefV)));
    };
    // dg = sum over rows of inv * sum(dy x).
    math.finishRow = [&](RowKernel &k, const Row &row, Accs accs) {
      Value contrib = k.mul(inv, sdx);
      accs[0] = k.add(accs[0], k.select(row.valid, contrib, k.fconst(0)));
    };
    math.initAccs = [](RowKernel &k) {
      return SmallVector<Value>{k.fconst(0)};
    };
    math.storeAccs = [&](RowKernel &k, ArrayRef<Value> accs) {
      k.storeScalar(accs[0], partial, {partialRow(k)}, k.eq(k.lane, k.idx(0)));
    };
    launchRowKernel(r, grid, dx, math);
    launchScalarFinalize(r.h, partial, dg, r.shape.acc);
  }
};

struct SeeDNormGradToGPU : public NormPattern<SeeDNormGradOp> {
  using NormPattern::NormPattern;
  RowMapping mapping(SeeDNormGradOp op, const RowShape &s) const override {
    return chooseRowMapping(s.d, s.elemBytes(), s.d / op.getNumHeads(),
                            kGradChunksPerThread, kSeeDNormGradMaxThreads);
  }
  void lower(SeeDNormGradOp op, RowOp &r) const override {
    int64_t d = r.shape.d;
    Heads heads{op.getNumHeads(), d / op.getNumHeads()};
    Value alpha = r.h.input(op.getAlpha());
    Value beta = r.h.input(op.getBeta());
    Value gamma = r.h.input(op.getGamma());
    Value rstdIn = r.input(op.getRstd());
    Value tIn = r.input(op.getT());
    Value dx = r.rowsOutput(op.getDx());
    Value dAlpha = r.paramOutput(op.getDalpha());
    Value dBeta = r.paramOutput(op.getDbeta());
    Value dGamma = r.paramOutput(op.getDgamma());
    Value grid = r.gradientGrid(options.gradBlocks);
    Value pGamma = r.partials(grid, {d});
    Value pAlpha = r.partials(grid, {d});
    Value pBeta = r.partials(grid, {d});
    int64_t kc = r.m.chunksPerThread;
    SeeDNormStats stats(heads, beta, op.getEpsilonValue(), rstdIn, tIn);
    RowMath math;
    math.phases.push_back(stats.phase());
    // u = dy * xhat; A_h = sum_{j in h} alpha_j u_j; G = sum gamma_j u_j.
    SmallVector<Value> xh, u, av, gv, aTot;
    Value meanV;
    RowPhase sums;
    sums.width = 1 + heads.n;
    sums.init = [&](RowKernel &k) {
      SmallVector<Value> s(heads.n, k.fconst(0));
      s.push_back(k.vzero());
      return s;
    };
    sums.chunk = [&](RowKernel &k, const Row &row, int64_t i, Sums s) {
      xh.push_back(k.mul(row.xs[i], stats.rstdV));
      u.push_back(k.mul(row.dys[i], xh[i]));
      av.push_back(k.load(alpha, {row.cols[i]}, row.preds[i]));
      gv.push_back(k.load(gamma, {row.cols[i]}, row.preds[i]));
      heads.accumulate(k, stats.headOf[i], k.sumVec(k.mul(av[i], u[i])),
                       s.take_front(heads.n));
      s[heads.n] = k.fma(gv[i], u[i], s[heads.n]);
    };
    sums.finish = [&](RowKernel &k, const Row &, ArrayRef<Value> totals) {
      Value s = totals[heads.n];
      for (int64_t hh = 0; hh < heads.n; ++hh)
        s = k.add(s, k.mul(stats.t[hh], totals[hh]));
      meanV = k.splat(k.div(s, k.fconst(d)));
      aTot.assign(totals.begin(), totals.begin() + heads.n);
    };
    math.phases.push_back(sums);
    // The accumulators: dgamma, dalpha and dbeta, kc vectors each.
    math.element = [&](RowKernel &k, const Row &row, int64_t i, Accs accs) {
      Value tk = heads.pick(k, stats.headOf[i], stats.t);
      Value dk = heads.pick(k, stats.headOf[i], stats.dtanh);
      Value ak = heads.pick(k, stats.headOf[i], aTot);
      Value tkV = k.splat(tk);
      Value seed = k.splat(k.mul(dk, ak));
      Value c = k.fma(tkV, av[i], gv[i]);
      Value bv = k.load(beta, {row.cols[i]}, row.preds[i]);
      Value z = k.vzero();
      accs[i] = k.add(accs[i], k.select(row.valid, u[i], z));
      accs[kc + i] =
          k.add(accs[kc + i], k.select(row.valid, k.mul(tkV, u[i]), z));
      accs[2 * kc + i] = k.add(accs[2 * kc + i],
                               k.select(row.valid, k.mul(seed, row.xs[i]), z));
      return k.fma(seed, bv,
                   k.mul(stats.rstdV, k.sub(k.mul(row.dys[i], c),
                                            k.mul(xh[i], meanV))));
    };
    math.initAccs = zeroColumnAccs(3);
    math.storeAccs = [&](RowKernel &k, ArrayRef<Value> accs) {
      storeColumnPartials(k, accs.slice(0, kc), pGamma);
      storeColumnPartials(k, accs.slice(kc, kc), pAlpha);
      storeColumnPartials(k, accs.slice(2 * kc, kc), pBeta);
    };
    launchRowKernel(r, grid, dx, math);
    launchColumnFinalize(r.h, {pAlpha, pBeta, pGamma}, {dAlpha, dBeta, dGamma},
                         d, r.shape.acc);
  }
};

//===----------------------------------------------------------------------===//
// Pass
//===----------------------------------------------------------------------===//

/// The most SeeDNorm heads the GPU kernels take (see checkSupported).
constexpr int64_t kMaxGPUHeads = 128;

/// The longest rows the GPU kernels take: a thread keeps its chunks of the
/// row in registers, unrolled, 16 f32 chunks (64 values) each at 65536
/// elements and 1024 threads per row. Longer rows grew the code linearly
/// (D = 2^24: 3 MB of IR; 2^32 did not finish) and could not fit the
/// registers anyway.
constexpr int64_t kMaxGPURowElements = 65536;

/// The GPU lowering picks its row mapping from a static D: diagnose anything
/// else up front, by name, rather than as a failed legalization.
LogicalResult checkSupported(Operation *root) {
  WalkResult result = root->walk([](Operation *op) {
    // An unregistered op (-allow-unregistered-dialect) has no dialect.
    if (!isa_and_present<NormDialect>(op->getDialect()) ||
        op->getNumOperands() == 0)
      return WalkResult::advance();
    auto type = dyn_cast<RankedTensorType>(op->getOperand(0).getType());
    if (!type)
      return WalkResult::advance();
    int64_t d = type.getShape().back();
    if (ShapedType::isDynamic(d)) {
      op->emitOpError("GPU lowering needs a static normalized (last) "
                      "dimension; the row mapping and vector width are "
                      "chosen from it");
      return WalkResult::interrupt();
    }
    if (d < 1) {
      op->emitOpError("GPU lowering needs a non-empty normalized dimension");
      return WalkResult::interrupt();
    }
    if (d > kMaxGPURowElements) {
      op->emitOpError("GPU lowering keeps a row in registers: the normalized "
                      "dimension may have at most ")
          << kMaxGPURowElements << " elements, got " << d;
      return WalkResult::interrupt();
    }
    // The SeeDNorm kernels keep one running sum per head in registers, with
    // the code unrolled over the heads: compile time grows with their square
    // (norm-lower-to-nvvm of an 8x2048 gradient: 64 heads 1.4 s, 128 heads
    // 4.5 s, 256 heads 16 s, 1024 heads ptxas ran for minutes).
    int64_t heads = 1;
    if (auto seed = dyn_cast<SeeDNormOp>(op))
      heads = seed.getNumHeads();
    else if (auto seedGrad = dyn_cast<SeeDNormGradOp>(op))
      heads = seedGrad.getNumHeads();
    if (heads > kMaxGPUHeads) {
      op->emitOpError("GPU lowering supports at most ")
          << kMaxGPUHeads << " heads (one register sum each), got " << heads;
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return failure(result.wasInterrupted());
}

struct ConvertNormToGPUPass
    : public norm::impl::ConvertNormToGPUPassBase<ConvertNormToGPUPass> {
  using Base::Base;

  void runOnOperation() override {
    NormToGPUOptions opts;
    if (memory == "host") {
      opts.memory = GPUMemorySpace::Host;
    } else if (memory == "device") {
      opts.memory = GPUMemorySpace::Device;
    } else {
      getOperation().emitError()
          << "convert-norm-to-gpu: memory must be 'host' or 'device', got '"
          << memory << "'";
      return signalPassFailure();
    }
    if (gradBlocks < 1) {
      getOperation().emitError("convert-norm-to-gpu: grad-blocks must be >= 1");
      return signalPassFailure();
    }
    opts.gradBlocks = gradBlocks;
    if (failed(checkSupported(getOperation())))
      return signalPassFailure();

    RewritePatternSet patterns(&getContext());
    populateNormToGPUPatterns(patterns, opts);
    ConversionTarget target(getContext());
    target.addIllegalDialect<NormDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace

void norm::populateNormToGPUPatterns(RewritePatternSet &patterns,
                                     const NormToGPUOptions &options) {
  patterns.add<RMSNormToGPU, ScaleNormToGPU, SeeDNormToGPU, RMSNormGradToGPU,
               ScaleNormGradToGPU, SeeDNormGradToGPU>(patterns.getContext(),
                                                      options);
}

std::unique_ptr<Pass> norm::createNormToGPUPass(const NormToGPUOptions &options) {
  ConvertNormToGPUPassOptions opts;
  opts.memory = options.memory == GPUMemorySpace::Device ? "device" : "host";
  opts.gradBlocks = options.gradBlocks;
  return createConvertNormToGPUPass(opts);
}

std::unique_ptr<Pass> norm::createNormToGPUPass(llvm::StringRef memory,
                                                int64_t gradBlocks) {
  ConvertNormToGPUPassOptions opts;
  opts.memory = memory.str();
  opts.gradBlocks = gradBlocks;
  return createConvertNormToGPUPass(opts);
}

void norm::registerNormGPUCodegenPasses() { registerNormGPUPasses(); }
