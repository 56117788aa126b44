# -*- Python -*-
# lit configuration of the mggemm regression tests. CMake writes the site
# config (build/test/lit.site.cfg.py) with the paths of this build and loads
# this file from it.

import os
import shutil
import subprocess

import lit.formats
from lit.llvm import llvm_config

config.name = "MGGEMM"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir"]
config.excludes = ["Inputs", "CMakeLists.txt"]

config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.mggemm_obj_root, "test")

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%shlibext", config.llvm_shlib_ext))

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
# FileCheck, not, count and %python.
llvm_config.use_default_substitutions()

# FileCheck and friends live with the LLVM tools, not on the default PATH of a
# Debian install.
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

config.mggemm_tools_dir = os.path.join(config.mggemm_obj_root, "bin")
tool_dirs = [config.mggemm_tools_dir, config.llvm_tools_dir]
tools = ["mggemm-opt", "mlir-opt"]

# Tools that not every checkout builds yet. Each one that exists becomes a
# substitution and a feature of the same name, so a test says
# `REQUIRES: mggemm-translate` instead of failing where the tool is missing.
for tool in ["mggemm-translate", "mggemm-run"]:
    if os.path.exists(os.path.join(config.mggemm_tools_dir, tool)):
        config.available_features.add(tool)
        tools.append(tool)

# Tests name the tools bare, as upstream does (`mggemm-opt %s | FileCheck %s`);
# `%mggemm-opt` is an alias for the same binary. The aliases go first: the
# bare-name patterns do not match after the `/` of a substituted path.
for tool in tools:
    if tool.startswith("mggemm-"):
        config.substitutions.append(
            ("%" + tool, os.path.join(config.mggemm_tools_dir, tool))
        )
llvm_config.add_tool_substitutions(tools, tool_dirs)

# `ptxas`: the CUDA toolkit is installed, so tests can assemble the PTX the
# pipelines emit for sm_90a. No GPU is needed for that.
if config.mggemm_ptxas and os.path.exists(config.mggemm_ptxas):
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", config.mggemm_ptxas))


def has_cuda_gpu():
    """True when `nvidia-smi -L` lists at least one GPU."""
    nvidia_smi = shutil.which("nvidia-smi")
    if not nvidia_smi:
        return False
    try:
        listing = subprocess.run(
            [nvidia_smi, "-L"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            universal_newlines=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return listing.returncode == 0 and any(
        line.startswith("GPU ") for line in listing.stdout.splitlines()
    )


# `cuda-gpu`: tests that launch kernels (REQUIRES: cuda-gpu) run only on a
# machine with a GPU; here and in CI they are reported as unsupported.
if has_cuda_gpu():
    config.available_features.add("cuda-gpu")
