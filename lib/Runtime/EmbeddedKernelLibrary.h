/*===- EmbeddedKernelLibrary.h - the cubin inside the runtime -----*- C -*-===*
 *
 * One cubin holding every kernel that TileConfigs.h lists, for every dtype,
 * embedded by cmake/EmbedBinary.cmake from the mggemm-kernel-library target's
 * output (or EmptyKernelLibrary.c, size 0, when that target does not exist).
 * Exported from libmggemm_runtime.so so that tools (mggemm-run --list) can
 * inspect what a given build holds.
 *===----------------------------------------------------------------------===*/

#ifndef MGGEMM_LIB_RUNTIME_EMBEDDEDKERNELLIBRARY_H
#define MGGEMM_LIB_RUNTIME_EMBEDDEDKERNELLIBRARY_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

extern const unsigned char mggemm_kernel_library_data[];
extern const size_t mggemm_kernel_library_size;

#ifdef __cplusplus
}
#endif

#endif /* MGGEMM_LIB_RUNTIME_EMBEDDEDKERNELLIBRARY_H */
