//===- Context.cpp - the CUDA context and device a call runs on -----------===//

#include "Context.h"
#include "Error.h"
#include "Mutex.h"

#include <cstdint>

using namespace mggemm::runtime;

mggemmStatus mggemm::runtime::getCurrentContext(const CudaDriver &driver,
                                                CurrentContext &out) {
  cu::Result result = driver.ctxGetCurrent(&out.context);
  if (result != cu::SUCCESS)
    return cudaFailure(driver, result, "cuCtxGetCurrent");
  if (!out.context) {
    // Retaining the primary context again on every call would raise its
    // reference count without bound: retain it once and remember it.
    static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
    static cu::Context primary = nullptr;
    MutexLock lock(mutex);
    if (!primary) {
      int count = 0;
      result = driver.deviceGetCount(&count);
      if (result != cu::SUCCESS)
        return cudaFailure(driver, result, "cuDeviceGetCount");
      if (count == 0)
        return fail(MGGEMM_ERROR_NO_DEVICE,
                    "the CUDA driver reports no devices");
      cu::Device device0;
      result = driver.deviceGet(&device0, 0);
      if (result != cu::SUCCESS)
        return cudaFailure(driver, result, "cuDeviceGet(0)");
      result = driver.devicePrimaryCtxRetain(&primary, device0);
      if (result != cu::SUCCESS) {
        primary = nullptr;
        return cudaFailure(driver, result,
                           "cuDevicePrimaryCtxRetain(device 0) (no context "
                           "was current on this thread)");
      }
    }
    result = driver.ctxSetCurrent(primary);
    if (result != cu::SUCCESS)
      return cudaFailure(driver, result,
                         "cuCtxSetCurrent(primary context of device 0)");
    out.context = primary;
  }
  result = driver.ctxGetDevice(&out.device);
  if (result != cu::SUCCESS)
    return cudaFailure(driver, result, "cuCtxGetDevice");
  result = driver.ctxGetId(out.context, &out.id);
  if (result != cu::SUCCESS)
    return cudaFailure(driver, result, "cuCtxGetId");
  return MGGEMM_SUCCESS;
}

mggemmStatus mggemm::runtime::queryDevice(const CudaDriver &driver,
                                          cu::Device device, DeviceInfo &out) {
  out.device = device;
  cu::Result result =
      driver.deviceGetName(out.name, (int)sizeof(out.name), device);
  if (result != cu::SUCCESS)
    return cudaFailure(driver, result, "cuDeviceGetName(device %d)", device);
  struct {
    int attribute;
    int *value;
    const char *name;
  } attributes[] = {
      {cu::DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, &out.multiprocessorCount,
       "MULTIPROCESSOR_COUNT"},
      {cu::DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, &out.computeMajor,
       "COMPUTE_CAPABILITY_MAJOR"},
      {cu::DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, &out.computeMinor,
       "COMPUTE_CAPABILITY_MINOR"},
      {cu::DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN,
       &out.maxSharedMemoryPerBlockOptin, "MAX_SHARED_MEMORY_PER_BLOCK_OPTIN"},
  };
  for (const auto &a : attributes) {
    result = driver.deviceGetAttribute(a.value, a.attribute, device);
    if (result != cu::SUCCESS)
      return cudaFailure(driver, result,
                         "cuDeviceGetAttribute(CU_DEVICE_ATTRIBUTE_%s, device "
                         "%d)",
                         a.name, device);
  }
  return MGGEMM_SUCCESS;
}

mggemmStatus mggemm::runtime::getDriverAndContext(const CudaDriver *&driver,
                                                  CurrentContext &context) {
  if (mggemmStatus status = getDriver(driver))
    return status;
  return getCurrentContext(*driver, context);
}
