//===- MaterializeKernelLibrary.cpp - one function per library kernel -----===//

#include "mggemm/Dialect/MGGemm/Transforms/Passes.h"
#include "mggemm/Runtime/TileConfigs.h"

#include "mlir/IR/BuiltinOps.h"

namespace mlir {
namespace mggemm {
#define GEN_PASS_DEF_MGGEMMMATERIALIZEKERNELLIBRARY
#include "mggemm/Dialect/MGGemm/Transforms/Passes.h.inc"
} // namespace mggemm
} // namespace mlir

using namespace mlir;
using namespace mlir::mggemm;

namespace {
struct MGGemmMaterializeKernelLibraryPass
    : mggemm::impl::MGGemmMaterializeKernelLibraryBase<
          MGGemmMaterializeKernelLibraryPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    Location loc = module.getLoc();
    int64_t dyn = ShapedType::kDynamic;
    for (mggemmDtype dtype : mggemmLibraryDtypes) {
      Type element = dtype == MGGEMM_DTYPE_F16 ? Type(b.getF16Type())
                                               : Type(b.getBF16Type());
      auto matrix = MemRefType::get({dyn, dyn}, element);
      auto stacked = MemRefType::get({dyn, dyn, dyn}, element);
      auto sizes = MemRefType::get({dyn}, b.getI32Type());
      for (const mggemmLibraryEntry &entry : mggemmLibraryEntries) {
        // Operand types in order (lhs, rhs, sizes, out) per kind.
        SmallVector<Type> types;
        switch (entry.kind) {
        case MGGEMM_KIND_FORWARD:    // X, W, sizes, Y
        case MGGEMM_KIND_GRAD_INPUT: // dY, W, sizes, dX
          types = {matrix, stacked, sizes, matrix};
          break;
        case MGGEMM_KIND_GRAD_WEIGHT: // dY, X, sizes, dW
          types = {matrix, matrix, sizes, stacked};
          break;
        }
        char name[128];
        mggemmKernelName(name, sizeof(name), entry.kind, dtype, entry.tile);
        auto func = func::FuncOp::create(b, loc, std::string(name) + "_entry",
                                         b.getFunctionType(types, {}));
        OpBuilder body = OpBuilder::atBlockBegin(func.addEntryBlock());
        ValueRange args = func.getArguments();
        auto tile = TileConfigAttr::get(ctx, entry.tile.m, entry.tile.n,
                                        entry.tile.k, entry.tile.stages,
                                        mggemmClusterSize(entry.tile), 1);
        switch (entry.kind) {
        case MGGEMM_KIND_FORWARD:
          GroupedMatmulOp::create(body, loc, args[0], args[1], args[2], args[3],
                                  tile);
          break;
        case MGGEMM_KIND_GRAD_INPUT:
          GroupedMatmulGradInputOp::create(body, loc, args[0], args[1], args[2],
                                           args[3], tile);
          break;
        case MGGEMM_KIND_GRAD_WEIGHT:
          GroupedMatmulGradWeightOp::create(body, loc, args[0], args[1],
                                            args[2], args[3], tile);
          break;
        }
        func::ReturnOp::create(body, loc);
      }
    }
  }
};
} // namespace
