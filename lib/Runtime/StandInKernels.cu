//===- StandInKernels.cu - simple kernels with the library's ABI ----------===//
//
// A stand-in for the kernel library that mggemm-opt compiles: one kernel per
// entry of TileConfigs.h's table (tile m128 n256 k64) and dtype, with the
// names, parameters, launch shape and tensor maps of KernelABI.h, but simple
// code: one thread issues the TMA loads of one stage (through the runtime's
// own tensor maps, boxes and 128-byte swizzle), and 256 threads accumulate
// with scalar fp32 FMAs. It is slow; its purpose is to let the runtime and
// mggemm-run be tested on a GPU before, and independently of, the real
// kernels: if mggemm-run passes with these, the runtime's launch, parameter
// packing and tensor maps are right, and a failure with the real library is
// the real library's.
//
// Built only with -DMGGEMM_STAND_IN_KERNELS=ON; the cubin then defines the
// object `mggemm_stand_in_kernel_library`, by which mggemm-run tells it
// apart.
//
//===----------------------------------------------------------------------===//

#include "mggemm/Runtime/KernelABI.h"

#include <cuda.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <cstdint>

extern "C" __device__ int mggemm_stand_in_kernel_library = 1;

namespace {

// The tile of every entry of TileConfigs.h's table today.
constexpr int kTileM = 128, kTileN = 256, kTileK = 64;
constexpr int kThreads = 384;        // mggemmThreadsPerCta({128, ...})
constexpr int kComputeThreads = 256; // one output column each
constexpr int kRowsPerPass = 32;     // accumulators per thread
constexpr int kRowBytes = 128;       // one swizzled shared-memory row
constexpr int kBoxRows64Bytes = 64 * kRowBytes;
// One stage: A (128 rows of 64 elements) then B (256 rows of 64 elements),
// as KernelABI.h lays it out.
constexpr int kStageABytes = kTileM * kTileK * 2;
constexpr int kStageBBytes = kTileN * kTileK * 2;

enum class Kind { Forward, GradInput, GradWeight };

__device__ uint32_t sharedAddress(const void *p) {
  return (uint32_t)__cvta_generic_to_shared(p);
}

__device__ void barrierInit(uint64_t *barrier) {
  asm volatile(
      "mbarrier.init.shared::cta.b64 [%0], 1;" ::"r"(sharedAddress(barrier))
      : "memory");
  asm volatile("fence.mbarrier_init.release.cluster;" ::: "memory");
}

__device__ void barrierExpectBytes(uint64_t *barrier, uint32_t bytes) {
  asm volatile("mbarrier.arrive.expect_tx.shared::cta.b64 _, [%0], %1;" ::"r"(
                   sharedAddress(barrier)),
               "r"(bytes)
               : "memory");
}

__device__ void barrierWait(uint64_t *barrier, uint32_t phase) {
  uint32_t done = 0;
  while (!done)
    asm volatile("{\n"
                 ".reg .pred ready;\n"
                 "mbarrier.try_wait.parity.shared::cta.b64 ready, [%1], %2;\n"
                 "selp.u32 %0, 1, 0, ready;\n"
                 "}\n"
                 : "=r"(done)
                 : "r"(sharedAddress(barrier)), "r"(phase)
                 : "memory");
}

__device__ void load2d(void *destination, const CUtensorMap *map, int c0,
                       int c1, uint64_t *barrier) {
  asm volatile("cp.async.bulk.tensor.2d.shared::cluster.global.mbarrier::"
               "complete_tx::bytes [%0], [%1, {%2, %3}], [%4];" ::"r"(
                   sharedAddress(destination)),
               "l"((uint64_t)map), "r"(c0), "r"(c1), "r"(sharedAddress(barrier))
               : "memory");
}

__device__ void load3d(void *destination, const CUtensorMap *map, int c0,
                       int c1, int c2, uint64_t *barrier) {
  asm volatile("cp.async.bulk.tensor.3d.shared::cluster.global.mbarrier::"
               "complete_tx::bytes [%0], [%1, {%2, %3, %4}], [%5];" ::"r"(
                   sharedAddress(destination)),
               "l"((uint64_t)map), "r"(c0), "r"(c1), "r"(c2),
               "r"(sharedAddress(barrier))
               : "memory");
}

/// Element `column` of row `row` of a box that TMA wrote with 128-byte
/// swizzling into 1024-byte aligned shared memory: the 16-byte chunk index
/// is XORed with the row index modulo 8.
template <typename T>
__device__ float swizzled(const unsigned char *box, int row, int column) {
  int chunk = (column / 8) ^ (row % 8);
  const T *p = (const T *)(box + row * kRowBytes + chunk * 16) + column % 8;
  return (float)*p;
}

struct Group {
  int begin, rows; // rows clamped so that bad sizes stay inside [0, M)
};

/// Group g's rows, from the sizes (clamped: negative sizes count as 0, and
/// no group reaches past M).
__device__ Group groupAt(const int *sizes, int g, int M, int &offset) {
  int size = max(sizes[g], 0);
  Group group = {offset, max(0, min(size, M - offset))};
  offset += group.rows;
  return group;
}

template <Kind kind, typename T>
__device__ void standIn(const CUtensorMap *a, const CUtensorMap *b, T *out,
                        const int *sizes, int M, int N, int K, int G) {
  extern __shared__ unsigned char dynamicShared[];
  unsigned char *stage =
      (unsigned char *)(((uintptr_t)dynamicShared + 1023) & ~(uintptr_t)1023);
  unsigned char *stageA = stage, *stageB = stage + kStageABytes;
  uint64_t *barrier = (uint64_t *)(stageB + kStageBBytes);
  const int tid = threadIdx.x;
  if (tid == 0)
    barrierInit(barrier);
  __syncthreads();
  uint32_t phase = 0;

  // The output tile grid: rows x columns of each group (forward and
  // grad_input: the group's rows x N or K; grad_weight: N x K per group).
  const int outColumns = kind == Kind::Forward ? N : K;
  const int columnTiles = (outColumns + kTileN - 1) / kTileN;
  const int weightRowTiles = (N + kTileM - 1) / kTileM;

  // Count the tiles, then walk them persistently.
  long long tiles = 0;
  {
    int offset = 0;
    for (int g = 0; g < G; ++g) {
      Group group = groupAt(sizes, g, M, offset);
      int rowTiles = kind == Kind::GradWeight
                         ? weightRowTiles
                         : (group.rows + kTileM - 1) / kTileM;
      tiles += (long long)rowTiles * columnTiles;
    }
  }
  for (long long tile = blockIdx.x; tile < tiles; tile += gridDim.x) {
    // Find the tile's group.
    long long first = 0;
    int offset = 0, g = 0;
    Group group = {0, 0};
    int rowTiles = 0;
    for (; g < G; ++g) {
      group = groupAt(sizes, g, M, offset);
      rowTiles = kind == Kind::GradWeight ? weightRowTiles
                                          : (group.rows + kTileM - 1) / kTileM;
      long long count = (long long)rowTiles * columnTiles;
      if (tile < first + count)
        break;
      first += count;
    }
    const int local = (int)(tile - first);
    const int rowTile = local / columnTiles, columnTile = local % columnTiles;
    const int row0 = rowTile * kTileM, column0 = columnTile * kTileN;
    // Reduction length and step.
    const int reduction = kind == Kind::Forward     ? K
                          : kind == Kind::GradInput ? N
                                                    : group.rows;

    for (int pass = 0; pass < kTileM / kRowsPerPass; ++pass) {
      float acc[kRowsPerPass];
#pragma unroll
      for (int i = 0; i < kRowsPerPass; ++i)
        acc[i] = 0.0f;
      for (int t0 = 0; t0 < reduction; t0 += kTileK) {
        if (tid == 0) {
          barrierExpectBytes(barrier, kStageABytes + kStageBBytes);
          if (kind == Kind::Forward) {
            load2d(stageA, a, t0, group.begin + row0, barrier);
            load3d(stageB, b, t0, column0, g, barrier);
          } else if (kind == Kind::GradInput) {
            load2d(stageA, a, t0, group.begin + row0, barrier);
            for (int j = 0; j < kTileN / 64; ++j)
              load3d(stageB + j * kBoxRows64Bytes, b, column0 + 64 * j, t0, g,
                     barrier);
          } else {
            for (int i = 0; i < kTileM / 64; ++i)
              load2d(stageA + i * kBoxRows64Bytes, a, row0 + 64 * i,
                     group.begin + t0, barrier);
            for (int j = 0; j < kTileN / 64; ++j)
              load2d(stageB + j * kBoxRows64Bytes, b, column0 + 64 * j,
                     group.begin + t0, barrier);
          }
        }
        barrierWait(barrier, phase);
        phase ^= 1;
        if (tid < kComputeThreads) {
          const int c = tid;
          // grad_weight reduces over the group's rows only: the rows of the
          // next group that the box brought in must not count.
          const int steps =
              kind == Kind::GradWeight ? min(kTileK, reduction - t0) : kTileK;
          for (int t = 0; t < steps; ++t) {
            float bv;
            if (kind == Kind::Forward)
              bv = swizzled<T>(stageB, c, t);
            else
              bv = swizzled<T>(stageB + (c / 64) * kBoxRows64Bytes, t, c % 64);
#pragma unroll
            for (int i = 0; i < kRowsPerPass; ++i) {
              const int r = pass * kRowsPerPass + i;
              float av = kind == Kind::GradWeight
                             ? swizzled<T>(stageA + (r / 64) * kBoxRows64Bytes,
                                           t, r % 64)
                             : swizzled<T>(stageA, r, t);
              acc[i] = fmaf(av, bv, acc[i]);
            }
          }
        }
        // Everyone is done reading the stage before it is loaded again.
        __syncthreads();
      }
      if (tid < kComputeThreads) {
        const int column = column0 + tid;
#pragma unroll
        for (int i = 0; i < kRowsPerPass; ++i) {
          const int r = row0 + pass * kRowsPerPass + i;
          if (kind == Kind::GradWeight) {
            if (r < N && column < K)
              out[((long long)g * N + r) * K + column] = (T)acc[i];
          } else if (r < group.rows && column < outColumns) {
            // Rows past the group's end belong to the next group: masked.
            out[(long long)(group.begin + r) * outColumns + column] = (T)acc[i];
          }
        }
      }
    }
  }
}

} // namespace

#define MGGEMM_STAND_IN(name, kind, T)                                         \
  extern "C" __global__ void __launch_bounds__(kThreads, 1)                    \
      name(const __grid_constant__ CUtensorMap a,                              \
           const __grid_constant__ CUtensorMap b, T *out, const int *sizes,    \
           int M, int N, int K, int G) {                                       \
    standIn<kind, T>(&a, &b, out, sizes, M, N, K, G);                          \
  }

MGGEMM_STAND_IN(mggemm_forward_bf16_m128n256k64s4, Kind::Forward, __nv_bfloat16)
MGGEMM_STAND_IN(mggemm_grad_input_bf16_m128n256k64s4, Kind::GradInput,
                __nv_bfloat16)
MGGEMM_STAND_IN(mggemm_grad_weight_bf16_m128n256k64s4, Kind::GradWeight,
                __nv_bfloat16)
MGGEMM_STAND_IN(mggemm_forward_f16_m128n256k64s4, Kind::Forward, __half)
MGGEMM_STAND_IN(mggemm_grad_input_f16_m128n256k64s4, Kind::GradInput, __half)
MGGEMM_STAND_IN(mggemm_grad_weight_f16_m128n256k64s4, Kind::GradWeight, __half)
