//===- BufferizableOpInterfaceImpl.cpp - bufferization of mggemm ops ------===//

#include "mggemm/Dialect/MGGemm/Transforms/BufferizableOpInterfaceImpl.h"
#include "mggemm/Dialect/MGGemm/IR/MGGemmOps.h"

#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/IR/DstBufferizableOpInterfaceImpl.h"
#include "mlir/IR/DialectRegistry.h"

using namespace mlir;
using namespace mlir::bufferization;
using namespace mlir::mggemm;

namespace {
/// Every mggemm op is in destination-passing style: each tensor result is
/// written into its destination operand, inputs are only read. Rows of a
/// forward or grad-input destination that belong to no group keep their
/// values, so those destinations are read too; a grad-weight destination is
/// overwritten whole (empty groups get zeros) and is not read.
template <typename OpTy>
struct GroupedGemmBufferization
    : DstBufferizableOpInterfaceExternalModel<GroupedGemmBufferization<OpTy>,
                                              OpTy> {
  bool bufferizesToMemoryRead(Operation *op, OpOperand &opOperand,
                              const AnalysisState &state) const {
    if (auto single = dyn_cast<GroupedGemmOpInterface>(op);
        single && single.getGemmKind() == GemmKind::grad_weight)
      return !cast<DestinationStyleOpInterface>(op).isDpsInit(&opOperand);
    if (auto backward = dyn_cast<GroupedMatmulBackwardOp>(op))
      return &opOperand != &backward.getGradWeightInitMutable();
    return true;
  }

  LogicalResult bufferize(Operation *op, RewriterBase &rewriter,
                          const BufferizationOptions &options,
                          BufferizationState &state) const {
    auto dps = cast<DestinationStyleOpInterface>(op);
    if (!dps.hasPureTensorSemantics())
      return op->emitError("expected the tensor form of the op");
    SmallVector<Value> operands;
    for (Value operand : op->getOperands()) {
      FailureOr<Value> buffer = getBuffer(rewriter, operand, options, state);
      if (failed(buffer))
        return failure();
      operands.push_back(*buffer);
    }
    rewriter.setInsertionPoint(op);
    OperationState memrefState(op->getLoc(), op->getName(), operands,
                               /*types=*/TypeRange{}, op->getAttrs());
    rewriter.create(memrefState);
    SmallVector<Value> initBuffers;
    for (OpOperand &init : dps.getDpsInitsMutable())
      initBuffers.push_back(operands[init.getOperandNumber()]);
    replaceOpWithBufferizedValues(rewriter, op, initBuffers);
    return success();
  }
};
} // namespace

void mlir::mggemm::registerBufferizableOpInterfaceExternalModels(
    DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *context, MGGemmDialect *) {
    GroupedMatmulOp::attachInterface<
        GroupedGemmBufferization<GroupedMatmulOp>>(*context);
    ScaledGroupedMatmulOp::attachInterface<
        GroupedGemmBufferization<ScaledGroupedMatmulOp>>(*context);
    GroupedMatmulGradInputOp::attachInterface<
        GroupedGemmBufferization<GroupedMatmulGradInputOp>>(*context);
    GroupedMatmulGradWeightOp::attachInterface<
        GroupedGemmBufferization<GroupedMatmulGradWeightOp>>(*context);
    ScaledGroupedMatmulGradWeightOp::attachInterface<
        GroupedGemmBufferization<ScaledGroupedMatmulGradWeightOp>>(*context);
    GroupedMatmulBackwardOp::attachInterface<
        GroupedGemmBufferization<GroupedMatmulBackwardOp>>(*context);
  });
}
