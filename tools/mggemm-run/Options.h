//===- Options.h - mggemm-run's command line ------------------------------===//

#ifndef MGGEMM_TOOLS_MGGEMMRUN_OPTIONS_H
#define MGGEMM_TOOLS_MGGEMMRUN_OPTIONS_H

#include "mggemm/Runtime/mggemm.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mggemm::run {

enum class Variant { Forward, GradInput, GradWeight, Backward };
enum class Split { Balanced, Imbalanced, Random, Explicit };

const char *variantName(Variant variant);

/// Whether `variant` on `dtype` is the fp8 weight gradient, which takes dY and
/// X transposed ([N, M] and [K, M]) with scales per row in each group, and
/// reduces over M in rows of M bytes (a multiple of 16, for TMA).
inline bool isFp8GradWeight(Variant variant, mggemmDtype dtype) {
  return variant == Variant::GradWeight && mggemmDtypeIsScaled(dtype);
}
const char *splitName(Split split);

struct Options {
  Variant variant = Variant::Forward;
  mggemmDtype dtype = MGGEMM_DTYPE_BF16;
  // -1: not given on the command line.
  int64_t groups = -1, m = -1, n = -1, k = -1;
  Split split = Split::Balanced;
  std::vector<int64_t> sizes; // --sizes
  uint64_t seed = 0;
  bool randomShape = false;
  bool nonNegative = false; // --nonnegative
  bool check = false, bench = false, checkSizes = false, list = false;
  int iters = 50, warmup = 10;
  double tolerance = 1e-2;
  std::string jsonPath;
  // --expect-status: the run passes iff the runtime returns this status.
  bool expectStatusGiven = false;
  mggemmStatus expectStatus = MGGEMM_SUCCESS;
  bool verbose = false;
  // --tile: the kernel to use instead of the runtime's choice.
  bool tileGiven = false;
  mggemmTileConfig tile = {};
  // --stress: that many random cases instead of one run (0: off).
  int64_t stressCases = 0, threads = 1, maxGroups = 1024;
};

/// Parses argv into `options`; on a usage error prints it and returns false.
/// Sets `exitNow` (with `options` unusable) after --help.
bool parseOptions(int argc, char **argv, Options &options, bool &exitNow);

} // namespace mggemm::run

#endif // MGGEMM_TOOLS_MGGEMMRUN_OPTIONS_H
