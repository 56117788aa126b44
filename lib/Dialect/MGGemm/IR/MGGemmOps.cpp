//===- MGGemmOps.cpp - mggemm operations ----------------------------------===//

#include "mggemm/Dialect/MGGemm/IR/MGGemmOps.h"
#include "mggemm/Runtime/KernelABI.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::mggemm;

#include "mggemm/Dialect/MGGemm/IR/MGGemmInterfaces.cpp.inc"

//===----------------------------------------------------------------------===//
// Shared verification
//===----------------------------------------------------------------------===//

namespace {
/// The symbolic dimensions every grouped GEMM operand is made of.
enum class Dim { M, N, K, G };

StringRef dimName(Dim dim) {
  switch (dim) {
  case Dim::M:
    return "M";
  case Dim::N:
    return "N";
  case Dim::K:
    return "K";
  case Dim::G:
    return "G";
  }
  llvm_unreachable("unknown dimension");
}

/// One operand of a grouped GEMM: its name in diagnostics and its shape in
/// terms of the symbolic dimensions.
struct OperandSpec {
  StringRef name;
  Value value;
  SmallVector<Dim, 3> dims;
};

std::string shapeString(ArrayRef<Dim> dims) {
  std::string s = "[";
  for (auto [i, dim] : llvm::enumerate(dims)) {
    if (i)
      s += ", ";
    s += dimName(dim).str();
  }
  return s + "]";
}

/// Checks everything the grouped GEMM ops have in common: one kind of
/// operand (tensors or memrefs), results that match the destinations, ranks,
/// element types, consistent M/N/K/G, TMA-legal K and N and a tile
/// configuration that fits the shared memory of sm_90a.
LogicalResult verifyGroupedGemm(Operation *op, ArrayRef<OperandSpec> data,
                                const OperandSpec &sizes,
                                ArrayRef<Value> inits,
                                ArrayRef<TileConfigAttr> tileConfigs) {
  bool isTensor = isa<RankedTensorType>(data.front().value.getType());
  SmallVector<const OperandSpec *> all;
  for (const OperandSpec &spec : data)
    all.push_back(&spec);
  all.push_back(&sizes);
  for (const OperandSpec *spec : all) {
    if (isa<RankedTensorType>(spec->value.getType()) != isTensor)
      return op->emitOpError()
             << "operands must be all tensors or all memrefs, but '"
             << spec->name << "' is " << spec->value.getType() << " and '"
             << data.front().name << "' is " << data.front().value.getType();
  }

  if (isTensor) {
    if (op->getNumResults() != inits.size())
      return op->emitOpError() << "tensor form must return " << inits.size()
                               << " result(s), one per destination, but has "
                               << op->getNumResults();
    for (auto [result, init] : llvm::zip(op->getResults(), inits))
      if (result.getType() != init.getType())
        return op->emitOpError()
               << "result type " << result.getType()
               << " must match its destination type " << init.getType();
  } else if (op->getNumResults() != 0) {
    return op->emitOpError()
           << "memref form must not return results, but has "
           << op->getNumResults();
  }

  for (const OperandSpec *spec : all) {
    auto type = cast<ShapedType>(spec->value.getType());
    if (auto tensor = dyn_cast<RankedTensorType>(type);
        tensor && tensor.getEncoding())
      return op->emitOpError()
             << "'" << spec->name
             << "' must be a dense tensor without encoding, but has "
             << tensor.getEncoding();
    if (type.getRank() != static_cast<int64_t>(spec->dims.size()))
      return op->emitOpError()
             << "'" << spec->name << "' must have rank " << spec->dims.size()
             << " (" << shapeString(spec->dims) << "), but has rank "
             << type.getRank();
  }

  if (!getElementTypeOrSelf(sizes.value.getType()).isSignlessInteger(32))
    return op->emitOpError()
           << "'" << sizes.name << "' must have element type i32, but has "
           << getElementTypeOrSelf(sizes.value.getType());

  Type elementType = getElementTypeOrSelf(data.front().value.getType());
  if (!elementType.isBF16() && !elementType.isF16())
    return op->emitOpError() << "element type must be bf16 or f16, but '"
                             << data.front().name << "' has " << elementType;
  for (const OperandSpec &spec : data.drop_front()) {
    Type other = getElementTypeOrSelf(spec.value.getType());
    if (other != elementType)
      return op->emitOpError()
             << "element type of '" << spec.name << "' (" << other
             << ") must match '" << data.front().name << "' ("
             << elementType << ")";
  }

  // Unify the static extents of every symbolic dimension.
  struct Seen {
    int64_t size;
    StringRef operand;
    unsigned index;
  };
  llvm::SmallDenseMap<unsigned, Seen> seen;
  for (const OperandSpec *spec : all) {
    auto type = cast<ShapedType>(spec->value.getType());
    for (auto [index, dim] : llvm::enumerate(spec->dims)) {
      int64_t size = type.getDimSize(index);
      if (ShapedType::isDynamic(size))
        continue;
      auto [it, inserted] = seen.try_emplace(
          static_cast<unsigned>(dim),
          Seen{size, spec->name, static_cast<unsigned>(index)});
      if (!inserted && it->second.size != size)
        return op->emitOpError()
               << "dimension " << dimName(dim) << " is " << it->second.size
               << " in '" << it->second.operand << "' (dim "
               << it->second.index << ") but " << size << " in '"
               << spec->name << "' (dim " << index << ")";
    }
  }
  for (Dim dim : {Dim::N, Dim::K}) {
    auto it = seen.find(static_cast<unsigned>(dim));
    if (it != seen.end() && it->second.size % 8 != 0)
      return op->emitOpError()
             << "dimension " << dimName(dim)
             << " must be a multiple of 8 (TMA needs 16-byte row strides), "
                "but is "
             << it->second.size;
  }

  for (TileConfigAttr tile : tileConfigs) {
    if (!tile)
      continue;
    int64_t elementBytes = elementType.getIntOrFloatBitWidth() / 8;
    int64_t bytes = tile.getSharedMemoryBytes(elementBytes);
    if (bytes > MGGEMM_SM90_MAX_SHARED_MEMORY)
      return op->emitOpError()
             << "tile config " << tile << " needs " << bytes
             << " bytes of shared memory, more than the "
             << MGGEMM_SM90_MAX_SHARED_MEMORY << " an sm_90a CTA can use";
  }
  return success();
}

/// Memref operands are read; memref destinations are also written.
void addGroupedGemmEffects(
    DestinationStyleOpInterface op,
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  for (OpOperand &operand : op->getOpOperands()) {
    if (!isa<MemRefType>(operand.get().getType()))
      continue;
    effects.emplace_back(MemoryEffects::Read::get(), &operand,
                         SideEffects::DefaultResource::get());
    if (op.isDpsInit(&operand))
      effects.emplace_back(MemoryEffects::Write::get(), &operand,
                           SideEffects::DefaultResource::get());
  }
}

Type resultTypeFor(Value init) {
  return isa<RankedTensorType>(init.getType()) ? init.getType() : Type();
}
} // namespace

//===----------------------------------------------------------------------===//
// Single-product ops
//===----------------------------------------------------------------------===//

#define MGGEMM_SINGLE_PRODUCT_BUILDER(OpTy)                                    \
  void OpTy::build(OpBuilder &builder, OperationState &state, Value lhs,      \
                   Value rhs, Value sizes, Value init,                         \
                   TileConfigAttr tileConfig) {                                \
    build(builder, state, resultTypeFor(init), lhs, rhs, sizes, init,          \
          tileConfig);                                                         \
  }                                                                            \
  void OpTy::getEffects(                                                       \
      SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>      \
          &effects) {                                                          \
    addGroupedGemmEffects(*this, effects);                                     \
  }

MGGEMM_SINGLE_PRODUCT_BUILDER(GroupedMatmulOp)
MGGEMM_SINGLE_PRODUCT_BUILDER(GroupedMatmulGradInputOp)
MGGEMM_SINGLE_PRODUCT_BUILDER(GroupedMatmulGradWeightOp)
#undef MGGEMM_SINGLE_PRODUCT_BUILDER

GemmKind GroupedMatmulOp::getGemmKind() { return GemmKind::forward; }
Value GroupedMatmulOp::getLhs() { return getInput(); }
Value GroupedMatmulOp::getRhs() { return getWeight(); }

LogicalResult GroupedMatmulOp::verify() {
  return verifyGroupedGemm(
      *this,
      {{"input", getInput(), {Dim::M, Dim::K}},
       {"weight", getWeight(), {Dim::G, Dim::N, Dim::K}},
       {"init", getInit(), {Dim::M, Dim::N}}},
      {"sizes", getSizes(), {Dim::G}}, {getInit()}, {getTileConfigAttr()});
}

GemmKind GroupedMatmulGradInputOp::getGemmKind() {
  return GemmKind::grad_input;
}
Value GroupedMatmulGradInputOp::getLhs() { return getGradOutput(); }
Value GroupedMatmulGradInputOp::getRhs() { return getWeight(); }

LogicalResult GroupedMatmulGradInputOp::verify() {
  return verifyGroupedGemm(
      *this,
      {{"grad_output", getGradOutput(), {Dim::M, Dim::N}},
       {"weight", getWeight(), {Dim::G, Dim::N, Dim::K}},
       {"init", getInit(), {Dim::M, Dim::K}}},
      {"sizes", getSizes(), {Dim::G}}, {getInit()}, {getTileConfigAttr()});
}

GemmKind GroupedMatmulGradWeightOp::getGemmKind() {
  return GemmKind::grad_weight;
}
Value GroupedMatmulGradWeightOp::getLhs() { return getGradOutput(); }
Value GroupedMatmulGradWeightOp::getRhs() { return getInput(); }

LogicalResult GroupedMatmulGradWeightOp::verify() {
  return verifyGroupedGemm(
      *this,
      {{"grad_output", getGradOutput(), {Dim::M, Dim::N}},
       {"input", getInput(), {Dim::M, Dim::K}},
       {"init", getInit(), {Dim::G, Dim::N, Dim::K}}},
      {"sizes", getSizes(), {Dim::G}}, {getInit()}, {getTileConfigAttr()});
}

//===----------------------------------------------------------------------===//
// GroupedMatmulBackwardOp
//===----------------------------------------------------------------------===//

LogicalResult GroupedMatmulBackwardOp::verify() {
  return verifyGroupedGemm(
      *this,
      {{"grad_output", getGradOutput(), {Dim::M, Dim::N}},
       {"input", getInput(), {Dim::M, Dim::K}},
       {"weight", getWeight(), {Dim::G, Dim::N, Dim::K}},
       {"grad_input_init", getGradInputInit(), {Dim::M, Dim::K}},
       {"grad_weight_init", getGradWeightInit(), {Dim::G, Dim::N, Dim::K}}},
      {"sizes", getSizes(), {Dim::G}},
      {getGradInputInit(), getGradWeightInit()},
      {getGradInputTileConfigAttr(), getGradWeightTileConfigAttr()});
}

void GroupedMatmulBackwardOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  addGroupedGemmEffects(*this, effects);
}

GroupedMatmulGradInputOp
GroupedMatmulBackwardOp::createGradInput(OpBuilder &builder) {
  return GroupedMatmulGradInputOp::create(
      builder, getLoc(), getGradOutput(), getWeight(), getSizes(),
      getGradInputInit(), getGradInputTileConfigAttr());
}

GroupedMatmulGradWeightOp
GroupedMatmulBackwardOp::createGradWeight(OpBuilder &builder) {
  return GroupedMatmulGradWeightOp::create(
      builder, getLoc(), getGradOutput(), getInput(), getSizes(),
      getGradWeightInit(), getGradWeightTileConfigAttr());
}

namespace {
/// A backward op whose tensor result `unused` (0: grad_input, 1: grad_weight)
/// has no uses only needs its other half.
template <unsigned unused>
struct DropUnusedHalf : OpRewritePattern<GroupedMatmulBackwardOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GroupedMatmulBackwardOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getNumResults() != 2 || !op.getResult(unused).use_empty())
      return rewriter.notifyMatchFailure(op, "both results are used");
    Value kept = unused == 0 ? op.createGradWeight(rewriter).getResult()
                             : op.createGradInput(rewriter).getResult();
    rewriter.replaceAllUsesWith(op.getResult(1 - unused), kept);
    rewriter.eraseOp(op);
    return success();
  }
};
} // namespace

void GroupedMatmulBackwardOp::getCanonicalizationPatterns(
    RewritePatternSet &results, MLIRContext *context) {
  results.add<DropUnusedHalf<0>, DropUnusedHalf<1>>(context);
}

#define GET_OP_CLASSES
#include "mggemm/Dialect/MGGemm/IR/MGGemmOps.cpp.inc"
