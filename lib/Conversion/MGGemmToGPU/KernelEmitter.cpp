//===- KernelEmitter.cpp - building blocks of the grouped GEMM kernel -----===//

#include "KernelEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::mggemm;

Type KernelEmitter::tensorMapType(MLIRContext *ctx) {
  return LLVM::LLVMArrayType::get(IntegerType::get(ctx, 64),
                                  MGGEMM_TENSOR_MAP_BYTES / 8);
}

void KernelEmitter::declareSharedMemory(OpBuilder &builder, Location loc,
                                        gpu::GPUModuleOp module,
                                        StringRef symbol, int64_t alignment) {
  if (module.lookupSymbol(symbol))
    return;
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToStart(module.getBody());
  auto type = LLVM::LLVMArrayType::get(builder.getI8Type(), 0);
  LLVM::GlobalOp::create(builder, loc, type, /*isConstant=*/false,
                         LLVM::Linkage::External, symbol, Attribute(),
                         alignment, /*addrSpace=*/3);
}

//===----------------------------------------------------------------------===//
// Arithmetic
//===----------------------------------------------------------------------===//

Value KernelEmitter::i32(int64_t value) {
  return arith::ConstantIntOp::create(b, loc, value, 32);
}
Value KernelEmitter::i64(int64_t value) {
  return arith::ConstantIntOp::create(b, loc, value, 64);
}
Value KernelEmitter::boolean(bool value) {
  return arith::ConstantIntOp::create(b, loc, value, 1);
}
Value KernelEmitter::f32(float value) {
  return arith::ConstantFloatOp::create(b, loc, b.getF32Type(), APFloat(value));
}
Value KernelEmitter::add(Value x, Value y) {
  return arith::AddIOp::create(b, loc, x, y);
}
Value KernelEmitter::sub(Value x, Value y) {
  return arith::SubIOp::create(b, loc, x, y);
}
Value KernelEmitter::mul(Value x, Value y) {
  return arith::MulIOp::create(b, loc, x, y);
}
Value KernelEmitter::divu(Value x, Value y) {
  return arith::DivUIOp::create(b, loc, x, y);
}
Value KernelEmitter::remu(Value x, Value y) {
  return arith::RemUIOp::create(b, loc, x, y);
}
Value KernelEmitter::ceilDiv(Value x, Value y) {
  return arith::CeilDivUIOp::create(b, loc, x, y);
}
Value KernelEmitter::minu(Value x, Value y) {
  return arith::MinUIOp::create(b, loc, x, y);
}
Value KernelEmitter::maxs(Value x, Value y) {
  return arith::MaxSIOp::create(b, loc, x, y);
}
Value KernelEmitter::andI(Value x, Value y) {
  return arith::AndIOp::create(b, loc, x, y);
}
Value KernelEmitter::orI(Value x, Value y) {
  return arith::OrIOp::create(b, loc, x, y);
}
Value KernelEmitter::xorI(Value x, Value y) {
  return arith::XOrIOp::create(b, loc, x, y);
}
Value KernelEmitter::shl(Value x, Value y) {
  return arith::ShLIOp::create(b, loc, x, y);
}
Value KernelEmitter::shru(Value x, Value y) {
  return arith::ShRUIOp::create(b, loc, x, y);
}
Value KernelEmitter::cmp(int predicate, Value x, Value y) {
  return arith::CmpIOp::create(
      b, loc, static_cast<arith::CmpIPredicate>(predicate), x, y);
}
Value KernelEmitter::eq(Value x, Value y) {
  return cmp(static_cast<int>(arith::CmpIPredicate::eq), x, y);
}
Value KernelEmitter::ult(Value x, Value y) {
  return cmp(static_cast<int>(arith::CmpIPredicate::ult), x, y);
}
Value KernelEmitter::uge(Value x, Value y) {
  return cmp(static_cast<int>(arith::CmpIPredicate::uge), x, y);
}
Value KernelEmitter::ule(Value x, Value y) {
  return cmp(static_cast<int>(arith::CmpIPredicate::ule), x, y);
}
Value KernelEmitter::ugt(Value x, Value y) {
  return cmp(static_cast<int>(arith::CmpIPredicate::ugt), x, y);
}
Value KernelEmitter::select(Value cond, Value x, Value y) {
  return arith::SelectOp::create(b, loc, cond, x, y);
}
Value KernelEmitter::zext64(Value x) {
  return arith::ExtUIOp::create(b, loc, b.getI64Type(), x);
}

//===----------------------------------------------------------------------===//
// Thread coordinates and warp collectives
//===----------------------------------------------------------------------===//

static Value toI32(OpBuilder &b, Location loc, Value index) {
  return arith::IndexCastUIOp::create(b, loc, b.getI32Type(), index);
}

Value KernelEmitter::threadId() {
  return toI32(b, loc, gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x));
}
Value KernelEmitter::laneId() {
  return toI32(b, loc, gpu::LaneIdOp::create(b, loc, /*upper_bound=*/nullptr));
}
Value KernelEmitter::blockId() {
  return toI32(b, loc, gpu::BlockIdOp::create(b, loc, gpu::Dimension::x));
}
Value KernelEmitter::gridDim() {
  return toI32(b, loc, gpu::GridDimOp::create(b, loc, gpu::Dimension::x));
}

std::pair<Value, Value> KernelEmitter::shuffleUp(Value value, int64_t offset) {
  auto shuffle = gpu::ShuffleOp::create(b, loc, value, i32(offset), i32(32),
                                        gpu::ShuffleMode::UP);
  return {shuffle.getShuffleResult(), shuffle.getValid()};
}

Value KernelEmitter::shuffleIdx(Value value, Value lane) {
  return gpu::ShuffleOp::create(b, loc, value, lane, i32(32),
                                gpu::ShuffleMode::IDX)
      .getShuffleResult();
}

Value KernelEmitter::warpUniform(Value value) {
  return shuffleIdx(value, i32(0));
}

Value KernelEmitter::ballot(Value predicate) {
  return NVVM::VoteSyncOp::create(
      b, loc, b.getI32Type(), i32(-1), predicate,
      NVVM::VoteSyncKindAttr::get(b.getContext(), NVVM::VoteSyncKind::ballot));
}

Value KernelEmitter::countTrailingZeros(Value value) {
  return LLVM::CountTrailingZerosOp::create(b, loc, value.getType(), value,
                                            /*is_zero_poison=*/false);
}

//===----------------------------------------------------------------------===//
// Control flow
//===----------------------------------------------------------------------===//

void KernelEmitter::ifThen(Value cond, function_ref<void()> thenBody) {
  auto ifOp = scf::IfOp::create(b, loc, cond, /*withElseRegion=*/false);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ifOp.thenBlock());
  thenBody();
}

void KernelEmitter::ifThenElse(Value cond, function_ref<void()> thenBody,
                               function_ref<void()> elseBody) {
  auto ifOp = scf::IfOp::create(b, loc, cond, /*withElseRegion=*/true);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ifOp.thenBlock());
  thenBody();
  b.setInsertionPointToStart(ifOp.elseBlock());
  elseBody();
}

SmallVector<Value>
KernelEmitter::ifThenElse(Value cond, TypeRange types,
                          function_ref<SmallVector<Value>()> thenBody,
                          function_ref<SmallVector<Value>()> elseBody) {
  auto ifOp = scf::IfOp::create(b, loc, types, cond, /*withElseRegion=*/true);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ifOp.thenBlock());
  scf::YieldOp::create(b, loc, thenBody());
  b.setInsertionPointToStart(ifOp.elseBlock());
  scf::YieldOp::create(b, loc, elseBody());
  return SmallVector<Value>(ifOp.getResults());
}

SmallVector<Value> KernelEmitter::forLoop(
    Value upper, ValueRange iterArgs,
    function_ref<SmallVector<Value>(Value, ValueRange)> body) {
  auto forOp = scf::ForOp::create(
      b, loc, i32(0), upper, i32(1), iterArgs,
      [&](OpBuilder &nested, Location, Value iv, ValueRange args) {
        SmallVector<Value> results = body(iv, args);
        scf::YieldOp::create(nested, loc, results);
      },
      /*unsignedCmp=*/true);
  return SmallVector<Value>(forOp.getResults());
}

void KernelEmitter::forLoop(Value lower, Value upper, Value step,
                            function_ref<void(Value)> body) {
  scf::ForOp::create(
      b, loc, lower, upper, step, ValueRange{},
      [&](OpBuilder &nested, Location, Value iv, ValueRange) {
        body(iv);
        scf::YieldOp::create(nested, loc);
      },
      /*unsignedCmp=*/true);
}

//===----------------------------------------------------------------------===//
// Memory
//===----------------------------------------------------------------------===//

Value KernelEmitter::gep(Value pointer, Value byteOffset) {
  return LLVM::GEPOp::create(b, loc, pointer.getType(), b.getI8Type(), pointer,
                             ArrayRef<LLVM::GEPArg>{byteOffset});
}

Value KernelEmitter::loadI32(Value pointer, Value index) {
  Value address = LLVM::GEPOp::create(b, loc, pointer.getType(), b.getI32Type(),
                                      pointer, ArrayRef<LLVM::GEPArg>{index});
  return LLVM::LoadOp::create(b, loc, b.getI32Type(), address, /*alignment=*/4);
}

Value KernelEmitter::loadF32(Value pointer, Value index) {
  Value address = LLVM::GEPOp::create(b, loc, pointer.getType(), b.getF32Type(),
                                      pointer, ArrayRef<LLVM::GEPArg>{index});
  return LLVM::LoadOp::create(b, loc, b.getF32Type(), address, /*alignment=*/4);
}

Value KernelEmitter::addF(Value a, Value b_) {
  return arith::AddFOp::create(b, loc, a, b_);
}

Value KernelEmitter::mulF(Value a, Value b_) {
  return arith::MulFOp::create(b, loc, a, b_);
}

Value KernelEmitter::fma(Value a, Value b_, Value c) {
  return LLVM::FMAOp::create(b, loc, a, b_, c);
}

Value KernelEmitter::alignedSharedMemory(StringRef symbol, int64_t alignment) {
  auto sharedPtr = LLVM::LLVMPointerType::get(b.getContext(), 3);
  Value raw = LLVM::AddressOfOp::create(b, loc, sharedPtr, symbol);
  Value address = sharedAddress(raw);
  Value aligned = andI(add(address, i32(alignment - 1)), i32(~(alignment - 1)));
  return gep(raw, sub(aligned, address));
}

Value KernelEmitter::sharedAddress(Value pointer) {
  return LLVM::PtrToIntOp::create(b, loc, b.getI32Type(), pointer);
}

Value KernelEmitter::castToPointer(Value tensorMapArg) {
  auto ptr = LLVM::LLVMPointerType::get(b.getContext());
  return UnrealizedConversionCastOp::create(b, loc, ptr, tensorMapArg)
      .getResult(0);
}

void KernelEmitter::storeZero16(Value sharedPointer) {
  auto type = VectorType::get({4}, b.getI32Type());
  Value zero = LLVM::ZeroOp::create(b, loc, type);
  LLVM::StoreOp::create(b, loc, zero, sharedPointer, /*alignment=*/16);
}

void KernelEmitter::andShared16(Value sharedPointer, ArrayRef<Value> masks) {
  auto type = VectorType::get({4}, b.getI32Type());
  Value mask = LLVM::PoisonOp::create(b, loc, type);
  for (auto [i, word] : llvm::enumerate(masks))
    mask = LLVM::InsertElementOp::create(b, loc, mask, word, i32(i));
  Value bytes = LLVM::LoadOp::create(b, loc, type, sharedPointer,
                                     /*alignment=*/16);
  LLVM::StoreOp::create(b, loc, LLVM::AndOp::create(b, loc, bytes, mask),
                        sharedPointer, /*alignment=*/16);
}

Value KernelEmitter::packPair(Value lo, Value hi, mggemmDtype dtype) {
  Type elementType =
      dtype == MGGEMM_DTYPE_F16 ? Type(b.getF16Type()) : Type(b.getBF16Type());
  auto pairType = VectorType::get({2}, elementType);
  Value pair = LLVM::PoisonOp::create(b, loc, pairType);
  pair = LLVM::InsertElementOp::create(
      b, loc, pair, arith::TruncFOp::create(b, loc, elementType, lo), i32(0));
  pair = LLVM::InsertElementOp::create(
      b, loc, pair, arith::TruncFOp::create(b, loc, elementType, hi), i32(1));
  return LLVM::BitcastOp::create(b, loc, b.getI32Type(), pair);
}

Value KernelEmitter::loadShared16(Value sharedPointer) {
  return LLVM::LoadOp::create(b, loc, VectorType::get({4}, b.getI32Type()),
                              sharedPointer, /*alignment=*/16);
}

void KernelEmitter::storeGlobal16(Value base, Value index, Value value) {
  Value address = LLVM::GEPOp::create(b, loc, base.getType(), b.getI16Type(),
                                      base, ArrayRef<LLVM::GEPArg>{index});
  LLVM::StoreOp::create(b, loc, value, address, /*alignment=*/16);
}

void KernelEmitter::storeMatrixX4(Value sharedPointer, ValueRange registers) {
  MLIRContext *ctx = b.getContext();
  NVVM::StMatrixOp::create(
      b, loc, sharedPointer, registers,
      NVVM::MMALayoutAttr::get(ctx, NVVM::MMALayout::row),
      NVVM::LdStMatrixShapeAttr::get(ctx, 8, 8),
      NVVM::LdStMatrixEltTypeAttr::get(ctx, NVVM::LdStMatrixEltType::B16));
}

//===----------------------------------------------------------------------===//
// Synchronisation
//===----------------------------------------------------------------------===//

void KernelEmitter::syncThreads() { gpu::BarrierOp::create(b, loc); }

void KernelEmitter::syncWarp() { NVVM::SyncWarpOp::create(b, loc, i32(-1)); }

void KernelEmitter::namedBarrier(Value id, int64_t numThreads) {
  NVVM::BarrierOp::create(b, loc, TypeRange{}, id, i32(numThreads),
                          /*reductionOp=*/nullptr,
                          /*reductionPredicate=*/Value());
}

void KernelEmitter::namedBarrierArrive(Value id, int64_t numThreads) {
  NVVM::BarrierArriveOp::create(b, loc, id, i32(numThreads));
}

void KernelEmitter::mbarrierInit(Value barrier, int64_t count) {
  mbarrierInit(barrier, i32(count));
}

void KernelEmitter::mbarrierInit(Value barrier, Value count) {
  NVVM::MBarrierInitOp::create(b, loc, barrier, count, /*predicate=*/Value());
}

void KernelEmitter::fenceMbarrierInit() {
  NVVM::FenceMbarrierInitOp::create(b, loc);
}

void KernelEmitter::mbarrierWait(Value barrier, Value phase) {
  // The op retries until the phase completes; the tick count only bounds
  // each hardware-suspended try.
  NVVM::MBarrierTryWaitParityOp::create(b, loc, barrier, phase, i32(0x989680));
}

static NVVM::MemScopeKindAttr ctaScope(OpBuilder &b) {
  return NVVM::MemScopeKindAttr::get(b.getContext(), NVVM::MemScopeKind::CTA);
}

void KernelEmitter::mbarrierArrive(Value barrier) {
  NVVM::MBarrierArriveOp::create(b, loc, /*res=*/Type(), barrier,
                                 /*count=*/Value(), ctaScope(b));
}

void KernelEmitter::mbarrierArriveExpectTx(Value barrier, Value bytes) {
  NVVM::MBarrierArriveExpectTxOp::create(b, loc, /*res=*/Type(), barrier, bytes,
                                         ctaScope(b), b.getBoolAttr(false),
                                         /*predicate=*/Value());
}

void KernelEmitter::fenceProxyAsyncShared() {
  MLIRContext *ctx = b.getContext();
  NVVM::FenceProxyOp::create(
      b, loc, NVVM::ProxyKindAttr::get(ctx, NVVM::ProxyKind::async_shared),
      NVVM::SharedSpaceAttr::get(ctx, NVVM::SharedSpace::shared_cta));
}

Value KernelEmitter::clusterCtaRank() {
  return NVVM::ClusterId::create(b, loc, b.getI32Type());
}

Value KernelEmitter::toSharedCluster(Value sharedPointer, Value rank) {
  return NVVM::MapaOp::create(
      b, loc,
      LLVM::LLVMPointerType::get(
          b.getContext(),
          static_cast<unsigned>(NVVM::NVVMMemorySpace::SharedCluster)),
      sharedPointer, rank);
}

void KernelEmitter::mbarrierArriveInCta(Value barrier, Value rank) {
  Value remote = toSharedCluster(barrier, rank);
  // CTA scope, as for a local arrive: a cluster-scope release waits on a
  // memory barrier (measured: half of all stalls, 2.4x slower kernels), and
  // the stage's readers are this warp's wgmmas, complete at this point.
  NVVM::MBarrierArriveOp::create(b, loc, /*res=*/Type(), remote,
                                 /*count=*/Value(), ctaScope(b));
}

void KernelEmitter::clusterSync() {
  NVVM::ClusterArriveOp::create(b, loc, b.getUnitAttr());
  NVVM::ClusterWaitOp::create(b, loc, b.getUnitAttr());
}

void KernelEmitter::setMaxRegisters(int64_t count, bool increase) {
  NVVM::SetMaxRegisterOp::create(
      b, loc, b.getI32IntegerAttr(count),
      NVVM::SetMaxRegisterActionAttr::get(
          b.getContext(), increase ? NVVM::SetMaxRegisterAction::increase
                                   : NVVM::SetMaxRegisterAction::decrease));
}

SmallVector<Value> KernelEmitter::advanceStage(Value stage, Value phase,
                                               int64_t stages) {
  Value next = add(stage, i32(1));
  Value wraps = eq(next, i32(stages));
  return {select(wraps, i32(0), next),
          select(wraps, xorI(phase, i32(1)), phase)};
}

SmallVector<Value> KernelEmitter::advanceStageBy(Value stage, Value phase,
                                                 Value count, int64_t stages) {
  Value total = add(stage, count);
  Value laps = divu(total, i32(stages));
  return {remu(total, i32(stages)), xorI(phase, andI(laps, i32(1)))};
}

Value KernelEmitter::previousStage(Value stage, int64_t stages) {
  return select(eq(stage, i32(0)), i32(stages - 1), sub(stage, i32(1)));
}

//===----------------------------------------------------------------------===//
// TMA and wgmma
//===----------------------------------------------------------------------===//

void KernelEmitter::tmaLoad(Value dst, Value tensorMap, ArrayRef<Value> coords,
                            Value barrier, Value multicastMask) {
  MLIRContext *ctx = b.getContext();
  // A multicast names its destination in the cluster's shared window: this
  // CTA's own address there stands for the same offset in every CTA.
  if (multicastMask)
    dst = toSharedCluster(dst, clusterCtaRank());
  NVVM::CpAsyncBulkTensorGlobalToSharedClusterOp::create(
      b, loc, dst, tensorMap, coords, barrier, /*im2colOffsets=*/ValueRange{},
      multicastMask, /*l2CacheHint=*/Value(),
      NVVM::TMALoadModeAttr::get(ctx, NVVM::TMALoadMode::TILE),
      /*isCTAOnly=*/b.getBoolAttr(!multicastMask), /*group=*/nullptr,
      /*predicate=*/Value());
}

void KernelEmitter::tmaStore(Value tensorMap, Value src,
                             ArrayRef<Value> coords) {
  NVVM::CpAsyncBulkTensorSharedCTAToGlobalOp::create(
      b, loc, tensorMap, src, coords, /*l2CacheHint=*/Value(),
      NVVM::TMAStoreMode::TILE, /*predicate=*/Value());
}

void KernelEmitter::bulkCommitGroup() {
  NVVM::CpAsyncBulkCommitGroupOp::create(b, loc);
}

void KernelEmitter::bulkWaitGroupRead(int64_t pending) {
  NVVM::CpAsyncBulkWaitGroupOp::create(b, loc, pending, b.getUnitAttr());
}

void KernelEmitter::bulkWaitGroup(int64_t pending) {
  NVVM::CpAsyncBulkWaitGroupOp::create(b, loc, pending, UnitAttr());
}

void KernelEmitter::wgmmaFence() { NVVM::WgmmaFenceAlignedOp::create(b, loc); }
void KernelEmitter::wgmmaCommit() {
  NVVM::WgmmaGroupSyncAlignedOp::create(b, loc);
}
void KernelEmitter::wgmmaWait(int64_t pending) {
  NVVM::WgmmaWaitGroupSyncOp::create(b, loc, b.getI64IntegerAttr(pending));
}

Value KernelEmitter::wgmma(Value acc, Value descA, Value descB, int64_t n,
                           mggemmDtype dtype, bool transposeA, bool transposeB,
                           bool accumulate) {
  MLIRContext *ctx = b.getContext();
  NVVM::WGMMATypes type = NVVM::WGMMATypes::bf16;
  if (dtype == MGGEMM_DTYPE_F16)
    type = NVVM::WGMMATypes::f16;
  else if (mggemmDtypeIsScaled(dtype))
    type = NVVM::WGMMATypes::e4m3;
  auto inputType = NVVM::WGMMATypesAttr::get(ctx, type);
  auto one = NVVM::WGMMAScaleInAttr::get(ctx, NVVM::WGMMAScaleIn::one);
  // A `row` and B `col` are K-major; the other layout transposes.
  auto layoutA = NVVM::MMALayoutAttr::get(
      ctx, transposeA ? NVVM::MMALayout::col : NVVM::MMALayout::row);
  auto layoutB = NVVM::MMALayoutAttr::get(
      ctx, transposeB ? NVVM::MMALayout::row : NVVM::MMALayout::col);
  return NVVM::WgmmaMmaAsyncOp::create(
      b, loc, acc.getType(), acc, descA, descB,
      NVVM::MMAShapeAttr::get(ctx, 64, n, wgmmaK(dtype)), inputType, inputType,
      NVVM::WGMMATypesAttr::get(ctx, NVVM::WGMMATypes::f32),
      NVVM::WGMMAScaleOutAttr::get(ctx, accumulate ? NVVM::WGMMAScaleOut::one
                                                   : NVVM::WGMMAScaleOut::zero),
      one, one, layoutA, layoutB, /*satfinite=*/nullptr);
}

Value KernelEmitter::zeroAccumulator(int64_t numRegisters) {
  SmallVector<Type> fields(numRegisters, b.getF32Type());
  auto type = LLVM::LLVMStructType::getLiteral(b.getContext(), fields);
  return LLVM::ZeroOp::create(b, loc, type);
}

Value KernelEmitter::extract(Value aggregate, int64_t index) {
  return LLVM::ExtractValueOp::create(b, loc, aggregate, index);
}

Value KernelEmitter::insert(Value aggregate, Value value, int64_t index) {
  return LLVM::InsertValueOp::create(b, loc, aggregate, value, index);
}

Value KernelEmitter::fenceAccumulator(Value acc) {
  auto type = cast<LLVM::LLVMStructType>(acc.getType());
  int64_t n = type.getBody().size();
  SmallVector<Value> registers;
  std::string constraints;
  for (int64_t i = 0; i < n; ++i) {
    registers.push_back(extract(acc, i));
    constraints += i ? ",=f" : "=f";
  }
  for (int64_t i = 0; i < n; ++i)
    constraints += "," + std::to_string(i);
  return LLVM::InlineAsmOp::create(
             b, loc, type, registers, /*asm_string=*/"", constraints,
             /*has_side_effects=*/true, /*is_align_stack=*/false,
             LLVM::tailcallkind::TailCallKind::None,
             /*asm_dialect=*/LLVM::AsmDialectAttr(),
             /*operand_attrs=*/ArrayAttr())
      .getResult(0);
}
