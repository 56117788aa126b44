//===- KernelLibrary.h - the embedded kernels, per CUDA context -----------===//

#ifndef MGGEMM_LIB_RUNTIME_KERNELLIBRARY_H
#define MGGEMM_LIB_RUNTIME_KERNELLIBRARY_H

#include "Context.h"
#include "mggemm/Runtime/KernelABI.h"

namespace mggemm::runtime {

/// Everything a launch of one kernel needs, per KernelABI.h.
struct LaunchableKernel {
  cu::Function function;
  unsigned gridSize;          // one CTA per SM (the kernels are persistent)
  unsigned threadsPerCta;     // mggemmThreadsPerCta()
  unsigned sharedMemoryBytes; // mggemmSharedMemoryBytes()
  char name[96];
};

/// True when the runtime was built without the kernel library.
bool kernelLibraryIsEmpty();

/// Whether TileConfigs.h lists a kernel of `kind` on `dtype` with `tile`.
bool libraryHasKernel(mggemmKind kind, mggemmDtype dtype,
                      mggemmTileConfig tile);

/// The device of `context`, queried once per context.
mggemmStatus getDeviceInfo(const CudaDriver &driver,
                           const CurrentContext &context, DeviceInfo &out);

/// The kernel for (kind, dtype, tile) in `context`. The first call in a
/// context checks that its device is sm_90 and loads the embedded cubin into
/// it; the first call for a kernel looks it up, checks its parameters and
/// thread limit against KernelABI.h and raises its dynamic shared memory
/// limit. Thread-safe.
mggemmStatus getKernel(const CudaDriver &driver, const CurrentContext &context,
                       mggemmKind kind, mggemmDtype dtype,
                       mggemmTileConfig tile, LaunchableKernel &out);

} // namespace mggemm::runtime

#endif // MGGEMM_LIB_RUNTIME_KERNELLIBRARY_H
