//===- Context.h - the CUDA context and device a call runs on -------------===//

#ifndef MGGEMM_LIB_RUNTIME_CONTEXT_H
#define MGGEMM_LIB_RUNTIME_CONTEXT_H

#include "CudaDriver.h"

namespace mggemm::runtime {

struct CurrentContext {
  cu::Context context;
  /// Unique for the life of the process (cuCtxGetId), unlike the handle,
  /// which a new context may reuse after the old one is destroyed.
  unsigned long long id;
  cu::Device device;
};

/// The calling thread's current CUDA context. A thread without one gets the
/// primary context of device 0, retained once for the life of the process
/// and made current, as the CUDA runtime (and so PyTorch) would do.
mggemmStatus getCurrentContext(const CudaDriver &driver, CurrentContext &out);

/// Opens the driver (on first use) and makes a context current, as every
/// entry point that touches the GPU does first.
mggemmStatus getDriverAndContext(const CudaDriver *&driver,
                                 CurrentContext &context);

struct DeviceInfo {
  cu::Device device;
  int multiprocessorCount;
  int computeMajor, computeMinor;
  int maxSharedMemoryPerBlockOptin;
  char name[128];
};

mggemmStatus queryDevice(const CudaDriver &driver, cu::Device device,
                         DeviceInfo &out);

} // namespace mggemm::runtime

#endif // MGGEMM_LIB_RUNTIME_CONTEXT_H
