//===- DeviceKernels.h - data, reference and comparison kernels -----------===//
//
// Everything mggemm-run computes on the GPU besides the kernels under test:
// random inputs, NaN poison, an fp32 reference grouped GEMM (plain tiled
// CUDA, no tensor cores, no TMA: nothing in common with the kernels it
// checks), and the comparison of a result with the reference.
//
//===----------------------------------------------------------------------===//

#ifndef MGGEMM_TOOLS_MGGEMMRUN_DEVICEKERNELS_H
#define MGGEMM_TOOLS_MGGEMMRUN_DEVICEKERNELS_H

#include "mggemm/Runtime/KernelABI.h"

#include <cuda_runtime.h>

#include <cstdint>

namespace mggemm::run {

/// The NaN the outputs are filled with before a run: negative, with a payload
/// no arithmetic produces, so "still poison" means "never written".
constexpr uint16_t kPoisonBits = 0xfff1;

/// Fills `count` elements with values uniform in [-scale, scale) (in [0,
/// scale) where `nonNegative`), drawn from (seed, stream) so that every buffer
/// gets its own data.
void fillRandom(void *data, int64_t count, mggemmDtype dtype, float scale,
                uint64_t seed, uint64_t stream, cudaStream_t cudaStream,
                bool nonNegative = false);

/// Fills `count` f32 scales with values uniform in [center / 2, 3 center / 2).
void fillScales(float *data, int64_t count, float center, uint64_t seed,
                uint64_t stream, cudaStream_t cudaStream);

/// Fills `count` 16-bit elements with `bits`.
void fill16(void *data, int64_t count, uint16_t bits, cudaStream_t stream);

/// One group's product in fp32: C[i, j] = sum_t A(i, t) * B(j, t) for
/// i < rows, j < cols, t < reduction, where A(i, t) = a[i * aRow + t * aRed]
/// and B(j, t) = b[j * bCol + t * bRed], and C[i, j] = c[i * ldc + j]. With
/// reduction == 0 it writes zeros. Row-scaled products multiply C[i, j] by
/// aScale[i] * bScale[j] (each 1 when null). Block-scaled products scale the
/// inputs as they are read: A(i, t) by aBlockScale[(t / 128) * aBlockStride
/// + i] and B(j, t) by bBlockScale[(j / 128) * bBlockStride + t / 128].
struct ReferenceProduct {
  const void *a;
  int64_t aRow, aRed;
  const void *b;
  int64_t bCol, bRed;
  float *c;
  int64_t ldc;
  int64_t rows, cols, reduction;
  const float *aScale = nullptr, *bScale = nullptr;
  const float *aBlockScale = nullptr, *bBlockScale = nullptr;
  int64_t aBlockStride = 0, bBlockStride = 0;
};
void referenceProduct(const ReferenceProduct &product, mggemmDtype dtype,
                      cudaStream_t stream);

/// What comparing an output with its reference found.
struct CompareStats {
  double sumSquaredError;     // over finite outputs
  double sumSquaredReference; // over all compared elements
  float maxAbsError;          // over finite outputs
  int64_t maxErrorIndex;      // -1 if none
  int64_t poisoned;           // still holding the poison: never written
  int64_t nonFinite;          // other NaN or infinity
  int64_t firstBadIndex;      // first poisoned or non-finite, -1 if none
};

/// Compares `count` outputs of a `dtype` product (bf16 for scaled dtypes)
/// with their fp32 reference.
CompareStats compare(const void *out, const float *reference, int64_t count,
                     mggemmDtype dtype, cudaStream_t stream);

/// Counts the elements whose bits, masked by `mask`, differ from `bits`.
int64_t countDifferent(const void *data, int64_t count, uint16_t bits,
                       uint16_t mask, cudaStream_t stream);

/// Counts the 16-bit elements of `a` and `b` whose bits differ.
int64_t countMismatches(const void *a, const void *b, int64_t count,
                        cudaStream_t stream);

} // namespace mggemm::run

#endif // MGGEMM_TOOLS_MGGEMMRUN_DEVICEKERNELS_H
