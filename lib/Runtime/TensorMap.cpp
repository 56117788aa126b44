//===- TensorMap.cpp - TMA descriptors of the kernels' operands -----------===//
//
// The kernels read A and B only through TMA, so the descriptors encode the
// whole contract about operand layout: which dimensions, which strides, and
// which box lands in shared memory in which swizzle. KernelABI.h fixes the
// shapes and boxes; this file turns them into cuTensorMapEncodeTiled's
// arguments and checks TMA's own rules first, so that a bad shape gets a
// message rather than the driver's bare CUDA_ERROR_INVALID_VALUE.
//
//===----------------------------------------------------------------------===//

#include "TensorMap.h"
#include "ArgumentChecks.h"
#include "Context.h"
#include "Error.h"

#include <cinttypes>
#include <cstring>

using namespace mggemm::runtime;

namespace {
// TMA limits (cuTensorMapEncodeTiled's documentation).
constexpr uint64_t kMaxGlobalDim = uint64_t(1) << 32;
constexpr uint64_t kMaxGlobalStride = uint64_t(1) << 40;
constexpr uint32_t kMaxBoxDim = 256;
// With 128-byte swizzling the inner box extent may not exceed the span.
constexpr uint32_t kSwizzleBytes = 128;

bool isKind(mggemmKind kind) {
  return kind == MGGEMM_KIND_FORWARD || kind == MGGEMM_KIND_GRAD_INPUT ||
         kind == MGGEMM_KIND_GRAD_WEIGHT;
}

// "{K, M} = {7168, 4096}": the map's dimensions, innermost first.
void describeDims(mggemmKind kind, int32_t operand, mggemmDtype dtype,
                  const int64_t dims[3], int rank, char *buffer, size_t size) {
  const char *names;
  if (operand == MGGEMM_OPERAND_OUTPUT)
    names = kind == MGGEMM_KIND_FORWARD      ? "{N, M}"
            : kind == MGGEMM_KIND_GRAD_INPUT ? "{K, M}"
                                             : "{K, G * N}";
  else if (mggemmTakesTransposedOperands(kind, dtype))
    names = operand == 0 ? "{M, N}" : "{M, K}"; // fp8: dYᵀ and Xᵀ
  else if (operand == 1 && kind != MGGEMM_KIND_GRAD_WEIGHT)
    names = "{K, N, G}";
  else if (operand == 0 && kind != MGGEMM_KIND_FORWARD)
    names = "{N, M}";
  else
    names = "{K, M}";
  if (rank == 3)
    snprintf(buffer, size, "%s = {%" PRId64 ", %" PRId64 ", %" PRId64 "}",
             names, dims[0], dims[1], dims[2]);
  else
    snprintf(buffer, size, "%s = {%" PRId64 ", %" PRId64 "}", names, dims[0],
             dims[1]);
}
} // namespace

const char *mggemm::runtime::operandName(mggemmKind kind, int32_t operand) {
  if (operand == MGGEMM_OPERAND_OUTPUT)
    return kind == MGGEMM_KIND_FORWARD      ? "Y"
           : kind == MGGEMM_KIND_GRAD_INPUT ? "dX"
                                            : "dW";
  if (operand == 0)
    return kind == MGGEMM_KIND_FORWARD ? "X" : "dY";
  return kind == MGGEMM_KIND_GRAD_WEIGHT ? "X" : "W";
}

mggemmStatus
mggemm::runtime::describeTensorMap(mggemmKind kind, int32_t operand,
                                   mggemmDtype dtype, mggemmTileConfig tile,
                                   const void *base, int64_t M, int64_t N,
                                   int64_t K, int64_t G, TensorMapLayout &out) {
  if (!isKind(kind))
    return fail(MGGEMM_ERROR_INVALID_VALUE,
                "kind %d is not a mggemmKind (0 = forward, 1 = grad_input, "
                "2 = grad_weight)",
                (int)kind);
  if (operand < 0 || operand > MGGEMM_OPERAND_OUTPUT)
    return fail(MGGEMM_ERROR_INVALID_VALUE,
                "operand %d is not 0 (A), 1 (B) or 2 (the output)", operand);
  if (!mggemmIsDtype(dtype))
    return failNotADtype(dtype);
  if (tile.m <= 0 || tile.n <= 0 || tile.k <= 0 || tile.stages <= 0)
    return fail(MGGEMM_ERROR_INVALID_VALUE,
                "tile m%dn%dk%ds%d has a non-positive entry", tile.m, tile.n,
                tile.k, tile.stages);

  const char *name = operandName(kind, operand);
  const char *role = operand == 0 ? "A" : operand == 1 ? "B" : "output";
  int64_t dims[3] = {1, 1, 1};
  int rank = mggemmTensorMapShape(kind, operand, dtype, M, N, K, G, dims);
  char shape[96];
  describeDims(kind, operand, dtype, dims, rank, shape, sizeof(shape));
  for (int i = 0; i < rank; ++i)
    if (dims[i] < 1 || (uint64_t)dims[i] > kMaxGlobalDim)
      return fail(MGGEMM_ERROR_INVALID_VALUE,
                  "tensor map of %s (operand %s of %s) %s: every dimension "
                  "must be between 1 and 2^32 (an empty tensor has no map)",
                  name, role, mggemmKindName(kind), shape);
  if (!base)
    return fail(MGGEMM_ERROR_INVALID_VALUE,
                "tensor map of %s (operand %s of %s) %s: base address is null",
                name, role, mggemmKindName(kind), shape);
  if ((uintptr_t)base % 16 != 0)
    return fail(MGGEMM_ERROR_INVALID_VALUE,
                "tensor map of %s (operand %s of %s): base address %p is not "
                "16-byte aligned, as TMA requires",
                name, role, mggemmKindName(kind), base);

  bool output = operand == MGGEMM_OPERAND_OUTPUT;
  // Outputs are 16-bit: bf16 for scaled products.
  int64_t elementBytes = output ? 2 : mggemmElementBytes(dtype);
  out.rank = rank;
  switch (output && mggemmDtypeIsScaled(dtype) ? MGGEMM_DTYPE_BF16 : dtype) {
  case MGGEMM_DTYPE_BF16:
    out.dataType = cu::TENSOR_MAP_DATA_TYPE_BFLOAT16;
    break;
  case MGGEMM_DTYPE_F16:
    out.dataType = cu::TENSOR_MAP_DATA_TYPE_FLOAT16;
    break;
  case MGGEMM_DTYPE_E4M3: // TMA copies bytes; the type only matters to wgmma
  case MGGEMM_DTYPE_E4M3_BLOCK:
  case MGGEMM_DTYPE_E4M3_FAST:
    out.dataType = cu::TENSOR_MAP_DATA_TYPE_UINT8;
    break;
  }
  uint64_t stride = (uint64_t)elementBytes;
  for (int i = 0; i < 3; ++i) {
    out.dims[i] = (uint64_t)dims[i];
    out.elementStrides[i] = 1;
  }
  // Strides of dimensions 1 .. rank-1, in bytes: the tensors are dense.
  for (int i = 0; i + 1 < rank; ++i) {
    stride *= (uint64_t)dims[i];
    if (stride % 16 != 0 || stride >= kMaxGlobalStride)
      return fail(MGGEMM_ERROR_INVALID_VALUE,
                  "tensor map of %s (operand %s of %s) %s: the stride of "
                  "dimension %d is %" PRIu64 " bytes; TMA needs a multiple "
                  "of 16 below 2^40",
                  name, role, mggemmKindName(kind), shape, i + 1, stride);
    out.strides[i] = stride;
  }
  for (int i = rank - 1; i < 2; ++i)
    out.strides[i] = 0;

  int64_t box[3];
  mggemmTensorMapBox(kind, operand, dtype, tile, box);
  for (int i = 0; i < 3; ++i) {
    if (box[i] < 1 || box[i] > kMaxBoxDim)
      return fail(MGGEMM_ERROR_INVALID_VALUE,
                  "tensor map of %s (operand %s of %s) for tile m%dn%dk%ds%d: "
                  "box dimension %d is %" PRId64 "; TMA allows 1 to %u",
                  name, role, mggemmKindName(kind), tile.m, tile.n, tile.k,
                  tile.stages, i, box[i], kMaxBoxDim);
    out.box[i] = (uint32_t)box[i];
  }
  uint64_t innerBoxBytes = out.box[0] * (uint64_t)elementBytes;
  if (innerBoxBytes % 16 != 0 || innerBoxBytes > kSwizzleBytes)
    return fail(MGGEMM_ERROR_INVALID_VALUE,
                "tensor map of %s (operand %s of %s) for tile m%dn%dk%ds%d: "
                "the inner box extent is %" PRIu64 " bytes; 128-byte "
                "swizzling needs a multiple of 16 up to 128",
                name, role, mggemmKindName(kind), tile.m, tile.n, tile.k,
                tile.stages, innerBoxBytes);
  return MGGEMM_SUCCESS;
}

mggemmStatus mggemm::runtime::encodeTensorMap(const CudaDriver &driver,
                                              const TensorMapLayout &layout,
                                              const void *base,
                                              cu::TensorMap &map) {
  cu::Result result = driver.tensorMapEncodeTiled(
      &map, layout.dataType, (uint32_t)layout.rank, const_cast<void *>(base),
      layout.dims, layout.strides, layout.box, layout.elementStrides,
      cu::TENSOR_MAP_INTERLEAVE_NONE, cu::TENSOR_MAP_SWIZZLE_128B,
      cu::TENSOR_MAP_L2_PROMOTION_L2_256B, cu::TENSOR_MAP_FLOAT_OOB_FILL_NONE);
  if (result != cu::SUCCESS)
    return cudaFailure(driver, result,
                       "cuTensorMapEncodeTiled(rank %d, base %p, dims {%" PRIu64
                       ", %" PRIu64 ", %" PRIu64 "}, strides {%" PRIu64
                       ", %" PRIu64 "}, box {%u, %u, %u})",
                       layout.rank, base, layout.dims[0], layout.dims[1],
                       layout.dims[2], layout.strides[0], layout.strides[1],
                       layout.box[0], layout.box[1], layout.box[2]);
  return MGGEMM_SUCCESS;
}

static mggemmStatus encodePublic(void *tensorMap, mggemmKind kind,
                                 int32_t operand, mggemmDtype dtype,
                                 int32_t tileM, int32_t tileN, int32_t tileK,
                                 int32_t tileCluster, const void *base,
                                 int64_t M, int64_t N, int64_t K, int64_t G) {
  if (!tensorMap)
    return fail(MGGEMM_ERROR_INVALID_VALUE, "tensorMap is null");
  // The stage count does not change the map; any positive value will do.
  mggemmTileConfig tile = {tileM, tileN, tileK, 1, tileCluster};
  TensorMapLayout layout;
  if (mggemmStatus status = describeTensorMap(kind, operand, dtype, tile, base,
                                              M, N, K, G, layout))
    return status;
  // cuTensorMapEncodeTiled is documented to fail with
  // CUDA_ERROR_INVALID_CONTEXT: make sure a context is current, as launches
  // do.
  const CudaDriver *driver;
  CurrentContext context;
  if (mggemmStatus status = getDriverAndContext(driver, context))
    return status;
  // Encoded into an aligned local, so the caller's buffer needs no alignment.
  cu::TensorMap map;
  if (mggemmStatus status = encodeTensorMap(*driver, layout, base, map))
    return status;
  memcpy(tensorMap, &map, sizeof(map));
  return succeed();
}

extern "C" mggemmStatus mggemmEncodeTensorMap(void *tensorMap, mggemmKind kind,
                                              int32_t operand,
                                              mggemmDtype dtype, int32_t tileM,
                                              int32_t tileN, int32_t tileK,
                                              int32_t tileCluster,
                                              const void *base, int64_t M,
                                              int64_t N, int64_t K, int64_t G) {
  return addContext(encodePublic(tensorMap, kind, operand, dtype, tileM, tileN,
                                 tileK, tileCluster, base, M, N, K, G),
                    "mggemmEncodeTensorMap");
}
