//===- HarnessTests.cpp - mggemm-run's host-side parts, without a GPU -----===//
//
// The group-size splits, --random-shape, option parsing, the JSON writer and
// the cubin symbol reader of mggemm-run, so that what runs on the GPU
// machine for the first time has been exercised here. Ends with
// "<n> passed, <m> failed"; exits non-zero on failure.
//
//===----------------------------------------------------------------------===//

#include "CubinSymbols.h"
#include "EmbeddedKernelLibrary.h"
#include "Json.h"
#include "Options.h"
#include "Problem.h"
#include "mggemm/Runtime/TileConfigs.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <numeric>

using namespace mggemm::run;

namespace {

int passed = 0, failed = 0;

void check(bool condition, const char *what, int line) {
  if (condition) {
    ++passed;
    return;
  }
  ++failed;
  printf("FAILED (line %d): %s\n", line, what);
}
#define CHECK(condition) check((condition), #condition, __LINE__)

int64_t sum(const std::vector<int32_t> &sizes) {
  return std::accumulate(sizes.begin(), sizes.end(), int64_t(0));
}

bool allNonNegative(const std::vector<int32_t> &sizes) {
  return std::all_of(sizes.begin(), sizes.end(),
                     [](int32_t s) { return s >= 0; });
}

void testBalanced() {
  std::vector<int32_t> s = balancedSizes(100, 7);
  CHECK(s.size() == 7 && sum(s) == 100);
  CHECK(s[0] == 15 && s[1] == 15 && s[2] == 14 && s[6] == 14);
  CHECK(sum(balancedSizes(0, 4)) == 0);
  s = balancedSizes(3, 8);
  CHECK(sum(s) == 3 && s[0] == 1 && s[3] == 0);
}

void testImbalancedAndRandom() {
  bool sawEmpty = false, sawOne = false, sawOdd = false;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    for (int64_t G : {1, 2, 5, 8, 64, 256}) {
      for (int64_t M : {0, 1, 7, 1000, 65536}) {
        Random a(seed), b(seed);
        std::vector<int32_t> s = imbalancedSizes(M, G, a);
        if ((int64_t)s.size() != G || sum(s) != M || !allNonNegative(s)) {
          check(false, "imbalanced sizes add up to M", __LINE__);
          return;
        }
        if (G > 1 && M > 0 && std::count(s.begin(), s.end(), 0) == 0) {
          check(false, "imbalanced split has an empty group", __LINE__);
          return;
        }
        s = randomSizes(M, G, b);
        if ((int64_t)s.size() != G || sum(s) != M || !allNonNegative(s)) {
          check(false, "random sizes add up to M", __LINE__);
          return;
        }
        for (int32_t v : s) {
          sawEmpty |= v == 0;
          sawOne |= v == 1;
          sawOdd |= v % 2 == 1 && v > 1;
        }
      }
    }
  }
  CHECK(sawEmpty && sawOne && sawOdd);
  // The same seed gives the same split.
  Random a(42), b(42);
  CHECK(randomSizes(5000, 16, a) == randomSizes(5000, 16, b));
}

void testRandomShapes() {
  bool sawZero = false, sawLarge = false, sawOddExtent = false;
  for (uint64_t seed = 1; seed <= 500; ++seed) {
    Options o;
    o.randomShape = true;
    o.seed = seed;
    Problem p, q;
    if (!makeProblem(o, p) || !makeProblem(o, q)) {
      check(false, "makeProblem(--random-shape)", __LINE__);
      return;
    }
    bool ok = p.sizes == q.sizes && p.M == q.M && p.N == q.N && p.K == q.K &&
              p.G == q.G && p.M >= 0 && p.M <= 65536 && p.N % 8 == 0 &&
              p.K % 8 == 0 && p.N > 0 && p.K > 0 && p.G >= 1 &&
              p.M * p.N * p.K <= (int64_t(1) << 37) &&
              (p.G == 1 || p.G * p.N * p.K <= (int64_t(1) << 29)) &&
              (int64_t)p.sizes.size() == p.G && sum(p.sizes) == p.M &&
              allNonNegative(p.sizes);
    if (!ok) {
      char what[160];
      snprintf(what, sizeof(what),
               "random shape of seed %llu: G=%lld M=%lld N=%lld K=%lld",
               (unsigned long long)seed, (long long)p.G, (long long)p.M,
               (long long)p.N, (long long)p.K);
      check(false, what, __LINE__);
      return;
    }
    sawZero |= p.M == 0;
    sawLarge |= p.M > 16384;
    sawOddExtent |= p.N % 64 != 0 || p.K % 64 != 0;
  }
  CHECK(sawZero && sawLarge && sawOddExtent);
}

bool parse(std::vector<const char *> args, Options &o) {
  args.insert(args.begin(), "mggemm-run");
  bool exitNow = false;
  return parseOptions((int)args.size(), const_cast<char **>(args.data()), o,
                      exitNow);
}

void testOptionsAndProblems() {
  Options o;
  bool parsed =
      parse({"--variant", "backward", "--dtype=f16", "--sizes", "0,17,4", "--m",
             "30", "--bench", "--iters", "7", "--check-sizes", "--nonnegative",
             "--json", "out.json", "--expect-status", "bad_sizes"},
            o);
  CHECK(parsed);
  CHECK(o.variant == Variant::Backward && o.dtype == MGGEMM_DTYPE_F16);
  CHECK(o.split == Split::Explicit && o.sizes.size() == 3 && o.m == 30);
  CHECK(o.bench && !o.check && o.iters == 7 && o.checkSizes && o.nonNegative);
  CHECK(o.jsonPath == "out.json" && o.expectStatusGiven &&
        o.expectStatus == MGGEMM_ERROR_BAD_SIZES);
  Problem p;
  CHECK(makeProblem(o, p) && p.G == 3 && p.M == 30 && p.rows() == 21);

  Options defaults;
  CHECK(parse({}, defaults) && defaults.check && !defaults.bench &&
        !defaults.nonNegative);
  CHECK(makeProblem(defaults, p) && p.G == 8 && p.M == 4096 && p.N == 2048 &&
        p.K == 7168 && sum(p.sizes) == 4096);

  Options bad;
  CHECK(!parse({"--variant", "sideways"}, bad));
  CHECK(!parse({"--m", "-1"}, bad));
  CHECK(!parse({"--sizes", "1,,2"}, bad));
  CHECK(!parse({"--groups"}, bad));
  CHECK(!parse({"--frobnicate"}, bad));
  CHECK(!parse({"--tol", "0"}, bad));
  // fp8 is a forward product only.
  Options fp8;
  CHECK(parse({"--dtype", "e4m3"}, fp8) && fp8.dtype == MGGEMM_DTYPE_E4M3);
  CHECK(!parse({"--dtype", "e4m3", "--variant", "grad_input"}, bad));
  Options blocks;
  CHECK(parse({"--dtype", "e4m3_block"}, blocks) &&
        blocks.dtype == MGGEMM_DTYPE_E4M3_BLOCK);
  CHECK(!parse({"--dtype", "e4m3_block", "--variant", "grad_weight"}, bad));
  Options fast;
  CHECK(parse({"--dtype", "e4m3_fast"}, fast) &&
        fast.dtype == MGGEMM_DTYPE_E4M3_FAST);
  CHECK(!parse({"--dtype", "e5m2"}, bad));

  Options mismatch;
  CHECK(parse({"--groups", "4", "--sizes", "1,2"}, mismatch));
  CHECK(!makeProblem(mismatch, p));
  // Invalid sizes make a problem whose groups are clamped as the kernels
  // clamp them: negative sizes count as 0, groups end at M.
  Options tooMany;
  CHECK(parse({"--m", "2", "--sizes", "1,2"}, tooMany));
  CHECK(makeProblem(tooMany, p) &&
        p.offsets() == std::vector<int64_t>({0, 1, 2}) && p.rows() == 2 &&
        p.largestGroup() == 1);
  Options negative;
  CHECK(parse({"--m", "5", "--sizes", "3,-2,4"}, negative));
  CHECK(makeProblem(negative, p) &&
        p.offsets() == std::vector<int64_t>({0, 3, 3, 5}) && p.rows() == 5 &&
        p.largestGroup() == 3);
  Options expected;
  CHECK(parse({"--sizes", "1,-2", "--expect-status", "bad_sizes"}, expected));
  CHECK(makeProblem(expected, p) && p.M == 0);
}

void testJson() {
  JsonWriter j;
  j.beginObject()
      .value("name", "a \"quoted\"\\ name\n")
      .value("count", int64_t(-3))
      .value("ratio", 0.5)
      .value("bad", std::nan(""))
      .value("flag", true);
  j.beginArray("list").element(1).element(2).endArray();
  j.beginArray("objects");
  j.beginObject().value("x", int64_t(1)).endObject();
  j.beginObject().null("y").endObject();
  j.endArray();
  j.endObject();
  const char *expected =
      "{\"name\": \"a \\\"quoted\\\"\\\\ name\\u000a\", \"count\": -3, "
      "\"ratio\": 0.5, \"bad\": null, \"flag\": true, \"list\": [1, 2], "
      "\"objects\": [{\"x\": 1}, {\"y\": null}]}";
  CHECK(j.text() == expected);
  if (j.text() != expected)
    printf("  got: %s\n", j.text().c_str());
}

void testCubinSymbols() {
  CubinSymbols symbols;
  std::string error;
  const unsigned char garbage[64] = {1, 2, 3};
  CHECK(!readCubinSymbols(garbage, sizeof(garbage), symbols, error) &&
        error.find("not an ELF") != std::string::npos);
  const unsigned char fatbin[64] = {0x50, 0xed, 0x55, 0xba};
  CHECK(!readCubinSymbols(fatbin, sizeof(fatbin), symbols, error) &&
        error.find("fatbin") != std::string::npos);
  // A truncated ELF header is rejected, not read past its end.
  CHECK(!readCubinSymbols((const unsigned char *)"\x7f"
                                                 "ELF",
                          4, symbols, error));
  if (mggemm_kernel_library_size == 0) {
    printf("note: no kernel library embedded; its symbols are not checked\n");
    return;
  }
  CHECK(readCubinSymbols(mggemm_kernel_library_data, mggemm_kernel_library_size,
                         symbols, error));
  for (const mggemmLibraryEntry &entry : mggemmLibraryEntries) {
    char name[96];
    mggemmKernelName(name, sizeof(name), entry.kind, entry.dtype, entry.tile);
    CHECK(std::find(symbols.functions.begin(), symbols.functions.end(), name) !=
          symbols.functions.end());
  }
  // Any truncation of the image fails cleanly.
  for (size_t size = 0; size < mggemm_kernel_library_size;
       size += 1 + size / 3) {
    CubinSymbols partial;
    readCubinSymbols(mggemm_kernel_library_data, size, partial, error);
  }
  CHECK(true);
}

} // namespace

int main() {
  testBalanced();
  testImbalancedAndRandom();
  testRandomShapes();
  testOptionsAndProblems();
  testJson();
  testCubinSymbols();
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
