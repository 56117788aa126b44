//===- DecomposeBackward.cpp - split the composite backward op -------------===//

#include "mggemm/Dialect/MGGemm/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir {
namespace mggemm {
#define GEN_PASS_DEF_MGGEMMDECOMPOSEBACKWARD
#include "mggemm/Dialect/MGGemm/Transforms/Passes.h.inc"
} // namespace mggemm
} // namespace mlir

using namespace mlir;
using namespace mlir::mggemm;

namespace {
struct DecomposeBackward : OpRewritePattern<GroupedMatmulBackwardOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(GroupedMatmulBackwardOp op,
                                PatternRewriter &rewriter) const override {
    GroupedMatmulGradInputOp gradInput = op.createGradInput(rewriter);
    GroupedMatmulGradWeightOp gradWeight = op.createGradWeight(rewriter);
    if (op.getNumResults() == 0) {
      rewriter.eraseOp(op);
      return success();
    }
    rewriter.replaceOp(op, {gradInput.getResult(), gradWeight.getResult()});
    return success();
  }
};

struct MGGemmDecomposeBackwardPass
    : mggemm::impl::MGGemmDecomposeBackwardBase<MGGemmDecomposeBackwardPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateDecomposeBackwardPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void mlir::mggemm::populateDecomposeBackwardPatterns(
    RewritePatternSet &patterns) {
  patterns.add<DecomposeBackward>(patterns.getContext());
}
