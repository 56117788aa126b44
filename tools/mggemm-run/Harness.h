//===- Harness.h - buffers, launches and checks shared by every mode ------===//
//
// What a single run (mggemm-run's default mode) and the stress mode have in
// common: device buffers with random inputs, NaN-poisoned outputs and guard
// bands around each tensor; the call into the runtime; and the checks of
// every output against the fp32 reference.
//
//===----------------------------------------------------------------------===//

#ifndef MGGEMM_TOOLS_MGGEMMRUN_HARNESS_H
#define MGGEMM_TOOLS_MGGEMMRUN_HARNESS_H

#include "DeviceKernels.h"
#include "Options.h"
#include "Problem.h"

#include <cuda_runtime.h>

#include <cstdint>
#include <string>
#include <vector>

namespace mggemm::run {

/// One set of device buffers for a run; unused ones stay null. Each is
/// allocated with a guard band of kGuardElements on both sides, filled with
/// kGuardBits: a kernel writing just past either end of a tensor changes it.
struct Buffers {
  void *x = nullptr, *w = nullptr, *dy = nullptr;  // inputs
  void *y = nullptr, *dx = nullptr, *dw = nullptr; // outputs
  // Scales of X, W and dY (scaled dtypes; dY's for the fp8 grad_weight, which
  // takes dY and X transposed and scaled per row in each group).
  float *sx = nullptr, *sw = nullptr, *sdy = nullptr;
};

/// 4 KiB on each side: keeps every tensor 256-byte aligned.
constexpr int64_t kGuardElements = 2048;
/// A positive NaN, distinct from the output poison.
constexpr uint16_t kGuardBits = 0x7fa7;

struct Extents {
  int64_t x, w, dy, y, dx, dw, sx, sw, sdy; // bytes of each, 0 when unused
};

Extents extentsOf(Variant v, const Problem &p, mggemmDtype dtype);
int64_t inputBytes(const Extents &e);
int64_t outputBytes(const Extents &e);

/// Allocates the buffers `v` uses, fills the inputs from (seed, set) and
/// poisons the outputs. The same (seed, set) gives bitwise the same inputs.
/// `nonNegative` draws the operands from [0, s) instead of [-s, s).
Buffers makeBuffers(Variant v, const Problem &p, mggemmDtype dtype,
                    uint64_t seed, uint64_t set, cudaStream_t stream,
                    bool nonNegative = false);
void freeBuffers(Buffers &b);

mggemmStatus callRuntime(Variant v, const Buffers &b, const int32_t *sizes,
                         const Problem &p, mggemmDtype dtype,
                         cudaStream_t stream);

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

/// The checks of every output `v` writes.
std::vector<OutputCheck> checkOutputs(Variant v, const Buffers &b,
                                      const Problem &p, mggemmDtype dtype,
                                      double tolerance, cudaStream_t stream);
void printCheck(const OutputCheck &c);

/// After a call that should have failed: no output may have been touched.
int64_t touchedOutputs(const Buffers &b, const Extents &e, cudaStream_t stream);
/// Guard-band elements of every buffer that no longer hold kGuardBits.
int64_t guardViolations(const Buffers &b, const Extents &e,
                        cudaStream_t stream);
/// Output elements of `a` and `b` whose bits differ.
int64_t outputMismatches(const Buffers &a, const Buffers &b, const Extents &e,
                         cudaStream_t stream);

} // namespace mggemm::run

#endif // MGGEMM_TOOLS_MGGEMMRUN_HARNESS_H
