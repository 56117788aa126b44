//===- KernelLibrary.cpp - the embedded kernels, per CUDA context ---------===//
//
// A CUmodule belongs to one context, so the embedded cubin is loaded once in
// each context that launches a kernel. All state sits behind one mutex; it is
// held for a short lookup on every launch and for the module load on the
// first.
//
//===----------------------------------------------------------------------===//

#include "KernelLibrary.h"
#include "EmbeddedKernelLibrary.h"
#include "Error.h"
#include "Mutex.h"
#include "mggemm/Runtime/TileConfigs.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

using namespace mggemm::runtime;

namespace {

struct ContextState {
  unsigned long long contextId;
  ContextState *next;
  DeviceInfo device;
  bool deviceKnown;
  cu::Module module;
  // Kernels already looked up and checked, by library entry.
  cu::Function kernels[MGGEMM_LIBRARY_SIZE];
};

pthread_mutex_t stateMutex = PTHREAD_MUTEX_INITIALIZER;
// One entry per context that used the runtime: a process has a handful (one
// per GPU, typically), so a list does. Entries live for the whole process;
// those of destroyed contexts are never matched again, as cuCtxGetId never
// reuses an id. Plain C allocation keeps the runtime's libstdc++ footprint
// (it is linked statically) to a minimum.
ContextState *contexts = nullptr;

/// The state of `context`, or null if it cannot be allocated.
ContextState *stateOf(const CurrentContext &context) {
  for (ContextState *state = contexts; state; state = state->next)
    if (state->contextId == context.id)
      return state;
  auto *state = static_cast<ContextState *>(calloc(1, sizeof(ContextState)));
  if (!state)
    return nullptr;
  state->contextId = context.id;
  state->next = contexts;
  contexts = state;
  return state;
}

mggemmStatus outOfMemory() {
  return fail(MGGEMM_ERROR_INVALID_VALUE,
              "cannot allocate %zu bytes of host memory for the state of a "
              "CUDA context",
              sizeof(ContextState));
}

mggemmStatus ensureDevice(const CudaDriver &driver,
                          const CurrentContext &context, ContextState &state) {
  if (state.deviceKnown)
    return MGGEMM_SUCCESS;
  if (mggemmStatus status = queryDevice(driver, context.device, state.device))
    return status;
  state.deviceKnown = true;
  return MGGEMM_SUCCESS;
}

int findEntry(mggemmKind kind, mggemmDtype dtype, mggemmTileConfig tile) {
  for (size_t i = 0; i < MGGEMM_LIBRARY_SIZE; ++i) {
    const mggemmLibraryEntry &e = mggemmLibraryEntries[i];
    if (e.kind == kind && e.dtype == dtype && e.tile.m == tile.m &&
        e.tile.n == tile.n && e.tile.k == tile.k &&
        e.tile.stages == tile.stages &&
        mggemmClusterSize(e.tile) == mggemmClusterSize(tile))
      return (int)i;
  }
  return -1;
}

/// The kernel's parameters as the cubin declares them must be the ones
/// KernelABI.h lists: a kernel compiled against another ABI would otherwise
/// read garbage (a tensor map passed as a pointer, say) and fault or compute
/// wrong results with no hint why.
mggemmStatus checkParameters(const CudaDriver &driver, cu::Function function,
                             const char *name, int numParams) {
  if (!driver.funcGetParamInfo)
    return MGGEMM_SUCCESS; // Driver older than CUDA 12.4: cannot check.
  // Sizes, not offsets: the driver reports offsets within its own parameter
  // buffer (seen on the H100: the first at 48 bytes) and lays the parameters
  // out itself from the kernelParams array.
  static const struct {
    size_t size;
    const char *what;
  } expected[MGGEMM_MAX_KERNEL_PARAMS] = {
      {MGGEMM_TENSOR_MAP_BYTES, "tensor map of A (CUtensorMap by value)"},
      {MGGEMM_TENSOR_MAP_BYTES, "tensor map of B (CUtensorMap by value)"},
      {MGGEMM_TENSOR_MAP_BYTES, "tensor map of the output (by value)"},
      {8, "output pointer"},
      {8, "sizes pointer"},
      {4, "M (int32)"},
      {4, "N (int32)"},
      {4, "K (int32)"},
      {4, "G (int32)"},
      {8, "scale pointer of A"},
      {8, "scale pointer of B"},
  };
  for (int i = 0; i < numParams; ++i) {
    size_t offset = 0, size = 0;
    cu::Result result = driver.funcGetParamInfo(function, i, &offset, &size);
    if (result != cu::SUCCESS) {
      if (i == 0)
        return MGGEMM_SUCCESS; // The driver cannot tell: nothing to check.
      return fail(MGGEMM_ERROR_UNSUPPORTED,
                  "kernel '%s' does not match KernelABI.h: it has %d "
                  "parameters, expected %d",
                  name, i, numParams);
    }
    if (size != expected[i].size)
      return fail(MGGEMM_ERROR_UNSUPPORTED,
                  "kernel '%s' does not match KernelABI.h: parameter %d is "
                  "%zu bytes, expected the %s: %zu bytes",
                  name, i, size, expected[i].what, expected[i].size);
  }
  return MGGEMM_SUCCESS;
}

mggemmStatus prepareKernel(const CudaDriver &driver, const DeviceInfo &device,
                           cu::Module module, const char *name, int numParams,
                           unsigned threads, unsigned sharedMemoryBytes,
                           cu::Function &out) {
  cu::Function function = nullptr;
  cu::Result result = driver.moduleGetFunction(&function, module, name);
  if (result == cu::ERROR_NOT_FOUND)
    return fail(MGGEMM_ERROR_UNSUPPORTED,
                "the embedded kernel library (%zu bytes) has no kernel '%s'; "
                "it must hold every kernel of TileConfigs.h",
                mggemm_kernel_library_size, name);
  if (result != cu::SUCCESS)
    return cudaFailure(driver, result, "cuModuleGetFunction(\"%s\")", name);
  if (mggemmStatus status = checkParameters(driver, function, name, numParams))
    return status;

  int maxThreads = 0, staticShared = 0;
  result = driver.funcGetAttribute(
      &maxThreads, cu::FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK, function);
  if (result != cu::SUCCESS)
    return cudaFailure(driver, result,
                       "cuFuncGetAttribute(MAX_THREADS_PER_BLOCK, %s)", name);
  if ((unsigned)maxThreads < threads) {
    int registers = -1;
    driver.funcGetAttribute(&registers, cu::FUNC_ATTRIBUTE_NUM_REGS, function);
    return fail(MGGEMM_ERROR_UNSUPPORTED,
                "kernel '%s' can run at most %d threads per CTA (it uses %d "
                "registers per thread), but KernelABI.h launches it with %u",
                name, maxThreads, registers, threads);
  }
  result = driver.funcGetAttribute(
      &staticShared, cu::FUNC_ATTRIBUTE_SHARED_SIZE_BYTES, function);
  if (result != cu::SUCCESS)
    return cudaFailure(driver, result,
                       "cuFuncGetAttribute(SHARED_SIZE_BYTES, %s)", name);
  if ((long long)staticShared + sharedMemoryBytes >
      device.maxSharedMemoryPerBlockOptin)
    return fail(MGGEMM_ERROR_UNSUPPORTED,
                "kernel '%s' needs %d bytes of static and %u of dynamic "
                "shared memory; %s allows %d per CTA",
                name, staticShared, sharedMemoryBytes, device.name,
                device.maxSharedMemoryPerBlockOptin);
  result = driver.funcSetAttribute(
      function, cu::FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
      (int)sharedMemoryBytes);
  if (result != cu::SUCCESS)
    return cudaFailure(driver, result,
                       "cuFuncSetAttribute(MAX_DYNAMIC_SHARED_SIZE_BYTES, "
                       "%u, %s)",
                       sharedMemoryBytes, name);
  out = function;
  return MGGEMM_SUCCESS;
}

} // namespace

bool mggemm::runtime::kernelLibraryIsEmpty() {
  return mggemm_kernel_library_size == 0;
}

mggemmStatus mggemm::runtime::getDeviceInfo(const CudaDriver &driver,
                                            const CurrentContext &context,
                                            DeviceInfo &out) {
  MutexLock lock(stateMutex);
  ContextState *state = stateOf(context);
  if (!state)
    return outOfMemory();
  if (mggemmStatus status = ensureDevice(driver, context, *state))
    return status;
  out = state->device;
  return MGGEMM_SUCCESS;
}

bool mggemm::runtime::libraryHasKernel(mggemmKind kind, mggemmDtype dtype,
                                       mggemmTileConfig tile) {
  return findEntry(kind, dtype, tile) >= 0;
}

mggemmStatus mggemm::runtime::getKernel(const CudaDriver &driver,
                                        const CurrentContext &context,
                                        mggemmKind kind, mggemmDtype dtype,
                                        mggemmTileConfig tile,
                                        LaunchableKernel &out) {
  int n = mggemmKernelName(out.name, sizeof(out.name), kind, dtype, tile);
  if (n < 0 || (size_t)n >= sizeof(out.name))
    return fail(MGGEMM_ERROR_UNSUPPORTED, "kernel name too long");
  int entry = findEntry(kind, dtype, tile);
  if (entry < 0)
    return fail(MGGEMM_ERROR_UNSUPPORTED,
                "kernel '%s' is not in the library (TileConfigs.h)", out.name);
  if (kernelLibraryIsEmpty())
    return fail(MGGEMM_ERROR_UNSUPPORTED,
                "kernel library not built: this runtime was built without "
                "the mggemm-kernel-library target, so it holds no kernels "
                "(needed '%s')",
                out.name);
  int64_t sharedMemoryBytes =
      mggemmSharedMemoryBytes(tile, mggemmElementBytes(dtype));
  out.threadsPerCta = (unsigned)mggemmThreadsPerCta(tile);
  out.sharedMemoryBytes = (unsigned)sharedMemoryBytes;

  MutexLock lock(stateMutex);
  ContextState *statePointer = stateOf(context);
  if (!statePointer)
    return outOfMemory();
  ContextState &state = *statePointer;
  if (mggemmStatus status = ensureDevice(driver, context, state))
    return status;
  const DeviceInfo &device = state.device;
  // sm_90a code runs on compute capability 9.0 only, not on later chips.
  if (device.computeMajor != 9 || device.computeMinor != 0)
    return fail(MGGEMM_ERROR_NO_DEVICE,
                "device %d (%s) has compute capability %d.%d; the mggemm "
                "kernels are built for sm_90a and need compute capability "
                "9.0 (H100, H200, H800, GH200)",
                device.device, device.name, device.computeMajor,
                device.computeMinor);
  if (!state.module) {
    cu::Result result =
        driver.moduleLoadData(&state.module, mggemm_kernel_library_data);
    if (result != cu::SUCCESS) {
      state.module = nullptr;
      return cudaFailure(driver, result,
                         "cuModuleLoadData(embedded kernel library, %zu "
                         "bytes) on device %d (%s)",
                         mggemm_kernel_library_size, device.device,
                         device.name);
    }
  }
  cu::Function &function = state.kernels[entry];
  if (!function) {
    if (mggemmStatus status =
            prepareKernel(driver, device, state.module, out.name,
                          mggemmNumKernelParams(dtype), out.threadsPerCta,
                          out.sharedMemoryBytes, function))
      return status;
  }
  out.function = function;
  // One CTA per SM, in whole clusters (the kernels carry their cluster shape;
  // SMs come in pairs, so pairs of CTAs fill the GPU).
  int cluster = mggemmClusterSize(tile);
  out.gridSize = (unsigned)(device.multiprocessorCount / cluster * cluster);
  return MGGEMM_SUCCESS;
}
