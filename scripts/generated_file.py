"""Write a generated file, or check that it is current (the scripts that keep docs in step with code share this)."""

from __future__ import annotations

import sys
from pathlib import Path


def write_or_check(path: Path, content: str, check: bool, stale: str) -> int:
    """With ``check``: exit status 1 and ``stale`` on stderr if ``path`` does not hold ``content``; else write it."""
    if check:
        if not path.is_file() or path.read_text(encoding="utf-8") != content:
            print(stale, file=sys.stderr)
            return 1
        return 0
    path.write_text(content, encoding="utf-8")
    print(f"wrote {path}")
    return 0
