//===- SelectTileConfig.cpp - attach default tile configurations ----------===//

#include "mggemm/Dialect/MGGemm/Transforms/Passes.h"
#include "mggemm/Runtime/TileConfigs.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/TypeUtilities.h"

namespace mlir {
namespace mggemm {
#define GEN_PASS_DEF_MGGEMMSELECTTILECONFIG
#include "mggemm/Dialect/MGGemm/Transforms/Passes.h.inc"
} // namespace mggemm
} // namespace mlir

using namespace mlir;
using namespace mlir::mggemm;

namespace {
/// The configuration the table holds for a product of `kind` on `dtype`
/// whose A operand has type `lhsType` and whose destination has type
/// `initType`.
TileConfigAttr chooseFor(MLIRContext *context, GemmKind kind, mggemmDtype dtype,
                         Type lhsType, Type initType) {
  auto lhs = cast<ShapedType>(lhsType);
  auto out = cast<ShapedType>(initType);
  auto orUnknown = [](int64_t size) {
    return ShapedType::isDynamic(size) ? int64_t(-1) : size;
  };
  // N and K: forward reads them off Y [M, N] and X [M, K]; grad_input off
  // dY [M, N] and dX [M, K]; grad_weight off dW [G, N, K].
  int64_t n, k;
  switch (kind) {
  case GemmKind::forward:
    n = orUnknown(out.getDimSize(1));
    k = orUnknown(lhs.getDimSize(1));
    break;
  case GemmKind::grad_input:
    n = orUnknown(lhs.getDimSize(1));
    k = orUnknown(out.getDimSize(1));
    break;
  case GemmKind::grad_weight:
    n = orUnknown(out.getDimSize(1));
    k = orUnknown(out.getDimSize(2));
    break;
  }
  // Rows per group are data (the sizes live on the device): unknown here.
  mggemmTileConfig tile = mggemmSelectTileConfig(
      static_cast<mggemmKind>(kind), dtype, n, k, /*rowsPerGroup=*/-1);
  return TileConfigAttr::get(context, tile.m, tile.n, tile.k, tile.stages,
                             /*cluster_m=*/mggemmClusterSize(tile),
                             /*cluster_n=*/1);
}

struct MGGemmSelectTileConfigPass
    : mggemm::impl::MGGemmSelectTileConfigBase<MGGemmSelectTileConfigPass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    getOperation()->walk([&](Operation *op) {
      if (auto single = dyn_cast<GroupedGemmOpInterface>(op)) {
        if (!single.getTileConfigAttr())
          op->setAttr("tile_config",
                      chooseFor(context, single.getGemmKind(),
                                single.getDtype(), single.getLhs().getType(),
                                single.getInit().getType()));
        return;
      }
      auto backward = dyn_cast<GroupedMatmulBackwardOp>(op);
      if (!backward)
        return;
      Type gradOutput = backward.getGradOutput().getType();
      mggemmDtype dtype = getDtype(getElementTypeOrSelf(gradOutput));
      if (!backward.getGradInputTileConfigAttr())
        backward.setGradInputTileConfigAttr(
            chooseFor(context, GemmKind::grad_input, dtype, gradOutput,
                      backward.getGradInputInit().getType()));
      if (!backward.getGradWeightTileConfigAttr())
        backward.setGradWeightTileConfigAttr(
            chooseFor(context, GemmKind::grad_weight, dtype, gradOutput,
                      backward.getGradWeightInit().getType()));
    });
  }
};
} // namespace
