//===- ConvertMGGemmToGPU.cpp - grouped GEMM ops to kernels and launches --===//

#include "mggemm/Conversion/MGGemmToGPU/GroupedGemmKernelBuilder.h"
#include "mggemm/Conversion/Passes.h"
#include "mggemm/Dialect/MGGemm/IR/MGGemmOps.h"
#include "mggemm/Runtime/KernelABI.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir {
namespace mggemm {
#define GEN_PASS_DEF_CONVERTMGGEMMTOGPU
#include "mggemm/Conversion/Passes.h.inc"
} // namespace mggemm
} // namespace mlir

using namespace mlir;
using namespace mlir::mggemm;

namespace {

constexpr const char *kKernelModuleName = "mggemm_kernels";
constexpr const char *kEncodeTensorMap = "mggemmEncodeTensorMap";
constexpr const char *kDeviceSMCount = "mggemmDeviceSMCount";

/// Where N, K and G of `op` live: named (operand, dimension) pairs.
SmallVector<std::pair<StringRef, std::pair<Value, int64_t>>, 3>
problemDims(GroupedGemmOpInterface op) {
  Value lhs = op.getLhs(), rhs = op.getRhs(), out = op.getInit();
  switch (op.getGemmKind()) {
  case GemmKind::forward: // X [M, K], W [G, N, K], Y [M, N]
    return {{"N", {out, 1}}, {"K", {lhs, 1}}, {"G", {rhs, 0}}};
  case GemmKind::grad_input: // dY [M, N], W [G, N, K], dX [M, K]
    return {{"N", {lhs, 1}}, {"K", {out, 1}}, {"G", {rhs, 0}}};
  case GemmKind::grad_weight: // dW [G, N, K]
    return {{"N", {out, 1}}, {"K", {out, 2}}, {"G", {out, 0}}};
  }
  llvm_unreachable("unknown GemmKind");
}

/// M, the rows of the A operand: its first dimension, or its second where
/// it comes transposed (fp8 grad_weight: dYᵀ [N, M]).
int64_t rowDimOfA(GroupedGemmOpInterface op) {
  return mggemmTakesTransposedOperands(
             static_cast<mggemmKind>(op.getGemmKind()), op.getDtype())
             ? 1
             : 0;
}

/// The kernel spec of a memref-form op, or a diagnostic saying why it cannot
/// be lowered.
FailureOr<GroupedGemmKernelSpec> getKernelSpec(GroupedGemmOpInterface op) {
  for (Value operand : op->getOperands()) {
    auto memref = dyn_cast<MemRefType>(operand.getType());
    if (!memref)
      return op->emitOpError("must be bufferized before "
                             "convert-mggemm-to-gpu (run one-shot-bufferize)");
    if (!memref.getLayout().isIdentity())
      return op->emitOpError()
             << "needs contiguous row-major memrefs for TMA, but an operand "
                "has layout "
             << memref.getLayout()
             << "; bufferize with function-boundary-type-conversion="
                "identity-layout-map or copy into a contiguous buffer";
    if (memref.getMemorySpace())
      return op->emitOpError()
             << "needs memrefs in the default (global) memory space, but an "
                "operand is in "
             << memref.getMemorySpace();
  }
  // N, K and G can be static zeros in valid IR; no TMA map describes an
  // empty extent, so say so here rather than fail when the program runs.
  for (auto [name, where] : problemDims(op))
    if (cast<MemRefType>(where.first.getType()).getDimSize(where.second) == 0)
      return op->emitOpError()
             << "has " << name
             << " = 0, which the kernels cannot run: N, K and G must be at "
                "least 1 (M may be 0)";
  TileConfigAttr tile = op.getTileConfigAttr();
  if (!tile)
    return op->emitOpError("has no tile_config (run "
                           "mggemm-select-tile-config first)");
  GroupedGemmKernelSpec spec;
  spec.kind = static_cast<mggemmKind>(op.getGemmKind());
  spec.dtype = op.getDtype();
  spec.tile = {int32_t(tile.getM()), int32_t(tile.getN()), int32_t(tile.getK()),
               int32_t(tile.getStages()), int32_t(tile.getClusterM())};
  return spec;
}

/// Emits the host side of one launch in place of `op`.
class LaunchBuilder {
public:
  LaunchBuilder(OpBuilder &b, GroupedGemmOpInterface op,
                const GroupedGemmKernelSpec &spec)
      : b(b), loc(op.getLoc()), op(op), spec(spec) {}

  void build(gpu::GPUFuncOp kernel);

private:
  Value dim(Value memref, int64_t index) {
    return memref::DimOp::create(b, loc, memref, index);
  }
  Value toInt(Value index, unsigned width) {
    return arith::IndexCastOp::create(b, loc, b.getIntegerType(width), index);
  }
  Value i32(int64_t v) { return arith::ConstantIntOp::create(b, loc, v, 32); }
  Value pointer(Value memref, unsigned addressSpace) {
    Value address =
        memref::ExtractAlignedPointerAsIndexOp::create(b, loc, memref);
    return LLVM::IntToPtrOp::create(
        b, loc, LLVM::LLVMPointerType::get(b.getContext(), addressSpace),
        toInt(address, 64));
  }
  void check(Value status, StringRef what) {
    Value ok = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, status,
                                     i32(0));
    cf::AssertOp::create(b, loc, ok, what);
  }
  Value tensorMap(int operand, Value base, ValueRange dims64);

  OpBuilder &b;
  Location loc;
  GroupedGemmOpInterface op;
  const GroupedGemmKernelSpec &spec;
};

Value LaunchBuilder::tensorMap(int operand, Value base, ValueRange dims64) {
  MLIRContext *ctx = b.getContext();
  Type mapType = LLVM::LLVMArrayType::get(b.getI64Type(),
                                          MGGEMM_TENSOR_MAP_BYTES / 8);
  Value one = arith::ConstantIntOp::create(b, loc, 1, 64);
  Value storage = LLVM::AllocaOp::create(
      b, loc, LLVM::LLVMPointerType::get(ctx), mapType, one, /*alignment=*/64);
  SmallVector<Value> args = {storage,
                             i32(spec.kind),
                             i32(operand),
                             i32(spec.dtype),
                             i32(spec.tile.m),
                             i32(spec.tile.n),
                             i32(spec.tile.k),
                             i32(mggemmClusterSize(spec.tile)),
                             base};
  args.append(dims64.begin(), dims64.end());
  Value status = func::CallOp::create(b, loc, kEncodeTensorMap,
                                      b.getI32Type(), args)
                     .getResult(0);
  check(status, "mggemm: encoding a TMA tensor map failed");
  return LLVM::LoadOp::create(b, loc, mapType, storage);
}

void LaunchBuilder::build(gpu::GPUFuncOp kernel) {
  Value lhs = op.getLhs(), rhs = op.getRhs(), out = op.getInit();
  // M, N, K, G of the op, read from the operands that carry them.
  SmallVector<Value, 3> nkg;
  for (auto [name, where] : problemDims(op))
    nkg.push_back(dim(where.first, where.second));
  Value M = dim(lhs, rowDimOfA(op)), N = nkg[0], K = nkg[1], G = nkg[2];
  SmallVector<Value> dims64 = {toInt(M, 64), toInt(N, 64), toInt(K, 64),
                               toInt(G, 64)};
  Value mapA = tensorMap(0, pointer(lhs, 0), dims64);
  Value mapB = tensorMap(1, pointer(rhs, 0), dims64);
  Value mapOut = tensorMap(MGGEMM_OPERAND_OUTPUT, pointer(out, 0), dims64);

  Value smCount = func::CallOp::create(b, loc, kDeviceSMCount, b.getI32Type(),
                                       ValueRange{})
                      .getResult(0);
  cf::AssertOp::create(
      b, loc,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, smCount, i32(0)),
      "mggemm: no usable CUDA device");
  auto index = [&](Value v) {
    return arith::IndexCastOp::create(b, loc, b.getIndexType(), v);
  };
  // KernelABI.h's parameters: maps, output, sizes, M, N, K, G, then the
  // scales of scaled kernels.
  SmallVector<Value> params = {mapA,
                               mapB,
                               mapOut,
                               pointer(out, 1),
                               pointer(op.getSizes(), 1),
                               toInt(M, 32),
                               toInt(N, 32),
                               toInt(K, 32),
                               toInt(G, 32)};
  for (Value scale : op.getScales())
    params.push_back(pointer(scale, 1));
  auto constIndex = [&](int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  Value one = constIndex(1);
  // One CTA per SM, in whole clusters.
  Value cluster = i32(mggemmClusterSize(spec.tile));
  Value grid = arith::MulIOp::create(
      b, loc, arith::DivUIOp::create(b, loc, smCount, cluster), cluster);
  gpu::LaunchFuncOp::create(
      b, loc, kernel, gpu::KernelDim3{index(grid), one, one},
      gpu::KernelDim3{constIndex(spec.getNumThreads()), one, one},
      i32(spec.getSharedMemoryBytes()), params);
}

/// Declares the runtime entry points the host code calls.
void declareRuntimeFunctions(ModuleOp module) {
  OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
  MLIRContext *ctx = module.getContext();
  Type i32 = b.getI32Type(), i64 = b.getI64Type();
  Type ptr = LLVM::LLVMPointerType::get(ctx);
  auto declare = [&](StringRef name, FunctionType type) {
    if (module.lookupSymbol(name))
      return;
    auto func = func::FuncOp::create(b, module.getLoc(), name, type);
    func.setPrivate();
  };
  declare(kEncodeTensorMap,
          b.getFunctionType({ptr, i32, i32, i32, i32, i32, i32, i32, ptr, i64,
                             i64, i64, i64},
                            {i32}));
  declare(kDeviceSMCount, b.getFunctionType({}, {i32}));
}

struct ConvertMGGemmToGPUPass
    : mggemm::impl::ConvertMGGemmToGPUBase<ConvertMGGemmToGPUPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<GroupedGemmOpInterface> ops;
    bool failedEarly = false;
    module.walk([&](Operation *op) {
      if (isa<GroupedMatmulBackwardOp>(op)) {
        op->emitOpError("must be split before convert-mggemm-to-gpu (run "
                        "mggemm-decompose-backward)");
        failedEarly = true;
      } else if (auto gemm = dyn_cast<GroupedGemmOpInterface>(op)) {
        ops.push_back(gemm);
      }
    });
    if (failedEarly)
      return signalPassFailure();
    if (ops.empty())
      return;

    OpBuilder b(module.getContext());
    gpu::GPUModuleOp kernels;
    if (!(kernels = module.lookupSymbol<gpu::GPUModuleOp>(kKernelModuleName))) {
      b.setInsertionPointToEnd(module.getBody());
      kernels = gpu::GPUModuleOp::create(b, module.getLoc(), kKernelModuleName);
    }
    module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                    b.getUnitAttr());
    declareRuntimeFunctions(module);

    for (GroupedGemmOpInterface op : ops) {
      FailureOr<GroupedGemmKernelSpec> spec = getKernelSpec(op);
      if (failed(spec))
        return signalPassFailure();
      std::string name = spec->getKernelName();
      auto kernel = kernels.lookupSymbol<gpu::GPUFuncOp>(name);
      if (!kernel)
        kernel = buildGroupedGemmKernel(b, op.getLoc(), kernels, *spec);
      b.setInsertionPoint(op);
      LaunchBuilder(b, op, *spec).build(kernel);
      op->erase();
    }
  }
};

} // namespace
