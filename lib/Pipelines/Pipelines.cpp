//===- Pipelines.cpp - named mggemm pipelines -----------------------------===//

#include "mggemm/Pipelines/Pipelines.h"
#include "mggemm/Conversion/Passes.h"
#include "mggemm/Dialect/MGGemm/Transforms/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/GPUCommon/GPUCommonPass.h"
#include "mlir/Conversion/GPUToNVVM/GPUToNVVMPass.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/NVGPUToNVVM/NVGPUToNVVM.h"
#include "mlir/Conversion/NVVMToLLVM/NVVMToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::mggemm;

void mlir::mggemm::buildMGGemmToGPUPipeline(
    OpPassManager &pm, const MGGemmPipelineOptions &options) {
  pm.addPass(createMGGemmSelectTileConfig());
  pm.addPass(createMGGemmDecomposeBackward());
  pm.addPass(createCanonicalizerPass());
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  // TMA reads contiguous rows: keep identity layouts at function boundaries.
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  pm.addPass(createConvertMGGemmToGPU());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

void mlir::mggemm::buildMGGemmToNVVMPipeline(
    OpPassManager &pm, const MGGemmPipelineOptions &options) {
  buildMGGemmToGPUPipeline(pm, options);

  // As upstream's gpu-lower-to-nvvm-pipeline, with the tensor-map argument
  // rewrite placed right after the kernels become llvm.func.
  pm.addPass(createConvertNVGPUToNVVMPass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createConvertNVVMToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  GpuNVVMAttachTargetOptions target;
  target.chip = options.chip;
  target.features = options.features;
  target.optLevel = options.optLevel;
  pm.addPass(createGpuNVVMAttachTarget(target));
  pm.addPass(createLowerAffinePass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());

  OpPassManager &kernels = pm.nest<gpu::GPUModuleOp>();
  kernels.addPass(createConvertGpuOpsToNVVMOps());
  kernels.addPass(createMGGemmLowerTensorMapArgs());
  kernels.addPass(createCanonicalizerPass());
  kernels.addPass(createCSEPass());
  kernels.addPass(createReconcileUnrealizedCastsPass());

  pm.addPass(createGpuToLLVMConversionPass());
}

static void addSerialization(OpPassManager &pm, StringRef format,
                             const MGGemmPipelineOptions &options) {
  GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget = format.str();
  binary.toolkitPath = options.toolkit;
  pm.addPass(createGpuModuleToBinaryPass(binary));
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void mlir::mggemm::buildMGGemmToPTXPipeline(
    OpPassManager &pm, const MGGemmPipelineOptions &options) {
  buildMGGemmToNVVMPipeline(pm, options);
  addSerialization(pm, "isa", options);
}

void mlir::mggemm::buildMGGemmToCubinPipeline(
    OpPassManager &pm, const MGGemmPipelineOptions &options) {
  buildMGGemmToNVVMPipeline(pm, options);
  addSerialization(pm, "bin", options);
}

void mlir::mggemm::registerMGGemmPipelines() {
  PassPipelineRegistration<MGGemmPipelineOptions>(
      "mggemm-to-gpu",
      "Bufferize mggemm ops and lower them to sm_90a kernels and launches",
      buildMGGemmToGPUPipeline);
  PassPipelineRegistration<MGGemmPipelineOptions>(
      "mggemm-to-nvvm",
      "Lower mggemm ops all the way to the LLVM and NVVM dialects",
      buildMGGemmToNVVMPipeline);
  PassPipelineRegistration<MGGemmPipelineOptions>(
      "mggemm-to-ptx", "Lower mggemm ops to host LLVM and PTX kernels",
      buildMGGemmToPTXPipeline);
  PassPipelineRegistration<MGGemmPipelineOptions>(
      "mggemm-to-cubin",
      "Lower mggemm ops to host LLVM and sm_90a cubins (needs ptxas)",
      buildMGGemmToCubinPipeline);
}
