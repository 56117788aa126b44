//===- TileScheduler.cpp - persistent walk over the grouped tiles ---------===//

#include "TileScheduler.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::mggemm;

/// Sizes are capped and prefix sums saturate here, so that 32 of them never
/// overflow i32; the runtime rejects larger M. Saturated sums are still at
/// least M, so clamping them to M gives the true offsets.
static constexpr int64_t kRowCap = MGGEMM_MAX_ROWS;

Value TileScheduler::clampSize(KernelEmitter &e, Value size) {
  return e.minu(e.maxs(size, e.i32(0)), e.i32(kRowCap));
}

Value TileScheduler::tilesOfGroup(Value rows) {
  const mggemmTileConfig &tile = spec.tile;
  // Tiles of a whole cluster: `cluster` CTA tiles stacked along m.
  Value clusterRows = e.i32(int64_t(tile.m) * mggemmClusterSize(tile));
  if (spec.kind == MGGEMM_KIND_GRAD_WEIGHT) // every dW[g] is written
    return e.mul(e.ceilDiv(N, clusterRows), e.ceilDiv(K, e.i32(tile.n)));
  Value columns = spec.kind == MGGEMM_KIND_FORWARD ? N : K;
  Value nTiles = e.ceilDiv(columns, e.i32(tile.n));
  if (spec.pairsLastMTileAlongN()) {
    // Pairs of m-tiles, then an odd last m-tile in pairs of n-tiles.
    Value mTiles = e.ceilDiv(rows, e.i32(tile.m));
    Value odd = e.remu(mTiles, e.i32(2));
    return e.add(e.mul(e.divu(mTiles, e.i32(2)), nTiles),
                 e.mul(odd, e.ceilDiv(nTiles, e.i32(2))));
  }
  return e.mul(e.ceilDiv(rows, clusterRows), nTiles);
}

namespace {
/// Result of looking a tile up, plus the scan position to resume from.
struct Lookup {
  Value found;
  ScheduledTile tile;
  Value chunkBase, tileBase, rowBase;
};
} // namespace

/// Inclusive warp prefix sum by shuffles; `saturate` caps it at kRowCap.
static Value warpInclusiveScan(KernelEmitter &e, Value value, bool saturate) {
  for (int64_t offset = 1; offset < 32; offset *= 2) {
    auto [up, valid] = e.shuffleUp(value, offset);
    Value sum = e.add(value, up);
    if (saturate)
      sum = e.minu(sum, e.i32(kRowCap));
    value = e.select(valid, sum, value);
  }
  return value;
}

void TileScheduler::forEachTile(
    function_ref<SmallVector<Value>(const ScheduledTile &, Value, Value)>
        body) {
  OpBuilder &b = e.builder();
  Location loc = e.getLoc();
  Type i32 = b.getI32Type(), i1 = b.getI1Type();

  // Finds the group of `tile`, scanning forward from (chunkBase, tileBase,
  // rowBase): the first group of a 32-group chunk, the tiles and the rows of
  // all groups before it.
  auto lookup = [&](Value tile, Value chunkBase, Value tileBase,
                    Value rowBase) -> Lookup {
    SmallVector<Type> resultTypes = {i32, i32, i32, i1,  i32, i32,
                                     i32, i32, i32, i32, i32};
    auto scan = scf::WhileOp::create(
        b, loc, resultTypes, ValueRange{chunkBase, tileBase, rowBase},
        [&](OpBuilder &, Location, ValueRange state) {
          Value cb = state[0], tb = state[1], rb = state[2];
          Value lane = e.laneId();
          Value group = e.add(cb, lane);
          Value inRange = e.ult(group, G);
          auto load = scf::IfOp::create(b, loc, TypeRange{i32}, inRange,
                                        /*withElseRegion=*/true);
          {
            OpBuilder::InsertionGuard guard(b);
            b.setInsertionPointToStart(load.thenBlock());
            scf::YieldOp::create(b, loc, e.loadI32(sizes, group));
            b.setInsertionPointToStart(load.elseBlock());
            scf::YieldOp::create(b, loc, e.i32(0));
          }
          Value size = clampSize(e, load.getResult(0));
          Value rowsIncl = warpInclusiveScan(e, size, /*saturate=*/true);
          // Clamp the group's row range to [rowBase, M). The group starts
          // where the previous lane's group ends: once the scan saturates,
          // rowsIncl - size is no longer that.
          auto [rowsBefore, hasBefore] = e.shuffleUp(rowsIncl, 1);
          Value rowsExcl = e.select(hasBefore, rowsBefore, e.i32(0));
          Value room = e.sub(M, rb);
          Value endOffset = e.minu(rowsIncl, room);
          Value startOffset = e.minu(rowsExcl, room);
          Value laneRowStart = e.add(rb, startOffset);
          Value laneRows = e.sub(endOffset, startOffset);
          Value laneTiles = e.select(inRange, tilesOfGroup(laneRows), e.i32(0));
          Value tilesIncl = warpInclusiveScan(e, laneTiles, /*saturate=*/false);
          Value last = e.i32(31);
          Value chunkTiles = e.shuffleIdx(tilesIncl, last);
          Value chunkRows = e.minu(e.shuffleIdx(rowsIncl, last), room);

          Value found = e.ult(tile, e.add(tb, chunkTiles));
          Value more = e.ult(e.add(cb, e.i32(32)), G);
          Value keepScanning = e.andI(
              e.xorI(found, arith::ConstantIntOp::create(b, loc, 1, 1)), more);
          // The owner is the first lane whose groups end past `tile`.
          Value owner = e.minu(
              e.countTrailingZeros(e.ballot(e.ult(tile, e.add(tb, tilesIncl)))),
              last);
          SmallVector<Value> forwarded = {
              e.add(cb, e.i32(32)),
              e.add(tb, chunkTiles),
              e.add(rb, chunkRows),
              found,
              e.add(cb, owner),
              e.shuffleIdx(laneRowStart, owner),
              e.shuffleIdx(laneRows, owner),
              e.add(tb, e.shuffleIdx(e.sub(tilesIncl, laneTiles), owner)),
              cb,
              tb,
              rb};
          scf::ConditionOp::create(b, loc, keepScanning, forwarded);
        },
        [&](OpBuilder &, Location, ValueRange args) {
          scf::YieldOp::create(b, loc, args.take_front(3));
        });
    ValueRange r = scan.getResults();
    Lookup result;
    result.found = r[3];
    result.tile = {tile, r[4], r[5], r[6], r[7]};
    result.chunkBase = r[8];
    result.tileBase = r[9];
    result.rowBase = r[10];
    return result;
  };

  Value zero = e.i32(0);
  // Both CTAs of a cluster walk the same cluster tiles.
  Value clusterSize = e.i32(mggemmClusterSize(spec.tile));
  Value clusterId = e.divu(e.blockId(), clusterSize);
  Value clusters = e.divu(e.gridDim(), clusterSize);
  // Loop state: tile, scan position (3), ring position (2); the condition
  // adds the located group (4) for the body.
  scf::WhileOp::create(
      b, loc, SmallVector<Type>(10, i32),
      ValueRange{clusterId, zero, zero, zero, zero, zero},
      [&](OpBuilder &, Location, ValueRange state) {
        Lookup found = lookup(state[0], state[1], state[2], state[3]);
        scf::ConditionOp::create(
            b, loc, found.found,
            ValueRange{state[0], found.chunkBase, found.tileBase, found.rowBase,
                       state[4], state[5], found.tile.group,
                       found.tile.groupRowStart, found.tile.groupRows,
                       found.tile.groupTileStart});
      },
      [&](OpBuilder &, Location, ValueRange args) {
        ScheduledTile tile = {args[0], args[6], args[7], args[8], args[9]};
        SmallVector<Value> ring = body(tile, args[4], args[5]);
        scf::YieldOp::create(b, loc,
                             ValueRange{e.add(args[0], clusters), args[1],
                                        args[2], args[3], ring[0], ring[1]});
      });
}
