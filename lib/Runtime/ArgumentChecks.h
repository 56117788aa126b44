//===- ArgumentChecks.h - validation of the public entry points' arguments ===//
//
// Run before any CUDA call, so that they work, and fail with a message, on
// machines without a GPU. Each failure is MGGEMM_ERROR_INVALID_VALUE with a
// message naming the argument, its value and what was expected.
//
//===----------------------------------------------------------------------===//

#ifndef MGGEMM_LIB_RUNTIME_ARGUMENTCHECKS_H
#define MGGEMM_LIB_RUNTIME_ARGUMENTCHECKS_H

#include "mggemm/Runtime/mggemm.h"

namespace mggemm::runtime {

/// dtype is a mggemmDtype, scaled (e4m3) exactly when the entry point takes
/// scales; M >= 0; N, K > 0, N a multiple of 8 and K of 16 bytes of the
/// dtype (for the fp8 grad_weight, which reads dY and X transposed: M of 16,
/// K of 8, N any); G >= 1; all below 2^31 (the kernels take int32 dimensions).
mggemmStatus checkProblem(mggemmDtype dtype, int64_t M, int64_t N, int64_t K,
                          int64_t G, bool scaled = false,
                          mggemmKind kind = MGGEMM_KIND_FORWARD);

/// Fails with "dtype <dtype> is not a mggemmDtype (MGGEMM_DTYPE_BF16 = 0,
/// ...)", the list made from mggemmDtypeName.
mggemmStatus failNotADtype(mggemmDtype dtype);

/// The dimensions of a tensor argument, for checks and messages.
struct TensorShape {
  const char *dimNames; // e.g. "[M, K]"
  int rank;
  int64_t dims[3];
  bool isEmpty() const;
};

/// A device tensor argument: 16-byte aligned (TMA), and non-null unless the
/// tensor is empty.
mggemmStatus checkTensor(const void *pointer, const char *name,
                         const TensorShape &shape);

/// Row scales: f32[count] (`dims` names the shape), non-null unless count
/// is 0, 4-byte aligned.
mggemmStatus checkScales(const float *scales, const char *name,
                         const char *dims, int64_t count);

/// `sizes`: int32[G], so non-null (G >= 1) and 4-byte aligned.
mggemmStatus checkSizes(const int32_t *sizes, int64_t G);

} // namespace mggemm::runtime

#endif // MGGEMM_LIB_RUNTIME_ARGUMENTCHECKS_H
