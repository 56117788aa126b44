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
    auto sizes = MemRefType::get({dyn}, b.getI32Type());
    // Scales of A and B, row-wise and block-wise.
    auto f32 = b.getF32Type();
    std::pair<Type, Type> rowScales = {MemRefType::get({dyn}, f32),
                                       MemRefType::get({dyn, dyn}, f32)};
    std::pair<Type, Type> blockScales = {MemRefType::get({dyn, dyn}, f32),
                                         MemRefType::get({dyn, dyn, dyn}, f32)};
    for (const mggemmLibraryEntry &entry : mggemmLibraryEntries) {
      Type element = getElementType(ctx, entry.dtype);
      auto matrix = MemRefType::get({dyn, dyn}, element);
      auto stacked = MemRefType::get({dyn, dyn, dyn}, element);
      // Scaled products are bf16.
      Type outElement =
          mggemmDtypeIsScaled(entry.dtype) ? Type(b.getBF16Type()) : element;
      auto outMatrix = MemRefType::get({dyn, dyn}, outElement);
      // Operand types in order (lhs, rhs, [scales,] sizes, out) per kind.
      SmallVector<Type> types;
      switch (entry.kind) {
      case MGGEMM_KIND_FORWARD:    // X, W, [sX, sW,] sizes, Y
      case MGGEMM_KIND_GRAD_INPUT: // dY, W, sizes, dX
        types = {matrix, stacked};
        if (mggemmDtypeIsScaled(entry.dtype)) {
          auto [scaleA, scaleB] =
              entry.dtype == MGGEMM_DTYPE_E4M3_BLOCK ? blockScales : rowScales;
          types.append({scaleA, scaleB});
        }
        types.append({sizes, outMatrix});
        break;
      case MGGEMM_KIND_GRAD_WEIGHT: // dY, X, sizes, dW; fp8: dYᵀ, Xᵀ, scales
        types = {matrix, matrix};
        if (mggemmDtypeIsScaled(entry.dtype))
          types.append({MemRefType::get({dyn, dyn}, f32),
                        MemRefType::get({dyn, dyn}, f32)});
        types.append({sizes, MemRefType::get({dyn, dyn, dyn}, outElement)});
        break;
      }
      char name[128];
      mggemmKernelName(name, sizeof(name), entry.kind, entry.dtype, entry.tile);
      auto func = func::FuncOp::create(b, loc, std::string(name) + "_entry",
                                       b.getFunctionType(types, {}));
      OpBuilder body = OpBuilder::atBlockBegin(func.addEntryBlock());
      ValueRange args = func.getArguments();
      auto tile = TileConfigAttr::get(ctx, entry.tile.m, entry.tile.n,
                                      entry.tile.k, entry.tile.stages,
                                      mggemmClusterSize(entry.tile), 1);
      switch (entry.kind) {
      case MGGEMM_KIND_FORWARD:
        if (mggemmDtypeIsScaled(entry.dtype))
          ScaledGroupedMatmulOp::create(body, loc, args[0], args[1], args[2],
                                        args[3], args[4], args[5], tile,
                                        entry.dtype == MGGEMM_DTYPE_E4M3_FAST);
        else
          GroupedMatmulOp::create(body, loc, args[0], args[1], args[2], args[3],
                                  tile);
        break;
      case MGGEMM_KIND_GRAD_INPUT:
        GroupedMatmulGradInputOp::create(body, loc, args[0], args[1], args[2],
                                         args[3], tile);
        break;
      case MGGEMM_KIND_GRAD_WEIGHT:
        if (mggemmDtypeIsScaled(entry.dtype))
          ScaledGroupedMatmulGradWeightOp::create(
              body, loc, args[0], args[1], args[2], args[3], args[4], args[5],
              tile, entry.dtype == MGGEMM_DTYPE_E4M3_FAST);
        else
          GroupedMatmulGradWeightOp::create(body, loc, args[0], args[1],
                                            args[2], args[3], tile);
        break;
      }
      func::ReturnOp::create(body, loc);
    }
  }
};
} // namespace
