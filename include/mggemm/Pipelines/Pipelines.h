//===- Pipelines.h - named mggemm pipelines ----------------------*- C++ -*-===//
//
// One function per pipeline, so that an embedding compiler calls one thing,
// and the same pipelines registered for mggemm-opt:
//
//   mggemm-to-gpu    tile configs, decomposition, bufferization, kernels and
//                    launches (gpu + nvvm + scf + arith + llvm)
//   mggemm-to-nvvm   ... and everything lowered to the LLVM and NVVM dialects
//   mggemm-to-ptx    ... and the kernels serialised to PTX (gpu.binary)
//   mggemm-to-cubin  ... and the kernels assembled to sm_90a cubins by ptxas
//
//===----------------------------------------------------------------------===//

#ifndef MGGEMM_PIPELINES_PIPELINES_H
#define MGGEMM_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassOptions.h"

#include <string>

namespace mlir {
class OpPassManager;
namespace mggemm {

struct MGGemmPipelineOptions
    : public PassPipelineOptions<MGGemmPipelineOptions> {
  PassOptions::Option<std::string> chip{
      *this, "chip", llvm::cl::desc("GPU architecture (wgmma needs sm_90a)"),
      llvm::cl::init("sm_90a")};
  PassOptions::Option<std::string> features{
      *this, "features", llvm::cl::desc("PTX ISA version feature"),
      llvm::cl::init("+ptx86")};
  PassOptions::Option<unsigned> optLevel{
      *this, "opt-level", llvm::cl::desc("LLVM optimisation level"),
      llvm::cl::init(3)};
  PassOptions::Option<std::string> toolkit{
      *this, "toolkit",
      llvm::cl::desc("CUDA toolkit whose ptxas assembles cubins"),
      llvm::cl::init("/usr/local/cuda")};
};

void buildMGGemmToGPUPipeline(OpPassManager &pm,
                              const MGGemmPipelineOptions &options);
void buildMGGemmToNVVMPipeline(OpPassManager &pm,
                               const MGGemmPipelineOptions &options);
void buildMGGemmToPTXPipeline(OpPassManager &pm,
                              const MGGemmPipelineOptions &options);
void buildMGGemmToCubinPipeline(OpPassManager &pm,
                                const MGGemmPipelineOptions &options);

/// Registers the four pipelines with the pass registry.
void registerMGGemmPipelines();

} // namespace mggemm
} // namespace mlir

#endif // MGGEMM_PIPELINES_PIPELINES_H
