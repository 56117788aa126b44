# Compiles every kernel of include/mggemm/Runtime/TileConfigs.h through the
# mggemm-to-cubin pipeline into one cubin, MGGEMM_KERNEL_CUBIN.
set(MGGEMM_KERNEL_CUBIN ${CMAKE_BINARY_DIR}/kernels/mggemm_kernels.cubin)
