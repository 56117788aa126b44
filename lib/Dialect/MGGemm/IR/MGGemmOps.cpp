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
/// The widest tile whose two accumulators fit an fp8 consumer.
constexpr int64_t kMaxScaledTileN = 192;

/// The symbolic dimensions every grouped GEMM operand is made of; block
/// scales count 128-wide blocks of N and K.
enum class Dim { M, N, K, G, NBlocks, KBlocks };

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
  case Dim::NBlocks:
    return "ceil(N/128)";
  case Dim::KBlocks:
    return "ceil(K/128)";
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

/// Element types of the unscaled ops: all bf16 or all f16.
LogicalResult verifySameElementType(Operation *op, ArrayRef<OperandSpec> data) {
  Type elementType = getElementTypeOrSelf(data.front().value.getType());
  if (!elementType.isBF16() && !elementType.isF16())
    return op->emitOpError() << "element type must be bf16 or f16, but '"
                             << data.front().name << "' has " << elementType;
  for (const OperandSpec &spec : data.drop_front()) {
    Type other = getElementTypeOrSelf(spec.value.getType());
    if (other != elementType)
      return op->emitOpError() << "element type of '" << spec.name << "' ("
                               << other << ") must match '" << data.front().name
                               << "' (" << elementType << ")";
  }
  return success();
}

/// Element types of the scaled op: f8E4M3FN operands, f32 scales and a bf16
/// destination.
LogicalResult verifyScaledElementTypes(Operation *op,
                                       ArrayRef<OperandSpec> data,
                                       ArrayRef<OperandSpec> scales,
                                       ArrayRef<Value> inits) {
  auto expect = [&](const OperandSpec &spec, Type type,
                    StringRef role) -> LogicalResult {
    Type actual = getElementTypeOrSelf(spec.value.getType());
    if (actual == type)
      return success();
    return op->emitOpError() << "'" << spec.name << "' must have element type "
                             << type << " (" << role << "), but has " << actual;
  };
  Builder b(op->getContext());
  for (const OperandSpec &spec : data) {
    bool isInit = llvm::is_contained(inits, spec.value);
    if (failed(isInit ? expect(spec, b.getBF16Type(), "the scaled product")
                      : expect(spec, b.getType<Float8E4M3FNType>(),
                               "an fp8 operand")))
      return failure();
  }
  for (const OperandSpec &spec : scales)
    if (failed(expect(spec, b.getF32Type(), "scales")))
      return failure();
  return success();
}

/// Checks everything the grouped GEMM ops have in common: one kind of
/// operand (tensors or memrefs), results that match the destinations, ranks,
/// element types, consistent M/N/K/G, TMA-legal K and N and a tile
/// configuration that fits the shared memory of sm_90a. `scales` are the
/// row scales of a scaled (fp8) op.
LogicalResult verifyGroupedGemm(Operation *op, ArrayRef<OperandSpec> data,
                                const OperandSpec &sizes, ArrayRef<Value> inits,
                                ArrayRef<TileConfigAttr> tileConfigs,
                                ArrayRef<OperandSpec> scales = {}) {
  bool isTensor = isa<RankedTensorType>(data.front().value.getType());
  SmallVector<const OperandSpec *> all;
  for (const OperandSpec &spec : data)
    all.push_back(&spec);
  for (const OperandSpec &spec : scales)
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

  if (failed(scales.empty()
                 ? verifySameElementType(op, data)
                 : verifyScaledElementTypes(op, data, scales, inits)))
    return failure();
  Type elementType = getElementTypeOrSelf(data.front().value.getType());
  int64_t elementBytes = elementType.getIntOrFloatBitWidth() / 8;
  // TMA needs the rows of every operand 16-byte aligned: the innermost
  // extent of each is a multiple of 16 bytes of its elements.
  llvm::SmallDenseMap<unsigned, int64_t> rowMultiples;
  for (const OperandSpec &spec : data) {
    int64_t bytes =
        getElementTypeOrSelf(spec.value.getType()).getIntOrFloatBitWidth() / 8;
    int64_t &multiple = rowMultiples[static_cast<unsigned>(spec.dims.back())];
    multiple = std::max(multiple, 16 / bytes);
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
  // Block counts must be those of N and K.
  for (auto [blocks, dim] :
       {std::pair(Dim::NBlocks, Dim::N), std::pair(Dim::KBlocks, Dim::K)}) {
    auto count = seen.find(static_cast<unsigned>(blocks));
    auto extent = seen.find(static_cast<unsigned>(dim));
    if (count == seen.end() || extent == seen.end())
      continue;
    int64_t expected = llvm::divideCeil(extent->second.size, 128);
    if (count->second.size != expected)
      return op->emitOpError()
             << "'" << count->second.operand << "' has " << count->second.size
             << " blocks of 128 along " << dimName(dim) << " (dim "
             << count->second.index << "), but " << dimName(dim) << " = "
             << extent->second.size << " needs " << expected;
  }
  for (Dim dim : {Dim::M, Dim::N, Dim::K}) {
    auto multiple = rowMultiples.find(static_cast<unsigned>(dim));
    auto it = seen.find(static_cast<unsigned>(dim));
    if (multiple != rowMultiples.end() && it != seen.end() &&
        it->second.size % multiple->second != 0)
      return op->emitOpError()
             << "dimension " << dimName(dim) << " must be a multiple of "
             << multiple->second << " (TMA needs 16-byte row strides), but is "
             << it->second.size;
  }

  // 16-bit backward products read B transposed, in 64-wide boxes, and each
  // CTA of a cluster loads half of them; the others split B's rows.
  bool splitsBoxesOfB =
      elementBytes == 2 && !isa<GroupedMatmulOp, ScaledGroupedMatmulOp>(op);
  for (TileConfigAttr tile : tileConfigs) {
    if (!tile)
      continue;
    if (splitsBoxesOfB && tile.getClusterM() == 2 && tile.getN() % 128 != 0)
      return op->emitOpError()
             << "tile config " << tile << " has n = " << tile.getN()
             << ", but backward products on a 2x1 cluster need n = 128 or "
                "256 (each CTA loads half of B in 64-wide boxes)";
    if (tile.getK() * elementBytes != 128)
      return op->emitOpError()
             << "tile config " << tile << " has k = " << tile.getK()
             << ", but one 128-byte swizzled row of " << elementType
             << " holds " << 128 / elementBytes << " elements";
    int64_t bytes = tile.getSharedMemoryBytes(elementBytes);
    if (bytes > MGGEMM_SM90_MAX_SHARED_MEMORY)
      return op->emitOpError()
             << "tile config " << tile << " needs " << bytes
             << " bytes of shared memory, more than the "
             << MGGEMM_SM90_MAX_SHARED_MEMORY << " an sm_90a CTA can use";
  }
  return success();
}

/// fp8 kernels that add each K block's sums in f32 keep the tile's partial
/// sums and its sum, two f32 accumulators, in the consumers' registers.
LogicalResult verifyScaledTileWidth(Operation *op, TileConfigAttr tile,
                                    bool fastAccumulation) {
  if (tile && !fastAccumulation && tile.getN() > kMaxScaledTileN)
    return op->emitOpError()
           << "tile config " << tile << " has n = " << tile.getN()
           << ", but fp8 products need n <= " << kMaxScaledTileN
           << " (two f32 accumulators of the tile must fit the consumers' "
              "registers)";
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

void ScaledGroupedMatmulOp::build(OpBuilder &builder, OperationState &state,
                                  Value input, Value weight, Value inputScale,
                                  Value weightScale, Value sizes, Value init,
                                  TileConfigAttr tileConfig,
                                  bool fastAccumulation) {
  build(builder, state, resultTypeFor(init), input, weight, inputScale,
        weightScale, sizes, init, tileConfig, fastAccumulation);
}
void ScaledGroupedMatmulOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  addGroupedGemmEffects(*this, effects);
}

GemmKind ScaledGroupedMatmulOp::getGemmKind() { return GemmKind::forward; }
Value ScaledGroupedMatmulOp::getLhs() { return getInput(); }
Value ScaledGroupedMatmulOp::getRhs() { return getWeight(); }
SmallVector<Value, 2> ScaledGroupedMatmulOp::getScales() {
  return {getInputScale(), getWeightScale()};
}
bool ScaledGroupedMatmulOp::isBlockScaled() {
  return cast<ShapedType>(getInputScale().getType()).getRank() == 2;
}
mggemmDtype ScaledGroupedMatmulOp::getDtype() {
  if (isBlockScaled())
    return MGGEMM_DTYPE_E4M3_BLOCK;
  return getFastAccumulation() ? MGGEMM_DTYPE_E4M3_FAST : MGGEMM_DTYPE_E4M3;
}

LogicalResult ScaledGroupedMatmulOp::verify() {
  // input_scale's rank picks the scaling; weight_scale must follow it.
  int64_t inputScaleRank =
      cast<ShapedType>(getInputScale().getType()).getRank();
  int64_t weightScaleRank =
      cast<ShapedType>(getWeightScale().getType()).getRank();
  if (inputScaleRank + 1 != weightScaleRank ||
      (inputScaleRank != 1 && inputScaleRank != 2))
    return emitOpError()
           << "scales must be row-wise (input_scale [M], weight_scale [G, N]) "
              "or block-wise (input_scale [ceil(K/128), M], weight_scale [G, "
              "ceil(N/128), ceil(K/128)]), but have ranks "
           << inputScaleRank << " and " << weightScaleRank;
  SmallVector<OperandSpec, 2> scales;
  if (isBlockScaled())
    scales = {{"input_scale", getInputScale(), {Dim::KBlocks, Dim::M}},
              {"weight_scale",
               getWeightScale(),
               {Dim::G, Dim::NBlocks, Dim::KBlocks}}};
  else
    scales = {{"input_scale", getInputScale(), {Dim::M}},
              {"weight_scale", getWeightScale(), {Dim::G, Dim::N}}};
  if (failed(
          verifyGroupedGemm(*this,
                            {{"input", getInput(), {Dim::M, Dim::K}},
                             {"weight", getWeight(), {Dim::G, Dim::N, Dim::K}},
                             {"init", getInit(), {Dim::M, Dim::N}}},
                            {"sizes", getSizes(), {Dim::G}}, {getInit()},
                            {getTileConfigAttr()}, scales)))
    return failure();
  if (isBlockScaled() && getFastAccumulation())
    return emitOpError() << "has block scales and fast_accumulation: block "
                            "scales change with each 128-wide block of K, "
                            "so its sums are always added up in f32";
  return verifyScaledTileWidth(*this, getTileConfigAttr(),
                               getFastAccumulation());
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

void ScaledGroupedMatmulGradWeightOp::build(
    OpBuilder &builder, OperationState &state, Value gradOutputT, Value inputT,
    Value gradOutputScale, Value inputScale, Value sizes, Value init,
    TileConfigAttr tileConfig, bool fastAccumulation) {
  build(builder, state, resultTypeFor(init), gradOutputT, inputT,
        gradOutputScale, inputScale, sizes, init, tileConfig, fastAccumulation);
}
void ScaledGroupedMatmulGradWeightOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  addGroupedGemmEffects(*this, effects);
}

GemmKind ScaledGroupedMatmulGradWeightOp::getGemmKind() {
  return GemmKind::grad_weight;
}
Value ScaledGroupedMatmulGradWeightOp::getLhs() { return getGradOutputT(); }
Value ScaledGroupedMatmulGradWeightOp::getRhs() { return getInputT(); }
SmallVector<Value, 2> ScaledGroupedMatmulGradWeightOp::getScales() {
  return {getGradOutputScale(), getInputScale()};
}
mggemmDtype ScaledGroupedMatmulGradWeightOp::getDtype() {
  return getFastAccumulation() ? MGGEMM_DTYPE_E4M3_FAST : MGGEMM_DTYPE_E4M3;
}

LogicalResult ScaledGroupedMatmulGradWeightOp::verify() {
  if (failed(verifyGroupedGemm(
          *this,
          {{"grad_output_t", getGradOutputT(), {Dim::N, Dim::M}},
           {"input_t", getInputT(), {Dim::K, Dim::M}},
           {"init", getInit(), {Dim::G, Dim::N, Dim::K}}},
          {"sizes", getSizes(), {Dim::G}}, {getInit()}, {getTileConfigAttr()},
          {{"grad_output_scale", getGradOutputScale(), {Dim::G, Dim::N}},
           {"input_scale", getInputScale(), {Dim::G, Dim::K}}})))
    return failure();
  return verifyScaledTileWidth(*this, getTileConfigAttr(),
                               getFastAccumulation());
}

//===----------------------------------------------------------------------===//
// Element types and runtime dtypes
//===----------------------------------------------------------------------===//

mggemmDtype mlir::mggemm::getDtype(Type elementType) {
  if (elementType.isF16())
    return MGGEMM_DTYPE_F16;
  if (isa<Float8E4M3FNType>(elementType))
    return MGGEMM_DTYPE_E4M3;
  return MGGEMM_DTYPE_BF16;
}

Type mlir::mggemm::getElementType(MLIRContext *context, mggemmDtype dtype) {
  Builder b(context);
  switch (dtype) {
  case MGGEMM_DTYPE_F16:
    return b.getF16Type();
  case MGGEMM_DTYPE_E4M3:
  case MGGEMM_DTYPE_E4M3_BLOCK:
  case MGGEMM_DTYPE_E4M3_FAST:
    return b.getType<Float8E4M3FNType>();
  case MGGEMM_DTYPE_BF16:
    break;
  }
  return b.getBF16Type();
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
