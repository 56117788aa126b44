//===- SmClock.h - the GPU's current SM clock, through NVML if present ----===//

#ifndef MGGEMM_TOOLS_MGGEMMRUN_SMCLOCK_H
#define MGGEMM_TOOLS_MGGEMMRUN_SMCLOCK_H

namespace mggemm::run {

/// The current SM clock (MHz) of the device with this PCI bus id (as
/// cudaDeviceGetPCIBusId writes it), read through NVML (libnvidia-ml.so.1,
/// opened with dlopen), or -1 where NVML is missing or fails. Benchmarks
/// record it: a power-capped or throttled GPU runs at a lower clock.
int currentSmClockMHz(const char *pciBusId);

} // namespace mggemm::run

#endif // MGGEMM_TOOLS_MGGEMMRUN_SMCLOCK_H
