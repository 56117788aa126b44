//===- CudaCheck.h - failing loudly on CUDA runtime errors ----------------===//

#ifndef MGGEMM_TOOLS_MGGEMMRUN_CUDACHECK_H
#define MGGEMM_TOOLS_MGGEMMRUN_CUDACHECK_H

#include <cuda_runtime.h>

#include <cstdio>
#include <cstdlib>

namespace mggemm::run {

/// Exit status for a runtime or CUDA error (see --help).
constexpr int kExitError = 3;

[[noreturn]] inline void cudaFailed(cudaError_t error, const char *call,
                                    const char *file, int line) {
  fprintf(stderr, "mggemm-run: %s failed at %s:%d: %s (%s)\n", call, file, line,
          cudaGetErrorName(error), cudaGetErrorString(error));
  if (error == cudaErrorIllegalAddress || error == cudaErrorLaunchFailure ||
      error == cudaErrorIllegalInstruction ||
      error == cudaErrorMisalignedAddress)
    fprintf(stderr, "mggemm-run: a kernel faulted; kernels run "
                    "asynchronously, so the fault may come from an earlier "
                    "launch (run under compute-sanitizer to find it)\n");
  exit(kExitError);
}

} // namespace mggemm::run

/// Every CUDA runtime call goes through this: on failure, the call, where it
/// was made and the error are printed and the program exits.
#define CUDA_CHECK(call)                                                       \
  do {                                                                         \
    cudaError_t error_ = (call);                                               \
    if (error_ != cudaSuccess)                                                 \
      ::mggemm::run::cudaFailed(error_, #call, __FILE__, __LINE__);            \
  } while (0)

#endif // MGGEMM_TOOLS_MGGEMMRUN_CUDACHECK_H
