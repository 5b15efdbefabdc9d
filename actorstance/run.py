"""The run directory: the one bundle that evaluation and prediction need.

    runs/<name>/
      config.yaml     the fully resolved run config
      labels.yaml     the label schema the heads were sized from
      aliases.json    normalised surface -> canonical actor name, from the training split
      metrics.json    validation metrics, timing, device, versions, git commit
      train.log       one JSON object per logged step
      README.md       model card
      model/          (shared encoder) or model-roles/ + model-stance/ (separate models)
                      each: encoder/ (HF save_pretrained), heads.safetensors, heads.json, tokenizer files
"""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["RUN_FILES", "model_dirs", "check_run_dir", "RunDirError"]

RUN_FILES = ("config.yaml", "labels.yaml", "aliases.json", "metrics.json")


class RunDirError(ValueError):
    """A run directory that is missing something or holds a corrupt file."""


def model_dirs(run_dir: Path, tasks: list[str], architecture: str) -> dict[str, Path]:
    """Task -> the model folder that serves it."""
    if architecture == "shared":
        return {task: run_dir / "model" for task in tasks}
    return {task: run_dir / f"model-{task}" for task in tasks}


def check_run_dir(run_dir: str | Path) -> Path:
    """Fail early, naming the file, when a run directory cannot be loaded."""
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise RunDirError(f"{run_dir}: not a run directory (it does not exist or is not a folder)")
    for name in RUN_FILES:
        path = run_dir / name
        if not path.is_file():
            raise RunDirError(f"{path}: missing; is this a complete run directory?")
        if path.suffix == ".json":
            try:
                json.loads(path.read_text(encoding="utf-8"))
            except (json.JSONDecodeError, UnicodeDecodeError) as error:
                raise RunDirError(f"{path}: corrupt JSON ({error})") from None
    return run_dir
