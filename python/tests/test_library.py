"""Finding and loading the runtime, and the ctypes binding, without a GPU.

A stub library with the same C API (stub_runtime.c, built here with the C
compiler) stands in for the runtime so that the argument marshalling and
the error translation are tested on any machine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Iterator, List

import pytest

from mggemm import _library
from mggemm._library import (
    ENV_VAR,
    LIBRARY_NAME,
    Dtype,
    LibraryNotFoundError,
    MggemmError,
    Runtime,
    Status,
    candidate_paths,
    find_library,
)

HERE = Path(__file__).resolve().parent


@pytest.fixture(autouse=True)
def fresh_runtime_cache() -> Iterator[None]:
    """Each test decides for itself which library (if any) is loaded."""
    _library.runtime.cache_clear()
    yield
    _library.runtime.cache_clear()


def _compiler() -> str:
    for cc in (os.environ.get("CC", ""), "cc", "gcc", "clang"):
        if cc and shutil.which(cc):
            return cc
    pytest.skip("no C compiler to build the stub runtime")


def build_stub(tmp_path: Path, *defines: str) -> Path:
    out = tmp_path / LIBRARY_NAME
    subprocess.run([_compiler(), "-shared", "-fPIC", "-O1", *defines,
                    str(HERE / "stub_runtime.c"), "-o", str(out)], check=True)
    return out


# ----------------------------------------------------------- search order


def test_candidates_without_env(tmp_path: Path) -> None:
    pkg = tmp_path / "stage" / "python" / "mggemm"
    assert candidate_paths(env={}, package_dir=pkg) == [
        pkg / LIBRARY_NAME,
        tmp_path / "stage" / "python" / LIBRARY_NAME,
        tmp_path / "stage" / "lib" / LIBRARY_NAME,
        tmp_path / "stage" / "build" / "lib" / LIBRARY_NAME,
    ]


def test_env_var_file_and_folder(tmp_path: Path) -> None:
    lib = tmp_path / "custom.so"
    assert candidate_paths(env={ENV_VAR: str(lib)}) == [lib]
    assert candidate_paths(env={ENV_VAR: str(tmp_path)}) == [tmp_path / LIBRARY_NAME]


def test_not_found_lists_every_place_and_the_fix(tmp_path: Path) -> None:
    tried: List[Path] = [tmp_path / "a" / LIBRARY_NAME, tmp_path / "b" / LIBRARY_NAME]
    with pytest.raises(LibraryNotFoundError) as info:
        find_library(tried)
    message = str(info.value)
    assert f"cannot find {LIBRARY_NAME}" in message
    assert all(str(p) in message for p in tried)
    assert ENV_VAR in message and "cmake --build build" in message
    assert info.value.tried == tuple(tried)
    assert isinstance(info.value, MggemmError)


def test_missing_env_library_fails_cleanly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = tmp_path / "nowhere" / LIBRARY_NAME
    monkeypatch.setenv(ENV_VAR, str(missing))
    assert not _library.is_available()
    assert _library.library_path() is None
    with pytest.raises(LibraryNotFoundError, match="nowhere"):
        _library.set_checked_mode(True)


def test_not_a_library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bogus = tmp_path / LIBRARY_NAME
    bogus.write_text("not an ELF file")
    monkeypatch.setenv(ENV_VAR, str(bogus))
    with pytest.raises(LibraryNotFoundError, match="cannot load"):
        _library.runtime()


def test_import_without_torch_or_library() -> None:
    """`import mggemm` must work with neither torch nor the runtime; the
    torch-facing names then explain what is missing."""
    code = (
        "import sys; sys.modules['torch'] = None\n"
        "import os; os.environ['MGGEMM_RUNTIME_LIB'] = '/nonexistent/libmggemm_runtime.so'\n"
        "import mggemm\n"
        "assert not mggemm.is_available()\n"
        "from mggemm import _checks, splits\n"
        "try:\n"
        "    mggemm.grouped_mm\n"
        "except ImportError as e:\n"
        "    assert 'needs PyTorch' in str(e), e\n"
        "else:\n"
        "    raise SystemExit('grouped_mm should need torch')\n"
    )
    env = dict(os.environ, PYTHONPATH=str(HERE.parent))
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


# ------------------------------------------------------- binding, via stub


def test_stub_marshals_arguments(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, str(build_stub(tmp_path)))
    monkeypatch.delenv("STUB_FAIL_STATUS", raising=False)
    rt = _library.runtime()
    assert _library.library_path() == tmp_path / LIBRARY_NAME
    last = rt._lib.stubLastArg
    last.restype = _library.ctypes.c_int64
    last.argtypes = [_library.ctypes.c_int]

    big_m = 3 * 2**31 + 5  # needs all 64 bits of an int64_t
    rt.forward(0x1000, 0x2000, 0x3000, 0x4000, big_m, 4096, 7168, 8, Dtype.F16, 0xABCDEF)
    assert [last(i) for i in range(10)] == [0x1000, 0x2000, 0x3000, 0x4000, big_m, 4096,
                                            7168, 8, int(Dtype.F16), 0xABCDEF]
    rt.grad_input(16, 32, 48, 64, 1, 2, 3, 4, Dtype.BF16, 0)
    assert [last(i) for i in range(10)] == [16, 32, 48, 64, 1, 2, 3, 4, 0, 0]
    rt.grad_weight(16, 32, 48, 64, 5, 6, 7, 8, Dtype.BF16, 0)
    assert [last(i) for i in range(8)] == [16, 32, 48, 64, 5, 6, 7, 8]
    rt.backward(1, 2, 3, 4, 5, 6, 10, 20, 30, 40, Dtype.BF16, 7)
    assert [last(i) for i in (0, 1, 2, 3, 4, 5, 6, 7, 9)] == [1, 2, 4, 5, 10, 20, 30, 40, 7]
    rt.scaled_forward(1, 2, 3, 4, 5, 6, 10, 20, 30, 40, Dtype.E4M3, 7)
    assert [last(i) for i in (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12)] == [
        1, 2, 5, 6, 10, 20, 30, 40, 2, 7, 3, 4]
    rt.scaled_grad_weight(11, 12, 13, 14, 15, 16, big_m, 24, 32, 3, Dtype.E4M3_FAST, 9)
    assert [last(i) for i in (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12)] == [
        11, 12, 15, 16, big_m, 24, 32, 3, 4, 9, 13, 14]

    _library.set_checked_mode(True)
    rt.forward(0, 0, 0, 0, 1, 8, 8, 1, Dtype.BF16, 0)
    assert last(10) == 1
    _library.set_checked_mode(False)
    rt.forward(0, 0, 0, 0, 1, 8, 8, 1, Dtype.BF16, 0)
    assert last(10) == 0


def test_stub_failure_becomes_mggemm_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, str(build_stub(tmp_path)))
    monkeypatch.setenv("STUB_FAIL_STATUS", str(int(Status.BAD_SIZES)))
    rt = _library.runtime()
    with pytest.raises(MggemmError) as info:
        rt.grad_weight(0, 0, 0, 0, 77, 8, 8, 1, Dtype.BF16, 0)
    err = info.value
    assert err.status is Status.BAD_SIZES
    assert err.runtime_message == "mggemmGradWeight: stub failure M=77"
    assert "MGGEMM_ERROR_BAD_SIZES" in str(err) and "stub failure M=77" in str(err)
    assert isinstance(err, RuntimeError)

    monkeypatch.setenv("STUB_FAIL_STATUS", "42")  # a status this package does not know
    with pytest.raises(MggemmError, match="status 42") as info:
        rt.forward(0, 0, 0, 0, 1, 8, 8, 1, Dtype.BF16, 0)
    assert info.value.status is None


def test_stub_sm_count_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, str(build_stub(tmp_path)))
    with pytest.raises(MggemmError, match="stub: no device"):
        _library.runtime().device_sm_count()


def test_old_library_without_a_symbol(tmp_path: Path) -> None:
    lib = build_stub(tmp_path, "-DSTUB_OMIT_BACKWARD")
    with pytest.raises(LibraryNotFoundError, match="no symbol mggemmBackward.*rebuild"):
        Runtime(lib)


# ----------------------------------------------- the real runtime, if built


def test_real_runtime_rejects_null_pointers_cleanly() -> None:
    """The real library's host-side checks run without a GPU (mggemm.h):
    a call with null pointers must fail with a status, not crash."""
    try:
        path = find_library()
    except LibraryNotFoundError:
        pytest.skip(f"{LIBRARY_NAME} is not built")
    rt = Runtime(path)
    with pytest.raises(MggemmError) as info:
        rt.forward(0, 0, 0, 0, 128, 128, 128, 1, Dtype.BF16, 0)
    assert info.value.status in (Status.INVALID_VALUE, Status.NO_DEVICE)
    assert str(info.value)
