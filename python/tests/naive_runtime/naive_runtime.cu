// A naive CUDA implementation of the mggemm C API (mggemm.h), for testing
// the Python package on a GPU before, or independently of, the compiled
// kernels: same entry points, same semantics (groups found on the device
// from `sizes`, rows past the sum untouched, zeros for the dW of an empty
// group, checked mode), plain shared-memory tiles instead of TMA + wgmma.
// Not part of the product; build with ./build.sh and point
// MGGEMM_RUNTIME_LIB at the result.
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>
#include <cstdio>
#include <vector>

#include "mggemm/Runtime/mggemm.h"

namespace {

thread_local char lastError[512] = "";
bool checkedMode = false;

mggemmStatus fail(mggemmStatus status, const char *fmt, long long a = 0,
                  long long b = 0) {
  snprintf(lastError, sizeof lastError, fmt, a, b);
  return status;
}

mggemmStatus cudaFail(cudaError_t err, const char *what) {
  snprintf(lastError, sizeof lastError, "%s: %s", what, cudaGetErrorString(err));
  return MGGEMM_ERROR_CUDA;
}

constexpr int TILE = 32;
constexpr int ROWS = 8; // threads along y; each computes TILE / ROWS outputs

template <typename T> __device__ float load(const T *p, int64_t i);
template <> __device__ float load(const __nv_bfloat16 *p, int64_t i) {
  return __bfloat162float(p[i]);
}
template <> __device__ float load(const __half *p, int64_t i) {
  return __half2float(p[i]);
}
template <typename T> __device__ T store(float v);
template <> __device__ __nv_bfloat16 store(float v) { return __float2bfloat16(v); }
template <> __device__ __half store(float v) { return __float2half(v); }

// offs[0..G]: clamped exclusive prefix sums of sizes (bad sizes never make
// the kernels leave the buffers).
__device__ void groupOffsets(const int32_t *sizes, int G, int M, int *offs) {
  if (threadIdx.x == 0 && threadIdx.y == 0) {
    int at = 0;
    offs[0] = 0;
    for (int g = 0; g < G; ++g) {
      int s = sizes[g] < 0 ? 0 : sizes[g];
      at = (s > M - at) ? M : at + s;
      offs[g + 1] = at;
    }
  }
  __syncthreads();
}

// forward (GRAD_INPUT = false): out[r, c] = sum_k A[r, k] * W[g, c, k]
//   A = X [M, K], R = K, C = N
// grad input (GRAD_INPUT = true): out[r, c] = sum_n A[r, n] * W[g, n, c]
//   A = dY [M, N], R = N, C = K
// A tile of rows may span several groups: for each group, rows of other
// groups are zeroed in the A tile, so one accumulator serves them all.
template <typename T, bool GRAD_INPUT>
__global__ void rowGroupedKernel(const T *A, const T *W, const int32_t *sizes,
                                 T *out, int M, int N, int K, int G) {
  extern __shared__ int offs[];
  __shared__ float As[TILE][TILE + 1];
  __shared__ float Bs[TILE][TILE + 1];
  groupOffsets(sizes, G, M, offs);
  const int R = GRAD_INPUT ? N : K, C = GRAD_INPUT ? K : N;
  const int r0 = blockIdx.y * TILE, c0 = blockIdx.x * TILE;
  const int rowsEnd = offs[G];
  if (r0 >= rowsEnd)
    return;
  const int tx = threadIdx.x, ty = threadIdx.y;
  float acc[TILE / ROWS] = {};
  for (int g = 0; g < G; ++g) {
    int lo = max(offs[g], r0), hi = min(offs[g + 1], r0 + TILE);
    if (lo >= hi)
      continue;
    for (int kk = 0; kk < R; kk += TILE) {
      for (int i = ty; i < TILE; i += ROWS) {
        int r = r0 + i, k = kk + tx;
        As[i][tx] = (r >= lo && r < hi && k < R) ? load(A, (int64_t)r * R + k) : 0.f;
        if (GRAD_INPUT) { // Bs[n][c] = W[g, kk + i, c0 + tx]
          int n = kk + i, c = c0 + tx;
          Bs[i][tx] = (n < R && c < C) ? load(W, ((int64_t)g * N + n) * K + c) : 0.f;
        } else { // Bs[k][c] = W[g, c0 + i, kk + tx]
          int c = c0 + i;
          Bs[tx][i] = (k < R && c < C) ? load(W, ((int64_t)g * N + c) * K + k) : 0.f;
        }
      }
      __syncthreads();
      for (int j = 0; j < TILE; ++j) {
        float b = Bs[j][tx];
        for (int i = 0; i < TILE / ROWS; ++i)
          acc[i] += As[ty + i * ROWS][j] * b;
      }
      __syncthreads();
    }
  }
  for (int i = 0; i < TILE / ROWS; ++i) {
    int r = r0 + ty + i * ROWS, c = c0 + tx;
    if (r < rowsEnd && c < C)
      out[(int64_t)r * C + c] = store<T>(acc[i]);
  }
}

// dW[g, n, k] = sum over rows r of group g of dY[r, n] * X[r, k].
template <typename T>
__global__ void gradWeightKernel(const T *dY, const T *X, const int32_t *sizes,
                                 T *dW, int M, int N, int K, int G) {
  extern __shared__ int offs[];
  __shared__ float As[TILE][TILE + 1]; // [n][r]
  __shared__ float Bs[TILE][TILE + 1]; // [r][k]
  groupOffsets(sizes, G, M, offs);
  const int g = blockIdx.z, n0 = blockIdx.y * TILE, k0 = blockIdx.x * TILE;
  const int tx = threadIdx.x, ty = threadIdx.y;
  const int lo = offs[g], hi = offs[g + 1];
  float acc[TILE / ROWS] = {};
  for (int rr = lo; rr < hi; rr += TILE) {
    for (int j = ty; j < TILE; j += ROWS) {
      int r = rr + j;
      As[tx][j] = (r < hi && n0 + tx < N) ? load(dY, (int64_t)r * N + n0 + tx) : 0.f;
      Bs[j][tx] = (r < hi && k0 + tx < K) ? load(X, (int64_t)r * K + k0 + tx) : 0.f;
    }
    __syncthreads();
    for (int j = 0; j < TILE; ++j) {
      float b = Bs[j][tx];
      for (int i = 0; i < TILE / ROWS; ++i)
        acc[i] += As[ty + i * ROWS][j] * b;
    }
    __syncthreads();
  }
  for (int i = 0; i < TILE / ROWS; ++i) {
    int n = n0 + ty + i * ROWS, k = k0 + tx;
    if (n < N && k < K)
      dW[((int64_t)g * N + n) * K + k] = store<T>(acc[i]);
  }
}

mggemmStatus validate(const void *a, const void *b, const int32_t *sizes,
                      const void *out, int64_t M, int64_t N, int64_t K,
                      int64_t G, mggemmDtype dtype, void *stream) {
  if (dtype != MGGEMM_DTYPE_BF16 && dtype != MGGEMM_DTYPE_F16)
    return fail(MGGEMM_ERROR_INVALID_VALUE, "unknown dtype %lld", dtype);
  if (M < 0 || N <= 0 || K <= 0 || G < 0 || M > INT32_MAX || N > INT32_MAX ||
      K > INT32_MAX || G > 8192)
    return fail(MGGEMM_ERROR_INVALID_VALUE,
                "bad dimensions (M, N, K, G) with M=%lld N=%lld", M, N);
  if (N % 8 || K % 8)
    return fail(MGGEMM_ERROR_INVALID_VALUE,
                "N=%lld and K=%lld must be multiples of 8", N, K);
  if ((M > 0 || G > 0) && (!a || !b || !sizes || !out))
    return fail(MGGEMM_ERROR_INVALID_VALUE, "null pointer");
  if (checkedMode && G > 0) {
    std::vector<int32_t> host(G);
    cudaStream_t s = (cudaStream_t)stream;
    cudaError_t err = cudaMemcpyAsync(host.data(), sizes, G * sizeof(int32_t),
                                      cudaMemcpyDeviceToHost, s);
    if (err == cudaSuccess)
      err = cudaStreamSynchronize(s);
    if (err != cudaSuccess)
      return cudaFail(err, "checked mode: reading sizes");
    long long sum = 0;
    for (int64_t g = 0; g < G; ++g) {
      if (host[g] < 0)
        return fail(MGGEMM_ERROR_BAD_SIZES, "sizes[%lld] = %lld is negative", g,
                    host[g]);
      sum += host[g];
    }
    if (sum != M)
      return fail(MGGEMM_ERROR_BAD_SIZES, "sizes add up to %lld, but M = %lld",
                  sum, M);
  }
  lastError[0] = 0;
  return MGGEMM_SUCCESS;
}

template <typename T>
mggemmStatus launchRows(bool gradInput, const void *a, const void *w,
                        const int32_t *sizes, void *out, int64_t M, int64_t N,
                        int64_t K, int64_t G, void *stream) {
  int C = gradInput ? K : N;
  dim3 grid((C + TILE - 1) / TILE, (M + TILE - 1) / TILE), block(TILE, ROWS);
  size_t shared = (G + 1) * sizeof(int);
  auto kernel = gradInput ? rowGroupedKernel<T, true> : rowGroupedKernel<T, false>;
  kernel<<<grid, block, shared, (cudaStream_t)stream>>>(
      (const T *)a, (const T *)w, sizes, (T *)out, M, N, K, G);
  cudaError_t err = cudaGetLastError();
  return err == cudaSuccess ? MGGEMM_SUCCESS : cudaFail(err, "launch");
}

template <typename T>
mggemmStatus launchWeight(const void *dy, const void *x, const int32_t *sizes,
                          void *dw, int64_t M, int64_t N, int64_t K, int64_t G,
                          void *stream) {
  dim3 grid((K + TILE - 1) / TILE, (N + TILE - 1) / TILE, G), block(TILE, ROWS);
  size_t shared = (G + 1) * sizeof(int);
  gradWeightKernel<T><<<grid, block, shared, (cudaStream_t)stream>>>(
      (const T *)dy, (const T *)x, sizes, (T *)dw, M, N, K, G);
  cudaError_t err = cudaGetLastError();
  return err == cudaSuccess ? MGGEMM_SUCCESS : cudaFail(err, "launch");
}

} // namespace

extern "C" {

const char *mggemmGetLastError(void) { return lastError; }

const char *mggemmStatusString(mggemmStatus status) {
  switch (status) {
  case MGGEMM_SUCCESS: return "success";
  case MGGEMM_ERROR_INVALID_VALUE: return "invalid value";
  case MGGEMM_ERROR_UNSUPPORTED: return "unsupported";
  case MGGEMM_ERROR_NO_DEVICE: return "no device";
  case MGGEMM_ERROR_CUDA: return "CUDA error";
  case MGGEMM_ERROR_BAD_SIZES: return "bad sizes";
  }
  return "unknown status";
}

mggemmStatus mggemmForward(const void *x, const void *w, const int32_t *sizes,
                           void *y, int64_t M, int64_t N, int64_t K, int64_t G,
                           mggemmDtype dtype, void *stream) {
  mggemmStatus st = validate(x, w, sizes, y, M, N, K, G, dtype, stream);
  if (st != MGGEMM_SUCCESS || M == 0 || G == 0)
    return st;
  return dtype == MGGEMM_DTYPE_BF16
             ? launchRows<__nv_bfloat16>(false, x, w, sizes, y, M, N, K, G, stream)
             : launchRows<__half>(false, x, w, sizes, y, M, N, K, G, stream);
}

mggemmStatus mggemmGradInput(const void *dy, const void *w,
                             const int32_t *sizes, void *dx, int64_t M,
                             int64_t N, int64_t K, int64_t G,
                             mggemmDtype dtype, void *stream) {
  mggemmStatus st = validate(dy, w, sizes, dx, M, N, K, G, dtype, stream);
  if (st != MGGEMM_SUCCESS || M == 0 || G == 0)
    return st;
  return dtype == MGGEMM_DTYPE_BF16
             ? launchRows<__nv_bfloat16>(true, dy, w, sizes, dx, M, N, K, G, stream)
             : launchRows<__half>(true, dy, w, sizes, dx, M, N, K, G, stream);
}

mggemmStatus mggemmGradWeight(const void *dy, const void *x,
                              const int32_t *sizes, void *dw, int64_t M,
                              int64_t N, int64_t K, int64_t G,
                              mggemmDtype dtype, void *stream) {
  mggemmStatus st = validate(dy, x, sizes, dw, M, N, K, G, dtype, stream);
  if (st != MGGEMM_SUCCESS || G == 0)
    return st;
  return dtype == MGGEMM_DTYPE_BF16
             ? launchWeight<__nv_bfloat16>(dy, x, sizes, dw, M, N, K, G, stream)
             : launchWeight<__half>(dy, x, sizes, dw, M, N, K, G, stream);
}

mggemmStatus mggemmBackward(const void *dy, const void *x, const void *w,
                            const int32_t *sizes, void *dx, void *dw,
                            int64_t M, int64_t N, int64_t K, int64_t G,
                            mggemmDtype dtype, void *stream) {
  mggemmStatus st = mggemmGradInput(dy, w, sizes, dx, M, N, K, G, dtype, stream);
  if (st != MGGEMM_SUCCESS)
    return st;
  return mggemmGradWeight(dy, x, sizes, dw, M, N, K, G, dtype, stream);
}

void mggemmSetCheckedMode(int enabled) { checkedMode = enabled != 0; }

int32_t mggemmDeviceSMCount(void) {
  int device = 0, count = 0;
  cudaError_t err = cudaGetDevice(&device);
  if (err == cudaSuccess)
    err = cudaDeviceGetAttribute(&count, cudaDevAttrMultiProcessorCount, device);
  if (err != cudaSuccess) {
    cudaFail(err, "mggemmDeviceSMCount");
    return -1;
  }
  return count;
}

mggemmStatus mggemmEncodeTensorMap(void *, mggemmKind, int32_t, mggemmDtype,
                                   int32_t, int32_t, int32_t, const void *,
                                   int64_t, int64_t, int64_t, int64_t) {
  return fail(MGGEMM_ERROR_UNSUPPORTED, "the naive runtime has no tensor maps");
}

} // extern "C"
