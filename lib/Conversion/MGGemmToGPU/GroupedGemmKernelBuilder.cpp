//===- GroupedGemmKernelBuilder.cpp - the persistent sm_90a kernel --------===//
//
// Builds one warp-specialised, persistent grouped-GEMM kernel:
//
//   warpgroup 0 (producer)   one warp walks the tile schedule; its lane 0
//                            issues TMA loads into a ring of `stages` shared
//                            memory stages, each guarded by a `full` and an
//                            `empty` mbarrier.
//   warpgroups 1..C          each owns 64 rows of the CTA tile, runs
//   (consumers)              wgmma.mma_async m64nNk16 on the stages, frees
//                            them, and stores its rows of the tile.
//
// With a cluster of two CTAs, the pair computes vertically adjacent tiles
// that share B: each producer loads its own A and half of B, multicast into
// both CTAs, and each consumer warp frees a stage in both CTAs, since the
// peer's producer writes into it too. Forward and grad_input kernels run a
// group's odd last m-tile as tiles side by side along n, which share A the
// same way.
//
// Every warp walks the same tile sequence (TileScheduler.h), so the roles
// need no communication beyond the mbarriers. The A and B operands of each
// kind and their shared-memory layouts are described in KernelABI.h.
//
//===----------------------------------------------------------------------===//

#include "mggemm/Conversion/MGGemmToGPU/GroupedGemmKernelBuilder.h"
#include "KernelEmitter.h"
#include "TileScheduler.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include <cassert>
#include <numeric>
#include <optional>

using namespace mlir;
using namespace mlir::mggemm;

std::string GroupedGemmKernelSpec::getKernelName() const {
  char buffer[128];
  mggemmKernelName(buffer, sizeof(buffer), kind, dtype, tile);
  return buffer;
}

namespace {

constexpr int64_t kWarpgroupThreads = 128;
constexpr int64_t kSwizzleRowBytes = 128;
/// Bytes of one 64-row box of 128-byte swizzled rows (one MN-major chunk).
constexpr int64_t kBoxBytes = 64 * kSwizzleRowBytes;
constexpr int64_t kProducerRegisters = 40;
/// Barrier 0 is __syncthreads; barrier 1 synchronises the consumers;
/// barrier 2 + i is consumer i's turn to issue MMAs, where they take turns.
constexpr int64_t kConsumerBarrierId = 1;
constexpr int64_t kIssueTurnBarrierId = 2;
/// Threads of the producer warpgroup's warps 1-3, which mask the fp8 weight
/// gradient's stages (buildStageMasker).
constexpr int64_t kMaskerThreads = kWarpgroupThreads - 32;
constexpr const char *kSharedMemorySymbol = "mggemm_dynamic_smem";
/// Height, in CTA m-tiles, of the bands and width, in n-tiles, of the panels
/// a group's tiles are walked in (tileCoords).
constexpr int64_t kBandTiles = 16;
constexpr int64_t kPanelTiles = 8;

/// Registers a consumer thread may use after the producer gives its share
/// back: 64K registers split between 128 producer threads at
/// kProducerRegisters and the consumers, in multiples of 8, at most 240.
int64_t consumerRegisters(int64_t numConsumers) {
  int64_t perThread = (65536 - kWarpgroupThreads * kProducerRegisters) /
                      (kWarpgroupThreads * numConsumers);
  return std::min<int64_t>(240, perThread / 8 * 8);
}

/// Emits the kernel body for one spec.
class KernelBodyBuilder {
public:
  KernelBodyBuilder(KernelEmitter &e, const GroupedGemmKernelSpec &spec,
                    gpu::GPUFuncOp func)
      : e(e), spec(spec), tile(spec.tile), numConsumers(tile.m / 64),
        cluster(mggemmClusterSize(spec.tile)), eb(spec.getElementBytes()) {
    Block &entry = func.getBody().front();
    tensorMapA = e.castToPointer(entry.getArgument(0));
    tensorMapB = e.castToPointer(entry.getArgument(1));
    tensorMapOut = e.castToPointer(entry.getArgument(2));
    out = entry.getArgument(3);
    sizes = entry.getArgument(4);
    M = entry.getArgument(5);
    N = entry.getArgument(6);
    K = entry.getArgument(7);
    G = entry.getArgument(8);
    if (mggemmDtypeIsScaled(spec.dtype)) {
      scaleA = entry.getArgument(9);
      scaleB = entry.getArgument(10);
    }
  }

  void build();

private:
  // Geometry of the stage ring.
  int64_t aBytes() const { return int64_t(tile.m) * tile.k * eb; }
  /// A's boxes in forward and grad_input stages.
  int64_t aBoxRows() const { return mggemmABoxRows(spec.dtype, tile); }
  int64_t aBoxes() const { return tile.m / aBoxRows(); }
  int64_t aBoxBytes() const { return aBytes() / aBoxes(); }
  int64_t stageBytes() const { return mggemmStageBytes(tile, eb); }
  bool aIsMNMajor() const {
    return mggemmOperandIsMNMajor(spec.kind, 0, spec.dtype);
  }
  bool bIsMNMajor() const {
    return mggemmOperandIsMNMajor(spec.kind, 1, spec.dtype);
  }

  Value stageA(Value stage) {
    return e.gep(smem, e.mul(stage, e.i32(stageBytes())));
  }
  Value stageB(Value stage) { return e.gep(stageA(stage), e.i32(aBytes())); }
  Value fullBarrier(Value stage) {
    return e.gep(smem, e.add(e.i32(barrierOffset()), e.mul(stage, e.i32(8))));
  }
  Value emptyBarrier(Value stage) {
    return e.gep(smem, e.add(e.i32(barrierOffset() + 8 * tile.stages),
                             e.mul(stage, e.i32(8))));
  }
  /// Where the stage masker has zeroed other groups' columns in a stage
  /// (buildStageMasker). The masker arrives on it for every k-block, so its
  /// phase follows the ring's.
  Value maskedBarrier(Value stage) {
    return e.gep(smem, e.add(e.i32(barrierOffset() + 16 * tile.stages),
                             e.mul(stage, e.i32(8))));
  }
  /// Whether warps 1-3 of the producer warpgroup zero other groups' columns
  /// in the stages before the consumers read them: the fp8 weight gradient,
  /// whose K-major k-blocks start at aligned columns before the group. In the
  /// consumers, this zeroing stalled both consumers' MMAs on every masked
  /// k-block: a balanced split whose groups start off 128-column boundaries
  /// ran 14% slower than one whose groups do not, 6% of it the extra k-block
  /// per group (bench/results/notes.md, v22).
  bool masksStages() const {
    return mggemmTakesTransposedOperands(spec.kind, spec.dtype);
  }
  /// Kernels that mask stages: whether any group's size (as the scheduler
  /// clamps it) is not a multiple of tile.k (i1, the same in every thread).
  /// Where none is, every group starts on a k-block and its last k-block
  /// ends at its end or past M, where TMA fills in zeros: nothing needs
  /// masking, so the masker warps are not started and the consumers do not
  /// wait for them (3% faster on one group of 8,192 rows, notes v27).
  Value someGroupMisaligned();
  int64_t barrierOffset() const { return mggemmBarrierOffset(tile, eb); }

  /// Output columns, and the reduction extent for kinds where it is fixed.
  Value outputColumns() { return spec.kind == MGGEMM_KIND_FORWARD ? N : K; }

  /// Where a tile sits in the product, derived from the scheduler's answer.
  struct TileCoords {
    Value group;
    Value rowInOutput;   // first output row of the tile (absolute)
    Value rowsValid;     // rows of the tile that belong to it (may exceed m)
    Value colStart;      // first output column
    Value kBlocks;       // reduction steps of tile.k
    /// grad_weight: where its k-blocks start in dY and X (the group's first
    /// row, or for fp8 the tile.k-aligned column at or before it), and the
    /// group's rows from there: rows [reductionLead, reductionEnd).
    Value reductionBase, reductionLead, reductionEnd;
    Value rowInOperand;  // forward/grad_input: first row of A
    /// Where the spec pairs the last m-tile along n (i1): whether the
    /// cluster's CTAs share this tile's A rather than its B.
    Value sharesA;
  };
  TileCoords tileCoords(const ScheduledTile &t);
  /// Bytes the loads of one of `c`'s stages bring: forward and grad_input
  /// tiles in several A boxes leave out those past their last row, whose
  /// consumer either passes its stages on or computes rows not stored.
  Value stageBytes(const TileCoords &c) {
    if (aIsMNMajor() || aBoxes() == 1)
      return e.i32(stageBytes());
    Value boxes =
        e.minu(e.ceilDiv(c.rowsValid, e.i32(aBoxRows())), e.i32(aBoxes()));
    return e.add(e.i32(stageBytes() - aBytes()),
                 e.mul(boxes, e.i32(aBoxBytes())));
  }

  /// Whether the consumers add each k-block's MMAs to the tile's sum in f32
  /// (promotingMainLoop): the fp8 kernels but e4m3_fast, since tensor-core
  /// sums over all of K lose precision (bench/results/notes.md, v18) and
  /// block scales change with the k-block.
  bool promotes() const { return mggemmDtypePromotes(spec.dtype); }
  /// Whether the two consumers of promoting tiles wider than a scale block
  /// take turns to issue each k-block's MMAs (promotingMainLoop). Kernels
  /// without clusters may let a consumer skip a tile, so they do not.
  bool takesTurns() const {
    return promotes() && tile.n > MGGEMM_SCALE_BLOCK && numConsumers == 2 &&
           cluster > 1;
  }
  void initBarriers();
  void buildProducer(TileScheduler &scheduler);
  void buildConsumer(TileScheduler &scheduler, Value consumerIndex);
  /// The consumer's loop over a tile's k-blocks; returns the accumulator
  /// and the stage and phase after it.
  SmallVector<Value> mainLoop(const TileCoords &c, Value stage, Value phase,
                              Value consumerIndex);
  SmallVector<Value> promotingMainLoop(const TileCoords &c, Value stage,
                                       Value phase, Value consumerIndex);
  void issueLoads(const TileCoords &c, Value kb, Value stage);
  /// One stage's wgmma batch; `accumulate` false overwrites `acc`.
  Value mmaStage(Value acc, Value stage, Value consumerIndex,
                 bool accumulate = true);
  /// The columns of group `c.group` in k-block `kb` of a grad_weight tile,
  /// [first, end) (end may pass tile.k), and whether that is not all of
  /// them.
  struct GroupColumns {
    Value first, end, partial;
  };
  GroupColumns groupColumns(const TileCoords &c, Value kb);
  /// grad_weight: makes sure that what k-block `kb` in `stage` (phase
  /// `phase`) holds of other groups' rows is zero before the MMAs read it:
  /// zeroes it (MN-major stages) or waits for the stage masker (K-major).
  void maskOtherGroups(const TileCoords &c, Value kb, Value stage, Value phase);
  /// Consumers: waits for k-block `kb`'s loads into `stage` (phase `phase`),
  /// then maskOtherGroups().
  void waitForStage(const TileCoords &c, Value kb, Value stage, Value phase) {
    e.mbarrierWait(fullBarrier(stage), phase);
    maskOtherGroups(c, kb, stage, phase);
  }
  void zeroRowsPastGroupEnd(Value stage, Value validRows);
  /// fp8 grad_weight: warps 1-3 of the producer warpgroup wait for each
  /// stage's loads, zero the columns outside the group in it, and pass it on
  /// to the consumers.
  void buildStageMasker(TileScheduler &scheduler);
  /// Zeroes the columns outside [first, end) of `stage`'s K-major rows,
  /// `threads` threads at once, this one numbered `thread`.
  void zeroColumnsOutsideGroup(Value stage, Value first, Value end,
                               Value thread, int64_t threads);
  /// The consumers' threads, numbered from 0.
  Value consumerThread() {
    return e.sub(e.threadId(), e.i32(kWarpgroupThreads));
  }
  /// This warp's arrival (lane 0) on `stage`'s `empty` barrier in every CTA
  /// of the cluster.
  void release(Value stage);
  /// Waits for and frees `kBlocks` stages without reading them; returns the
  /// stage and phase after them.
  SmallVector<Value> passStages(Value kBlocks, Value stage, Value phase);
  void storeTile(Value acc, const TileCoords &c, Value consumerIndex);
  /// The first of the 16 tile rows this consumer warp holds.
  Value warpRow0(Value consumerIndex) {
    Value warp =
        e.divu(e.remu(e.threadId(), e.i32(kWarpgroupThreads)), e.i32(32));
    return e.add(e.mul(consumerIndex, e.i32(64)), e.mul(warp, e.i32(16)));
  }
  /// Row h (0 or 1) of the two this thread's accumulators hold, in the
  /// output (= in A for forward products); row 0 for rows past the tile's
  /// valid part, which are not stored.
  Value threadRow(const TileCoords &c, Value warpRow0, int64_t h) {
    Value tileRow =
        e.add(warpRow0, e.add(e.divu(e.laneId(), e.i32(4)), e.i32(8 * h)));
    return e.select(e.ult(tileRow, c.rowsValid), e.add(c.rowInOutput, tileRow),
                    e.i32(0));
  }
  /// Row-wise scaled kernels: multiplies accumulator registers by the
  /// scales of their rows of A and of B (the output's rows and columns).
  class Scaler;

  KernelEmitter &e;
  const GroupedGemmKernelSpec &spec;
  mggemmTileConfig tile;
  int64_t numConsumers;
  int64_t cluster; // CTAs per cluster
  int64_t eb;

  Value tensorMapA, tensorMapB, tensorMapOut, out, sizes, M, N, K, G;
  Value scaleA, scaleB; // scaled kernels: f32 per row of A and of B
  Value smem;
  Value rank; // this CTA's rank in its cluster
  /// Kernels that mask stages: someGroupMisaligned(), computed once.
  Value misaligned;
  /// While the consumers' copy for misaligned groups is being built: their
  /// k-block loops wait for the masker.
  bool consumersWaitForMasker = false;
};

} // namespace

//===----------------------------------------------------------------------===//
// Set-up
//===----------------------------------------------------------------------===//

void KernelBodyBuilder::initBarriers() {
  Value tid = e.threadId();
  e.ifThen(e.eq(tid, e.i32(0)), [&] {
    for (int64_t s = 0; s < tile.stages; ++s) {
      // `full`: the producer's arrive.expect_tx plus the TMA bytes.
      e.mbarrierInit(fullBarrier(e.i32(s)), 1);
      // `masked`: every stage masker thread.
      if (masksStages())
        e.mbarrierInit(maskedBarrier(e.i32(s)), kMaskerThreads);
      // `empty`: one arrival per consumer warp of the cluster once its
      // MMAs are done, and per stage masker warp once it is past the stage.
      Value warps = e.i32(4 * numConsumers * cluster);
      if (masksStages())
        warps = e.select(misaligned, e.i32((4 * numConsumers + 3) * cluster),
                         warps);
      e.mbarrierInit(emptyBarrier(e.i32(s)), warps);
    }
    e.fenceMbarrierInit();
  });
  // The peer's arrivals and multicasts may only start once our barriers
  // exist.
  if (cluster > 1)
    e.clusterSync();
  else
    e.syncThreads();
}

void KernelBodyBuilder::build() {
  smem = e.alignedSharedMemory(kSharedMemorySymbol, 1024);
  rank = cluster > 1 ? e.clusterCtaRank() : e.i32(0);
  if (masksStages())
    misaligned = someGroupMisaligned();
  initBarriers();

  Value tid = e.threadId();
  Value warpgroup = e.divu(tid, e.i32(kWarpgroupThreads));
  TileScheduler scheduler(e, spec, sizes, M, N, K, G);
  e.ifThenElse(
      e.eq(warpgroup, e.i32(0)),
      [&] {
        e.setMaxRegisters(kProducerRegisters, /*increase=*/false);
        // Warp 0 loads; warps 1-3 mask stages where the kernel needs it,
        // and are done otherwise.
        Value producerWarp = e.divu(tid, e.i32(32));
        if (!masksStages()) {
          e.ifThen(e.eq(producerWarp, e.i32(0)),
                   [&] { buildProducer(scheduler); });
          return;
        }
        e.ifThenElse(
            e.eq(producerWarp, e.i32(0)), [&] { buildProducer(scheduler); },
            [&] {
              e.ifThen(misaligned, [&] { buildStageMasker(scheduler); });
            });
      },
      [&] {
        e.setMaxRegisters(consumerRegisters(numConsumers), /*increase=*/true);
        Value consumerIndex = e.warpUniform(e.sub(warpgroup, e.i32(1)));
        if (!masksStages())
          return buildConsumer(scheduler, consumerIndex);
        // Two copies of the consumers, so that the k-block loops of the one
        // for aligned groups hold no test for masked stages.
        e.ifThenElse(
            misaligned,
            [&] {
              consumersWaitForMasker = true;
              buildConsumer(scheduler, consumerIndex);
              consumersWaitForMasker = false;
            },
            [&] { buildConsumer(scheduler, consumerIndex); });
      });
  // No CTA may exit while its peer can still multicast into it or arrive on
  // its barriers.
  if (cluster > 1)
    e.clusterSync();
}

//===----------------------------------------------------------------------===//
// Tiles
//===----------------------------------------------------------------------===//

KernelBodyBuilder::TileCoords
KernelBodyBuilder::tileCoords(const ScheduledTile &t) {
  TileCoords c;
  Value local = e.sub(t.tile, t.groupTileStart);
  Value nTiles = e.ceilDiv(outputColumns(), e.i32(tile.n));
  // The scheduler's m-tiles are cluster tiles, one CTA tile per rank.
  Value clusterRows = e.i32(tile.m * cluster);
  Value mTiles = spec.kind == MGGEMM_KIND_GRAD_WEIGHT
                     ? e.ceilDiv(N, clusterRows)
                     : e.ceilDiv(t.groupRows, clusterRows);
  // A group's odd last m-tile, where it pairs along n, comes after its pairs
  // of m-tiles: tail tile i is that m-tile and n-tile 2 i + rank.
  Value pairs, tailTile;
  if (spec.pairsLastMTileAlongN()) {
    pairs = e.divu(e.ceilDiv(t.groupRows, e.i32(tile.m)), e.i32(2));
    Value pairTiles = e.mul(pairs, nTiles);
    c.sharesA = e.uge(local, pairTiles);
    tailTile = e.sub(local, pairTiles);
    // The order below then places a pair tile; the selects after it take
    // the tail's coordinates instead.
    local = e.select(c.sharesA, e.i32(0), local);
    mTiles = e.select(c.sharesA, e.i32(1), pairs);
  }
  // A group's tiles go panel by panel, kPanelTiles n-tiles wide, and the
  // ~132 CTA tiles in flight cover about 16 CTA m-tiles x 8 n-tiles and share
  // both operands in L2, where an n-fastest order streamed all of B (e.g.
  // 117 MB of W for N = 14336) per wave of tiles. Most kernels cut a group's
  // rows into bands of kBandTiles CTA m-tiles, i.e. kBandTiles / cluster of
  // the scheduler's m-tiles, and take a panel's m-tiles first: the tiles that
  // read the same block of B then run on neighbouring CTAs, and one DRAM read
  // of it serves them all (with n first, the imbalanced weight-bound layer
  // read 4.05 GB where 3.73 GB now; bands of 16 cluster m-tiles, 32 x 4 CTA
  // tiles in flight, read 11-20% more on groups of 4096 rows). The
  // promoting kernels keep the order the block-scaled one had, panels as tall
  // as the group and n first: with bands and m first it ran 9% slower on the
  // H200, with consumer loops unchanged (bench/results/notes.md, v13 and v15).
  Value mTile, nTile;
  if (promotes()) {
    Value panelTiles = e.mul(mTiles, e.i32(kPanelTiles));
    Value panelStart = e.mul(e.divu(local, panelTiles), e.i32(kPanelTiles));
    Value inPanel = e.remu(local, panelTiles);
    Value width = e.minu(e.i32(kPanelTiles), e.sub(nTiles, panelStart));
    mTile = e.divu(inPanel, width);
    nTile = e.add(panelStart, e.remu(inPanel, width));
  } else {
    Value band = e.i32(kBandTiles / cluster);
    Value bandTiles = e.mul(band, nTiles);
    Value bandStart = e.mul(e.divu(local, bandTiles), band);
    Value height = e.minu(band, e.sub(mTiles, bandStart));
    Value inBand = e.remu(local, bandTiles);
    Value panelTiles = e.mul(height, e.i32(kPanelTiles));
    Value panelStart = e.mul(e.divu(inBand, panelTiles), e.i32(kPanelTiles));
    Value inPanel = e.remu(inBand, panelTiles);
    mTile = e.add(bandStart, e.remu(inPanel, height));
    nTile = e.add(panelStart, e.divu(inPanel, height));
  }
  Value mOffset =
      e.mul(e.add(e.mul(mTile, e.i32(cluster)), rank), e.i32(tile.m));
  if (c.sharesA) {
    mOffset = e.select(c.sharesA, e.mul(pairs, e.i32(2 * tile.m)), mOffset);
    nTile = e.select(c.sharesA, e.add(e.mul(tailTile, e.i32(2)), rank), nTile);
  }
  c.group = t.group;
  c.colStart = e.mul(nTile, e.i32(tile.n));
  if (spec.kind == MGGEMM_KIND_GRAD_WEIGHT) {
    // Output rows are dW[g]'s N rows; the reduction runs over the group.
    c.rowInOperand = mOffset;
    c.rowInOutput = e.add(e.mul(t.group, N), mOffset);
    // A CTA's tile may lie past the end (its cluster tile's other half does
    // not): it computes with its peer and stores nothing.
    c.rowsValid = e.maxs(e.sub(N, mOffset), e.i32(0));
    // TMA boxes of the fp8 kernel's K-major operands start at a column that
    // is a multiple of tile.k: a start off a multiple of 16 faulted on the
    // H200 (illegal instruction), and with starts aligned to 16 only, G = 8
    // imbalanced groups ran at 0.62x the balanced ones' TFLOP/s, 0.74-0.77x
    // aligned to tile.k (bench/results/notes.md, v21). The first k-block
    // then starts up to tile.k - 1 columns before the group; those columns
    // are zeroed like those past its end.
    c.reductionLead =
        aIsMNMajor() ? e.i32(0) : e.remu(t.groupRowStart, e.i32(tile.k));
    c.reductionBase = e.sub(t.groupRowStart, c.reductionLead);
    c.reductionEnd = e.add(c.reductionLead, t.groupRows);
    c.kBlocks = e.select(e.eq(t.groupRows, e.i32(0)), e.i32(0),
                         e.ceilDiv(c.reductionEnd, e.i32(tile.k)));
  } else {
    c.rowInOperand = e.add(t.groupRowStart, mOffset);
    c.rowInOutput = c.rowInOperand;
    c.rowsValid = e.maxs(e.sub(t.groupRows, mOffset), e.i32(0));
    c.reductionBase = e.i32(0);
    Value reduction = spec.kind == MGGEMM_KIND_FORWARD ? K : N;
    c.kBlocks = e.ceilDiv(reduction, e.i32(tile.k));
  }
  return c;
}

//===----------------------------------------------------------------------===//
// Producer
//===----------------------------------------------------------------------===//

void KernelBodyBuilder::issueLoads(const TileCoords &c, Value kb, Value stage) {
  Value bar = fullBarrier(stage);
  Value a = stageA(stage), b = stageB(stage);
  Value kOffset = e.mul(kb, e.i32(tile.k));
  // The operand the cluster shares: each CTA loads its 1/cluster of it into
  // every CTA's stage. That is B, or A in the tiles that pair along n.
  Value multicast;
  if (cluster > 1)
    multicast = arith::ConstantIntOp::create(e.builder(), e.getLoc(),
                                             (1 << cluster) - 1, 16);
  // B's 64-wide MN-major boxes: all of them, or this CTA's share.
  auto loadBBoxes = [&](Value row, bool shared) {
    int64_t boxes = tile.n / 64 / (shared ? cluster : 1);
    Value first = shared ? e.mul(rank, e.i32(boxes)) : e.i32(0);
    for (int64_t i = 0; i < boxes; ++i) {
      Value box = e.add(first, e.i32(i));
      Value col = e.add(c.colStart, e.mul(box, e.i32(64)));
      SmallVector<Value> coords = {col, row};
      if (spec.kind == MGGEMM_KIND_GRAD_INPUT)
        coords.push_back(c.group);
      e.tmaLoad(e.gep(b, e.mul(box, e.i32(kBoxBytes))), tensorMapB, coords, bar,
                shared ? multicast : Value());
    }
  };
  // K-major A's boxes that hold rows of the tile, all of them or this CTA's
  // share; A whole when it is one box of its own. `k` is the column of the
  // reduction they start at.
  auto loadABoxes = [&](Value k, bool shared) {
    if (aBoxes() == 1 && !shared) {
      e.tmaLoad(a, tensorMapA, {k, c.rowInOperand}, bar);
      return;
    }
    for (int64_t i = 0; i < aBoxes(); ++i) {
      Value row = e.i32(i * aBoxRows());
      Value load = e.ult(row, c.rowsValid);
      if (shared)
        load = e.andI(load, e.eq(rank, e.i32(i % cluster)));
      e.ifThen(load, [&] {
        e.tmaLoad(e.gep(a, e.i32(i * aBoxBytes())), tensorMapA,
                  {k, e.add(c.rowInOperand, row)}, bar,
                  shared ? multicast : Value());
      });
    }
  };
  // K-major B's n rows from column `k` of the reduction (and group `group`
  // of W), all of them or, where the cluster shares it, this CTA's share.
  auto loadBRows = [&](Value k, Value group, bool shared) {
    int64_t rows = tile.n / cluster;
    for (int64_t i = 0; i < (shared ? 1 : cluster); ++i) {
      Value first = e.mul(shared ? rank : e.i32(i), e.i32(rows));
      SmallVector<Value> coords = {k, e.add(c.colStart, first)};
      if (group)
        coords.push_back(group);
      e.tmaLoad(e.gep(b, e.mul(first, e.i32(kSwizzleRowBytes))), tensorMapB,
                coords, bar, shared ? multicast : Value());
    }
  };
  auto load = [&](bool sharedA) {
    bool sharedB = cluster > 1 && !sharedA;
    switch (spec.kind) {
    case MGGEMM_KIND_FORWARD: {
      // X {K, M} boxes {k, aBoxRows}; W {K, N, G} boxes {k, n / cluster, 1}.
      loadABoxes(kOffset, sharedA);
      loadBRows(kOffset, c.group, sharedB);
      return;
    }
    case MGGEMM_KIND_GRAD_INPUT:
      // dY {N, M} boxes {k, aBoxRows}; W {K, N, G} read MN-major in
      // 64-column boxes.
      loadABoxes(kOffset, sharedA);
      loadBBoxes(kOffset, sharedB);
      return;
    case MGGEMM_KIND_GRAD_WEIGHT: {
      Value row = e.add(c.reductionBase, kOffset);
      if (!aIsMNMajor()) {
        // fp8: dYᵀ {M, N} boxes {k, aBoxRows}; Xᵀ {M, K} boxes
        // {k, n / cluster}.
        loadABoxes(row, /*shared=*/false);
        loadBRows(row, Value(), sharedB);
        return;
      }
      // dY {N, M} and X {K, M}, both MN-major in 64-wide boxes of k rows.
      for (int64_t i = 0; i < tile.m / 64; ++i)
        e.tmaLoad(e.gep(a, e.i32(i * kBoxBytes)), tensorMapA,
                  {e.add(c.rowInOperand, e.i32(i * 64)), row}, bar);
      loadBBoxes(row, sharedB);
      return;
    }
    }
  };
  if (c.sharesA)
    e.ifThenElse(
        c.sharesA, [&] { load(/*sharedA=*/true); },
        [&] { load(/*sharedA=*/false); });
  else
    load(/*sharedA=*/false);
}

void KernelBodyBuilder::buildProducer(TileScheduler &scheduler) {
  Value isLeader = e.eq(e.laneId(), e.i32(0));
  scheduler.forEachTile([&](const ScheduledTile &t, Value stage, Value phase) {
    TileCoords c = tileCoords(t);
    e.ifThen(isLeader, [&] {
      Value bytes = stageBytes(c);
      e.forLoop(c.kBlocks, {stage, phase}, [&](Value kb, ValueRange it) {
        Value s = it[0], p = it[1];
        // Wait until the consumers freed the slot (the first pass
        // through the ring waits on the phase before the first).
        e.mbarrierWait(emptyBarrier(s), e.xorI(p, e.i32(1)));
        e.mbarrierArriveExpectTx(fullBarrier(s), bytes);
        issueLoads(c, kb, s);
        return e.advanceStage(s, p, tile.stages);
      });
    });
    return e.advanceStageBy(stage, phase, c.kBlocks, tile.stages);
  });
}

//===----------------------------------------------------------------------===//
// Consumers
//===----------------------------------------------------------------------===//

/// wgmma shared-memory descriptors with 128-byte swizzling: the start
/// address (bits 0-13) and leading byte offset (bits 16-29) in 16-byte units
/// in the low word; the stride byte offset (bits 32-45) and layout type 1
/// (bits 62-63) in the high word, which is a constant.
static Value descriptorLow(KernelEmitter &e, Value address, int64_t lbo) {
  Value start = e.andI(e.shru(address, e.i32(4)), e.i32(0x3FFF));
  return e.orI(start, e.i32((lbo >> 4) << 16));
}
static Value descriptor(KernelEmitter &e, Value low, int64_t sbo) {
  int64_t high = ((sbo >> 4) << 32) | (int64_t(1) << 62);
  return e.orI(e.i64(high), e.zext64(low));
}

Value KernelBodyBuilder::mmaStage(Value acc, Value stage, Value consumerIndex,
                                  bool accumulate) {
  // K-major tiles hold 128-byte rows of the reduction: a wgmma step (k16 of
  // 16-bit, k32 of 8-bit elements) moves 32 bytes along the row, and 8-row
  // groups are 1024 bytes apart. MN-major tiles (16-bit only) hold one
  // reduction row per 128 bytes: a k16 step moves 16 rows,
  // 8-row groups are 1024 bytes apart (SBO) and 64-wide chunks of the M/N
  // extent one box apart (LBO).
  Value aRows = aIsMNMajor() ? e.mul(consumerIndex, e.i32(kBoxBytes))
                             : e.mul(consumerIndex, e.i32(64 * 128));
  int64_t mmaK = KernelEmitter::wgmmaK(spec.dtype);
  int64_t aStep = aIsMNMajor() ? mmaK * kSwizzleRowBytes : mmaK * eb;
  int64_t bStep = bIsMNMajor() ? mmaK * kSwizzleRowBytes : mmaK * eb;
  int64_t lbo = int64_t(tile.k) * kSwizzleRowBytes;
  // The descriptors of stage 0 do not change in the loops, so they are
  // computed once; a stage's and a step's offsets, in 16-byte units, then
  // add to the start address field without carrying out of it, since shared
  // memory ends below 2^18 bytes.
  static_assert(MGGEMM_SM90_MAX_SHARED_MEMORY < (1 << 18),
                "descriptor start addresses have 14 bits of 16-byte units");
  // wgmma takes its descriptors in uniform registers. From a stage that
  // ptxas cannot prove uniform it built each one in vector registers and
  // copied it over (16 R2UR per k-block; 4 from a uniform stage).
  stage = e.warpUniform(stage);
  Value stageUnits = e.mul(stage, e.i32(stageBytes() / 16));
  Value lowA =
      e.add(descriptorLow(e, e.add(e.sharedAddress(stageA(e.i32(0))), aRows),
                          aIsMNMajor() ? lbo : 16),
            stageUnits);
  Value lowB = e.add(descriptorLow(e, e.sharedAddress(stageB(e.i32(0))),
                                   bIsMNMajor() ? lbo : 16),
                     stageUnits);
  e.wgmmaFence();
  for (int64_t kk = 0; kk < tile.k / mmaK; ++kk) {
    Value descA = descriptor(e, e.add(lowA, e.i32(kk * aStep / 16)), 1024);
    Value descB = descriptor(e, e.add(lowB, e.i32(kk * bStep / 16)), 1024);
    acc = e.wgmma(acc, descA, descB, tile.n, spec.dtype, aIsMNMajor(),
                  bIsMNMajor(), /*accumulate=*/accumulate || kk > 0);
  }
  e.wgmmaCommit();
  return acc;
}

KernelBodyBuilder::GroupColumns
KernelBodyBuilder::groupColumns(const TileCoords &c, Value kb) {
  GroupColumns g;
  g.end = e.sub(c.reductionEnd, e.mul(kb, e.i32(tile.k)));
  g.first = e.select(e.eq(kb, e.i32(0)), c.reductionLead, e.i32(0));
  g.partial = e.orI(e.ult(g.end, e.i32(tile.k)), e.ugt(g.first, e.i32(0)));
  return g;
}

void KernelBodyBuilder::maskOtherGroups(const TileCoords &c, Value kb,
                                        Value stage, Value phase) {
  if (spec.kind != MGGEMM_KIND_GRAD_WEIGHT)
    return;
  if (masksStages()) {
    if (consumersWaitForMasker)
      e.ifThen(groupColumns(c, kb).partial,
               [&] { e.mbarrierWait(maskedBarrier(stage), phase); });
    return;
  }
  GroupColumns g = groupColumns(c, kb);
  e.ifThen(g.partial, [&] { zeroRowsPastGroupEnd(stage, g.end); });
}

void KernelBodyBuilder::zeroRowsPastGroupEnd(Value stage, Value validRows) {
  // The stage holds (m + n) / 64 boxes of tile.k swizzled 128-byte rows;
  // row r of a box is bytes [128 r, 128 r + 128) whatever the swizzle, so
  // zeroing a row is zeroing those bytes.
  int64_t chunksPerBox = int64_t(tile.k) * kSwizzleRowBytes / 16;
  int64_t numChunks = (tile.m + tile.n) / 64 * chunksPerBox;
  Value base = stageA(stage);
  e.forLoop(consumerThread(), e.i32(numChunks),
            e.i32(numConsumers * kWarpgroupThreads), [&](Value chunk) {
              Value row = e.divu(e.remu(chunk, e.i32(chunksPerBox)),
                                 e.i32(kSwizzleRowBytes / 16));
              e.ifThen(e.uge(row, validRows), [&] {
                e.storeZero16(e.gep(base, e.mul(chunk, e.i32(16))));
              });
            });
  // The tensor cores read shared memory through the async proxy.
  e.fenceProxyAsyncShared();
  e.namedBarrier(e.i32(kConsumerBarrierId), numConsumers * kWarpgroupThreads);
}

Value KernelBodyBuilder::someGroupMisaligned() {
  // Each lane tests groups lane + 32 j of every 128, four loads a round.
  constexpr int64_t kLoads = 4, kGroupsPerRound = kLoads * 32;
  Value lastGroup = e.sub(G, e.i32(1)); // read only where G >= 1
  SmallVector<Value> found = e.forLoop(
      e.ceilDiv(G, e.i32(kGroupsPerRound)), {e.boolean(false)},
      [&](Value round, ValueRange it) {
        Value any = it[0];
        for (int64_t j = 0; j < kLoads; ++j) {
          Value group = e.add(e.mul(round, e.i32(kGroupsPerRound)),
                              e.add(e.laneId(), e.i32(32 * j)));
          Value size =
              e.select(e.ult(group, G),
                       e.loadI32(sizes, e.minu(group, lastGroup)), e.i32(0));
          size = TileScheduler::clampSize(e, size);
          Value off = e.ugt(e.remu(size, e.i32(tile.k)), e.i32(0));
          any = e.orI(any, e.ugt(e.ballot(off), e.i32(0)));
        }
        return SmallVector<Value>{any};
      });
  return found[0];
}

void KernelBodyBuilder::buildStageMasker(TileScheduler &scheduler) {
  Value thread = e.sub(e.threadId(), e.i32(32));
  scheduler.forEachTile([&](const ScheduledTile &t, Value stage, Value phase) {
    TileCoords c = tileCoords(t);
    return e.forLoop(c.kBlocks, {stage, phase}, [&](Value kb, ValueRange it) {
      Value s = it[0], p = it[1];
      e.mbarrierWait(fullBarrier(s), p);
      GroupColumns g = groupColumns(c, kb);
      e.ifThen(g.partial, [&] {
        zeroColumnsOutsideGroup(s, g.first, g.end, thread, kMaskerThreads);
        // The tensor cores read shared memory through the async proxy.
        e.fenceProxyAsyncShared();
      });
      // Also where nothing was zeroed: `masked` then keeps the ring's phase.
      // Each thread waits for the others before its next arrival, which
      // would otherwise count towards this phase (compute-sanitizer's
      // synccheck: "missing wait").
      e.mbarrierArrive(maskedBarrier(s));
      e.mbarrierWait(maskedBarrier(s), p);
      // The consumers wait for the masker only where something is masked:
      // without this arrival the producer could refill the stage before the
      // masker has waited on `full` for this k-block, and the masker would
      // then wait for the wrong phase.
      release(s);
      return e.advanceStage(s, p, tile.stages);
    });
  });
}

void KernelBodyBuilder::zeroColumnsOutsideGroup(Value stage, Value first,
                                                Value end, Value thread,
                                                int64_t threads) {
  // fp8 stages hold m + n K-major rows of 128 bytes, the reduction along
  // them; with 128-byte swizzling, 16-byte chunk j of row r holds columns
  // [16 (j ^ r % 8), + 16). Thread t takes chunk t % 8 of rows t / 8 +
  // i * step, whose columns repeat with period `period` in i, so each
  // thread works out the bytes to keep in its chunks once (a mask per
  // 32-bit word) and then ANDs 16 bytes at a time (per-chunk arithmetic made
  // zeroing as slow as one or two k-blocks' MMAs).
  constexpr int64_t kChunksPerRow = kSwizzleRowBytes / 16;
  constexpr int64_t kSwizzleRows = 8;
  assert(threads % kChunksPerRow == 0 && "threads take whole rows");
  int64_t step = threads / kChunksPerRow;
  int64_t period = kSwizzleRows / std::gcd(step, kSwizzleRows);
  int64_t numRows = tile.m + tile.n;
  Value chunk = e.remu(thread, e.i32(kChunksPerRow));
  Value row0 = e.divu(thread, e.i32(kChunksPerRow));
  // keep[q]: the word masks of rows row0 + (i * period + q) * step.
  SmallVector<SmallVector<Value, 4>> keep;
  SmallVector<Value> keepsAll;
  for (int64_t q = 0; q < period; ++q) {
    Value swizzle = e.remu(e.add(row0, e.i32(q * step)), e.i32(kSwizzleRows));
    Value column = e.mul(e.xorI(chunk, swizzle), e.i32(16));
    // The word's bytes below column `bound`, as a mask.
    auto bytesBelow = [&](Value bound, int64_t w) {
      Value n =
          e.minu(e.maxs(e.sub(e.sub(bound, column), e.i32(4 * w)), e.i32(0)),
                 e.i32(4));
      return e.select(e.eq(n, e.i32(4)), e.i32(-1),
                      e.sub(e.shl(e.i32(1), e.mul(n, e.i32(8))), e.i32(1)));
    };
    SmallVector<Value, 4> words;
    Value all = e.i32(-1);
    for (int64_t w = 0; w < 4; ++w) {
      words.push_back(
          e.andI(bytesBelow(end, w), e.xorI(bytesBelow(first, w), e.i32(-1))));
      all = e.andI(all, words.back());
    }
    keep.push_back(words);
    keepsAll.push_back(e.eq(all, e.i32(-1)));
  }
  Value base =
      e.gep(stageA(stage),
            e.mul(e.add(e.mul(row0, e.i32(kChunksPerRow)), chunk), e.i32(16)));
  int64_t rowsPerRound = step * period;
  e.forLoop(
      e.i32(0), e.i32(llvm::divideCeil(numRows, rowsPerRound)), e.i32(1),
      [&](Value round) {
        for (int64_t q = 0; q < period; ++q) {
          Value rowOffset =
              e.add(e.mul(round, e.i32(rowsPerRound)), e.i32(q * step));
          Value inStage = e.ult(e.add(row0, rowOffset), e.i32(numRows));
          e.ifThen(e.andI(inStage, e.xorI(keepsAll[q], e.boolean(true))), [&] {
            e.andShared16(
                e.gep(base, e.mul(rowOffset, e.i32(kSwizzleRowBytes))),
                keep[q]);
          });
        }
      });
}

void KernelBodyBuilder::release(Value stage) {
  e.ifThen(e.eq(e.laneId(), e.i32(0)), [&] {
    if (cluster == 1) {
      e.mbarrierArrive(emptyBarrier(stage));
      return;
    }
    for (int64_t r = 0; r < cluster; ++r)
      e.mbarrierArriveInCta(emptyBarrier(stage), e.i32(r));
  });
}

SmallVector<Value> KernelBodyBuilder::passStages(Value kBlocks, Value stage,
                                                 Value phase) {
  return e.forLoop(kBlocks, {stage, phase}, [&](Value, ValueRange it) {
    e.mbarrierWait(fullBarrier(it[0]), it[1]);
    release(it[0]);
    return e.advanceStage(it[0], it[1], tile.stages);
  });
}

SmallVector<Value> KernelBodyBuilder::mainLoop(const TileCoords &c, Value stage,
                                               Value phase,
                                               Value consumerIndex) {
  Value acc = e.fenceAccumulator(e.zeroAccumulator(tile.n / 2));
  SmallVector<Value> results =
      e.forLoop(c.kBlocks, {acc, stage, phase}, [&](Value kb, ValueRange it) {
        Value acc = it[0], s = it[1], p = it[2];
        waitForStage(c, kb, s, p);
        acc = mmaStage(acc, s, consumerIndex);
        // Keep one MMA batch in flight; the one before it is done, so its
        // stage can be refilled.
        e.wgmmaWait(1);
        e.ifThen(e.ugt(kb, e.i32(0)),
                 [&] { release(e.previousStage(s, tile.stages)); });
        SmallVector<Value> next = e.advanceStage(s, p, tile.stages);
        return SmallVector<Value>{acc, next[0], next[1]};
      });
  // Unconditional, so that ptxas sees every path to the epilogue drain
  // the MMAs (it would otherwise serialise all of them).
  e.wgmmaWait(0);
  e.ifThen(e.ugt(c.kBlocks, e.i32(0)),
           [&] { release(e.previousStage(results[1], tile.stages)); });
  results[0] = e.fenceAccumulator(results[0]);
  return results;
}

/// fp8 kernels: every k-block (128 wide: one K block of block scales) runs
/// its MMAs into a fresh accumulator, which is then added to the tile's sum
/// in f32, times its rows' A scales and its columns' B scales where those are
/// block scales (row scales apply in the epilogue). Tiles 128 wide have
/// registers for two such accumulators, A and B, which alternate so that
/// k-block kb's MMAs run while kb - 1's partial sums are added. The loop takes
/// k-blocks in pairs, A then B, so that each keeps its registers: swapping
/// them at the back edge would copy accumulators while their MMAs run, which
/// makes ptxas serialise all wgmma. Wider tiles have one (see below).
SmallVector<Value> KernelBodyBuilder::promotingMainLoop(const TileCoords &c,
                                                        Value stage,
                                                        Value phase,
                                                        Value consumerIndex) {
  Value lastBlock = e.sub(c.kBlocks, e.i32(1)); // kBlocks >= 1: K >= 1
  // Block scales: {A scale of row 0, of row 1, B scale of each block} of
  // k-block `kb` (the last one for kb past it).
  bool blockScaled = spec.dtype == MGGEMM_DTYPE_E4M3_BLOCK;
  Value rows[2];               // this thread's two rows of A
  SmallVector<Value> blockOfB; // the tile's blocks of B's scales
  Value startsMidBlock;
  int64_t numScales = 0;
  if (blockScaled) {
    // Rows past the tile's valid part, which are not stored, read row 0's
    // scales, so that no load leaves the array.
    Value row0 = warpRow0(consumerIndex);
    for (int64_t h = 0; h < 2; ++h)
      rows[h] = e.zext64(threadRow(c, row0, h));
    Value scaleBlocksK = e.ceilDiv(K, e.i32(MGGEMM_SCALE_BLOCK));
    Value scaleBlocksN = e.ceilDiv(N, e.i32(MGGEMM_SCALE_BLOCK));
    // The tile's columns span `blocksOfB` 128-column blocks of B's scales:
    // its n is a multiple of 64 and it starts at a multiple of n, so a tile
    // 192 wide starts on a block or half-way into one. Blocks past N
    // (columns not stored) read N's last block, so that no load leaves the
    // array.
    int64_t blocksOfB = llvm::divideCeil(tile.n, MGGEMM_SCALE_BLOCK);
    Value firstBlockOfB = e.divu(c.colStart, e.i32(MGGEMM_SCALE_BLOCK));
    Value lastBlockOfB = e.sub(scaleBlocksN, e.i32(1));
    Value groupBlocksOfB = e.mul(e.zext64(c.group), e.zext64(scaleBlocksN));
    for (int64_t j = 0; j < blocksOfB; ++j) {
      Value column = e.minu(e.add(firstBlockOfB, e.i32(j)), lastBlockOfB);
      blockOfB.push_back(e.mul(e.add(groupBlocksOfB, e.zext64(column)),
                               e.zext64(scaleBlocksK)));
    }
    // Whether the tile starts half-way into a block (only where n is not a
    // multiple of 128).
    if (tile.n % MGGEMM_SCALE_BLOCK != 0)
      startsMidBlock =
          e.ugt(e.remu(c.colStart, e.i32(MGGEMM_SCALE_BLOCK)), e.i32(0));
    numScales = 2 + blocksOfB;
  }
  auto loadScales = [&](Value kb) -> SmallVector<Value> {
    if (!blockScaled)
      return {};
    Value block = e.zext64(e.minu(kb, lastBlock));
    Value column = e.mul(block, e.zext64(M));
    SmallVector<Value> scales = {e.loadF32(scaleA, e.add(column, rows[0])),
                                 e.loadF32(scaleA, e.add(column, rows[1]))};
    for (Value b : blockOfB)
      scales.push_back(e.loadF32(scaleB, e.add(b, block)));
    return scales;
  };
  // sum += partial, times its block scales if any (A scale of its row * B
  // scale of its columns), register by register; register i holds row
  // (i % 4) / 2 of the thread's two and a column of the tile's 64-column
  // chunk i / 32. Chunk q lies in block q / 2 of the tile's, or, where the
  // tile starts half-way into a block, in block (q + 1) / 2.
  auto addScaled = [&](Value sum, Value partial, ValueRange scales) {
    SmallVector<Value> factor; // [chunk][row]
    for (int64_t q = 0; blockScaled && q < tile.n / 64; ++q) {
      Value scaleOfB = scales[2 + q / 2];
      if (q % 2 == 1 && startsMidBlock)
        scaleOfB = e.select(startsMidBlock, scales[2 + (q + 1) / 2], scaleOfB);
      for (int64_t h = 0; h < 2; ++h)
        factor.push_back(e.mulF(scales[h], scaleOfB));
    }
    for (int64_t i = 0; i < tile.n / 2; ++i) {
      Value p = e.extract(partial, i), s = e.extract(sum, i);
      sum = e.insert(sum,
                     blockScaled ? e.fma(p, factor[i / 32 * 2 + i % 4 / 2], s)
                                 : e.addF(s, p),
                     i);
    }
    return sum;
  };
  auto zero = [&] { return e.fenceAccumulator(e.zeroAccumulator(tile.n / 2)); };
  // Tiles wider than 128 columns leave registers for two accumulators only,
  // the partial sums and the sum: each k-block's MMAs finish before they are
  // added. Where the consumers take turns to issue, the other consumer's
  // MMAs keep the tensor cores busy meanwhile (issued together, both would
  // add while the tensor cores idle: 3-12% slower on the H200,
  // bench/results/notes.md, v17). The scales of a k-block are loaded two
  // k-blocks ahead.
  if (tile.n > MGGEMM_SCALE_BLOCK) {
    // Each k-block's stage is waited for while the k-block before it is
    // still running (below), so that between a consumer's adds and its next
    // MMAs there is only the turn.
    waitForStage(c, e.i32(0), stage, phase);
    SmallVector<Value> init = {e.zeroAccumulator(tile.n / 2), stage, phase};
    llvm::append_range(init, loadScales(e.i32(0)));
    llvm::append_range(init, loadScales(e.i32(1)));
    SmallVector<Value> loop =
        e.forLoop(c.kBlocks, init, [&](Value kb, ValueRange it) {
          Value sum = it[0], s = it[1], p = it[2];
          if (takesTurns())
            e.namedBarrier(e.add(e.i32(kIssueTurnBarrierId), consumerIndex),
                           2 * kWarpgroupThreads);
          Value partial =
              mmaStage(zero(), s, consumerIndex, /*accumulate=*/false);
          if (takesTurns())
            e.namedBarrierArrive(
                e.sub(e.i32(kIssueTurnBarrierId + 1), consumerIndex),
                2 * kWarpgroupThreads);
          SmallVector<Value> ahead = loadScales(e.add(kb, e.i32(2)));
          SmallVector<Value> next = e.advanceStage(s, p, tile.stages);
          Value nextKb = e.add(kb, e.i32(1));
          e.ifThen(e.ult(nextKb, c.kBlocks),
                   [&] { waitForStage(c, nextKb, next[0], next[1]); });
          e.wgmmaWait(0);
          release(s);
          sum = addScaled(sum, e.fenceAccumulator(partial),
                          it.slice(3, numScales));
          SmallVector<Value> carried = {sum};
          llvm::append_range(carried, next);
          llvm::append_range(carried, it.slice(3 + numScales, numScales));
          llvm::append_range(carried, ahead);
          return carried;
        });
    return {loop[0], loop[1], loop[2]};
  }
  // Issues k-block kb's MMAs into `acc` from stage `s`, then, once the
  // batch before it (`previous`) is done, frees that batch's stage and adds
  // it to `sum`.
  auto overlap = [&](Value kb, Value &sum, Value &acc, Value &previous,
                     ValueRange previousScales, Value &s, Value &p) {
    waitForStage(c, kb, s, p);
    acc = mmaStage(acc, s, consumerIndex, /*accumulate=*/false);
    e.wgmmaWait(1);
    release(e.previousStage(s, tile.stages));
    previous = e.fenceAccumulator(previous);
    sum = addScaled(sum, previous, previousScales);
    SmallVector<Value> next = e.advanceStage(s, p, tile.stages);
    s = next[0];
    p = next[1];
  };
  // Adds the last batch once it is done; `s` is the stage after it.
  auto finish = [&](Value sum, Value last, ValueRange scales, Value s) {
    e.wgmmaWait(0);
    release(e.previousStage(s, tile.stages));
    return addScaled(sum, e.fenceAccumulator(last), scales);
  };

  // k-block 0 into A (there is at least one: K >= 1). The scales of the
  // blocks A and B add up next are loaded a pair of k-blocks ahead.
  SmallVector<Value> init = {e.zeroAccumulator(tile.n / 2)};
  waitForStage(c, e.i32(0), stage, phase);
  init.push_back(mmaStage(zero(), stage, consumerIndex, /*accumulate=*/false));
  init.push_back(zero());
  llvm::append_range(init, e.advanceStage(stage, phase, tile.stages));
  llvm::append_range(init, loadScales(e.i32(0)));
  llvm::append_range(init, loadScales(e.i32(1)));
  // Pairs of k-blocks 2j + 1 (into B) and 2j + 2 (into A).
  Value pairs = e.divu(lastBlock, e.i32(2));
  SmallVector<Value> loop = e.forLoop(pairs, init, [&](Value j, ValueRange it) {
    Value sum = it[0], a = it[1], b = it[2], s = it[3], p = it[4];
    Value kb = e.add(e.mul(j, e.i32(2)), e.i32(2));
    SmallVector<Value> carried = loadScales(kb);
    llvm::append_range(carried, loadScales(e.add(kb, e.i32(1))));
    overlap(e.sub(kb, e.i32(1)), sum, b, a, it.slice(5, numScales), s, p);
    overlap(kb, sum, a, b, it.slice(5 + numScales, numScales), s, p);
    carried.insert(carried.begin(), {sum, a, b, s, p});
    return carried;
  });
  // An even number of k-blocks leaves one for B.
  Value sum = loop[0], s = loop[3], p = loop[4];
  ValueRange scalesA = ValueRange(loop).slice(5, numScales);
  ValueRange scalesB = ValueRange(loop).slice(5 + numScales, numScales);
  SmallVector<Value> results = e.ifThenElse(
      e.eq(e.remu(c.kBlocks, e.i32(2)), e.i32(0)),
      TypeRange{sum.getType(), s.getType(), p.getType()},
      [&]() -> SmallVector<Value> {
        Value sumB = sum, a = loop[1], b = loop[2], sB = s, pB = p;
        overlap(lastBlock, sumB, b, a, scalesA, sB, pB);
        return {finish(sumB, b, scalesB, sB), sB, pB};
      },
      [&]() -> SmallVector<Value> {
        return {finish(sum, loop[1], scalesA, s), s, p};
      });
  // Unconditional, so that ptxas sees every path to the epilogue drain the
  // MMAs.
  e.wgmmaWait(0);
  return results;
}

void KernelBodyBuilder::buildConsumer(TileScheduler &scheduler,
                                      Value consumerIndex) {
  // Where consumers take turns, consumer 0 goes first.
  if (takesTurns())
    e.ifThen(e.eq(consumerIndex, e.i32(1)), [&] {
      e.namedBarrierArrive(e.i32(kIssueTurnBarrierId), 2 * kWarpgroupThreads);
    });
  scheduler.forEachTile([&](const ScheduledTile &t, Value stage, Value phase) {
    TileCoords c = tileCoords(t);
    auto promoting = [&] {
      return promotingMainLoop(c, stage, phase, consumerIndex);
    };
    auto compute = [&]() -> SmallVector<Value> {
      SmallVector<Value> results;
      if (!promotes()) {
        results = mainLoop(c, stage, phase, consumerIndex);
      } else if (spec.kind == MGGEMM_KIND_GRAD_WEIGHT) {
        // The promoting loop starts with a k-block; an empty group's dW[g]
        // is zeros.
        Value zero = e.zeroAccumulator(tile.n / 2);
        results = e.ifThenElse(
            e.ugt(c.kBlocks, e.i32(0)),
            TypeRange{zero.getType(), stage.getType(), phase.getType()},
            promoting,
            [&]() -> SmallVector<Value> { return {zero, stage, phase}; });
      } else {
        results = promoting();
      }
      storeTile(results[0], c, consumerIndex);
      return {results[1], results[2]};
    };
    // Forward and grad_input tiles end at their group's last row. A consumer
    // whose 64 rows all lie past it (in groups of at most 64 rows, as in
    // weight-bound MoE layers, and in a group's last m-tile) would compute
    // and store nothing, so it only passes the stages on. Not for
    // grad_weight, whose consumers meet at a barrier when a k-block runs
    // past the group, nor for the fp8 kernels on clusters, which would run out
    // of registers with both paths.
    if (spec.kind == MGGEMM_KIND_GRAD_WEIGHT || (cluster > 1 && promotes()))
      return compute();
    Value busy = e.ult(e.mul(consumerIndex, e.i32(64)), c.rowsValid);
    return e.ifThenElse(busy, TypeRange{stage.getType(), phase.getType()},
                        compute,
                        [&] { return passStages(c.kBlocks, stage, phase); });
  });
  // Consumer 1's arrival after its last turn.
  if (takesTurns())
    e.ifThen(e.eq(consumerIndex, e.i32(0)), [&] {
      e.namedBarrier(e.i32(kIssueTurnBarrierId), 2 * kWarpgroupThreads);
    });
  // The last TMA stores must finish before the CTA's shared memory goes.
  e.ifThen(e.eq(e.laneId(), e.i32(0)), [&] { e.bulkWaitGroup(0); });
}

//===----------------------------------------------------------------------===//
// Epilogue
//===----------------------------------------------------------------------===//

/// Row-wise scaled kernels: A's rows are the output's rows, B's rows (of W[g],
/// or of Xᵀ for grad_weight) its columns; the scales of B, and for
/// grad_weight those of A, are per group. Register 4j + 2h + p of the
/// accumulator holds row 16 warp + lane / 4 + 8h and column 8j + 2 (lane % 4) +
/// p of the consumer's 64 rows. Rows past the tile's valid part read the
/// first scale (they are not stored). Column scales are loaded one 64-column
/// box ahead, all of a box's at once, so that their latencies overlap;
/// columns past N get 0 without a load.
class KernelBodyBuilder::Scaler {
public:
  Scaler(KernelBodyBuilder &k, const TileCoords &c, Value warpRow0)
      : e(k.e), boxes(k.tile.n / 64) {
    for (int64_t h = 0; h < 2; ++h)
      rowScale[h] = e.loadF32(k.scaleA, e.zext64(k.threadRow(c, warpRow0, h)));
    Value column = e.add(c.colStart, e.mul(e.remu(e.laneId(), e.i32(4)),
                                           e.i32(2))); // of register 0
    Value outputColumns = k.outputColumns();
    columns = e.maxs(e.sub(outputColumns, column), e.i32(0)); // from it on
    first = e.gep(k.scaleB,
                  e.mul(e.add(e.mul(e.zext64(c.group), e.zext64(outputColumns)),
                              e.zext64(column)),
                        e.i64(4)));
    next = loadBox(0);
  }

  /// Makes box `box`'s scales current and loads the next box's.
  void beginBox(int64_t box) {
    current = next;
    if (box + 1 < boxes)
      next = loadBox(box + 1);
  }

  /// Register i of the accumulator, of the current box, scaled.
  Value apply(Value v, int64_t i) {
    int64_t j = i / 4 % 8, h = i % 4 / 2, p = i % 2;
    return e.mulF(e.mulF(v, rowScale[h]), current[2 * j + p]);
  }

private:
  SmallVector<Value> loadBox(int64_t box) {
    SmallVector<Value> scales;
    for (int64_t j = 0; j < 8; ++j)
      for (int64_t p = 0; p < 2; ++p) {
        int64_t offset = 64 * box + 8 * j + p;
        scales.push_back(e.ifThenElse(
            e.ult(e.i32(offset), columns), TypeRange{e.builder().getF32Type()},
            [&]() -> SmallVector<Value> {
              return {e.loadF32(first, e.i64(offset))};
            },
            [&]() -> SmallVector<Value> { return {e.f32(0)}; })[0]);
      }
    return scales;
  }

  KernelEmitter &e;
  int64_t boxes;
  Value rowScale[2];
  Value columns, first;
  SmallVector<Value> current, next;
};

void KernelBodyBuilder::storeTile(Value acc, const TileCoords &c,
                                  Value consumerIndex) {
  // wgmma m64nN f32 accumulators: warp w of the warpgroup holds rows
  // 16w + lane/4 and 16w + lane/4 + 8; register 4j + {0,1} holds columns
  // 8j + 2(lane%4) + {0,1} of the first row, 4j + {2,3} of the second, which
  // is the fragment layout of stmatrix. Each warp stages its 16 rows through
  // shared memory 64 columns (one output box) at a time, in the layout of a
  // 128-byte swizzled TMA box: 16-byte chunks XOR-swizzled by row, so that
  // neither stmatrix nor the reads conflict. A box whose 16 rows all belong
  // to the tile goes out as a TMA store, which drains while the warp stages
  // the next box in its other buffer and then runs the next tile's MMAs;
  // columns past the output's end are clipped by TMA. A warp whose rows run
  // past the tile's end (a group's last tile: the rows after it are the next
  // group's) stores its valid rows itself, 16 bytes per lane.
  Value lane = e.laneId();
  Value warpRow0 = this->warpRow0(consumerIndex);
  std::optional<Scaler> scaler;
  if (mggemmDtypeIsRowScaled(spec.dtype))
    scaler.emplace(*this, c, warpRow0);
  // Register i of the accumulator, as the output holds it.
  auto output = [&](int64_t i) {
    Value v = e.extract(acc, i);
    return scaler ? scaler->apply(v, i) : v;
  };
  // Consumer warp i (16 tile rows each) stages at epilogue offset + i * 4 KB.
  Value warpStaging =
      e.gep(smem, e.add(e.i32(mggemmEpilogueOffset(tile, eb)),
                        e.mul(e.divu(warpRow0, e.i32(MGGEMM_OUTPUT_BOX_ROWS)),
                              e.i32(MGGEMM_EPILOGUE_WARP_BYTES))));
  Value isLeader = e.eq(lane, e.i32(0));
  // The promoting forward kernels store every box themselves: the
  // block-scaled ones ran 3-9% slower with TMA stores (bench/results/notes.md,
  // v11 and v17). The fp8 grad_weight stores TMA boxes.
  Value wholeBox =
      promotes() && spec.kind != MGGEMM_KIND_GRAD_WEIGHT
          ? e.boolean(false)
          : e.ule(e.add(warpRow0, e.i32(MGGEMM_OUTPUT_BOX_ROWS)), c.rowsValid);
  // stmatrix: lanes 8i..8i+7 address the rows of matrix i, which is the
  // (i % 2) half of the rows of 8-column chunk i / 2 of the pair stored.
  Value matrix = e.divu(lane, e.i32(8));
  Value matrixRow =
      e.add(e.mul(e.remu(matrix, e.i32(2)), e.i32(8)), e.remu(lane, e.i32(8)));
  Value matrixChunk = e.divu(matrix, e.i32(2));
  Value columns = outputColumns();
  Value ld = e.zext64(columns);
  for (int64_t panel = 0; panel < tile.n / 64; ++panel) {
    Value staging =
        e.gep(warpStaging, e.i32(panel % 2 * MGGEMM_EPILOGUE_BUFFER_BYTES));
    if (scaler)
      scaler->beginBox(panel);
    auto chunkAddress = [&](Value row, Value chunk) {
      Value swizzled = e.xorI(chunk, e.remu(row, e.i32(8)));
      return e.gep(staging, e.add(e.mul(row, e.i32(kSwizzleRowBytes)),
                                  e.mul(swizzled, e.i32(16))));
    };
    // The store that last read this buffer (two boxes ago; at a tile's first
    // box, any earlier one) must be done reading it.
    e.ifThen(isLeader, [&] { e.bulkWaitGroupRead(panel == 0 ? 0 : 1); });
    e.syncWarp();
    for (int64_t pair = 0; pair < 4; ++pair) {
      int64_t j = 8 * panel + 2 * pair; // first 8-column chunk of the pair
      SmallVector<Value> registers;
      for (int64_t r = 0; r < 4; ++r)
        registers.push_back(e.packPair(output(4 * j + 2 * r),
                                       output(4 * j + 2 * r + 1), spec.dtype));
      e.storeMatrixX4(
          chunkAddress(matrixRow, e.add(matrixChunk, e.i32(2 * pair))),
          registers);
    }
    Value col0 = e.add(c.colStart, e.i32(64 * panel));
    e.ifThenElse(
        wholeBox,
        [&] {
          // TMA reads shared memory through the async proxy.
          e.fenceProxyAsyncShared();
          e.syncWarp();
          e.ifThen(isLeader, [&] {
            e.tmaStore(tensorMapOut, staging,
                       {col0, e.add(c.rowInOutput, warpRow0)});
            e.bulkCommitGroup();
          });
        },
        [&] {
          e.syncWarp();
          for (int64_t quarter = 0; quarter < 4; ++quarter) {
            Value row = e.add(e.i32(4 * quarter), e.divu(lane, e.i32(8)));
            Value chunk = e.remu(lane, e.i32(8));
            Value value = e.loadShared16(chunkAddress(row, chunk));
            Value tileRow = e.add(warpRow0, row);
            Value col = e.add(col0, e.mul(chunk, e.i32(8)));
            e.ifThen(
                e.andI(e.ult(tileRow, c.rowsValid), e.ult(col, columns)), [&] {
                  Value index =
                      e.add(e.mul(e.zext64(e.add(c.rowInOutput, tileRow)), ld),
                            e.zext64(col));
                  e.storeGlobal16(out, index, value);
                });
          }
        });
  }
}

//===----------------------------------------------------------------------===//
// Entry point
//===----------------------------------------------------------------------===//

gpu::GPUFuncOp
mlir::mggemm::buildGroupedGemmKernel(OpBuilder &builder, Location loc,
                                     gpu::GPUModuleOp module,
                                     const GroupedGemmKernelSpec &spec) {
  MLIRContext *ctx = builder.getContext();
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToEnd(module.getBody());
  KernelEmitter::declareSharedMemory(builder, loc, module, kSharedMemorySymbol,
                                     1024);

  Type i32 = builder.getI32Type();
  Type tensorMap = KernelEmitter::tensorMapType(ctx);
  Type global = LLVM::LLVMPointerType::get(ctx, 1);
  SmallVector<Type> params = {tensorMap, tensorMap, tensorMap, global, global,
                              i32,       i32,       i32,       i32};
  if (mggemmDtypeIsScaled(spec.dtype))
    params.append({global, global}); // the scales of A and B
  auto type = builder.getFunctionType(params, {});
  auto func = gpu::GPUFuncOp::create(builder, loc, spec.getKernelName(), type);
  func->setAttr(gpu::GPUDialect::getKernelFuncAttrName(),
                builder.getUnitAttr());
  func->setAttr("nvvm.maxntid", builder.getDenseI32ArrayAttr(
                                    {int32_t(spec.getNumThreads()), 1, 1}));
  // One CTA per SM: ptxas caps registers at 64K / threads at entry, which
  // `setmaxnreg` then moves from the producer to the consumers.
  func->setAttr("nvvm.minctasm", builder.getI32IntegerAttr(1));
  // The cluster shape is part of the kernel, so a plain launch forms the
  // clusters.
  if (int32_t cluster = mggemmClusterSize(spec.tile); cluster > 1)
    func->setAttr(NVVM::NVVMDialect::getClusterDimAttrName(),
                  builder.getDenseI32ArrayAttr({cluster, 1, 1}));

  builder.setInsertionPointToStart(&func.getBody().front());
  KernelEmitter emitter(builder, loc);
  KernelBodyBuilder(emitter, spec, func).build();
  gpu::ReturnOp::create(builder, loc);
  return func;
}
