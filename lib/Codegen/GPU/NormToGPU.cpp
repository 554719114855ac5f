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
//===----------------------------------------------------------------------===//

#include "Norm/Codegen/GPU/Passes.h"
#include "Norm/Codegen/GPU/RowMapping.h"
#include "Norm/Dialect/Norm/IR/NormDialect.h"
#include "Norm/Dialect/Norm/IR/NormOps.h"

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

/// Host: number of row groups and the forward grid (at least one block, so
/// zero rows is a valid launch).
Value forwardGrid(OpBuilder &b, Location loc, Value rows, const RowMapping &m) {
  Value groups =
      arith::CeilDivUIOp::create(b, loc, rows, idx(b, loc, m.rowsPerBlock));
  return arith::MaxUIOp::create(b, loc, groups, idx(b, loc, 1));
}

/// Host: the persistent gradient grid, min(row groups, gradBlocks), >= 1.
Value gradientGrid(OpBuilder &b, Location loc, Value rows, const RowMapping &m,
                   int64_t gradBlocks) {
  Value groups =
      arith::CeilDivUIOp::create(b, loc, rows, idx(b, loc, m.rowsPerBlock));
  Value g = arith::MinUIOp::create(b, loc, groups, idx(b, loc, gradBlocks));
  return arith::MaxUIOp::create(b, loc, g, idx(b, loc, 1));
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
// Op lowerings
//===----------------------------------------------------------------------===//

/// Shared checks and facts about the `x` operand of every norm op.
struct RowShape {
  RankedTensorType type;
  int64_t d;
  FloatType acc;
};

FailureOr<RowShape> getRowShape(Operation *op, Value x) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t d = type.getShape().back();
  // Diagnosed by the pass before conversion (checkSupported).
  if (ShapedType::isDynamic(d) || d < 1)
    return failure();
  return RowShape{type, d, accTypeFor(type.getElementType())};
}

/// Dynamic sizes of a result with the shape of x.
SmallVector<Value> likeX(HostLowering &h, Value xBuf) {
  return h.dynamicSizes(xBuf);
}

/// Dynamic sizes of a [rows] or [rows, heads] statistic.
SmallVector<Value> likeStats(RankedTensorType t, Value rows) {
  if (t.isDynamicDim(0))
    return {rows};
  return {};
}

template <typename OpTy>
struct NormPattern : public OpRewritePattern<OpTy> {
  NormPattern(MLIRContext *ctx, const NormToGPUOptions &options)
      : OpRewritePattern<OpTy>(ctx), options(options) {}
  NormToGPUOptions options;
};

//===----------------------------------------------------------------------===//
// Forward ops
//===----------------------------------------------------------------------===//

struct RMSNormToGPU : public NormPattern<RMSNormOp> {
  using NormPattern::NormPattern;
  LogicalResult matchAndRewrite(RMSNormOp op,
                                PatternRewriter &rewriter) const override {
    FailureOr<RowShape> shape = getRowShape(op, op.getX());
    if (failed(shape))
      return failure();
    Location loc = op.getLoc();
    int64_t d = shape->d;
    FloatType acc = shape->acc;
    RowMapping m = chooseRowMapping(d, byteWidth(shape->type.getElementType()), d);
    HostLowering h(rewriter, loc, options.memory);
    Value xDev = h.input(op.getX());
    Value x = h.asRows(xDev);
    Value w = h.input(op.getWeight());
    Value rows = memref::DimOp::create(rewriter, loc, x, 0);
    Value y = h.asRows(h.output(op.getY().getType(), likeX(h, xDev)));
    Value rstd;
    if (op.getRstd()) {
      auto t = cast<RankedTensorType>(op.getRstd().getType());
      rstd = h.output(t, likeStats(t, rows));
    }
    double eps = op.getEpsilonValue();
    SmallVector<Type> smem;
    if (auto t = RowKernel::reductionBuffer(getContext(), m, acc, 1))
      smem.push_back(*t);
    h.launch(forwardGrid(rewriter, loc, rows, m), m.blockThreads(), smem,
             [&](OpBuilder &b, gpu::LaunchOp launch) {
               RowKernel k(b, loc, m, acc, d);
               Value buf = smem.empty() ? Value()
                                        : Value(launch.getWorkgroupAttributions()[0]);
               forThisRow(k, rows, [&](Value row, Value rowValid) {
                 SmallVector<Value> xs, preds;
                 Value sq = k.vzero();
                 for (int64_t i = 0; i < m.chunksPerThread; ++i) {
                   preds.push_back(k.andi(rowValid, k.chunkPred(i)));
                   xs.push_back(k.load(x, {row, k.column(k.chunk(i))}, preds[i]));
                   sq = k.fma(xs[i], xs[i], sq);
                 }
                 Value ss = k.reduce({k.sumVec(sq)}, buf, false)[0];
                 Value r = math::RsqrtOp::create(
                     b, loc, k.add(k.div(ss, k.fconst(d)), k.fconst(eps)));
                 Value rv = k.splat(r);
                 for (int64_t i = 0; i < m.chunksPerThread; ++i) {
                   Value col = k.column(k.chunk(i));
                   Value wv = k.load(w, {col}, preds[i]);
                   k.store(k.mul(k.mul(xs[i], rv), wv), y, {row, col}, preds[i]);
                 }
                 if (rstd)
                   k.storeScalar(r, rstd, {row},
                                 k.andi(rowValid, k.eq(k.lane, k.idx(0))));
               });
             });
    rewriter.replaceOp(op, h.finish());
    return success();
  }
};

struct ScaleNormToGPU : public NormPattern<ScaleNormOp> {
  using NormPattern::NormPattern;
  LogicalResult matchAndRewrite(ScaleNormOp op,
                                PatternRewriter &rewriter) const override {
    FailureOr<RowShape> shape = getRowShape(op, op.getX());
    if (failed(shape))
      return failure();
    Location loc = op.getLoc();
    int64_t d = shape->d;
    FloatType acc = shape->acc;
    RowMapping m = chooseRowMapping(d, byteWidth(shape->type.getElementType()), d);
    HostLowering h(rewriter, loc, options.memory);
    Value xDev = h.input(op.getX());
    Value x = h.asRows(xDev);
    Value g = h.input(op.getG());
    Value rows = memref::DimOp::create(rewriter, loc, x, 0);
    Value y = h.asRows(h.output(op.getY().getType(), likeX(h, xDev)));
    Value invOut;
    if (op.getInv()) {
      auto t = cast<RankedTensorType>(op.getInv().getType());
      invOut = h.output(t, likeStats(t, rows));
    }
    double eps = op.getEpsilonValue();
    SmallVector<Type> smem;
    if (auto t = RowKernel::reductionBuffer(getContext(), m, acc, 1))
      smem.push_back(*t);
    h.launch(forwardGrid(rewriter, loc, rows, m), m.blockThreads(), smem,
             [&](OpBuilder &b, gpu::LaunchOp launch) {
               RowKernel k(b, loc, m, acc, d);
               Value buf = smem.empty() ? Value()
                                        : Value(launch.getWorkgroupAttributions()[0]);
               Value gain = k.loadScalar(g, {}, Value());
               forThisRow(k, rows, [&](Value row, Value rowValid) {
                 SmallVector<Value> xs, preds;
                 Value sq = k.vzero();
                 for (int64_t i = 0; i < m.chunksPerThread; ++i) {
                   preds.push_back(k.andi(rowValid, k.chunkPred(i)));
                   xs.push_back(k.load(x, {row, k.column(k.chunk(i))}, preds[i]));
                   sq = k.fma(xs[i], xs[i], sq);
                 }
                 Value ss = k.reduce({k.sumVec(sq)}, buf, false)[0];
                 // NaN-propagating max (research/norms-math.md §7).
                 Value n = math::SqrtOp::create(b, loc, ss);
                 Value inv = k.div(k.fconst(1.0),
                                   arith::MaximumFOp::create(b, loc, n, k.fconst(eps)));
                 Value scale = k.splat(k.mul(gain, inv));
                 for (int64_t i = 0; i < m.chunksPerThread; ++i) {
                   Value col = k.column(k.chunk(i));
                   k.store(k.mul(xs[i], scale), y, {row, col}, preds[i]);
                 }
                 if (invOut)
                   k.storeScalar(inv, invOut, {row},
                                 k.andi(rowValid, k.eq(k.lane, k.idx(0))));
               });
             });
    rewriter.replaceOp(op, h.finish());
    return success();
  }
};

/// Per-chunk head index and selection helpers for SeeDNorm.
struct Heads {
  int64_t n;
  int64_t size;
  /// The head of a chunk (null when there is one head).
  Value of(RowKernel &k, Value chunkIdx) const {
    if (n == 1)
      return Value();
    return arith::DivUIOp::create(k.b, k.loc, k.column(chunkIdx), k.idx(size));
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

struct SeeDNormToGPU : public NormPattern<SeeDNormOp> {
  using NormPattern::NormPattern;
  LogicalResult matchAndRewrite(SeeDNormOp op,
                                PatternRewriter &rewriter) const override {
    FailureOr<RowShape> shape = getRowShape(op, op.getX());
    if (failed(shape))
      return failure();
    Location loc = op.getLoc();
    int64_t d = shape->d;
    FloatType acc = shape->acc;
    Heads heads{op.getNumHeads(), d / op.getNumHeads()};
    RowMapping m =
        chooseRowMapping(d, byteWidth(shape->type.getElementType()), heads.size);
    HostLowering h(rewriter, loc, options.memory);
    Value xDev = h.input(op.getX());
    Value x = h.asRows(xDev);
    Value alpha = h.input(op.getAlpha());
    Value beta = h.input(op.getBeta());
    Value gamma = h.input(op.getGamma());
    Value rows = memref::DimOp::create(rewriter, loc, x, 0);
    Value y = h.asRows(h.output(op.getY().getType(), likeX(h, xDev)));
    Value rstdOut, tOut;
    if (op.getRstd()) {
      auto t = cast<RankedTensorType>(op.getRstd().getType());
      rstdOut = h.output(t, likeStats(t, rows));
    }
    if (op.getT()) {
      auto t = cast<RankedTensorType>(op.getT().getType());
      tOut = h.output(t, likeStats(t, rows));
    }
    double eps = op.getEpsilonValue();
    SmallVector<Type> smem;
    if (auto t = RowKernel::reductionBuffer(getContext(), m, acc, 1 + heads.n))
      smem.push_back(*t);
    h.launch(forwardGrid(rewriter, loc, rows, m), m.blockThreads(), smem,
             [&](OpBuilder &b, gpu::LaunchOp launch) {
               RowKernel k(b, loc, m, acc, d);
               Value buf = smem.empty() ? Value()
                                        : Value(launch.getWorkgroupAttributions()[0]);
               forThisRow(k, rows, [&](Value row, Value rowValid) {
                 SmallVector<Value> xs, preds, cols, headOf;
                 Value sq = k.vzero();
                 SmallVector<Value> dots(heads.n, k.fconst(0));
                 for (int64_t i = 0; i < m.chunksPerThread; ++i) {
                   preds.push_back(k.andi(rowValid, k.chunkPred(i)));
                   cols.push_back(k.column(k.chunk(i)));
                   headOf.push_back(heads.of(k, k.chunk(i)));
                   xs.push_back(k.load(x, {row, cols[i]}, preds[i]));
                   sq = k.fma(xs[i], xs[i], sq);
                   Value bv = k.load(beta, {cols[i]}, preds[i]);
                   heads.accumulate(k, headOf[i], k.sumVec(k.mul(xs[i], bv)),
                                    dots);
                 }
                 SmallVector<Value> partial{k.sumVec(sq)};
                 partial.append(dots);
                 SmallVector<Value> sums = k.reduce(partial, buf, false);
                 Value r = math::RsqrtOp::create(
                     b, loc, k.add(k.div(sums[0], k.fconst(d)), k.fconst(eps)));
                 SmallVector<Value> t;
                 for (int64_t hh = 0; hh < heads.n; ++hh)
                   t.push_back(math::TanhOp::create(b, loc, sums[1 + hh]));
                 Value rv = k.splat(r);
                 for (int64_t i = 0; i < m.chunksPerThread; ++i) {
                   Value av = k.load(alpha, {cols[i]}, preds[i]);
                   Value gv = k.load(gamma, {cols[i]}, preds[i]);
                   Value c = k.fma(k.splat(heads.pick(k, headOf[i], t)), av, gv);
                   k.store(k.mul(k.mul(xs[i], rv), c), y, {row, cols[i]}, preds[i]);
                 }
                 Value first = k.andi(rowValid, k.eq(k.lane, k.idx(0)));
                 if (rstdOut)
                   k.storeScalar(r, rstdOut, {row}, first);
                 if (tOut)
                   for (int64_t hh = 0; hh < heads.n; ++hh)
                     k.storeScalar(t[hh], tOut, {row, k.idx(hh)}, first);
               });
             });
    rewriter.replaceOp(op, h.finish());
    return success();
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

/// Allocates the [gridBlocks * rowsPerBlock, D] f32 partial buffer of a
/// column (parameter) gradient.
Value columnPartials(HostLowering &h, Value grid, const RowMapping &m,
                     int64_t d, FloatType acc) {
  Value n = arith::MulIOp::create(h.b, h.loc, grid, idx(h.b, h.loc, m.rowsPerBlock));
  return h.scratch(MemRefType::get({ShapedType::kDynamic, d}, acc), {n});
}

/// Writes this thread's column accumulators to its row group's partial row.
void storeColumnPartials(RowKernel &k, ArrayRef<Value> accs, Value partial) {
  Value p = arith::AddIOp::create(
      k.b, k.loc, arith::MulIOp::create(k.b, k.loc, k.bid, k.idx(k.m.rowsPerBlock)),
      k.rowInBlock);
  for (int64_t i = 0; i < k.m.chunksPerThread; ++i)
    k.store(accs[i], partial, {p, k.column(k.chunk(i))}, k.chunkPred(i));
}

struct RMSNormGradToGPU : public NormPattern<RMSNormGradOp> {
  using NormPattern::NormPattern;
  LogicalResult matchAndRewrite(RMSNormGradOp op,
                                PatternRewriter &rewriter) const override {
    FailureOr<RowShape> shape = getRowShape(op, op.getX());
    if (failed(shape))
      return failure();
    Location loc = op.getLoc();
    int64_t d = shape->d;
    FloatType acc = shape->acc;
    RowMapping m = chooseRowMapping(d, byteWidth(shape->type.getElementType()), d,
                         kGradChunksPerThread);
    int64_t kc = m.chunksPerThread;
    HostLowering h(rewriter, loc, options.memory);
    Value dy = h.asRows(h.input(op.getDy()));
    Value xDev = h.input(op.getX());
    Value x = h.asRows(xDev);
    Value w = h.input(op.getWeight());
    Value rstdIn = op.getRstd() ? h.input(op.getRstd()) : Value();
    Value rows = memref::DimOp::create(rewriter, loc, x, 0);
    Value dx = h.asRows(h.output(op.getDx().getType(), likeX(h, xDev)));
    Value dw = h.output(op.getDweight().getType(), {});
    Value grid = gradientGrid(rewriter, loc, rows, m, options.gradBlocks);
    Value partial = columnPartials(h, grid, m, d, acc);
    double eps = op.getEpsilonValue();
    SmallVector<Type> smem;
    if (auto t = RowKernel::reductionBuffer(getContext(), m, acc, 1)) {
      smem.push_back(*t);
      smem.push_back(*t);
    }
    h.launch(grid, m.blockThreads(), smem, [&](OpBuilder &b, gpu::LaunchOp launch) {
      RowKernel k(b, loc, m, acc, d);
      Value bufA = smem.empty() ? Value() : Value(launch.getWorkgroupAttributions()[0]);
      Value bufB = smem.empty() ? Value() : Value(launch.getWorkgroupAttributions()[1]);
      SmallVector<Value> init(kc, k.vzero());
      SmallVector<Value> accs = forEachRow(
          k, rows, init,
          [&](Value row, Value rowValid, ValueRange accIn) -> SmallVector<Value> {
            SmallVector<Value> xs, dys, preds, cols;
            Value sq = k.vzero();
            for (int64_t i = 0; i < kc; ++i) {
              preds.push_back(k.andi(rowValid, k.chunkPred(i)));
              cols.push_back(k.column(k.chunk(i)));
              xs.push_back(k.load(x, {row, cols[i]}, preds[i]));
              dys.push_back(k.load(dy, {row, cols[i]}, preds[i]));
              if (!rstdIn)
                sq = k.fma(xs[i], xs[i], sq);
            }
            Value r;
            if (rstdIn) {
              r = k.loadScalar(rstdIn, {row}, rowValid);
            } else {
              Value ss = k.reduce({k.sumVec(sq)}, bufA, true)[0];
              r = math::RsqrtOp::create(
                  b, loc, k.add(k.div(ss, k.fconst(d)), k.fconst(eps)));
            }
            Value rv = k.splat(r);
            SmallVector<Value> xh, g;
            Value dot = k.vzero();
            for (int64_t i = 0; i < kc; ++i) {
              xh.push_back(k.mul(xs[i], rv));
              g.push_back(k.mul(dys[i], k.load(w, {cols[i]}, preds[i])));
              dot = k.fma(g[i], xh[i], dot);
            }
            Value s = k.reduce({k.sumVec(dot)}, bufB, true)[0];
            Value meanV = k.splat(k.div(s, k.fconst(d)));
            SmallVector<Value> next;
            for (int64_t i = 0; i < kc; ++i) {
              Value dxv = k.mul(rv, k.sub(g[i], k.mul(xh[i], meanV)));
              k.store(dxv, dx, {row, cols[i]}, preds[i]);
              Value contrib = k.mul(dys[i], xh[i]);
              next.push_back(k.add(accIn[i], k.select(rowValid, contrib, k.vzero())));
            }
            return next;
          });
      storeColumnPartials(k, accs, partial);
    });
    launchColumnFinalize(h, {partial}, {dw}, d, acc);
    rewriter.replaceOp(op, h.finish());
    return success();
  }
};

struct ScaleNormGradToGPU : public NormPattern<ScaleNormGradOp> {
  using NormPattern::NormPattern;
  LogicalResult matchAndRewrite(ScaleNormGradOp op,
                                PatternRewriter &rewriter) const override {
    FailureOr<RowShape> shape = getRowShape(op, op.getX());
    if (failed(shape))
      return failure();
    Location loc = op.getLoc();
    int64_t d = shape->d;
    FloatType acc = shape->acc;
    RowMapping m = chooseRowMapping(d, byteWidth(shape->type.getElementType()), d,
                         kGradChunksPerThread);
    int64_t kc = m.chunksPerThread;
    HostLowering h(rewriter, loc, options.memory);
    Value dy = h.asRows(h.input(op.getDy()));
    Value xDev = h.input(op.getX());
    Value x = h.asRows(xDev);
    Value g = h.input(op.getG());
    Value invIn = op.getInv() ? h.input(op.getInv()) : Value();
    Value rows = memref::DimOp::create(rewriter, loc, x, 0);
    Value dx = h.asRows(h.output(op.getDx().getType(), likeX(h, xDev)));
    Value dg = h.output(op.getDg().getType(), {});
    Value grid = gradientGrid(rewriter, loc, rows, m, options.gradBlocks);
    Value nPartials =
        arith::MulIOp::create(rewriter, loc, grid, idx(rewriter, loc, m.rowsPerBlock));
    Value partial =
        h.scratch(MemRefType::get({ShapedType::kDynamic}, acc), {nPartials});
    double eps = op.getEpsilonValue();
    SmallVector<Type> smem;
    if (auto t = RowKernel::reductionBuffer(getContext(), m, acc, 1)) {
      smem.push_back(*t);
    }
    h.launch(grid, m.blockThreads(), smem, [&](OpBuilder &b, gpu::LaunchOp launch) {
      RowKernel k(b, loc, m, acc, d);
      Value bufA = smem.empty() ? Value() : Value(launch.getWorkgroupAttributions()[0]);
      Value gain = k.loadScalar(g, {}, Value());
      SmallVector<Value> accs = forEachRow(
          k, rows, {k.fconst(0)},
          [&](Value row, Value rowValid, ValueRange accIn) -> SmallVector<Value> {
            SmallVector<Value> xs, dys, preds, cols;
            Value sq = k.vzero(), dot = k.vzero();
            for (int64_t i = 0; i < kc; ++i) {
              preds.push_back(k.andi(rowValid, k.chunkPred(i)));
              cols.push_back(k.column(k.chunk(i)));
              xs.push_back(k.load(x, {row, cols[i]}, preds[i]));
              dys.push_back(k.load(dy, {row, cols[i]}, preds[i]));
              if (!invIn)
                sq = k.fma(xs[i], xs[i], sq);
              dot = k.fma(dys[i], xs[i], dot);
            }
            Value inv, clamped;
            SmallVector<Value> partialSums{k.sumVec(dot)};
            if (!invIn)
              partialSums.push_back(k.sumVec(sq));
            SmallVector<Value> sums = k.reduce(partialSums, bufA, true);
            Value sdx = sums[0];
            if (invIn) {
              inv = k.loadScalar(invIn, {row}, rowValid);
              // The forward pass saturates inv at 1/eps exactly when the
              // norm was clamped.
              clamped = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGE,
                                              inv, k.div(k.fconst(1.0), k.fconst(eps)));
            } else {
              Value n = math::SqrtOp::create(b, loc, sums[1]);
              clamped = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, n,
                                              k.fconst(eps));
              inv = k.div(k.fconst(1.0),
                          arith::MaximumFOp::create(b, loc, n, k.fconst(eps)));
            }
            // dx = g*inv*(dy - x_u * sum(dy*x_u)), x_u = x*inv; the clamp
            // stops the gradient through the norm: dx = g*inv*dy.
            Value coef = k.select(clamped, k.fconst(0), k.mul(k.mul(inv, inv), sdx));
            Value coefV = k.splat(coef);
            Value scale = k.splat(k.mul(gain, inv));
            for (int64_t i = 0; i < kc; ++i) {
              Value dxv = k.mul(scale, k.sub(dys[i], k.mul(xs[i], coefV)));
              k.store(dxv, dx, {row, cols[i]}, preds[i]);
            }
            Value contrib = k.mul(inv, sdx);
            return {k.add(accIn[0], k.select(rowValid, contrib, k.fconst(0)))};
          });
      Value p = arith::AddIOp::create(
          b, loc, arith::MulIOp::create(b, loc, k.bid, k.idx(m.rowsPerBlock)),
          k.rowInBlock);
      k.storeScalar(accs[0], partial, {p}, k.eq(k.lane, k.idx(0)));
    });
    launchScalarFinalize(h, partial, dg, acc);
    rewriter.replaceOp(op, h.finish());
    return success();
  }
};

struct SeeDNormGradToGPU : public NormPattern<SeeDNormGradOp> {
  using NormPattern::NormPattern;
  LogicalResult matchAndRewrite(SeeDNormGradOp op,
                                PatternRewriter &rewriter) const override {
    FailureOr<RowShape> shape = getRowShape(op, op.getX());
    if (failed(shape))
      return failure();
    Location loc = op.getLoc();
    int64_t d = shape->d;
    FloatType acc = shape->acc;
    Heads heads{op.getNumHeads(), d / op.getNumHeads()};
    RowMapping m =
        chooseRowMapping(d, byteWidth(shape->type.getElementType()), heads.size,
                         kGradChunksPerThread,
                         kSeeDNormGradMaxThreads);
    int64_t kc = m.chunksPerThread;
    HostLowering h(rewriter, loc, options.memory);
    Value dy = h.asRows(h.input(op.getDy()));
    Value xDev = h.input(op.getX());
    Value x = h.asRows(xDev);
    Value alpha = h.input(op.getAlpha());
    Value beta = h.input(op.getBeta());
    Value gamma = h.input(op.getGamma());
    Value rstdIn = op.getRstd() ? h.input(op.getRstd()) : Value();
    Value tIn = op.getT() ? h.input(op.getT()) : Value();
    Value rows = memref::DimOp::create(rewriter, loc, x, 0);
    Value dx = h.asRows(h.output(op.getDx().getType(), likeX(h, xDev)));
    Value dAlpha = h.output(op.getDalpha().getType(), {});
    Value dBeta = h.output(op.getDbeta().getType(), {});
    Value dGamma = h.output(op.getDgamma().getType(), {});
    Value grid = gradientGrid(rewriter, loc, rows, m, options.gradBlocks);
    Value pGamma = columnPartials(h, grid, m, d, acc);
    Value pAlpha = columnPartials(h, grid, m, d, acc);
    Value pBeta = columnPartials(h, grid, m, d, acc);
    double eps = op.getEpsilonValue();
    SmallVector<Type> smem;
    if (auto t = RowKernel::reductionBuffer(getContext(), m, acc, 1 + heads.n)) {
      smem.push_back(*t);
      smem.push_back(*t);
    }
    h.launch(grid, m.blockThreads(), smem, [&](OpBuilder &b, gpu::LaunchOp launch) {
      RowKernel k(b, loc, m, acc, d);
      Value bufA = smem.empty() ? Value() : Value(launch.getWorkgroupAttributions()[0]);
      Value bufB = smem.empty() ? Value() : Value(launch.getWorkgroupAttributions()[1]);
      SmallVector<Value> init(3 * kc, k.vzero());
      SmallVector<Value> accs = forEachRow(
          k, rows, init,
          [&](Value row, Value rowValid, ValueRange accIn) -> SmallVector<Value> {
            SmallVector<Value> xs, dys, preds, cols, headOf;
            Value sq = k.vzero();
            SmallVector<Value> dots(heads.n, k.fconst(0));
            bool recompute = !rstdIn || !tIn;
            for (int64_t i = 0; i < kc; ++i) {
              preds.push_back(k.andi(rowValid, k.chunkPred(i)));
              cols.push_back(k.column(k.chunk(i)));
              headOf.push_back(heads.of(k, k.chunk(i)));
              xs.push_back(k.load(x, {row, cols[i]}, preds[i]));
              dys.push_back(k.load(dy, {row, cols[i]}, preds[i]));
              if (recompute) {
                sq = k.fma(xs[i], xs[i], sq);
                Value bv = k.load(beta, {cols[i]}, preds[i]);
                heads.accumulate(k, headOf[i], k.sumVec(k.mul(xs[i], bv)), dots);
              }
            }
            Value r;
            SmallVector<Value> t;
            if (recompute) {
              SmallVector<Value> partial{k.sumVec(sq)};
              partial.append(dots);
              SmallVector<Value> sums = k.reduce(partial, bufA, true);
              r = math::RsqrtOp::create(
                  b, loc, k.add(k.div(sums[0], k.fconst(d)), k.fconst(eps)));
              for (int64_t hh = 0; hh < heads.n; ++hh)
                t.push_back(math::TanhOp::create(b, loc, sums[1 + hh]));
            } else {
              r = k.loadScalar(rstdIn, {row}, rowValid);
              for (int64_t hh = 0; hh < heads.n; ++hh)
                t.push_back(k.loadScalar(tIn, {row, k.idx(hh)}, rowValid));
            }
            Value rv = k.splat(r);
            // u = dy * xhat; A_h = sum_{j in h} alpha_j u_j; G = sum gamma_j u_j.
            SmallVector<Value> xh, u, av, gv;
            SmallVector<Value> aSums(heads.n, k.fconst(0));
            Value gDot = k.vzero();
            for (int64_t i = 0; i < kc; ++i) {
              xh.push_back(k.mul(xs[i], rv));
              u.push_back(k.mul(dys[i], xh[i]));
              av.push_back(k.load(alpha, {cols[i]}, preds[i]));
              gv.push_back(k.load(gamma, {cols[i]}, preds[i]));
              heads.accumulate(k, headOf[i], k.sumVec(k.mul(av[i], u[i])), aSums);
              gDot = k.fma(gv[i], u[i], gDot);
            }
            SmallVector<Value> partial(aSums);
            partial.push_back(k.sumVec(gDot));
            SmallVector<Value> sums = k.reduce(partial, bufB, true);
            Value s = sums[heads.n];
            for (int64_t hh = 0; hh < heads.n; ++hh)
              s = k.add(s, k.mul(t[hh], sums[hh]));
            Value meanV = k.splat(k.div(s, k.fconst(d)));
            SmallVector<Value> aTot(sums.begin(), sums.begin() + heads.n);
            SmallVector<Value> next(accIn.begin(), accIn.end());
            Value one = k.fconst(1.0);
            for (int64_t i = 0; i < kc; ++i) {
              Value tk = heads.pick(k, headOf[i], t);
              Value ak = heads.pick(k, headOf[i], aTot);
              Value tkV = k.splat(tk);
              Value seed = k.splat(k.mul(k.sub(one, k.mul(tk, tk)), ak));
              Value c = k.fma(tkV, av[i], gv[i]);
              Value bv = k.load(beta, {cols[i]}, preds[i]);
              Value dxv = k.fma(seed, bv,
                                k.mul(rv, k.sub(k.mul(dys[i], c),
                                                k.mul(xh[i], meanV))));
              k.store(dxv, dx, {row, cols[i]}, preds[i]);
              Value z = k.vzero();
              next[i] = k.add(next[i], k.select(rowValid, u[i], z));
              next[kc + i] =
                  k.add(next[kc + i], k.select(rowValid, k.mul(tkV, u[i]), z));
              next[2 * kc + i] = k.add(next[2 * kc + i],
                                       k.select(rowValid, k.mul(seed, xs[i]), z));
            }
            return next;
          });
      ArrayRef<Value> all(accs);
      storeColumnPartials(k, all.slice(0, kc), pGamma);
      storeColumnPartials(k, all.slice(kc, kc), pAlpha);
      storeColumnPartials(k, all.slice(2 * kc, kc), pBeta);
    });
    launchColumnFinalize(h, {pAlpha, pBeta, pGamma}, {dAlpha, dBeta, dGamma}, d,
                         acc);
    rewriter.replaceOp(op, h.finish());
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Pass
//===----------------------------------------------------------------------===//

/// The GPU lowering picks its row mapping from a static D: diagnose anything
/// else up front, by name, rather than as a failed legalization.
LogicalResult checkSupported(Operation *root) {
  WalkResult result = root->walk([](Operation *op) {
    if (!isa<NormDialect>(op->getDialect()) || op->getNumOperands() == 0)
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
