//===- Passes.td - mggemm conversion passes ----------------*- tablegen -*-===//

#ifndef MGGEMM_CONVERSION_PASSES_TD
#define MGGEMM_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertMGGemmToGPU : Pass<"convert-mggemm-to-gpu", "::mlir::ModuleOp"> {
  let summary = "Lower memref-form grouped GEMM ops to a persistent sm_90a "
                "kernel and its host launch";
  let description = [{
    For every memref-form `mggemm.grouped_matmul`,
    `mggemm.grouped_matmul_grad_input` and `mggemm.grouped_matmul_grad_weight`
    this pass builds (once per kind, element type and tile configuration) a
    kernel in `gpu.module @mggemm_kernels` and replaces the op by its launch:

    - the kernel is persistent (one CTA per SM) and walks every
      (group, m-tile, n-tile) tile; group offsets come from the device-side
      `sizes` at run time, with no host synchronisation;
    - a producer warpgroup issues TMA loads (`cp.async.bulk.tensor`) into a
      ring of shared-memory stages guarded by mbarriers; one or two consumer
      warpgroups run `wgmma.mma_async` on them with shared-memory descriptors
      built here (transposed operands for the gradients);
    - the epilogue converts the f32 accumulators and stores only the rows of
      the tile's own group.

    On the host, tensor maps are encoded by the runtime
    (`mggemmEncodeTensorMap`) and passed by value; the grid is
    `mggemmDeviceSMCount()` CTAs. Ops must have a `tile_config` (run
    `mggemm-select-tile-config` first) and contiguous row-major memrefs.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::cf::ControlFlowDialect",
    "::mlir::func::FuncDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::NVVM::NVVMDialect",
    "::mlir::scf::SCFDialect",
  ];
}

def MGGemmLowerTensorMapArgs : Pass<"mggemm-lower-tensor-map-args",
                                    "::mlir::gpu::GPUModuleOp"> {
  let summary = "Turn by-value tensor-map kernel arguments into grid "
                "constants";
  let description = [{
    Kernels built by `convert-mggemm-to-gpu` take each TMA tensor map as a
    128-byte `!llvm.array<16 x i64>` by value, which is what the host's
    `cuLaunchKernel` hands over. TMA needs the map's address, so the kernel
    reads it through `builtin.unrealized_conversion_cast` to `!llvm.ptr`.
    After `convert-gpu-to-nvvm`, this pass rewrites such arguments of every
    `llvm.func` kernel into `!llvm.ptr {llvm.byval, nvvm.grid_constant}`
    parameters (their address is taken in the parameter space, no copy) and
    replaces the casts with the pointer.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect",
                           "::mlir::NVVM::NVVMDialect"];
}

#endif // MGGEMM_CONVERSION_PASSES_TD
