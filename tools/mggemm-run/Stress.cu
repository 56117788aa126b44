//===- Stress.cu - many random launches, on several threads ---------------===//

#include "Stress.h"

#include "CudaCheck.h"
#include "Harness.h"
#include "Json.h"
#include "Problem.h"

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <climits>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace mggemm::run;

namespace {

/// Bounds that keep one case to well under a second with the reference.
constexpr int64_t kMaxTensorElements = int64_t(1) << 26;
constexpr double kMaxFlops = 0x1.0p38;
constexpr int64_t kMaxRows = 65536;

/// How a case's group sizes are made. The first four are valid inputs; the
/// others are not, and the kernels must clamp them (Problem::offsets).
enum class SizesKind {
  Random,     // random cuts of M, many empty and one-row groups
  Imbalanced, // skewed, a quarter of the groups empty
  Balanced,
  Short,    // adding up to less than M: the rows past them are untouched
  Over,     // adding up to more than M
  Negative, // some negative, down to INT32_MIN
  Huge,     // one INT32_MAX
  Long,     // the device array holds garbage entries past G
};

const char *kindName(SizesKind kind) {
  static const char *const names[] = {"random", "imbalanced", "balanced",
                                      "short",  "over",       "negative",
                                      "huge",   "long"};
  return names[(int)kind];
}

struct StressCase {
  int64_t index = 0;
  uint64_t seed = 0; // of the data
  Variant variant = Variant::Forward;
  mggemmDtype dtype = MGGEMM_DTYPE_BF16;
  SizesKind kind = SizesKind::Random;
  Problem problem;
  std::vector<int32_t> pastG; // entries of the sizes array past G
};

int64_t logUniform(Random &random, int64_t lo, int64_t hi) {
  double v = std::exp(std::log((double)lo) +
                      random.uniform() *
                          (std::log((double)hi + 1) - std::log((double)lo)));
  return std::clamp((int64_t)v, lo, hi);
}

/// N or K: a third of them multiples of 64 up to 4096 (whole tiles of the
/// reduction), the rest any multiple of 8 up to 1280 (partial tiles).
int64_t pickDim(Random &random) {
  if (random.uniform() < 0.3)
    return 64 * logUniform(random, 1, 64);
  return 8 * logUniform(random, 1, 160);
}

StressCase makeCase(uint64_t seed, int64_t index, int64_t maxGroups) {
  Random random(seed * 0x9e3779b97f4a7c15ull + (uint64_t)index + 1);
  StressCase c;
  c.index = index;
  c.seed = random.next();
  c.variant = (Variant)random.between(0, 3);
  c.dtype = random.uniform() < 0.8 ? MGGEMM_DTYPE_BF16 : MGGEMM_DTYPE_F16;
  // A third of the forward cases are scaled fp8 products: row-wise,
  // block-wise or row-wise summed in the tensor cores; a third of the
  // grad_weight cases too, row-wise.
  if (c.variant == Variant::Forward && random.uniform() < 0.33) {
    const mggemmDtype fp8[] = {MGGEMM_DTYPE_E4M3, MGGEMM_DTYPE_E4M3_BLOCK,
                               MGGEMM_DTYPE_E4M3_FAST};
    c.dtype = fp8[random.between(0, 2)];
  }
  if (c.variant == Variant::GradWeight && random.uniform() < 0.33)
    c.dtype =
        random.uniform() < 0.5 ? MGGEMM_DTYPE_E4M3 : MGGEMM_DTYPE_E4M3_FAST;
  Problem &p = c.problem;
  p.G = logUniform(random, 1, maxGroups);
  p.N = pickDim(random);
  p.K = pickDim(random);
  while (p.G * p.N * p.K > kMaxTensorElements) {
    int64_t &larger = p.N >= p.K ? p.N : p.K;
    larger = std::max<int64_t>(8, larger / 16 * 8);
    if (p.N == 8 && p.K == 8)
      break;
  }
  // fp8 rows of K elements must fill multiples of 16 bytes.
  if (mggemmDtypeIsScaled(c.dtype))
    p.K = (p.K + 15) / 16 * 16;
  int64_t maxM =
      std::min<int64_t>({kMaxRows, kMaxTensorElements / std::max(p.N, p.K),
                         (int64_t)(kMaxFlops / (2.0 * p.N * p.K))});
  p.M = random.uniform() < 0.05
            ? 0
            : logUniform(random, 1, std::max<int64_t>(1, maxM));
  if (isFp8GradWeight(c.variant, c.dtype))
    p.M = p.M / 16 * 16;
  p.split = Split::Explicit;

  double u = random.uniform();
  c.kind = u < 0.40   ? SizesKind::Random
           : u < 0.50 ? SizesKind::Imbalanced
           : u < 0.55 ? SizesKind::Balanced
           : u < 0.65 ? SizesKind::Short
           : u < 0.77 ? SizesKind::Over
           : u < 0.87 ? SizesKind::Negative
           : u < 0.93 ? SizesKind::Huge
                      : SizesKind::Long;
  switch (c.kind) {
  case SizesKind::Imbalanced:
    p.sizes = imbalancedSizes(p.M, p.G, random);
    break;
  case SizesKind::Balanced:
    p.sizes = balancedSizes(p.M, p.G);
    break;
  case SizesKind::Short:
    p.sizes = randomSizes(random.between(0, p.M), p.G, random);
    break;
  case SizesKind::Over:
    p.sizes = randomSizes(p.M + random.between(1, p.M + 300), p.G, random);
    break;
  default:
    p.sizes = randomSizes(p.M, p.G, random);
    break;
  }
  if (c.kind == SizesKind::Negative) {
    for (int32_t &s : p.sizes)
      if (random.uniform() < 0.25)
        s = random.uniform() < 0.1 ? INT32_MIN : -s - 1;
  } else if (c.kind == SizesKind::Huge) {
    p.sizes[random.between(0, p.G - 1)] = INT32_MAX;
  } else if (c.kind == SizesKind::Long) {
    for (int64_t i = random.between(1, 40); i > 0; --i)
      c.pastG.push_back(random.uniform() < 0.5 ? INT32_MAX
                                               : (int32_t)random.next());
  }
  return c;
}

struct CaseResult {
  bool pass = false;
  double relativeError = 0; // the largest over the outputs
  int64_t mismatches = 0, guards = 0;
  std::string line;
  std::vector<OutputCheck> failedChecks; // printed with the line
};

CaseResult runCase(const StressCase &c, double tolerance, cudaStream_t stream) {
  const Problem &p = c.problem;
  std::vector<int32_t> hostSizes = p.sizes;
  hostSizes.insert(hostSizes.end(), c.pastG.begin(), c.pastG.end());
  int32_t *sizes;
  CUDA_CHECK(cudaMalloc(&sizes, hostSizes.size() * 4));
  CUDA_CHECK(cudaMemcpyAsync(sizes, hostSizes.data(), hostSizes.size() * 4,
                             cudaMemcpyHostToDevice, stream));
  // Two sets with the same inputs at different addresses.
  Buffers first = makeBuffers(c.variant, p, c.dtype, c.seed, 0, stream);
  Buffers second = makeBuffers(c.variant, p, c.dtype, c.seed, 0, stream);
  mggemmStatus status =
      callRuntime(c.variant, first, sizes, p, c.dtype, stream);
  std::string message = mggemmGetLastError();
  if (status == MGGEMM_SUCCESS) {
    status = callRuntime(c.variant, second, sizes, p, c.dtype, stream);
    message = mggemmGetLastError();
  }
  CUDA_CHECK(cudaStreamSynchronize(stream));
  CUDA_CHECK(cudaGetLastError());

  CaseResult r;
  char head[256];
  snprintf(head, sizeof(head),
           "case %" PRId64 ": %s %s G=%" PRId64 " M=%" PRId64 " N=%" PRId64
           " K=%" PRId64 " sizes=%s (%" PRId64 " rows, %" PRId64
           " empty groups)",
           c.index, variantName(c.variant), mggemmDtypeName(c.dtype), p.G, p.M,
           p.N, p.K, kindName(c.kind), p.rows(), p.emptyGroups());
  r.line = head;
  if (status != MGGEMM_SUCCESS) {
    r.line +=
        std::string(": FAIL: ") + mggemmStatusString(status) + ": " + message;
  } else {
    Extents e = extentsOf(c.variant, p, c.dtype);
    std::vector<OutputCheck> checks =
        checkOutputs(c.variant, first, p, c.dtype, tolerance, stream);
    r.guards =
        guardViolations(first, e, stream) + guardViolations(second, e, stream);
    r.mismatches = outputMismatches(first, second, e, stream);
    r.pass = r.guards == 0 && r.mismatches == 0;
    std::string failed;
    for (const OutputCheck &check : checks) {
      r.pass &= check.pass;
      r.relativeError = std::max(r.relativeError, check.relativeError);
      if (!check.pass)
        failed += " " + check.name;
    }
    char tail[256];
    snprintf(tail, sizeof(tail),
             ": %s (rel_error %.2e, %" PRId64
             " bits differ between runs, %" PRId64
             " guard elements changed%s%s)",
             r.pass ? "PASS" : "FAIL", r.relativeError, r.mismatches, r.guards,
             failed.empty() ? "" : ", failed:", failed.c_str());
    r.line += tail;
    for (const OutputCheck &check : checks)
      if (!check.pass)
        r.failedChecks.push_back(check);
  }
  freeBuffers(first);
  freeBuffers(second);
  CUDA_CHECK(cudaFree(sizes));
  return r;
}

} // namespace

int mggemm::run::runStress(const Options &o) {
  std::vector<StressCase> cases;
  for (int64_t i = 0; i < o.stressCases; ++i)
    cases.push_back(makeCase(o.seed, i, o.maxGroups));
  std::vector<CaseResult> results(cases.size());
  std::mutex printMutex;
  auto start = std::chrono::steady_clock::now();
  auto worker = [&](int64_t thread) {
    CUDA_CHECK(cudaSetDevice(0));
    cudaStream_t stream;
    CUDA_CHECK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
    for (size_t i = thread; i < cases.size(); i += o.threads) {
      results[i] = runCase(cases[i], o.tolerance, stream);
      std::lock_guard<std::mutex> lock(printMutex);
      printf("[thread %" PRId64 "] %s\n", thread, results[i].line.c_str());
      for (const OutputCheck &check : results[i].failedChecks)
        printCheck(check);
    }
    CUDA_CHECK(cudaStreamDestroy(stream));
  };
  std::vector<std::thread> threads;
  for (int64_t t = 0; t < o.threads; ++t)
    threads.emplace_back(worker, t);
  for (std::thread &t : threads)
    t.join();
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();

  // Per variant and per kind of sizes: cases and passes.
  int64_t byVariant[4][2] = {}, byKind[8][2] = {};
  int64_t passed = 0, largestG = 0, mismatches = 0, guards = 0;
  double worst = 0;
  for (size_t i = 0; i < cases.size(); ++i) {
    const CaseResult &r = results[i];
    passed += r.pass;
    byVariant[(int)cases[i].variant][0] += 1;
    byVariant[(int)cases[i].variant][1] += r.pass;
    byKind[(int)cases[i].kind][0] += 1;
    byKind[(int)cases[i].kind][1] += r.pass;
    largestG = std::max(largestG, cases[i].problem.G);
    mismatches += r.mismatches;
    guards += r.guards;
    worst = std::max(worst, r.relativeError);
  }
  printf("stress: %" PRId64 " of %zu cases passed on %" PRId64
         " thread(s) in %.1f s; largest G %" PRId64
         ", worst rel_error %.2e, %" PRId64
         " bits differed between runs, %" PRId64 " guard elements changed\n",
         passed, cases.size(), o.threads, seconds, largestG, worst, mismatches,
         guards);
  for (int v = 0; v < 4; ++v)
    printf("  %-12s %" PRId64 "/%" PRId64 "\n", variantName((Variant)v),
           byVariant[v][1], byVariant[v][0]);
  for (int k = 0; k < 8; ++k)
    printf("  sizes %-10s %" PRId64 "/%" PRId64 "\n", kindName((SizesKind)k),
           byKind[k][1], byKind[k][0]);
  for (size_t i = 0; i < cases.size(); ++i)
    if (!results[i].pass)
      printf("FAILED %s\n", results[i].line.c_str());

  if (!o.jsonPath.empty()) {
    JsonWriter j;
    j.beginObject();
    j.value("tool", "mggemm-run --stress");
    j.value("seed", (int64_t)o.seed);
    j.value("threads", o.threads);
    j.value("max_groups", o.maxGroups);
    j.value("tolerance", o.tolerance);
    j.value("cases", (int64_t)cases.size());
    j.value("passed", passed);
    j.value("seconds", seconds);
    j.value("largest_G", largestG);
    j.value("worst_rel_error", worst);
    j.value("bits_differing_between_runs", mismatches);
    j.value("guard_violations", guards);
    j.beginObject("by_variant");
    for (int v = 0; v < 4; ++v)
      j.beginObject(variantName((Variant)v))
          .value("cases", byVariant[v][0])
          .value("passed", byVariant[v][1])
          .endObject();
    j.endObject();
    j.beginObject("by_sizes");
    for (int k = 0; k < 8; ++k)
      j.beginObject(kindName((SizesKind)k))
          .value("cases", byKind[k][0])
          .value("passed", byKind[k][1])
          .endObject();
    j.endObject();
    j.beginArray("failed");
    for (size_t i = 0; i < cases.size(); ++i)
      if (!results[i].pass)
        j.value(nullptr, results[i].line);
    j.endArray();
    j.endObject();
    if (!j.writeTo(o.jsonPath)) {
      fprintf(stderr, "mggemm-run: cannot write %s\n", o.jsonPath.c_str());
      return kExitError;
    }
  }
  printf("RESULT: %s\n", passed == (int64_t)cases.size() ? "PASS" : "FAIL");
  return passed == (int64_t)cases.size() ? 0 : 1;
}
