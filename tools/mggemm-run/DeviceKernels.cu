//===- DeviceKernels.cu - data, reference and comparison kernels ----------===//

#include "CudaCheck.h"
#include "DeviceKernels.h"

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_fp8.h>

#include <climits>
#include <cstring>

using namespace mggemm::run;

namespace {

constexpr int kThreads = 256;

// Enough blocks of kThreads to fill any GPU; the kernels stride over the
// rest.
unsigned gridFor(int64_t count) {
  int64_t blocks = (count + kThreads - 1) / kThreads;
  return (unsigned)(blocks < 1 ? 1 : blocks > 8192 ? 8192 : blocks);
}

template <typename T> __device__ float bitsToFloat(uint16_t bits);
template <> __device__ float bitsToFloat<__nv_bfloat16>(uint16_t bits) {
  __nv_bfloat16_raw raw;
  raw.x = bits;
  return __bfloat162float(__nv_bfloat16(raw));
}
template <> __device__ float bitsToFloat<__half>(uint16_t bits) {
  __half_raw raw;
  raw.x = bits;
  return __half2float(__half(raw));
}

/// Element i of an array of T, as float.
template <typename T>
__device__ float loadAsFloat(const void *base, int64_t i) {
  return bitsToFloat<T>(((const uint16_t *)base)[i]);
}
template <>
__device__ float loadAsFloat<__nv_fp8_e4m3>(const void *base, int64_t i) {
  return (float)((const __nv_fp8_e4m3 *)base)[i];
}

template <typename T> __device__ T fromFloat(float value);
template <> __device__ float fromFloat<float>(float value) { return value; }
template <> __device__ __nv_fp8_e4m3 fromFloat<__nv_fp8_e4m3>(float value) {
  return __nv_fp8_e4m3(value); // round to nearest, saturating
}
template <> __device__ __nv_bfloat16 fromFloat<__nv_bfloat16>(float value) {
  return __float2bfloat16_rn(value);
}
template <> __device__ __half fromFloat<__half>(float value) {
  return __float2half_rn(value);
}

__host__ __device__ uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

template <typename T>
__global__ void fillRandomKernel(T *data, int64_t count, float center,
                                 float scale, uint64_t key) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < count;
       i += (int64_t)gridDim.x * blockDim.x) {
    uint64_t h = mix64(key ^ mix64((uint64_t)i + 0x9e3779b97f4a7c15ull));
    float u = (float)(h >> 40) * 0x1.0p-24f; // [0, 1)
    data[i] = fromFloat<T>(center + (2.0f * u - 1.0f) * scale);
  }
}

/// The random key of buffer `stream` of data set `seed`.
uint64_t keyOf(uint64_t seed, uint64_t stream) {
  return mix64(seed * 0x100000001b3ull + stream * 0x9e3779b97f4a7c15ull);
}

__global__ void fill16Kernel(uint16_t *data, int64_t count, uint16_t bits) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < count;
       i += (int64_t)gridDim.x * blockDim.x)
    data[i] = bits;
}

// 64 x 64 outputs per block, 4 x 4 per thread, 16-deep slices of the
// reduction staged through shared memory as fp32.
constexpr int kTile = 64, kSlice = 16;

template <typename T>
__global__ void __launch_bounds__(kThreads)
    referenceKernel(ReferenceProduct p, int64_t rowTiles) {
  __shared__ float as[kSlice][kTile + 1];
  __shared__ float bs[kSlice][kTile + 1];
  const int tx = threadIdx.x % 16, ty = threadIdx.x / 16;
  const int64_t j0 = (int64_t)blockIdx.x * kTile;
  for (int64_t rowTile = blockIdx.y; rowTile < rowTiles; rowTile += gridDim.y) {
    const int64_t i0 = rowTile * kTile;
    float acc[4][4] = {};
    for (int64_t t0 = 0; t0 < p.reduction; t0 += kSlice) {
      for (int e = threadIdx.x; e < kTile * kSlice; e += kThreads) {
        // Walk memory in its contiguous direction, for coalesced loads.
        int ii = p.aRed == 1 ? e / kSlice : e % kTile;
        int tt = p.aRed == 1 ? e % kSlice : e / kTile;
        int64_t i = i0 + ii, t = t0 + tt;
        as[tt][ii] =
            i < p.rows && t < p.reduction
                ? loadAsFloat<T>(p.a, i * p.aRow + t * p.aRed) *
                      (p.aBlockScale
                           ? p.aBlockScale[(t / 128) * p.aBlockStride + i]
                           : 1.0f)
                : 0.0f;
        int jj = p.bRed == 1 ? e / kSlice : e % kTile;
        tt = p.bRed == 1 ? e % kSlice : e / kTile;
        int64_t j = j0 + jj;
        t = t0 + tt;
        bs[tt][jj] =
            j < p.cols && t < p.reduction
                ? loadAsFloat<T>(p.b, j * p.bCol + t * p.bRed) *
                      (p.bBlockScale
                           ? p.bBlockScale[(j / 128) * p.bBlockStride + t / 128]
                           : 1.0f)
                : 0.0f;
      }
      __syncthreads();
#pragma unroll
      for (int tt = 0; tt < kSlice; ++tt) {
        float av[4], bv[4];
#pragma unroll
        for (int r = 0; r < 4; ++r)
          av[r] = as[tt][ty + 16 * r];
#pragma unroll
        for (int c = 0; c < 4; ++c)
          bv[c] = bs[tt][tx + 16 * c];
#pragma unroll
        for (int r = 0; r < 4; ++r)
#pragma unroll
          for (int c = 0; c < 4; ++c)
            acc[r][c] = fmaf(av[r], bv[c], acc[r][c]);
      }
      __syncthreads();
    }
#pragma unroll
    for (int r = 0; r < 4; ++r)
#pragma unroll
      for (int c = 0; c < 4; ++c) {
        int64_t i = i0 + ty + 16 * r, j = j0 + tx + 16 * c;
        if (i < p.rows && j < p.cols)
          p.c[i * p.ldc + j] = acc[r][c] * (p.aScale ? p.aScale[i] : 1.0f) *
                               (p.bScale ? p.bScale[j] : 1.0f);
      }
  }
}

struct DeviceStats {
  double sumSquaredError, sumSquaredReference;
  // (bits of |error|) << 32 | index: the largest is the largest error.
  unsigned long long maxErrorKey;
  unsigned long long poisoned, nonFinite, firstBad;
};

template <typename T>
__global__ void __launch_bounds__(kThreads)
    compareKernel(const uint16_t *out, const float *reference, int64_t count,
                  DeviceStats *stats) {
  double sse = 0, ssr = 0;
  unsigned long long maxKey = 0, poisoned = 0, nonFinite = 0,
                     firstBad = ULLONG_MAX;
  bool anyFinite = false;
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < count;
       i += (int64_t)gridDim.x * blockDim.x) {
    float r = reference[i];
    ssr += (double)r * r;
    uint16_t bits = out[i];
    if (bits == kPoisonBits) {
      ++poisoned;
      firstBad = min(firstBad, (unsigned long long)i);
      continue;
    }
    float o = bitsToFloat<T>(bits);
    if (!isfinite(o)) {
      ++nonFinite;
      firstBad = min(firstBad, (unsigned long long)i);
      continue;
    }
    float d = fabsf(o - r);
    sse += (double)d * d;
    unsigned long long key =
        ((unsigned long long)__float_as_uint(d) << 32) |
        (unsigned long long)(i < 0xffffffffll ? i : 0xffffffffll);
    maxKey = anyFinite ? max(maxKey, key) : key;
    anyFinite = true;
  }
  __shared__ double shared[2][kThreads];
  shared[0][threadIdx.x] = sse;
  shared[1][threadIdx.x] = ssr;
  __syncthreads();
  for (int s = kThreads / 2; s > 0; s /= 2) {
    if (threadIdx.x < s) {
      shared[0][threadIdx.x] += shared[0][threadIdx.x + s];
      shared[1][threadIdx.x] += shared[1][threadIdx.x + s];
    }
    __syncthreads();
  }
  if (threadIdx.x == 0) {
    atomicAdd(&stats->sumSquaredError, shared[0][0]);
    atomicAdd(&stats->sumSquaredReference, shared[1][0]);
  }
  if (anyFinite)
    atomicMax(&stats->maxErrorKey, maxKey);
  if (poisoned)
    atomicAdd(&stats->poisoned, poisoned);
  if (nonFinite)
    atomicAdd(&stats->nonFinite, nonFinite);
  if (firstBad != ULLONG_MAX)
    atomicMin(&stats->firstBad, firstBad);
}

__global__ void countDifferentKernel(const uint16_t *data, int64_t count,
                                     uint16_t bits, uint16_t mask,
                                     unsigned long long *result) {
  unsigned long long different = 0;
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < count;
       i += (int64_t)gridDim.x * blockDim.x)
    different += (data[i] & mask) != bits;
  if (different)
    atomicAdd(result, different);
}

__global__ void countMismatchesKernel(const uint16_t *a, const uint16_t *b,
                                      int64_t count,
                                      unsigned long long *result) {
  unsigned long long different = 0;
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < count;
       i += (int64_t)gridDim.x * blockDim.x)
    different += a[i] != b[i];
  if (different)
    atomicAdd(result, different);
}

} // namespace

void mggemm::run::fillRandom(void *data, int64_t count, mggemmDtype dtype,
                             float scale, uint64_t seed, uint64_t stream,
                             cudaStream_t cudaStream, bool nonNegative) {
  if (count == 0)
    return;
  uint64_t key = keyOf(seed, stream);
  float center = 0.0f;
  if (nonNegative) {
    scale /= 2;
    center = scale;
  }
  switch (dtype) {
  case MGGEMM_DTYPE_BF16:
    fillRandomKernel<<<gridFor(count), kThreads, 0, cudaStream>>>(
        (__nv_bfloat16 *)data, count, center, scale, key);
    break;
  case MGGEMM_DTYPE_F16:
    fillRandomKernel<<<gridFor(count), kThreads, 0, cudaStream>>>(
        (__half *)data, count, center, scale, key);
    break;
  case MGGEMM_DTYPE_E4M3:
  case MGGEMM_DTYPE_E4M3_BLOCK:
  case MGGEMM_DTYPE_E4M3_FAST:
    fillRandomKernel<<<gridFor(count), kThreads, 0, cudaStream>>>(
        (__nv_fp8_e4m3 *)data, count, center, scale, key);
    break;
  }
  CUDA_CHECK(cudaGetLastError());
}

void mggemm::run::fillScales(float *data, int64_t count, float center,
                             uint64_t seed, uint64_t stream,
                             cudaStream_t cudaStream) {
  if (count == 0)
    return;
  uint64_t key = keyOf(seed, stream);
  fillRandomKernel<<<gridFor(count), kThreads, 0, cudaStream>>>(
      data, count, center, 0.5f * center, key);
  CUDA_CHECK(cudaGetLastError());
}

void mggemm::run::fill16(void *data, int64_t count, uint16_t bits,
                         cudaStream_t stream) {
  if (count == 0)
    return;
  fill16Kernel<<<gridFor(count), kThreads, 0, stream>>>((uint16_t *)data, count,
                                                        bits);
  CUDA_CHECK(cudaGetLastError());
}

void mggemm::run::referenceProduct(const ReferenceProduct &p, mggemmDtype dtype,
                                   cudaStream_t stream) {
  if (p.rows == 0 || p.cols == 0)
    return;
  int64_t columnTiles = (p.cols + kTile - 1) / kTile;
  int64_t rowTiles = (p.rows + kTile - 1) / kTile;
  if (columnTiles > INT_MAX) {
    fprintf(stderr, "mggemm-run: reference product too wide\n");
    exit(kExitError);
  }
  dim3 grid((unsigned)columnTiles,
            (unsigned)(rowTiles < 65535 ? rowTiles : 65535));
  switch (dtype) {
  case MGGEMM_DTYPE_BF16:
    referenceKernel<__nv_bfloat16><<<grid, kThreads, 0, stream>>>(p, rowTiles);
    break;
  case MGGEMM_DTYPE_F16:
    referenceKernel<__half><<<grid, kThreads, 0, stream>>>(p, rowTiles);
    break;
  case MGGEMM_DTYPE_E4M3:
  case MGGEMM_DTYPE_E4M3_BLOCK:
  case MGGEMM_DTYPE_E4M3_FAST:
    referenceKernel<__nv_fp8_e4m3><<<grid, kThreads, 0, stream>>>(p, rowTiles);
    break;
  }
  CUDA_CHECK(cudaGetLastError());
}

CompareStats mggemm::run::compare(const void *out, const float *reference,
                                  int64_t count, mggemmDtype dtype,
                                  cudaStream_t stream) {
  CompareStats result = {0, 0, 0, -1, 0, 0, -1};
  if (count == 0)
    return result;
  DeviceStats *stats;
  CUDA_CHECK(cudaMalloc(&stats, sizeof(DeviceStats)));
  DeviceStats initial = {0, 0, 0, 0, 0, ULLONG_MAX};
  CUDA_CHECK(cudaMemcpyAsync(stats, &initial, sizeof(initial),
                             cudaMemcpyHostToDevice, stream));
  // Scaled products are bf16.
  if (dtype != MGGEMM_DTYPE_F16)
    compareKernel<__nv_bfloat16><<<gridFor(count), kThreads, 0, stream>>>(
        (const uint16_t *)out, reference, count, stats);
  else
    compareKernel<__half><<<gridFor(count), kThreads, 0, stream>>>(
        (const uint16_t *)out, reference, count, stats);
  CUDA_CHECK(cudaGetLastError());
  DeviceStats host;
  CUDA_CHECK(cudaMemcpyAsync(&host, stats, sizeof(host), cudaMemcpyDeviceToHost,
                             stream));
  CUDA_CHECK(cudaStreamSynchronize(stream));
  CUDA_CHECK(cudaFree(stats));
  result.sumSquaredError = host.sumSquaredError;
  result.sumSquaredReference = host.sumSquaredReference;
  if (host.poisoned + host.nonFinite < (unsigned long long)count) {
    uint32_t bits = (uint32_t)(host.maxErrorKey >> 32);
    memcpy(&result.maxAbsError, &bits, sizeof(bits));
    result.maxErrorIndex = (int64_t)(host.maxErrorKey & 0xffffffffull);
  }
  result.poisoned = (int64_t)host.poisoned;
  result.nonFinite = (int64_t)host.nonFinite;
  result.firstBadIndex =
      host.firstBad == ULLONG_MAX ? -1 : (int64_t)host.firstBad;
  return result;
}

/// Runs a counting kernel into a fresh device counter and returns the count.
template <typename Launch>
static int64_t countOnDevice(Launch launch, cudaStream_t stream) {
  unsigned long long *result;
  CUDA_CHECK(cudaMalloc(&result, sizeof(*result)));
  CUDA_CHECK(cudaMemsetAsync(result, 0, sizeof(*result), stream));
  launch(result);
  CUDA_CHECK(cudaGetLastError());
  unsigned long long host = 0;
  CUDA_CHECK(cudaMemcpyAsync(&host, result, sizeof(host),
                             cudaMemcpyDeviceToHost, stream));
  CUDA_CHECK(cudaStreamSynchronize(stream));
  CUDA_CHECK(cudaFree(result));
  return (int64_t)host;
}

int64_t mggemm::run::countDifferent(const void *data, int64_t count,
                                    uint16_t bits, uint16_t mask,
                                    cudaStream_t stream) {
  if (count == 0)
    return 0;
  return countOnDevice(
      [&](unsigned long long *result) {
        countDifferentKernel<<<gridFor(count), kThreads, 0, stream>>>(
            (const uint16_t *)data, count, bits, mask, result);
      },
      stream);
}

int64_t mggemm::run::countMismatches(const void *a, const void *b,
                                     int64_t count, cudaStream_t stream) {
  if (count == 0)
    return 0;
  return countOnDevice(
      [&](unsigned long long *result) {
        countMismatchesKernel<<<gridFor(count), kThreads, 0, stream>>>(
            (const uint16_t *)a, (const uint16_t *)b, count, result);
      },
      stream);
}
