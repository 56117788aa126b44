//===- CudaHeaderCheck.cpp - CudaDriver.h against the toolkit's cuda.h ----===//
//
// CudaDriver.h restates the few cuda.h types and constants the runtime needs,
// so that the runtime builds without the CUDA toolkit. Where the toolkit is
// installed, this file fails the build if any of them disagrees with cuda.h.
// It is the only file that includes cuda.h.
//
//===----------------------------------------------------------------------===//

#include "CudaDriver.h"

#if defined(MGGEMM_HAVE_CUDA_H)
#include <cuda.h>

#include <type_traits>

namespace cu = mggemm::runtime::cu;

// The enums are distinct types: compare their values.
#define MGGEMM_CHECK_VALUE(ours, theirs)                                       \
  static_assert((long long)(ours) == (long long)(theirs),                      \
                #ours " does not match " #theirs)

static_assert(sizeof(cu::Result) == sizeof(CUresult));
static_assert(sizeof(cu::Device) == sizeof(CUdevice));
static_assert(std::is_same_v<cu::DevicePtr, CUdeviceptr>);
static_assert(sizeof(cu::TensorMap) == sizeof(CUtensorMap));
static_assert(alignof(cu::TensorMap) >= alignof(CUtensorMap));

MGGEMM_CHECK_VALUE(cu::SUCCESS, CUDA_SUCCESS);
MGGEMM_CHECK_VALUE(cu::ERROR_INVALID_VALUE, CUDA_ERROR_INVALID_VALUE);
MGGEMM_CHECK_VALUE(cu::ERROR_STUB_LIBRARY, CUDA_ERROR_STUB_LIBRARY);
MGGEMM_CHECK_VALUE(cu::ERROR_NO_DEVICE, CUDA_ERROR_NO_DEVICE);
MGGEMM_CHECK_VALUE(cu::ERROR_NOT_FOUND, CUDA_ERROR_NOT_FOUND);

MGGEMM_CHECK_VALUE(cu::DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT,
                   CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
MGGEMM_CHECK_VALUE(cu::DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR,
                   CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
MGGEMM_CHECK_VALUE(cu::DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR,
                   CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
MGGEMM_CHECK_VALUE(cu::DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN,
                   CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN);

MGGEMM_CHECK_VALUE(cu::FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK,
                   CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK);
MGGEMM_CHECK_VALUE(cu::FUNC_ATTRIBUTE_SHARED_SIZE_BYTES,
                   CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES);
MGGEMM_CHECK_VALUE(cu::FUNC_ATTRIBUTE_NUM_REGS, CU_FUNC_ATTRIBUTE_NUM_REGS);
MGGEMM_CHECK_VALUE(cu::FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                   CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES);

MGGEMM_CHECK_VALUE(cu::TENSOR_MAP_DATA_TYPE_UINT8,
                   CU_TENSOR_MAP_DATA_TYPE_UINT8);
MGGEMM_CHECK_VALUE(cu::TENSOR_MAP_DATA_TYPE_FLOAT16,
                   CU_TENSOR_MAP_DATA_TYPE_FLOAT16);
MGGEMM_CHECK_VALUE(cu::TENSOR_MAP_DATA_TYPE_BFLOAT16,
                   CU_TENSOR_MAP_DATA_TYPE_BFLOAT16);
MGGEMM_CHECK_VALUE(cu::TENSOR_MAP_INTERLEAVE_NONE,
                   CU_TENSOR_MAP_INTERLEAVE_NONE);
MGGEMM_CHECK_VALUE(cu::TENSOR_MAP_SWIZZLE_128B, CU_TENSOR_MAP_SWIZZLE_128B);
MGGEMM_CHECK_VALUE(cu::TENSOR_MAP_L2_PROMOTION_L2_256B,
                   CU_TENSOR_MAP_L2_PROMOTION_L2_256B);
MGGEMM_CHECK_VALUE(cu::TENSOR_MAP_FLOAT_OOB_FILL_NONE,
                   CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE);

MGGEMM_CHECK_VALUE(cu::GET_PROC_ADDRESS_LEGACY_STREAM,
                   CU_GET_PROC_ADDRESS_LEGACY_STREAM);
MGGEMM_CHECK_VALUE(cu::GET_PROC_ADDRESS_SUCCESS, CU_GET_PROC_ADDRESS_SUCCESS);
static_assert(sizeof(CUdriverProcAddressQueryResult) == sizeof(int));

// The signatures of the entry points, parameter by parameter: each of ours
// must have the same arity and parameter sizes as the version of cuda.h's
// function that cuGetProcAddress returns for CUDA 12.0.
namespace {
template <typename F> struct Signature;
template <typename R, typename... Args> struct Signature<R (*)(Args...)> {
  static constexpr size_t arity = sizeof...(Args);
  static constexpr size_t sizes[] = {sizeof(R), sizeof(Args)...};
};
template <typename Ours, typename Theirs> constexpr bool sameAbi() {
  using A = Signature<Ours>;
  using B = Signature<Theirs>;
  if (A::arity != B::arity)
    return false;
  for (size_t i = 0; i <= A::arity; ++i)
    if (A::sizes[i] != B::sizes[i])
      return false;
  return true;
}
using D = mggemm::runtime::CudaDriver;
#define MGGEMM_CHECK_ENTRY(member, function)                                   \
  static_assert(sameAbi<decltype(D::member), decltype(&function)>(),           \
                #member " does not match " #function)
MGGEMM_CHECK_ENTRY(getErrorName, cuGetErrorName);
MGGEMM_CHECK_ENTRY(getErrorString, cuGetErrorString);
MGGEMM_CHECK_ENTRY(init, cuInit);
MGGEMM_CHECK_ENTRY(deviceGet, cuDeviceGet);
MGGEMM_CHECK_ENTRY(deviceGetCount, cuDeviceGetCount);
MGGEMM_CHECK_ENTRY(deviceGetName, cuDeviceGetName);
MGGEMM_CHECK_ENTRY(deviceGetAttribute, cuDeviceGetAttribute);
MGGEMM_CHECK_ENTRY(devicePrimaryCtxRetain, cuDevicePrimaryCtxRetain);
MGGEMM_CHECK_ENTRY(ctxGetCurrent, cuCtxGetCurrent);
MGGEMM_CHECK_ENTRY(ctxSetCurrent, cuCtxSetCurrent);
MGGEMM_CHECK_ENTRY(ctxGetDevice, cuCtxGetDevice);
MGGEMM_CHECK_ENTRY(ctxGetId, cuCtxGetId);
MGGEMM_CHECK_ENTRY(moduleLoadData, cuModuleLoadData);
MGGEMM_CHECK_ENTRY(moduleGetFunction, cuModuleGetFunction);
MGGEMM_CHECK_ENTRY(funcGetAttribute, cuFuncGetAttribute);
MGGEMM_CHECK_ENTRY(funcSetAttribute, cuFuncSetAttribute);
MGGEMM_CHECK_ENTRY(funcGetParamInfo, cuFuncGetParamInfo);
MGGEMM_CHECK_ENTRY(launchKernel, cuLaunchKernel);
MGGEMM_CHECK_ENTRY(tensorMapEncodeTiled, cuTensorMapEncodeTiled);
MGGEMM_CHECK_ENTRY(memcpyDtoHAsync, cuMemcpyDtoHAsync); // the _v2 ABI
MGGEMM_CHECK_ENTRY(streamSynchronize, cuStreamSynchronize);
#undef MGGEMM_CHECK_ENTRY
#undef MGGEMM_CHECK_VALUE
} // namespace
#endif // MGGEMM_HAVE_CUDA_H
