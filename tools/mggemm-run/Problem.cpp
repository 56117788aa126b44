//===- Problem.cpp - the shape and group sizes of one run -----------------===//

#include "Problem.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

using namespace mggemm::run;

std::vector<int64_t> Problem::offsets() const {
  std::vector<int64_t> offsets(sizes.size() + 1, 0);
  for (size_t g = 0; g < sizes.size(); ++g)
    offsets[g + 1] =
        std::min<int64_t>(offsets[g] + std::max<int32_t>(0, sizes[g]), M);
  return offsets;
}

int64_t Problem::rows() const { return offsets().back(); }

int64_t Problem::largestGroup() const {
  std::vector<int64_t> o = offsets();
  int64_t largest = 0;
  for (size_t g = 0; g + 1 < o.size(); ++g)
    largest = std::max(largest, o[g + 1] - o[g]);
  return largest;
}

int64_t Problem::emptyGroups() const {
  return std::count(sizes.begin(), sizes.end(), 0);
}

uint64_t Random::next() {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

double Random::uniform() { return (next() >> 11) * 0x1.0p-53; }

int64_t Random::between(int64_t lo, int64_t hi) {
  if (hi <= lo)
    return lo;
  return lo + (int64_t)(next() % (uint64_t)(hi - lo + 1));
}

std::vector<int32_t> mggemm::run::balancedSizes(int64_t M, int64_t G) {
  std::vector<int32_t> sizes(G, (int32_t)(M / G));
  for (int64_t g = 0; g < M % G; ++g)
    ++sizes[g];
  return sizes;
}

std::vector<int32_t> mggemm::run::imbalancedSizes(int64_t M, int64_t G,
                                                  Random &random) {
  std::vector<double> weights(G);
  for (double &w : weights) {
    // Cube of an exponential draw: a few groups get most of the tokens, as
    // a router with a few popular experts does.
    double e = -std::log(1.0 - random.uniform());
    w = e * e * e + 1e-3;
  }
  int64_t empty = G > 1 ? std::max<int64_t>(1, G / 4) : 0;
  for (int64_t i = 0; i < empty; ++i)
    weights[random.between(0, G - 1)] = 0;
  if (std::all_of(weights.begin(), weights.end(),
                  [](double w) { return w == 0; }))
    weights[random.between(0, G - 1)] = 1;
  double total = 0;
  for (double w : weights)
    total += w;
  std::vector<int32_t> sizes(G);
  int64_t assigned = 0;
  for (int64_t g = 0; g < G; ++g) {
    sizes[g] = (int32_t)std::floor(M * (weights[g] / total));
    assigned += sizes[g];
  }
  int64_t heaviest =
      std::max_element(weights.begin(), weights.end()) - weights.begin();
  sizes[heaviest] += (int32_t)(M - assigned);
  return sizes;
}

std::vector<int32_t> mggemm::run::randomSizes(int64_t M, int64_t G,
                                              Random &random) {
  std::vector<int64_t> cuts(G + 1);
  cuts[0] = 0;
  cuts[G] = M;
  for (int64_t g = 1; g < G; ++g)
    cuts[g] = random.between(0, M);
  std::sort(cuts.begin() + 1, cuts.end() - 1);
  // Make empty and one-row groups common: they are where kernels break.
  for (int64_t g = 1; g < G; ++g) {
    double u = random.uniform();
    if (u < 0.15)
      cuts[g] = cuts[g - 1];
    else if (u < 0.25)
      cuts[g] = std::min(cuts[g - 1] + 1, M);
    cuts[g] = std::max(cuts[g], cuts[g - 1]);
  }
  std::vector<int32_t> sizes(G);
  for (int64_t g = 0; g < G; ++g)
    sizes[g] = (int32_t)(cuts[g + 1] - cuts[g]);
  return sizes;
}

std::string mggemm::run::formatSizes(const std::vector<int32_t> &sizes,
                                     size_t limit) {
  std::string text;
  for (size_t i = 0; i < sizes.size() && i < limit; ++i) {
    if (i)
      text += ",";
    text += std::to_string(sizes[i]);
  }
  if (sizes.size() > limit)
    text += ", ... (" + std::to_string(sizes.size() - limit) + " more)";
  return text;
}

namespace {

/// --random-shape: a shape drawn from the seed, with the dimensions that
/// break kernels (not tile multiples, tiny, empty) drawn often, and sizes
/// kept so that the reference and the buffers stay small.
void pickRandomShape(const Options &o, Problem &p) {
  // Its own stream, so that the data drawn from the seed does not depend on
  // how many numbers the shape took.
  Random random(o.seed * 0x2545f4914f6cdd1dull + 0x5851f42d4c957f2dull);
  static const int64_t groups[] = {1, 2, 3, 4, 5, 8, 16, 32, 64, 128, 256};
  static const int64_t extents[] = {8,    16,   24,   40,   64,   72,   120,
                                    128,  136,  200,  256,  264,  512,  712,
                                    1024, 1536, 2048, 2056, 3072, 4096, 7168};
  const int numExtents = sizeof(extents) / sizeof(extents[0]);
  p.G = o.groups > 0
            ? o.groups
            : groups[random.between(0, sizeof(groups) / sizeof(groups[0]) - 1)];
  p.N = o.n > 0 ? o.n : extents[random.between(0, numExtents - 1)];
  p.K = o.k > 0 ? o.k : extents[random.between(0, numExtents - 1)];
  if (o.m >= 0) {
    p.M = o.m;
  } else {
    double u = random.uniform();
    if (u < 0.08)
      p.M = 0;
    else if (u < 0.2)
      p.M = random.between(1, 2 * p.G);
    else if (u < 0.55)
      p.M = (int64_t)std::exp(random.uniform() * std::log(65536.0)) +
            random.between(0, 7);
    else
      p.M = random.between(1, 65536);
    p.M = std::min<int64_t>(p.M, 65536);
    // About 2^37 multiply-adds at most, so that the reference stays quick.
    while (p.M * p.N * p.K > (int64_t(1) << 37))
      p.M /= 2;
    if (isFp8GradWeight(o.variant, o.dtype))
      p.M = p.M / 16 * 16;
  }
  // dW and its fp32 reference stay below a few GB.
  if (o.groups <= 0)
    while (p.G > 1 && p.G * p.N * p.K > (int64_t(1) << 29))
      p.G /= 2;
  p.split = Split::Random;
  p.sizes = randomSizes(p.M, p.G, random);
}

} // namespace

bool mggemm::run::makeProblem(const Options &o, Problem &p) {
  p = Problem();
  if (o.randomShape) {
    if (o.split == Split::Explicit) {
      fprintf(stderr, "mggemm-run: --random-shape and --sizes conflict\n");
      return false;
    }
    pickRandomShape(o, p);
    return true;
  }
  p.N = o.n > 0 ? o.n : 2048;
  p.K = o.k > 0 ? o.k : 7168;
  p.split = o.split;
  if (o.split == Split::Explicit) {
    if (o.sizes.empty()) {
      fprintf(stderr, "mggemm-run: --sizes is empty\n");
      return false;
    }
    p.G = (int64_t)o.sizes.size();
    if (o.groups > 0 && o.groups != p.G) {
      fprintf(stderr, "mggemm-run: --groups %lld but --sizes lists %lld\n",
              (long long)o.groups, (long long)p.G);
      return false;
    }
    int64_t sum = 0;
    for (int64_t s : o.sizes) {
      if (s < INT32_MIN || s > INT32_MAX) {
        fprintf(stderr, "mggemm-run: group size %lld does not fit int32\n",
                (long long)s);
        return false;
      }
      p.sizes.push_back((int32_t)s);
      sum += s;
    }
    p.M = o.m >= 0 ? o.m : std::max<int64_t>(sum, 0);
    // Invalid sizes are allowed: the kernels must clamp them (and checked
    // mode reject them), which is what such a run tests.
    bool negative = std::any_of(p.sizes.begin(), p.sizes.end(),
                                [](int32_t s) { return s < 0; });
    if (negative || sum > p.M)
      printf("note: invalid sizes (%s); unchecked, the kernels treat negative "
             "sizes as 0 and end the groups at M, and the outputs are "
             "checked against that\n",
             negative ? "negative" : "adding up to more than M");
    return true;
  }
  p.G = o.groups > 0 ? o.groups : 8;
  p.M = o.m >= 0 ? o.m : 4096;
  if (p.M > INT32_MAX) {
    fprintf(stderr, "mggemm-run: M = %lld does not fit int32\n",
            (long long)p.M);
    return false;
  }
  Random random(o.seed * 0x9e3779b97f4a7c15ull + 1);
  switch (o.split) {
  case Split::Balanced:
    p.sizes = balancedSizes(p.M, p.G);
    break;
  case Split::Imbalanced:
    p.sizes = imbalancedSizes(p.M, p.G, random);
    break;
  case Split::Random:
  case Split::Explicit:
    p.sizes = randomSizes(p.M, p.G, random);
    break;
  }
  return true;
}
