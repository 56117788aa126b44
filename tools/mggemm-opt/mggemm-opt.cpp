//===- mggemm-opt.cpp - the mggemm optimizer driver -----------------------===//
//
// mlir-opt with every upstream dialect, pass and LLVM IR translation, plus
// the mggemm dialect, its passes and pipelines.
//
//===----------------------------------------------------------------------===//

#include "mggemm/Conversion/Passes.h"
#include "mggemm/Dialect/MGGemm/IR/MGGemmOps.h"
#include "mggemm/Dialect/MGGemm/Transforms/BufferizableOpInterfaceImpl.h"
#include "mggemm/Dialect/MGGemm/Transforms/Passes.h"
#include "mggemm/Pipelines/Pipelines.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  mlir::mggemm::registerMGGemmPasses();
  mlir::mggemm::registerMGGemmConversionPasses();
  mlir::mggemm::registerMGGemmPipelines();

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::registerAllToLLVMIRTranslations(registry);
  registry.insert<mlir::mggemm::MGGemmDialect>();
  mlir::mggemm::registerBufferizableOpInterfaceExternalModels(registry);

  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "mggemm optimizer driver\n", registry));
}
