//===- KernelEmitter.h - building blocks of the grouped GEMM kernel -*- C++
//-*-===//
//
// Thin helpers over arith, scf, gpu, nvvm and llvm ops that keep the kernel
// builder readable: 32-bit index arithmetic, structured control flow from
// lambdas, mbarriers, TMA, wgmma and the accumulator register fence.
//
//===----------------------------------------------------------------------===//

#ifndef MGGEMM_LIB_CONVERSION_MGGEMMTOGPU_KERNELEMITTER_H
#define MGGEMM_LIB_CONVERSION_MGGEMMTOGPU_KERNELEMITTER_H

#include "mggemm/Runtime/KernelABI.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace mlir {
namespace mggemm {

class KernelEmitter {
public:
  KernelEmitter(OpBuilder &builder, Location loc) : b(builder), loc(loc) {}

  OpBuilder &builder() { return b; }
  Location getLoc() const { return loc; }

  /// `!llvm.array<16 x i64>`: a 128-byte CUtensorMap passed by value.
  static Type tensorMapType(MLIRContext *ctx);
  /// Declares `symbol` as the module's extern dynamic shared memory array.
  static void declareSharedMemory(OpBuilder &builder, Location loc,
                                  gpu::GPUModuleOp module, StringRef symbol,
                                  int64_t alignment);

  // Constants and unsigned integer arithmetic (i32 or i64 operands).
  Value i32(int64_t value);
  Value i64(int64_t value);
  Value boolean(bool value);
  Value f32(float value);
  Value add(Value a, Value b);
  Value sub(Value a, Value b);
  Value mul(Value a, Value b);
  Value divu(Value a, Value b);
  Value remu(Value a, Value b);
  Value ceilDiv(Value a, Value b);
  Value minu(Value a, Value b);
  Value maxs(Value a, Value b);
  Value andI(Value a, Value b);
  Value orI(Value a, Value b);
  Value xorI(Value a, Value b);
  Value shl(Value a, Value b);
  Value shru(Value a, Value b);
  Value eq(Value a, Value b);
  Value ult(Value a, Value b);
  Value uge(Value a, Value b);
  Value ule(Value a, Value b);
  Value ugt(Value a, Value b);
  Value select(Value cond, Value a, Value b);
  Value zext64(Value a);

  // Thread coordinates as i32.
  Value threadId();
  Value laneId();
  Value blockId();
  Value gridDim();

  // Warp collectives.
  /// Value from lane - offset and whether that lane exists.
  std::pair<Value, Value> shuffleUp(Value value, int64_t offset);
  Value shuffleIdx(Value value, Value lane);
  /// `value`, which every lane of the warp holds, broadcast from lane 0:
  /// ptxas then knows it is uniform and computes with it in uniform
  /// registers, which wgmma descriptors need (notes v20).
  Value warpUniform(Value value);
  Value ballot(Value predicate);
  Value countTrailingZeros(Value value);

  // Structured control flow.
  void ifThen(Value cond, function_ref<void()> thenBody);
  void ifThenElse(Value cond, function_ref<void()> thenBody,
                  function_ref<void()> elseBody);
  /// An if-else whose branches each yield values of `types`; returns them.
  SmallVector<Value> ifThenElse(Value cond, TypeRange types,
                                function_ref<SmallVector<Value>()> thenBody,
                                function_ref<SmallVector<Value>()> elseBody);
  /// `for (iv = 0; iv < upper; ++iv)` carrying `iterArgs`; returns them.
  SmallVector<Value>
  forLoop(Value upper, ValueRange iterArgs,
          function_ref<SmallVector<Value>(Value, ValueRange)> body);
  void forLoop(Value lower, Value upper, Value step,
               function_ref<void(Value)> body);

  // Memory.
  Value gep(Value pointer, Value byteOffset);
  Value loadI32(Value pointer, Value index);
  Value loadF32(Value pointer, Value index);
  Value addF(Value a, Value b);
  Value mulF(Value a, Value b);
  /// a * b + c, rounded once.
  Value fma(Value a, Value b, Value c);
  /// The dynamic shared memory rounded up to `alignment` (the slack is part
  /// of the size the runtime requests).
  Value alignedSharedMemory(StringRef symbol, int64_t alignment);
  /// 32-bit shared-window address of a shared pointer.
  Value sharedAddress(Value pointer);
  /// The address of a by-value tensor-map argument (see
  /// mggemm-lower-tensor-map-args).
  Value castToPointer(Value tensorMapArg);
  void storeZero16(Value sharedPointer);
  /// ANDs the 16 bytes at `sharedPointer` with `masks`, four i32 words.
  void andShared16(Value sharedPointer, ArrayRef<Value> masks);
  /// f32 `lo`, `hi` converted to `dtype` and packed into an i32 (`lo` in the
  /// low half, the lower column of an MMA fragment).
  Value packPair(Value lo, Value hi, mggemmDtype dtype);
  Value loadShared16(Value sharedPointer);
  /// Stores 16 bytes at element `index` (i64) of `base` (16-bit elements).
  void storeGlobal16(Value base, Value index, Value value);
  /// stmatrix .x4 .m8n8 .b16: four 8x8 matrices, one register each.
  void storeMatrixX4(Value sharedPointer, ValueRange registers);

  // Synchronisation.
  void syncThreads();
  void syncWarp();
  /// bar.sync: waits until `numThreads` threads arrived at barrier `id`.
  void namedBarrier(Value id, int64_t numThreads);
  /// bar.arrive: counts towards barrier `id` without waiting.
  void namedBarrierArrive(Value id, int64_t numThreads);
  void mbarrierInit(Value barrier, int64_t count);
  void mbarrierInit(Value barrier, Value count);
  void fenceMbarrierInit();
  void mbarrierWait(Value barrier, Value phase);
  void mbarrierArrive(Value barrier);
  void mbarrierArriveExpectTx(Value barrier, Value bytes);
  void fenceProxyAsyncShared();
  void setMaxRegisters(int64_t count, bool increase);

  // Thread-block clusters.
  /// This CTA's rank in its cluster.
  Value clusterCtaRank();
  /// The address of `sharedPointer`'s offset in cluster CTA `rank`'s shared
  /// memory (mapa).
  Value toSharedCluster(Value sharedPointer, Value rank);
  /// Arrives on the mbarrier at `barrier` (a pointer
  /// into this CTA's shared memory) in the shared memory of cluster CTA
  /// `rank`.
  void mbarrierArriveInCta(Value barrier, Value rank);
  /// barrier.cluster arrive and wait: every thread of the cluster's CTAs.
  void clusterSync();

  // The stage ring: stage index and phase parity advance together.
  SmallVector<Value> advanceStage(Value stage, Value phase, int64_t stages);
  SmallVector<Value> advanceStageBy(Value stage, Value phase, Value count,
                                    int64_t stages);
  Value previousStage(Value stage, int64_t stages);

  // TMA and wgmma.
  /// A TMA tile load into `dst`, completing on `barrier`; with a
  /// `multicastMask` (i16), into the same offsets of every cluster CTA whose
  /// bit is set, completing on each one's barrier.
  void tmaLoad(Value dst, Value tensorMap, ArrayRef<Value> coords,
               Value barrier, Value multicastMask = Value());
  /// A TMA tile store of the box at `src` (shared) to `coords` of
  /// `tensorMap`, in this thread's current bulk async-group.
  void tmaStore(Value tensorMap, Value src, ArrayRef<Value> coords);
  void bulkCommitGroup();
  /// Waits until at most `pending` of this thread's bulk async-groups are
  /// unfinished: done reading their shared memory (`...Read`) or complete.
  void bulkWaitGroupRead(int64_t pending);
  void bulkWaitGroup(int64_t pending);
  void wgmmaFence();
  void wgmmaCommit();
  void wgmmaWait(int64_t pending);
  /// The reduction step of one wgmma: 32 bytes of `dtype` elements.
  static int64_t wgmmaK(mggemmDtype dtype) {
    return 32 / mggemmElementBytes(dtype);
  }
  /// `acc` + A B, or A B alone when `accumulate` is false.
  Value wgmma(Value acc, Value descA, Value descB, int64_t n, mggemmDtype dtype,
              bool transposeA, bool transposeB, bool accumulate = true);
  Value zeroAccumulator(int64_t numRegisters);
  /// Ties every accumulator register to an empty volatile asm so that no
  /// read or write of them moves across a wgmma fence or wait.
  Value fenceAccumulator(Value acc);
  Value extract(Value aggregate, int64_t index);
  Value insert(Value aggregate, Value value, int64_t index);

private:
  Value cmp(int predicate, Value a, Value b);

  OpBuilder &b;
  Location loc;
};

} // namespace mggemm
} // namespace mlir

#endif // MGGEMM_LIB_CONVERSION_MGGEMMTOGPU_KERNELEMITTER_H
