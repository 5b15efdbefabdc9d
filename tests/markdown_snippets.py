"""The fenced code blocks of a Markdown page, and running them as a user would (holds no tests itself)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

FENCE = re.compile(r"(?P<before>[^\n]*)\n *```(?P<language>python|bash)\n(?P<code>.*?)\n *```", re.DOTALL)
SKIP = re.compile(r"<!-- readme-test: skip \((?P<reason>[^)]+)\) -->")


def snippets(page: Path) -> list[tuple[str, str, str | None]]:
    """``(language, code, skip reason or None)`` of every fenced python/bash block, in page order.
    A block is skipped when the line above it is ``<!-- readme-test: skip (REASON) -->``."""
    found = []
    for match in FENCE.finditer(page.read_text(encoding="utf-8")):
        skip = SKIP.fullmatch(match["before"].strip())
        found.append((match["language"], match["code"], skip["reason"] if skip else None))
    return found


def run_snippet(language: str, code: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run a block with this venv's python and commands first on PATH, offline, in ``cwd``."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "HF_EVALUATE_OFFLINE": "1"}  # fmt: skip
    command = [sys.executable, "-c", code] if language == "python" else ["bash", "-euo", "pipefail", "-c", code]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
