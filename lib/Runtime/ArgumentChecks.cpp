//===- ArgumentChecks.cpp - validation of the public entry points' args ---===//

#include "ArgumentChecks.h"
#include "Error.h"

#include <cctype>
#include <cinttypes>
#include <cstdio>
#include <string>

using namespace mggemm::runtime;

namespace {
constexpr int64_t kMaxDimension = INT32_MAX;

/// `elementBytes`: the value is a row length of elements that wide, which
/// must fill multiples of 16 bytes (0: no such constraint).
mggemmStatus checkDimension(const char *name, int64_t value, int64_t minimum,
                            int64_t elementBytes,
                            int64_t maximum = kMaxDimension) {
  if (value < minimum) {
    if (minimum == 0)
      return fail(MGGEMM_ERROR_INVALID_VALUE, "%s = %" PRId64 " is negative",
                  name, value);
    return fail(MGGEMM_ERROR_INVALID_VALUE,
                "%s = %" PRId64 " must be at least %" PRId64, name, value,
                minimum);
  }
  if (value > maximum)
    return fail(MGGEMM_ERROR_INVALID_VALUE,
                "%s = %" PRId64 " is too large: the kernels take at most "
                "%" PRId64,
                name, value, maximum);
  // A row of N or K elements is the stride of a TMA tensor map, and TMA
  // strides must be multiples of 16 bytes.
  if (elementBytes && value % (16 / elementBytes) != 0)
    return fail(MGGEMM_ERROR_INVALID_VALUE,
                "%s = %" PRId64 " is not a multiple of %" PRId64
                " (TMA needs rows of %d-bit elements to be multiples of 16 "
                "bytes)",
                name, value, 16 / elementBytes, (int)(8 * elementBytes));
  return MGGEMM_SUCCESS;
}

void formatShape(const TensorShape &shape, char *buffer, size_t size) {
  if (shape.rank == 3)
    snprintf(buffer, size, "%s = [%" PRId64 ", %" PRId64 ", %" PRId64 "]",
             shape.dimNames, shape.dims[0], shape.dims[1], shape.dims[2]);
  else
    snprintf(buffer, size, "%s = [%" PRId64 ", %" PRId64 "]", shape.dimNames,
             shape.dims[0], shape.dims[1]);
}
} // namespace

bool TensorShape::isEmpty() const {
  for (int i = 0; i < rank; ++i)
    if (dims[i] == 0)
      return true;
  return false;
}

mggemmStatus mggemm::runtime::failNotADtype(mggemmDtype dtype) {
  // "MGGEMM_DTYPE_BF16 = 0, ...": the enumerators are the upper-case names.
  std::string list;
  for (int d = 0; d < MGGEMM_DTYPE_COUNT; ++d) {
    std::string name = mggemmDtypeName((mggemmDtype)d);
    for (char &c : name)
      c = (char)toupper((unsigned char)c);
    list += (d ? ", MGGEMM_DTYPE_" : "MGGEMM_DTYPE_") + name + " = " +
            std::to_string(d);
  }
  return fail(MGGEMM_ERROR_INVALID_VALUE, "dtype %d is not a mggemmDtype (%s)",
              (int)dtype, list.c_str());
}

mggemmStatus mggemm::runtime::checkProblem(mggemmDtype dtype, int64_t M,
                                           int64_t N, int64_t K, int64_t G,
                                           bool scaled, mggemmKind kind) {
  if (!mggemmIsDtype(dtype))
    return failNotADtype(dtype);
  if ((bool)mggemmDtypeIsScaled(dtype) != scaled)
    return fail(MGGEMM_ERROR_INVALID_VALUE,
                scaled ? "dtype %s has no scales: call the unscaled entry "
                         "point (mggemmForward)"
                       : "dtype %s needs scales: call "
                         "mggemmScaledForward or mggemmScaledGradWeight",
                mggemmDtypeName(dtype));
  // The fp8 weight gradient reads dY and X transposed: its rows of the
  // dtype are M long, and K-long rows are dW's (bf16).
  bool transposed = mggemmTakesTransposedOperands(kind, dtype);
  int64_t eb = mggemmElementBytes(dtype);
  // Group sizes and their prefix sums are capped at MGGEMM_MAX_ROWS on the
  // device, so a larger M could be cut silently.
  if (mggemmStatus status =
          checkDimension("M", M, 0, transposed ? eb : 0, MGGEMM_MAX_ROWS))
    return status;
  // N-long rows are 16-bit (dY, Y and dW for every dtype; the fp8
  // grad_weight has none); K-long rows hold the dtype (X and W).
  if (mggemmStatus status = checkDimension("N", N, 1, transposed ? 0 : 2))
    return status;
  if (mggemmStatus status = checkDimension("K", K, 1, transposed ? 2 : eb))
    return status;
  return checkDimension("G", G, 1, 0);
}

mggemmStatus mggemm::runtime::checkTensor(const void *pointer, const char *name,
                                          const TensorShape &shape) {
  if (!pointer) {
    if (shape.isEmpty())
      return MGGEMM_SUCCESS;
    char dims[96];
    formatShape(shape, dims, sizeof(dims));
    return fail(MGGEMM_ERROR_INVALID_VALUE,
                "%s is null, but %s is %s (null is allowed only for an empty "
                "tensor)",
                name, name, dims);
  }
  if ((uintptr_t)pointer % 16 != 0) {
    char dims[96];
    formatShape(shape, dims, sizeof(dims));
    return fail(MGGEMM_ERROR_INVALID_VALUE,
                "%s = %p is not 16-byte aligned (%s is %s; TMA reads and the "
                "kernels' vector stores need 16-byte aligned tensors)",
                name, pointer, name, dims);
  }
  return MGGEMM_SUCCESS;
}

mggemmStatus mggemm::runtime::checkScales(const float *scales, const char *name,
                                          const char *dims, int64_t count) {
  if (!scales && count > 0)
    return fail(MGGEMM_ERROR_INVALID_VALUE,
                "%s is null, but it must hold %s = %" PRId64 " f32 scales",
                name, dims, count);
  if ((uintptr_t)scales % 4 != 0)
    return fail(MGGEMM_ERROR_INVALID_VALUE,
                "%s = %p is not 4-byte aligned (it is f32%s)", name,
                (const void *)scales, dims);
  return MGGEMM_SUCCESS;
}

mggemmStatus mggemm::runtime::checkSizes(const int32_t *sizes, int64_t G) {
  if (!sizes)
    return fail(
        MGGEMM_ERROR_INVALID_VALUE,
        "sizes is null, but it must hold G = %" PRId64 " int32 group sizes", G);
  if ((uintptr_t)sizes % 4 != 0)
    return fail(MGGEMM_ERROR_INVALID_VALUE,
                "sizes = %p is not 4-byte aligned (it is int32[G])",
                (const void *)sizes);
  return MGGEMM_SUCCESS;
}
