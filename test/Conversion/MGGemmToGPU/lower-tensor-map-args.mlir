// RUN: mggemm-opt %s --pass-pipeline='builtin.module(gpu.module(mggemm-lower-tensor-map-args))' -split-input-file -verify-diagnostics | FileCheck %s

// A by-value tensor map whose address the kernel takes becomes a grid
// constant: a byval pointer that NVPTX addresses in the parameter space.

// CHECK-LABEL: llvm.func @kernel
// CHECK-SAME:    (%[[MAP:.*]]: !llvm.ptr {llvm.align = 64 : i64, llvm.byval = !llvm.array<16 x i64>, nvvm.grid_constant}, %{{.*}}: i32)
// CHECK-NOT:     unrealized_conversion_cast
// CHECK:         llvm.call @use(%[[MAP]])
gpu.module @kernels {
  llvm.func @use(!llvm.ptr)
  llvm.func @kernel(%map: !llvm.array<16 x i64>, %n: i32) attributes {nvvm.kernel} {
    %p = builtin.unrealized_conversion_cast %map : !llvm.array<16 x i64> to !llvm.ptr
    llvm.call @use(%p) : (!llvm.ptr) -> ()
    llvm.return
  }
}

// -----

gpu.module @kernels {
  llvm.func @kernel(%map: !llvm.array<16 x i64>) attributes {nvvm.kernel} {
    // expected-error @+1 {{tensor-map kernel argument #0 may only be used through its address}}
    %v = llvm.extractvalue %map[0] : !llvm.array<16 x i64>
    llvm.return
  }
}
