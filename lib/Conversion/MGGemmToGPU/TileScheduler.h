//===- TileScheduler.h - persistent walk over the grouped tiles -*- C++ -*-===//
//
// Tiles are numbered group by group: group g owns a contiguous range of tile
// indices, and CTA b processes tiles b, b + gridDim, b + 2 gridDim, ... (with
// clusters of C CTAs, tiles are cluster tiles of C m-tiles, and both CTAs of
// cluster b / C walk b / C, b / C + gridDim / C, ...; where the spec pairs
// the last m-tile along n, a group with an odd number of m-tiles ends in
// cluster tiles of that m-tile and two n-tiles). Each warp finds the group of
// its next tile by itself: it scans the device-side `sizes` 32 groups at a time
// (one per lane, prefix sums by shuffles) and, since its tiles only move
// forward, keeps its place between tiles. No host synchronisation and no extra
// launch; any G.
//
// Sizes are sanitised as they are read: negative sizes count as 0 and the
// running row offset is clamped to M, so no size vector makes a kernel touch
// rows outside [0, M).
//
//===----------------------------------------------------------------------===//

#ifndef MGGEMM_LIB_CONVERSION_MGGEMMTOGPU_TILESCHEDULER_H
#define MGGEMM_LIB_CONVERSION_MGGEMMTOGPU_TILESCHEDULER_H

#include "KernelEmitter.h"
#include "mggemm/Conversion/MGGemmToGPU/GroupedGemmKernelBuilder.h"

namespace mlir {
namespace mggemm {

/// What the scheduler knows about one tile (all i32, uniform in a warp).
struct ScheduledTile {
  Value tile;           // global tile index
  Value group;          // its group
  Value groupRowStart;  // first row of the group in M
  Value groupRows;      // rows of the group (after clamping to M)
  Value groupTileStart; // index of the group's first tile
};

class TileScheduler {
public:
  TileScheduler(KernelEmitter &e, const GroupedGemmKernelSpec &spec,
                Value sizes, Value M, Value N, Value K, Value G)
      : e(e), spec(spec), sizes(sizes), M(M), N(N), K(K), G(G) {}

  /// Runs `body` for each tile of this CTA, carrying the stage ring position
  /// (stage, phase) from tile to tile; `body` returns the advanced pair.
  void forEachTile(function_ref<SmallVector<Value>(const ScheduledTile &,
                                                   Value stage, Value phase)>
                       body);

  /// A size read from `sizes` as the scheduler counts it: negative as 0,
  /// capped so that prefix sums of 32 never overflow i32.
  static Value clampSize(KernelEmitter &e, Value size);

private:
  Value tilesOfGroup(Value rows);

  KernelEmitter &e;
  const GroupedGemmKernelSpec &spec;
  Value sizes, M, N, K, G;
};

} // namespace mggemm
} // namespace mlir

#endif // MGGEMM_LIB_CONVERSION_MGGEMMTOGPU_TILESCHEDULER_H
