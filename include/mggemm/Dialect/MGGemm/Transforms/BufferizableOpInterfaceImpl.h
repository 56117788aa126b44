//===- BufferizableOpInterfaceImpl.h - bufferization of mggemm ops -*- C++ -*-===//

#ifndef MGGEMM_DIALECT_MGGEMM_TRANSFORMS_BUFFERIZABLEOPINTERFACEIMPL_H
#define MGGEMM_DIALECT_MGGEMM_TRANSFORMS_BUFFERIZABLEOPINTERFACEIMPL_H

namespace mlir {
class DialectRegistry;
namespace mggemm {
/// Lets One-Shot Bufferize turn the tensor form of every mggemm op into its
/// memref form.
void registerBufferizableOpInterfaceExternalModels(DialectRegistry &registry);
} // namespace mggemm
} // namespace mlir

#endif
