/*===- EmptyKernelLibrary.c - the runtime without compiled kernels --------===*
 *
 * Linked instead of the embedded cubin when the build has no
 * mggemm-kernel-library target: every launch then fails with
 * MGGEMM_ERROR_UNSUPPORTED, while the rest of the runtime still works.
 *===----------------------------------------------------------------------===*/

#include "EmbeddedKernelLibrary.h"

/* C has no empty arrays; the size, not the array, says there is nothing. */
const unsigned char mggemm_kernel_library_data[1] = {0};
const size_t mggemm_kernel_library_size = 0;
