//===- Problem.h - the shape and group sizes of one run -------------------===//

#ifndef MGGEMM_TOOLS_MGGEMMRUN_PROBLEM_H
#define MGGEMM_TOOLS_MGGEMMRUN_PROBLEM_H

#include "Options.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mggemm::run {

struct Problem {
  int64_t G = 0, M = 0, N = 0, K = 0;
  std::vector<int32_t> sizes;
  Split split = Split::Balanced;
  /// Row offsets of the groups as the kernels see them (G + 1 entries):
  /// negative sizes count as 0 and every offset is clamped to M, so sizes
  /// that add up to more than M cut the last groups short.
  std::vector<int64_t> offsets() const;
  /// Rows that belong to a group (the sum of the sizes, clamped to M): rows
  /// from here to M belong to none.
  int64_t rows() const;
  /// Rows of the largest group, after clamping.
  int64_t largestGroup() const;
  int64_t emptyGroups() const;
};

/// Deterministic 64-bit generator (splitmix64): the same seed gives the same
/// shapes, sizes and data on every machine.
class Random {
public:
  explicit Random(uint64_t seed) : state(seed) {}
  uint64_t next();
  /// Uniform in [0, 1).
  double uniform();
  /// Uniform in [lo, hi].
  int64_t between(int64_t lo, int64_t hi);

private:
  uint64_t state;
};

/// Builds the problem the options describe (--random-shape included). On a
/// contradiction (say, --groups and --sizes disagree) prints it to stderr and
/// returns false.
bool makeProblem(const Options &options, Problem &problem);

/// Sizes that add up to M: M / G each, the remainder spread over the first.
std::vector<int32_t> balancedSizes(int64_t M, int64_t G);
/// A skewed, Dirichlet-like split: a quarter of the groups (at least one when
/// G > 1) empty, the rest weighted by a heavy-tailed draw.
std::vector<int32_t> imbalancedSizes(int64_t M, int64_t G, Random &random);
/// G - 1 random cuts of [0, M], biased towards empty and one-row groups.
std::vector<int32_t> randomSizes(int64_t M, int64_t G, Random &random);

/// "0,17,4" (at most `limit` values, then ", ... (n more)").
std::string formatSizes(const std::vector<int32_t> &sizes, size_t limit);

} // namespace mggemm::run

#endif // MGGEMM_TOOLS_MGGEMMRUN_PROBLEM_H
