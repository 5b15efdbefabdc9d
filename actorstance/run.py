"""The run directory: the one bundle that evaluation and prediction need.

    runs/<name>/
      config.yaml     the fully resolved run config
      labels.yaml     the label schema the heads were sized from
      aliases.json    normalised surface -> canonical actor name, from the training split
      metrics.json    validation metrics, timing, device, versions, git commit
      decision.json   the stance decision fitted on validation (threshold, reverse margin, NONE prior);
                      runs with a stance head; older runs without it keep the old rule (actorstance.decision)
      linker.json     the nominal linker fitted on the training split (actorstance.linking); runs with a
                      tagger; older runs without it link nominals by the nearest-before rule
      train.log       one JSON object per logged step
      README.md       model card
      members.json    only in an ensemble (``actorstance ensemble``): the member runs whose models it
                      averages, in place of model/ (actorstance.ensemble)
      model/          (shared encoder) or model-roles/ + model-stance/ (separate models)
                      each: encoder/ (HF save_pretrained), heads.safetensors, heads.json, tokenizer files
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from .labels import LabelSchema

__all__ = ["RUN_FILES", "model_dirs", "check_run_dir", "check_model_files", "safetensors_problem", "RunDirError"]

RUN_FILES = ("config.yaml", "labels.yaml", "aliases.json", "metrics.json")


class RunDirError(ValueError):
    """A run directory that is missing something or holds a corrupt file."""


Parsed = TypeVar("Parsed")


def write_versioned(run_dir: str | Path, name: str, version: int, payload: dict, **dump_options) -> Path:
    """Write ``payload`` with its ``format`` version as the run's JSON file ``name``, atomically."""
    from .atomic import atomic_write_text

    path = Path(run_dir) / name
    atomic_write_text(path, json.dumps({"format": version, **payload}, **dump_options) + "\n")
    return path


def read_versioned(run_dir: str | Path, name: str, version: int, parse: Callable[[dict], Parsed], what: str) -> Parsed | None:
    """The run's JSON file ``name`` read by ``parse``, or None where the run has none (one from before it
    existed); a file of another ``format`` version, or one ``parse`` cannot read, is a ValueError naming it."""
    path = Path(run_dir) / name
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["format"] != version:
            raise ValueError(f"format {data['format']!r}, this version reads {version}")
        return parse(data)
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise ValueError(f"{path}: corrupt {what} file ({type(error).__name__}: {error})") from None


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


def safetensors_problem(path: Path) -> str | None:
    """Why a safetensors file cannot be whole (shorter than its own header says: a cut-short copy), else None."""
    size = path.stat().st_size
    with path.open("rb") as stream:
        prefix = stream.read(8)
        header_length = int.from_bytes(prefix, "little") if len(prefix) == 8 else None
        if header_length is None or header_length > size - 8:
            return f"{path}: truncated or not a safetensors file ({size:,} bytes, no complete header)"
        try:
            header = json.loads(stream.read(header_length))
            data_end = max((entry["data_offsets"][1] for key, entry in header.items() if key != "__metadata__"), default=0)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError):
            return f"{path}: corrupt safetensors header"
    expected = 8 + header_length + data_end
    if size < expected:
        return f"{path}: truncated ({size:,} bytes; its header describes {expected:,}); copy the file again"
    return None


def check_model_files(run_dir: Path, labels: LabelSchema, directories: Iterable[Path]) -> None:
    """Refuse a run whose labels.yaml does not fit the heads' sizes, or whose weights are cut short.

    A labels.yaml with one role less than the heads were trained with would otherwise load and give
    shifted roles on some texts and an IndexError on others. Messages name the file.
    """
    from .modeling import HEADS_CONFIG

    expected = {  # heads.json key: (outputs the labels need, what the labels hold, head, what an output count means)
        "num_tags": (len(labels.bio_labels), f"{len(labels.roles)} roles ({len(labels.bio_labels)} BIO tags)", "role", lambda n: f"{(n - 1) // 2} roles"),
        "num_stance_classes": (len(labels.stance_classes), f"{len(labels.stances)} stance labels ({len(labels.stance_classes)} classes with NONE)", "stance", lambda n: f"{n - 1} stance labels"),
    }  # fmt: skip
    for directory in dict.fromkeys(directories):
        problem = next(filter(None, map(safetensors_problem, sorted(directory.rglob("*.safetensors")))), None)
        if problem:
            raise RunDirError(f"{directory}: cannot load model: {problem}")
        heads = directory / HEADS_CONFIG
        try:
            sizes = json.loads(heads.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError, UnicodeDecodeError) as error:
            raise RunDirError(f"{directory}: cannot load model: {heads}: {getattr(error, 'strerror', None) or error}") from None
        for key, (count, described, head, trained) in expected.items():
            size = sizes.get(key) if isinstance(sizes, dict) else None
            if isinstance(size, int) and size != count:
                raise RunDirError(
                    f"{run_dir / 'labels.yaml'} does not match {heads}: labels.yaml has {described}, "
                    f"but the {head} head has {size} outputs ({trained(size)}); use the labels.yaml this run was trained with"
                )
