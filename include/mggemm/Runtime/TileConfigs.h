/*===- TileConfigs.h - the kernel library and its selection table -*- C -*-===*
 *
 * Which tile configurations are compiled into the runtime's kernel library,
 * and which one a product of a given kind and shape should use. The
 * `mggemm-select-tile-config` pass and the runtime both call
 * mggemmSelectTileConfig(), so a program compiled from IR and a call through
 * the runtime pick from the same table (the runtime also knows the rows per
 * group, the pass does not). Benchmarks on the H100 fill the table
 * (bench/results/notes.md and bench/tune_tiles.py).
 *===----------------------------------------------------------------------===*/

#ifndef MGGEMM_RUNTIME_TILECONFIGS_H
#define MGGEMM_RUNTIME_TILECONFIGS_H

#include "mggemm/Runtime/KernelABI.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  mggemmKind kind;
  mggemmDtype dtype;
  mggemmTileConfig tile;
} mggemmLibraryEntry;

/* Every kernel the runtime embeds. For bf16 and f16, per kind, a 128x256
 * tile with 4 stages on clusters of two CTAs that multicast B, and the same
 * tile without clusters (bench/results/notes.md, v5: clusters are 3-20%
 * faster on the large shapes and 4-7% slower for forward and grad_input when
 * groups hold fewer rows than a cluster tile). For e4m3, row- and
 * block-scaled, the forward product (the fp8 input gradient is a forward
 * product, see mggemm.h), and, row-scaled, the weight gradient of
 * transposed operands (mggemmScaledGradWeight: the forward's 128 x 192
 * tiles, with and without clusters), with k = 128 (one 128-byte row of fp8).
 * Their consumers keep the tile's sum in a second accumulator that each K
 * block's partial sums are added (block scales: scaled) into, since the
 * tensor cores' own fp8 sums lose precision over K (bench/results/notes.md,
 * v18). On clusters the tile is 128 x 192 with 4 stages, whose consumers
 * take turns to issue each K block's MMAs; without clusters (weight-bound
 * layers) 128 x 128 with 6 stages, which adds one K block while the next
 * one's MMAs run (bench/results/notes.md, v17). e4m3_fast, summed in the
 * tensor cores over all of K, has one accumulator and the 16-bit kernels'
 * 128 x 256 tiles with k = 128 (the same stage bytes). */
static const mggemmLibraryEntry mggemmLibraryEntries[] = {
    {MGGEMM_KIND_FORWARD, MGGEMM_DTYPE_BF16, {128, 256, 64, 4, 2}},
    {MGGEMM_KIND_GRAD_INPUT, MGGEMM_DTYPE_BF16, {128, 256, 64, 4, 2}},
    {MGGEMM_KIND_GRAD_WEIGHT, MGGEMM_DTYPE_BF16, {128, 256, 64, 4, 2}},
    {MGGEMM_KIND_FORWARD, MGGEMM_DTYPE_BF16, {128, 256, 64, 4, 1}},
    {MGGEMM_KIND_GRAD_INPUT, MGGEMM_DTYPE_BF16, {128, 256, 64, 4, 1}},
    {MGGEMM_KIND_GRAD_WEIGHT, MGGEMM_DTYPE_BF16, {128, 256, 64, 4, 1}},
    {MGGEMM_KIND_FORWARD, MGGEMM_DTYPE_F16, {128, 256, 64, 4, 2}},
    {MGGEMM_KIND_GRAD_INPUT, MGGEMM_DTYPE_F16, {128, 256, 64, 4, 2}},
    {MGGEMM_KIND_GRAD_WEIGHT, MGGEMM_DTYPE_F16, {128, 256, 64, 4, 2}},
    {MGGEMM_KIND_FORWARD, MGGEMM_DTYPE_F16, {128, 256, 64, 4, 1}},
    {MGGEMM_KIND_GRAD_INPUT, MGGEMM_DTYPE_F16, {128, 256, 64, 4, 1}},
    {MGGEMM_KIND_GRAD_WEIGHT, MGGEMM_DTYPE_F16, {128, 256, 64, 4, 1}},
    {MGGEMM_KIND_FORWARD, MGGEMM_DTYPE_E4M3, {128, 192, 128, 4, 2}},
    {MGGEMM_KIND_FORWARD, MGGEMM_DTYPE_E4M3, {128, 128, 128, 6, 1}},
    {MGGEMM_KIND_FORWARD, MGGEMM_DTYPE_E4M3_BLOCK, {128, 192, 128, 4, 2}},
    {MGGEMM_KIND_FORWARD, MGGEMM_DTYPE_E4M3_BLOCK, {128, 128, 128, 6, 1}},
    {MGGEMM_KIND_FORWARD, MGGEMM_DTYPE_E4M3_FAST, {128, 256, 128, 4, 2}},
    {MGGEMM_KIND_FORWARD, MGGEMM_DTYPE_E4M3_FAST, {128, 256, 128, 4, 1}},
    {MGGEMM_KIND_GRAD_WEIGHT, MGGEMM_DTYPE_E4M3, {128, 192, 128, 4, 2}},
    {MGGEMM_KIND_GRAD_WEIGHT, MGGEMM_DTYPE_E4M3, {128, 192, 128, 4, 1}},
    {MGGEMM_KIND_GRAD_WEIGHT, MGGEMM_DTYPE_E4M3_FAST, {128, 256, 128, 4, 2}},
};

#define MGGEMM_LIBRARY_SIZE                                                    \
  (sizeof(mggemmLibraryEntries) / sizeof(mggemmLibraryEntries[0]))

/* The configuration for a product of `kind` on `dtype` (one the library
 * supports; otherwise the first entry's, which has no such kernel). `n` and `k`
 * are the op's N and K and `rowsPerGroup` is M / G, each negative where it is
 * not known (dynamic). Forward and grad_input tiles cover a group's rows, and a
 * cluster tile covers 256 of them: with fewer rows per group (weight-bound
 * MoE layers) half of each pair would idle, so they run without clusters.
 * So does the row-scaled fp8 weight gradient, whose tiles then reduce over
 * one or two K blocks: 1-6.5% faster without clusters on 7 of 8 such cases,
 * where bf16's is up to 19% slower (bench/results/notes.md, v26). */
static inline mggemmTileConfig mggemmSelectTileConfig(mggemmKind kind,
                                                      mggemmDtype dtype,
                                                      int64_t n, int64_t k,
                                                      int64_t rowsPerGroup) {
  (void)n;
  (void)k;
  int32_t cluster = 2;
  if ((kind != MGGEMM_KIND_GRAD_WEIGHT || dtype == MGGEMM_DTYPE_E4M3) &&
      rowsPerGroup >= 0 && rowsPerGroup < 2 * 128)
    cluster = 1;
  for (size_t i = 0; i < MGGEMM_LIBRARY_SIZE; ++i)
    if (mggemmLibraryEntries[i].kind == kind &&
        mggemmLibraryEntries[i].dtype == dtype &&
        mggemmClusterSize(mggemmLibraryEntries[i].tile) == cluster)
      return mggemmLibraryEntries[i].tile;
  return mggemmLibraryEntries[0].tile;
}

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* MGGEMM_RUNTIME_TILECONFIGS_H */
