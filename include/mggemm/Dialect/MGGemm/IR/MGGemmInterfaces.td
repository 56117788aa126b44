//===- MGGemmInterfaces.td - mggemm op interfaces ----------*- tablegen -*-===//

#ifndef MGGEMM_DIALECT_MGGEMM_IR_MGGEMMINTERFACES_TD
#define MGGEMM_DIALECT_MGGEMM_IR_MGGEMMINTERFACES_TD

include "mlir/IR/OpBase.td"

def MGGemm_GroupedGemmOpInterface : OpInterface<"GroupedGemmOpInterface"> {
  let cppNamespace = "::mlir::mggemm";
  let description = [{
    A single grouped product that one kernel computes: `out = lhs ⊗ rhs`
    per group, where the kind says how the operands combine. The lowering
    to GPU code is written once against this interface.
  }];
  let methods = [
    InterfaceMethod<"The product this op computes.",
      "::mlir::mggemm::GemmKind", "getGemmKind">,
    InterfaceMethod<"The operand that the kernel streams as its A tile.",
      "::mlir::Value", "getLhs">,
    InterfaceMethod<"The operand that the kernel streams as its B tile.",
      "::mlir::Value", "getRhs">,
    InterfaceMethod<"The `[G]` i32 group sizes.",
      "::mlir::Value", "getSizes">,
    InterfaceMethod<"The destination operand.",
      "::mlir::Value", "getInit">,
    InterfaceMethod<"The tile configuration, if one is attached.",
      "::mlir::mggemm::TileConfigAttr", "getTileConfigAttr">,
    InterfaceMethod<[{
        The f32 scales of the lhs and rhs rows, for fp8 operands; none
        otherwise.
      }], "::llvm::SmallVector<::mlir::Value, 2>", "getScales", (ins), [{}],
      [{ return {}; }]>,
    InterfaceMethod<[{
        The runtime dtype of the kernel: the operands' element type and, for
        fp8, how they are scaled.
      }], "::mggemmDtype", "getDtype", (ins), [{}],
      [{ return ::mlir::mggemm::getDtype(
             ::mlir::getElementTypeOrSelf($_op.getLhs().getType())); }]>,
  ];
}

#endif // MGGEMM_DIALECT_MGGEMM_IR_MGGEMMINTERFACES_TD
