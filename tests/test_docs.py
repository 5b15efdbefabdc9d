"""The documentation stays true: the config reference matches the config model."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_config_reference_is_generated_from_the_current_config_model():
    done = subprocess.run([sys.executable, "scripts/config_reference.py", "--check"], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    page = (REPO / "docs" / "config-reference.md").read_text(encoding="utf-8")
    assert "| `training.tensorboard` | boolean | `false` |" in page
    assert "| `stance.negative_ratio` | number \\| null (> 0) | `3.0` |" in page


def test_a_stale_config_reference_is_caught(tmp_path):
    stale = tmp_path / "config-reference.md"
    current = (REPO / "docs" / "config-reference.md").read_text(encoding="utf-8")
    stale.write_text(current.replace("`training.tensorboard`", "`training.tensorboard_old`"), encoding="utf-8")
    command = [sys.executable, "scripts/config_reference.py", "--check", "--page", str(stale)]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr == f"{stale} is stale: run python scripts/config_reference.py\n"
