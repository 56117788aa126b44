"""GPU timing for the benchmark: CUDA events around each run, the L2 cache
flushed between runs, inputs rotated, and the SM clock and board power
sampled while the runs go (a power-capped H100 throttles, and a number
without its clock is hard to compare; at the cap, power over throughput is
the energy per FLOP, which decides the clock).

Why not wall-clock time: kernel launches are asynchronous, and the host
would measure its own launch overhead. Why the median: a few runs hit
clock changes or a neighbour's interference; the median ignores them.
"""

from __future__ import annotations

import statistics
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Dict, List, Optional

import torch

# NVML_FI_DEV_POWER_INSTANT (nvml.h), for bindings that predate the name.
_POWER_INSTANT = 186
# The union member of an NVML field value, by its nvmlValueType_t.
_FIELD_MEMBERS = {0: "dVal", 1: "uiVal", 2: "ulVal", 3: "ullVal", 4: "sllVal", 5: "siVal"}


@dataclass
class Timing:
    """Per-run times (ms) of one measurement and the clocks and board power
    seen during it."""

    times_ms: List[float] = field(default_factory=list)
    sm_clock_mhz: List[int] = field(default_factory=list)  # sampled while running
    power_w: List[float] = field(default_factory=list)  # sampled while running
    sampled_s: float = 0.0  # how long the samplers ran, in all

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times_ms) if self.times_ms else float("nan")

    def merge(self, other: "Timing") -> None:
        self.times_ms.extend(other.times_ms)
        self.sm_clock_mhz.extend(other.sm_clock_mhz)
        self.power_w.extend(other.power_w)
        self.sampled_s += other.sampled_s

    def summary(self) -> Dict[str, Any]:
        clocks = self.sm_clock_mhz
        out: Dict[str, Any] = asdict(self)
        out["median_ms"] = self.median_ms
        out["min_ms"] = min(self.times_ms) if self.times_ms else None
        out["runs"] = len(self.times_ms)
        out["sm_clock_mhz_median"] = statistics.median(clocks) if clocks else None
        out["sm_clock_mhz_min"] = min(clocks) if clocks else None
        out["power_w_median"] = statistics.median(self.power_w) if self.power_w else None
        return out


class ClockReader:
    """The device's SM clock through NVML (nvidia-ml-py), else through
    ``torch.cuda.clock_rate`` (which also uses NVML), else nothing; its board
    power through NVML only: the instantaneous reading where the driver has
    it, else NVML's power average (over about a second on recent GPUs, which
    blurs neighbouring measurements)."""

    def __init__(self, device: int = 0) -> None:
        self._nvml: Any = None
        self._handle: Any = None
        try:
            import pynvml

            pynvml.nvmlInit()
            self._nvml = pynvml
            self._handle = self._find_handle(pynvml, device)
        except Exception:  # no NVML: clocks stay unknown, timings still work
            self._nvml = None
        self._device = device
        self._power_source: Optional[str] = "nvml instant" if self._nvml else None

    @staticmethod
    def _find_handle(pynvml: Any, device: int) -> Any:
        """NVML numbers devices without CUDA_VISIBLE_DEVICES: match by UUID."""
        try:
            uuid = str(torch.cuda.get_device_properties(device).uuid)
            return pynvml.nvmlDeviceGetHandleByUUID(
                uuid if uuid.startswith("GPU-") else "GPU-" + uuid)
        except Exception:
            return pynvml.nvmlDeviceGetHandleByIndex(device)

    def sm_clock_mhz(self) -> Optional[int]:
        if self._nvml is not None:
            try:
                return int(self._nvml.nvmlDeviceGetClockInfo(self._handle, self._nvml.NVML_CLOCK_SM))
            except Exception:
                pass
        try:
            return int(torch.cuda.clock_rate(self._device))
        except Exception:
            return None

    def power_w(self) -> Optional[float]:
        if self._nvml is None or self._power_source is None:
            return None
        n = self._nvml
        try:
            if self._power_source == "nvml instant":
                value = n.nvmlDeviceGetFieldValues(self._handle, [_POWER_INSTANT])[0]
                if value.nvmlReturn != 0:
                    raise RuntimeError("no instantaneous power")
                return _field_number(value) / 1000  # mW
            return n.nvmlDeviceGetPowerUsage(self._handle) / 1000
        except Exception:
            if self._power_source == "nvml instant":
                self._power_source = "nvml average"
                return self.power_w()
            self._power_source = None
            return None

    def info(self) -> Dict[str, Any]:
        """Static facts: maximum clocks, power limit, driver."""
        out: Dict[str, Any] = {"source": "nvml" if self._nvml else "torch" if self.sm_clock_mhz() else None}
        self.power_w()  # settles which power reading works
        out["power_source"] = self._power_source
        if self._nvml is None:
            return out
        n = self._nvml
        for key, call in {
            "sm_clock_max_mhz": lambda: n.nvmlDeviceGetMaxClockInfo(self._handle, n.NVML_CLOCK_SM),
            "mem_clock_max_mhz": lambda: n.nvmlDeviceGetMaxClockInfo(self._handle, n.NVML_CLOCK_MEM),
            "power_limit_w": lambda: n.nvmlDeviceGetEnforcedPowerLimit(self._handle) / 1000,
            "temperature_c": lambda: n.nvmlDeviceGetTemperature(self._handle, n.NVML_TEMPERATURE_GPU),
            "driver": lambda: n.nvmlSystemGetDriverVersion(),
        }.items():
            try:
                value = call()
                out[key] = value.decode() if isinstance(value, bytes) else value
            except Exception:
                out[key] = None
        return out


def _field_number(value: Any) -> float:
    """The number an NVML field value holds."""
    return float(getattr(value.value, _FIELD_MEMBERS[value.valueType]))


class _Sampler:
    """Samples the SM clock and the board power on a thread while the GPU
    runs."""

    def __init__(self, reader: ClockReader, period_s: float = 0.005) -> None:
        self.reader, self.period_s = reader, period_s
        self.clocks: List[int] = []
        self.power: List[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            clock, power = self.reader.sm_clock_mhz(), self.reader.power_w()
            if clock is None and power is None:
                return
            if clock is not None:
                self.clocks.append(clock)
            if power is not None:
                self.power.append(power)
            time.sleep(self.period_s)

    def __enter__(self) -> "_Sampler":
        self._start = time.perf_counter()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.seconds = time.perf_counter() - self._start


class Timer:
    """Times ``fn(i)`` (``i`` picks the input copy to use) with CUDA events.

    Before every run the L2 is flushed by writing a buffer twice its size,
    and the run uses the next of ``copies`` input copies, so no run finds
    its inputs in cache (the anchor shapes' inputs exceed the 50 MB L2
    anyway; the flush makes small shapes honest too).
    """

    def __init__(self, clocks: ClockReader, l2_bytes: int, rep_ms: float = 200.0,
                 warmup_ms: float = 25.0, min_runs: int = 5, max_runs: int = 500) -> None:
        self.clocks = clocks
        self.rep_ms, self.warmup_ms = rep_ms, warmup_ms
        self.min_runs, self.max_runs = min_runs, max_runs
        self._flush = torch.empty(max(2 * l2_bytes, 1 << 20), dtype=torch.int8, device="cuda")

    def estimate_ms(self, fn: Callable[[int], Any], copies: int) -> float:
        """Mean time of a few back-to-back runs (also warms up)."""
        fn(0)
        torch.cuda.synchronize()
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        for i in range(3):
            fn(i % copies)
        end.record()
        torch.cuda.synchronize()
        return max(start.elapsed_time(end) / 3, 1e-3)

    def measure(self, fn: Callable[[int], Any], copies: int = 1,
                rep_ms: Optional[float] = None) -> Timing:
        estimate = self.estimate_ms(fn, copies)
        for i in range(max(1, int(self.warmup_ms / estimate))):
            fn(i % copies)
        runs = int((rep_ms or self.rep_ms) / estimate)
        runs = max(self.min_runs, min(self.max_runs, runs))
        starts = [torch.cuda.Event(enable_timing=True) for _ in range(runs)]
        ends = [torch.cuda.Event(enable_timing=True) for _ in range(runs)]
        torch.cuda.synchronize()
        with _Sampler(self.clocks) as sampler:
            for i in range(runs):
                self._flush.zero_()
                starts[i].record()
                fn(i % copies)
                ends[i].record()
            torch.cuda.synchronize()
        return Timing([s.elapsed_time(e) for s, e in zip(starts, ends)], sampler.clocks,
                      sampler.power, sampler.seconds)
