//===- CudaDriver.h - the CUDA driver entry points the runtime uses -------===//
//
// The runtime opens the CUDA driver (libcuda.so.1) lazily with dlopen, so it
// loads, and its argument checks run, on machines without a GPU. The few
// types and constants it needs from cuda.h are declared here, so that it also
// builds without the CUDA toolkit; CudaHeaderCheck.cpp checks each of them
// against cuda.h wherever the toolkit is installed.
//
//===----------------------------------------------------------------------===//

#ifndef MGGEMM_LIB_RUNTIME_CUDADRIVER_H
#define MGGEMM_LIB_RUNTIME_CUDADRIVER_H

#include "mggemm/Runtime/mggemm.h"

#include <cstddef>
#include <cstdint>

namespace mggemm::runtime {
namespace cu {

// Opaque handles and plain types, ABI-compatible with cuda.h's.
using Result = int;                   // CUresult
using Device = int;                   // CUdevice
using DevicePtr = unsigned long long; // CUdeviceptr
struct ContextOpaque;
using Context = ContextOpaque *; // CUcontext
struct ModuleOpaque;
using Module = ModuleOpaque *; // CUmodule
struct FunctionOpaque;
using Function = FunctionOpaque *; // CUfunction
struct StreamOpaque;
using Stream = StreamOpaque *; // CUstream

// CUtensorMap: 128 opaque bytes. cuda.h (13.0) aligns it to 128 bytes; the
// kernels receive it by value as a 64-byte aligned kernel parameter.
struct alignas(128) TensorMap {
  uint64_t opaque[16];
};

// CUresult values the runtime treats specially.
enum : Result {
  SUCCESS = 0,
  ERROR_INVALID_VALUE = 1,
  ERROR_STUB_LIBRARY = 34,
  ERROR_NO_DEVICE = 100,
  ERROR_NOT_FOUND = 500,
};

// CUdevice_attribute.
enum : int {
  DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT = 16,
  DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75,
  DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76,
  DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN = 97,
};

// CUfunction_attribute.
enum : int {
  FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK = 0,
  FUNC_ATTRIBUTE_SHARED_SIZE_BYTES = 1,
  FUNC_ATTRIBUTE_NUM_REGS = 4,
  FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8,
};

// CUtensorMapDataType, CUtensorMapInterleave, CUtensorMapSwizzle,
// CUtensorMapL2promotion, CUtensorMapFloatOOBfill.
enum : int {
  TENSOR_MAP_DATA_TYPE_UINT8 = 0,
  TENSOR_MAP_DATA_TYPE_FLOAT16 = 6,
  TENSOR_MAP_DATA_TYPE_BFLOAT16 = 9,
  TENSOR_MAP_INTERLEAVE_NONE = 0,
  TENSOR_MAP_SWIZZLE_128B = 3,
  TENSOR_MAP_L2_PROMOTION_L2_256B = 3,
  TENSOR_MAP_FLOAT_OOB_FILL_NONE = 0, // out-of-bounds elements read as zero
};

// cuGetProcAddress flags and CUdriverProcAddressQueryResult.
enum : int {
  GET_PROC_ADDRESS_LEGACY_STREAM = 1,
  GET_PROC_ADDRESS_SUCCESS = 0,
};

} // namespace cu

/// The driver entry points, looked up with cuGetProcAddress. Member names drop
/// the `cu` prefix so that they never collide with cuda.h's macros (which
/// rename, e.g., cuMemcpyDtoHAsync to cuMemcpyDtoHAsync_v2).
struct CudaDriver {
  cu::Result (*getErrorName)(cu::Result, const char **);
  cu::Result (*getErrorString)(cu::Result, const char **);
  cu::Result (*init)(unsigned flags);
  cu::Result (*deviceGet)(cu::Device *, int ordinal);
  cu::Result (*deviceGetCount)(int *);
  cu::Result (*deviceGetName)(char *, int, cu::Device);
  cu::Result (*deviceGetAttribute)(int *, int attribute, cu::Device);
  cu::Result (*devicePrimaryCtxRetain)(cu::Context *, cu::Device);
  cu::Result (*ctxGetCurrent)(cu::Context *);
  cu::Result (*ctxSetCurrent)(cu::Context);
  cu::Result (*ctxGetDevice)(cu::Device *);
  cu::Result (*ctxGetId)(cu::Context, unsigned long long *);
  cu::Result (*moduleLoadData)(cu::Module *, const void *image);
  cu::Result (*moduleGetFunction)(cu::Function *, cu::Module, const char *);
  cu::Result (*funcGetAttribute)(int *, int attribute, cu::Function);
  cu::Result (*funcSetAttribute)(cu::Function, int attribute, int value);
  /// Optional (CUDA 12.4+): null on older drivers.
  cu::Result (*funcGetParamInfo)(cu::Function, size_t index, size_t *offset,
                                 size_t *size);
  cu::Result (*launchKernel)(cu::Function, unsigned gridX, unsigned gridY,
                             unsigned gridZ, unsigned blockX, unsigned blockY,
                             unsigned blockZ, unsigned sharedMemBytes,
                             cu::Stream, void **params, void **extra);
  cu::Result (*tensorMapEncodeTiled)(
      cu::TensorMap *, int dataType, uint32_t rank, void *globalAddress,
      const uint64_t *globalDim, const uint64_t *globalStrides,
      const uint32_t *boxDim, const uint32_t *elementStrides, int interleave,
      int swizzle, int l2Promotion, int oobFill);
  cu::Result (*memcpyDtoHAsync)(void *dst, cu::DevicePtr src, size_t bytes,
                                cu::Stream);
  cu::Result (*streamSynchronize)(cu::Stream);

  /// cuDriverGetVersion(), e.g. 13000 for CUDA 13.0.
  int version;
};

/// Loads the driver on first use (thread-safe) and points `driver` at it.
/// Without a usable driver, fails with MGGEMM_ERROR_NO_DEVICE and a message
/// saying why (no libcuda, the toolkit's stub library, a driver older than
/// CUDA 12.0, no device). The outcome is decided once per process: set
/// MGGEMM_LIBCUDA to load a driver from another path.
mggemmStatus getDriver(const CudaDriver *&driver);

/// Fails with MGGEMM_ERROR_CUDA and a message naming `call` (a printf format)
/// and the driver's name and description of `result`.
mggemmStatus cudaFailure(const CudaDriver &driver, cu::Result result,
                         const char *call, ...)
    __attribute__((format(printf, 3, 4)));

/// The driver's name for `result` ("CUDA_ERROR_...") or "CUresult <n>".
const char *cudaErrorName(const CudaDriver &driver, cu::Result result);

} // namespace mggemm::runtime

#endif // MGGEMM_LIB_RUNTIME_CUDADRIVER_H
