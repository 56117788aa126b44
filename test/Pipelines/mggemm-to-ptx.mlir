// RUN: mggemm-opt %s --mggemm-to-ptx > %t.mlir
// RUN: FileCheck %s --check-prefix=HOST --input-file=%t.mlir
// RUN: mggemm-translate --mggemm-export-kernel-binary %t.mlir | FileCheck %s

// From the tensor form to PTX in one pipeline: tile configs are chosen,
// the backward op is split (its unused grad_input half dropped), the ops are
// bufferized and lowered, and the kernels serialised.

// HOST-DAG: llvm.func @mggemmEncodeTensorMap
// HOST-DAG: llvm.func @mggemmDeviceSMCount
// HOST-DAG: gpu.launch_func @mggemm_kernels::@mggemm_forward_bf16_m128n256k64s4c2
// HOST-DAG: gpu.launch_func @mggemm_kernels::@mggemm_grad_weight_bf16_m128n256k64s4c2
// HOST-DAG: gpu.binary @mggemm_kernels
// HOST-NOT: grad_input

// CHECK: .target sm_90a
// CHECK: .extern .shared .align 1024 .b8 mggemm_dynamic_smem[];
// CHECK-LABEL: .entry mggemm_forward_bf16_m128n256k64s4c2(
// CHECK: .param .align 64 .b8 mggemm_forward_bf16_m128n256k64s4c2_param_0[128]
// CHECK: .maxntid 384, 1, 1
// CHECK: .reqnctapercluster 2, 1, 1
// CHECK-DAG: cvta.param
// CHECK-DAG: mbarrier.init.shared
// CHECK-DAG: setmaxnreg.dec.sync.aligned.u32 40
// CHECK-DAG: setmaxnreg.inc.sync.aligned.u32 232
// CHECK-DAG: mbarrier.try_wait.parity
// CHECK-DAG: mbarrier.arrive.expect_tx.shared.b64
// CHECK-DAG: cp.async.bulk.tensor.2d.shared::cta.global.tile.mbarrier::complete_tx::bytes
// CHECK-DAG: cp.async.bulk.tensor.3d.shared::cluster.global.tile.mbarrier::complete_tx::bytes.multicast::cluster
// CHECK-DAG: mapa.shared::cluster
// CHECK-DAG: mbarrier.arrive.shared::cluster.b64
// CHECK-DAG: barrier.cluster.arrive.aligned
// CHECK-DAG: barrier.cluster.wait.aligned
// CHECK-DAG: wgmma.fence.sync.aligned
// CHECK-DAG: wgmma.mma_async.sync.aligned.m64n256k16.f32.bf16.bf16
// CHECK-DAG: wgmma.commit_group.sync.aligned
// CHECK-DAG: wgmma.wait_group.sync.aligned
// CHECK-DAG: cvt.rn.bf16x2.f32
// CHECK-LABEL: .entry mggemm_grad_weight_bf16_m128n256k64s4c2(

func.func @moe_layer(%x: tensor<?x7168xbf16>, %w: tensor<8x2048x7168xbf16>, %sizes: tensor<8xi32>,
                     %y: tensor<?x2048xbf16>, %dy: tensor<?x2048xbf16>, %dx: tensor<?x7168xbf16>,
                     %dw: tensor<8x2048x7168xbf16>) -> (tensor<?x2048xbf16>, tensor<8x2048x7168xbf16>) {
  %out = mggemm.grouped_matmul ins(%x, %w, %sizes : tensor<?x7168xbf16>, tensor<8x2048x7168xbf16>, tensor<8xi32>)
      outs(%y : tensor<?x2048xbf16>) -> tensor<?x2048xbf16>
  %gi, %gw = mggemm.grouped_matmul_backward
      ins(%dy, %x, %w, %sizes : tensor<?x2048xbf16>, tensor<?x7168xbf16>, tensor<8x2048x7168xbf16>, tensor<8xi32>)
      outs(%dx, %dw : tensor<?x7168xbf16>, tensor<8x2048x7168xbf16>) -> tensor<?x7168xbf16>, tensor<8x2048x7168xbf16>
  return %out, %gw : tensor<?x2048xbf16>, tensor<8x2048x7168xbf16>
}
