// RUN: mggemm-opt %s --convert-mggemm-to-gpu -split-input-file | FileCheck %s

// The forward op becomes a launch of a persistent kernel: tensor maps
// encoded by the runtime and passed by value, one CTA per SM, 384 threads
// (one producer and two consumer warpgroups) and the ring's shared memory.

// CHECK-LABEL: func.func @forward
// CHECK:         %[[MAPA:.*]] = llvm.alloca {{.*}} x !llvm.array<16 x i64> {alignment = 64 : i64}
// CHECK:         call @mggemmEncodeTensorMap(%[[MAPA]], %c0_i32, %c0_i32{{.*}})
// CHECK:         cf.assert
// CHECK:         call @mggemmEncodeTensorMap(%{{.*}}, %c0_i32{{.*}}, %c2_i32{{.*}})
// CHECK:         %[[SMS:.*]] = call @mggemmDeviceSMCount()
// CHECK:         gpu.launch_func @mggemm_kernels::@mggemm_forward_bf16_m128n256k64s4
// CHECK-SAME:      threads in (%c384
// CHECK-SAME:      dynamic_shared_memory_size %c231424_i32
// CHECK-SAME:      args(%{{.*}} : !llvm.array<16 x i64>, %{{.*}} : !llvm.array<16 x i64>, %{{.*}} : !llvm.array<16 x i64>, %{{.*}} : !llvm.ptr<1>, %{{.*}} : !llvm.ptr<1>, %{{.*}} : i32, %{{.*}} : i32, %{{.*}} : i32, %{{.*}} : i32)
// CHECK:       gpu.module @mggemm_kernels
// CHECK:         llvm.mlir.global external @mggemm_dynamic_smem() {addr_space = 3 : i32, alignment = 1024 : i64} : !llvm.array<0 x i8>
// CHECK:         gpu.func @mggemm_forward_bf16_m128n256k64s4(%{{.*}}: !llvm.array<16 x i64>, %{{.*}}: !llvm.array<16 x i64>, %{{.*}}: !llvm.array<16 x i64>, %{{.*}}: !llvm.ptr<1>, %{{.*}}: !llvm.ptr<1>, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32) kernel
// CHECK-SAME:      nvvm.maxntid = array<i32: 384, 1, 1>
// CHECK-SAME:      nvvm.minctasm = 1
// CHECK-DAG:       nvvm.mbarrier.init
// CHECK-DAG:       nvvm.setmaxregister  decrease 40
// CHECK-DAG:       nvvm.setmaxregister  increase 232
// CHECK-DAG:       nvvm.mbarrier.arrive.expect_tx
// CHECK-DAG:       nvvm.cp.async.bulk.tensor.shared.cluster.global
// CHECK-DAG:       nvvm.mbarrier.try_wait.parity
// CHECK-DAG:       nvvm.wgmma.fence.aligned
// CHECK-DAG:       nvvm.wgmma.mma_async {{.*}} <m = 64, n = 256, k = 16>, D[<f32>, <one>], A[<bf16>, <one>, <row>], B[<bf16>, <one>, <col>]
// CHECK-DAG:       nvvm.wgmma.commit.group.sync.aligned
// CHECK-DAG:       nvvm.wgmma.wait.group.sync.aligned 1
// CHECK-DAG:       nvvm.mbarrier.arrive
// CHECK-DAG:       nvvm.cp.async.bulk.wait_group 0 {read}
// CHECK-DAG:       nvvm.cp.async.bulk.tensor.global.shared.cta
// CHECK-DAG:       nvvm.cp.async.bulk.commit.group
// CHECK-DAG:       nvvm.cp.async.bulk.wait_group 0
func.func @forward(%x: memref<?x7168xbf16>, %w: memref<8x4096x7168xbf16>,
                   %sizes: memref<8xi32>, %y: memref<?x4096xbf16>) {
  mggemm.grouped_matmul ins(%x, %w, %sizes : memref<?x7168xbf16>, memref<8x4096x7168xbf16>, memref<8xi32>)
      outs(%y : memref<?x4096xbf16>)
      {tile_config = #mggemm.tile_config<m = 128, n = 256, k = 64, stages = 4>}
  return
}

// -----

// The gradients read the weight (and, for dW, both operands) transposed from
// shared memory: wgmma layouts col/row instead of row/col.

// CHECK-LABEL: func.func @gradients
// CHECK:         gpu.launch_func @mggemm_kernels::@mggemm_grad_input_f16_m128n256k64s4
// CHECK:         gpu.launch_func @mggemm_kernels::@mggemm_grad_weight_f16_m64n128k64s6
// CHECK-SAME:      threads in (%c256
// CHECK:       gpu.func @mggemm_grad_input_f16_m128n256k64s4
// CHECK:         nvvm.wgmma.mma_async {{.*}} A[<f16>, <one>, <row>], B[<f16>, <one>, <row>]
// CHECK:       gpu.func @mggemm_grad_weight_f16_m64n128k64s6
// Rows past a group's end are zeroed in shared memory before the MMA reads
// them, then made visible to the async proxy.
// CHECK:         nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// CHECK:         nvvm.barrier id = %{{.*}} number_of_threads = %{{.*}}
// CHECK:         nvvm.wgmma.mma_async {{.*}} <m = 64, n = 128, k = 16>, D[<f32>, <one>], A[<f16>, <one>, <col>], B[<f16>, <one>, <row>]
func.func @gradients(%dy: memref<?x?xf16>, %x: memref<?x?xf16>, %w: memref<?x?x?xf16>,
                     %sizes: memref<?xi32>, %dx: memref<?x?xf16>, %dw: memref<?x?x?xf16>) {
  mggemm.grouped_matmul_grad_input ins(%dy, %w, %sizes : memref<?x?xf16>, memref<?x?x?xf16>, memref<?xi32>)
      outs(%dx : memref<?x?xf16>)
      {tile_config = #mggemm.tile_config<m = 128, n = 256, k = 64, stages = 4>}
  mggemm.grouped_matmul_grad_weight ins(%dy, %x, %sizes : memref<?x?xf16>, memref<?x?xf16>, memref<?xi32>)
      outs(%dw : memref<?x?x?xf16>)
      {tile_config = #mggemm.tile_config<m = 64, n = 128, k = 64, stages = 6>}
  return
}

// -----

// Two launches of one configuration share one kernel.

// CHECK-LABEL: func.func @shared_kernel
// CHECK-COUNT-2: gpu.launch_func @mggemm_kernels::@mggemm_forward_bf16_m128n256k64s4
// CHECK-COUNT-1: gpu.func @mggemm_forward_bf16_m128n256k64s4
// CHECK-NOT:     gpu.func
func.func @shared_kernel(%x: memref<?x64xbf16>, %w: memref<2x64x64xbf16>,
                         %sizes: memref<2xi32>, %y: memref<?x64xbf16>) {
  mggemm.grouped_matmul ins(%x, %w, %sizes : memref<?x64xbf16>, memref<2x64x64xbf16>, memref<2xi32>)
      outs(%y : memref<?x64xbf16>)
      {tile_config = #mggemm.tile_config<m = 128, n = 256, k = 64, stages = 4>}
  mggemm.grouped_matmul ins(%x, %w, %sizes : memref<?x64xbf16>, memref<2x64x64xbf16>, memref<2xi32>)
      outs(%y : memref<?x64xbf16>)
      {tile_config = #mggemm.tile_config<m = 128, n = 256, k = 64, stages = 4>}
  return
}

// -----

// A arrives in 64-row boxes, and the producer loads only those that hold
// rows of the tile's group: the stage's byte count is B's 32 KB plus 8 KB per
// box loaded. A consumer warpgroup whose 64 rows all lie past the tile's
// group (groups of at most 64 rows) skips its MMAs and its share of the
// epilogue: it waits for each stage and frees it.

// CHECK-LABEL: gpu.func @mggemm_grad_input_bf16_m128n256k64s4
// CHECK:         %[[BOXES:.*]] = arith.minui %{{.*}}, %c2_i32
// CHECK:         %[[ABYTES:.*]] = arith.muli %[[BOXES]], %c8192_i32
// CHECK:         %[[BYTES:.*]] = arith.addi %c32768_i32, %[[ABYTES]]
// CHECK:         nvvm.mbarrier.arrive.expect_tx %{{.*}}, %[[BYTES]]
// CHECK:         %[[FIRST:.*]] = arith.cmpi ult, %c0_i32{{.*}}, %[[ROWS:.*]] : i32
// CHECK-NEXT:    scf.if %[[FIRST]] {
// CHECK:           nvvm.cp.async.bulk.tensor.shared.cluster.global
// CHECK:         %[[SECOND:.*]] = arith.cmpi ult, %c64_i32{{.*}}, %[[ROWS]] : i32
// CHECK-NEXT:    scf.if %[[SECOND]] {
// CHECK:           nvvm.cp.async.bulk.tensor.shared.cluster.global
// CHECK:         scf.if %{{.*}} -> (i32, i32) {
// CHECK:           nvvm.wgmma.mma_async
// CHECK:           scf.yield %{{.*}}, %{{.*}} : i32, i32
// CHECK-NEXT:    } else {
// CHECK-NOT:       nvvm.wgmma
// CHECK:           scf.for {{.*}} -> (i32, i32)
// CHECK-NOT:         nvvm.wgmma
// CHECK:             nvvm.mbarrier.try_wait.parity
// CHECK-NOT:         nvvm.wgmma
// CHECK:             nvvm.mbarrier.arrive
// CHECK-NOT:         nvvm.wgmma
// CHECK:         scf.yield
func.func @idle_consumers(%dy: memref<?x2048xbf16>, %w: memref<128x2048x7168xbf16>,
                          %sizes: memref<128xi32>, %dx: memref<?x7168xbf16>) {
  mggemm.grouped_matmul_grad_input ins(%dy, %w, %sizes : memref<?x2048xbf16>, memref<128x2048x7168xbf16>, memref<128xi32>)
      outs(%dx : memref<?x7168xbf16>)
      {tile_config = #mggemm.tile_config<m = 128, n = 256, k = 64, stages = 4>}
  return
}

// -----

// A 2x1 cluster: the kernel carries its cluster shape, the maps are encoded
// for it (the forward B box is then half of n: each CTA loads half of B), the
// grid is the SM count rounded down to whole clusters, and B arrives by
// multicast while each consumer warp frees a stage in both CTAs.

// CHECK-LABEL: func.func @cluster
// CHECK:         call @mggemmEncodeTensorMap(%{{.*}}, %c0_i32{{.*}}, %c1_i32, %c0_i32{{.*}}, %c128_i32{{.*}}, %c256_i32{{.*}}, %c64_i32{{.*}}, %c2_i32
// CHECK:         %[[SMS:.*]] = call @mggemmDeviceSMCount()
// CHECK:         %[[PAIRS:.*]] = arith.divui %[[SMS]], %c2_i32
// CHECK:         %[[GRID:.*]] = arith.muli %[[PAIRS]], %c2_i32
// CHECK:         %[[GRIDX:.*]] = arith.index_cast %[[GRID]]
// CHECK:         gpu.launch_func @mggemm_kernels::@mggemm_forward_bf16_m128n256k64s4c2 blocks in (%[[GRIDX]],
// CHECK:       gpu.func @mggemm_forward_bf16_m128n256k64s4c2
// CHECK-SAME:      nvvm.cluster_dim = array<i32: 2, 1, 1>
// CHECK-DAG:       nvvm.read.ptx.sreg.cluster.ctarank
// CHECK-DAG:       nvvm.cluster.arrive {aligned}
// CHECK-DAG:       nvvm.cluster.wait {aligned}
// CHECK-DAG:       nvvm.cp.async.bulk.tensor.shared.cluster.global {{.*}} multicast_mask
// CHECK-DAG:       nvvm.mapa
func.func @cluster(%x: memref<?x7168xbf16>, %w: memref<8x4096x7168xbf16>,
                   %sizes: memref<8xi32>, %y: memref<?x4096xbf16>) {
  mggemm.grouped_matmul ins(%x, %w, %sizes : memref<?x7168xbf16>, memref<8x4096x7168xbf16>, memref<8xi32>)
      outs(%y : memref<?x4096xbf16>)
      {tile_config = #mggemm.tile_config<m = 128, n = 256, k = 64, stages = 4, cluster_m = 2>}
  return
}

// -----

// On a 2x1 cluster, a group whose m-tiles are odd in number ends in tiles
// of its last m-tile and two n-tiles, one per CTA: those tiles come after
// the group's pairs of m-tiles, and there the CTAs share A (each multicasts
// the 64-row boxes of its rank) and load all of their own B. A consumer
// warpgroup whose rows lie past the group passes its stages on, as without
// clusters.

// CHECK-LABEL: func.func @tail_pairs
// CHECK:       gpu.func @mggemm_forward_bf16_m128n256k64s4c2
// CHECK:         %[[RANK:.*]] = nvvm.read.ptx.sreg.cluster.ctarank
// CHECK:         %[[MTILES:.*]] = arith.ceildivui %{{.*}}, %c128_i32{{.*}} : i32
// CHECK:         %[[ODD:.*]] = arith.remui %[[MTILES]], %c2_i32{{.*}} : i32
// CHECK:         %[[TAILTILES:.*]] = arith.ceildivui %[[NTILES:.*]], %c2_i32{{.*}} : i32
// CHECK:         arith.muli %[[ODD]], %[[TAILTILES]] : i32
// CHECK:         %[[TAIL:.*]] = arith.cmpi uge, %{{.*}}, %{{.*}} : i32
// CHECK:         scf.if %[[TAIL]] {
// CHECK:           arith.cmpi eq, %[[RANK]], %c0_i32
// CHECK:           nvvm.cp.async.bulk.tensor.shared.cluster.global {{.*}} multicast_mask
// CHECK:           arith.cmpi eq, %[[RANK]], %c1_i32
// CHECK:           nvvm.cp.async.bulk.tensor.shared.cluster.global {{.*}} multicast_mask
// CHECK:           nvvm.cp.async.bulk.tensor.shared.cluster.global {{.*}} {isCTAOnly = true}
// CHECK:           nvvm.cp.async.bulk.tensor.shared.cluster.global {{.*}} {isCTAOnly = true}
// CHECK:         } else {
// CHECK:           nvvm.cp.async.bulk.tensor.shared.cluster.global {{.*}} {isCTAOnly = true}
// CHECK:           nvvm.cp.async.bulk.tensor.shared.cluster.global {{.*}} {isCTAOnly = true}
// CHECK:           nvvm.cp.async.bulk.tensor.shared.cluster.global {{.*}} multicast_mask
// CHECK:         }
// CHECK:         scf.if %{{.*}} -> (i32, i32) {
// CHECK:           nvvm.wgmma.mma_async
// CHECK:         } else {
// CHECK-NOT:       nvvm.wgmma
// CHECK:           nvvm.mbarrier.try_wait.parity
func.func @tail_pairs(%x: memref<?x7168xbf16>, %w: memref<8x4096x7168xbf16>,
                      %sizes: memref<8xi32>, %y: memref<?x4096xbf16>) {
  mggemm.grouped_matmul ins(%x, %w, %sizes : memref<?x7168xbf16>, memref<8x4096x7168xbf16>, memref<8xi32>)
      outs(%y : memref<?x4096xbf16>)
      {tile_config = #mggemm.tile_config<m = 128, n = 256, k = 64, stages = 4, cluster_m = 2>}
  return
}

// -----

// With m = 64, A is one box: in tail tiles rank 0 multicasts it.

// CHECK-LABEL: func.func @tail_pairs_one_box
// CHECK:       gpu.func @mggemm_forward_bf16_m64n128k64s6c2
// CHECK:         %[[RANK:.*]] = nvvm.read.ptx.sreg.cluster.ctarank
// CHECK:         %[[TAIL:.*]] = arith.cmpi uge, %{{.*}}, %{{.*}} : i32
// CHECK:         scf.if %[[TAIL]] {
// CHECK:           arith.cmpi eq, %[[RANK]], %c0_i32
// CHECK:           nvvm.cp.async.bulk.tensor.shared.cluster.global {{.*}} multicast_mask
// CHECK-NOT:       arith.cmpi eq, %[[RANK]], %c1_i32
// CHECK:           nvvm.cp.async.bulk.tensor.shared.cluster.global {{.*}} {isCTAOnly = true}
// CHECK:           nvvm.cp.async.bulk.tensor.shared.cluster.global {{.*}} {isCTAOnly = true}
// CHECK:         } else {
func.func @tail_pairs_one_box(%x: memref<?x7168xbf16>, %w: memref<8x4096x7168xbf16>,
                              %sizes: memref<8xi32>, %y: memref<?x4096xbf16>) {
  mggemm.grouped_matmul ins(%x, %w, %sizes : memref<?x7168xbf16>, memref<8x4096x7168xbf16>, memref<8xi32>)
      outs(%y : memref<?x4096xbf16>)
      {tile_config = #mggemm.tile_config<m = 64, n = 128, k = 64, stages = 6, cluster_m = 2>}
  return
}

// -----

// A row-scaled fp8 forward product: its maps are encoded for dtype 2 (e4m3)
// with k = 128 (one 128-byte row of fp8), the launch passes the two scale
// arrays after M, N, K, G, and the kernel runs e4m3 wgmma k32 steps. Each
// k-block's first wgmma overwrites the partial sums (scale-d zero); once they
// are done they are added to the tile's sum in f32 (no FMA: row scales apply
// in the epilogue, which multiplies each sum by the scales of its row and
// column).

// CHECK-LABEL: func.func @scaled
// CHECK:         call @mggemmEncodeTensorMap(%{{.*}}, %c0_i32{{.*}}, %c0_i32{{.*}}, %c2_i32{{.*}}, %c128_i32{{.*}}, %c192_i32{{.*}}, %c128_i32
// CHECK:         gpu.launch_func @mggemm_kernels::@mggemm_forward_e4m3_m128n192k128s4c2
// CHECK-SAME:        args(%{{[^:]*}} : !llvm.array<16 x i64>, %{{[^:]*}} : !llvm.array<16 x i64>, %{{[^:]*}} : !llvm.array<16 x i64>, %{{[^:]*}} : !llvm.ptr<1>, %{{[^:]*}} : !llvm.ptr<1>, %{{[^:]*}} : i32, %{{[^:]*}} : i32, %{{[^:]*}} : i32, %{{[^:]*}} : i32, %{{[^:]*}} : !llvm.ptr<1>, %{{[^:]*}} : !llvm.ptr<1>)
// CHECK:       gpu.func @mggemm_forward_e4m3_m128n192k128s4c2({{.*}}, %{{.*}}: i32, %{{.*}}: !llvm.ptr<1>, %{{.*}}: !llvm.ptr<1>)
// CHECK:         nvvm.wgmma.mma_async {{.*}} <m = 64, n = 192, k = 32>, D[<f32>, <zero>], A[<e4m3>, <one>, <row>], B[<e4m3>, <one>, <col>]
// CHECK-COUNT-3: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 192, k = 32>, D[<f32>, <one>], A[<e4m3>, <one>, <row>], B[<e4m3>, <one>, <col>]
// CHECK:         nvvm.wgmma.wait.group.sync.aligned 0
// CHECK-NOT:     llvm.intr.fma
// CHECK:         arith.addf
// CHECK:         llvm.load %{{.*}} : !llvm.ptr<1> -> f32
// CHECK:         arith.mulf
// CHECK:         arith.mulf
func.func @scaled(%x: memref<?x7168xf8E4M3FN>, %w: memref<8x4096x7168xf8E4M3FN>,
                  %sx: memref<?xf32>, %sw: memref<8x4096xf32>,
                  %sizes: memref<8xi32>, %y: memref<?x4096xbf16>) {
  mggemm.scaled_grouped_matmul ins(%x, %w, %sx, %sw, %sizes : memref<?x7168xf8E4M3FN>, memref<8x4096x7168xf8E4M3FN>, memref<?xf32>, memref<8x4096xf32>, memref<8xi32>)
      outs(%y : memref<?x4096xbf16>)
      {tile_config = #mggemm.tile_config<m = 128, n = 192, k = 128, stages = 4, cluster_m = 2>}
  return
}

// -----

// With fast_accumulation: dtype 4 (e4m3_fast), one accumulator summed in the
// tensor cores over all of K (every wgmma accumulates; one batch stays in
// flight), no f32 adds before the epilogue's scales, and a 128 x 256 tile.

// CHECK-LABEL: func.func @scaled_fast
// CHECK:         call @mggemmEncodeTensorMap(%{{.*}}, %c0_i32{{.*}}, %c0_i32{{.*}}, %c4_i32{{.*}}, %c128_i32{{.*}}, %c256_i32{{.*}}, %c128_i32
// CHECK:         gpu.launch_func @mggemm_kernels::@mggemm_forward_e4m3_fast_m128n256k128s4c2
// CHECK:       gpu.func @mggemm_forward_e4m3_fast_m128n256k128s4c2(
// CHECK-NOT:     D[<f32>, <zero>]
// CHECK:         nvvm.wgmma.mma_async {{.*}} <m = 64, n = 256, k = 32>, D[<f32>, <one>], A[<e4m3>, <one>, <row>], B[<e4m3>, <one>, <col>]
// CHECK:         nvvm.wgmma.wait.group.sync.aligned 1
// CHECK-NOT:     arith.addf
// CHECK:         llvm.load %{{.*}} : !llvm.ptr<1> -> f32
// CHECK:         arith.mulf
func.func @scaled_fast(%x: memref<?x7168xf8E4M3FN>, %w: memref<8x4096x7168xf8E4M3FN>,
                       %sx: memref<?xf32>, %sw: memref<8x4096xf32>,
                       %sizes: memref<8xi32>, %y: memref<?x4096xbf16>) {
  mggemm.scaled_grouped_matmul ins(%x, %w, %sx, %sw, %sizes : memref<?x7168xf8E4M3FN>, memref<8x4096x7168xf8E4M3FN>, memref<?xf32>, memref<8x4096xf32>, memref<8xi32>)
      outs(%y : memref<?x4096xbf16>)
      {fast_accumulation, tile_config = #mggemm.tile_config<m = 128, n = 256, k = 128, stages = 4, cluster_m = 2>}
  return
}

// -----

// A block-scaled fp8 product: dtype 3 (e4m3_block), a 128 x 128 tile. A
// arrives whole, in one box (its stage always brings 32 KB): its own, or in
// a tail tile of the cluster rank 0's, multicast. Each k-block's
// first wgmma overwrites the partial sum (scale-d zero), the rest
// accumulate; the partial sums are waited for, scaled by a product of scales
// and added to the tile's sum.

// CHECK-LABEL: func.func @block_scaled
// CHECK:         call @mggemmEncodeTensorMap(%{{.*}}, %c0_i32{{.*}}, %c0_i32{{.*}}, %c3_i32{{.*}}, %c128_i32{{.*}}, %c128_i32{{.*}}, %c128_i32
// CHECK:         gpu.launch_func @mggemm_kernels::@mggemm_forward_e4m3_block_m128n128k128s6c2
// CHECK:       gpu.func @mggemm_forward_e4m3_block_m128n128k128s6c2({{.*}}, %{{.*}}: i32, %{{.*}}: !llvm.ptr<1>, %{{.*}}: !llvm.ptr<1>)
// CHECK:         nvvm.mbarrier.arrive.expect_tx %{{.*}}, %c32768_i32
// CHECK:         scf.if %{{.*}} {
// CHECK:           nvvm.cp.async.bulk.tensor.shared.cluster.global {{.*}} multicast_mask
// CHECK:         } else {
// CHECK-NOT:       scf.if
// CHECK:           nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}} {isCTAOnly = true}
// CHECK:         nvvm.wgmma.mma_async {{.*}} <m = 64, n = 128, k = 32>, D[<f32>, <zero>], A[<e4m3>, <one>, <row>], B[<e4m3>, <one>, <col>]
// CHECK-COUNT-3: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 128, k = 32>, D[<f32>, <one>], A[<e4m3>, <one>, <row>], B[<e4m3>, <one>, <col>]
// CHECK:         nvvm.wgmma.wait.group.sync.aligned 0
// CHECK:         arith.mulf
// CHECK:         llvm.intr.fma
func.func @block_scaled(%x: memref<?x7168xf8E4M3FN>, %w: memref<8x4096x7168xf8E4M3FN>,
                        %sx: memref<56x?xf32>, %sw: memref<8x32x56xf32>,
                        %sizes: memref<8xi32>, %y: memref<?x4096xbf16>) {
  mggemm.scaled_grouped_matmul ins(%x, %w, %sx, %sw, %sizes : memref<?x7168xf8E4M3FN>, memref<8x4096x7168xf8E4M3FN>, memref<56x?xf32>, memref<8x32x56xf32>, memref<8xi32>)
      outs(%y : memref<?x4096xbf16>)
      {tile_config = #mggemm.tile_config<m = 128, n = 128, k = 128, stages = 6, cluster_m = 2>}
  return
}

// -----

// A block-scaled tile 192 wide has registers for the partial sums and the
// tile's sum only: each k-block's MMAs are waited for before they are added,
// and the two consumers take turns to issue them (named barriers 2 and 3,
// consumer 1 opening consumer 0's first turn). A k-block's stage is waited
// for before the loop (the first) or while the k-block before it runs, so
// that the turn is all that stands between the adds and the next MMAs. The
// tile spans two 128-column blocks of weight_scale: its middle 64 columns
// take the first or the second block's scale, as the tile starts on a block
// or half-way into one.

// CHECK-LABEL: func.func @block_scaled_wide
// CHECK:         gpu.launch_func @mggemm_kernels::@mggemm_forward_e4m3_block_m128n192k128s4c2
// CHECK:       gpu.func @mggemm_forward_e4m3_block_m128n192k128s4c2
// CHECK:         nvvm.mbarrier.arrive.expect_tx %{{.*}}, %c40960_i32
// CHECK:         nvvm.barrier.arrive id = %c2_i32{{.*}} number_of_threads = %c256_i32
// CHECK:         nvvm.mbarrier.try_wait.parity
// CHECK:         scf.for
// CHECK-NOT:       nvvm.mbarrier.try_wait.parity
// CHECK:           nvvm.barrier id = %{{.*}} number_of_threads = %c256_i32
// CHECK:           nvvm.wgmma.mma_async {{.*}} <m = 64, n = 192, k = 32>, D[<f32>, <zero>]
// CHECK-COUNT-3:   nvvm.wgmma.mma_async {{.*}} <m = 64, n = 192, k = 32>, D[<f32>, <one>]
// CHECK:           nvvm.barrier.arrive id = %{{.*}} number_of_threads = %c256_i32
// CHECK:           scf.if
// CHECK:             nvvm.mbarrier.try_wait.parity
// CHECK:           nvvm.wgmma.wait.group.sync.aligned 0
// CHECK:           %[[LEFT0:.*]] = arith.mulf %[[ROW0:.*]], %[[BLOCK0:[^ ]*]] : f32
// CHECK:           %[[LEFT1:.*]] = arith.mulf %[[ROW1:.*]], %[[BLOCK0]] : f32
// CHECK:           %[[MIDDLE:.*]] = arith.select %{{.*}}, %[[BLOCK1:[^ ]*]], %[[BLOCK0]] : f32
// CHECK:           arith.mulf %[[ROW0]], %[[MIDDLE]] : f32
// CHECK:           arith.mulf %[[ROW1]], %[[MIDDLE]] : f32
// CHECK:           arith.mulf %[[ROW0]], %[[BLOCK1]] : f32
// CHECK:           arith.mulf %[[ROW1]], %[[BLOCK1]] : f32
// CHECK:           llvm.intr.fma(%{{.*}}, %[[LEFT0]], %{{.*}})
// CHECK:         nvvm.barrier id = %c2_i32{{.*}} number_of_threads = %c256_i32
func.func @block_scaled_wide(%x: memref<?x7168xf8E4M3FN>, %w: memref<8x4096x7168xf8E4M3FN>,
                             %sx: memref<56x?xf32>, %sw: memref<8x32x56xf32>,
                             %sizes: memref<8xi32>, %y: memref<?x4096xbf16>) {
  mggemm.scaled_grouped_matmul ins(%x, %w, %sx, %sw, %sizes : memref<?x7168xf8E4M3FN>, memref<8x4096x7168xf8E4M3FN>, memref<56x?xf32>, memref<8x32x56xf32>, memref<8xi32>)
      outs(%y : memref<?x4096xbf16>)
      {tile_config = #mggemm.tile_config<m = 128, n = 192, k = 128, stages = 4, cluster_m = 2>}
  return
}

// -----

// The fp8 weight gradient: kind 2 (grad_weight), dtype 2 (e4m3). It reads
// M off dYᵀ's second dimension and N, K, G off dW; both operands are K-major
// (row, col) like the forward's. Every warp first finds out, with ballots
// over the sizes, whether some group's size is not a multiple of 128. Only
// then may a k-block hold columns of another group: the producer
// warpgroup's warps 1-3 (the stage masker) zero them in the stage's rows,
// 16 bytes ANDed with a per-word mask at a time, once the `full` barrier
// (count 1) says the loads landed; they arrive on `masked` (count 96) for
// every k-block, and, once past it, on `empty` (count 22: 8 consumer and 3
// masker warps per CTA of the cluster, so that no stage is refilled before
// the masker has seen it; 16 where the masker does not run). The consumers
// come in two copies: the one for misaligned groups waits on `full` and,
// for such k-blocks, on `masked`; the other on `full` alone. Neither stores
// to the stages. Each k-block's sums are added in f32 and the epilogue
// scales by [G, N] and [G, K] scales.

// CHECK-LABEL: func.func @scaled_grad_weight
// CHECK:         memref.dim %{{.*}}, %c1{{.*}} : memref<4096x?xf8E4M3FN>
// CHECK:         call @mggemmEncodeTensorMap(%{{.*}}, %c2_i32{{.*}}, %c0_i32{{.*}}, %c2_i32{{.*}}, %c128_i32{{.*}}, %c192_i32{{.*}}, %c128_i32
// CHECK:         gpu.launch_func @mggemm_kernels::@mggemm_grad_weight_e4m3_m128n192k128s4c2
// CHECK:       gpu.func @mggemm_grad_weight_e4m3_m128n192k128s4c2(
// CHECK:         nvvm.vote.sync  ballot
// CHECK:         nvvm.mbarrier.init %{{.*}}, %c1_i32
// CHECK:         nvvm.mbarrier.init %{{.*}}, %c96_i32
// CHECK:         %[[EMPTY:.*]] = arith.select %[[MISALIGNED:[0-9]+]], %c22_i32{{.*}}, %c16_i32{{.*}} : i32
// CHECK:         nvvm.mbarrier.init %{{.*}}, %[[EMPTY]]
// CHECK:         nvvm.mbarrier.arrive.expect_tx
// CHECK:         scf.if %[[MISALIGNED]] {
// CHECK:           nvvm.mbarrier.try_wait.parity
// CHECK:           llvm.and %{{.*}} : vector<4xi32>
// CHECK:           llvm.store %{{.*}} {alignment = 16 : i64} : vector<4xi32>, !llvm.ptr<3>
// CHECK:           nvvm.fence.proxy
// CHECK:           nvvm.mbarrier.arrive %{{.*}} : !llvm.ptr<3>
// CHECK:         scf.if %[[MISALIGNED]] {
// CHECK-NOT:       llvm.store %{{.*}} !llvm.ptr<3>
// CHECK:           nvvm.mbarrier.try_wait.parity
// CHECK-NOT:       llvm.store %{{.*}} !llvm.ptr<3>
// CHECK:           nvvm.mbarrier.try_wait.parity
// CHECK-NOT:       llvm.store %{{.*}} !llvm.ptr<3>
// CHECK:           nvvm.wgmma.mma_async {{.*}} <m = 64, n = 192, k = 32>, D[<f32>, <zero>], A[<e4m3>, <one>, <row>], B[<e4m3>, <one>, <col>]
// CHECK:           arith.addf
// CHECK:           nvvm.mbarrier.try_wait.parity
// CHECK-NOT:       nvvm.mbarrier.try_wait.parity
// CHECK:           nvvm.wgmma.mma_async {{.*}} <m = 64, n = 192, k = 32>, D[<f32>, <zero>], A[<e4m3>, <one>, <row>], B[<e4m3>, <one>, <col>]
func.func @scaled_grad_weight(%dyt: memref<4096x?xf8E4M3FN>, %xt: memref<7168x?xf8E4M3FN>,
                              %sdy: memref<8x4096xf32>, %sx: memref<8x7168xf32>,
                              %sizes: memref<8xi32>, %dw: memref<8x4096x7168xbf16>) {
  mggemm.scaled_grouped_matmul_grad_weight ins(%dyt, %xt, %sdy, %sx, %sizes : memref<4096x?xf8E4M3FN>, memref<7168x?xf8E4M3FN>, memref<8x4096xf32>, memref<8x7168xf32>, memref<8xi32>)
      outs(%dw : memref<8x4096x7168xbf16>)
      {tile_config = #mggemm.tile_config<m = 128, n = 192, k = 128, stages = 4, cluster_m = 2>}
  return
}
