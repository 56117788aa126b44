/*===- KernelABI.h - contract between kernel builder and runtime ---*- C -*-===*
 *
 * The compiled grouped-GEMM kernels and the code that launches them (the C
 * runtime and the host code that `convert-mggemm-to-gpu` emits) must agree on
 * the kernel's parameters, the tensor maps it reads through and the shared
 * memory it needs. This header is that agreement. It is plain C with no
 * dependency on MLIR or CUDA, so the compiler and the runtime both include it.
 *
 * Kernel parameters, in order:
 *   0  tensor map of the A operand   128-byte CUtensorMap, by value
 *   1  tensor map of the B operand   128-byte CUtensorMap, by value
 *   2  tensor map of the output      128-byte CUtensorMap, by value
 *   3  output base pointer           global, 16-bit (bf16 for fp8 kernels)
 *   4  sizes                         global, int32[G]
 *   5  M, N, K, G                    int32 each: the op's dimensions
 * Scaled (fp8) kernels take two more, f32 in global memory, row-wise
 * (e4m3, e4m3_fast) or block-wise (e4m3_block; KB = ceil(K/128),
 * NB = ceil(N/128)):
 *   9  scale of A                    [M], or [KB, M]: per 128 K of a row
 *  10  scale of B                    [G, N], or [G, NB, KB]: per 128 x 128
 *
 * Launch: a 1-D grid of at most one CTA per SM (the kernel is persistent and
 * loops over tiles), mggemmThreadsPerCta() threads, and
 * mggemmSharedMemoryBytes() bytes of dynamic shared memory.
 *
 * Operands of each kind (dimensions listed innermost first, as TMA wants):
 *   forward      A = X  {K, M}     B = W  {K, N, G}    out Y  {N, M}
 *   grad_input   A = dY {N, M}     B = W  {K, N, G}    out dX {K, M}
 *   grad_weight  A = dY {N, M}     B = X  {K, M}       out dW {K, G * N}
 *===----------------------------------------------------------------------===*/

#ifndef MGGEMM_RUNTIME_KERNELABI_H
#define MGGEMM_RUNTIME_KERNELABI_H

#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Which product a kernel computes. Values match mggemm::GemmKind. */
typedef enum {
  MGGEMM_KIND_FORWARD = 0,
  MGGEMM_KIND_GRAD_INPUT = 1,
  MGGEMM_KIND_GRAD_WEIGHT = 2,
} mggemmKind;

/* Element type of A and B. bf16 and f16 products are of that type too; an
 * e4m3 (f8E4M3FN) product is bf16 and its operands come with f32 scales
 * (see mggemmScaledForward in mggemm.h): per row (MGGEMM_DTYPE_E4M3, the
 * torch._scaled_grouped_mm convention) or per block (MGGEMM_DTYPE_E4M3_BLOCK:
 * 1 x 128 for A, 128 x 128 for B, the DeepGEMM convention). Both add the
 * tensor cores' sums of each 128-wide K block in f32. MGGEMM_DTYPE_E4M3_FAST
 * is MGGEMM_DTYPE_E4M3 summed in the tensor cores over all of K, as
 * torch._scaled_grouped_mm's use_fast_accum: faster, and less precise where
 * the products do not cancel (bench/results/notes.md, v18). */
typedef enum {
  MGGEMM_DTYPE_BF16 = 0,
  MGGEMM_DTYPE_F16 = 1,
  MGGEMM_DTYPE_E4M3 = 2,
  MGGEMM_DTYPE_E4M3_BLOCK = 3,
  MGGEMM_DTYPE_E4M3_FAST = 4,
} mggemmDtype;

/* How many mggemmDtype values there are (0 to MGGEMM_DTYPE_COUNT - 1), so
 * that range checks and loops over all dtypes need no list of them. */
#define MGGEMM_DTYPE_COUNT ((int)MGGEMM_DTYPE_E4M3_FAST + 1)

/* Whether `dtype` is one of the values above. */
static inline int mggemmIsDtype(mggemmDtype dtype) {
  return (int)dtype >= 0 && (int)dtype < MGGEMM_DTYPE_COUNT;
}

/* Whether operands of `dtype` come with scales (kernel parameters 8, 9). */
static inline int mggemmDtypeIsScaled(mggemmDtype dtype) {
  return dtype == MGGEMM_DTYPE_E4M3 || dtype == MGGEMM_DTYPE_E4M3_BLOCK ||
         dtype == MGGEMM_DTYPE_E4M3_FAST;
}

/* Whether the scales of `dtype` are per row of A and of B (applied to the
 * finished sums). */
static inline int mggemmDtypeIsRowScaled(mggemmDtype dtype) {
  return dtype == MGGEMM_DTYPE_E4M3 || dtype == MGGEMM_DTYPE_E4M3_FAST;
}

/* Whether kernels of `dtype` add each 128-wide K block's tensor-core sums up
 * in f32 (two accumulators: tiles up to n = 192). */
static inline int mggemmDtypePromotes(mggemmDtype dtype) {
  return dtype == MGGEMM_DTYPE_E4M3 || dtype == MGGEMM_DTYPE_E4M3_BLOCK;
}

/* Extent of a scale block along K (and, for B, along N). Block-scaled
 * kernels apply each K block's scales to its partial sums as they go, so
 * their tiles are 128 wide in n and k. */
#define MGGEMM_SCALE_BLOCK 128

/* A CTA tile of m x n outputs reduced k at a time through a ring of `stages`
 * shared-memory stages. `cluster` CTAs (0 or 1: none; 2: a pair) form a
 * thread-block cluster that computes vertically adjacent tiles sharing the
 * B operand, each loading 1/cluster of B and multicasting it to the others. */
typedef struct {
  int32_t m, n, k, stages, cluster;
} mggemmTileConfig;

/* CTAs per cluster, at least 1. */
static inline int32_t mggemmClusterSize(mggemmTileConfig tile) {
  return tile.cluster > 1 ? tile.cluster : 1;
}

/* Elements of a 16-bit type in one 128-byte swizzled shared-memory row: the
 * inner extent of the MN-major TMA boxes (only 16-bit kernels read operands
 * MN-major) and of the output boxes. */
#define MGGEMM_SWIZZLE_ELEMS 64
#define MGGEMM_TENSOR_MAP_BYTES 128
/* Parameters of the scaled kernels; unscaled kernels take the first 9. */
#define MGGEMM_MAX_KERNEL_PARAMS 11

static inline int mggemmNumKernelParams(mggemmDtype dtype) {
  return mggemmDtypeIsScaled(dtype) ? 11 : 9;
}

/* Operand numbers of the tensor maps: A is 0, B is 1, the output 2. */
#define MGGEMM_OPERAND_OUTPUT 2
/* Rows of one output box: each consumer warp stores its 16 rows of a tile
 * 64 columns (MGGEMM_SWIZZLE_ELEMS) at a time. */
#define MGGEMM_OUTPUT_BOX_ROWS 16

/* Bytes of one element of A and B. */
static inline int64_t mggemmElementBytes(mggemmDtype dtype) {
  return mggemmDtypeIsScaled(dtype) ? 1 : 2;
}

/* Whether operand `operand` (0 = A, 1 = B) arrives MN-major, i.e. with the
 * reduction as its outer dimension: dY and X of 16-bit grad_weight kernels
 * and W of grad_input ones. fp8 wgmma reads both operands K-major, so the fp8
 * grad_weight kernels take dY and X transposed (mggemmScaledGradWeight). */
static inline int mggemmOperandIsMNMajor(mggemmKind kind, int operand,
                                         mggemmDtype dtype) {
  if (mggemmElementBytes(dtype) == 1)
    return 0;
  return operand == 0 ? kind == MGGEMM_KIND_GRAD_WEIGHT
                      : kind != MGGEMM_KIND_FORWARD;
}

/* Whether the kernel of `kind` and `dtype` takes dY and X transposed, as
 * dYᵀ [N, M] and Xᵀ [K, M]: the fp8 grad_weight, whose operands must be
 * K-major, which for dW is along M. */
static inline int mggemmTakesTransposedOperands(mggemmKind kind,
                                                mggemmDtype dtype) {
  return kind == MGGEMM_KIND_GRAD_WEIGHT &&
         !mggemmOperandIsMNMajor(kind, 0, dtype);
}

static inline const char *mggemmKindName(mggemmKind kind) {
  switch (kind) {
  case MGGEMM_KIND_FORWARD:
    return "forward";
  case MGGEMM_KIND_GRAD_INPUT:
    return "grad_input";
  case MGGEMM_KIND_GRAD_WEIGHT:
    return "grad_weight";
  }
  return "unknown";
}

static inline const char *mggemmDtypeName(mggemmDtype dtype) {
  switch (dtype) {
  case MGGEMM_DTYPE_BF16:
    return "bf16";
  case MGGEMM_DTYPE_F16:
    return "f16";
  case MGGEMM_DTYPE_E4M3:
    return "e4m3";
  case MGGEMM_DTYPE_E4M3_BLOCK:
    return "e4m3_block";
  case MGGEMM_DTYPE_E4M3_FAST:
    return "e4m3_fast";
  }
  return "unknown";
}

static inline int64_t mggemmThreadsPerCta(mggemmTileConfig tile) {
  return 128 * (1 + tile.m / 64);
}

/* Bytes of one pipeline stage: an A tile [m x k] and a B tile [n x k]. */
static inline int64_t mggemmStageBytes(mggemmTileConfig tile,
                                       int64_t elementBytes) {
  return (int64_t)(tile.m + tile.n) * tile.k * elementBytes;
}

/* Layout of the dynamic shared memory, from its 1024-byte aligned base:
 * stage s holds A at s * stageBytes and B right after it; then the `full`
 * mbarriers (one per stage), the `empty` mbarriers and, in the fp8 weight
 * gradient kernels, the `masked` ones (at most 192 bytes);
 * then, 1024 bytes after the barriers' start, the epilogue's staging area:
 * MGGEMM_EPILOGUE_WARP_BYTES per consumer warp, two buffers of one output
 * box each (16 rows x 64 columns of 16-bit elements), so that the warp fills
 * one while a TMA store drains the other. The kernel rounds the base up to
 * 1024 bytes itself, hence the slack. */
#define MGGEMM_EPILOGUE_BUFFER_BYTES 2048
#define MGGEMM_EPILOGUE_WARP_BYTES (2 * MGGEMM_EPILOGUE_BUFFER_BYTES)

static inline int64_t mggemmBarrierOffset(mggemmTileConfig tile,
                                          int64_t elementBytes) {
  return tile.stages * mggemmStageBytes(tile, elementBytes);
}

static inline int64_t mggemmEpilogueOffset(mggemmTileConfig tile,
                                           int64_t elementBytes) {
  return mggemmBarrierOffset(tile, elementBytes) + 1024;
}

static inline int64_t mggemmSharedMemoryBytes(mggemmTileConfig tile,
                                              int64_t elementBytes) {
  return mggemmEpilogueOffset(tile, elementBytes) +
         (int64_t)(tile.m / 16) * MGGEMM_EPILOGUE_WARP_BYTES + 1024;
}

/* The largest M (and group size) the kernels accept: they cap sizes here and
 * saturate prefix sums of 32 sizes, which must stay within int32. */
#define MGGEMM_MAX_ROWS ((int64_t)(1 << 30) - 1)

/* The most dynamic shared memory an sm_90 CTA may use (227 KB). */
#define MGGEMM_SM90_MAX_SHARED_MEMORY (227 * 1024)

/* The tensor a kernel operand's map describes (sizes innermost first) and
 * the box one TMA load brings in. Returns the rank (2 or 3). `operand` is 0
 * for A, 1 for B and MGGEMM_OPERAND_OUTPUT for the output (dW viewed as
 * G * N rows). */
static inline int mggemmTensorMapShape(mggemmKind kind, int operand,
                                       mggemmDtype dtype, int64_t M, int64_t N,
                                       int64_t K, int64_t G, int64_t dims[3]) {
  if (operand == MGGEMM_OPERAND_OUTPUT) {
    dims[0] = kind == MGGEMM_KIND_FORWARD ? N : K;
    dims[1] = kind == MGGEMM_KIND_GRAD_WEIGHT ? G * N : M;
    return 2;
  }
  if (kind == MGGEMM_KIND_GRAD_WEIGHT) {
    /* dY [M, N] and X [M, K]; fp8 kernels take them transposed. */
    int64_t columns = operand == 0 ? N : K;
    int transposed = mggemmTakesTransposedOperands(kind, dtype);
    dims[0] = transposed ? M : columns;
    dims[1] = transposed ? columns : M;
    return 2;
  }
  if (operand == 0) {
    dims[0] = kind == MGGEMM_KIND_FORWARD ? K : N;
    dims[1] = M;
    return 2;
  }
  dims[0] = K;
  dims[1] = N;
  dims[2] = G;
  return 3;
}

/* Rows of one box of A in forward and grad_input kernels. Most load A in
 * 64-row boxes, one per consumer warpgroup, so that a tile leaves out the
 * boxes past its group's last row. The kernels that add their sums per K
 * block load A whole: in 64-row boxes the block-scaled one ran ~5% slower on
 * the H200 (bench/results/notes.md, v13). */
static inline int32_t mggemmABoxRows(mggemmDtype dtype, mggemmTileConfig tile) {
  return mggemmDtypePromotes(dtype) ? tile.m : 64;
}

/* Box of one TMA load (or, for the output, store), innermost first; trailing
 * entries are 1. Operands the MMA reads transposed (MN-major) arrive as
 * several 64-wide boxes per stage. */
static inline void mggemmTensorMapBox(mggemmKind kind, int operand,
                                      mggemmDtype dtype, mggemmTileConfig tile,
                                      int64_t box[3]) {
  box[2] = 1;
  if (operand == MGGEMM_OPERAND_OUTPUT) {
    box[0] = MGGEMM_SWIZZLE_ELEMS;
    box[1] = MGGEMM_OUTPUT_BOX_ROWS;
    return;
  }
  if (mggemmOperandIsMNMajor(kind, operand, dtype)) {
    box[0] = MGGEMM_SWIZZLE_ELEMS; /* along the output's rows or columns */
    box[1] = tile.k;               /* along the reduction */
    return;
  }
  box[0] = tile.k;
  /* Each CTA of a cluster loads its share of B's n rows. */
  box[1] = operand == 0 ? mggemmABoxRows(dtype, tile)
                        : tile.n / mggemmClusterSize(tile);
}

/* Symbol name of the kernel for a kind, dtype and tile; a cluster of C > 1
 * CTAs adds "cC". */
static inline int mggemmKernelName(char *buffer, size_t size, mggemmKind kind,
                                   mggemmDtype dtype, mggemmTileConfig tile) {
  char cluster[16] = "";
  if (mggemmClusterSize(tile) > 1)
    snprintf(cluster, sizeof(cluster), "c%d", (int)mggemmClusterSize(tile));
  return snprintf(buffer, size, "mggemm_%s_%s_m%dn%dk%ds%d%s",
                  mggemmKindName(kind), mggemmDtypeName(dtype), tile.m, tile.n,
                  tile.k, tile.stages, cluster);
}

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* MGGEMM_RUNTIME_KERNELABI_H */
