//===- RuntimeTests.cpp - unit tests of the runtime that need no GPU ------===//
//
// Checks every argument check of the C API (status and message), the tensor
// map layouts of KernelABI.h, the kernel library table, and that without a
// driver every call fails cleanly with MGGEMM_ERROR_NO_DEVICE. Runs anywhere:
// calls that would reach the driver run in forked children with
// MGGEMM_LIBCUDA pointing at a missing file (or the toolkit's stub), so even
// on a GPU machine this test never touches the GPU.
//
// Prints one line per failed check and ends with "<n> passed, <m> failed";
// exits non-zero if anything failed.
//
//===----------------------------------------------------------------------===//

#include "EmbeddedKernelLibrary.h"
#include "TensorMap.h"
#include "mggemm/Runtime/TileConfigs.h"
#include "mggemm/Runtime/mggemm.h"

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <initializer_list>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace mggemm::runtime;

namespace {

int passed = 0, failed = 0;
const char *currentTest = "";
// MGGEMM_TEST_VERBOSE=1 prints every message the checks produce, to review.
bool verbose = false;

void check(bool condition, const char *what, const char *file, int line) {
  if (condition) {
    ++passed;
    return;
  }
  ++failed;
  printf("FAILED %s (%s:%d): %s\n", currentTest, file, line, what);
}
#define CHECK(condition) check((condition), #condition, __FILE__, __LINE__)

/// `status` is `expected`, and the last error contains every one of the
/// (null-terminated list of) `fragments`.
void expectFailure(mggemmStatus status, mggemmStatus expected,
                   const char *const *fragments, const char *file, int line) {
  const char *message = mggemmGetLastError();
  if (verbose)
    printf("  [%s] %s\n", mggemmStatusString(status), message);
  char what[1400];
  if (status != expected) {
    snprintf(what, sizeof(what), "status %s, expected %s; message: \"%s\"",
             mggemmStatusString(status), mggemmStatusString(expected), message);
    check(false, what, file, line);
    return;
  }
  for (const char *const *f = fragments; *f; ++f) {
    if (!strstr(message, *f)) {
      snprintf(what, sizeof(what), "message \"%s\" lacks \"%s\"", message, *f);
      check(false, what, file, line);
      return;
    }
  }
  check(true, "", file, line);
}
#define EXPECT_STATUS(call, expected, ...)                                     \
  do {                                                                         \
    const char *const fragments_[] = {__VA_ARGS__, nullptr};                   \
    expectFailure((call), (expected), fragments_, __FILE__, __LINE__);         \
  } while (0)
#define EXPECT_INVALID(call, ...)                                              \
  EXPECT_STATUS(call, MGGEMM_ERROR_INVALID_VALUE, __VA_ARGS__)

void expectSuccess(mggemmStatus status, const char *file, int line) {
  char what[1200];
  snprintf(what, sizeof(what), "status %s, expected success; message: \"%s\"",
           mggemmStatusString(status), mggemmGetLastError());
  check(status == MGGEMM_SUCCESS && mggemmGetLastError()[0] == '\0', what, file,
        line);
}
#define EXPECT_SUCCESS(call) expectSuccess((call), __FILE__, __LINE__)

// Addresses that are never dereferenced: every call that gets them fails its
// argument checks, or runs where no driver can be loaded.
void *const kBuffer = (void *)0x7f0000100000;
void *const kOther = (void *)0x7f0000200000;
void *const kMisaligned = (void *)0x7f0000300008;
const int32_t *const kSizes = (const int32_t *)0x7f0000400000;
const int32_t *const kMisalignedSizes = (const int32_t *)0x7f0000400002;
const float *const kScales = (const float *)0x7f0000500000;
const mggemmDtype kBf16 = MGGEMM_DTYPE_BF16;

// Large enough for any message; shapes of a typical MoE layer.
const int64_t M = 4096, N = 2048, K = 7168, G = 8;

//===----------------------------------------------------------------------===//
// Status strings and the last error
//===----------------------------------------------------------------------===//

void testStatusStrings() {
  CHECK(!strcmp(mggemmStatusString(MGGEMM_SUCCESS), "MGGEMM_SUCCESS"));
  CHECK(!strcmp(mggemmStatusString(MGGEMM_ERROR_INVALID_VALUE),
                "MGGEMM_ERROR_INVALID_VALUE"));
  CHECK(!strcmp(mggemmStatusString(MGGEMM_ERROR_UNSUPPORTED),
                "MGGEMM_ERROR_UNSUPPORTED"));
  CHECK(!strcmp(mggemmStatusString(MGGEMM_ERROR_NO_DEVICE),
                "MGGEMM_ERROR_NO_DEVICE"));
  CHECK(!strcmp(mggemmStatusString(MGGEMM_ERROR_CUDA), "MGGEMM_ERROR_CUDA"));
  CHECK(!strcmp(mggemmStatusString(MGGEMM_ERROR_BAD_SIZES),
                "MGGEMM_ERROR_BAD_SIZES"));
  CHECK(strstr(mggemmStatusString((mggemmStatus)42), "unknown"));
}

void testLastErrorIsClearedBySuccess() {
  EXPECT_INVALID(
      mggemmForward(kBuffer, kBuffer, kSizes, kOther, -1, N, K, G, kBf16, 0),
      "M = -1");
  // An empty forward pass does nothing, needs no driver, and succeeds.
  EXPECT_SUCCESS(
      mggemmForward(nullptr, kBuffer, kSizes, nullptr, 0, N, K, G, kBf16, 0));
  CHECK(!strcmp(mggemmGetLastError(), ""));
}

void *otherThread(void *) {
  // A fresh thread has no error, and its own failure stays its own.
  bool clean = mggemmGetLastError()[0] == '\0';
  mggemmForward(kBuffer, kBuffer, kSizes, kOther, M, N, 12, G, kBf16, 0);
  bool own = strstr(mggemmGetLastError(), "K = 12") != nullptr;
  return (void *)(intptr_t)(clean && own);
}

void testLastErrorIsPerThread() {
  mggemmForward(kBuffer, kBuffer, kSizes, kOther, M, 20, K, G, kBf16, 0);
  pthread_t thread;
  CHECK(pthread_create(&thread, nullptr, otherThread, nullptr) == 0);
  void *result = nullptr;
  pthread_join(thread, &result);
  CHECK(result == (void *)1);
  CHECK(strstr(mggemmGetLastError(), "N = 20") != nullptr);
}

//===----------------------------------------------------------------------===//
// Argument checks of the entry points
//===----------------------------------------------------------------------===//

void testDimensionChecks() {
  auto forward = [](int64_t m, int64_t n, int64_t k, int64_t g) {
    return mggemmForward(kBuffer, kBuffer, kSizes, kOther, m, n, k, g, kBf16,
                         0);
  };
  EXPECT_INVALID(forward(-1, N, K, G), "mggemmForward: ", "M = -1", "negative");
  EXPECT_INVALID(forward(int64_t(1) << 31, N, K, G), "M = 2147483648",
                 "too large");
  // The kernels cap group sizes at 2^30 - 1; a larger M must be refused.
  EXPECT_INVALID(forward(int64_t(1) << 30, N, K, G), "M = 1073741824",
                 "at most 1073741823");
  EXPECT_INVALID(forward(M, 0, K, G), "N = 0", "at least 1");
  EXPECT_INVALID(forward(M, -8, K, G), "N = -8");
  EXPECT_INVALID(forward(M, 12, K, G), "N = 12", "multiple of 8");
  EXPECT_INVALID(forward(M, int64_t(1) << 31, K, G), "N = 2147483648",
                 "too large");
  EXPECT_INVALID(forward(M, N, 0, G), "K = 0");
  EXPECT_INVALID(forward(M, N, 7170, G), "K = 7170", "multiple of 8");
  EXPECT_INVALID(forward(M, N, int64_t(1) << 40, G), "K = ", "too large");
  EXPECT_INVALID(forward(M, N, K, 0), "G = 0", "at least 1");
  EXPECT_INVALID(forward(M, N, K, -3), "G = -3");
  EXPECT_INVALID(forward(M, N, K, int64_t(1) << 31), "G = 2147483648",
                 "too large");
  // The largest int32 values are accepted by the checks (a call with them
  // would go on to need the driver, so it is not made here).
}

void testDtypeChecks() {
  for (int dtype : {-1, MGGEMM_DTYPE_COUNT, 7}) {
    EXPECT_INVALID(mggemmForward(kBuffer, kBuffer, kSizes, kOther, M, N, K, G,
                                 (mggemmDtype)dtype, 0),
                   "dtype", "MGGEMM_DTYPE_BF16");
    EXPECT_INVALID(mggemmGradInput(kBuffer, kBuffer, kSizes, kOther, M, N, K, G,
                                   (mggemmDtype)dtype, 0),
                   "mggemmGradInput: dtype");
    EXPECT_INVALID(mggemmGradWeight(kBuffer, kBuffer, kSizes, kOther, M, N, K,
                                    G, (mggemmDtype)dtype, 0),
                   "mggemmGradWeight: dtype");
    EXPECT_INVALID(mggemmBackward(kBuffer, kBuffer, kBuffer, kSizes, kOther,
                                  kOther, M, N, K, G, (mggemmDtype)dtype, 0),
                   "mggemmBackward: dtype");
    EXPECT_INVALID(mggemmScaledForward(kBuffer, kBuffer, kScales, kScales,
                                       kSizes, kOther, M, N, K, G,
                                       (mggemmDtype)dtype, 0),
                   "mggemmScaledForward: dtype", "MGGEMM_DTYPE_E4M3 = 2");
  }
  // fp8 only through the scaled entry point, and it takes fp8 only.
  EXPECT_INVALID(mggemmForward(kBuffer, kBuffer, kSizes, kOther, M, N, K, G,
                               MGGEMM_DTYPE_E4M3, 0),
                 "mggemmForward: dtype e4m3 needs scales",
                 "mggemmScaledForward");
  EXPECT_INVALID(mggemmGradInput(kBuffer, kBuffer, kSizes, kOther, M, N, K, G,
                                 MGGEMM_DTYPE_E4M3_BLOCK, 0),
                 "mggemmGradInput: dtype e4m3_block needs scales");
  EXPECT_INVALID(mggemmBackward(kBuffer, kBuffer, kBuffer, kSizes, kOther,
                                kOther, M, N, K, G, MGGEMM_DTYPE_E4M3, 0),
                 "mggemmBackward: dtype e4m3 needs scales");
  EXPECT_INVALID(mggemmScaledForward(kBuffer, kBuffer, kScales, kScales, kSizes,
                                     kOther, M, N, K, G, kBf16, 0),
                 "mggemmScaledForward: dtype bf16 has no scales");
}

void testScaledForwardChecks() {
  auto scaled = [](const void *x, const float *sx, const float *sw, int64_t m,
                   int64_t k) {
    return mggemmScaledForward(x, kBuffer, sx, sw, kSizes, kOther, m, N, k, G,
                               MGGEMM_DTYPE_E4M3, 0);
  };
  // K-long rows are fp8: 16 elements make the 16 bytes TMA needs.
  EXPECT_INVALID(scaled(kBuffer, kScales, kScales, M, 7176), "K = 7176",
                 "not a multiple of 16", "8-bit elements");
  EXPECT_INVALID(scaled(nullptr, kScales, kScales, M, K),
                 "mggemmScaledForward: x is null");
  EXPECT_INVALID(scaled(kBuffer, nullptr, kScales, M, K),
                 "mggemmScaledForward: scaleX is null", "[M] = 4096 f32");
  EXPECT_INVALID(scaled(kBuffer, kScales, nullptr, M, K),
                 "mggemmScaledForward: scaleW is null", "[G, N] = 16384 f32");
  EXPECT_INVALID(scaled(kBuffer, kScales,
                        (const float *)((const char *)kScales + 2), M, K),
                 "scaleW = ", "not 4-byte aligned");
  // An empty batch needs no X and no scales of X, and launches nothing.
  EXPECT_SUCCESS(scaled(nullptr, nullptr, kScales, 0, K));
  // Block scales: [ceil(K/128), M] for X, [G, ceil(N/128), ceil(K/128)]
  // for W (K = 7168 is 56 blocks, N = 2048 is 16).
  auto blocks = [](const float *sx, const float *sw) {
    return mggemmScaledForward(kBuffer, kBuffer, sx, sw, kSizes, kOther, M, N,
                               K, G, MGGEMM_DTYPE_E4M3_BLOCK, 0);
  };
  EXPECT_INVALID(blocks(nullptr, kScales), "scaleX is null",
                 "[ceil(K/128), M] = 229376 f32");
  EXPECT_INVALID(blocks(kScales, nullptr), "scaleW is null",
                 "[G, ceil(N/128), ceil(K/128)] = 7168 f32");
}

void testScaledGradWeightChecks() {
  auto gradWeight = [](const void *dyT, const float *sdy, const float *sx,
                       int64_t m, int64_t n, int64_t k, mggemmDtype dtype) {
    return mggemmScaledGradWeight(dyT, kBuffer, sdy, sx, kSizes, kOther, m, n,
                                  k, G, dtype, 0);
  };
  const mggemmDtype e4m3 = MGGEMM_DTYPE_E4M3;
  // dYᵀ and Xᵀ have rows of M fp8 elements; dW's rows are K bf16 ones; N
  // is no row length.
  EXPECT_INVALID(gradWeight(kBuffer, kScales, kScales, 4104, N, K, e4m3),
                 "mggemmScaledGradWeight: M = 4104", "multiple of 16");
  EXPECT_INVALID(gradWeight(kBuffer, kScales, kScales, M, N, 7172, e4m3),
                 "K = 7172", "multiple of 8");
  EXPECT_INVALID(gradWeight(kBuffer, kScales, kScales, M, N, K, kBf16),
                 "dtype bf16 has no scales");
  EXPECT_STATUS(
      gradWeight(kBuffer, kScales, kScales, M, N, K, MGGEMM_DTYPE_E4M3_BLOCK),
      MGGEMM_ERROR_UNSUPPORTED, "mggemmScaledGradWeight", "row-wise scales");
  EXPECT_INVALID(gradWeight(nullptr, kScales, kScales, M, N, K, e4m3),
                 "dyT is null", "[N, M] = [2048, 4096]");
  EXPECT_INVALID(gradWeight(kBuffer, nullptr, kScales, M, N, K, e4m3),
                 "scaleDY is null", "[G, N] = 16384 f32");
  EXPECT_INVALID(
      gradWeight(kBuffer, kScales, nullptr, M, N, K, MGGEMM_DTYPE_E4M3_FAST),
      "scaleX is null", "[G, K] = 57344 f32");
  EXPECT_INVALID(mggemmScaledGradWeight(kBuffer, kBuffer, kScales, kScales,
                                        kSizes, nullptr, M, N, K, G, e4m3, 0),
                 "dw is null", "[G, N, K]");
  // The unscaled entry point names both scaled ones.
  EXPECT_INVALID(
      mggemmGradWeight(kBuffer, kBuffer, kSizes, kOther, M, N, K, G, e4m3, 0),
      "mggemmScaledGradWeight");
}

void testForwardPointerChecks() {
  EXPECT_INVALID(
      mggemmForward(nullptr, kBuffer, kSizes, kOther, M, N, K, G, kBf16, 0),
      "mggemmForward: x is null", "[M, K] = [4096, 7168]");
  EXPECT_INVALID(
      mggemmForward(kBuffer, nullptr, kSizes, kOther, M, N, K, G, kBf16, 0),
      "w is null", "[G, N, K] = [8, 2048, 7168]");
  EXPECT_INVALID(
      mggemmForward(kBuffer, kBuffer, nullptr, kOther, M, N, K, G, kBf16, 0),
      "sizes is null", "G = 8");
  EXPECT_INVALID(
      mggemmForward(kBuffer, kBuffer, kSizes, nullptr, M, N, K, G, kBf16, 0),
      "y is null", "[M, N] = [4096, 2048]");
  EXPECT_INVALID(
      mggemmForward(kMisaligned, kBuffer, kSizes, kOther, M, N, K, G, kBf16, 0),
      "x = 0x7f0000300008 is not 16-byte aligned");
  EXPECT_INVALID(
      mggemmForward(kBuffer, kMisaligned, kSizes, kOther, M, N, K, G, kBf16, 0),
      "w = ", "16-byte aligned");
  EXPECT_INVALID(mggemmForward(kBuffer, kBuffer, kMisalignedSizes, kOther, M, N,
                               K, G, kBf16, 0),
                 "sizes = ", "4-byte aligned");
  EXPECT_INVALID(mggemmForward(kBuffer, kBuffer, kSizes, kMisaligned, M, N, K,
                               G, kBf16, 0),
                 "y = ", "16-byte aligned");
  // An empty batch may pass null x and y, but w and sizes are never empty.
  EXPECT_INVALID(
      mggemmForward(nullptr, nullptr, kSizes, nullptr, 0, N, K, G, kBf16, 0),
      "w is null");
  EXPECT_INVALID(
      mggemmForward(nullptr, kBuffer, nullptr, nullptr, 0, N, K, G, kBf16, 0),
      "sizes is null");
  // Alignment is checked even where null would be allowed.
  EXPECT_INVALID(mggemmForward(kMisaligned, kBuffer, kSizes, nullptr, 0, N, K,
                               G, kBf16, 0),
                 "x = ", "16-byte aligned");
}

void testGradInputPointerChecks() {
  EXPECT_INVALID(
      mggemmGradInput(nullptr, kBuffer, kSizes, kOther, M, N, K, G, kBf16, 0),
      "mggemmGradInput: dy is null", "[M, N]");
  EXPECT_INVALID(
      mggemmGradInput(kBuffer, nullptr, kSizes, kOther, M, N, K, G, kBf16, 0),
      "w is null");
  EXPECT_INVALID(
      mggemmGradInput(kBuffer, kBuffer, nullptr, kOther, M, N, K, G, kBf16, 0),
      "sizes is null");
  EXPECT_INVALID(
      mggemmGradInput(kBuffer, kBuffer, kSizes, nullptr, M, N, K, G, kBf16, 0),
      "dx is null", "[M, K]");
  EXPECT_INVALID(mggemmGradInput(kMisaligned, kBuffer, kSizes, kOther, M, N, K,
                                 G, kBf16, 0),
                 "dy = ", "16-byte");
  EXPECT_INVALID(mggemmGradInput(kBuffer, kBuffer, kMisalignedSizes, kOther, M,
                                 N, K, G, kBf16, 0),
                 "4-byte");
  EXPECT_INVALID(mggemmGradInput(kBuffer, kBuffer, kSizes, kMisaligned, M, N, K,
                                 G, kBf16, 0),
                 "dx = ", "16-byte");
  EXPECT_SUCCESS(mggemmGradInput(nullptr, kBuffer, kSizes, nullptr, 0, N, K, G,
                                 MGGEMM_DTYPE_F16, 0));
}

void testGradWeightPointerChecks() {
  EXPECT_INVALID(
      mggemmGradWeight(nullptr, kBuffer, kSizes, kOther, M, N, K, G, kBf16, 0),
      "mggemmGradWeight: dy is null");
  EXPECT_INVALID(
      mggemmGradWeight(kBuffer, nullptr, kSizes, kOther, M, N, K, G, kBf16, 0),
      "x is null");
  EXPECT_INVALID(
      mggemmGradWeight(kBuffer, kBuffer, nullptr, kOther, M, N, K, G, kBf16, 0),
      "sizes is null");
  EXPECT_INVALID(
      mggemmGradWeight(kBuffer, kBuffer, kSizes, nullptr, M, N, K, G, kBf16, 0),
      "dw is null", "[G, N, K]");
  // dW is never empty, so even an empty batch needs it.
  EXPECT_INVALID(
      mggemmGradWeight(nullptr, nullptr, kSizes, nullptr, 0, N, K, G, kBf16, 0),
      "dw is null");
  EXPECT_INVALID(mggemmGradWeight(kBuffer, kMisaligned, kSizes, kOther, M, N, K,
                                  G, kBf16, 0),
                 "x = ", "16-byte");
  EXPECT_INVALID(mggemmGradWeight(kBuffer, kBuffer, kSizes, kMisaligned, M, N,
                                  K, G, kBf16, 0),
                 "dw = ", "16-byte");
}

void testBackwardPointerChecks() {
  auto backward = [](const void *dy, const void *x, const void *w,
                     const int32_t *sizes, void *dx, void *dw, int64_t m) {
    return mggemmBackward(dy, x, w, sizes, dx, dw, m, N, K, G, kBf16, 0);
  };
  EXPECT_INVALID(backward(nullptr, kBuffer, kBuffer, kSizes, kOther, kOther, M),
                 "mggemmBackward: dy is null");
  EXPECT_INVALID(backward(kBuffer, nullptr, kBuffer, kSizes, kOther, kOther, M),
                 "x is null");
  EXPECT_INVALID(backward(kBuffer, kBuffer, nullptr, kSizes, kOther, kOther, M),
                 "w is null");
  EXPECT_INVALID(
      backward(kBuffer, kBuffer, kBuffer, nullptr, kOther, kOther, M),
      "sizes is null");
  EXPECT_INVALID(
      backward(kBuffer, kBuffer, kBuffer, kSizes, nullptr, kOther, M),
      "dx is null");
  EXPECT_INVALID(
      backward(kBuffer, kBuffer, kBuffer, kSizes, kOther, nullptr, M),
      "dw is null");
  EXPECT_INVALID(
      backward(kBuffer, kBuffer, kBuffer, kSizes, kOther, kMisaligned, M),
      "dw = ", "16-byte");
  EXPECT_INVALID(
      backward(nullptr, nullptr, kBuffer, kSizes, nullptr, nullptr, 0),
      "dw is null");
}

//===----------------------------------------------------------------------===//
// Tensor maps (KernelABI.h)
//===----------------------------------------------------------------------===//

const mggemmTileConfig kTile = {128, 256, 64, 4};

void expectLayout(mggemmKind kind, int operand, int rank,
                  std::initializer_list<uint64_t> dims,
                  std::initializer_list<uint64_t> strides,
                  std::initializer_list<uint32_t> box, int line) {
  TensorMapLayout layout;
  mggemmStatus status = describeTensorMap(kind, operand, kBf16, kTile, kBuffer,
                                          M, N, K, G, layout);
  check(status == MGGEMM_SUCCESS, mggemmGetLastError(), __FILE__, line);
  if (status != MGGEMM_SUCCESS)
    return;
  check(layout.rank == rank, "rank", __FILE__, line);
  check(layout.dataType == cu::TENSOR_MAP_DATA_TYPE_BFLOAT16, "data type",
        __FILE__, line);
  int i = 0;
  for (uint64_t d : dims)
    check(layout.dims[i++] == d, "dims", __FILE__, line);
  i = 0;
  for (uint64_t s : strides)
    check(layout.strides[i++] == s, "strides", __FILE__, line);
  i = 0;
  for (uint32_t b : box)
    check(layout.box[i++] == b, "box", __FILE__, line);
  for (int e = 0; e < 3; ++e)
    check(layout.elementStrides[e] == 1, "element strides", __FILE__, line);
}

void testTensorMapLayouts() {
  // forward: A = X {K, M}, box {64, 64} (tile.m / 64 per stage); B = W
  // {K, N, G}, box {64, tile.n, 1}.
  expectLayout(MGGEMM_KIND_FORWARD, 0, 2, {K, M}, {K * 2}, {64, 64, 1},
               __LINE__);
  expectLayout(MGGEMM_KIND_FORWARD, 1, 3, {K, N, G}, {K * 2, N * K * 2},
               {64, 256, 1}, __LINE__);
  // grad_input: A = dY {N, M}, box {64, 64}; B = W {K, N, G} read
  // MN-major in 64-wide boxes {64, tile.k, 1}.
  expectLayout(MGGEMM_KIND_GRAD_INPUT, 0, 2, {N, M}, {N * 2}, {64, 64, 1},
               __LINE__);
  expectLayout(MGGEMM_KIND_GRAD_INPUT, 1, 3, {K, N, G}, {K * 2, N * K * 2},
               {64, 64, 1}, __LINE__);
  // grad_weight: A = dY {N, M}, B = X {K, M}, both MN-major {64, tile.k}.
  expectLayout(MGGEMM_KIND_GRAD_WEIGHT, 0, 2, {N, M}, {N * 2}, {64, 64, 1},
               __LINE__);
  expectLayout(MGGEMM_KIND_GRAD_WEIGHT, 1, 2, {K, M}, {K * 2}, {64, 64, 1},
               __LINE__);
  // Outputs, stored 16 rows x 64 columns per warp: Y {N, M}, dX {K, M} and
  // dW as G * N rows {K, G * N}.
  expectLayout(MGGEMM_KIND_FORWARD, 2, 2, {N, M}, {N * 2}, {64, 16, 1},
               __LINE__);
  expectLayout(MGGEMM_KIND_GRAD_INPUT, 2, 2, {K, M}, {K * 2}, {64, 16, 1},
               __LINE__);
  expectLayout(MGGEMM_KIND_GRAD_WEIGHT, 2, 2, {K, G * N}, {K * 2},
               {64, 16, 1}, __LINE__);

  TensorMapLayout layout;
  CHECK(describeTensorMap(MGGEMM_KIND_FORWARD, 0, MGGEMM_DTYPE_F16, kTile,
                          kBuffer, M, N, K, G, layout) == MGGEMM_SUCCESS);
  CHECK(layout.dataType == cu::TENSOR_MAP_DATA_TYPE_FLOAT16);
  // fp8 operands are bytes; their output is bf16.
  CHECK(describeTensorMap(MGGEMM_KIND_FORWARD, 0, MGGEMM_DTYPE_E4M3, kTile,
                          kBuffer, M, N, K, G, layout) == MGGEMM_SUCCESS);
  CHECK(layout.dataType == cu::TENSOR_MAP_DATA_TYPE_UINT8);
  CHECK(describeTensorMap(MGGEMM_KIND_FORWARD, 2, MGGEMM_DTYPE_E4M3_BLOCK,
                          kTile, kBuffer, M, N, K, G,
                          layout) == MGGEMM_SUCCESS);
  CHECK(layout.dataType == cu::TENSOR_MAP_DATA_TYPE_BFLOAT16 &&
        layout.strides[0] == N * 2);
  // The fp8 kernels load A whole, {k, tile.m}; the 16-bit ones in 64-row
  // boxes.
  const mggemmTileConfig fp8Tile = {128, 128, 128, 6};
  for (mggemmDtype dtype : {MGGEMM_DTYPE_E4M3, MGGEMM_DTYPE_E4M3_BLOCK}) {
    CHECK(describeTensorMap(MGGEMM_KIND_FORWARD, 0, dtype, fp8Tile, kBuffer, M,
                            N, K, G, layout) == MGGEMM_SUCCESS);
    CHECK(layout.box[0] == 128 && layout.box[1] == 128);
  }
  CHECK(describeTensorMap(MGGEMM_KIND_FORWARD, 0, kBf16, kTile, kBuffer, M, N,
                          K, G, layout) == MGGEMM_SUCCESS);
  CHECK(layout.box[0] == 64 && layout.box[1] == 64);
  // The fp8 grad_weight reads dYᵀ {M, N} and Xᵀ {M, K} K-major: boxes
  // {k, tile.m} and {k, tile.n / cluster}.
  const mggemmTileConfig fp8Cluster = {128, 192, 128, 4, 2};
  CHECK(describeTensorMap(MGGEMM_KIND_GRAD_WEIGHT, 0, MGGEMM_DTYPE_E4M3,
                          fp8Cluster, kBuffer, M, N, K, G,
                          layout) == MGGEMM_SUCCESS);
  CHECK(layout.dims[0] == M && layout.dims[1] == N && layout.strides[0] == M &&
        layout.box[0] == 128 && layout.box[1] == 128);
  CHECK(describeTensorMap(MGGEMM_KIND_GRAD_WEIGHT, 1, MGGEMM_DTYPE_E4M3,
                          fp8Cluster, kBuffer, M, N, K, G,
                          layout) == MGGEMM_SUCCESS);
  CHECK(layout.dims[0] == M && layout.dims[1] == K && layout.strides[0] == M &&
        layout.box[0] == 128 && layout.box[1] == 96);
  // Rows of M bytes: M = 4104 is no multiple of 16.
  EXPECT_INVALID(
      describeTensorMap(MGGEMM_KIND_GRAD_WEIGHT, 1, MGGEMM_DTYPE_E4M3,
                        fp8Cluster, kBuffer, 4104, N, K, G, layout),
      "X (operand B of grad_weight)", "{M, K} = {4104, 7168}", "4104 bytes");
}

void testTensorMapErrors() {
  TensorMapLayout layout;
  EXPECT_INVALID(describeTensorMap(MGGEMM_KIND_FORWARD, 0, kBf16, kTile,
                                   kBuffer, 0, N, K, G, layout),
                 "tensor map of X (operand A of forward)", "{K, M} = {7168, 0}",
                 "between 1 and 2^32");
  EXPECT_INVALID(describeTensorMap(MGGEMM_KIND_GRAD_WEIGHT, 1, kBf16, kTile,
                                   nullptr, M, N, K, G, layout),
                 "tensor map of X (operand B of grad_weight)", "null");
  EXPECT_INVALID(describeTensorMap(MGGEMM_KIND_GRAD_INPUT, 1, kBf16, kTile,
                                   kMisaligned, M, N, K, G, layout),
                 "tensor map of W (operand B of grad_input)", "16-byte");
  EXPECT_INVALID(describeTensorMap(MGGEMM_KIND_FORWARD, 0, kBf16, kTile,
                                   kBuffer, M, N, 12, G, layout),
                 "stride of dimension 1 is 24 bytes", "multiple of 16");
  mggemmTileConfig wideK = {128, 256, 128, 4}; // 256-byte rows: too wide.
  EXPECT_INVALID(describeTensorMap(MGGEMM_KIND_FORWARD, 0, kBf16, wideK,
                                   kBuffer, M, N, K, G, layout),
                 "inner box extent is 256 bytes", "128-byte swizzling");
  mggemmTileConfig wideN = {128, 512, 64, 4}; // B 512-row box: too tall.
  EXPECT_INVALID(describeTensorMap(MGGEMM_KIND_FORWARD, 1, kBf16, wideN,
                                   kBuffer, M, N, K, G, layout),
                 "box dimension 1 is 512", "1 to 256");
  EXPECT_INVALID(describeTensorMap((mggemmKind)3, 0, kBf16, kTile, kBuffer, M,
                                   N, K, G, layout),
                 "kind 3");
  EXPECT_INVALID(describeTensorMap(MGGEMM_KIND_FORWARD, 3, kBf16, kTile,
                                   kBuffer, M, N, K, G, layout),
                 "operand 3 is not 0 (A), 1 (B) or 2 (the output)");
  EXPECT_INVALID(describeTensorMap(MGGEMM_KIND_FORWARD, 0, (mggemmDtype)5,
                                   kTile, kBuffer, M, N, K, G, layout),
                 "dtype 5");
  mggemmTileConfig empty = {0, 256, 64, 4};
  EXPECT_INVALID(describeTensorMap(MGGEMM_KIND_FORWARD, 0, kBf16, empty,
                                   kBuffer, M, N, K, G, layout),
                 "non-positive");
}

void testEncodeTensorMapArgumentChecks() {
  alignas(64) unsigned char map[MGGEMM_TENSOR_MAP_BYTES];
  EXPECT_INVALID(mggemmEncodeTensorMap(nullptr, MGGEMM_KIND_FORWARD, 0, kBf16,
                                       128, 256, 64, 1, kBuffer, M, N, K, G),
                 "mggemmEncodeTensorMap: tensorMap is null");
  EXPECT_INVALID(mggemmEncodeTensorMap(map, MGGEMM_KIND_FORWARD, 1, kBf16, 128,
                                       256, 64, 1, kMisaligned, M, N, K, G),
                 "mggemmEncodeTensorMap: tensor map of W", "16-byte");
  EXPECT_INVALID(mggemmEncodeTensorMap(map, MGGEMM_KIND_GRAD_WEIGHT, 0, kBf16,
                                       128, 256, 64, 1, kBuffer, -5, N, K, G),
                 "tensor map of dY", "{N, M} = {2048, -5}");
}

//===----------------------------------------------------------------------===//
// The kernel library (TileConfigs.h) and its embedding
//===----------------------------------------------------------------------===//

/// Whether the library has a kernel for `kind` on `dtype`.
bool librarySupports(int kind, mggemmDtype dtype) {
  for (const mggemmLibraryEntry &entry : mggemmLibraryEntries)
    if (entry.kind == kind && entry.dtype == dtype)
      return true;
  return false;
}

void testLibraryTable() {
  for (const mggemmLibraryEntry &entry : mggemmLibraryEntries) {
    mggemmTileConfig tile = entry.tile;
    CHECK(mggemmThreadsPerCta(tile) <= 1024);
    CHECK(mggemmSharedMemoryBytes(tile, mggemmElementBytes(entry.dtype)) <=
          MGGEMM_SM90_MAX_SHARED_MEMORY);
    // One 128-byte swizzled row of the dtype per stage row.
    CHECK(tile.k * mggemmElementBytes(entry.dtype) == 128);
    char name[96];
    int n = mggemmKernelName(name, sizeof(name), entry.kind, entry.dtype, tile);
    CHECK(n > 0 && (size_t)n < sizeof(name));
    // All three tensor maps of every kernel in the library can be encoded
    // (M = 16: the fp8 grad_weight reads rows of M bytes).
    for (int operand = 0; operand <= MGGEMM_OPERAND_OUTPUT; ++operand) {
      TensorMapLayout layout;
      mggemmStatus status =
          describeTensorMap(entry.kind, operand, entry.dtype, tile, kBuffer, 16,
                            8, 16, 1, layout);
      check(status == MGGEMM_SUCCESS, mggemmGetLastError(), __FILE__, __LINE__);
    }
  }
  // The selection picks an entry of the library for every kind and dtype
  // the library supports.
  for (int kind = 0; kind < 3; ++kind) {
    for (int d = 0; d < MGGEMM_DTYPE_COUNT; ++d) {
      mggemmDtype dtype = (mggemmDtype)d;
      // fp8: the forward product, and the weight gradient with row scales.
      CHECK(
          librarySupports(kind, dtype) ==
          (!mggemmDtypeIsScaled(dtype) || kind == MGGEMM_KIND_FORWARD ||
           (kind == MGGEMM_KIND_GRAD_WEIGHT && mggemmDtypeIsRowScaled(dtype))));
      if (!librarySupports(kind, dtype))
        continue;
      for (int64_t rowsPerGroup : {int64_t(-1), int64_t(64), int64_t(4096)}) {
        mggemmTileConfig tile =
            mggemmSelectTileConfig((mggemmKind)kind, dtype, N, K, rowsPerGroup);
        bool found = false;
        for (const mggemmLibraryEntry &entry : mggemmLibraryEntries)
          found |= entry.kind == kind && entry.dtype == dtype &&
                   !memcmp(&entry.tile, &tile, sizeof(tile));
        CHECK(found);
        // Clusters, except with few rows: forward, grad_input and the
        // row-scaled fp8 (not e4m3_fast) weight gradient.
        bool fewRows = rowsPerGroup == 64 && (kind != MGGEMM_KIND_GRAD_WEIGHT ||
                                              dtype == MGGEMM_DTYPE_E4M3);
        CHECK(mggemmClusterSize(tile) == (fewRows ? 1 : 2));
      }
    }
  }
}

bool contains(const unsigned char *data, size_t size, const char *text) {
  size_t length = strlen(text) + 1; // with the terminating NUL
  if (size < length)
    return false;
  for (size_t i = 0; i + length <= size; ++i)
    if (!memcmp(data + i, text, length))
      return true;
  return false;
}

void testSetTileConfig() {
  mggemmTileConfig cluster = {128, 256, 64, 4, 2}, plain = {128, 256, 64, 4, 1};
  CHECK(mggemmSetTileConfig(MGGEMM_KIND_FORWARD, &plain) == MGGEMM_SUCCESS);
  CHECK(mggemmSetTileConfig(MGGEMM_KIND_GRAD_WEIGHT, &cluster) ==
        MGGEMM_SUCCESS);
  // A kernel that is not in the library, and a kind that does not exist.
  mggemmTileConfig missing = {64, 64, 64, 2, 1};
  CHECK(mggemmSetTileConfig(MGGEMM_KIND_FORWARD, &missing) ==
        MGGEMM_ERROR_UNSUPPORTED);
  CHECK(
      strstr(mggemmGetLastError(), "no forward kernel with tile m64n64k64s2"));
  CHECK(mggemmSetTileConfig((mggemmKind)7, &plain) ==
        MGGEMM_ERROR_INVALID_VALUE);
  // Back to the selection.
  for (int kind = 0; kind < 3; ++kind)
    CHECK(mggemmSetTileConfig((mggemmKind)kind, nullptr) == MGGEMM_SUCCESS);
}

void testEmbeddedLibrary() {
  if (mggemm_kernel_library_size == 0) {
    printf("note: the kernel library is not built into this runtime; "
           "skipping the checks of its contents\n");
    return;
  }
  const unsigned char *data = mggemm_kernel_library_data;
  CHECK((uintptr_t)data % 64 == 0);
  CHECK(mggemm_kernel_library_size > 4 && !memcmp(data,
                                                  "\x7f"
                                                  "ELF",
                                                  4));
  // Every kernel of the table is named in the cubin's string table.
  for (const mggemmLibraryEntry &entry : mggemmLibraryEntries) {
    char name[96];
    mggemmKernelName(name, sizeof(name), entry.kind, entry.dtype, entry.tile);
    char what[160];
    snprintf(what, sizeof(what), "the embedded cubin names %s", name);
    check(contains(data, mggemm_kernel_library_size, name), what, __FILE__,
          __LINE__);
  }
}

//===----------------------------------------------------------------------===//
// Without a driver (in forked children)
//===----------------------------------------------------------------------===//

/// Runs `body` in a child process whose MGGEMM_LIBCUDA is `libcuda`, and adds
/// its checks to ours.
void inChild(const char *name, const char *libcuda, void (*body)()) {
  int fds[2];
  if (pipe(fds) != 0) {
    check(false, "pipe", __FILE__, __LINE__);
    return;
  }
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    setenv("MGGEMM_LIBCUDA", libcuda, 1);
    passed = failed = 0;
    currentTest = name;
    body();
    fflush(stdout);
    int counts[2] = {passed, failed};
    ssize_t written = write(fds[1], counts, sizeof(counts));
    _exit(written == sizeof(counts) ? 0 : 1);
  }
  close(fds[1]);
  int counts[2] = {0, 0};
  ssize_t got = read(fds[0], counts, sizeof(counts));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (got != sizeof(counts) || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    printf("FAILED %s: the child process crashed or exited with status "
           "0x%x\n",
           name, status);
    ++failed;
    return;
  }
  passed += counts[0];
  failed += counts[1];
}

void withoutDriver() {
  // Argument checks come before the driver is looked for.
  EXPECT_INVALID(
      mggemmForward(kBuffer, kBuffer, kSizes, kOther, M, 12, K, G, kBf16, 0),
      "N = 12");
  EXPECT_STATUS(
      mggemmForward(kBuffer, kBuffer, kSizes, kOther, M, N, K, G, kBf16, 0),
      MGGEMM_ERROR_NO_DEVICE, "mggemmForward: ", "no CUDA driver", "dlopen",
      "MGGEMM_LIBCUDA");
  EXPECT_STATUS(mggemmGradInput(kBuffer, kBuffer, kSizes, kOther, M, N, K, G,
                                MGGEMM_DTYPE_F16, 0),
                MGGEMM_ERROR_NO_DEVICE, "mggemmGradInput: no CUDA driver");
  EXPECT_STATUS(
      mggemmGradWeight(kBuffer, kBuffer, kSizes, kOther, M, N, K, G, kBf16, 0),
      MGGEMM_ERROR_NO_DEVICE, "mggemmGradWeight: no CUDA driver");
  EXPECT_STATUS(mggemmBackward(kBuffer, kBuffer, kBuffer, kSizes, kOther,
                               kOther, M, N, K, G, kBf16, 0),
                MGGEMM_ERROR_NO_DEVICE, "mggemmBackward: no CUDA driver");
  // grad_weight of an empty batch still launches (to zero dW) ...
  EXPECT_STATUS(
      mggemmGradWeight(nullptr, nullptr, kSizes, kOther, 0, N, K, G, kBf16, 0),
      MGGEMM_ERROR_NO_DEVICE, "no CUDA driver");
  EXPECT_STATUS(mggemmBackward(nullptr, nullptr, kBuffer, kSizes, nullptr,
                               kOther, 0, N, K, G, kBf16, 0),
                MGGEMM_ERROR_NO_DEVICE, "no CUDA driver");
  // ... while forward and grad_input of one need no driver at all.
  EXPECT_SUCCESS(
      mggemmForward(nullptr, kBuffer, kSizes, nullptr, 0, N, K, G, kBf16, 0));
  EXPECT_SUCCESS(
      mggemmGradInput(nullptr, kBuffer, kSizes, nullptr, 0, N, K, G, kBf16, 0));
  // Checked mode must read the sizes, so then even those need the device.
  mggemmSetCheckedMode(1);
  EXPECT_STATUS(
      mggemmForward(nullptr, kBuffer, kSizes, nullptr, 0, N, K, G, kBf16, 0),
      MGGEMM_ERROR_NO_DEVICE, "no CUDA driver");
  mggemmSetCheckedMode(0);
  EXPECT_SUCCESS(
      mggemmForward(nullptr, kBuffer, kSizes, nullptr, 0, N, K, G, kBf16, 0));

  CHECK(mggemmDeviceSMCount() == -1);
  CHECK(strstr(mggemmGetLastError(), "mggemmDeviceSMCount: no CUDA driver"));
  alignas(64) unsigned char map[MGGEMM_TENSOR_MAP_BYTES];
  EXPECT_STATUS(mggemmEncodeTensorMap(map, MGGEMM_KIND_FORWARD, 0, kBf16, 128,
                                      256, 64, 1, kBuffer, M, N, K, G),
                MGGEMM_ERROR_NO_DEVICE,
                "mggemmEncodeTensorMap: no CUDA driver");
  // The outcome is remembered: the second call says the same.
  EXPECT_STATUS(
      mggemmForward(kBuffer, kBuffer, kSizes, kOther, M, N, K, G, kBf16, 0),
      MGGEMM_ERROR_NO_DEVICE, "no CUDA driver");
}

void withStubDriver() {
  EXPECT_STATUS(
      mggemmForward(kBuffer, kBuffer, kSizes, kOther, M, N, K, G, kBf16, 0),
      MGGEMM_ERROR_NO_DEVICE, "mggemmForward: ", "stub library");
  CHECK(mggemmDeviceSMCount() == -1);
  CHECK(strstr(mggemmGetLastError(), "stub library"));
}

void withNonDriverLibrary() {
  // libc is a shared library but no driver.
  EXPECT_STATUS(
      mggemmForward(kBuffer, kBuffer, kSizes, kOther, M, N, K, G, kBf16, 0),
      MGGEMM_ERROR_NO_DEVICE, "is not a CUDA driver", "cuDriverGetVersion");
}

//===----------------------------------------------------------------------===//
// The shared library
//===----------------------------------------------------------------------===//

void testSharedLibrary(const char *path) {
  void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    char what[600];
    snprintf(what, sizeof(what), "dlopen(%s): %s", path, dlerror());
    check(false, what, __FILE__, __LINE__);
    return;
  }
  const char *api[] = {"mggemmGetLastError",
                       "mggemmStatusString",
                       "mggemmForward",
                       "mggemmGradInput",
                       "mggemmGradWeight",
                       "mggemmBackward",
                       "mggemmSetCheckedMode",
                       "mggemmSetTileConfig",
                       "mggemmDeviceSMCount",
                       "mggemmEncodeTensorMap",
                       "mggemm_kernel_library_data",
                       "mggemm_kernel_library_size"};
  for (const char *symbol : api) {
    char what[160];
    snprintf(what, sizeof(what), "%s exports %s", path, symbol);
    check(dlsym(handle, symbol) != nullptr, what, __FILE__, __LINE__);
  }
  // Internals stay hidden.
  CHECK(dlsym(handle, "_ZN6mggemm7runtime7succeedEv") == nullptr);
  auto forward = (decltype(&mggemmForward))dlsym(handle, "mggemmForward");
  auto lastError =
      (decltype(&mggemmGetLastError))dlsym(handle, "mggemmGetLastError");
  if (forward && lastError) {
    CHECK(forward(kBuffer, kBuffer, kSizes, kOther, M, 4, K, G, kBf16, 0) ==
          MGGEMM_ERROR_INVALID_VALUE);
    CHECK(strstr(lastError(), "mggemmForward: N = 4") != nullptr);
  }
  dlclose(handle);
}

struct Test {
  const char *name;
  void (*run)();
};

} // namespace

int main(int argc, char **argv) {
  // argv[1]: libmggemm_runtime.so to check (default: the one just built).
  const char *library = argc > 1 ? argv[1] : MGGEMM_RUNTIME_LIBRARY_PATH;
  verbose = getenv("MGGEMM_TEST_VERBOSE") != nullptr;
  const char *stub = getenv("MGGEMM_TEST_CUDA_STUB");
  if (!stub)
    stub = MGGEMM_CUDA_STUB_PATH;

  const Test tests[] = {
      {"status strings", testStatusStrings},
      {"last error cleared by success", testLastErrorIsClearedBySuccess},
      {"last error per thread", testLastErrorIsPerThread},
      {"dimension checks", testDimensionChecks},
      {"dtype checks", testDtypeChecks},
      {"scaled forward checks", testScaledForwardChecks},
      {"scaled grad_weight checks", testScaledGradWeightChecks},
      {"forward pointer checks", testForwardPointerChecks},
      {"grad_input pointer checks", testGradInputPointerChecks},
      {"grad_weight pointer checks", testGradWeightPointerChecks},
      {"backward pointer checks", testBackwardPointerChecks},
      {"tensor map layouts", testTensorMapLayouts},
      {"tensor map errors", testTensorMapErrors},
      {"mggemmEncodeTensorMap checks", testEncodeTensorMapArgumentChecks},
      {"library table", testLibraryTable},
      {"mggemmSetTileConfig", testSetTileConfig},
      {"embedded library", testEmbeddedLibrary},
  };
  for (const Test &test : tests) {
    currentTest = test.name;
    test.run();
  }
  inChild("without a driver", "/nonexistent/libcuda.so.1", withoutDriver);
  inChild("with a library that is no driver", "libc.so.6",
          withNonDriverLibrary);
  if (stub[0] && access(stub, R_OK) == 0)
    inChild("with the toolkit's stub driver", stub, withStubDriver);
  else
    printf("note: no CUDA stub library at '%s'; skipping that test\n", stub);
  currentTest = "shared library";
  testSharedLibrary(library);

  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
