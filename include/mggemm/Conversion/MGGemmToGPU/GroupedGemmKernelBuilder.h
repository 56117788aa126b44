//===- GroupedGemmKernelBuilder.h - builds the sm_90a kernel -----*- C++ -*-===//
//
// One builder for every grouped-GEMM kernel: the kind (forward, grad_input,
// grad_weight), the element type and the tile configuration select what it
// emits. The kernel's parameters, tensor maps and shared memory follow
// mggemm/Runtime/KernelABI.h.
//
//===----------------------------------------------------------------------===//

#ifndef MGGEMM_CONVERSION_MGGEMMTOGPU_GROUPEDGEMMKERNELBUILDER_H
#define MGGEMM_CONVERSION_MGGEMMTOGPU_GROUPEDGEMMKERNELBUILDER_H

#include "mggemm/Runtime/KernelABI.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/Builders.h"

#include <string>

namespace mlir {
namespace mggemm {

struct GroupedGemmKernelSpec {
  mggemmKind kind;
  mggemmDtype dtype;
  mggemmTileConfig tile;

  std::string getKernelName() const;
  int64_t getElementBytes() const { return mggemmElementBytes(dtype); }
  int64_t getNumThreads() const { return mggemmThreadsPerCta(tile); }
  int64_t getSharedMemoryBytes() const {
    return mggemmSharedMemoryBytes(tile, getElementBytes());
  }
  /// Whether a group's last m-tile, when its m-tiles are odd in number,
  /// runs on a cluster of two as two tiles side by side along n that share
  /// A, instead of beside an m-tile past the group that would only idle:
  /// forward and grad_input kernels on clusters of two (TileScheduler.h).
  bool pairsLastMTileAlongN() const {
    return mggemmClusterSize(tile) == 2 && kind != MGGEMM_KIND_GRAD_WEIGHT;
  }
};

/// Builds the kernel described by `spec` into `module` (which must not hold
/// it yet) and returns it.
gpu::GPUFuncOp buildGroupedGemmKernel(OpBuilder &builder, Location loc,
                                      gpu::GPUModuleOp module,
                                      const GroupedGemmKernelSpec &spec);

} // namespace mggemm
} // namespace mlir

#endif // MGGEMM_CONVERSION_MGGEMMTOGPU_GROUPEDGEMMKERNELBUILDER_H
