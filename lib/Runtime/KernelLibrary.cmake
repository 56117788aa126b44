# Compiles every kernel of include/mggemm/Runtime/TileConfigs.h through the
# mggemm-to-cubin pipeline into one cubin, MGGEMM_KERNEL_CUBIN, which the
# runtime embeds. Needs ptxas (the CUDA toolkit), not a GPU.
set(MGGEMM_KERNEL_CUBIN ${CMAKE_BINARY_DIR}/kernels/mggemm_kernels.cubin)
if(MGGEMM_PTXAS)
  get_filename_component(MGGEMM_PTXAS_DIR "${MGGEMM_PTXAS}" DIRECTORY)
  get_filename_component(MGGEMM_TOOLKIT_DIR "${MGGEMM_PTXAS_DIR}" DIRECTORY)
  add_custom_command(
    OUTPUT ${MGGEMM_KERNEL_CUBIN}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/kernels
    COMMAND $<TARGET_FILE:mggemm-opt> ${CMAKE_CURRENT_SOURCE_DIR}/KernelLibrary.mlir
            --mggemm-materialize-kernel-library
            "--mggemm-to-cubin=toolkit=${MGGEMM_TOOLKIT_DIR}"
            -o ${CMAKE_BINARY_DIR}/kernels/mggemm_kernels.mlir
    COMMAND $<TARGET_FILE:mggemm-translate> --mggemm-export-kernel-binary
            ${CMAKE_BINARY_DIR}/kernels/mggemm_kernels.mlir
            -o ${MGGEMM_KERNEL_CUBIN}
    DEPENDS mggemm-opt mggemm-translate KernelLibrary.mlir
            ${PROJECT_SOURCE_DIR}/include/mggemm/Runtime/TileConfigs.h
            ${PROJECT_SOURCE_DIR}/include/mggemm/Runtime/KernelABI.h
    COMMENT "Compiling the grouped GEMM kernel library for sm_90a"
    VERBATIM)
  add_custom_target(mggemm-kernel-library ALL DEPENDS ${MGGEMM_KERNEL_CUBIN})
else()
  message(WARNING "ptxas not found: the runtime is built without kernels")
endif()
