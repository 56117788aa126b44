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
#include "Json.h"
#include "Options.h"
#include "Problem.h"
#include "SmClock.h"
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
    for (size_t d = 0; d < MGGEMM_LIBRARY_NUM_DTYPES; ++d) {
      std::string name =
          kernelName(entry.kind, mggemmLibraryDtypes[d], entry.tile);
      bool present = std::find(info.symbols.functions.begin(),
                               info.symbols.functions.end(),
                               name) != info.symbols.functions.end();
      missing += !present;
      expected.push_back(name);
      printf("  %-44s %-8s %4" PRId64 " threads, %6" PRId64
             " bytes of shared memory\n",
             name.c_str(), present ? "present" : "MISSING",
             mggemmThreadsPerCta(entry.tile),
             mggemmSharedMemoryBytes(entry.tile, 2));
    }
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
// Buffers
//===----------------------------------------------------------------------===//

/// One set of device buffers for a run; unused ones stay null.
struct Buffers {
  void *x = nullptr, *w = nullptr, *dy = nullptr;  // inputs
  void *y = nullptr, *dx = nullptr, *dw = nullptr; // outputs
};

struct Extents {
  int64_t x, w, dy, y, dx, dw; // elements of each tensor, 0 when unused
};

bool uses(Variant v, const char *tensor) {
  bool fwd = v == Variant::Forward, gi = v == Variant::GradInput,
       gw = v == Variant::GradWeight, bwd = v == Variant::Backward;
  if (!strcmp(tensor, "x"))
    return fwd || gw || bwd;
  if (!strcmp(tensor, "w"))
    return fwd || gi || bwd;
  if (!strcmp(tensor, "dy"))
    return gi || gw || bwd;
  if (!strcmp(tensor, "y"))
    return fwd;
  if (!strcmp(tensor, "dx"))
    return gi || bwd;
  return gw || bwd; // dw
}

Extents extentsOf(Variant v, const Problem &p) {
  Extents e;
  e.x = uses(v, "x") ? p.M * p.K : 0;
  e.w = uses(v, "w") ? p.G * p.N * p.K : 0;
  e.dy = uses(v, "dy") ? p.M * p.N : 0;
  e.y = uses(v, "y") ? p.M * p.N : 0;
  e.dx = uses(v, "dx") ? p.M * p.K : 0;
  e.dw = uses(v, "dw") ? p.G * p.N * p.K : 0;
  return e;
}

int64_t inputBytes(const Extents &e) { return 2 * (e.x + e.w + e.dy); }
int64_t outputBytes(const Extents &e) { return 2 * (e.y + e.dx + e.dw); }

void *allocate(int64_t elements) {
  if (elements == 0)
    return nullptr; // the runtime accepts null for empty tensors
  void *p = nullptr;
  CUDA_CHECK(cudaMalloc(&p, (size_t)elements * 2));
  return p;
}

/// Scale of each input: the second operand of each product is divided by
/// the square root of its reduction length, so that outputs are O(1).
struct Scales {
  float x, w, dy;
};

Scales scalesOf(Variant v, const Problem &p) {
  double largest = std::max<int64_t>(1, p.largestGroup());
  Scales s = {1.0f, 1.0f, 1.0f};
  if (v == Variant::Forward)
    s.w = (float)(1.0 / std::sqrt((double)p.K));
  else if (v == Variant::GradInput || v == Variant::Backward)
    s.w = (float)(1.0 / std::sqrt((double)p.N));
  if (v == Variant::GradWeight || v == Variant::Backward)
    s.x = (float)(1.0 / std::sqrt(largest));
  return s;
}

Buffers makeBuffers(Variant v, const Problem &p, mggemmDtype dtype,
                    uint64_t seed, uint64_t set, cudaStream_t stream) {
  Extents e = extentsOf(v, p);
  Scales s = scalesOf(v, p);
  Buffers b;
  b.x = allocate(e.x);
  b.w = allocate(e.w);
  b.dy = allocate(e.dy);
  b.y = allocate(e.y);
  b.dx = allocate(e.dx);
  b.dw = allocate(e.dw);
  fillRandom(b.x, e.x, dtype, s.x, seed, 3 * set + 0, stream);
  fillRandom(b.w, e.w, dtype, s.w, seed, 3 * set + 1, stream);
  fillRandom(b.dy, e.dy, dtype, s.dy, seed, 3 * set + 2, stream);
  // Poison every output, dW included: an element the kernel should write
  // and did not stays NaN.
  fill16(b.y, e.y, kPoisonBits, stream);
  fill16(b.dx, e.dx, kPoisonBits, stream);
  fill16(b.dw, e.dw, kPoisonBits, stream);
  return b;
}

void freeBuffers(Buffers &b) {
  for (void *p : {b.x, b.w, b.dy, b.y, b.dx, b.dw})
    if (p)
      CUDA_CHECK(cudaFree(p));
  b = Buffers();
}

mggemmStatus callRuntime(Variant v, const Buffers &b, const int32_t *sizes,
                         const Problem &p, mggemmDtype dtype,
                         cudaStream_t stream) {
  switch (v) {
  case Variant::Forward:
    return mggemmForward(b.x, b.w, sizes, b.y, p.M, p.N, p.K, p.G, dtype,
                         stream);
  case Variant::GradInput:
    return mggemmGradInput(b.dy, b.w, sizes, b.dx, p.M, p.N, p.K, p.G, dtype,
                           stream);
  case Variant::GradWeight:
    return mggemmGradWeight(b.dy, b.x, sizes, b.dw, p.M, p.N, p.K, p.G, dtype,
                            stream);
  case Variant::Backward:
    return mggemmBackward(b.dy, b.x, b.w, sizes, b.dx, b.dw, p.M, p.N, p.K, p.G,
                          dtype, stream);
  }
  return MGGEMM_ERROR_INVALID_VALUE;
}

//===----------------------------------------------------------------------===//
// Checking
//===----------------------------------------------------------------------===//

struct OutputCheck {
  std::string name;
  int64_t elements = 0; // compared with the reference
  CompareStats stats = {};
  double relativeError = 0;
  int64_t untouchedViolations = -1; // rows past the sum of sizes; -1: n/a
  int64_t emptyGroupNonzero = -1;   // dW of empty groups; -1: n/a
  std::string maxErrorAt, firstBadAt;
  bool pass = false;
};

std::vector<int64_t> offsetsOf(const Problem &p) {
  std::vector<int64_t> offsets(p.G + 1, 0);
  for (int64_t g = 0; g < p.G; ++g)
    offsets[g + 1] = offsets[g] + std::max(0, p.sizes[g]);
  return offsets;
}

/// "row 130 (group 1, row 2 of 64), column 17".
std::string describeRowMajor(int64_t index, int64_t columns,
                             const std::vector<int64_t> &offsets) {
  int64_t row = index / columns, column = index % columns;
  size_t g = std::upper_bound(offsets.begin(), offsets.end(), row) -
             offsets.begin() - 1;
  char text[160];
  if (g + 1 < offsets.size())
    snprintf(text, sizeof(text),
             "row %" PRId64 " (group %zu, its row %" PRId64 " of %" PRId64
             "), column %" PRId64,
             row, g, row - offsets[g], offsets[g + 1] - offsets[g], column);
  else
    snprintf(text, sizeof(text), "row %" PRId64 ", column %" PRId64, row,
             column);
  return text;
}

std::string describeWeight(int64_t index, const Problem &p) {
  int64_t g = index / (p.N * p.K), r = index % (p.N * p.K);
  char text[128];
  snprintf(text, sizeof(text),
           "group %" PRId64 " (%d rows), n %" PRId64 ", k %" PRId64, g,
           p.sizes[g], r / p.K, r % p.K);
  return text;
}

void finish(OutputCheck &c, double tolerance) {
  const CompareStats &s = c.stats;
  c.relativeError = s.sumSquaredReference > 0
                        ? std::sqrt(s.sumSquaredError / s.sumSquaredReference)
                        : std::sqrt(s.sumSquaredError);
  bool numericsOk = s.sumSquaredReference > 0 ? c.relativeError <= tolerance
                                              : s.maxAbsError == 0;
  c.pass = numericsOk && s.poisoned == 0 && s.nonFinite == 0 &&
           c.untouchedViolations <= 0 && c.emptyGroupNonzero <= 0;
}

/// Adds the comparison of one group's slice, which starts `offset` elements
/// into the output, to the whole output's.
void accumulate(CompareStats &total, const CompareStats &part, int64_t offset) {
  total.sumSquaredError += part.sumSquaredError;
  total.sumSquaredReference += part.sumSquaredReference;
  if (part.maxErrorIndex >= 0 &&
      (total.maxErrorIndex < 0 || part.maxAbsError > total.maxAbsError)) {
    total.maxAbsError = part.maxAbsError;
    total.maxErrorIndex = offset + part.maxErrorIndex;
  }
  total.poisoned += part.poisoned;
  total.nonFinite += part.nonFinite;
  if (part.firstBadIndex >= 0 && total.firstBadIndex < 0)
    total.firstBadIndex = offset + part.firstBadIndex;
}

/// A scratch fp32 buffer for one group's reference: the reference is
/// computed and compared group by group, so that its memory is one group's
/// output, not the whole output's (dW of 256 Mixtral-sized experts is 15G
/// elements).
float *allocateReference(int64_t elements) {
  float *reference = nullptr;
  if (elements > 0)
    CUDA_CHECK(cudaMalloc(&reference, (size_t)elements * sizeof(float)));
  return reference;
}

/// Checks a row-major output [M, cols] (Y or dX) whose group g is the
/// product of rows of `a` with W[g]: rows below the sum of the sizes against
/// the reference, rows past it for their poison.
OutputCheck checkRows(const char *name, const void *out, int64_t cols,
                      const Problem &p, mggemmDtype dtype,
                      const ReferenceProduct &perGroup, int64_t aRowsStride,
                      int64_t wGroupStride, double tolerance,
                      cudaStream_t stream) {
  OutputCheck c;
  c.name = name;
  c.stats = {0, 0, 0, -1, 0, 0, -1};
  std::vector<int64_t> offsets = offsetsOf(p);
  int64_t rows = offsets.back();
  c.elements = rows * cols;
  float *reference = allocateReference(p.largestGroup() * cols);
  for (int64_t g = 0; g < p.G; ++g) {
    ReferenceProduct product = perGroup;
    product.a = (const char *)perGroup.a + 2 * offsets[g] * aRowsStride;
    product.b = (const char *)perGroup.b + 2 * g * wGroupStride;
    product.c = reference;
    product.rows = offsets[g + 1] - offsets[g];
    if (product.rows == 0)
      continue;
    referenceProduct(product, dtype, stream);
    int64_t offset = offsets[g] * cols;
    accumulate(c.stats,
               compare((const uint16_t *)out + offset, reference,
                       product.rows * cols, dtype, stream),
               offset);
  }
  if (reference)
    CUDA_CHECK(cudaFree(reference));
  c.untouchedViolations =
      out ? countDifferent((const uint16_t *)out + c.elements,
                           (p.M - rows) * cols, kPoisonBits, 0xffff, stream)
          : 0;
  if (c.stats.maxErrorIndex >= 0)
    c.maxErrorAt = describeRowMajor(c.stats.maxErrorIndex, cols, offsets);
  if (c.stats.firstBadIndex >= 0)
    c.firstBadAt = describeRowMajor(c.stats.firstBadIndex, cols, offsets);
  finish(c, tolerance);
  return c;
}

OutputCheck checkForward(const Buffers &b, const Problem &p, mggemmDtype dtype,
                         double tol, cudaStream_t s) {
  // Y_g[i, j] = sum_k X[off + i, k] * W[g, j, k]
  ReferenceProduct r = {b.x, p.K, 1, b.w, p.K, 1, nullptr, p.N, 0, p.N, p.K};
  return checkRows("y", b.y, p.N, p, dtype, r, p.K, p.N * p.K, tol, s);
}

OutputCheck checkGradInput(const Buffers &b, const Problem &p,
                           mggemmDtype dtype, double tol, cudaStream_t s) {
  // dX_g[i, j] = sum_n dY[off + i, n] * W[g, n, j]
  ReferenceProduct r = {b.dy, p.N, 1, b.w, 1, p.K, nullptr, p.K, 0, p.K, p.N};
  return checkRows("dx", b.dx, p.K, p, dtype, r, p.N, p.N * p.K, tol, s);
}

OutputCheck checkGradWeight(const Buffers &b, const Problem &p,
                            mggemmDtype dtype, double tol, cudaStream_t s) {
  OutputCheck c;
  c.name = "dw";
  c.stats = {0, 0, 0, -1, 0, 0, -1};
  c.elements = p.G * p.N * p.K;
  c.emptyGroupNonzero = 0;
  std::vector<int64_t> offsets = offsetsOf(p);
  float *reference = allocateReference(p.N * p.K);
  for (int64_t g = 0; g < p.G; ++g) {
    const uint16_t *out = (const uint16_t *)b.dw + g * p.N * p.K;
    if (offsets[g + 1] == offsets[g]) {
      // An empty group's dW must be exactly zero (either sign), not merely
      // close to it.
      c.emptyGroupNonzero += countDifferent(out, p.N * p.K, 0x0000, 0x7fff, s);
      // Its NaN poison still counts as unwritten below.
    }
    // dW_g[n, k] = sum_i dY[off + i, n] * X[off + i, k]; zero if empty.
    ReferenceProduct r;
    r.a = (const char *)b.dy + 2 * offsets[g] * p.N;
    r.aRow = 1;
    r.aRed = p.N;
    r.b = (const char *)b.x + 2 * offsets[g] * p.K;
    r.bCol = 1;
    r.bRed = p.K;
    r.c = reference;
    r.ldc = p.K;
    r.rows = p.N;
    r.cols = p.K;
    r.reduction = offsets[g + 1] - offsets[g];
    referenceProduct(r, dtype, s);
    accumulate(c.stats, compare(out, reference, p.N * p.K, dtype, s),
               g * p.N * p.K);
  }
  CUDA_CHECK(cudaFree(reference));
  if (c.stats.maxErrorIndex >= 0)
    c.maxErrorAt = describeWeight(c.stats.maxErrorIndex, p);
  if (c.stats.firstBadIndex >= 0)
    c.firstBadAt = describeWeight(c.stats.firstBadIndex, p);
  finish(c, tol);
  return c;
}

void printCheck(const OutputCheck &c) {
  printf("check %-3s %s: rel_error %.3e  max_abs_error %.3e", c.name.c_str(),
         c.pass ? "PASS" : "FAIL", c.relativeError, c.stats.maxAbsError);
  if (!c.maxErrorAt.empty())
    printf(" (at %s)", c.maxErrorAt.c_str());
  printf("\n          %" PRId64 " elements checked, %" PRId64
         " unwritten (still NaN poison), %" PRId64 " NaN/inf",
         c.elements, c.stats.poisoned, c.stats.nonFinite);
  if (c.untouchedViolations >= 0)
    printf(", %" PRId64 " written past the last group", c.untouchedViolations);
  if (c.emptyGroupNonzero >= 0)
    printf(", %" PRId64 " non-zero in empty groups", c.emptyGroupNonzero);
  printf("\n");
  if (!c.firstBadAt.empty())
    printf("          first unwritten or non-finite element: %s\n",
           c.firstBadAt.c_str());
}

/// After a call that should have failed: no output may have been touched.
int64_t touchedOutputs(const Buffers &b, const Extents &e,
                       cudaStream_t stream) {
  return countDifferent(b.y, e.y, kPoisonBits, 0xffff, stream) +
         countDifferent(b.dx, e.dx, kPoisonBits, 0xffff, stream) +
         countDifferent(b.dw, e.dw, kPoisonBits, 0xffff, stream);
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
  Extents e = extentsOf(o.variant, p);
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
    buffers[i] = makeBuffers(o.variant, p, o.dtype, o.seed, i, stream);
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

std::vector<std::string> kernelsFor(Variant v, mggemmDtype dtype,
                                    const Problem &p) {
  std::vector<mggemmKind> kinds;
  if (v == Variant::Forward)
    kinds = {MGGEMM_KIND_FORWARD};
  else if (v == Variant::GradInput)
    kinds = {MGGEMM_KIND_GRAD_INPUT};
  else if (v == Variant::GradWeight)
    kinds = {MGGEMM_KIND_GRAD_WEIGHT};
  else
    kinds = {MGGEMM_KIND_GRAD_INPUT, MGGEMM_KIND_GRAD_WEIGHT};
  std::vector<std::string> names;
  for (mggemmKind kind : kinds)
    names.push_back(
        kernelName(kind, dtype, mggemmSelectTileConfig(kind, dtype, p.N, p.K)));
  return names;
}

void writeJson(const Options &o, const Problem &p, const DeviceSummary &d,
               const LibraryInfo &library, mggemmStatus status,
               const std::string &message,
               const std::vector<OutputCheck> &checks, const BenchResult &b,
               bool pass) {
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
  for (const std::string &name : kernelsFor(o.variant, o.dtype, p))
    j.value(nullptr, name);
  j.endArray();
  j.beginObject("library")
      .value("bytes", (int64_t)library.bytes)
      .endObject();
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
  int deviceCount = 0;
  cudaError_t error = cudaGetDeviceCount(&deviceCount);
  if (error != cudaSuccess || deviceCount == 0) {
    // With no driver at all the CUDA runtime says "insufficient driver".
    fprintf(stderr,
            "mggemm-run: no usable GPU: cudaGetDeviceCount gives %d device(s) "
            "and %s (%s)\n",
            deviceCount, cudaGetErrorName(error), cudaGetErrorString(error));
    return kExitError;
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
  std::string kernels;
  for (const std::string &name : kernelsFor(o.variant, o.dtype, p))
    kernels += (kernels.empty() ? "" : ", ") + name;
  printf("kernels: %s; library %zu bytes\n", kernels.c_str(), library.bytes);

  {
    // Buffers, plus one group's fp32 reference while checking.
    Extents e = extentsOf(o.variant, p);
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
  Buffers buffers = makeBuffers(o.variant, p, o.dtype, o.seed, 0, stream);
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
  int exitCode = kExitPass;
  if (o.expectStatusGiven && status != o.expectStatus) {
    printf("FAIL: expected %s\n", mggemmStatusString(o.expectStatus));
    pass = false;
    exitCode = kExitCheckFailed;
  } else if (status != MGGEMM_SUCCESS) {
    if (o.expectStatusGiven) {
      // The expected failure: nothing may have been written.
      int64_t touched =
          touchedOutputs(buffers, extentsOf(o.variant, p), stream);
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
      if (o.variant == Variant::Forward)
        checks.push_back(
            checkForward(buffers, p, o.dtype, o.tolerance, stream));
      if (o.variant == Variant::GradInput || o.variant == Variant::Backward)
        checks.push_back(
            checkGradInput(buffers, p, o.dtype, o.tolerance, stream));
      if (o.variant == Variant::GradWeight || o.variant == Variant::Backward)
        checks.push_back(
            checkGradWeight(buffers, p, o.dtype, o.tolerance, stream));
      for (const OutputCheck &c : checks) {
        printCheck(c);
        pass &= c.pass;
      }
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
    writeJson(o, p, d, library, status, message, checks, benchResult, pass);
  freeBuffers(buffers);
  CUDA_CHECK(cudaFree(sizes));
  CUDA_CHECK(cudaStreamDestroy(stream));
  printf("RESULT: %s\n", pass ? "PASS" : "FAIL");
  return exitCode;
}
