//===- mggemm-translate.cpp - export compiled kernels ---------------------===//
//
// mlir-translate with one extra translation, --mggemm-export-kernel-binary:
// it writes the object of the module's gpu.binary (a cubin or PTX, as the
// pipeline produced it) to the output, byte for byte, for the runtime to
// embed or for cuobjdump to read.
//
//===----------------------------------------------------------------------===//

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllTranslations.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "mlir/Tools/mlir-translate/Translation.h"

using namespace mlir;

static LogicalResult exportKernelBinary(Operation *op, raw_ostream &output) {
  SmallVector<gpu::BinaryOp> binaries;
  op->walk([&](gpu::BinaryOp binary) { binaries.push_back(binary); });
  if (binaries.size() != 1)
    return op->emitError("expected exactly one gpu.binary (run the "
                         "mggemm-to-cubin or mggemm-to-ptx pipeline first), "
                         "found ")
           << binaries.size();
  ArrayAttr objects = binaries.front().getObjects();
  if (objects.size() != 1)
    return binaries.front().emitError("expected one object, found ")
           << objects.size();
  auto object = cast<gpu::ObjectAttr>(objects[0]);
  output << object.getObject().getValue();
  return success();
}

int main(int argc, char **argv) {
  registerAllTranslations();
  TranslateFromMLIRRegistration exportBinary(
      "mggemm-export-kernel-binary",
      "write the object of the module's gpu.binary to the output",
      exportKernelBinary, [](DialectRegistry &registry) {
        registerAllDialects(registry);
        registerAllToLLVMIRTranslations(registry);
      });
  return failed(mlirTranslateMain(argc, argv, "mggemm translation driver"));
}
