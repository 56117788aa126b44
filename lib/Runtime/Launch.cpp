//===- Launch.cpp - the public entry points of the runtime ----------------===//
//
// Each entry point checks its arguments before any CUDA call, then (unless
// there is nothing to compute) finds the driver and the caller's context,
// optionally validates `sizes` (checked mode), and launches one persistent
// kernel per product on the caller's stream, with the parameters KernelABI.h
// lists. Nothing here synchronizes, except checked mode.
//
//===----------------------------------------------------------------------===//

#include "ArgumentChecks.h"
#include "Context.h"
#include "Error.h"
#include "KernelLibrary.h"
#include "Mutex.h"
#include "TensorMap.h"
#include "mggemm/Runtime/TileConfigs.h"

#include <atomic>
#include <cinttypes>
#include <cstdlib>
#include <initializer_list>

using namespace mggemm::runtime;

namespace {

std::atomic<bool> checkedMode{false};

/// One kernel launch: the product `kind` of operands A and B into `out`,
/// with the row scales of A and B for scaled dtypes.
struct Product {
  mggemmKind kind;
  const void *a;
  const void *b;
  void *out;
  const float *scaleA = nullptr;
  const float *scaleB = nullptr;
};

struct Problem {
  const int32_t *sizes;
  int64_t M, N, K, G;
  mggemmDtype dtype;
  cu::Stream stream;
  /// Whether columns past the last group may be padding (the transposed
  /// operands of the fp8 weight gradient): the sizes may then add up to
  /// less than M.
  bool mayEndInPadding = false;
};

/// Checked mode: the sizes must be non-negative and add up to M (at most M
/// where the operands may end in padding). Copies them to the host, which
/// synchronizes the stream.
mggemmStatus validateSizes(const CudaDriver &driver, const Problem &p) {
  size_t bytes = (size_t)p.G * sizeof(int32_t);
  int32_t *host = (int32_t *)malloc(bytes);
  if (!host)
    return fail(MGGEMM_ERROR_INVALID_VALUE,
                "checked mode: cannot allocate %zu bytes of host memory for "
                "the sizes",
                bytes);
  cu::Result result = driver.memcpyDtoHAsync(
      host, (cu::DevicePtr)(uintptr_t)p.sizes, bytes, p.stream);
  if (result == cu::SUCCESS)
    result = driver.streamSynchronize(p.stream);
  if (result != cu::SUCCESS) {
    free(host);
    return cudaFailure(driver, result,
                       "checked mode: copying sizes (%p, %zu bytes) to the "
                       "host and synchronizing the stream",
                       (const void *)p.sizes, bytes);
  }
  mggemmStatus status = MGGEMM_SUCCESS;
  int64_t total = 0;
  for (int64_t g = 0; g < p.G && status == MGGEMM_SUCCESS; ++g) {
    if (host[g] < 0) {
      status =
          fail(MGGEMM_ERROR_BAD_SIZES,
               "checked mode: sizes[%" PRId64 "] = %d is negative", g, host[g]);
      break;
    }
    total += host[g];
    if (total > p.M)
      status = fail(MGGEMM_ERROR_BAD_SIZES,
                    "checked mode: sizes[%" PRId64 "] = %d brings the sum of "
                    "sizes[0..%" PRId64 "] to %" PRId64 ", past M = %" PRId64,
                    g, host[g], g, total, p.M);
  }
  if (status == MGGEMM_SUCCESS && total != p.M && !p.mayEndInPadding)
    status = fail(MGGEMM_ERROR_BAD_SIZES,
                  "checked mode: the %" PRId64 " sizes add up to %" PRId64
                  ", not M = %" PRId64 " (rows from %" PRId64
                  " on belong to no group)",
                  p.G, total, p.M, total);
  free(host);
  return status;
}

/// mggemmSetTileConfig's choices, per kind (for the dtypes that have the
/// kernel).
pthread_mutex_t tileOverrideMutex = PTHREAD_MUTEX_INITIALIZER;
bool tileOverridden[3] = {false, false, false};
mggemmTileConfig tileOverride[3];

mggemmTileConfig selectTile(mggemmKind kind, const Problem &p) {
  MutexLock lock(tileOverrideMutex);
  if (tileOverridden[kind] &&
      libraryHasKernel(kind, p.dtype, tileOverride[kind]))
    return tileOverride[kind];
  return mggemmSelectTileConfig(kind, p.dtype, p.N, p.K,
                                p.G > 0 ? p.M / p.G : -1);
}

mggemmStatus launchProduct(const CudaDriver &driver,
                           const CurrentContext &context, const Product &prod,
                           const Problem &p) {
  mggemmTileConfig tile = selectTile(prod.kind, p);
  LaunchableKernel kernel;
  if (mggemmStatus status =
          getKernel(driver, context, prod.kind, p.dtype, tile, kernel))
    return status;

  // A tensor map cannot describe an empty tensor. Only grad_weight launches
  // with M == 0 (to zero dW), and its kernel then loads nothing: give its maps
  // one row of dW itself (G*N*K >= max(N, K) elements), valid memory of ours;
  // the fp8 kernel's maps of dYᵀ and Xᵀ have rows of M bytes, so 16 (2 G N K
  // >= 16 max(N, K) bytes, as K >= 8).
  const void *a = prod.a, *b = prod.b;
  int64_t mapM = p.M;
  if (p.M == 0) {
    a = b = prod.out;
    mapM = mggemmElementBytes(p.dtype) == 1 ? 16 : 1;
  }
  // The output is never empty here: forward and grad_input with M == 0
  // launch nothing, dW has G * N * K elements.
  const void *bases[3] = {a, b, prod.out};
  cu::TensorMap maps[3];
  for (int operand = 0; operand < 3; ++operand) {
    TensorMapLayout layout;
    if (mggemmStatus status =
            describeTensorMap(prod.kind, operand, p.dtype, tile, bases[operand],
                              mapM, p.N, p.K, p.G, layout))
      return status;
    if (mggemmStatus status =
            encodeTensorMap(driver, layout, bases[operand], maps[operand]))
      return status;
  }

  // KernelABI.h: the maps of A, B and the output, the output, sizes, then
  // M, N, K, G as int32 (checkProblem has made sure they fit), then a scaled
  // kernel's scales.
  // cuLaunchKernel copies each parameter's bytes, as many as the kernel
  // declares, from these addresses.
  cu::DevicePtr out = (cu::DevicePtr)(uintptr_t)prod.out;
  cu::DevicePtr sizes = (cu::DevicePtr)(uintptr_t)p.sizes;
  cu::DevicePtr scaleA = (cu::DevicePtr)(uintptr_t)prod.scaleA;
  cu::DevicePtr scaleB = (cu::DevicePtr)(uintptr_t)prod.scaleB;
  int32_t m = (int32_t)p.M, n = (int32_t)p.N, k = (int32_t)p.K,
          g = (int32_t)p.G;
  void *params[MGGEMM_MAX_KERNEL_PARAMS] = {&maps[0], &maps[1], &maps[2], &out,
                                            &sizes,   &m,       &n,       &k,
                                            &g,       &scaleA,  &scaleB};
  cu::Result result = driver.launchKernel(
      kernel.function, kernel.gridSize, 1, 1, kernel.threadsPerCta, 1, 1,
      kernel.sharedMemoryBytes, p.stream, params, nullptr);
  if (result != cu::SUCCESS)
    return cudaFailure(driver, result,
                       "cuLaunchKernel(%s, grid %u, block %u, %u bytes of "
                       "dynamic shared memory, stream %p)",
                       kernel.name, kernel.gridSize, kernel.threadsPerCta,
                       kernel.sharedMemoryBytes, (void *)p.stream);
  return MGGEMM_SUCCESS;
}

/// Launches `products` in order on the problem's stream.
mggemmStatus run(const Product *products, int count, const Problem &p) {
  // forward and grad_input of an empty batch have nothing to compute;
  // grad_weight must still write zeros into dW.
  auto launches = [&](const Product &product) {
    return p.M > 0 || product.kind == MGGEMM_KIND_GRAD_WEIGHT;
  };
  bool anyLaunch = false;
  for (int i = 0; i < count; ++i)
    anyLaunch |= launches(products[i]);
  bool checked = checkedMode.load(std::memory_order_relaxed);
  if (!anyLaunch && !checked)
    return succeed();

  const CudaDriver *driver;
  CurrentContext context;
  if (mggemmStatus status = getDriverAndContext(driver, context))
    return status;
  if (checked)
    if (mggemmStatus status = validateSizes(*driver, p))
      return status;
  for (int i = 0; i < count; ++i) {
    if (!launches(products[i]))
      continue;
    if (mggemmStatus status = launchProduct(*driver, context, products[i], p))
      return status;
  }
  return succeed();
}

TensorShape shapeMK(const char *dimNames, int64_t rows, int64_t columns) {
  return TensorShape{dimNames, 2, {rows, columns, 0}};
}

TensorShape shapeGNK(int64_t G, int64_t N, int64_t K) {
  return TensorShape{"[G, N, K]", 3, {G, N, K}};
}

Problem makeProblem(const int32_t *sizes, int64_t M, int64_t N, int64_t K,
                    int64_t G, mggemmDtype dtype, void *stream) {
  return Problem{sizes, M, N, K, G, dtype, (cu::Stream)stream};
}

mggemmStatus checkForward(const void *x, const void *w, const int32_t *sizes,
                          void *y, int64_t M, int64_t N, int64_t K, int64_t G) {
  if (mggemmStatus s = checkTensor(x, "x", shapeMK("[M, K]", M, K)))
    return s;
  if (mggemmStatus s = checkTensor(w, "w", shapeGNK(G, N, K)))
    return s;
  if (mggemmStatus s = checkSizes(sizes, G))
    return s;
  return checkTensor(y, "y", shapeMK("[M, N]", M, N));
}

mggemmStatus forward(const void *x, const void *w, const int32_t *sizes,
                     void *y, int64_t M, int64_t N, int64_t K, int64_t G,
                     mggemmDtype dtype, void *stream) {
  if (mggemmStatus s = checkProblem(dtype, M, N, K, G))
    return s;
  if (mggemmStatus s = checkForward(x, w, sizes, y, M, N, K, G))
    return s;
  Product product = {MGGEMM_KIND_FORWARD, x, w, y};
  return run(&product, 1, makeProblem(sizes, M, N, K, G, dtype, stream));
}

mggemmStatus scaledForward(const void *x, const void *w, const float *scaleX,
                           const float *scaleW, const int32_t *sizes, void *y,
                           int64_t M, int64_t N, int64_t K, int64_t G,
                           mggemmDtype dtype, void *stream) {
  if (mggemmStatus s = checkProblem(dtype, M, N, K, G, /*scaled=*/true))
    return s;
  if (mggemmStatus s = checkForward(x, w, sizes, y, M, N, K, G))
    return s;
  bool blocks = dtype == MGGEMM_DTYPE_E4M3_BLOCK;
  int64_t kBlocks = (K + MGGEMM_SCALE_BLOCK - 1) / MGGEMM_SCALE_BLOCK;
  int64_t nBlocks = (N + MGGEMM_SCALE_BLOCK - 1) / MGGEMM_SCALE_BLOCK;
  if (mggemmStatus s =
          checkScales(scaleX, "scaleX", blocks ? "[ceil(K/128), M]" : "[M]",
                      blocks ? kBlocks * M : M))
    return s;
  if (mggemmStatus s = checkScales(
          scaleW, "scaleW", blocks ? "[G, ceil(N/128), ceil(K/128)]" : "[G, N]",
          blocks ? G * nBlocks * kBlocks : G * N))
    return s;
  Product product = {MGGEMM_KIND_FORWARD, x, w, y, scaleX, scaleW};
  return run(&product, 1, makeProblem(sizes, M, N, K, G, dtype, stream));
}

mggemmStatus checkGradInput(const void *dy, const void *w, const int32_t *sizes,
                            void *dx, int64_t M, int64_t N, int64_t K,
                            int64_t G) {
  if (mggemmStatus s = checkTensor(dy, "dy", shapeMK("[M, N]", M, N)))
    return s;
  if (mggemmStatus s = checkTensor(w, "w", shapeGNK(G, N, K)))
    return s;
  if (mggemmStatus s = checkSizes(sizes, G))
    return s;
  return checkTensor(dx, "dx", shapeMK("[M, K]", M, K));
}

mggemmStatus checkGradWeight(const void *dy, const void *x,
                             const int32_t *sizes, void *dw, int64_t M,
                             int64_t N, int64_t K, int64_t G) {
  if (mggemmStatus s = checkTensor(dy, "dy", shapeMK("[M, N]", M, N)))
    return s;
  if (mggemmStatus s = checkTensor(x, "x", shapeMK("[M, K]", M, K)))
    return s;
  if (mggemmStatus s = checkSizes(sizes, G))
    return s;
  return checkTensor(dw, "dw", shapeGNK(G, N, K));
}

mggemmStatus gradInput(const void *dy, const void *w, const int32_t *sizes,
                       void *dx, int64_t M, int64_t N, int64_t K, int64_t G,
                       mggemmDtype dtype, void *stream) {
  if (mggemmStatus s = checkProblem(dtype, M, N, K, G))
    return s;
  if (mggemmStatus s = checkGradInput(dy, w, sizes, dx, M, N, K, G))
    return s;
  Product product = {MGGEMM_KIND_GRAD_INPUT, dy, w, dx};
  return run(&product, 1, makeProblem(sizes, M, N, K, G, dtype, stream));
}

mggemmStatus gradWeight(const void *dy, const void *x, const int32_t *sizes,
                        void *dw, int64_t M, int64_t N, int64_t K, int64_t G,
                        mggemmDtype dtype, void *stream) {
  if (mggemmStatus s = checkProblem(dtype, M, N, K, G))
    return s;
  if (mggemmStatus s = checkGradWeight(dy, x, sizes, dw, M, N, K, G))
    return s;
  Product product = {MGGEMM_KIND_GRAD_WEIGHT, dy, x, dw};
  return run(&product, 1, makeProblem(sizes, M, N, K, G, dtype, stream));
}

mggemmStatus scaledGradWeight(const void *dyT, const void *xT,
                              const float *scaleDY, const float *scaleX,
                              const int32_t *sizes, void *dw, int64_t M,
                              int64_t N, int64_t K, int64_t G,
                              mggemmDtype dtype, void *stream) {
  if (dtype == MGGEMM_DTYPE_E4M3_BLOCK)
    return fail(MGGEMM_ERROR_UNSUPPORTED,
                "the fp8 weight gradient takes row-wise scales "
                "(MGGEMM_DTYPE_E4M3 or MGGEMM_DTYPE_E4M3_FAST), not block "
                "scales");
  if (mggemmStatus s = checkProblem(dtype, M, N, K, G, /*scaled=*/true,
                                    MGGEMM_KIND_GRAD_WEIGHT))
    return s;
  if (mggemmStatus s = checkTensor(dyT, "dyT", shapeMK("[N, M]", N, M)))
    return s;
  if (mggemmStatus s = checkTensor(xT, "xT", shapeMK("[K, M]", K, M)))
    return s;
  if (mggemmStatus s = checkSizes(sizes, G))
    return s;
  if (mggemmStatus s = checkTensor(dw, "dw", shapeGNK(G, N, K)))
    return s;
  if (mggemmStatus s = checkScales(scaleDY, "scaleDY", "[G, N]", G * N))
    return s;
  if (mggemmStatus s = checkScales(scaleX, "scaleX", "[G, K]", G * K))
    return s;
  Product product = {MGGEMM_KIND_GRAD_WEIGHT, dyT, xT, dw, scaleDY, scaleX};
  Problem problem = makeProblem(sizes, M, N, K, G, dtype, stream);
  problem.mayEndInPadding = true;
  return run(&product, 1, problem);
}

mggemmStatus backward(const void *dy, const void *x, const void *w,
                      const int32_t *sizes, void *dx, void *dw, int64_t M,
                      int64_t N, int64_t K, int64_t G, mggemmDtype dtype,
                      void *stream) {
  if (mggemmStatus s = checkProblem(dtype, M, N, K, G))
    return s;
  // Every argument is checked before either product is launched.
  if (mggemmStatus s = checkGradInput(dy, w, sizes, dx, M, N, K, G))
    return s;
  if (mggemmStatus s = checkTensor(x, "x", shapeMK("[M, K]", M, K)))
    return s;
  if (mggemmStatus s = checkTensor(dw, "dw", shapeGNK(G, N, K)))
    return s;
  Product products[2] = {{MGGEMM_KIND_GRAD_INPUT, dy, w, dx},
                         {MGGEMM_KIND_GRAD_WEIGHT, dy, x, dw}};
  return run(products, 2, makeProblem(sizes, M, N, K, G, dtype, stream));
}

int32_t deviceSMCount() {
  const CudaDriver *driver;
  CurrentContext context;
  if (getDriverAndContext(driver, context))
    return -1;
  DeviceInfo device;
  if (getDeviceInfo(*driver, context, device))
    return -1;
  succeed();
  return device.multiprocessorCount;
}

} // namespace

extern "C" {

mggemmStatus mggemmForward(const void *x, const void *w, const int32_t *sizes,
                           void *y, int64_t M, int64_t N, int64_t K, int64_t G,
                           mggemmDtype dtype, void *stream) {
  return addContext(forward(x, w, sizes, y, M, N, K, G, dtype, stream),
                    "mggemmForward");
}

mggemmStatus mggemmScaledForward(const void *x, const void *w,
                                 const float *scaleX, const float *scaleW,
                                 const int32_t *sizes, void *y, int64_t M,
                                 int64_t N, int64_t K, int64_t G,
                                 mggemmDtype dtype, void *stream) {
  return addContext(
      scaledForward(x, w, scaleX, scaleW, sizes, y, M, N, K, G, dtype, stream),
      "mggemmScaledForward");
}

mggemmStatus mggemmGradInput(const void *dy, const void *w,
                             const int32_t *sizes, void *dx, int64_t M,
                             int64_t N, int64_t K, int64_t G, mggemmDtype dtype,
                             void *stream) {
  return addContext(gradInput(dy, w, sizes, dx, M, N, K, G, dtype, stream),
                    "mggemmGradInput");
}

mggemmStatus mggemmGradWeight(const void *dy, const void *x,
                              const int32_t *sizes, void *dw, int64_t M,
                              int64_t N, int64_t K, int64_t G,
                              mggemmDtype dtype, void *stream) {
  return addContext(gradWeight(dy, x, sizes, dw, M, N, K, G, dtype, stream),
                    "mggemmGradWeight");
}

mggemmStatus mggemmScaledGradWeight(const void *dyT, const void *xT,
                                    const float *scaleDY, const float *scaleX,
                                    const int32_t *sizes, void *dw, int64_t M,
                                    int64_t N, int64_t K, int64_t G,
                                    mggemmDtype dtype, void *stream) {
  return addContext(scaledGradWeight(dyT, xT, scaleDY, scaleX, sizes, dw, M, N,
                                     K, G, dtype, stream),
                    "mggemmScaledGradWeight");
}

mggemmStatus mggemmBackward(const void *dy, const void *x, const void *w,
                            const int32_t *sizes, void *dx, void *dw, int64_t M,
                            int64_t N, int64_t K, int64_t G, mggemmDtype dtype,
                            void *stream) {
  return addContext(
      backward(dy, x, w, sizes, dx, dw, M, N, K, G, dtype, stream),
      "mggemmBackward");
}

void mggemmSetCheckedMode(int enabled) {
  checkedMode.store(enabled != 0, std::memory_order_relaxed);
}

mggemmStatus mggemmSetTileConfig(mggemmKind kind,
                                 const mggemmTileConfig *tile) {
  if (kind < MGGEMM_KIND_FORWARD || kind > MGGEMM_KIND_GRAD_WEIGHT)
    return addContext(
        fail(MGGEMM_ERROR_INVALID_VALUE, "unknown kind %d", (int)kind),
        "mggemmSetTileConfig");
  bool known = false;
  for (int dtype = 0; dtype < MGGEMM_DTYPE_COUNT; ++dtype)
    known |= tile && libraryHasKernel(kind, (mggemmDtype)dtype, *tile);
  if (tile && !known)
    return addContext(fail(MGGEMM_ERROR_UNSUPPORTED,
                           "no %s kernel with tile m%dn%dk%ds%d cluster %d "
                           "in the library (TileConfigs.h)",
                           mggemmKindName(kind), tile->m, tile->n, tile->k,
                           tile->stages, (int)mggemmClusterSize(*tile)),
                      "mggemmSetTileConfig");
  MutexLock lock(tileOverrideMutex);
  tileOverridden[kind] = tile != nullptr;
  if (tile)
    tileOverride[kind] = *tile;
  return succeed();
}

int32_t mggemmDeviceSMCount(void) {
  int32_t count = deviceSMCount();
  if (count < 0)
    addContext(MGGEMM_ERROR_NO_DEVICE, "mggemmDeviceSMCount");
  return count;
}

} // extern "C"
