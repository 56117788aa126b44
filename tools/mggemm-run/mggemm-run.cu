//===- mggemm-run.cu - run, check and time the runtime's kernels ----------===//
//
// The GPU harness: builds a grouped-GEMM problem (shape, group sizes, random
// data), poisons the outputs with NaN, calls libmggemm_runtime.so's entry
// point on a stream, then checks every output element against an fp32
// reference computed by its own simple kernel, and/or times the launches
// with CUDA events. Links the runtime and the CUDA runtime (statically); no
// MLIR. `--help` lists the options; the exit status says what failed.
//
//===----------------------------------------------------------------------===//

#include "CubinSymbols.h"
#include "CudaCheck.h"
#include "DeviceKernels.h"
#include "EmbeddedKernelLibrary.h"
#include "Harness.h"
#include "Json.h"
#include "Options.h"
#include "Problem.h"
#include "SmClock.h"
#include "Stress.h"
#include "mggemm/Runtime/TileConfigs.h"
#include "mggemm/Runtime/mggemm.h"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

using namespace mggemm::run;

namespace {

constexpr int kExitPass = 0, kExitCheckFailed = 1, kExitUsage = 2;
// kExitError = 3 (CudaCheck.h); a problem too large for the GPU's memory is
// skipped, not failed.
constexpr int kExitSkipped = 4;

//===----------------------------------------------------------------------===//
// The embedded kernel library
//===----------------------------------------------------------------------===//

struct LibraryInfo {
  size_t bytes = 0;
  bool readable = false;
  std::string error;
  CubinSymbols symbols;
};

LibraryInfo inspectLibrary() {
  LibraryInfo info;
  info.bytes = mggemm_kernel_library_size;
  if (info.bytes == 0) {
    info.error = "no kernel library is embedded (the runtime was built "
                 "without the mggemm-kernel-library target)";
    return info;
  }
  info.readable = readCubinSymbols(mggemm_kernel_library_data, info.bytes,
                                   info.symbols, info.error);
  return info;
}

std::string kernelName(mggemmKind kind, mggemmDtype dtype,
                       mggemmTileConfig tile) {
  char name[128];
  mggemmKernelName(name, sizeof(name), kind, dtype, tile);
  return name;
}

int listKernels() {
  LibraryInfo info = inspectLibrary();
  printf("kernel library: %zu bytes embedded in libmggemm_runtime.so\n",
         info.bytes);
  if (!info.readable) {
    printf("  %s\n", info.error.c_str());
    return kExitCheckFailed;
  }
  int missing = 0;
  std::vector<std::string> expected;
  printf("kernels of TileConfigs.h:\n");
  for (size_t i = 0; i < MGGEMM_LIBRARY_SIZE; ++i) {
    const mggemmLibraryEntry &entry = mggemmLibraryEntries[i];
    std::string name = kernelName(entry.kind, entry.dtype, entry.tile);
    bool present =
        std::find(info.symbols.functions.begin(), info.symbols.functions.end(),
                  name) != info.symbols.functions.end();
    missing += !present;
    expected.push_back(name);
    printf(
        "  %-44s %-8s %4" PRId64 " threads, %6" PRId64
        " bytes of shared memory\n",
        name.c_str(), present ? "present" : "MISSING",
        mggemmThreadsPerCta(entry.tile),
        mggemmSharedMemoryBytes(entry.tile, mggemmElementBytes(entry.dtype)));
  }
  bool header = false;
  for (const std::string &function : info.symbols.functions) {
    if (std::find(expected.begin(), expected.end(), function) != expected.end())
      continue;
    if (!header)
      printf("other functions in the cubin:\n");
    header = true;
    printf("  %s\n", function.c_str());
  }
  if (missing)
    printf("%d kernel(s) missing\n", missing);
  return missing ? kExitCheckFailed : kExitPass;
}

//===----------------------------------------------------------------------===//
// Benchmarking
//===----------------------------------------------------------------------===//

struct BenchResult {
  bool ran = false;
  int iters = 0, warmup = 0, sets = 0;
  double medianMs = 0, minMs = 0, maxMs = 0, meanMs = 0;
  double flops = 0, bytes = 0, tflops = 0, gbps = 0;
};

BenchResult bench(const Options &o, const Problem &p, const Buffers &first,
                  const int32_t *sizes, int64_t l2Bytes, cudaStream_t stream) {
  BenchResult r;
  r.ran = true;
  r.iters = o.iters;
  r.warmup = o.warmup;
  Extents e = extentsOf(o.variant, p, o.dtype);
  int64_t in = inputBytes(e), setBytes = in + outputBytes(e);
  // Rotate through enough buffer sets that the inputs read between two uses
  // of one set exceed the L2 cache: every launch then reads from HBM, as in
  // a real model.
  int64_t sets = in > 0 ? 1 + (l2Bytes + in - 1) / in : 1;
  size_t freeBytes = 0, totalBytes = 0;
  CUDA_CHECK(cudaMemGetInfo(&freeBytes, &totalBytes));
  int64_t affordable =
      setBytes > 0 ? 1 + (int64_t)(freeBytes * 0.8) / setBytes : sets;
  sets = std::max<int64_t>(1, std::min<int64_t>({sets, affordable, 64}));
  r.sets = (int)sets;
  std::vector<Buffers> buffers(sets);
  buffers[0] = first;
  for (int64_t i = 1; i < sets; ++i)
    buffers[i] =
        makeBuffers(o.variant, p, o.dtype, o.seed, i, stream, o.nonNegative);
  CUDA_CHECK(cudaStreamSynchronize(stream));

  auto launch = [&](int i) {
    mggemmStatus status =
        callRuntime(o.variant, buffers[i % sets], sizes, p, o.dtype, stream);
    if (status != MGGEMM_SUCCESS) {
      fprintf(stderr, "mggemm-run: benchmark launch %d failed: %s: %s\n", i,
              mggemmStatusString(status), mggemmGetLastError());
      exit(kExitError);
    }
  };
  for (int i = 0; i < o.warmup; ++i)
    launch(i);
  std::vector<cudaEvent_t> events(2 * o.iters);
  for (cudaEvent_t &event : events)
    CUDA_CHECK(cudaEventCreate(&event));
  for (int i = 0; i < o.iters; ++i) {
    CUDA_CHECK(cudaEventRecord(events[2 * i], stream));
    launch(o.warmup + i);
    CUDA_CHECK(cudaEventRecord(events[2 * i + 1], stream));
  }
  CUDA_CHECK(cudaStreamSynchronize(stream));
  std::vector<double> times(o.iters);
  for (int i = 0; i < o.iters; ++i) {
    float ms = 0;
    CUDA_CHECK(cudaEventElapsedTime(&ms, events[2 * i], events[2 * i + 1]));
    times[i] = ms;
  }
  for (cudaEvent_t event : events)
    CUDA_CHECK(cudaEventDestroy(event));
  for (int64_t i = 1; i < sets; ++i)
    freeBuffers(buffers[i]);

  std::vector<double> sorted = times;
  std::sort(sorted.begin(), sorted.end());
  r.medianMs =
      sorted.size() % 2
          ? sorted[sorted.size() / 2]
          : 0.5 * (sorted[sorted.size() / 2 - 1] + sorted[sorted.size() / 2]);
  r.minMs = sorted.front();
  r.maxMs = sorted.back();
  double total = 0;
  for (double t : times)
    total += t;
  r.meanMs = total / times.size();
  int products = o.variant == Variant::Backward ? 2 : 1;
  r.flops = 2.0 * products * (double)p.rows() * p.N * p.K;
  r.bytes = (double)setBytes;
  r.tflops = r.medianMs > 0 ? r.flops / (r.medianMs * 1e-3) / 1e12 : 0;
  r.gbps = r.medianMs > 0 ? r.bytes / (r.medianMs * 1e-3) / 1e9 : 0;
  return r;
}

//===----------------------------------------------------------------------===//
// Reporting
//===----------------------------------------------------------------------===//

struct DeviceSummary {
  std::string name;
  int smCount = 0, major = 0, minor = 0, driverVersion = 0, runtimeVersion = 0,
      smClockMHz = -1;
  int64_t l2Bytes = 0;
  char pciBusId[32] = "";
};

/// The products a variant launches.
std::vector<mggemmKind> kindsOf(Variant v) {
  switch (v) {
  case Variant::Forward:
    return {MGGEMM_KIND_FORWARD};
  case Variant::GradInput:
    return {MGGEMM_KIND_GRAD_INPUT};
  case Variant::GradWeight:
    return {MGGEMM_KIND_GRAD_WEIGHT};
  case Variant::Backward:
    break;
  }
  return {MGGEMM_KIND_GRAD_INPUT, MGGEMM_KIND_GRAD_WEIGHT};
}

std::vector<std::string> kernelsFor(Variant v, mggemmDtype dtype,
                                    const Problem &p,
                                    const mggemmTileConfig *tile) {
  std::vector<std::string> names;
  for (mggemmKind kind : kindsOf(v))
    names.push_back(
        kernelName(kind, dtype,
                   tile ? *tile
                        : mggemmSelectTileConfig(kind, dtype, p.N, p.K,
                                                 p.G > 0 ? p.M / p.G : -1)));
  return names;
}

void writeJson(const Options &o, const Problem &p, const DeviceSummary &d,
               const LibraryInfo &library, mggemmStatus status,
               const std::string &message,
               const std::vector<OutputCheck> &checks, int64_t guardsChanged,
               const BenchResult &b, bool pass) {
  JsonWriter j;
  j.beginObject();
  j.value("tool", "mggemm-run");
  j.value("variant", variantName(o.variant));
  j.value("dtype", mggemmDtypeName(o.dtype));
  j.value("G", p.G).value("M", p.M).value("N", p.N).value("K", p.K);
  j.value("rows", p.rows());
  j.value("split", splitName(p.split));
  j.value("seed", (int64_t)o.seed);
  j.beginArray("sizes");
  for (int32_t s : p.sizes)
    j.element(s);
  j.endArray();
  j.value("empty_groups", p.emptyGroups());
  j.value("largest_group", p.largestGroup());
  j.beginArray("kernels");
  for (const std::string &name :
       kernelsFor(o.variant, o.dtype, p, o.tileGiven ? &o.tile : nullptr))
    j.value(nullptr, name);
  j.endArray();
  j.beginObject("library").value("bytes", (int64_t)library.bytes).endObject();
  j.beginObject("device")
      .value("name", d.name)
      .value("sm_count", (int64_t)d.smCount)
      .value("compute_capability",
             std::to_string(d.major) + "." + std::to_string(d.minor))
      .value("driver_version", (int64_t)d.driverVersion)
      .value("runtime_version", (int64_t)d.runtimeVersion)
      .value("l2_bytes", d.l2Bytes);
  if (d.smClockMHz >= 0)
    j.value("sm_clock_mhz_at_end", (int64_t)d.smClockMHz);
  else
    j.null("sm_clock_mhz_at_end");
  j.endObject();
  j.value("checked_mode", o.checkSizes);
  j.value("status", mggemmStatusString(status));
  j.value("message", message);
  if (o.expectStatusGiven)
    j.value("expected_status", mggemmStatusString(o.expectStatus));
  j.beginObject("check");
  j.value("ran", !checks.empty());
  j.value("tolerance", o.tolerance);
  if (guardsChanged >= 0)
    j.value("guard_violations", guardsChanged);
  j.beginArray("outputs");
  for (const OutputCheck &c : checks) {
    j.beginObject()
        .value("name", c.name)
        .value("elements", c.elements)
        .value("rel_error", c.relativeError)
        .value("max_abs_error", (double)c.stats.maxAbsError)
        .value("max_error_at", c.maxErrorAt)
        .value("unwritten", c.stats.poisoned)
        .value("non_finite", c.stats.nonFinite)
        .value("first_bad_at", c.firstBadAt);
    if (c.untouchedViolations >= 0)
      j.value("written_past_last_group", c.untouchedViolations);
    if (c.emptyGroupNonzero >= 0)
      j.value("empty_group_nonzero", c.emptyGroupNonzero);
    j.value("pass", c.pass).endObject();
  }
  j.endArray();
  j.endObject();
  if (b.ran)
    j.beginObject("bench")
        .value("iters", (int64_t)b.iters)
        .value("warmup", (int64_t)b.warmup)
        .value("buffer_sets", (int64_t)b.sets)
        .value("median_ms", b.medianMs)
        .value("min_ms", b.minMs)
        .value("max_ms", b.maxMs)
        .value("mean_ms", b.meanMs)
        .value("flops", b.flops)
        .value("tflops", b.tflops)
        .value("bytes", b.bytes)
        .value("gbytes_per_s", b.gbps)
        .endObject();
  else
    j.null("bench");
  j.value("pass", pass);
  j.endObject();
  if (!j.writeTo(o.jsonPath)) {
    fprintf(stderr, "mggemm-run: cannot write %s\n", o.jsonPath.c_str());
    exit(kExitError);
  }
}

/// Opens device 0 and describes it; false (after saying why) without a GPU.
bool openDevice(DeviceSummary &d) {
  int deviceCount = 0;
  cudaError_t error = cudaGetDeviceCount(&deviceCount);
  if (error != cudaSuccess || deviceCount == 0) {
    // With no driver at all the CUDA runtime says "insufficient driver".
    fprintf(stderr,
            "mggemm-run: no usable GPU: cudaGetDeviceCount gives %d device(s) "
            "and %s (%s)\n",
            deviceCount, cudaGetErrorName(error), cudaGetErrorString(error));
    return false;
  }
  CUDA_CHECK(cudaSetDevice(0));
  // Create the primary context now: the runtime launches in the current
  // context, as it would in PyTorch.
  CUDA_CHECK(cudaFree(nullptr));
  cudaDeviceProp props;
  CUDA_CHECK(cudaGetDeviceProperties(&props, 0));
  d.name = props.name;
  d.smCount = props.multiProcessorCount;
  d.major = props.major;
  d.minor = props.minor;
  d.l2Bytes = props.l2CacheSize;
  CUDA_CHECK(cudaDriverGetVersion(&d.driverVersion));
  CUDA_CHECK(cudaRuntimeGetVersion(&d.runtimeVersion));
  CUDA_CHECK(cudaDeviceGetPCIBusId(d.pciBusId, sizeof(d.pciBusId), 0));
  printf("device: %s (compute capability %d.%d, %d SMs, %" PRId64
         " MB L2), driver %d.%d, %d device(s)\n",
         d.name.c_str(), d.major, d.minor, d.smCount, d.l2Bytes >> 20,
         d.driverVersion / 1000, d.driverVersion % 1000 / 10, deviceCount);
  return true;
}

} // namespace

int main(int argc, char **argv) {
  // Line by line, so that stdout and stderr interleave right in logs.
  setvbuf(stdout, nullptr, _IOLBF, 0);
  Options o;
  bool exitNow = false;
  if (!parseOptions(argc, argv, o, exitNow))
    return kExitUsage;
  if (exitNow)
    return kExitPass;
  if (o.list)
    return listKernels();
  // The stress mode runs every variant; a single run, its own.
  std::vector<mggemmKind> tiled =
      o.stressCases
          ? std::vector<mggemmKind>{MGGEMM_KIND_FORWARD, MGGEMM_KIND_GRAD_INPUT,
                                    MGGEMM_KIND_GRAD_WEIGHT}
          : kindsOf(o.variant);
  if (o.tileGiven)
    for (mggemmKind kind : tiled)
      if (mggemmSetTileConfig(kind, &o.tile) != MGGEMM_SUCCESS) {
        fprintf(stderr, "mggemm-run: --tile: %s\n", mggemmGetLastError());
        return kExitUsage;
      }
  if (o.stressCases) {
    DeviceSummary d;
    return openDevice(d) ? runStress(o) : kExitError;
  }
  Problem p;
  if (!makeProblem(o, p))
    return kExitUsage;
  LibraryInfo library = inspectLibrary();

  printf("mggemm-run: %s %s G=%" PRId64 " M=%" PRId64 " N=%" PRId64
         " K=%" PRId64 " split=%s seed=%" PRIu64 "\n",
         variantName(o.variant), mggemmDtypeName(o.dtype), p.G, p.M, p.N, p.K,
         splitName(p.split), o.seed);
  printf("sizes: %s (sum %" PRId64 ", %" PRId64 " empty, largest %" PRId64
         ")\n",
         formatSizes(p.sizes, o.verbose ? p.sizes.size() : 16).c_str(),
         p.rows(), p.emptyGroups(), p.largestGroup());

  DeviceSummary d;
  if (!openDevice(d))
    return kExitError;
  std::string kernels;
  for (const std::string &name :
       kernelsFor(o.variant, o.dtype, p, o.tileGiven ? &o.tile : nullptr))
    kernels += (kernels.empty() ? "" : ", ") + name;
  printf("kernels: %s; library %zu bytes\n", kernels.c_str(), library.bytes);

  {
    // Buffers, plus one group's fp32 reference while checking.
    Extents e = extentsOf(o.variant, p, o.dtype);
    int64_t scratch =
        4 * std::max(p.largestGroup() * std::max(p.N, p.K), p.N * p.K);
    double needed = (double)(inputBytes(e) + outputBytes(e) + scratch);
    size_t freeBytes = 0, totalBytes = 0;
    CUDA_CHECK(cudaMemGetInfo(&freeBytes, &totalBytes));
    if (needed > 0.95 * (double)freeBytes) {
      printf("SKIPPED: the problem needs %.1f GiB of GPU memory; %.1f GiB of "
             "%.1f GiB are free\n",
             needed / (1 << 30), freeBytes / double(1 << 30),
             totalBytes / double(1 << 30));
      return kExitSkipped;
    }
  }
  cudaStream_t stream;
  CUDA_CHECK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
  int32_t *sizes;
  CUDA_CHECK(cudaMalloc(&sizes, std::max<size_t>(1, p.sizes.size()) * 4));
  CUDA_CHECK(cudaMemcpyAsync(sizes, p.sizes.data(), p.sizes.size() * 4,
                             cudaMemcpyHostToDevice, stream));
  Buffers buffers =
      makeBuffers(o.variant, p, o.dtype, o.seed, 0, stream, o.nonNegative);
  CUDA_CHECK(cudaStreamSynchronize(stream));

  mggemmSetCheckedMode(o.checkSizes ? 1 : 0);
  mggemmStatus status =
      callRuntime(o.variant, buffers, sizes, p, o.dtype, stream);
  std::string message = mggemmGetLastError();
  // Kernel faults surface here, asynchronously.
  CUDA_CHECK(cudaStreamSynchronize(stream));
  CUDA_CHECK(cudaGetLastError());
  printf("runtime: %s%s%s\n", mggemmStatusString(status),
         message.empty() ? "" : ": ", message.c_str());

  bool pass = true;
  std::vector<OutputCheck> checks;
  BenchResult benchResult;
  int64_t guardsChanged = -1; // -1: not checked
  int exitCode = kExitPass;
  if (o.expectStatusGiven && status != o.expectStatus) {
    printf("FAIL: expected %s\n", mggemmStatusString(o.expectStatus));
    pass = false;
    exitCode = kExitCheckFailed;
  } else if (status != MGGEMM_SUCCESS) {
    if (o.expectStatusGiven) {
      // The expected failure: nothing may have been written.
      int64_t touched =
          touchedOutputs(buffers, extentsOf(o.variant, p, o.dtype), stream);
      printf("outputs after the expected failure: %" PRId64
             " elements written\n",
             touched);
      pass = touched == 0;
      exitCode = pass ? kExitPass : kExitCheckFailed;
    } else {
      pass = false;
      exitCode = kExitError;
    }
  } else {
    if (o.check) {
      checks =
          checkOutputs(o.variant, buffers, p, o.dtype, o.tolerance, stream);
      for (const OutputCheck &c : checks) {
        printCheck(c);
        pass &= c.pass;
      }
      guardsChanged =
          guardViolations(buffers, extentsOf(o.variant, p, o.dtype), stream);
      printf("guard bands: %" PRId64 " element(s) changed\n", guardsChanged);
      pass &= guardsChanged == 0;
      if (!pass)
        exitCode = kExitCheckFailed;
    }
    if (o.bench) {
      benchResult = bench(o, p, buffers, sizes, d.l2Bytes, stream);
      printf("bench: median %.4f ms (min %.4f, max %.4f) over %d launches "
             "after %d warm-up, %d buffer set(s): %.1f TFLOP/s, %.1f GB/s\n",
             benchResult.medianMs, benchResult.minMs, benchResult.maxMs,
             benchResult.iters, benchResult.warmup, benchResult.sets,
             benchResult.tflops, benchResult.gbps);
    }
  }
  d.smClockMHz = currentSmClockMHz(d.pciBusId);
  if (d.smClockMHz >= 0)
    printf("SM clock at the end: %d MHz\n", d.smClockMHz);
  if (!o.jsonPath.empty())
    writeJson(o, p, d, library, status, message, checks, guardsChanged,
              benchResult, pass);
  freeBuffers(buffers);
  CUDA_CHECK(cudaFree(sizes));
  CUDA_CHECK(cudaStreamDestroy(stream));
  printf("RESULT: %s\n", pass ? "PASS" : "FAIL");
  return exitCode;
}
