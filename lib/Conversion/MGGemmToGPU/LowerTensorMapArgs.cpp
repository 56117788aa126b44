//===- LowerTensorMapArgs.cpp - by-value tensor maps as grid constants ----===//
//
// The host hands a kernel its TMA tensor maps as 128-byte parameters. The
// kernel must not copy them (TMA reads a map from param, const or global
// space, never from local memory), so each becomes a `byval` pointer marked
// `nvvm.grid_constant`: NVPTX then takes its address in the parameter space.
//
//===----------------------------------------------------------------------===//

#include "mggemm/Conversion/Passes.h"
#include "mggemm/Runtime/KernelABI.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/IR/BuiltinOps.h"

namespace mlir {
namespace mggemm {
#define GEN_PASS_DEF_MGGEMMLOWERTENSORMAPARGS
#include "mggemm/Conversion/Passes.h.inc"
} // namespace mggemm
} // namespace mlir

using namespace mlir;

namespace {

bool isTensorMapType(Type type) {
  auto array = dyn_cast<LLVM::LLVMArrayType>(type);
  return array && array.getElementType().isInteger(64) &&
         array.getNumElements() == MGGEMM_TENSOR_MAP_BYTES / 8;
}

/// Rewrites argument `index` of `func` if every use takes its address.
LogicalResult lowerArgument(LLVM::LLVMFuncOp func, unsigned index) {
  BlockArgument arg = func.getArgument(index);
  MLIRContext *ctx = func.getContext();
  auto ptrType = LLVM::LLVMPointerType::get(ctx);
  SmallVector<UnrealizedConversionCastOp> casts;
  for (Operation *user : arg.getUsers()) {
    auto cast = dyn_cast<UnrealizedConversionCastOp>(user);
    if (!cast || cast->getNumResults() != 1 ||
        cast.getResult(0).getType() != ptrType)
      return user->emitError("tensor-map kernel argument #")
             << index << " may only be used through its address";
    casts.push_back(cast);
  }
  Type mapType = arg.getType();
  arg.setType(ptrType);
  for (UnrealizedConversionCastOp cast : casts) {
    cast.getResult(0).replaceAllUsesWith(arg);
    cast->erase();
  }
  func.setArgAttr(index, LLVM::LLVMDialect::getByValAttrName(),
                  TypeAttr::get(mapType));
  func.setArgAttr(index, LLVM::LLVMDialect::getAlignAttrName(),
                  IntegerAttr::get(IntegerType::get(ctx, 64), 64));
  func.setArgAttr(index, NVVM::NVVMDialect::getGridConstantAttrName(),
                  UnitAttr::get(ctx));
  return success();
}

struct MGGemmLowerTensorMapArgsPass
    : mggemm::impl::MGGemmLowerTensorMapArgsBase<
          MGGemmLowerTensorMapArgsPass> {
  void runOnOperation() override {
    WalkResult result = getOperation().walk([](LLVM::LLVMFuncOp func) {
      if (!func->hasAttr(NVVM::NVVMDialect::getKernelFuncAttrName()) ||
          func.isExternal())
        return WalkResult::advance();
      SmallVector<Type> inputs;
      for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i) {
        if (isTensorMapType(func.getArgument(i).getType()) &&
            failed(lowerArgument(func, i)))
          return WalkResult::interrupt();
        inputs.push_back(func.getArgument(i).getType());
      }
      auto type = func.getFunctionType();
      func.setFunctionType(LLVM::LLVMFunctionType::get(
          type.getReturnType(), inputs, type.isVarArg()));
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
