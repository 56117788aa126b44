//===- SmClock.cpp - the GPU's current SM clock, through NVML if present --===//
//
// NVML is optional: it is opened with dlopen so that mggemm-run needs only
// the driver at run time. The few declarations below follow nvml.h.
//
//===----------------------------------------------------------------------===//

#include "SmClock.h"

#include <dlfcn.h>

namespace {
using NvmlReturn = int; // nvmlReturn_t; 0 is NVML_SUCCESS
struct NvmlDeviceOpaque;
using NvmlDevice = NvmlDeviceOpaque *;
constexpr int kNvmlClockSm = 1; // NVML_CLOCK_SM
} // namespace

int mggemm::run::currentSmClockMHz(const char *pciBusId) {
  void *nvml = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!nvml)
    return -1;
  auto init = (NvmlReturn(*)())dlsym(nvml, "nvmlInit_v2");
  auto byBusId = (NvmlReturn(*)(const char *, NvmlDevice *))dlsym(
      nvml, "nvmlDeviceGetHandleByPciBusId_v2");
  auto clockInfo = (NvmlReturn(*)(NvmlDevice, int, unsigned *))dlsym(
      nvml, "nvmlDeviceGetClockInfo");
  auto shutdown = (NvmlReturn(*)())dlsym(nvml, "nvmlShutdown");
  int mhz = -1;
  if (init && byBusId && clockInfo && shutdown && init() == 0) {
    NvmlDevice device = nullptr;
    unsigned clock = 0;
    if (byBusId(pciBusId, &device) == 0 &&
        clockInfo(device, kNvmlClockSm, &clock) == 0)
      mhz = (int)clock;
    shutdown();
  }
  dlclose(nvml);
  return mhz;
}
