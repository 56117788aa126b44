// REQUIRES: ptxas
// RUN: mggemm-opt %s --mggemm-materialize-kernel-library --mggemm-to-ptx | mggemm-translate --mggemm-export-kernel-binary -o %t.ptx
// RUN: %ptxas -arch=sm_90a -v %t.ptx -o %t.cubin 2>&1 | FileCheck %s

// Every kernel of the runtime's library (3 kinds x 2 cluster shapes x
// bf16/f16, plus forward e4m3, e4m3_block and e4m3_fast on both cluster
// shapes) assembles for sm_90a with no local memory and without wgmma
// serialisation.

// CHECK-NOT: Potential Performance Loss
// CHECK-COUNT-18: 0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
// CHECK-NOT: Potential Performance Loss
module {
}
