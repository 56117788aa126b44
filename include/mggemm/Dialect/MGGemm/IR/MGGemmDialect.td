//===- MGGemmDialect.td - mggemm dialect definition --------*- tablegen -*-===//
//
// The mggemm dialect: grouped GEMMs of Mixture-of-Experts layers.
//
//===----------------------------------------------------------------------===//

#ifndef MGGEMM_DIALECT_MGGEMM_IR_MGGEMMDIALECT_TD
#define MGGEMM_DIALECT_MGGEMM_IR_MGGEMMDIALECT_TD

include "mlir/IR/OpBase.td"

def MGGemm_Dialect : Dialect {
  let name = "mggemm";
  let cppNamespace = "::mlir::mggemm";
  let summary = "Grouped GEMMs of Mixture-of-Experts layers";
  let description = [{
    The `mggemm` dialect expresses the grouped matrix products of a
    Mixture-of-Experts layer. The activations are one tall matrix whose rows
    are sorted by expert; a device-resident `sizes` vector of `G` i32 values
    cuts it into row groups. Group `g` spans rows
    `offset_g .. offset_g + sizes[g]` with `offset_g = sum_{h<g} sizes[h]`.
    Sizes may be zero and need not be multiples of anything.

    The ops come in destination-passing style (`ins(...) outs(...)`) on
    tensors, bufferize with One-Shot Bufferize, and are then lowered from
    their memref form to a persistent TMA + wgmma kernel for sm_90a.
  }];
  let useDefaultAttributePrinterParser = 1;
  let dependentDialects = [];
}

#endif // MGGEMM_DIALECT_MGGEMM_IR_MGGEMMDIALECT_TD
