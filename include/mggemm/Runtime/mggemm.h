/*===- mggemm.h - C API of the mggemm GPU runtime -------------------*- C -*-===*
 *
 * Launches the grouped-GEMM kernels that mggemm-opt compiled ahead of time
 * (embedded in this library) on the caller's CUDA stream. Links nothing but
 * the CUDA driver, which it opens lazily (dlopen of libcuda.so.1): the
 * argument checks run, and fail cleanly, on machines without a GPU.
 *
 * Conventions (all pointers are device pointers, row-major, contiguous):
 *   forward      Y[M,N]  = per group g:  X_g[.,K] · W[g]ᵀ     W is [G, N, K]
 *   grad_input   dX[M,K] = per group g:  dY_g[.,N] · W[g]
 *   grad_weight  dW[G,N,K]: dW[g] = dY_gᵀ · X_g  (zeros for an empty group)
 * `sizes` is int32[G] in device memory; M must equal its sum (rows past the
 * sum are not touched; the kernels clamp so that bad sizes never make them
 * read or write outside the buffers). No call synchronizes with the device
 * or reads `sizes` on the host, unless checked mode is on.
 *===----------------------------------------------------------------------===*/

#ifndef MGGEMM_RUNTIME_MGGEMM_H
#define MGGEMM_RUNTIME_MGGEMM_H

#include "mggemm/Runtime/KernelABI.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  MGGEMM_SUCCESS = 0,
  MGGEMM_ERROR_INVALID_VALUE = 1, /* bad dimension, null or misaligned pointer */
  MGGEMM_ERROR_UNSUPPORTED = 2,   /* valid request this build cannot serve */
  MGGEMM_ERROR_NO_DEVICE = 3,     /* no driver, no GPU, or not sm_90 */
  MGGEMM_ERROR_CUDA = 4,          /* a CUDA driver call failed */
  MGGEMM_ERROR_BAD_SIZES = 5,     /* checked mode: sizes negative / sum != M */
} mggemmStatus;

/* Human-readable description of the last failure on this thread ("" after a
 * success). The string stays valid until the next call on this thread. */
const char *mggemmGetLastError(void);
const char *mggemmStatusString(mggemmStatus status);

/* `stream` is a CUstream (0 = the legacy default stream). */
mggemmStatus mggemmForward(const void *x, const void *w, const int32_t *sizes,
                           void *y, int64_t M, int64_t N, int64_t K, int64_t G,
                           mggemmDtype dtype, void *stream);
mggemmStatus mggemmGradInput(const void *dy, const void *w,
                             const int32_t *sizes, void *dx, int64_t M,
                             int64_t N, int64_t K, int64_t G,
                             mggemmDtype dtype, void *stream);
mggemmStatus mggemmGradWeight(const void *dy, const void *x,
                              const int32_t *sizes, void *dw, int64_t M,
                              int64_t N, int64_t K, int64_t G,
                              mggemmDtype dtype, void *stream);
/* Both gradients, back to back on `stream`. */
mggemmStatus mggemmBackward(const void *dy, const void *x, const void *w,
                            const int32_t *sizes, void *dx, void *dw,
                            int64_t M, int64_t N, int64_t K, int64_t G,
                            mggemmDtype dtype, void *stream);

/* Forward product of fp8 operands (float8_e4m3fn) with f32 scales; Y is
 * bf16 [M, N]. X [M, K] and W [G, N, K] hold fp8 elements. K must be a
 * multiple of 16 (16-byte TMA rows), N of 8. The tensor cores sum each
 * 128-wide block of K and the kernels add those sums in f32, except with
 * MGGEMM_DTYPE_E4M3_FAST. `dtype` says how the operands are scaled:
 *   MGGEMM_DTYPE_E4M3, row-wise (the torch._scaled_grouped_mm convention):
 *     scaleX [M], scaleW [G, N], and for row r of group g
 *     Y[r, n] = bf16(scaleX[r] * scaleW[g, n] * sum_k X[r, k] * W[g, n, k]);
 *   MGGEMM_DTYPE_E4M3_FAST, the same summed in the tensor cores over all of
 *     K (torch's use_fast_accum): faster, but their sums keep about 14 bits,
 *     so products that do not cancel lose precision as K grows;
 *   MGGEMM_DTYPE_E4M3_BLOCK, block-wise (the DeepGEMM convention): scaleX
 *     [ceil(K/128), M] (one per 128 K of each row, K-block-major), scaleW
 *     [G, ceil(N/128), ceil(K/128)] (one per 128 x 128 block), and
 *     Y[r, n] = bf16(sum_b scaleX[b, r] * scaleW[g, n / 128, b]
 *                          * sum_{k in block b} X[r, k] * W[g, n, k]). The fp8
 * input gradient is the same product with the weight transposed: dX =
 * mggemmScaledForward(dY, Wt) with Wt [G, K, N] quantized along N
 * (docs/user-guide.md). */
mggemmStatus mggemmScaledForward(const void *x, const void *w,
                                 const float *scaleX, const float *scaleW,
                                 const int32_t *sizes, void *y, int64_t M,
                                 int64_t N, int64_t K, int64_t G,
                                 mggemmDtype dtype, void *stream);

/* Weight gradient of fp8 operands, given transposed: dyT [N, M] and xT
 * [K, M] hold fp8 elements (float8_e4m3fn), group g's rows of the forward
 * being their columns off_g .. off_g + sizes[g] - 1 (off_g the sum of the
 * sizes before g); scaleDY [G, N] and scaleX [G, K] are f32, one per row of
 * dyT and of xT in each group; dW [G, N, K] is bf16:
 *   dW[g, n, k] = bf16(scaleDY[g, n] * scaleX[g, k]
 *                      * sum_{r in group g} dyT[n, r] * xT[k, r])
 * and zero for an empty group. fp8 wgmma reads both operands K-major, here
 * along M, hence the transposed layout; M (the reduction) must be a multiple
 * of 16 (16-byte TMA rows: pad the last group with zero columns, or leave
 * columns past the last group, which are not read), N and K multiples of 8.
 * `dtype` is MGGEMM_DTYPE_E4M3 (each 128 columns' sums added in f32) or
 * MGGEMM_DTYPE_E4M3_FAST (summed in the tensor cores). Where every size is a
 * multiple of 128 (pad each group with zero columns to get there), no k-block
 * holds two groups and the kernel skips the masking of other groups' columns:
 * 1-3% faster (bench/results/notes.md, v27). */
mggemmStatus mggemmScaledGradWeight(const void *dyT, const void *xT,
                                    const float *scaleDY, const float *scaleX,
                                    const int32_t *sizes, void *dw, int64_t M,
                                    int64_t N, int64_t K, int64_t G,
                                    mggemmDtype dtype, void *stream);

/* Checked mode (off by default): before each launch, copy `sizes` to the
 * host (synchronizing the stream) and fail with MGGEMM_ERROR_BAD_SIZES if any
 * is negative or they do not add up to M (mggemmScaledGradWeight: if they add
 * up to more, as its operands may end in padding columns). For debugging;
 * not capturable in a CUDA graph. */
void mggemmSetCheckedMode(int enabled);

/* For tuning tools: every later product of `kind` uses the library kernel
 * with tile configuration `*tile` instead of mggemmSelectTileConfig's choice
 * (process-wide), on the dtypes whose library has that kernel (fp8 tiles
 * have k = 128, 16-bit ones k = 64); a null `tile` restores the default.
 * Fails with MGGEMM_ERROR_UNSUPPORTED, changing nothing, if TileConfigs.h has
 * no such kernel for any dtype. */
mggemmStatus mggemmSetTileConfig(mggemmKind kind, const mggemmTileConfig *tile);

/* Number of SMs of the current device (the persistent grid size), or -1 with
 * the last error set. */
int32_t mggemmDeviceSMCount(void);

/* Fills the 128-byte tensor map of operand `operand` (0 = A, 1 = B, 2 = the
 * output) of a
 * kernel with tile (tileM, tileN, tileK) on clusters of `tileCluster` CTAs
 * (1 or 2), per KernelABI.h. Used by the runtime itself and by host code that
 * convert-mggemm-to-gpu emits. */
mggemmStatus mggemmEncodeTensorMap(void *tensorMap, mggemmKind kind,
                                   int32_t operand, mggemmDtype dtype,
                                   int32_t tileM, int32_t tileN, int32_t tileK,
                                   int32_t tileCluster, const void *base, int64_t M, int64_t N,
                                   int64_t K, int64_t G);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* MGGEMM_RUNTIME_MGGEMM_H */
