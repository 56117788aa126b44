//===- Harness.cu - buffers, launches and checks shared by every mode -----===//

#include "Harness.h"

#include "CudaCheck.h"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>

using namespace mggemm::run;

static bool uses(Variant v, const char *tensor) {
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

/// 128-wide scale blocks along an extent.
static int64_t scaleBlocks(int64_t extent) {
  return (extent + MGGEMM_SCALE_BLOCK - 1) / MGGEMM_SCALE_BLOCK;
}

Extents mggemm::run::extentsOf(Variant v, const Problem &p, mggemmDtype dtype) {
  // X and W hold the dtype (the only inputs of scaled products but the fp8
  // weight gradient, whose dY does too); every other tensor is 16-bit.
  int64_t eb = mggemmElementBytes(dtype), scaled = mggemmDtypeIsScaled(dtype);
  bool transposed = isFp8GradWeight(v, dtype);
  Extents e;
  e.x = uses(v, "x") ? eb * p.M * p.K : 0;
  e.w = uses(v, "w") ? eb * p.G * p.N * p.K : 0;
  e.dy = uses(v, "dy") ? (transposed ? eb : 2) * p.M * p.N : 0;
  e.y = uses(v, "y") ? 2 * p.M * p.N : 0;
  e.dx = uses(v, "dx") ? 2 * p.M * p.K : 0;
  e.dw = uses(v, "dw") ? 2 * p.G * p.N * p.K : 0;
  // Block scales: [ceil(K/128), M] and [G, ceil(N/128), ceil(K/128)].
  bool blocks = dtype == MGGEMM_DTYPE_E4M3_BLOCK;
  int64_t kBlocks = scaleBlocks(p.K), nBlocks = scaleBlocks(p.N);
  // Row scales of the fp8 weight gradient: [G, K] for Xᵀ, [G, N] for dYᵀ.
  e.sx = !scaled      ? 0
         : transposed ? 4 * p.G * p.K
                      : 4 * p.M * (blocks ? kBlocks : 1);
  e.sw =
      scaled && uses(v, "w") ? 4 * p.G * (blocks ? nBlocks * kBlocks : p.N) : 0;
  e.sdy = transposed ? 4 * p.G * p.N : 0;
  return e;
}

int64_t mggemm::run::inputBytes(const Extents &e) {
  return e.x + e.w + e.dy + e.sx + e.sw + e.sdy;
}
int64_t mggemm::run::outputBytes(const Extents &e) { return e.y + e.dx + e.dw; }

/// Guard bands are kGuardElements 16-bit words; every tensor's bytes are
/// even (fp8 rows are multiples of 16 bytes).
static void *allocate(int64_t bytes, cudaStream_t stream) {
  if (bytes == 0)
    return nullptr; // the runtime accepts null for empty tensors
  char *base = nullptr;
  CUDA_CHECK(cudaMalloc(&base, (size_t)(bytes + 4 * kGuardElements)));
  char *data = base + 2 * kGuardElements;
  fill16(base, kGuardElements, kGuardBits, stream);
  fill16(data + bytes, kGuardElements, kGuardBits, stream);
  return data;
}

/// Scale of each input: the second operand of each product is divided by
/// the square root of its reduction length, so that outputs are O(1).
struct Scales {
  float x, w, dy;
};

static Scales scalesOf(Variant v, const Problem &p) {
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

Buffers mggemm::run::makeBuffers(Variant v, const Problem &p, mggemmDtype dtype,
                                 uint64_t seed, uint64_t set,
                                 cudaStream_t stream, bool nonNegative) {
  Extents e = extentsOf(v, p, dtype);
  Scales s = scalesOf(v, p);
  int64_t eb = mggemmElementBytes(dtype);
  Buffers b;
  b.x = allocate(e.x, stream);
  b.w = allocate(e.w, stream);
  b.dy = allocate(e.dy, stream);
  b.y = allocate(e.y, stream);
  b.dx = allocate(e.dx, stream);
  b.dw = allocate(e.dw, stream);
  b.sx = (float *)allocate(e.sx, stream);
  b.sw = (float *)allocate(e.sw, stream);
  b.sdy = (float *)allocate(e.sdy, stream);
  if (mggemmDtypeIsScaled(dtype)) {
    // fp8 values span [-2, 2) (well inside e4m3's range); the scales carry
    // the normalisation, with a spread so that a scale applied to the wrong
    // row or column shows.
    fillRandom(b.x, e.x / eb, dtype, 2.0f, seed, 3 * set + 0, stream,
               nonNegative);
    fillRandom(b.w, e.w / eb, dtype, 2.0f, seed, 3 * set + 1, stream,
               nonNegative);
    fillRandom(b.dy, e.dy / eb, dtype, 2.0f, seed, (2ull << 32) + set, stream,
               nonNegative);
    fillScales(b.sx, e.sx / 4, 0.5f * s.x, seed, 3 * set + 2, stream);
    fillScales(b.sw, e.sw / 4, 0.5f * s.w, seed, (1ull << 32) + set, stream);
    fillScales(b.sdy, e.sdy / 4, 0.5f, seed, (3ull << 32) + set, stream);
  } else {
    fillRandom(b.x, e.x / eb, dtype, s.x, seed, 3 * set + 0, stream,
               nonNegative);
    fillRandom(b.w, e.w / eb, dtype, s.w, seed, 3 * set + 1, stream,
               nonNegative);
    fillRandom(b.dy, e.dy / 2, dtype, s.dy, seed, 3 * set + 2, stream,
               nonNegative);
  }
  // Poison every output, dW included: an element the kernel should write
  // and did not stays NaN.
  fill16(b.y, e.y / 2, kPoisonBits, stream);
  fill16(b.dx, e.dx / 2, kPoisonBits, stream);
  fill16(b.dw, e.dw / 2, kPoisonBits, stream);
  return b;
}

void mggemm::run::freeBuffers(Buffers &b) {
  for (void *p : {b.x, b.w, b.dy, b.y, b.dx, b.dw, (void *)b.sx, (void *)b.sw,
                  (void *)b.sdy})
    if (p)
      CUDA_CHECK(cudaFree((char *)p - 2 * kGuardElements));
  b = Buffers();
}

mggemmStatus mggemm::run::callRuntime(Variant v, const Buffers &b,
                                      const int32_t *sizes, const Problem &p,
                                      mggemmDtype dtype, cudaStream_t stream) {
  switch (v) {
  case Variant::Forward:
    if (mggemmDtypeIsScaled(dtype))
      return mggemmScaledForward(b.x, b.w, b.sx, b.sw, sizes, b.y, p.M, p.N,
                                 p.K, p.G, dtype, stream);
    return mggemmForward(b.x, b.w, sizes, b.y, p.M, p.N, p.K, p.G, dtype,
                         stream);
  case Variant::GradInput:
    return mggemmGradInput(b.dy, b.w, sizes, b.dx, p.M, p.N, p.K, p.G, dtype,
                           stream);
  case Variant::GradWeight:
    if (mggemmDtypeIsScaled(dtype))
      return mggemmScaledGradWeight(b.dy, b.x, b.sdy, b.sx, sizes, b.dw, p.M,
                                    p.N, p.K, p.G, dtype, stream);
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

/// "row 130 (group 1, row 2 of 64), column 17".
static std::string describeRowMajor(int64_t index, int64_t columns,
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

static std::string describeWeight(int64_t index, const Problem &p) {
  int64_t g = index / (p.N * p.K), r = index % (p.N * p.K);
  char text[128];
  snprintf(text, sizeof(text),
           "group %" PRId64 " (%d rows), n %" PRId64 ", k %" PRId64, g,
           p.sizes[g], r / p.K, r % p.K);
  return text;
}

static void finish(OutputCheck &c, double tolerance) {
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
static void accumulate(CompareStats &total, const CompareStats &part,
                       int64_t offset) {
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
static float *allocateReference(int64_t elements) {
  float *reference = nullptr;
  if (elements > 0)
    CUDA_CHECK(cudaMalloc(&reference, (size_t)elements * sizeof(float)));
  return reference;
}

/// Checks a row-major output [M, cols] (Y or dX) whose group g is the
/// product of rows of `a` with W[g]: rows below the sum of the sizes against
/// the reference, rows past it for their poison.
static OutputCheck checkRows(const char *name, const void *out, int64_t cols,
                             const Problem &p, mggemmDtype dtype,
                             const ReferenceProduct &perGroup,
                             int64_t aRowsStride, int64_t wGroupStride,
                             double tolerance, cudaStream_t stream) {
  OutputCheck c;
  c.name = name;
  c.stats = {0, 0, 0, -1, 0, 0, -1};
  std::vector<int64_t> offsets = p.offsets();
  int64_t rows = offsets.back();
  c.elements = rows * cols;
  float *reference = allocateReference(p.largestGroup() * cols);
  for (int64_t g = 0; g < p.G; ++g) {
    ReferenceProduct product = perGroup;
    int64_t eb = mggemmElementBytes(dtype);
    product.a = (const char *)perGroup.a + eb * offsets[g] * aRowsStride;
    product.b = (const char *)perGroup.b + eb * g * wGroupStride;
    if (perGroup.aScale) // one per row of A, one per row of W[g]
      product.aScale = perGroup.aScale + offsets[g];
    if (perGroup.bScale)
      product.bScale = perGroup.bScale + g * cols; // W[g] has `cols` rows
    if (perGroup.aBlockScale) // a column per row of A, a block row per W[g]
      product.aBlockScale = perGroup.aBlockScale + offsets[g];
    if (perGroup.bBlockScale)
      product.bBlockScale =
          perGroup.bBlockScale + g * scaleBlocks(cols) * perGroup.bBlockStride;
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

static OutputCheck checkForward(const Buffers &b, const Problem &p,
                                mggemmDtype dtype, double tol, cudaStream_t s) {
  // Y_g[i, j] = sum_k X[off + i, k] * W[g, j, k]
  ReferenceProduct r = {b.x, p.K, 1, b.w, p.K, 1, nullptr, p.N, 0, p.N, p.K};
  if (dtype == MGGEMM_DTYPE_E4M3_BLOCK) {
    r.aBlockScale = b.sx;
    r.aBlockStride = p.M;
    r.bBlockScale = b.sw;
    r.bBlockStride = scaleBlocks(p.K);
  } else {
    r.aScale = b.sx;
    r.bScale = b.sw;
  }
  return checkRows("y", b.y, p.N, p, dtype, r, p.K, p.N * p.K, tol, s);
}

static OutputCheck checkGradInput(const Buffers &b, const Problem &p,
                                  mggemmDtype dtype, double tol,
                                  cudaStream_t s) {
  // dX_g[i, j] = sum_n dY[off + i, n] * W[g, n, j]
  ReferenceProduct r = {b.dy, p.N, 1, b.w, 1, p.K, nullptr, p.K, 0, p.K, p.N};
  return checkRows("dx", b.dx, p.K, p, dtype, r, p.N, p.N * p.K, tol, s);
}

static OutputCheck checkGradWeight(const Buffers &b, const Problem &p,
                                   mggemmDtype dtype, double tol,
                                   cudaStream_t s) {
  OutputCheck c;
  c.name = "dw";
  c.stats = {0, 0, 0, -1, 0, 0, -1};
  c.elements = p.G * p.N * p.K;
  c.emptyGroupNonzero = 0;
  std::vector<int64_t> offsets = p.offsets();
  float *reference = allocateReference(p.N * p.K);
  for (int64_t g = 0; g < p.G; ++g) {
    const uint16_t *out = (const uint16_t *)b.dw + g * p.N * p.K;
    if (offsets[g + 1] == offsets[g]) {
      // An empty group's dW must be exactly zero (either sign), not merely
      // close to it.
      c.emptyGroupNonzero += countDifferent(out, p.N * p.K, 0x0000, 0x7fff, s);
      // Its NaN poison still counts as unwritten below.
    }
    // dW_g[n, k] = sum_i dY[off + i, n] * X[off + i, k]; zero if empty. The
    // fp8 weight gradient reads dYᵀ [N, M] and Xᵀ [K, M], scaled per row in
    // each group.
    ReferenceProduct r;
    if (isFp8GradWeight(Variant::GradWeight, dtype)) {
      r.a = (const char *)b.dy + offsets[g];
      r.aRow = p.M;
      r.aRed = 1;
      r.b = (const char *)b.x + offsets[g];
      r.bCol = p.M;
      r.bRed = 1;
      r.aScale = b.sdy + g * p.N;
      r.bScale = b.sx + g * p.K;
    } else {
      r.a = (const char *)b.dy + 2 * offsets[g] * p.N;
      r.aRow = 1;
      r.aRed = p.N;
      r.b = (const char *)b.x + 2 * offsets[g] * p.K;
      r.bCol = 1;
      r.bRed = p.K;
    }
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

void mggemm::run::printCheck(const OutputCheck &c) {
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

int64_t mggemm::run::touchedOutputs(const Buffers &b, const Extents &e,
                                    cudaStream_t stream) {
  return countDifferent(b.y, e.y / 2, kPoisonBits, 0xffff, stream) +
         countDifferent(b.dx, e.dx / 2, kPoisonBits, 0xffff, stream) +
         countDifferent(b.dw, e.dw / 2, kPoisonBits, 0xffff, stream);
}

std::vector<OutputCheck> mggemm::run::checkOutputs(Variant v, const Buffers &b,
                                                   const Problem &p,
                                                   mggemmDtype dtype,
                                                   double tolerance,
                                                   cudaStream_t stream) {
  std::vector<OutputCheck> checks;
  if (v == Variant::Forward)
    checks.push_back(checkForward(b, p, dtype, tolerance, stream));
  if (v == Variant::GradInput || v == Variant::Backward)
    checks.push_back(checkGradInput(b, p, dtype, tolerance, stream));
  if (v == Variant::GradWeight || v == Variant::Backward)
    checks.push_back(checkGradWeight(b, p, dtype, tolerance, stream));
  return checks;
}

int64_t mggemm::run::guardViolations(const Buffers &b, const Extents &e,
                                     cudaStream_t stream) {
  int64_t changed = 0;
  const std::pair<void *, int64_t> tensors[] = {
      {b.x, e.x},   {b.w, e.w},   {b.dy, e.dy}, {b.y, e.y},    {b.dx, e.dx},
      {b.dw, e.dw}, {b.sx, e.sx}, {b.sw, e.sw}, {b.sdy, e.sdy}};
  for (auto [data, bytes] : tensors) {
    if (!data)
      continue;
    const uint16_t *p = (const uint16_t *)data;
    changed += countDifferent(p - kGuardElements, kGuardElements, kGuardBits,
                              0xffff, stream) +
               countDifferent(p + bytes / 2, kGuardElements, kGuardBits, 0xffff,
                              stream);
  }
  return changed;
}

int64_t mggemm::run::outputMismatches(const Buffers &a, const Buffers &b,
                                      const Extents &e, cudaStream_t stream) {
  return countMismatches(a.y, b.y, e.y / 2, stream) +
         countMismatches(a.dx, b.dx, e.dx / 2, stream) +
         countMismatches(a.dw, b.dw, e.dw / 2, stream);
}
