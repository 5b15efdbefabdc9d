"""Which device runs a model, and what machine and commit produced a result: written once for the
predictor, the trainer and the benchmarks."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import platform
import subprocess
from pathlib import Path
from typing import Any

import torch

__all__ = ["best_device", "has_accelerator", "device_summary", "git_commit", "git_dirty", "release_freed_memory"]

_REPO = Path(__file__).resolve().parent.parent


def _mps_available() -> bool:
    return bool(getattr(torch.backends, "mps", None) and torch.backends.mps.is_available())


def has_accelerator() -> bool:
    return torch.cuda.is_available() or _mps_available()


def best_device(device: str | torch.device | None = None) -> torch.device:
    """``device`` when given, else CUDA, then Apple MPS, then the CPU."""
    if device is not None:
        return torch.device(device)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if _mps_available():
        return torch.device("mps")
    return torch.device("cpu")


def device_summary() -> dict[str, Any]:
    """The device `best_device` picks, as a result file records it."""
    if torch.cuda.is_available():
        return {"type": "cuda", "count": torch.cuda.device_count(), "name": torch.cuda.get_device_name(0)}
    if _mps_available():
        return {"type": "mps", "count": 1}
    return {"type": "cpu", "threads": torch.get_num_threads(), "machine": platform.machine()}


def _git(*args: str) -> str | None:
    try:
        return subprocess.run(
            ["git", *args], cwd=_REPO, capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None


def git_commit() -> str | None:
    """The checkout's commit, or None outside a git checkout (an installed wheel)."""
    return _git("rev-parse", "HEAD") or None


def git_dirty() -> bool:
    """Whether tracked files differ from that commit."""
    return bool(_git("status", "--porcelain", "--untracked-files=no"))


@functools.lru_cache(maxsize=1)
def _malloc_trim():
    """glibc's ``malloc_trim``, or None where the C library has none (macOS, musl, Windows)."""
    name = ctypes.util.find_library("c")
    try:
        return getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None
    except OSError:
        return None


def release_freed_memory() -> None:
    """Hand the heap memory Python and torch have freed back to the OS.

    Predicting a long article allocates and frees tensors of hundreds of shapes; glibc keeps the freed
    pieces, so the process's RSS grows chunk after chunk although nothing is held (a 1 MB article's
    stance pass). Called after each chunk, it keeps the RSS at what one chunk needs. A no-op elsewhere.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
