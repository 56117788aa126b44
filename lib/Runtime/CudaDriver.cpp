//===- CudaDriver.cpp - lazy loading of the CUDA driver -------------------===//
//
// The runtime links nothing of CUDA: it dlopens libcuda.so.1 on first use and
// asks the driver itself (cuGetProcAddress) for each entry point, by base
// name and the CUDA version whose ABI CudaDriver.h declares. That is how the
// CUDA runtime finds the driver too, and it keeps a machine without a driver
// able to load the library and run its argument checks.
//
//===----------------------------------------------------------------------===//

#include "CudaDriver.h"
#include "Error.h"

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <link.h>
#include <pthread.h>

using namespace mggemm::runtime;

namespace {

// Every entry point the runtime uses has had the ABI that CudaDriver.h
// declares since CUDA 12.0, which is also the first driver with
// cuTensorMapEncodeTiled: asking for the 12.0 version of each keeps the
// signatures right on any newer driver.
constexpr int kMinimumDriverVersion = 12000;
// cuFuncGetParamInfo, used only to check kernels against KernelABI.h.
constexpr int kParamInfoVersion = 12040;

using GetProcAddressFn = cu::Result (*)(const char *symbol, void **function,
                                        int cudaVersion, uint64_t flags,
                                        int *symbolStatus);
using DriverGetVersionFn = cu::Result (*)(int *);

struct LoadedDriver {
  CudaDriver driver = {};
  bool usable = false;
  // Why the driver is not usable (only meaningful when !usable).
  char error[768] = "";
};

void describeLibrary(void *handle, const char *requested, char *path,
                     size_t size) {
  struct link_map *map = nullptr;
  if (dlinfo(handle, RTLD_DI_LINKMAP, &map) == 0 && map && map->l_name &&
      map->l_name[0])
    snprintf(path, size, "%s", map->l_name);
  else
    snprintf(path, size, "%s", requested);
}

template <typename Fn>
bool lookUp(GetProcAddressFn getProcAddress, const char *symbol, int version,
            Fn &function, LoadedDriver &loaded, const char *path) {
  void *address = nullptr;
  int symbolStatus = -1;
  cu::Result result =
      getProcAddress(symbol, &address, version,
                     cu::GET_PROC_ADDRESS_LEGACY_STREAM, &symbolStatus);
  if (result != cu::SUCCESS || !address ||
      symbolStatus != cu::GET_PROC_ADDRESS_SUCCESS) {
    snprintf(loaded.error, sizeof(loaded.error),
             "the CUDA driver %s (CUDA %d.%d) gives no %s for CUDA %d.%d "
             "(cuGetProcAddress returned %d, symbol status %d)",
             path, loaded.driver.version / 1000,
             loaded.driver.version % 1000 / 10, symbol, version / 1000,
             version % 1000 / 10, result, symbolStatus);
    return false;
  }
  function = reinterpret_cast<Fn>(address);
  return true;
}

LoadedDriver loadDriver() {
  LoadedDriver loaded;
  const char *override = getenv("MGGEMM_LIBCUDA");
  const char *requested = override && override[0] ? override : "libcuda.so.1";
  void *handle = dlopen(requested, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *why = dlerror();
    snprintf(loaded.error, sizeof(loaded.error),
             "no CUDA driver: dlopen(\"%s\") failed (%s); install the NVIDIA "
             "driver, or set MGGEMM_LIBCUDA to the path of libcuda.so.1",
             requested, why ? why : "unknown reason");
    return loaded;
  }
  char path[256];
  describeLibrary(handle, requested, path, sizeof(path));

  auto driverGetVersion =
      reinterpret_cast<DriverGetVersionFn>(dlsym(handle, "cuDriverGetVersion"));
  if (!driverGetVersion) {
    snprintf(loaded.error, sizeof(loaded.error),
             "%s is not a CUDA driver (it has no cuDriverGetVersion)", path);
    return loaded;
  }
  cu::Result result = driverGetVersion(&loaded.driver.version);
  if (result == cu::ERROR_STUB_LIBRARY) {
    snprintf(loaded.error, sizeof(loaded.error),
             "%s is the CUDA toolkit's stub library, which is for linking "
             "only: no NVIDIA driver is installed (or the stub shadows it on "
             "the library path)",
             path);
    return loaded;
  }
  if (result != cu::SUCCESS) {
    snprintf(loaded.error, sizeof(loaded.error),
             "cuDriverGetVersion of %s failed (CUresult %d)", path, result);
    return loaded;
  }
  if (loaded.driver.version < kMinimumDriverVersion) {
    snprintf(loaded.error, sizeof(loaded.error),
             "the CUDA driver %s supports CUDA %d.%d; mggemm needs a driver "
             "for CUDA 12.0 or newer (tensor memory access)",
             path, loaded.driver.version / 1000,
             loaded.driver.version % 1000 / 10);
    return loaded;
  }
  auto getProcAddress =
      reinterpret_cast<GetProcAddressFn>(dlsym(handle, "cuGetProcAddress_v2"));
  if (!getProcAddress) {
    snprintf(loaded.error, sizeof(loaded.error),
             "the CUDA driver %s has no cuGetProcAddress_v2", path);
    return loaded;
  }

  CudaDriver &d = loaded.driver;
  const int v = kMinimumDriverVersion;
  bool found =
      lookUp(getProcAddress, "cuGetErrorName", v, d.getErrorName, loaded,
             path) &&
      lookUp(getProcAddress, "cuGetErrorString", v, d.getErrorString, loaded,
             path) &&
      lookUp(getProcAddress, "cuInit", v, d.init, loaded, path) &&
      lookUp(getProcAddress, "cuDeviceGet", v, d.deviceGet, loaded, path) &&
      lookUp(getProcAddress, "cuDeviceGetCount", v, d.deviceGetCount, loaded,
             path) &&
      lookUp(getProcAddress, "cuDeviceGetName", v, d.deviceGetName, loaded,
             path) &&
      lookUp(getProcAddress, "cuDeviceGetAttribute", v, d.deviceGetAttribute,
             loaded, path) &&
      lookUp(getProcAddress, "cuDevicePrimaryCtxRetain", v,
             d.devicePrimaryCtxRetain, loaded, path) &&
      lookUp(getProcAddress, "cuCtxGetCurrent", v, d.ctxGetCurrent, loaded,
             path) &&
      lookUp(getProcAddress, "cuCtxSetCurrent", v, d.ctxSetCurrent, loaded,
             path) &&
      lookUp(getProcAddress, "cuCtxGetDevice", v, d.ctxGetDevice, loaded,
             path) &&
      lookUp(getProcAddress, "cuCtxGetId", v, d.ctxGetId, loaded, path) &&
      lookUp(getProcAddress, "cuModuleLoadData", v, d.moduleLoadData, loaded,
             path) &&
      lookUp(getProcAddress, "cuModuleGetFunction", v, d.moduleGetFunction,
             loaded, path) &&
      lookUp(getProcAddress, "cuFuncGetAttribute", v, d.funcGetAttribute,
             loaded, path) &&
      lookUp(getProcAddress, "cuFuncSetAttribute", v, d.funcSetAttribute,
             loaded, path) &&
      lookUp(getProcAddress, "cuLaunchKernel", v, d.launchKernel, loaded,
             path) &&
      lookUp(getProcAddress, "cuTensorMapEncodeTiled", v,
             d.tensorMapEncodeTiled, loaded, path) &&
      lookUp(getProcAddress, "cuMemcpyDtoHAsync", v, d.memcpyDtoHAsync, loaded,
             path) &&
      lookUp(getProcAddress, "cuStreamSynchronize", v, d.streamSynchronize,
             loaded, path);
  if (!found)
    return loaded;
  // Optional: without it kernels are not checked against KernelABI.h.
  d.funcGetParamInfo = nullptr;
  if (d.version >= kParamInfoVersion) {
    LoadedDriver scratch;
    scratch.driver.version = d.version;
    lookUp(getProcAddress, "cuFuncGetParamInfo", kParamInfoVersion,
           d.funcGetParamInfo, scratch, path);
  }

  result = d.init(0);
  if (result != cu::SUCCESS) {
    const char *name = nullptr, *description = nullptr;
    if (d.getErrorName(result, &name) != cu::SUCCESS || !name)
      name = "unknown CUresult";
    if (d.getErrorString(result, &description) != cu::SUCCESS || !description)
      description = "no description";
    snprintf(loaded.error, sizeof(loaded.error),
             "cuInit failed with %s (%s): the CUDA driver %s (CUDA %d.%d) "
             "sees no usable GPU",
             name, description, path, d.version / 1000, d.version % 1000 / 10);
    return loaded;
  }
  loaded.usable = true;
  return loaded;
}

} // namespace

mggemmStatus mggemm::runtime::getDriver(const CudaDriver *&driver) {
  // One-time initialisation; the outcome, failure included, holds for the
  // life of the process, like the CUDA runtime's. (pthread_once rather than a
  // function-local static, whose guard would pull libstdc++'s exception
  // machinery into the shared library.)
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  static LoadedDriver loaded;
  pthread_once(&once, [] { loaded = loadDriver(); });
  if (!loaded.usable) {
    driver = nullptr;
    return fail(MGGEMM_ERROR_NO_DEVICE, "%s", loaded.error);
  }
  driver = &loaded.driver;
  return MGGEMM_SUCCESS;
}

const char *mggemm::runtime::cudaErrorName(const CudaDriver &driver,
                                           cu::Result result) {
  const char *name = nullptr;
  if (driver.getErrorName &&
      driver.getErrorName(result, &name) == cu::SUCCESS && name)
    return name;
  thread_local char unknown[32];
  snprintf(unknown, sizeof(unknown), "CUresult %d", result);
  return unknown;
}

mggemmStatus mggemm::runtime::cudaFailure(const CudaDriver &driver,
                                          cu::Result result, const char *call,
                                          ...) {
  char what[512];
  va_list args;
  va_start(args, call);
  vsnprintf(what, sizeof(what), call, args);
  va_end(args);
  const char *description = nullptr;
  if (!driver.getErrorString ||
      driver.getErrorString(result, &description) != cu::SUCCESS ||
      !description)
    description = "no description";
  return fail(MGGEMM_ERROR_CUDA, "%s failed: %s (%s)", what,
              cudaErrorName(driver, result), description);
}
