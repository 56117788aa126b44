/*===- TileConfigs.h - the kernel library and its selection table -*- C -*-===*
 *
 * Which tile configurations are compiled into the runtime's kernel library,
 * and which one a product of a given kind and shape should use. The
 * `mggemm-select-tile-config` pass and the runtime both call
 * mggemmSelectTileConfig(), so a program compiled from IR and a call through
 * the runtime pick the same kernel. Benchmarks on the H100 fill the table
 * (bench/results/ says which sweep chose each row).
 *===----------------------------------------------------------------------===*/

#ifndef MGGEMM_RUNTIME_TILECONFIGS_H
#define MGGEMM_RUNTIME_TILECONFIGS_H

#include "mggemm/Runtime/KernelABI.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  mggemmKind kind;
  mggemmTileConfig tile;
} mggemmLibraryEntry;

/* Every kernel the runtime embeds, for each dtype in mggemmLibraryDtypes. */
static const mggemmLibraryEntry mggemmLibraryEntries[] = {
    {MGGEMM_KIND_FORWARD, {128, 256, 64, 4}},
    {MGGEMM_KIND_GRAD_INPUT, {128, 256, 64, 4}},
    {MGGEMM_KIND_GRAD_WEIGHT, {128, 256, 64, 4}},
};

static const mggemmDtype mggemmLibraryDtypes[] = {MGGEMM_DTYPE_BF16,
                                                  MGGEMM_DTYPE_F16};

#define MGGEMM_LIBRARY_SIZE                                                    \
  (sizeof(mggemmLibraryEntries) / sizeof(mggemmLibraryEntries[0]))
#define MGGEMM_LIBRARY_NUM_DTYPES                                              \
  (sizeof(mggemmLibraryDtypes) / sizeof(mggemmLibraryDtypes[0]))

/* The configuration for a product of `kind` on `dtype`. `n` and `k` are the
 * op's N and K, or a negative value where they are not known (dynamic). */
static inline mggemmTileConfig mggemmSelectTileConfig(mggemmKind kind,
                                                      mggemmDtype dtype,
                                                      int64_t n, int64_t k) {
  (void)dtype;
  (void)n;
  (void)k;
  for (size_t i = 0; i < MGGEMM_LIBRARY_SIZE; ++i)
    if (mggemmLibraryEntries[i].kind == kind)
      return mggemmLibraryEntries[i].tile;
  return mggemmLibraryEntries[0].tile;
}

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* MGGEMM_RUNTIME_TILECONFIGS_H */
