//===- TensorMap.h - TMA descriptors of the kernels' operands -------------===//

#ifndef MGGEMM_LIB_RUNTIME_TENSORMAP_H
#define MGGEMM_LIB_RUNTIME_TENSORMAP_H

#include "CudaDriver.h"
#include "mggemm/Runtime/KernelABI.h"

namespace mggemm::runtime {

/// What cuTensorMapEncodeTiled gets for one operand (KernelABI.h): sizes
/// innermost first, byte strides of the outer dimensions, the box of one TMA
/// load. Always bf16/f16, 128-byte swizzle, no interleave, 256-byte L2
/// promotion, zeros for out-of-bounds elements.
struct TensorMapLayout {
  int rank;
  int dataType; // CUtensorMapDataType
  uint64_t dims[3];
  uint64_t strides[2];
  uint32_t box[3];
  uint32_t elementStrides[3];
};

/// Checks the arguments of a tensor map and computes its layout; makes no
/// CUDA call. Fails with MGGEMM_ERROR_INVALID_VALUE (bad kind, operand,
/// dtype, tile, base address or dimension) and a message naming the operand.
mggemmStatus describeTensorMap(mggemmKind kind, int32_t operand,
                               mggemmDtype dtype, mggemmTileConfig tile,
                               const void *base, int64_t M, int64_t N,
                               int64_t K, int64_t G, TensorMapLayout &out);

/// Encodes `layout` over `base` into `map` (cuTensorMapEncodeTiled).
mggemmStatus encodeTensorMap(const CudaDriver &driver,
                             const TensorMapLayout &layout, const void *base,
                             cu::TensorMap &map);

/// "X", "W" or "dY": the tensor operand `operand` of `kind` reads; for the
/// output (MGGEMM_OPERAND_OUTPUT) "Y", "dX" or "dW".
const char *operandName(mggemmKind kind, int32_t operand);

} // namespace mggemm::runtime

#endif // MGGEMM_LIB_RUNTIME_TENSORMAP_H
